import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { loadConfig, type Config } from '../../platform/config/config.ts';
import { openDatabase, type Database } from '../../platform/db/database.ts';
import { createMetrics, type PlatformMetrics } from '../../platform/metrics.ts';
import type { EntityRef, EventRow, IngestBatch, SampleRow } from '../../fault-mgmt/monitoring.types.ts';
import { createMonitoringWriter, IngestOverloaded, MonitoringWriterStopped } from '../../fault-mgmt/store/monitoring-writer.ts';
import { createPartitionManager, dayOf, partitionName } from '../../fault-mgmt/store/partition-manager.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
before(async () => {
  t = await openTestDatabase();
});
after(async () => {
  await t?.close();
});
beforeEach(async () => {
  await t.db.sequelize.query(
    'TRUNCATE monitoring_samples, monitoring_rollups_1m, monitoring_rollup_pending, monitoring_events, monitoring_ingest_batches, outbox_events',
  );
});

const base = loadConfig({}).monitoring;
/** 2026-11-20T10:00:00Z: a fixed day, so partitions and minute buckets are known. */
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0) / 1000;
const HOST_A: EntityRef = { kind: 'host', id: 'compute-a' };
const HOST_B: EntityRef = { kind: 'host', id: 'compute-b' };

function writerWith(over: Partial<Config['monitoring']> = {}, db: Database = t.db, metrics: PlatformMetrics = createMetrics()) {
  return createMonitoringWriter({ db, log: testLog, metrics, config: { ...base, ...over } });
}

function samples(entity: EntityRef, metric: string, from: number, count: number, every = 7, canonical = false): SampleRow[] {
  return Array.from({ length: count }, (_, i) => ({ entity, metric, ts: from + i * every, value: (i * 37) % 101 + 0.25, canonical }));
}

function event(ts: number, over: Partial<EventRow> = {}): EventRow {
  return { ts, type: 'paging_timeout', count: 1, source: 'log', host: 'compute-a', message: 'T3413 expired', ...over };
}

async function one<T extends object>(sql: string, bind: unknown[] = []): Promise<T> {
  const [row] = await t.db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  return row;
}

async function count(table: string): Promise<number> {
  return (await one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).n;
}

/** A database whose transactions wait while the gate is closed: a slow or blocked store. */
function gated(db: Database) {
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  const wrapped: Database = {
    ...db,
    transaction: async (work) => (await gate, db.transaction(work)),
    withConnection: async (work) => (await gate, db.withConnection(work)),
  };
  return {
    db: wrapped,
    close() {
      gate = new Promise((r) => (release = r));
    },
    open() {
      release();
    },
  };
}

async function queueRows(metrics: PlatformMetrics): Promise<number> {
  const m = await metrics.registry.getSingleMetric('vnfm_monitoring_write_queue_rows')!.get();
  return m.values[0]?.value ?? 0;
}

const settle = () => new Promise((r) => setTimeout(r, 20));

test('batches are stored whole and the rollups equal the aggregate of the raw samples', async () => {
  const writer = writerWith({ writeBatchMax: 7 }); // several statements per batch
  const cpu = samples(HOST_A, 'cpu_util', T0, 40, 3, true); // 2 minutes
  const mem = samples(HOST_B, 'mem_util', T0 + 1, 30, 5, true);
  const raw = samples(HOST_A, 'cpu-0/percent-user', T0 + 2, 25, 11);
  // Later samples first: `last` must still be the latest in time, not the last written.
  const receipts = await Promise.all([
    writer.write({ samples: [...cpu.slice(20), ...mem], events: [event(T0 + 5), event(T0 + 65, { count: 3 })] }),
    writer.write({ samples: [...cpu.slice(0, 20), ...raw], events: [] }),
  ]);
  assert.deepEqual(receipts, [
    { samples: 50, events: 2, duplicate: false },
    { samples: 45, events: 0, duplicate: false },
  ]);
  await writer.stop();
  // The rollups are recomputed off the write path: the minutes written are pending until then.
  assert.equal(await count('monitoring_rollups_1m'), 0);
  assert.ok((await writer.rollups.runOnce()) >= 2, 'the minutes written were marked');
  assert.equal(await count('monitoring_rollup_pending'), 0);
  assert.equal(await count('monitoring_samples'), 95);
  assert.equal(await count('monitoring_events'), 2);
  const rollups = await t.db.sequelize.query(
    `SELECT series_id, bucket, n, sum, min, max, last, last_ts FROM monitoring_rollups_1m ORDER BY 1, 2`,
    { type: QueryTypes.SELECT },
  );
  const expected = await t.db.sequelize.query(
    `SELECT series_id, date_bin('1 minute', ts, timestamptz '1970-01-01Z') AS bucket, count(*)::int AS n, sum(value) AS sum,
            min(value) AS min, max(value) AS max, (array_agg(value ORDER BY ts DESC))[1] AS last, max(ts) AS last_ts
       FROM monitoring_samples GROUP BY 1, 2 ORDER BY 1, 2`,
    { type: QueryTypes.SELECT },
  );
  assert.ok(rollups.length >= 5, `rollups for 3 series over 2+ minutes (got ${rollups.length})`);
  assert.deepEqual(rollups, expected);
  const cpuSeries = await one<{ canonical: boolean }>(`SELECT canonical FROM monitoring_series WHERE metric = 'cpu_util'`);
  assert.equal(cpuSeries.canonical, true);
});

test('a sample stored before (same series and time) is not stored again and not counted twice in the rollup', async () => {
  const writer = writerWith();
  const rows = samples(HOST_A, 'load1', T0, 10, 2);
  await writer.write({ samples: rows, events: [] });
  // A retried body without batchId, plus a duplicate inside the same batch.
  await writer.write({ samples: [...rows, rows[3], ...samples(HOST_A, 'load1', T0 + 20, 2, 2)], events: [] });
  await writer.stop();
  await writer.rollups.runOnce();
  assert.equal(await count('monitoring_samples'), 12);
  const r = await one<{ n: number; sum: number }>('SELECT sum(n)::int AS n, sum(sum) AS sum FROM monitoring_rollups_1m');
  const raw = await one<{ sum: number }>('SELECT sum(value) AS sum FROM monitoring_samples');
  assert.equal(r.n, 12);
  assert.equal(r.sum, raw.sum);
});

test('a batch whose batchId was stored before is skipped whole and reported as duplicate', async () => {
  const writer = writerWith();
  const batch: IngestBatch = { batchId: 'body-42', samples: samples(HOST_A, 'cpu_util', T0, 3), events: [event(T0)] };
  assert.deepEqual(await writer.write(batch), { samples: 3, events: 1, duplicate: false });
  assert.deepEqual(await writer.write(batch), { samples: 0, events: 0, duplicate: true });
  // Two copies in one group commit: one is stored, the other is the duplicate.
  const twin: IngestBatch = { batchId: 'body-43', samples: [], events: [event(T0 + 1)] };
  const both = await Promise.all([writer.write(twin), writer.write(twin), writer.write(twin)]);
  await writer.stop();
  assert.equal(both.filter((r) => r.duplicate).length, 2);
  assert.equal(await count('monitoring_events'), 2);
  assert.equal(await count('monitoring_ingest_batches'), 2);
});

test('a full queue makes writers wait, then refuses them with 503 Retry-After; memory stays bounded', async () => {
  const slow = gated(t.db);
  const metrics = createMetrics();
  const writer = writerWith({ writeQueueMax: 100, writeWaitMs: 1500 }, slow.db, metrics);
  await writer.write({ samples: samples(HOST_A, 'warm', T0, 1), events: [] }); // series and partitions cached
  slow.close();
  const inFlight = writer.write({ samples: samples(HOST_A, 'cpu_util', T0, 50), events: [] }); // taken by the flush, blocked
  await settle();
  const queued = writer.write({ samples: samples(HOST_A, 'mem_util', T0, 80), events: [] });
  const refused = Array.from({ length: 20 }, (_, i) => writer.write({ samples: samples(HOST_B, 'cpu_util', T0 + i * 1000, 30), events: [] }));
  const outcomes = await Promise.allSettled(refused);
  assert.ok(await queueRows(metrics) <= 100, 'never more rows queued than the maximum');
  for (const o of outcomes) {
    assert.equal(o.status, 'rejected');
    const err = (o as PromiseRejectedResult).reason;
    assert.ok(err instanceof IngestOverloaded, String(err));
    assert.equal(err.status, 503);
    assert.deepEqual(err.headers, { 'Retry-After': '1' });
  }
  // Room comes back while a writer waits: it is admitted, not refused.
  const waiting = writer.write({ samples: samples(HOST_B, 'mem_util', T0, 60), events: [] });
  await settle();
  slow.open();
  assert.equal((await inFlight).samples, 50);
  assert.equal((await queued).samples, 80);
  assert.equal((await waiting).samples, 60);
  // Larger than the whole queue: admitted once the queue is empty, never stuck.
  assert.equal((await writer.write({ samples: samples(HOST_B, 'swap_util', T0, 250, 1), events: [] })).samples, 250);
  await writer.stop();
  assert.equal(await count('monitoring_samples'), 1 + 50 + 80 + 60 + 250);
});

test('two transactions in flight: the next group is written while one waits; the queue stays bounded; all stored once', async () => {
  const slow = gated(t.db);
  const metrics = createMetrics();
  const config = { ...base, writeQueueMax: 100, writeWaitMs: 500 };
  const writer = createMonitoringWriter({ db: slow.db, log: testLog, metrics, config, transactionsInFlight: 2 });
  await writer.write({ samples: samples(HOST_A, 'warm', T0, 1), events: [] }); // series and partitions cached
  slow.close();
  const first = writer.write({ samples: samples(HOST_A, 'cpu_util', T0, 50), events: [] });
  await settle();
  const second = writer.write({ samples: samples(HOST_A, 'mem_util', T0, 80), events: [] });
  await settle();
  assert.equal(await queueRows(metrics), 0, 'both groups were taken, one per transaction');
  const queued = writer.write({ samples: samples(HOST_B, 'cpu_util', T0, 90), events: [] });
  await settle();
  assert.equal(await queueRows(metrics), 90);
  await assert.rejects(writer.write({ samples: samples(HOST_B, 'mem_util', T0, 20), events: [] }), IngestOverloaded);
  slow.open();
  assert.deepEqual([(await first).samples, (await second).samples, (await queued).samples], [50, 80, 90]);
  await writer.stop();
  assert.equal(await count('monitoring_samples'), 1 + 50 + 80 + 90);
});

test('a failing batch fails alone: the other batches of its group are stored, nothing of it is', async () => {
  const slow = gated(t.db);
  const writer = writerWith({}, slow.db);
  slow.close();
  const first = writer.write({ samples: samples(HOST_A, 'cpu_util', T0, 5), events: [] });
  await settle();
  // Queued together behind the blocked flush: one group commit.
  const good1 = writer.write({ batchId: 'g1', samples: samples(HOST_A, 'mem_util', T0, 5), events: [event(T0)] });
  const bad = writer
    .write({ batchId: 'bad', samples: samples(HOST_B, 'mem_util', T0, 5), events: [event(T0, { count: 0 })] })
    .then(() => assert.fail('the bad batch was stored'), (err: unknown) => err);
  const good2 = writer.write({ samples: samples(HOST_B, 'cpu_util', T0, 5), events: [event(T0 + 2)] });
  slow.open();
  await first;
  assert.equal((await good1).samples, 5);
  assert.equal((await good2).samples, 5);
  assert.match(String(await bad), /check constraint/i);
  await writer.stop();
  assert.equal(await count('monitoring_samples'), 15);
  assert.equal(await count('monitoring_events'), 2);
  const ids = await t.db.sequelize.query<{ batch_id: string }>('SELECT batch_id FROM monitoring_ingest_batches ORDER BY 1', {
    type: QueryTypes.SELECT,
  });
  assert.deepEqual(ids.map((r) => r.batch_id), ['g1'], 'the failed batch id is not marked as stored');
});

test('canonical samples and events go to the outbox in the same transaction, once per topic per group', async () => {
  const slow = gated(t.db);
  const writer = writerWith({}, slow.db);
  slow.close();
  const first = writer.write({ samples: samples(HOST_A, 'cpu_util', T0, 2, 5, true), events: [] });
  await settle();
  const group = [
    writer.write({ samples: [...samples(HOST_A, 'mem_util', T0, 3, 5, true), ...samples(HOST_A, 'cpu-0/percent-idle', T0, 4)], events: [] }),
    writer.write({ samples: samples(HOST_B, 'cpu_util', T0, 2, 5, true), events: [event(T0), event(T0 + 1)] }),
    writer.write({ samples: samples(HOST_B, 'disk_read_bps', T0, 2, 5, true), events: [event(T0, { count: 0 })] }), // rolled back
  ];
  slow.open();
  await first;
  await Promise.allSettled(group);
  await writer.stop();
  const events = await t.db.sequelize.query<{ topic: string; payload: unknown[] }>(
    'SELECT topic, payload FROM outbox_events ORDER BY seq',
    { type: QueryTypes.SELECT },
  );
  const samplesOut = events.filter((e) => e.topic === 'monitoring.samples').flatMap((e) => e.payload);
  const eventsOut = events.filter((e) => e.topic === 'monitoring.events').flatMap((e) => e.payload);
  assert.equal(samplesOut.length, 2 + 3 + 2, 'canonical samples of the committed batches only');
  assert.deepEqual(samplesOut[0], { entity: HOST_A, metric: 'cpu_util', ts: T0, value: 0.25 });
  assert.ok(!samplesOut.some((s) => (s as SampleRow).metric === 'disk_read_bps' || (s as SampleRow).metric.includes('/')));
  assert.equal(eventsOut.length, 2);
  assert.equal(events.filter((e) => e.topic === 'monitoring.events').length, 1, 'one events outbox event for the retried batch');
});

test('stop() writes what is queued; a write after stop is refused', async () => {
  const slow = gated(t.db);
  const writer = writerWith({}, slow.db);
  slow.close();
  const pending = [1, 2, 3].map((i) => writer.write({ samples: samples(HOST_A, `m${i}`, T0, 10), events: [] }));
  await settle();
  const stopped = writer.stop();
  await assert.rejects(writer.write({ samples: samples(HOST_A, 'late', T0, 1), events: [] }), MonitoringWriterStopped);
  slow.open();
  await stopped;
  assert.deepEqual((await Promise.all(pending)).map((r) => r.samples), [10, 10, 10]);
  assert.equal(await count('monitoring_samples'), 30);
});

async function partitions(table: string): Promise<string[]> {
  const rows = await t.db.sequelize.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = $1 ORDER BY 1`,
    { bind: [table], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.name);
}

test('maintenance creates partitions ahead and drops the days older than the retention', async () => {
  const now = new Date(Date.UTC(2031, 0, 10, 12, 0, 0));
  const today = dayOf(now.getTime() / 1000);
  const manager = createPartitionManager({ db: t.db, log: testLog, retentionDays: 3, aheadDays: 2 });
  // Old data arrives: its days are created on demand.
  await manager.ensureDays([(today - 5) * 86_400 + 10, (today - 4) * 86_400 + 10, (today - 3) * 86_400 + 10]);
  const first = await manager.maintain(now);
  for (const d of [0, 1, 2]) assert.ok(first.created.includes(partitionName('monitoring_events', today + d)), `day +${d} created`);
  // now - 3 days = (today - 3) 12:00: days -5 and -4 are wholly older, day -3 is not.
  for (const d of [5, 4]) assert.ok(first.dropped.includes(partitionName('monitoring_samples', today - d)), `day -${d} dropped`);
  assert.ok(!first.dropped.includes(partitionName('monitoring_samples', today - 3)), 'day -3 kept');
  const left = await partitions('monitoring_rollups_1m');
  assert.ok(left.includes(partitionName('monitoring_rollups_1m', today - 3)));
  assert.ok(!left.includes(partitionName('monitoring_rollups_1m', today - 4)));
  assert.ok(left.includes(partitionName('monitoring_rollups_1m', today + 2)));
  const again = await manager.maintain(now);
  assert.deepEqual(again, { created: [], dropped: [] });
  // A dropped day that receives data again is created again (not trusted from the cache).
  await manager.ensureDays([(today - 4) * 86_400]);
  assert.ok((await partitions('monitoring_samples')).includes(partitionName('monitoring_samples', today - 4)));
  // Retention 0 keeps everything.
  const keepAll = createPartitionManager({ db: t.db, log: testLog, retentionDays: 0, aheadDays: 0 });
  assert.deepEqual((await keepAll.maintain(new Date(Date.UTC(2040, 0, 1)))).dropped, []);
});

test('two managers creating the same days at once on one database both succeed', async () => {
  const other = await openDatabase({ url: t.url, embeddedDataDir: undefined, embeddedPort: 0, poolMax: 5, log: testLog });
  try {
    const a = createPartitionManager({ db: t.db, log: testLog, retentionDays: 0, aheadDays: 0 });
    const b = createPartitionManager({ db: other, log: testLog, retentionDays: 0, aheadDays: 0 });
    const start = Date.UTC(2033, 4, 1) / 1000;
    const days = Array.from({ length: 6 }, (_, i) => start + i * 86_400 + 3600);
    await Promise.all([a.ensureDays(days), b.ensureDays(days), a.ensureDays(days.slice(2)), b.ensureDays([...days].reverse())]);
    const names = await partitions('monitoring_samples');
    for (const d of days) assert.ok(names.includes(partitionName('monitoring_samples', dayOf(d))));
  } finally {
    await other.close();
  }
});

test('the next group is sent to the database before the requests of the previous one are answered', async () => {
  const order: string[] = [];
  const recording: Database = {
    ...t.db,
    transaction: async (work) => (order.push('write'), t.db.transaction(work)),
    withConnection: async (work) => (order.push('write'), t.db.withConnection(work)),
  };
  const writer = writerWith({}, recording);
  await writer.write({ samples: samples(HOST_A, 'cpu_util', T0, 3), events: [] }); // series and partition known
  order.length = 0;
  const first = writer.write({ samples: samples(HOST_A, 'cpu_util', T0 + 100, 3), events: [] }).then(() => order.push('first answered'));
  await new Promise((r) => setImmediate(r)); // the first group is with the database
  const second = writer.write({ samples: samples(HOST_A, 'cpu_util', T0 + 200, 3), events: [] }).then(() => order.push('second answered'));
  await Promise.all([first, second]);
  await writer.stop();
  assert.deepEqual(order, ['write', 'write', 'first answered', 'second answered']);
  assert.equal(await count('monitoring_samples'), 9);
});
