import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { startMonitoringService, type MonitoringTestService } from '../support/monitoring-service.ts';

/**
 * The real collectd (Debian collectd-core 5.12) with cpu, memory, swap and a tail match on
 * a log file, writing to POST /collectd of the plugin with write_http (Format JSON,
 * StoreRates false, Interval 1): within 10 s the store holds the host's raw and canonical
 * cpu/mem/swap series, and the T3413 lines appended to the log come out as exactly that
 * many paging_timeout events.
 */

const COLLECTD = '/usr/sbin/collectd';
const PLUGIN_DIR = '/usr/lib/collectd';
const PLUGINS = ['cpu', 'memory', 'swap', 'tail', 'write_http', 'logfile'];
const INGEST = { username: 'collectd', password: 'cd-secret' };
const HOST = `collectd-it-${process.pid}`;
const LINES = 7;
const LIMIT_MS = 10_000;

function collectdSkipReason(): string | false {
  try {
    accessSync(COLLECTD, constants.X_OK);
    for (const p of PLUGINS) accessSync(path.join(PLUGIN_DIR, `${p}.so`), constants.R_OK);
  } catch (err) {
    return `needs ${COLLECTD} with the ${PLUGINS.join(', ')} plugins (Debian package collectd-core; .ci/run installs it): ${(err as Error).message}`;
  }
  // collectd-core only recommends the plugins' libraries (write_http needs libcurl4 and libyajl2).
  for (const p of PLUGINS) {
    const ldd = spawnSync('ldd', [path.join(PLUGIN_DIR, `${p}.so`)], { encoding: 'utf8' });
    const missing = /^\s*(\S+) => not found/m.exec(ldd.stdout ?? '');
    if (missing) return `collectd's ${p} plugin cannot load: ${missing[1]} is not installed (Debian: libyajl2 for libyajl.so.2, libcurl4 for libcurl)`;
  }
  return false;
}

/** collectd.conf(5) for the test: everything under `dir`, one reading per second, flushed every second. */
function collectdConfig(dir: string, logFile: string, url: string): string {
  return `Hostname "${HOST}"
FQDNLookup false
Interval 1
BaseDir "${dir}"
PIDFile "${path.join(dir, 'collectd.pid')}"
PluginDir "${PLUGIN_DIR}"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "${path.join(dir, 'collectd.log')}"
  Timestamp true
</Plugin>
LoadPlugin cpu
LoadPlugin memory
LoadPlugin swap
LoadPlugin tail
<LoadPlugin write_http>
  FlushInterval 1
</LoadPlugin>
<Plugin cpu>
  ReportByCpu true
  ReportByState true
  ValuesPercentage true
</Plugin>
<Plugin memory>
  ValuesAbsolute true
  ValuesPercentage true
</Plugin>
<Plugin swap>
  ReportByDevice false
  ReportBytes true
  ValuesPercentage true
</Plugin>
<Plugin tail>
  <File "${logFile}">
    Instance "epc"
    <Match>
      Regex "T3413 expired"
      DSType "CounterInc"
      Type "counter"
      Instance "t3413_expired"
    </Match>
  </File>
</Plugin>
<Plugin write_http>
  <Node "vnfm">
    URL "${url}/collectd"
    User "${INGEST.username}"
    Password "${INGEST.password}"
    Format "JSON"
    StoreRates false
    Timeout 2000
    LogHttpError true
  </Node>
</Plugin>
`;
}

const skip = collectdSkipReason();
let service: MonitoringTestService | undefined;
let collectd: ChildProcess | undefined;
let dir = '';
let output = '';

async function collectdLog(): Promise<string> {
  const file = await readFile(path.join(dir, 'collectd.log'), 'utf8').catch(() => '');
  return `${file}${output}`.slice(-3000);
}

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + LIMIT_MS;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) assert.fail(`not within ${LIMIT_MS / 1000} s: ${what}; collectd said:\n${await collectdLog()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function query<T extends object>(sql: string, bind: unknown[]): Promise<T[]> {
  return service!.db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
}

/** metric -> number of samples stored for the test host. */
async function seriesOfHost(): Promise<Map<string, { canonical: boolean; n: number }>> {
  const rows = await query<{ metric: string; canonical: boolean; n: number }>(
    `SELECT s.metric, s.canonical, count(m.ts)::int AS n
       FROM monitoring_series s JOIN monitoring_samples m ON m.series_id = s.id
      WHERE s.entity_kind = 'host' AND s.entity_id = $1
      GROUP BY s.metric, s.canonical`,
    [HOST],
  );
  return new Map(rows.map((r) => [r.metric, { canonical: r.canonical, n: r.n }]));
}

before(async () => {
  if (skip) return;
  service = await startMonitoringService({ MONITORING_INGEST_USERNAME: INGEST.username, MONITORING_INGEST_PASSWORD: INGEST.password });
  dir = await mkdtemp(path.join(tmpdir(), 'vnfm-collectd-'));
  const logFile = path.join(dir, 'epc.log');
  await writeFile(logFile, 'srsEPC log start\n');
  const conf = path.join(dir, 'collectd.conf');
  await writeFile(conf, collectdConfig(dir, logFile, service.url));
  collectd = spawn(COLLECTD, ['-f', '-C', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  collectd.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  collectd.stderr?.on('data', (d: Buffer) => (output += d.toString()));
});

after(async () => {
  if (collectd && collectd.exitCode === null) {
    const exited = new Promise((r) => collectd!.once('exit', r));
    collectd.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (collectd.exitCode === null) collectd.kill('SIGKILL');
  }
  await service?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('real collectd: the host\'s raw and canonical cpu/mem/swap series reach the store', { skip, timeout: 60_000 }, async () => {
  const series = await until('cpu_util, mem_util and swap_util and their raw series are stored', async () => {
    const s = await seriesOfHost();
    const have = (m: string) => (s.get(m)?.n ?? 0) > 0;
    const raw = [...s.keys()].filter((m) => !s.get(m)!.canonical);
    const ok =
      ['cpu_util', 'mem_util', 'swap_util'].every(have) &&
      raw.some((m) => /^cpu-\d+\/percent-idle$/.test(m)) &&
      have('memory/memory-used') &&
      have('swap/swap-used');
    return ok ? s : undefined;
  });
  for (const m of ['cpu_util', 'mem_util', 'swap_util']) assert.equal(series.get(m)!.canonical, true, m);
  assert.equal(series.get('memory/memory-used')!.canonical, false);
  const [util] = await query<{ cpu: number; mem: number }>(
    `SELECT max(m.value) FILTER (WHERE s.metric = 'cpu_util') AS cpu, max(m.value) FILTER (WHERE s.metric = 'mem_util') AS mem
       FROM monitoring_series s JOIN monitoring_samples m ON m.series_id = s.id
      WHERE s.entity_kind = 'host' AND s.entity_id = $1`,
    [HOST],
  );
  assert.ok(util.cpu >= 0 && util.cpu <= 100.5, `cpu_util ${util.cpu}`);
  assert.ok(util.mem > 0 && util.mem < 100, `mem_util ${util.mem}`);
});

test('real collectd: T3413 lines appended to the tailed log are counted as paging_timeout events', { skip, timeout: 60_000 }, async () => {
  // The tail plugin starts at the end of the file; its first counter reading only primes.
  await until('the tail counter has been read once', async () => ((await seriesOfHost()).get('tail-epc/counter-t3413_expired')?.n ? true : undefined));
  const line = '2026-11-25T14:55:31.160000 [NAS    ] [W] T3413 expired -- Could not page the ue.\n';
  await appendFile(path.join(dir, 'epc.log'), line.repeat(LINES - 2) + 'unrelated line\n');
  await appendFile(path.join(dir, 'epc.log'), line.repeat(2));
  const total = await until(`${LINES} paging_timeout events are stored`, async () => {
    const [r] = await query<{ n: number | null }>(
      `SELECT sum(count)::int AS n FROM monitoring_events WHERE host = $1 AND type = 'paging_timeout' AND source = 'collectd-tail:t3413_expired'`,
      [HOST],
    );
    return (r.n ?? 0) >= LINES ? r.n : undefined;
  });
  // Let a few more readings arrive: the count must not grow without new lines.
  await new Promise((r) => setTimeout(r, 2500));
  const [again] = await query<{ n: number }>(
    `SELECT sum(count)::int AS n FROM monitoring_events WHERE host = $1 AND type = 'paging_timeout'`,
    [HOST],
  );
  assert.equal(total, LINES);
  assert.equal(again.n, LINES);
});
