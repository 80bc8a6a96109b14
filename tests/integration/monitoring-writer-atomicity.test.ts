import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type pg from 'pg';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { createMetrics, type PlatformMetrics } from '../../platform/metrics.ts';
import type { EntityRef, SampleRow } from '../../fault-mgmt/monitoring.types.ts';
import { createMonitoringWriter, MonitoringStoreUnavailable } from '../../fault-mgmt/store/monitoring-writer.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

/*
 * A group of samples alone is written as one COPY script on a real PostgreSQL (the COPY,
 * the outbox row and the minute marks in one implicit transaction), else in an explicit
 * transaction. Either way the three commit together or not at all.
 */

let t: TestDatabase;
before(async () => {
  t = await openTestDatabase();
  // Refuses minute marks while cs_block holds a row: the last statement of the write fails.
  await t.db.sequelize.query(`
    CREATE TABLE cs_block (x int);
    CREATE FUNCTION cs_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM cs_block) THEN RAISE EXCEPTION 'minute marks refused by the test'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER cs_refuse BEFORE INSERT ON monitoring_rollup_pending FOR EACH ROW EXECUTE FUNCTION cs_refuse()`);
});
after(async () => {
  await t?.close();
});
beforeEach(async () => {
  await t.db.sequelize.query('TRUNCATE monitoring_samples, monitoring_rollup_pending, outbox_events, cs_block');
});

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0) / 1000;
const HOST: EntityRef = { kind: 'host', id: 'compute-atomic' };

function rows(metric: string, count: number, canonical = true): SampleRow[] {
  return Array.from({ length: count }, (_, i) => ({ entity: HOST, metric, ts: T0 + i * 5, value: i + 0.5, canonical }));
}

async function counts(): Promise<{ samples: number; marks: number; outbox: number }> {
  const [r] = await t.db.sequelize.query<{ samples: number; marks: number; outbox: number }>(
    `SELECT (SELECT count(*) FROM monitoring_samples)::int AS samples, (SELECT count(*) FROM monitoring_rollup_pending)::int AS marks,
            (SELECT count(*) FROM outbox_events)::int AS outbox`,
    { type: QueryTypes.SELECT },
  );
  return r;
}

async function writesBy(metrics: PlatformMetrics): Promise<Record<string, number>> {
  const m = await metrics.registry.getSingleMetric('vnfm_monitoring_sample_writes_total')!.get();
  return Object.fromEntries(m.values.map((v) => [String(v.labels.method), v.value]));
}

/** Ends the connection's server process, as a database restart would. */
async function terminate(client: pg.Client): Promise<void> {
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  await t.db.sequelize.query('SELECT pg_terminate_backend($1)', { bind: [pid] });
}

function writer(db: Database = t.db, metrics = createMetrics()) {
  return createMonitoringWriter({ db, log: testLog, metrics, config: loadConfig({}).monitoring, transactionsInFlight: 2 });
}

test('samples, their outbox event and their minute marks commit together', async () => {
  const metrics = createMetrics();
  const w = writer(t.db, metrics);
  const receipt = await w.write({ samples: rows('cpu_util', 30), events: [] });
  await w.stop();
  assert.deepEqual(receipt, { samples: 30, events: 0, duplicate: false });
  assert.deepEqual(await counts(), { samples: 30, marks: 3, outbox: 1 });
  assert.deepEqual(await writesBy(metrics), t.kind === 'real' ? { copy: 1 } : { insert: 1 }, 'COPY on the real server, INSERT on the embedded one');
});

test('when the last statement of the write fails, nothing of the batch is stored: no samples, no outbox event', async () => {
  await t.db.sequelize.query('INSERT INTO cs_block VALUES (1)');
  const w = writer();
  await assert.rejects(w.write({ samples: rows('mem_util', 20), events: [] }), /minute marks refused/);
  await t.db.sequelize.query('TRUNCATE cs_block');
  const again = await w.write({ samples: rows('mem_util', 20), events: [] });
  await w.stop();
  assert.equal(again.samples, 20, 'the same batch is stored whole once the database takes it');
  assert.deepEqual(await counts(), { samples: 20, marks: 2, outbox: 1 });
});

const realOnly = process.env.DATABASE_URL
  ? false
  : 'ends a server process of the database: needs a real PostgreSQL (the embedded one runs as one process); set DATABASE_URL';

test('a write whose connection breaks is answered 503 with Retry-After and stores nothing; the next write succeeds', { skip: realOnly }, async () => {
  // Every connection lent for a write has its server process ended first, as a database restart would.
  let broken = true;
  const breaking: Database = {
    ...t.db,
    async withConnection(work) {
      return t.db.withConnection(async (client) => {
        if (broken) await terminate(client);
        return work(client);
      });
    },
    async transaction(work) {
      if (!broken) return t.db.transaction(work);
      return t.db.transaction(async (tx) => {
        await t.db.sequelize.query('SELECT pg_terminate_backend(pg_backend_pid())', { transaction: tx }).catch(() => undefined);
        return work(tx);
      });
    },
  };
  const w = writer(breaking);
  const err = await w.write({ samples: rows('swap_util', 10), events: [] }).then(
    () => assert.fail('stored on a broken connection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof MonitoringStoreUnavailable, String(err));
  assert.equal(err.status, 503);
  assert.equal(err.headers?.['Retry-After'], '5');
  assert.deepEqual(await counts(), { samples: 0, marks: 0, outbox: 0 });
  broken = false;
  assert.equal((await w.write({ samples: rows('swap_util', 10), events: [] })).samples, 10, 'the pool replaced the broken connection');
  await w.stop();
  assert.deepEqual(await counts(), { samples: 10, marks: 1, outbox: 1 });
});
