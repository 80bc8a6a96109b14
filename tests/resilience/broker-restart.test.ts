import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { idempotentHandler } from '../../platform/bus/inbox.ts';
import { appendToOutbox, OutboxRelay } from '../../platform/bus/outbox.ts';
import { RabbitMqEventBus } from '../../platform/bus/rabbitmq-bus.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { deleteTopology } from '../support/bus-fixtures.ts';
import { brokerRestartSkipReason, rabbitmqctl, sleep, until } from '../support/local-services.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

// "No data is lost on a broker restart": RabbitMQ is really stopped and started
// (`rabbitmqctl stop_app` / `start_app`) while the outbox relay publishes a stream of
// events and an idempotent consumer handles them. Every event must be handled exactly
// once; the broker may deliver some twice (unconfirmed publishes are published again,
// unacknowledged deliveries come back) and the inbox absorbs those.
const skip = brokerRestartSkipReason();

const TRANSACTIONS = 40;
const PER_TRANSACTION = 50; // 2,000 events
/** The broker is stopped once this many transactions are committed and some events were handled. */
const STOP_AFTER = 12;
/** Transactions committed while the broker is down. */
const DURING_OUTAGE = 10;
const OUTAGE_MS = 4000;
const DRAIN_LIMIT_MS = 60_000;

test('RabbitMQ stopped and started mid-stream: all 2,000 outbox events handled exactly once', { skip, timeout: 110_000 }, async (t) => {
  const exchange = `vnfm.test.resilience.${randomUUID().slice(0, 8)}`;
  const consumer = 'recorder';
  const db: TestDatabase = await openTestDatabase();
  await db.db.sequelize.query('CREATE TABLE test_handled (event_id uuid NOT NULL)');
  const metrics = createMetrics();
  const deliveries = new Map<string, number>();
  let bus: RabbitMqEventBus | undefined;
  let relay: OutboxRelay | undefined;
  let stopped = false;
  const started = Date.now();
  try {
    bus = await RabbitMqEventBus.connect({
      url: process.env.AMQP_URL!,
      exchange,
      prefetch: 10,
      publishTimeoutMs: 3000,
      reconnectMaxMs: 2000,
      redelivery: { maxAttempts: 5, backoffMs: 200 },
      log: testLog,
    });
    const record = idempotentHandler(
      db.db,
      consumer,
      async (event, tx) => {
        await db.db.sequelize.query('INSERT INTO test_handled (event_id) VALUES ($1)', { bind: [event.id], transaction: tx });
      },
      metrics,
    );
    await bus.subscribe(consumer, 'test.resilience.#', async (event) => {
      deliveries.set(event.id, (deliveries.get(event.id) ?? 0) + 1);
      await record(event);
    });
    relay = new OutboxRelay({ db: db.db, bus, log: testLog, metrics, pollMs: 50, batchSize: 100, leaseMs: 30_000 });
    await relay.start();

    const ids: string[] = [];
    const append = async (n: number) => {
      const events = await db.db.transaction((tx) =>
        appendToOutbox(
          tx,
          Array.from({ length: PER_TRANSACTION }, (_, i) => ({ topic: 'test.resilience.event', payload: { n, i } })),
          relay,
        ),
      );
      ids.push(...events.map((e) => e.id));
    };
    const handled = async () => count(db, 'SELECT count(DISTINCT event_id)::int AS n FROM test_handled');

    let n = 0;
    for (; n < STOP_AFTER; n++) await append(n);
    await until('the consumer handled some events before the stop', async () => (await handled()) >= PER_TRANSACTION, 30_000, 20);
    const handledBeforeStop = await handled();

    // Appends go on while the broker stops, is down, and starts again.
    stopped = true;
    const stopping = rabbitmqctl('stop_app');
    for (; n < STOP_AFTER + 2; n++) await append(n);
    await stopping;
    await until('the bus notices the broker is gone', () => bus!.ping().then(() => false, () => true), 30_000);
    const outageStart = Date.now();
    for (; n < STOP_AFTER + 2 + DURING_OUTAGE; n++) {
      await append(n);
      await sleep(OUTAGE_MS / DURING_OUTAGE);
    }
    const pendingDuringOutage = await count(db, 'SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
    await rabbitmqctl('start_app');
    await rabbitmqctl('await_startup', '--timeout', '60');
    stopped = false;
    const outageMs = Date.now() - outageStart;
    for (; n < TRANSACTIONS; n++) await append(n);
    assert.equal(ids.length, TRANSACTIONS * PER_TRANSACTION);

    const drainStart = Date.now();
    await until(
      'every event was handled and the outbox is empty',
      async () =>
        (await handled()) === ids.length &&
        (await count(db, 'SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL')) === 0,
      DRAIN_LIMIT_MS,
      250,
    );
    const drainMs = Date.now() - drainStart;
    // Late redeliveries still in flight settle before the final count.
    await sleep(1000);

    const [effects] = await db.db.sequelize.query<{ total: number; distinct: number }>(
      'SELECT count(*)::int AS total, count(DISTINCT event_id)::int AS distinct FROM test_handled',
      { type: QueryTypes.SELECT },
    );
    const handledIds = await db.db.sequelize.query<{ event_id: string }>('SELECT event_id FROM test_handled', { type: QueryTypes.SELECT });
    const got = new Set(handledIds.map((r) => r.event_id));
    assert.deepEqual(ids.filter((id) => !got.has(id)), [], 'no event is lost');
    assert.deepEqual(effects, { total: ids.length, distinct: ids.length }, 'every event handled exactly once');
    assert.equal(await count(db, `SELECT count(*)::int AS n FROM inbox_events WHERE consumer = '${consumer}'`), ids.length);
    assert.ok(pendingDuringOutage > 0, 'events waited in the outbox while the broker was down');
    assert.ok(handledBeforeStop < ids.length, 'the broker stopped mid-stream');

    const outcomes = Object.fromEntries((await metrics.busConsumed.get()).values.map((v) => [v.labels.outcome, v.value]));
    const totalDeliveries = [...deliveries.values()].reduce((a, b) => a + b, 0);
    const [republished] = await db.db.sequelize.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox_events WHERE attempts > 1',
      { type: QueryTypes.SELECT },
    );
    t.diagnostic(
      `${ids.length} events in ${TRANSACTIONS} transactions; handled before the stop: ${handledBeforeStop}; ` +
        `outage ${(outageMs / 1000).toFixed(1)} s with ${pendingDuringOutage} events pending; ` +
        `outbox rows claimed more than once: ${republished.n}; deliveries ${totalDeliveries} ` +
        `(${totalDeliveries - ids.length} redeliveries; inbox outcomes ${JSON.stringify(outcomes)}); ` +
        `drained ${(drainMs / 1000).toFixed(1)} s after the last append; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    if (stopped) {
      await rabbitmqctl('start_app').catch((err) => t.diagnostic(String(err)));
      await rabbitmqctl('await_startup', '--timeout', '60').catch((err) => t.diagnostic(String(err)));
    }
    await relay?.stop();
    await bus?.close();
    await deleteTopology(exchange, [consumer]).catch((err) => t.diagnostic(`cleanup of ${exchange}: ${err}`));
    await db.close();
  }
});

async function count(db: TestDatabase, sql: string): Promise<number> {
  const [row] = await db.db.sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT });
  return row.n;
}

