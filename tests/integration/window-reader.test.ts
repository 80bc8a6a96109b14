import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EntityResolver } from '../../fault-mgmt/monitoring.types.ts';
import { createWindowReader, type WindowQuery, type WindowReader } from '../../fault-mgmt/store/window-reader.ts';
import { createRollupWorker } from '../../fault-mgmt/store/rollup-worker.ts';
import { createSnapshotReader } from '../../fault-mgmt/store/snapshot-reader.ts';
import { BadRequest } from '../../platform/http/problem-details.ts';
import { QueryTypes } from 'sequelize';
import { createDayPartitions, insertEvents, insertSamples, insertSeries } from '../support/monitoring-rows.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

const T0 = 1_795_618_500; // 2026-11-25T14:55:00Z
const HOLE = [200, 230] as const; // no cpu samples in [T0+200, T0+230)

/** compute-a's cpu_util: one sample a second for 10 minutes, but for the hole. */
const CPU: [number, number][] = [];
for (let i = 0; i < 600; i++) if (i < HOLE[0] || i >= HOLE[1]) CPU.push([T0 + i + 0.25, ((i * 37) % 100) + 0.5]);

const VNF_VMS: Record<string, string[]> = { 'vnf-1': ['vm-a', 'vm-b', 'vm-without-series'], 'vnf-2': ['vm-a'] };
const resolver = {
  resolve: (name: string) => ({ entity: { kind: 'host' as const, id: name }, known: false }),
  vmsOfVnf: (id: string) => VNF_VMS[id] ?? [],
} satisfies EntityResolver;

let t: TestDatabase;
let reader: WindowReader;
before(async () => {
  t = await openTestDatabase();
  await createDayPartitions(t.db, T0);
  reader = createWindowReader({ db: t.db, resolver, defaultStep: 5, defaultFillLimit: 2 });
  const db = t.db;
  await insertSamples(db, await insertSeries(db, 'host', 'compute-a', 'cpu_util'), CPU);
  await insertSamples(db, await insertSeries(db, 'host', 'compute-a', 'mem_util'), [[T0 - 7, 42], [T0 + 40, 50]]);
  await insertSamples(db, await insertSeries(db, 'vm', 'vm-a', 'cpu_util'), [[T0 + 1, 10], [T0 + 6, 20]]);
  await insertSamples(db, await insertSeries(db, 'vm', 'vm-b', 'cpu_util'), [[T0 + 2, 30]]);
  await insertSamples(db, await insertSeries(db, 'vnf', 'vnf-2', 'cpu_util'), [[T0 + 3, 99]]);
  // A witness: its rollup disagrees with its sample on purpose, to see which table answered.
  const witness = await insertSeries(db, 'host', 'compute-a', 'load1');
  await insertSamples(db, witness, [[T0 + 30, 1]], false);
  await db.sequelize.query(
    `INSERT INTO monitoring_rollups_1m VALUES ($1, to_timestamp($2), 1, 777, 777, 777, 777, to_timestamp($3))`,
    { bind: [witness, T0, T0 + 30] },
  );
  const base = { type: 'paging_timeout', host: 'compute-a' };
  await insertEvents(db, [
    { ...base, ts: T0 + 1, count: 1, source: 'log' },
    { ...base, ts: T0 + 2, count: 1, source: 'log' },
    { ...base, ts: T0 + 3, count: 1, source: 'collectd-tail:t3413_expired' },
    { ...base, ts: T0 + 6, count: 3, source: 'collectd-tail:t3413_expired' },
    { ...base, ts: T0 + 7, count: 2, source: 'log' },
    { ...base, ts: T0 + 7, count: 5, source: 'log', type: 'oom_kill' },
    { ...base, ts: T0 + 7, count: 5, source: 'log', host: 'compute-b' },
    { type: 'paging_timeout', ts: T0 + 11, count: 4, source: 'log', vm: 'vm-a', vnfInstanceId: 'vnf-1' },
  ]);
});
after(async () => {
  await t?.close();
});

const cpu = (q: Partial<WindowQuery> = {}) =>
  reader.read({ entity: { kind: 'host', id: 'compute-a' }, metric: 'cpu_util', start: T0, end: T0 + 600, step: 5, ...q });

/** What each aggregation gives over the samples of [from, to). */
function expected(from: number, to: number, agg: 'last' | 'mean' | 'min' | 'max'): number | null {
  const vs = CPU.filter(([ts]) => ts >= from && ts < to).map(([, v]) => v);
  if (vs.length === 0) return null;
  if (agg === 'last') return vs[vs.length - 1];
  if (agg === 'mean') return vs.reduce((a, b) => a + b, 0) / vs.length;
  return agg === 'min' ? Math.min(...vs) : Math.max(...vs);
}

function assertClose(actual: (number | null)[], wanted: (number | null)[], what: string): void {
  assert.equal(actual.length, wanted.length, `${what}: length`);
  actual.forEach((v, i) => {
    if (wanted[i] === null) assert.equal(v, null, `${what}[${i}]`);
    else assert.ok(v !== null && Math.abs(v - wanted[i]!) < 1e-9, `${what}[${i}]: ${v} != ${wanted[i]}`);
  });
}

describe('gauge windows from the raw samples', () => {
  for (const agg of ['last', 'mean', 'min', 'max'] as const) {
    test(`agg ${agg}: every observed 5 s window holds the ${agg} of its samples`, async () => {
      const s = await cpu({ agg, source: 'raw', fillLimit: 0 });
      assert.equal(s.timestamps.length, 120);
      assert.equal(s.start, T0);
      assertClose(s.values, s.timestamps.map((w) => expected(w, w + 5, agg)), agg);
    });
  }

  test('the hole: fillLimit windows repeat the last value (filled), then gaps, then observed again', async () => {
    const s = await cpu({ start: T0 + 195, end: T0 + 235, fillLimit: 2 });
    assert.deepEqual(s.timestamps, [195, 200, 205, 210, 215, 220, 225, 230].map((d) => T0 + d));
    assert.deepEqual(s.quality, ['observed', 'filled', 'filled', 'gap', 'gap', 'gap', 'gap', 'observed']);
    const last = expected(T0 + 195, T0 + 200, 'last');
    assert.deepEqual(s.values.slice(0, 6), [last, last, last, null, null, null]);
  });

  test('the last value before the range fills its first windows, within the fill limit only', async () => {
    const mem = (fillLimit: number, start = T0) =>
      reader.read({ entity: { kind: 'host', id: 'compute-a' }, metric: 'mem_util', start, end: T0 + 45, step: 5, fillLimit });
    // The sample at T0-7 is in window T0-10: T0-5 and T0 are its two fills.
    const two = await mem(2);
    assert.deepEqual(two.values.slice(0, 2), [42, null]);
    assert.deepEqual(two.quality.slice(0, 2), ['filled', 'gap']);
    assert.equal((await mem(1)).quality[0], 'gap');
    assert.deepEqual((await mem(2)).values.slice(-1), [50]);
    // Nothing is invented before the first sample, however long the fill.
    const before = await mem(1000, T0 - 60);
    assert.deepEqual(before.values.slice(0, 10), new Array(10).fill(null));
    assert.equal(before.values[10], 42);
  });

  test('a metric without a series: every window is a gap', async () => {
    const s = await cpu({ metric: 'swap_util', start: T0, end: T0 + 20 });
    assert.deepEqual(s.quality, ['gap', 'gap', 'gap', 'gap']);
  });
});

describe('1-minute rollups', () => {
  for (const agg of ['last', 'mean', 'min', 'max'] as const) {
    test(`agg ${agg}: rollups and raw samples agree on 60 s and 120 s windows`, async () => {
      for (const step of [60, 120]) {
        const raw = await cpu({ agg, step, source: 'raw', fillLimit: 0 });
        const rolled = await cpu({ agg, step, source: 'rollup', fillLimit: 0 });
        assert.deepEqual(rolled.timestamps, raw.timestamps);
        assertClose(rolled.values, raw.values, `${agg}/${step}`);
        assertClose(raw.values, raw.timestamps.map((w) => expected(w, w + step, agg)), `${agg}/${step} raw`);
      }
    });
  }

  test('auto takes the rollups for whole-minute steps over more than 6 hours, the samples otherwise', async () => {
    const load = (end: number, step: number) =>
      reader.read({ entity: { kind: 'host', id: 'compute-a' }, metric: 'load1', start: T0, end, step, fillLimit: 0 });
    assert.equal((await load(T0 + 7 * 3600, 60)).values[0], 777);
    assert.equal((await load(T0 + 3600, 60)).values[0], 1);
    assert.equal((await load(T0 + 7 * 3600, 30)).values[1], 1);
  });
});

describe('event counts', () => {
  const events = (entity: WindowQuery['entity'], metric = 'events:paging_timeout') =>
    reader.read({ entity, metric, start: T0, end: T0 + 20, step: 5 });

  test('per window: per source summed, then the largest source; 0 where none', async () => {
    const s = await events({ kind: 'host', id: 'compute-a' });
    assert.deepEqual(s.values, [2, 3, 0, 0]);
    assert.deepEqual(s.quality, ['observed', 'observed', 'observed', 'observed']);
  });

  test('vm and vnf counts come from their own columns', async () => {
    assert.deepEqual((await events({ kind: 'vm', id: 'vm-a' })).values, [0, 0, 4, 0]);
    assert.deepEqual((await events({ kind: 'vnf', id: 'vnf-1' })).values, [0, 0, 4, 0]);
    assert.deepEqual((await events({ kind: 'host', id: 'compute-b' })).values, [0, 5, 0, 0]);
  });

  test('another type is counted apart; an invalid type name is refused', async () => {
    assert.deepEqual((await events({ kind: 'host', id: 'compute-a' }, 'events:oom_kill')).values, [0, 5, 0, 0]);
    await assert.rejects(events({ kind: 'host', id: 'compute-a' }, 'events:Bad Type'), BadRequest);
  });
});

describe('a VNF', () => {
  const vnf = (id: string, fillLimit: number) =>
    reader.read({ entity: { kind: 'vnf', id }, metric: 'cpu_util', start: T0, end: T0 + 15, step: 5, fillLimit });

  test('without series of its own: the mean of its VMs per window', async () => {
    const none = await vnf('vnf-1', 0);
    assert.deepEqual(none.values, [20, 20, null]);
    assert.deepEqual(none.quality, ['observed', 'observed', 'gap']);
    // vm-b's value is filled into window 1 and counts; window 2 holds only vm-a's fill.
    const one = await vnf('vnf-1', 1);
    assert.deepEqual(one.values, [20, 25, 20]);
    assert.deepEqual(one.quality, ['observed', 'observed', 'filled']);
  });

  test('with a series of its own: that series', async () => {
    assert.deepEqual((await vnf('vnf-2', 0)).values, [99, null, null]);
  });

  test('with no VMs known: gaps', async () => {
    assert.deepEqual((await vnf('vnf-unknown', 2)).quality, ['gap', 'gap', 'gap']);
  });
});

describe('limits', () => {
  const bad: [string, Partial<WindowQuery>, RegExp][] = [
    ['step not an integer', { step: 1.5 }, /step/],
    ['step above a day', { step: 86_401 }, /step/],
    ['end not after start', { end: T0 }, /end must be later/],
    ['more than 100,000 windows', { step: 1, end: T0 + 100_001 }, /100000/],
    ['rollups with a step of 5 s', { source: 'rollup' }, /multiple of 60/],
  ];
  for (const [name, q, message] of bad) {
    test(`BadRequest: ${name}`, async () => {
      await assert.rejects(cpu(q), (err: unknown) => err instanceof BadRequest && message.test(err.detail));
    });
  }
});

describe('minutes still pending for the rollup worker', () => {
  // compute-p's cpu_util over 3 minutes from T1, rollups computed; then late samples in the
  // 2nd minute and a newer one in the 3rd, written without rollups and marked pending as the
  // store writer does: the stored rollups of those minutes are stale.
  const T1 = T0 + 3600;
  const pendingCpu = (q: Partial<WindowQuery>) =>
    reader.read({ entity: { kind: 'host', id: 'compute-p' }, metric: 'cpu_util', start: T1, end: T1 + 240, step: 60, fillLimit: 0, ...q });
  before(async () => {
    const id = await insertSeries(t.db, 'host', 'compute-p', 'cpu_util');
    await insertSamples(t.db, id, Array.from({ length: 18 }, (_, i): [number, number] => [T1 + 1 + i * 10, (i * 7) % 11]));
    await insertSamples(t.db, id, [[T1 + 119.5, 500], [T1 + 60.25, -40], [T1 + 90.5, 3]], false);
    await insertSamples(t.db, id, [[T1 + 175, 12.5]], false);
    await t.db.sequelize.query(
      `INSERT INTO monitoring_rollup_pending SELECT to_timestamp(b), now() FROM unnest($1::float8[]) AS u(b)`,
      { bind: [[T1 + 60, T1 + 120]] },
    );
  });

  for (const agg of ['last', 'mean', 'min', 'max'] as const) {
    test(`agg ${agg}: the rollup path reads a pending minute from the samples and equals the raw path`, async () => {
      const raw = await pendingCpu({ agg, source: 'raw' });
      const rolled = await pendingCpu({ agg, source: 'rollup' });
      assertClose(rolled.values, raw.values, agg);
      assert.deepEqual(rolled.quality, raw.quality);
    });
  }

  test('the stored rollups of those minutes are stale indeed (the test can fail)', async () => {
    const [row] = await t.db.sequelize.query<{ n: number }>(
      `SELECT n FROM monitoring_rollups_1m r JOIN monitoring_series s ON s.id = r.series_id
        WHERE s.entity_id = 'compute-p' AND r.bucket = to_timestamp($1)`,
      { bind: [T1 + 60], type: QueryTypes.SELECT },
    );
    assert.equal(row.n, 6, 'the 3 late samples of that minute are not in its rollup');
  });

  test('the snapshot takes the newest sample of a pending minute, not the stale rollup', async () => {
    const snap = await createSnapshotReader({ db: t.db }).snapshot({ kinds: ['host'], id: 'compute-p' });
    assert.deepEqual(snap[0].metrics.cpu_util, { value: 12.5, time: new Date((T1 + 175) * 1000).toISOString() });
  });

  test('once the worker ran, the rollups alone give the same answers', async () => {
    const raw = await pendingCpu({ agg: 'mean', source: 'raw' });
    assert.ok((await createRollupWorker({ db: t.db, log: testLog }).runOnce(new Date((T1 + 3600) * 1000))) >= 2);
    const [{ n }] = await t.db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM monitoring_rollup_pending', {
      type: QueryTypes.SELECT,
    });
    assert.equal(n, 0);
    assertClose((await pendingCpu({ agg: 'mean', source: 'rollup' })).values, raw.values, 'after the worker');
  });
});
