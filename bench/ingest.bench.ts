import { Agent, request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../platform/config/config.ts';
import type { Database } from '../platform/db/database.ts';
import { createMetrics } from '../platform/metrics.ts';
import type { EntityRef, SampleRow } from '../fault-mgmt/monitoring.types.ts';
import { createMonitoringWriter } from '../fault-mgmt/store/monitoring-writer.ts';
import { startService } from '../vnfm-plugin/service.ts';
import { openTestDatabase, testLog } from '../tests/support/test-database.ts';

/** Parallel HTTP senders, as the issue asks. */
const SENDERS = 10;
/** Hosts whose collectd posts to the plugin; each body is one host's value lists (~500 values). */
const HOSTS = 200;
/** collectd Interval: each round of bodies is 10 s of data later than the previous one. */
const INTERVAL = 10;
const DEFAULT_SECONDS = 20;
const SOAK_REPORT_MS = 30_000;

interface Options {
  readonly seconds: number;
  /** Soak: run at half the measured rate for this many seconds, reporting memory. */
  readonly soakSeconds: number | undefined;
}

function parseOptions(args: readonly string[]): Options {
  const value = (name: string) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const n = Number(args[i + 1]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a number of seconds`);
    return n;
  };
  return { seconds: value('--duration') ?? DEFAULT_SECONDS, soakSeconds: value('--soak') };
}

/**
 * Ingest throughput: collectd write_http JSON bodies POSTed to /collectd of the whole
 * plugin (started in-process on a fresh database of DATABASE_URL) by 10 concurrent
 * senders; "stored" is what monitoring_samples holds once every request was answered.
 * Then the same rows are exported, the table emptied, and the rows COPYed back into the
 * same (partitioned, indexed) table: the ceiling of the database itself. Senders and the
 * service share this process and its CPU, as the store writer and the receivers do.
 */
export async function benchIngest(args: readonly string[] = []): Promise<unknown> {
  const opts = parseOptions(args);
  if (!process.env.DATABASE_URL) {
    console.log('ingest: skipped, needs a real PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
    return undefined;
  }
  const direct = await measureWriterAlone(opts.seconds / 2);
  console.log(`writer alone (no HTTP, 10 writers of 500 values): ${direct} values/s`);
  const t = await openTestDatabase();
  const config = loadConfig({
    VNFM_LISTEN: '127.0.0.1:0',
    DATABASE_URL: t.url,
    SYSLOG_LISTEN: 'off',
    MONITORING_RETENTION_DAYS: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const service = await startService(config, testLog);
  try {
    const bodies = collectdBodies(Math.floor(Date.now() / 1000 / INTERVAL) * INTERVAL - 86_400);
    const sender = new Sender(`${service.url}/collectd`);
    const probe = await sender.post(bodies.next());
    if (probe === 404 || probe === 405) {
      console.log(`ingest: POST /collectd answers ${probe}: not wired into the service yet; measuring COPY only`);
      await fillDirect(t.db, opts.seconds / 2);
      const copy = await measureCopy(t.url);
      console.log(`copy ${copy.perSecond} values/s (${copy.rows} rows); writer alone ${direct} values/s, ratio ${(direct / copy.perSecond).toFixed(2)}`);
      return { writerAlone: direct, copy };
    }
    // Warm-up: one body of every host (its series created), then a few seconds (code optimised).
    await sender.run(bodies, 0, undefined, HOSTS);
    await sender.run(bodies, 3, undefined);
    const before = await storedRows(t.db);
    const cpu = process.cpuUsage();
    const run = await sender.run(bodies, opts.seconds, undefined);
    const used = process.cpuUsage(cpu);
    const stored = (await storedRows(t.db)) - before;
    const perSecond = Math.round(stored / run.seconds);
    console.log(
      `this process (senders + service): ${(((used.user + used.system) / 1e6 / run.seconds) * 100).toFixed(0)} % of one CPU, ` +
        `${((used.user + used.system) / run.values).toFixed(1)} µs per value posted`,
    );
    console.log(
      `HTTP: ${run.posts} bodies (${run.values} values) in ${run.seconds.toFixed(1)} s from ${SENDERS} senders, ` +
        `${run.failed} not answered 204 ${JSON.stringify(run.statuses)}; ${stored} rows stored = ${perSecond} values/s`,
    );
    console.log(await writerFigures(service.url));
    const copy = await measureCopy(t.url);
    const ratio = perSecond / copy.perSecond;
    let soak: SoakReport | undefined;
    if (opts.soakSeconds) soak = await runSoak(sender, bodies, perSecond / 2, opts.soakSeconds);
    sender.close();
    console.log(`ingest: ${perSecond} values/s, copy ${copy.perSecond} values/s, ratio ${ratio.toFixed(2)}`);
    return { writerAlone: direct, http: { ...run, stored, perSecond }, copy, ratio: Number(ratio.toFixed(2)), soak };
  } finally {
    await service.close();
    await t.close();
  }
}

/** Group commits of the service's store writer, from its /metrics. */
async function writerFigures(url: string): Promise<string> {
  return figuresOf(await (await fetch(`${url}/metrics`)).text());
}

function figuresOf(text: string): string {
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const flushes = value('vnfm_monitoring_flush_seconds_count');
  const seconds = value('vnfm_monitoring_flush_seconds_sum');
  const rows = value('vnfm_monitoring_rows_written_total\\{kind="sample"\\}');
  return `store writer: ${flushes} transactions, ${Math.round(rows / flushes)} rows and ${((seconds / flushes) * 1000).toFixed(1)} ms each on average, ${((seconds / (rows / 1e6))).toFixed(1)} s per million rows`;
}

async function storedRows(db: Database): Promise<number> {
  const [row] = await db.sequelize.query<{ n: number }>('SELECT count(*)::bigint AS n FROM monitoring_samples', {
    type: QueryTypes.SELECT,
  });
  return Number(row.n);
}

/** The write_http body of one host: gauge value lists as collectd 5.12 sends them, `time` left open. */
function hostBodyTemplate(host: string): { parts: string[]; values: number } {
  const lists: unknown[] = [];
  const add = (plugin: string, pi: string, type: string, ti: string, dsnames: string[], values: number[]) =>
    lists.push({ values, dstypes: dsnames.map(() => 'gauge'), dsnames, time: '@T@', interval: INTERVAL, host, plugin, plugin_instance: pi, type, type_instance: ti });
  const cpuStates = ['user', 'system', 'idle', 'wait', 'nice', 'interrupt', 'softirq', 'steal'];
  for (let cpu = 0; cpu < 48; cpu++) {
    for (const [i, s] of cpuStates.entries()) add('cpu', String(cpu), 'percent', s, ['value'], [s === 'idle' ? 71.5 - cpu / 10 : (i * 3.7 + cpu) % 9]);
  }
  for (const [i, s] of ['used', 'buffered', 'cached', 'free', 'slab_recl', 'slab_unrecl'].entries()) add('memory', '', 'memory', s, ['value'], [1e9 * (i + 1.5)]);
  for (const [i, s] of ['used', 'free', 'cached'].entries()) add('swap', '', 'swap', s, ['value'], [1e8 * (i + 1)]);
  add('load', '', 'load', '', ['shortterm', 'midterm', 'longterm'], [0.52, 0.61, 0.7]);
  for (let m = 0; m < 30; m++) {
    for (const [i, s] of ['used', 'free', 'reserved'].entries()) add('df', `mnt-${m}`, 'df_complex', s, ['value'], [1e10 * (i + 1) + m]);
  }
  for (const [i, s] of ['running', 'sleeping', 'zombies', 'stopped', 'paging', 'blocked'].entries()) add('processes', '', 'ps_state', s, ['value'], [i * 40]);
  add('users', '', 'users', '', ['value'], [3]);
  add('uptime', '', 'uptime', '', ['value'], [123456]);
  const values = lists.reduce<number>((n, l) => n + (l as { values: number[] }).values.length, 0);
  return { parts: JSON.stringify(lists).split('"@T@"'), values };
}

interface Bodies {
  /** The next body in round-robin over hosts; each full round is INTERVAL seconds later. */
  next(): { body: string; values: number };
}

function collectdBodies(start: number): Bodies {
  const templates = Array.from({ length: HOSTS }, (_, h) => hostBodyTemplate(`bench-compute-${String(h).padStart(3, '0')}`));
  let i = 0;
  return {
    next() {
      const host = i % HOSTS;
      const time = (start + Math.floor(i / HOSTS) * INTERVAL + 0.125).toFixed(3);
      i++;
      return { body: templates[host].parts.join(time), values: templates[host].values };
    },
  };
}

interface RunResult {
  posts: number;
  values: number;
  failed: number;
  statuses: Record<string, number>;
  seconds: number;
}

class Sender {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: SENDERS });
  private readonly url: URL;
  constructor(url: string) {
    this.url = new URL(url);
  }

  post(b: { body: string }): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        { agent: this.agent, host: this.url.hostname, port: this.url.port, path: this.url.pathname, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(b.body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(b.body);
    });
  }

  /**
   * SENDERS senders post one body after another for `seconds` (or until `posts` bodies
   * were sent), at most `perSecond` values/s together.
   */
  async run(bodies: Bodies, seconds: number, perSecond: number | undefined, posts?: number): Promise<RunResult> {
    const out: RunResult = { posts: 0, values: 0, failed: 0, statuses: {}, seconds: 0 };
    const start = performance.now();
    const end = start + seconds * 1000;
    let started = 0;
    const one = async () => {
      while (posts !== undefined ? started++ < posts : performance.now() < end) {
        const b = bodies.next();
        const status = await this.post(b);
        out.posts++;
        out.values += b.values;
        if (status !== 204) {
          out.failed++;
          out.statuses[status] = (out.statuses[status] ?? 0) + 1;
        }
        if (perSecond) {
          // Paced: this sender's share of the rate.
          const due = start + ((out.values / perSecond) * 1000);
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, one));
    out.seconds = (performance.now() - start) / 1000;
    return out;
  }

  close() {
    this.agent.destroy();
  }
}

/** Rows exported with COPY TO, the table emptied, and the same rows COPYed back into it. */
async function measureCopy(url: string): Promise<{ rows: number; perSecond: number; seconds: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const chunks: Buffer[] = [];
    await pipeline(
      client.query(copyTo('COPY (SELECT series_id, ts, value FROM monitoring_samples) TO STDOUT')),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const c of source) chunks.push(c);
      },
    );
    const [{ n }] = (await client.query<{ n: string }>('SELECT count(*) AS n FROM monitoring_samples')).rows;
    const rows = Number(n);
    await client.query('TRUNCATE monitoring_samples');
    await client.query('CHECKPOINT').catch(() => undefined); // not the export's dirty pages
    const start = performance.now();
    await pipeline(Readable.from(chunks), client.query(copyFrom('COPY monitoring_samples (series_id, ts, value) FROM STDIN')));
    const seconds = (performance.now() - start) / 1000;
    const [{ n: back }] = (await client.query<{ n: string }>('SELECT count(*) AS n FROM monitoring_samples')).rows;
    if (Number(back) !== rows) throw new Error(`COPY stored ${back} rows of ${rows}`);
    const perSecond = Math.round(rows / seconds);
    console.log(`COPY: ${rows} rows in ${seconds.toFixed(2)} s = ${perSecond} values/s`);
    return { rows, perSecond, seconds: Number(seconds.toFixed(2)) };
  } finally {
    await client.end();
  }
}

/** Batches of one host's samples (the store's input without HTTP and collectd parsing). */
function directBatches(start: number) {
  const entities: EntityRef[] = Array.from({ length: HOSTS }, (_, h) => ({ kind: 'host', id: `bench-direct-${h}` }));
  const metrics = Array.from({ length: 500 }, (_, m) => `cpu-${m >> 3}/percent-${m & 7}`);
  let i = 0;
  return () => {
    const entity = entities[i % HOSTS];
    const ts = start + Math.floor(i / HOSTS) * INTERVAL;
    i++;
    const samples: SampleRow[] = new Array(metrics.length);
    for (let m = 0; m < metrics.length; m++) samples[m] = { entity, metric: metrics[m], ts, value: (m * 7) % 100, canonical: m < 8 };
    return { samples, events: [] };
  };
}

/** Writes through the store writer alone for `seconds` into `db` (10 concurrent writers); values/s. */
async function fillDirect(db: Database, seconds: number): Promise<number> {
  const metrics = createMetrics();
  const writer = createMonitoringWriter({ db, log: testLog, metrics, config: loadConfig({}).monitoring });
  const next = directBatches(Math.floor(Date.now() / 1000 / INTERVAL) * INTERVAL - 86_400);
  for (let w = 0; w < HOSTS; w++) await writer.write(next()); // series created
  let values = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (performance.now() < end) {
        const receipt = await writer.write(next());
        values += receipt.samples;
      }
    }),
  );
  const perSecond = Math.round(values / ((performance.now() - start) / 1000));
  await writer.stop();
  console.log(figuresOf(await metrics.registry.metrics()));
  return perSecond;
}

async function measureWriterAlone(seconds: number): Promise<number> {
  const t = await openTestDatabase();
  try {
    return await fillDirect(t.db, seconds);
  } finally {
    await t.close();
  }
}

interface SoakReport {
  targetPerSecond: number;
  samples: { atSeconds: number; rssMb: number; heapUsedMb: number; valuesPerSecond: number }[];
  rssGrowthMb: number;
  heapGrowthMb: number;
}

/** At `perSecond` for `seconds`: RSS and heap every 30 s, and how much they grew after the first report. */
async function runSoak(sender: Sender, bodies: Bodies, perSecond: number, seconds: number): Promise<SoakReport> {
  console.log(`soak: ${Math.round(perSecond)} values/s for ${seconds} s; memory every ${SOAK_REPORT_MS / 1000} s`);
  const report: SoakReport = { targetPerSecond: Math.round(perSecond), samples: [], rssGrowthMb: 0, heapGrowthMb: 0 };
  const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
  const start = performance.now();
  let values = 0;
  let lastValues = 0;
  let lastAt = start;
  const timer = setInterval(() => {
    const now = performance.now();
    const m = process.memoryUsage();
    const s = { atSeconds: Math.round((now - start) / 1000), rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), valuesPerSecond: Math.round(((values - lastValues) * 1000) / (now - lastAt)) };
    lastValues = values;
    lastAt = now;
    report.samples.push(s);
    console.log(`soak ${s.atSeconds} s: rss ${s.rssMb} MB, heap used ${s.heapUsedMb} MB, ${s.valuesPerSecond} values/s posted`);
  }, SOAK_REPORT_MS);
  const counting: Bodies = {
    next() {
      const b = bodies.next();
      values += b.values;
      return b;
    },
  };
  const run = await sender.run(counting, seconds, perSecond).finally(() => clearInterval(timer));
  const first = report.samples[0];
  const last = report.samples.at(-1);
  if (first && last) {
    report.rssGrowthMb = Number((last.rssMb - first.rssMb).toFixed(1));
    report.heapGrowthMb = Number((last.heapUsedMb - first.heapUsedMb).toFixed(1));
  }
  console.log(
    `soak: ${run.posts} bodies, ${run.failed} not answered 204; growth after the first ${SOAK_REPORT_MS / 1000} s: ` +
      `rss ${report.rssGrowthMb} MB, heap used ${report.heapGrowthMb} MB`,
  );
  return report;
}
