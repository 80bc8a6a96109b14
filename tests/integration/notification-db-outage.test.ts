import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { InProcessEventBus } from '../../platform/bus/in-process-bus.ts';
import { appendToOutbox, OutboxRelay } from '../../platform/bus/outbox.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { VNFLCM } from '../../platform/http/sol-api.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { enqueueNotification } from '../../platform/sol/subscriptions/notification-outbox.ts';
import { createSubscriptions } from '../../platform/sol/subscriptions/subscriptions.module.ts';
import { startReceiver, type ReceivedRequest } from '../support/notification-receiver.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

// "No data is lost on a database restart": every connection of the test database is
// terminated (as a restart or failover does) while notifications and events are on
// their way; each must still arrive, and the delivery loops must keep running.
const server = process.env.DATABASE_URL;
const skip = server
  ? false
  : 'needs a PostgreSQL server: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test); the embedded database runs inside this process, so its connections cannot be cut from outside';

const SUBSCRIBERS = 3;
const NOTIFICATIONS = 200; // per subscriber
/** How often the connections are cut, and after how many more deliveries (or events) each time. */
const CUTS = 2;
const CUT_EVERY = 60;

/**
 * Terminates every backend of the test database while one of them is in the
 * middle of a statement on `table`: the table is locked against writes first,
 * so that the next claim or settling statement waits, and the cut ends it.
 * Resolves to how many backends were ended and how many of them were waiting.
 */
async function cutConnections(t: TestDatabase, table: string): Promise<{ ended: number; waiting: number }> {
  const database = new URL(t.url).pathname.slice(1);
  const locker = new pg.Client({ connectionString: t.url });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`); // reads go on, writes wait
    let waiting = 0;
    for (const end = Date.now() + 5000; waiting === 0 && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 5));
      const r = await locker.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
        [database],
      );
      waiting = r.rows[0].n;
    }
    const r = await locker.query<{ ended: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    await locker.query('ROLLBACK');
    return { ended: r.rows.filter((row) => row.ended).length, waiting };
  } finally {
    await locker.end();
  }
}

/**
 * Cuts the connections CUTS times, one after another: each once `count()` has
 * grown by CUT_EVERY since the previous cut ended (so that the loops were back
 * at work in between); then reports on the cuts.
 */
function cutter(t: TestDatabase, table: string, count: () => number, total: number) {
  const cuts: { at: number; ended: number; waiting: number }[] = [];
  let cutting: Promise<void> | undefined;
  let next = CUT_EVERY;
  return {
    check(): void {
      const n = count();
      if (cutting || cuts.length === CUTS || n < next) return;
      assert.ok(n < total, 'cut while deliveries remain');
      cutting = cutConnections(t, table).then((r) => {
        cuts.push({ at: n, ...r });
        next = count() + CUT_EVERY;
        cutting = undefined;
      });
    },
    async done(ctx: TestContext): Promise<void> {
      await cutting;
      for (const c of cuts) ctx.diagnostic(`after ${c.at}: ${c.ended} connections terminated, ${c.waiting} of them in a statement`);
      assert.equal(cuts.length, CUTS, 'every cut happened while deliveries remained');
      assert.ok(cuts.every((c) => c.waiting > 0), 'each cut ended a statement in flight');
    },
  };
}

test('notifications: every one arrives, in order per subscription, although all database connections are cut twice', { skip, timeout: 180_000 }, async (ctx) => {
  const t = await openTestDatabase();
  const receiver = await startReceiver();
  // Short timeouts make the lease of a claim whose settling was lost (4 timeouts + 5 s) end soon.
  const config = loadConfig({ VNFM_NOTIFY_TIMEOUT_MS: '500', VNFM_OUTBOX_POLL_MS: '50', VNFM_NOTIFY_CONCURRENCY: '4' });
  const subs = createSubscriptions({ db: t.db, config, log: testLog, metrics: createMetrics() });
  try {
    const paths: string[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const callbackUri = `${receiver.url}/outage/${i}`;
      paths.push(`/outage/${i}`);
      await subs.service.create(VNFLCM, { callbackUri, authentication: undefined, render: (id, self) => ({ id, callbackUri, _links: { self: { href: self } } }) });
    }
    const all: string[] = []; // every notification id enqueued
    const enqueue = (from: number, to: number) =>
      t.db.transaction(async (tx) => {
        for (let i = from; i < to; i++) {
          all.push(...(await enqueueNotification(tx, VNFLCM, { notificationType: 'VnfIdentifierCreationNotification', vnfInstanceId: `vnf-${i}` })));
        }
      });
    await enqueue(0, NOTIFICATIONS);
    const expected = all.length;
    assert.equal(expected, SUBSCRIBERS * NOTIFICATIONS);

    const posts = (rs: ReceivedRequest[]) => rs.filter((r) => r.method === 'POST' && r.path.startsWith('/outage/'));
    const distinct = () => new Set(posts(receiver.received).map((r) => r.json.id)).size;
    const cuts = cutter(t, 'notification_deliveries', distinct, expected);
    // A few milliseconds per answer, so that the cuts land while deliveries are in flight.
    receiver.reply(() => {
      cuts.check();
      return { status: 204, delayMs: 3 };
    });
    subs.worker.start();
    await receiver.waitFor(() => distinct() === expected, 120_000, `all ${expected} notifications`);
    await cuts.done(ctx);

    // The worker still runs: what is enqueued after the cuts is delivered too.
    await enqueue(NOTIFICATIONS, NOTIFICATIONS + 20);
    await receiver.waitFor(() => distinct() === all.length, 60_000, `all ${all.length} notifications after the cuts`);
    const got = new Set(posts(receiver.received).map((r) => r.json.id));
    assert.deepEqual(all.filter((id) => !got.has(id)), [], 'no notification is lost');

    // Per subscription, notifications first arrive in the order they were enqueued (a repeat comes later).
    for (const path of paths) {
      const firsts = [...new Set(posts(receiver.received).filter((r) => r.path === path).map((r) => r.json.vnfInstanceId as string))];
      assert.deepEqual(firsts, Array.from({ length: NOTIFICATIONS + 20 }, (_, i) => `vnf-${i}`), `order at ${path}`);
    }
    // Every row ends delivered (a row whose settling was lost is sent again when its lease ends).
    const end = Date.now() + 60_000;
    for (;;) {
      const [row] = await t.db.sequelize.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM notification_deliveries WHERE status <> 'delivered'`,
        { type: QueryTypes.SELECT },
      );
      if (row.n === 0) break;
      assert.ok(Date.now() < end, `${row.n} deliveries not recorded as delivered`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const total = posts(receiver.received).length;
    ctx.diagnostic(`${all.length} notifications in ${total} POSTs: ${total - all.length} sent again`);
  } finally {
    await subs.worker.stop();
    await receiver.close();
    await t.close();
  }
});

test('bus outbox: every event is published although all database connections are cut twice', { skip, timeout: 180_000 }, async (ctx) => {
  const t = await openTestDatabase();
  const bus = new InProcessEventBus(testLog);
  // A short lease: an event whose "published" mark was lost is published again soon.
  const relay = new OutboxRelay({ db: t.db, bus, log: testLog, metrics: createMetrics(), pollMs: 20, batchSize: 20, leaseMs: 2000 });
  try {
    const received: string[] = [];
    const appended: string[] = [];
    const append = async (from: number, to: number) => {
      for (let i = from; i < to; i += 50) {
        const events = await t.db.transaction((tx) =>
          appendToOutbox(tx, Array.from({ length: Math.min(50, to - i) }, (_, k) => ({ topic: 'test.outage', payload: { n: i + k } })), relay),
        );
        appended.push(...events.map((e) => e.id));
      }
    };
    await append(0, 600);
    const distinct = () => new Set(received).size;
    const cuts = cutter(t, 'outbox_events', distinct, appended.length);
    await bus.subscribe('outage', 'test.#', async (e) => {
      received.push(e.id);
      cuts.check();
      await new Promise((r) => setTimeout(r, 1)); // the relay is mid-batch when the connections go
    });
    await relay.start();
    const until = async (what: string, done: () => boolean) => {
      const end = Date.now() + 120_000;
      while (!done()) {
        assert.ok(Date.now() < end, `timed out waiting for ${what} (${distinct()} received)`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await until(`all ${appended.length} events`, () => distinct() === appended.length);
    await cuts.done(ctx);

    await append(600, 650); // the relay still runs
    await until('the events appended after the cuts', () => distinct() === appended.length);
    const got = new Set(received);
    assert.deepEqual(appended.filter((id) => !got.has(id)), [], 'no event is lost');
    ctx.diagnostic(`${appended.length} events in ${received.length} publishes: ${received.length - appended.length} published again`);
  } finally {
    await relay.stop();
    await bus.close();
    await t.close();
  }
});
