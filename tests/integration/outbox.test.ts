import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { EventBusClosed, type BusEvent, type EventBus } from '../../platform/bus/event-bus.port.ts';
import { idempotentHandler, purgeInbox } from '../../platform/bus/inbox.ts';
import { InProcessEventBus } from '../../platform/bus/in-process-bus.ts';
import { appendToOutbox, OutboxRelay, purgeOutbox, type OutboxRelayOptions } from '../../platform/bus/outbox.ts';
import { RabbitMqEventBus } from '../../platform/bus/rabbitmq-bus.ts';
import { createMetrics, type PlatformMetrics } from '../../platform/metrics.ts';
import { deleteTopology } from '../support/bus-fixtures.ts';
import { amqpSkipReason, openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
before(async () => {
  t = await openTestDatabase();
  await t.db.sequelize.query('CREATE TABLE test_widgets (id uuid PRIMARY KEY, name text NOT NULL)');
  await t.db.sequelize.query('CREATE TABLE test_effects (event_id uuid NOT NULL, consumer text NOT NULL)');
});
after(async () => {
  await t?.close();
});
beforeEach(async () => {
  await t.db.sequelize.query('TRUNCATE outbox_events, inbox_events, test_widgets, test_effects');
});

function relayFor(bus: EventBus, metrics = createMetrics(), extra: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  return new OutboxRelay({ db: t.db, bus, log: testLog, metrics, pollMs: 20, ...extra });
}

/** The state change and its event, committed together (or not at all when `fail`). */
async function createWidget(name: string, fail = false): Promise<BusEvent> {
  return t.db.transaction(async (tx) => {
    const id = randomUUID();
    await t.db.sequelize.query('INSERT INTO test_widgets (id, name) VALUES ($1, $2)', { bind: [id, name], transaction: tx });
    const [event] = await appendToOutbox(tx, [{ topic: 'test.widget.created', payload: { id, name } }]);
    if (fail) throw new Error('rolled back on purpose');
    return event;
  });
}

async function count(sql: string): Promise<number> {
  const [row] = await t.db.sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT });
  return row.n;
}

async function depth(metrics: PlatformMetrics): Promise<number> {
  return (await metrics.outboxDepth.get()).values[0]?.value ?? NaN;
}

async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a committed state change is published with its event; the row is marked and counted', async () => {
  const bus = new InProcessEventBus(testLog);
  const received: BusEvent[] = [];
  await bus.subscribe('widgets', 'test.widget.*', async (e) => void received.push(e));
  const metrics = createMetrics();
  const relay = relayFor(bus, metrics);

  const event = await createWidget('one');
  assert.equal(await count('SELECT count(*)::int AS n FROM test_widgets'), 1);
  assert.equal(await relay.flush(), 1);
  assert.deepEqual(received, [event], 'the consumer sees exactly what appendToOutbox returned');
  assert.equal(await count('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NOT NULL'), 1);
  assert.equal(await depth(metrics), 0);
  assert.equal((await metrics.busPublished.get()).values.find((v) => v.labels.topic === 'test.widget.created')?.value, 1);
  assert.equal(await relay.flush(), 0, 'published once, not again');
  await relay.stop();
  await bus.close();
});

test('a rolled back state change publishes nothing', async () => {
  const bus = new InProcessEventBus(testLog);
  const received: BusEvent[] = [];
  await bus.subscribe('widgets', '#', async (e) => void received.push(e));
  const relay = relayFor(bus);
  await assert.rejects(createWidget('never', true), /rolled back on purpose/);
  assert.equal(await relay.flush(), 0);
  assert.deepEqual(received, []);
  assert.equal(await count('SELECT count(*)::int AS n FROM outbox_events'), 0);
  assert.equal(await count('SELECT count(*)::int AS n FROM test_widgets'), 0);
  await bus.close();
});

test('the running relay publishes after a nudge and keeps the depth gauge current', async () => {
  const bus = new InProcessEventBus(testLog);
  const received: string[] = [];
  await bus.subscribe('widgets', '#', async (e) => void received.push(e.id));
  const metrics = createMetrics();
  const relay = relayFor(bus, metrics, { pollMs: 60_000 }); // only the nudge can make it publish
  await relay.start();
  const event = await t.db.transaction((tx) => appendToOutbox(tx, [{ topic: 'test.nudged', payload: 1 }], relay));
  await until('the nudged event arrives', () => received.length === 1);
  assert.deepEqual(received, [event[0].id]);
  await until('the depth gauge is 0', async () => (await depth(metrics)) === 0);
  await relay.stop();
  await bus.close();
});

test('a stream of nudges is published in paced rounds; the first nudge after a quiet spell at once', async () => {
  const bus = new InProcessEventBus(testLog);
  const received: { id: string; at: number }[] = [];
  await bus.subscribe('widgets', '#', async (e) => void received.push({ id: e.id, at: performance.now() }));
  const relay = relayFor(bus, createMetrics(), { pollMs: 60_000, minRoundIntervalMs: 1_000 });
  await relay.start();
  try {
    await until('the start-up round is over', () => (relay as unknown as { ticking: boolean }).ticking === false);
    await new Promise((r) => setTimeout(r, 1_100)); // a quiet spell longer than the interval
    const nudgedAt = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [e] = await t.db.transaction((tx) => appendToOutbox(tx, [{ topic: 'test.paced', payload: i }], relay));
      ids.push(e.id);
      await new Promise((r) => setTimeout(r, 10));
    }
    await until('every event arrives', () => received.length === 5);
    assert.deepEqual(received.map((r) => r.id), ids);
    assert.ok(received[0].at - nudgedAt < 1_000, `the first event published at once (${Math.round(received[0].at - nudgedAt)} ms)`);
    // The others were nudged while or just after the first round ran: the next round waits for the interval.
    const early = received.slice(1).filter((r) => r.at - nudgedAt < 1_000);
    assert.ok(early.length <= 1, `at most the event of one more commit rode along with the first round: ${early.length} early`);
  } finally {
    await relay.stop();
    await bus.close();
  }
});

const DEPTH_SQL = 'SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL';

/** Counts the depth gauge's count queries while `run` runs. */
async function depthCounts(run: () => Promise<void>): Promise<number> {
  const original = t.db.sequelize.query.bind(t.db.sequelize);
  let n = 0;
  t.db.sequelize.query = ((sql: unknown, ...rest: unknown[]) => {
    if (sql === DEPTH_SQL) n++;
    return (original as (...a: unknown[]) => unknown)(sql, ...rest);
  }) as typeof t.db.sequelize.query;
  try {
    await run();
  } finally {
    t.db.sequelize.query = original;
  }
  return n;
}

test('under load the depth gauge is counted about once a second, and always when a round finds nothing', async () => {
  const bus = new InProcessEventBus(testLog);
  await bus.subscribe('many', '#', async () => undefined);
  for (let n = 0; n < 40; n++) await t.db.transaction((tx) => appendToOutbox(tx, [{ topic: 'test.n', payload: { n } }]));
  const metrics = createMetrics();
  const relay = relayFor(bus, metrics, { batchSize: 1 });
  let elapsedMs = 0;
  const counted = await depthCounts(async () => {
    const start = performance.now();
    assert.equal(await relay.flush(), 40);
    elapsedMs = performance.now() - start;
  });
  // 41 rounds: the first counts, the idle last one counts, and one more per second in between.
  assert.ok(counted <= 2 + Math.ceil(elapsedMs / 1000), `${counted} counts in ${Math.round(elapsedMs)} ms of 41 rounds`);
  assert.ok(counted >= 1);
  assert.equal(await depth(metrics), 0, 'the idle round counted');
  await relay.stop();
  await bus.close();
});

test('a count skipped because one was just made is made a moment later', async () => {
  const bus = new InProcessEventBus(testLog);
  const received: string[] = [];
  await bus.subscribe('widgets', '#', async (e) => void received.push(e.id));
  const metrics = createMetrics();
  const relay = relayFor(bus, metrics, { pollMs: 60_000 }); // no idle round for a minute
  await relay.start();
  await t.db.transaction((tx) => appendToOutbox(tx, [{ topic: 'test.first', payload: 1 }], relay));
  await until('the first event arrives', () => received.length === 1);
  await until('the depth gauge is 0', async () => (await depth(metrics)) === 0);
  metrics.outboxDepth.set(99); // a value only a later count can correct
  await t.db.transaction((tx) => appendToOutbox(tx, [{ topic: 'test.second', payload: 2 }], relay));
  await until('the second event arrives', () => received.length === 2);
  await until('the deferred count corrects the gauge', async () => (await depth(metrics)) === 0, 5_000);
  await relay.stop();
  await bus.close();
});

test('events are published in the order they were appended', async () => {
  const bus = new InProcessEventBus(testLog);
  const received: number[] = [];
  await bus.subscribe('ordered', '#', async (e) => void received.push((e.payload as { n: number }).n));
  for (let n = 0; n < 250; n++) await t.db.transaction((tx) => appendToOutbox(tx, [{ topic: 'test.n', payload: { n } }]));
  const relay = relayFor(bus, createMetrics(), { batchSize: 40 });
  assert.equal(await relay.flush(), 250);
  assert.deepEqual(received, Array.from({ length: 250 }, (_, n) => n));
  await bus.close();
});

test('a failed publish leaves the event pending and a later round publishes it', async () => {
  let down = true;
  const received: string[] = [];
  const bus = {
    kind: 'in-process',
    async publish(e: BusEvent) {
      if (down) throw new Error('broker unreachable');
      received.push(e.id);
    },
    async subscribe() {},
    async ping() {},
    async close() {},
  } satisfies EventBus;
  const metrics = createMetrics();
  const relay = relayFor(bus, metrics);
  const event = await createWidget('later');
  assert.equal(await relay.flush(), 0);
  const [row] = await t.db.sequelize.query<{ published_at: Date | null; last_error: string; attempts: number }>(
    'SELECT published_at, last_error, attempts FROM outbox_events',
    { type: QueryTypes.SELECT },
  );
  assert.equal(row.published_at, null);
  assert.equal(row.last_error, 'broker unreachable');
  assert.equal(row.attempts, 1);
  assert.equal(await depth(metrics), 1);

  down = false;
  await relay.start(); // retries after the backoff (about a second)
  await until('the event is published after the backoff', () => received.length === 1);
  assert.deepEqual(received, [event.id]);
  await relay.stop();
});

test('events claimed by a relay that died are published again by the next one', async () => {
  // The first relay claims the batch, then hangs inside publish as if the process was killed.
  const hung = { kind: 'in-process', publish: () => new Promise<void>(() => undefined), subscribe: async () => {}, ping: async () => {}, close: async () => {} } satisfies EventBus;
  const events = [await createWidget('a'), await createWidget('b')];
  const dead = relayFor(hung, createMetrics(), { leaseMs: 500 });
  void dead.flush();
  await until('the first relay claimed both', async () => (await count('SELECT count(*)::int AS n FROM outbox_events WHERE attempts = 1')) === 2);

  const bus = new InProcessEventBus(testLog);
  const received: string[] = [];
  await bus.subscribe('widgets', '#', async (e) => void received.push(e.id));
  // Embedded: start() releases the dead claims at once; a real server waits out the lease.
  const next = relayFor(bus, createMetrics(), { leaseMs: 500 });
  await next.start();
  await until('both events are republished', () => received.length === 2);
  assert.deepEqual(received, events.map((e) => e.id));
  await next.stop();
  await bus.close();
});

test('two relays on the same table publish every event exactly once between them', async () => {
  const received: string[] = [];
  const busA = new InProcessEventBus(testLog);
  const busB = new InProcessEventBus(testLog);
  for (const bus of [busA, busB]) await bus.subscribe('widgets', '#', async (e) => void received.push(e.id));
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const batch = await t.db.transaction((tx) => appendToOutbox(tx, Array.from({ length: 10 }, (_, n) => ({ topic: 'test.many', payload: { i, n } }))));
    ids.push(...batch.map((e) => e.id));
  }
  const [a, b] = await Promise.all([relayFor(busA, createMetrics(), { batchSize: 7 }).flush(), relayFor(busB, createMetrics(), { batchSize: 7 }).flush()]);
  assert.equal(a + b, 200);
  assert.deepEqual([...received].sort(), [...ids].sort(), 'every event once, none twice');
  await busA.close();
  await busB.close();
});

test('a redelivered event is handled once: the inbox record commits with the effects', async () => {
  const metrics = createMetrics();
  let failNext = true;
  const handler = idempotentHandler(
    t.db,
    'effects',
    async (event, tx) => {
      await t.db.sequelize.query('INSERT INTO test_effects (event_id, consumer) VALUES ($1, $2)', { bind: [event.id, 'effects'], transaction: tx });
      if (failNext) {
        failNext = false;
        throw new Error('crashed after writing');
      }
    },
    metrics,
  );
  const event: BusEvent = { id: randomUUID(), topic: 'test.x', occurredAt: new Date().toISOString(), payload: {} };
  await assert.rejects(handler(event), /crashed after writing/);
  assert.equal(await count('SELECT count(*)::int AS n FROM test_effects'), 0, 'the failed attempt left nothing, not even the inbox record');
  await handler(event);
  await handler(event);
  await handler({ ...event });
  assert.equal(await count('SELECT count(*)::int AS n FROM test_effects'), 1);
  assert.equal(await count('SELECT count(*)::int AS n FROM inbox_events'), 1);
  const outcomes = Object.fromEntries((await metrics.busConsumed.get()).values.map((v) => [v.labels.outcome, v.value]));
  assert.deepEqual(outcomes, { failed: 1, processed: 1, duplicate: 2 });
});

test('relay, bus and idempotent consumer together: a republished event changes nothing twice', async () => {
  const bus = new InProcessEventBus(testLog);
  await bus.subscribe(
    'effects',
    '#',
    idempotentHandler(t.db, 'effects', async (event, tx) => {
      await t.db.sequelize.query('INSERT INTO test_effects (event_id, consumer) VALUES ($1, $2)', { bind: [event.id, 'effects'], transaction: tx });
    }),
  );
  const relay = relayFor(bus);
  await createWidget('twice');
  assert.equal(await relay.flush(), 1);
  // The relay crashed after the confirm but before marking the row: it is published again.
  await t.db.sequelize.query('UPDATE outbox_events SET published_at = NULL, available_at = now()');
  assert.equal(await relay.flush(), 1);
  assert.equal(await count('SELECT count(*)::int AS n FROM test_effects'), 1);
  await bus.close();
});

test('a bus closing mid-publish leaves the event for the next start', async () => {
  const bus = new InProcessEventBus(testLog, { maxAttempts: 5, backoffMs: 60_000 });
  await bus.subscribe('failing', '#', async () => {
    throw new Error('database restarting');
  });
  const relay = relayFor(bus);
  await createWidget('kept');
  const flushing = relay.flush();
  await until('the handler failed once', async () => (await count('SELECT count(*)::int AS n FROM outbox_events WHERE attempts = 1')) === 1);
  await bus.close();
  assert.equal(await flushing, 0);
  assert.equal(await count('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL'), 1);
  await assert.rejects(bus.publish({ id: randomUUID(), topic: 'x', occurredAt: '', payload: null }), EventBusClosed);
});

test('retention deletes old published events and old inbox records only', async () => {
  const bus = new InProcessEventBus(testLog);
  await bus.subscribe('effects', '#', idempotentHandler(t.db, 'effects', async () => undefined));
  await createWidget('old');
  await createWidget('recent');
  await relayFor(bus).flush();
  await createWidget('pending');
  await t.db.sequelize.query(`UPDATE outbox_events SET published_at = now() - interval '25 hours' WHERE payload->>'name' = 'old'`);
  await t.db.sequelize.query(`UPDATE inbox_events SET processed_at = now() - interval '200 hours' WHERE event_id = (SELECT id FROM outbox_events WHERE payload->>'name' = 'old')`);
  assert.equal(await purgeOutbox(t.db, 24, 1), 1);
  assert.equal(await purgeInbox(t.db, 168, 1), 1);
  const left = await t.db.sequelize.query<{ name: string }>('SELECT payload->>$1 AS name FROM outbox_events ORDER BY seq', { bind: ['name'], type: QueryTypes.SELECT });
  assert.deepEqual(left.map((r) => r.name), ['recent', 'pending']);
  assert.equal(await count('SELECT count(*)::int AS n FROM inbox_events'), 1);
  await bus.close();
});

test('appendToOutbox refuses wildcard topics and non-UUID ids', async () => {
  await assert.rejects(t.db.transaction((tx) => appendToOutbox(tx, [{ topic: 'test.*', payload: 1 }])), /invalid event topic/);
  await assert.rejects(t.db.transaction((tx) => appendToOutbox(tx, [{ topic: 'test.x', payload: 1, id: 'abc' }])), /not a UUID/);
  assert.equal(await count('SELECT count(*)::int AS n FROM outbox_events'), 0);
});

test('through RabbitMQ: committed events reach an idempotent consumer once', { skip: amqpSkipReason() }, async () => {
  const exchange = `vnfm.test.outbox.${randomUUID().slice(0, 8)}`;
  const bus = await RabbitMqEventBus.connect({
    url: process.env.AMQP_URL!,
    exchange,
    prefetch: 10,
    publishTimeoutMs: 5000,
    reconnectMaxMs: 1000,
    redelivery: { maxAttempts: 3, backoffMs: 10 },
    log: testLog,
  });
  const metrics = createMetrics();
  const consumed = async (outcome: string) =>
    (await metrics.busConsumed.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  try {
    await bus.subscribe(
      'effects',
      'test.#',
      idempotentHandler(
        t.db,
        'effects',
        async (event, tx) => {
          await t.db.sequelize.query('INSERT INTO test_effects (event_id, consumer) VALUES ($1, $2)', { bind: [event.id, 'effects'], transaction: tx });
        },
        metrics,
      ),
    );
    const relay = relayFor(bus);
    const events = [await createWidget('r1'), await createWidget('r2')];
    assert.equal(await relay.flush(), 2);
    await t.db.sequelize.query('UPDATE outbox_events SET published_at = NULL, available_at = now()');
    assert.equal(await relay.flush(), 2, 'published again, as after a relay crash');
    await until('both events and both duplicates arrived', async () => (await consumed('processed')) === 2 && (await consumed('duplicate')) === 2);
    const effects = await t.db.sequelize.query<{ event_id: string }>('SELECT event_id FROM test_effects ORDER BY event_id', { type: QueryTypes.SELECT });
    assert.deepEqual(effects.map((e) => e.event_id), events.map((e) => e.id).sort());
  } finally {
    await bus.close();
    await deleteTopology(exchange, ['effects']);
  }
});

