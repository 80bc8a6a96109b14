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
import { forkSenders, HOSTS, INTERVAL, SENDERS, type Senders } from './ingest-senders.ts';
import { processCpu, serverCpuSince } from './server-cpu.ts';

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
 * same (partitioned, indexed) table, in the binary format the store writer uses: the
 * ceiling of the database itself (the text format's rate is printed for reference). The senders run
 * in a child process (ingest-senders.ts), so this process's CPU time is the service's.
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
    const senders = await forkSenders(`${service.url}/collectd`, Math.floor(Date.now() / 1000 / INTERVAL) * INTERVAL - 86_400);
    try {
      const probe = await senders.run(0, undefined, 1);
      const status = Number(Object.keys(probe.statuses)[0] ?? 204);
      if (status === 404 || status === 405) {
        console.log(`ingest: POST /collectd answers ${status}: not wired into the service yet; measuring COPY only`);
        await fillDirect(t.db, opts.seconds / 2);
        const copy = await measureCopy(t.url);
        console.log(`copy ${copy.perSecond} values/s (${copy.rows} rows); writer alone ${direct} values/s, ratio ${(direct / copy.perSecond).toFixed(2)}`);
        return { writerAlone: direct, copy };
      }
      // Warm-up: one body of every host (its series created), then a few seconds (code optimised).
      await senders.run(0, undefined, HOSTS);
      await senders.run(3);
      const before = await storedRows(t.db);
      const cpu = process.cpuUsage();
      const serverCpu = processCpu();
      const run = await senders.run(opts.seconds);
      const used = process.cpuUsage(cpu);
      const databaseMicros = serverCpuSince(serverCpu);
      const stored = (await storedRows(t.db)) - before;
      const perSecond = Math.round(stored / run.seconds);
      const serviceMicros = used.user + used.system;
      console.log(
        `service process: ${((serviceMicros / 1e6 / run.seconds) * 100).toFixed(0)} % of one CPU, ` +
          `${(serviceMicros / stored).toFixed(2)} µs per value stored; sender process: ` +
          `${((run.senderCpuMicros / 1e6 / run.seconds) * 100).toFixed(0)} % of one CPU`,
      );
      if (databaseMicros !== undefined) {
        console.log(
          `database server (local postgres processes): ${((databaseMicros / 1e6 / run.seconds) * 100).toFixed(0)} % of one CPU, ` +
            `${(databaseMicros / stored).toFixed(2)} µs per value stored; service + database ${((serviceMicros + databaseMicros) / stored).toFixed(2)} µs per value`,
        );
      }
      console.log(
        `HTTP: ${run.posts} bodies (${run.values} values) in ${run.seconds.toFixed(1)} s from ${SENDERS} senders, ` +
          `${run.failed} not answered 204 ${JSON.stringify(run.statuses)}; ${stored} rows stored = ${perSecond} values/s`,
      );
      console.log(await writerFigures(service.url));
      const copy = await measureCopy(t.url);
      const ratio = perSecond / copy.perSecond;
      let soak: SoakReport | undefined;
      if (opts.soakSeconds) soak = await runSoak(senders, perSecond / 2, opts.soakSeconds);
      console.log(`ingest: ${perSecond} values/s, copy ${copy.perSecond} values/s, ratio ${ratio.toFixed(2)}`);
      const http = { ...run, stored, perSecond, serviceCpuMicros: serviceMicros, databaseCpuMicros: databaseMicros };
      return { writerAlone: direct, http, copy, ratio: Number(ratio.toFixed(2)), soak };
    } finally {
      await senders.close();
    }
  } finally {    await service.close();
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

type CopyFormat = 'text' | 'binary';

/**
 * Rows exported with COPY TO, the table emptied, and the same rows COPYed back into it,
 * in the binary format the store writer uses (the ceiling the ratio is taken against)
 * and, for reference, in the text format.
 */
async function measureCopy(url: string): Promise<CopyRate & { text: CopyRate }> {
  const text = await copyBack(url, 'text');
  const binary = await copyBack(url, 'binary');
  return { ...binary, text };
}

interface CopyRate {
  rows: number;
  perSecond: number;
  seconds: number;
}

async function copyBack(url: string, format: CopyFormat): Promise<CopyRate> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const options = format === 'binary' ? ' (FORMAT binary)' : '';
  try {
    const chunks: Buffer[] = [];
    await pipeline(
      client.query(copyTo(`COPY (SELECT series_id, ts, value FROM monitoring_samples) TO STDOUT${options}`)),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const c of source) chunks.push(c);
      },
    );
    const [{ n }] = (await client.query<{ n: string }>('SELECT count(*) AS n FROM monitoring_samples')).rows;
    const rows = Number(n);
    await client.query('TRUNCATE monitoring_samples');
    await client.query('CHECKPOINT').catch(() => undefined); // not the export's dirty pages
    const serverCpu = processCpu();
    const start = performance.now();
    await pipeline(Readable.from(chunks), client.query(copyFrom(`COPY monitoring_samples (series_id, ts, value) FROM STDIN${options}`)));
    const seconds = (performance.now() - start) / 1000;
    const databaseMicros = serverCpuSince(serverCpu);
    const [{ n: back }] = (await client.query<{ n: string }>('SELECT count(*) AS n FROM monitoring_samples')).rows;
    if (Number(back) !== rows) throw new Error(`COPY stored ${back} rows of ${rows}`);
    const perSecond = Math.round(rows / seconds);
    const cost = databaseMicros === undefined ? '' : `, database ${(databaseMicros / rows).toFixed(2)} µs per row`;
    console.log(`COPY (${format}): ${rows} rows in ${seconds.toFixed(2)} s = ${perSecond} values/s${cost}`);
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

/** At `perSecond` for `seconds`: the service process's RSS and heap every 30 s, and how much they grew after the first report. */
async function runSoak(senders: Senders, perSecond: number, seconds: number): Promise<SoakReport> {
  console.log(`soak: ${Math.round(perSecond)} values/s for ${seconds} s; memory every ${SOAK_REPORT_MS / 1000} s`);
  const report: SoakReport = { targetPerSecond: Math.round(perSecond), samples: [], rssGrowthMb: 0, heapGrowthMb: 0 };
  const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
  const start = performance.now();
  let lastValues = 0;
  let lastAt = start;
  const timer = setInterval(() => {
    const now = performance.now();
    const m = process.memoryUsage();
    const values = senders.progress.values;
    const s = { atSeconds: Math.round((now - start) / 1000), rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), valuesPerSecond: Math.round(((values - lastValues) * 1000) / (now - lastAt)) };
    lastValues = values;
    lastAt = now;
    report.samples.push(s);
    console.log(`soak ${s.atSeconds} s: rss ${s.rssMb} MB, heap used ${s.heapUsedMb} MB, ${s.valuesPerSecond} values/s posted`);
  }, SOAK_REPORT_MS);
  const run = await senders.run(seconds, perSecond).finally(() => clearInterval(timer));
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
