// `train --from-store`: a synthetic trace written through the monitoring writer (host gauges,
// paging / OOM / broken-pipe events) is read back through the window reader and trains the
// same model, weight for weight, as the same trace given as a dataset-format file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { EventRow, SampleRow } from '../../fault-mgmt/monitoring.types.ts';
import type { RegistryEntity } from '../../fault-mgmt/registry/registry-entity.ts';
import { createMonitoringWriter } from '../../fault-mgmt/store/monitoring-writer.ts';
import { createWindowReader } from '../../fault-mgmt/store/window-reader.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { toDataFile } from '../../prediction/dataset/data-file.writer.ts';
import type { Trace } from '../../prediction/dataset/trace.ts';
import { generateTrace } from '../../prediction/synthetic/trace-generator.ts';
import { readStoreTrace } from '../../prediction/training/store-trace.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'vnfm-plugin.js');
const STEP = 5;
const HOST = 'compute-x';
const ENTITIES: RegistryEntity[] = [
  { kind: 'vm', id: 'vm-1', host: HOST },
  { kind: 'vnf', id: 'vnf-1' },
  { kind: 'vnfc', id: 'c1', vnfInstanceId: 'vnf-1', vm: 'vm-1' },
];

// The embedded test database serves a handful of connections; this file's pool holds some.
const POOL = { VNFM_DB_POOL_MAX: '2' };

let t: TestDatabase;
let work: string;
let trace: Trace;
let since: number;
let until: number;

/** The synthetic trace on a regular 5 s grid ending an hour ago: one store window per row. */
function regularTrace(): Trace {
  const rows = generateTrace({ seed: 21, minRows: 2000 }).rows;
  const k0 = Math.floor(Date.now() / 1000 / STEP) - rows.length - 720;
  // Row time = end of its window, as the store trace stamps rows.
  return { rows: rows.map((r, i) => ({ ...r, time: (k0 + i + 1) * STEP })), source: 'regular' };
}

async function cli(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

before(async () => {
  t = await openTestDatabase();
  work = await mkdtemp(path.join(tmpdir(), 'prediction-store-'));
  trace = regularTrace();
  since = trace.rows[0].time - STEP;
  until = trace.rows[trace.rows.length - 1].time;
  const writer = createMonitoringWriter({ db: t.db, log: testLog, metrics: createMetrics(), config: { ...loadConfig({}).monitoring, retentionDays: 0 } });
  await writer.start();
  const entity = { kind: 'host', id: HOST } as const;
  for (let from = 0; from < trace.rows.length; from += 500) {
    const samples: SampleRow[] = [];
    const events: EventRow[] = [];
    for (const r of trace.rows.slice(from, from + 500)) {
      const ts = r.time - STEP + 2; // inside the row's window
      for (const [metric, value] of [['cpu_util', r.cpu], ['mem_util', r.mem], ['swap_util', r.swap]] as const) samples.push({ entity, metric, ts, value, canonical: true });
      const at = { ts, source: 'log', host: HOST, vm: 'vm-1', vnfInstanceId: 'vnf-1', vnfcInstanceId: 'c1' };
      if (r.paging > 0) events.push({ ...at, type: 'paging_timeout', count: r.paging });
      if (r.oom > 0) events.push({ ...at, type: 'oom_kill', count: r.oom });
      if (r.failure) events.push({ ...at, type: 's1ap_broken_pipe', count: 1 });
    }
    await writer.write({ samples, events });
  }
  await writer.stop();
});

after(async () => {
  await t?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('train --from-store', () => {
  test('the store trace of a VNFC (its host\'s gauges, its VM\'s events) has the rows and failures written', async () => {
    const reader = createWindowReader({ db: t.db, resolver: { resolve: () => assert.fail('not used'), vmsOfVnf: () => [] }, defaultStep: STEP, defaultFillLimit: 2 });
    const read = await readStoreTrace(reader, ENTITIES, { entity: { kind: 'vnfc', id: 'c1' }, since, until, step: STEP });
    assert.equal(read.rows.length, trace.rows.length);
    const strip = (tr: Trace) => tr.rows.map(({ scenarioSeconds: _, ...r }) => r);
    assert.deepEqual(strip(read), strip(trace));
    assert.ok(trace.rows.some((r) => r.failure) && trace.rows.some((r) => r.paging > 0));
    await assert.rejects(
      readStoreTrace(reader, ENTITIES, { entity: { kind: 'vnfc', id: 'nope' }, since, until, step: STEP }),
      /not in the entity registry/,
    );
  });

  test('trains the same model from the store as from the equivalent data file (same seed)', async () => {
    const file = path.join(work, 'regular.txt');
    await writeFile(file, toDataFile(trace));
    const env = { DATABASE_URL: t.url, VNFM_DATA_DIR: path.join(work, 'data'), VNFM_MIGRATE_ON_START: 'false', LOG_LEVEL: 'warn', ...POOL };
    const common = ['--quick', '--seed', '4', '--no-progress'];
    const fromStore = await cli(
      ['train', '--from-store', '--entity', `host:${HOST}`, '--since', String(since), '--until', new Date(until * 1000).toISOString(), '--out', path.join(work, 'store'), ...common],
      env,
    );
    assert.equal(fromStore.code, 0, fromStore.stderr);
    const fromFile = await cli(['train', '--data', file, '--out', path.join(work, 'file'), ...common], env);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(await readFile(path.join(work, 'store', 'weights.bin')), await readFile(path.join(work, 'file', 'weights.bin')));
    const meta = async (d: string) => JSON.parse(await readFile(path.join(work, d, 'meta.json'), 'utf8'));
    const [a, b] = [await meta('store'), await meta('file')];
    assert.deepEqual(a.scaler, b.scaler);
    assert.deepEqual(a.metrics.holdout, b.metrics.holdout);
    assert.ok(a.metrics.holdout.events.all.total > 0);
  });

  test('an entity or range without stored windows exits 2 and says so', async () => {
    const env = { DATABASE_URL: t.url, VNFM_DATA_DIR: path.join(work, 'data'), VNFM_MIGRATE_ON_START: 'false', LOG_LEVEL: 'warn', ...POOL };
    const r = await cli(['train', '--from-store', '--entity', 'host:elsewhere', '--since', String(since), '--until', String(until), '--out', path.join(work, 'none'), '--quick'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no stored windows .* host:elsewhere/);
  });
});
