import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { createMetrics, type PlatformMetrics } from '../../platform/metrics.ts';
import type { EntityRef, SampleRow } from '../../fault-mgmt/monitoring.types.ts';
import { createMonitoringWriter } from '../../fault-mgmt/store/monitoring-writer.ts';
import { createRollupWorker, minutesOf, RECOMPUTE_SQL, recomputeSettings } from '../../fault-mgmt/store/rollup-worker.ts';
import { copyBinary } from '../../fault-mgmt/store/sample-writes.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
before(async () => {
  t = await openTestDatabase();
});
after(async () => {
  await t?.close();
});
beforeEach(async () => {
  await t.db.sequelize.query('TRUNCATE monitoring_samples, monitoring_rollups_1m, monitoring_rollup_pending, outbox_events');
});

/** 2026-11-20T10:00:00Z, a whole minute. */
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0) / 1000;
const HOST: EntityRef = { kind: 'host', id: 'compute-r' };

function writerOn(db: Database = t.db, metrics: PlatformMetrics = createMetrics()) {
  return createMonitoringWriter({ db, log: testLog, metrics, config: loadConfig({}).monitoring });
}

function samples(metric: string, from: number, count: number, every: number, value = (i: number) => (i * 13) % 7 + 0.5): SampleRow[] {
  return Array.from({ length: count }, (_, i) => ({ entity: HOST, metric, ts: from + i * every, value: value(i), canonical: false }));
}

async function rows<T extends object>(sql: string, bind: unknown[] = []): Promise<T[]> {
  return t.db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
}

/** The rollups as stored, and as computed from the raw samples right now. */
async function rollupsAndTruth() {
  const stored = await rows(`SELECT series_id, bucket, n, sum, min, max, last, last_ts FROM monitoring_rollups_1m ORDER BY 1, 2`);
  const truth = await rows(
    `SELECT series_id, date_bin('1 minute', ts, timestamptz '1970-01-01Z') AS bucket, count(*)::int AS n, sum(value) AS sum,
            min(value) AS min, max(value) AS max, (array_agg(value ORDER BY ts DESC))[1] AS last, max(ts) AS last_ts
       FROM monitoring_samples GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return { stored, truth };
}

const pendingMinutes = async () =>
  (await rows<{ b: number }>('SELECT extract(epoch FROM bucket)::float8 AS b FROM monitoring_rollup_pending ORDER BY 1')).map((r) => r.b);

async function writesBy(metrics: PlatformMetrics): Promise<Record<string, number>> {
  const m = await metrics.registry.getSingleMetric('vnfm_monitoring_sample_writes_total')!.get();
  return Object.fromEntries(m.values.map((v) => [String(v.labels.method), v.value]));
}

test('pure functions: distinct minutes of sample times; binary COPY rows with microsecond times', () => {
  assert.deepEqual(minutesOf([T0 + 61, T0 + 1, T0 + 59.9, T0 + 120, T0 + 61]), [T0, T0 + 60, T0 + 120]);
  const [data, ...more] = copyBinary({ sid: [3, 4, 5], ts: [T0 + 1.000001, T0 + 1.000001, -0.5], value: [1.5, -2e-7, 0] });
  assert.equal(more.length, 0);
  assert.equal(data.subarray(0, 11).toString('latin1'), 'PGCOPY\n\xff\r\n\0');
  assert.equal(data.length, 19 + 3 * 34 + 2);
  const row = (i: number) => {
    const o = 19 + i * 34;
    assert.deepEqual([data.readInt16BE(o), data.readInt32BE(o + 2), data.readInt32BE(o + 10), data.readInt32BE(o + 22)], [3, 4, 8, 8]);
    return { sid: data.readInt32BE(o + 6), micros: data.readBigInt64BE(o + 14), value: data.readDoubleBE(o + 26) };
  };
  // timestamptz: microseconds since 2000-01-01T00:00:00Z.
  const since2000 = (epochSeconds: number) => BigInt(Math.round(epochSeconds * 1e6)) - 946_684_800_000_000n;
  assert.deepEqual(row(0), { sid: 3, micros: since2000(T0) + 1_000_001n, value: 1.5 });
  assert.deepEqual(row(1), { sid: 4, micros: since2000(T0) + 1_000_001n, value: -2e-7 });
  assert.deepEqual(row(2), { sid: 5, micros: -946_684_800_500_000n, value: 0 });
  assert.equal(data.readInt16BE(data.length - 2), -1);
});

test('a run summarises the new BRIN ranges of the samples and reads each minute through them, not the whole partition', async () => {
  const writer = writerOn();
  await writer.write({ samples: samples('cpu_util', T0 + 1, 5, 60), events: [] }); // the day's partition and five marked minutes
  // 120,000 more rows over the same five minutes, in time order, as the store appends them: several block ranges.
  await t.db.sequelize.query(
    `INSERT INTO monitoring_samples (series_id, ts, value)
     SELECT 100000 + i % 2000, to_timestamp($1::float8 + 2 + (i / 2000) * 5), i % 17 FROM generate_series(0, 119999) AS i`,
    { bind: [T0] },
  );
  const [brin] = await rows<{ index: string }>(
    `SELECT i.indexrelid::regclass::text AS index
       FROM pg_inherits h JOIN pg_index i ON i.indrelid = h.inhrelid JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_am a ON a.oid = c.relam AND a.amname = 'brin'
      WHERE h.inhparent = 'monitoring_samples'::regclass AND h.inhrelid = (SELECT tableoid FROM monitoring_samples LIMIT 1)`,
  );
  assert.ok(brin, 'the partition has its BRIN index');

  // The plan a recomputation runs under its settings: the partition's BRIN index, no sequential scan.
  const plan = await t.db.transaction(async (tx) => {
    await t.db.sequelize.query(recomputeSettings(undefined), { transaction: tx });
    const [row] = await t.db.sequelize.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${RECOMPUTE_SQL}`, {
      bind: [new Date((T0 + 60) * 1000)],
      type: QueryTypes.SELECT,
      transaction: tx,
    });
    return JSON.stringify(row['QUERY PLAN']);
  });
  assert.match(plan, new RegExp(`"Index Name":\\s*"${brin.index.replace(/"/g, '')}"`));
  assert.doesNotMatch(plan, /"Node Type":\s*"Seq Scan"/);

  assert.equal(await writer.rollups.runOnce(new Date((T0 + 600) * 1000)), 5);
  const [left] = await rows<{ n: number }>('SELECT brin_summarize_new_values($1::regclass) AS n', [brin.index]);
  assert.equal(Number(left.n), 0, 'every block range was summarised by the run');
  const { stored, truth } = await rollupsAndTruth();
  assert.equal(stored.length, 5 + 5 * 2000);
  assert.deepEqual(stored, truth);
  await writer.stop();
});

test('late data re-marks its minute, which is recomputed exactly on the next run', async () => {
  const writer = writerOn();
  await writer.write({ samples: samples('cpu_util', T0 + 0.5, 30, 4), events: [] }); // minutes T0, T0+60
  assert.deepEqual(await pendingMinutes(), [T0, T0 + 60]);
  // A minute is recomputed only once it has ended (plus a few seconds).
  assert.equal(await writer.rollups.runOnce(new Date((T0 + 62) * 1000)), 0);
  assert.equal(await writer.rollups.runOnce(new Date((T0 + 66) * 1000)), 1);
  assert.deepEqual(await pendingMinutes(), [T0 + 60]);
  assert.equal(await writer.rollups.runOnce(), 1);
  assert.deepEqual(await pendingMinutes(), []);
  let { stored, truth } = await rollupsAndTruth();
  assert.equal(stored.length, 2);
  assert.deepEqual(stored, truth);

  // Late samples for the first minute, one later than all before (a new `last`), one earlier.
  await writer.write({ samples: [...samples('cpu_util', T0 + 59.75, 1, 1, () => 99), ...samples('cpu_util', T0 + 0.25, 1, 1, () => -5)], events: [] });
  assert.deepEqual(await pendingMinutes(), [T0]);
  ({ stored, truth } = await rollupsAndTruth());
  assert.notDeepEqual(stored, truth, 'stale until recomputed');
  assert.equal(await writer.rollups.runOnce(), 1);
  ({ stored, truth } = await rollupsAndTruth());
  assert.deepEqual(stored, truth);
  const first = stored[0] as { n: number; last: number; min: number };
  assert.deepEqual([first.n, first.last, first.min], [17, 99, -5]);
  await writer.stop();
});

test('a minute still being written waits until its writes stop, or at most maxDeferrals runs; the result is exact', async () => {
  const writer = writerOn();
  await writer.write({ samples: samples('cpu_util', T0 + 0.5, 20, 1), events: [] }); // minute T0 only
  const after = new Date((T0 + 3600) * 1000); // long ended: only the writes hold it back
  const worker = createRollupWorker({ db: t.db, log: testLog, options: { quietSeconds: 0.4, maxDeferrals: 2 } });
  assert.equal(await worker.runOnce(after), 0, 'marked just now: still being written');
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(await worker.runOnce(after), 1, 'quiet for longer than quietSeconds');
  assert.deepEqual(await pendingMinutes(), []);

  // Writes that never stop: recomputed anyway once it has waited maxDeferrals runs.
  const busy = createRollupWorker({ db: t.db, log: testLog, options: { quietSeconds: 3600, maxDeferrals: 2 } });
  await writer.write({ samples: samples('cpu_util', T0 + 30.25, 1, 1, () => 42), events: [] });
  assert.equal(await busy.runOnce(after), 0);
  assert.equal(await busy.runOnce(after), 0);
  assert.equal(await busy.runOnce(after), 1, 'the third run does not wait');
  const { stored, truth } = await rollupsAndTruth();
  assert.deepEqual(stored, truth);
  assert.equal((stored[0] as { n: number }).n, 21);
  await writer.stop();
});

test('a mark renewed while its minute is recomputed survives, so that minute is recomputed again', async () => {
  const writer = writerOn();
  await writer.write({ samples: samples('mem_util', T0 + 1, 10, 5), events: [] });
  // A write that commits between the worker reading the mark and removing it: here, at the
  // start of the worker's transaction, renewing the mark and adding a sample.
  let raced = false;
  const racing: Database = {
    ...t.db,
    transaction: async (work) => {
      if (!raced) {
        raced = true;
        await writer.write({ samples: samples('mem_util', T0 + 58, 1, 1, () => 1234), events: [] });
      }
      return t.db.transaction(work);
    },
  };
  const worker = createRollupWorker({ db: racing, log: testLog });
  assert.equal(await worker.runOnce(), 1);
  assert.ok(raced);
  assert.deepEqual(await pendingMinutes(), [T0], 'the renewed mark is kept');
  assert.equal(await worker.runOnce(), 1);
  assert.deepEqual(await pendingMinutes(), []);
  const { stored, truth } = await rollupsAndTruth();
  assert.deepEqual(stored, truth);
  assert.equal((stored[0] as { n: number }).n, 11);
  await writer.stop();
});

test('samples are COPYed when none was stored before, else inserted with ON CONFLICT; each stored once', async () => {
  const metrics = createMetrics();
  const writer = writerOn(t.db, metrics);
  const fresh = samples('disk_read_bps', T0 + 0.125, 50, 1);
  assert.equal((await writer.write({ samples: fresh, events: [] })).samples, 50);
  const copy = t.db.embedded ? 0 : 1; // the embedded database takes the INSERT
  assert.deepEqual(await writesBy(metrics), copy ? { copy: 1 } : { insert: 1 });
  // A retried body (all stored before) plus a duplicate inside the batch and two new samples.
  const retried = [...fresh, fresh[7], ...samples('disk_read_bps', T0 + 100.125, 2, 1)];
  const receipt = await writer.write({ samples: retried, events: [] });
  assert.equal(receipt.samples, retried.length, 'the receipt counts the samples accepted');
  assert.deepEqual(await writesBy(metrics), copy ? { copy: 1, insert: 1 } : { insert: 2 });
  const [{ n, distinct }] = await rows<{ n: number; distinct: number }>(
    'SELECT count(*)::int AS n, count(DISTINCT (series_id, ts))::int AS distinct FROM monitoring_samples',
  );
  assert.deepEqual([n, distinct], [52, 52]);
  // The times are the same instants on both paths (microseconds kept).
  const [{ first }] = await rows<{ first: number }>('SELECT min(extract(epoch FROM ts))::float8 AS first FROM monitoring_samples');
  assert.equal(first, T0 + 0.125);
  await writer.stop();
  await writer.rollups.runOnce();
  const { stored, truth } = await rollupsAndTruth();
  assert.deepEqual(stored, truth);
});
