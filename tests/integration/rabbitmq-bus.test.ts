import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, test } from 'node:test';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import { RabbitMqEventBus, type RabbitMqBusOptions } from '../../platform/bus/rabbitmq-bus.ts';
import { createLogger } from '../../platform/logger.ts';
import { deleteTopologyOn, event, gate } from '../support/bus-fixtures.ts';
import { amqpSkipReason } from '../support/test-database.ts';

const skip = amqpSkipReason();
const url = process.env.AMQP_URL ?? '';
const run = randomUUID().slice(0, 8);
let admin: ChannelModel | undefined;
let ch: Channel;
/** Exchanges and consumers to delete after each test, so the broker keeps nothing of ours. */
const cleanup: { exchange: string; consumers: string[]; buses: EventBus[] }[] = [];

before(async () => {
  if (skip) return;
  admin = await connect(url);
  ch = await admin.createChannel();
});
afterEach(async () => {
  for (const { exchange, consumers, buses } of cleanup.splice(0)) {
    for (const bus of buses) await bus.close();
    await deleteTopologyOn(ch, exchange, consumers);
  }
});
after(async () => {
  await admin?.close();
});

interface Harness {
  readonly bus: RabbitMqEventBus;
  readonly exchange: string;
  /** Every connection the bus opened, the current one last. */
  readonly connections: ChannelModel[];
  /** While true, new connections fail as if the broker were down. */
  down: boolean;
  readonly logs: string[];
}

async function startBus(consumers: string[], options: Partial<RabbitMqBusOptions> = {}): Promise<Harness> {
  const exchange = `vnfm.test.${run}.${cleanup.length}.${randomUUID().slice(0, 4)}`;
  const entry = { exchange, consumers, buses: [] as EventBus[] };
  cleanup.push(entry);
  const logs: string[] = [];
  const h: Omit<Harness, 'bus'> & { bus?: RabbitMqEventBus } = { exchange, connections: [], down: false, logs };
  h.bus = await RabbitMqEventBus.connect({
    url,
    exchange,
    prefetch: 10,
    publishTimeoutMs: 3000,
    reconnectMaxMs: 200,
    redelivery: { maxAttempts: 3, backoffMs: 10 },
    log: createLogger('debug', { write: (line: string) => void logs.push(line) }),
    connect: async (u, socketOptions) => {
      if (h.down) throw new Error('connect ECONNREFUSED (broker down)');
      const conn = await connect(u, socketOptions);
      h.connections.push(conn);
      return conn;
    },
    ...options,
  });
  entry.buses.push(h.bus);
  return h as Harness;
}

/** Drops the TCP connection under the bus, as a broker restart or a network cut would. */
function cutConnection(h: Harness): void {
  const socket = (h.connections.at(-1)!.connection as unknown as { stream: { destroy(err: Error): void } }).stream;
  socket.destroy(new Error('connection reset (test)'));
}

async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ready = async (queue: string) => (await ch.checkQueue(queue)).messageCount;

test('publish resolves on the broker confirm; the message is persistent and described', { skip }, async () => {
  const h = await startBus([]);
  const probe = `${h.exchange}.probe`;
  await ch.assertQueue(probe, { exclusive: true });
  await ch.bindQueue(probe, h.exchange, 'sol.#');
  const e = event('sol.vnflcm.notification', { hello: 'world' });
  await h.bus.publish(e);
  assert.equal(await ready(probe), 1, 'routed and stored before publish resolved');
  const msg = await ch.get(probe, { noAck: true });
  assert.ok(msg);
  assert.equal(msg.properties.deliveryMode, 2);
  assert.equal(msg.properties.messageId, e.id);
  assert.equal(msg.properties.type, e.topic);
  assert.equal(msg.properties.contentType, 'application/json');
  assert.equal(msg.properties.timestamp, Math.floor(Date.parse(e.occurredAt) / 1000));
  assert.equal(msg.fields.routingKey, e.topic);
  assert.deepEqual(JSON.parse(msg.content.toString()), e);
  await ch.deleteQueue(probe);
});

test('a consumer gets its own durable queue bound with its pattern, and a dead-letter queue', { skip }, async () => {
  const h = await startBus(['lcm', 'fm']);
  const got: Record<string, string[]> = { lcm: [], fm: [] };
  await h.bus.subscribe('lcm', 'sol.vnflcm.#', async (e) => void got.lcm.push(e.topic));
  await h.bus.subscribe('fm', 'sol.vnffm.*', async (e) => void got.fm.push(e.topic));
  await h.bus.publish(event('sol.vnflcm.notification'));
  await h.bus.publish(event('sol.vnffm.alarm'));
  await h.bus.publish(event('sol.vnfpm.report'));
  await until('both consumers got their event', () => got.lcm.length === 1 && got.fm.length === 1);
  assert.deepEqual(got, { lcm: ['sol.vnflcm.notification'], fm: ['sol.vnffm.alarm'] });
  for (const q of [`${h.exchange}.lcm`, `${h.exchange}.lcm.dlq`, `${h.exchange}.fm`, `${h.exchange}.fm.dlq`]) {
    assert.equal(await ready(q), 0, `${q} exists and is drained`);
  }
});

test('prefetch bounds how many events of one consumer are in flight', { skip }, async () => {
  const h = await startBus(['slow'], { prefetch: 2 });
  const hold = gate();
  let inFlight = 0;
  let done = 0;
  await h.bus.subscribe('slow', '#', async () => {
    inFlight++;
    await hold.promise;
    inFlight--;
    done++;
  });
  for (let i = 0; i < 5; i++) await h.bus.publish(event('x'));
  await until('two are in flight', () => inFlight === 2);
  await until('three wait in the queue', async () => (await ready(`${h.exchange}.slow`)) === 3);
  await new Promise((r) => setTimeout(r, 200)); // an unbounded consumer would take the rest now
  assert.equal(inFlight, 2);
  hold.open();
  await until('all five are handled', () => done === 5);
});

test('a failing event is redelivered with backoff and dead-lettered after maxAttempts', { skip }, async () => {
  const h = await startBus(['picky']);
  const calls = new Map<string, number>();
  await h.bus.subscribe('picky', '#', async (e) => {
    const n = (calls.get(e.id) ?? 0) + 1;
    calls.set(e.id, n);
    if (e.topic === 'poison' || n < 2) throw new Error(`refused ${e.topic}`);
  });
  const flaky = event('flaky');
  const poison = event('poison');
  await h.bus.publish(flaky);
  await h.bus.publish(poison);
  const dlq = `${h.exchange}.picky.dlq`;
  await until('the poison event reached the DLQ', async () => (await ready(dlq)) === 1);
  assert.equal(calls.get(poison.id), 3, 'delivered maxAttempts times');
  assert.equal(calls.get(flaky.id), 2, 'succeeded on the second delivery, not dead-lettered');
  const msg = await ch.get(dlq, { noAck: true });
  assert.ok(msg);
  assert.equal(msg.properties.messageId, poison.id);
  assert.equal(msg.properties.headers?.['x-attempts'], 3);
  assert.equal((msg.properties.headers?.['x-death'] as { reason: string }[])[0].reason, 'rejected');
  assert.equal(await ready(`${h.exchange}.picky`), 0);
});

test('an unacknowledged event survives a lost connection and is delivered again after the reconnect', { skip }, async () => {
  const h = await startBus(['worker']);
  const hold = gate();
  const seen: string[] = [];
  await h.bus.subscribe('worker', '#', async (e) => {
    seen.push(e.id);
    await hold.promise;
  });
  const e = event('job');
  await h.bus.publish(e);
  await until('the handler holds the event', () => seen.length === 1);
  assert.equal(await ready(`${h.exchange}.worker`), 0, 'delivered, not acknowledged yet');

  cutConnection(h);
  await until('the bus notices', () => h.bus.ping().then(() => false, () => true));
  await until('the bus reconnected', () => h.bus.ping().then(() => true, () => false));
  assert.equal(h.connections.length, 2);
  await until('the event is delivered again to the re-subscribed consumer', () => seen.length === 2);
  assert.deepEqual(seen, [e.id, e.id]);
  hold.open();
  const next = event('job');
  await h.bus.publish(next);
  await until('new events flow on the new connection', () => seen.includes(next.id));
});

test('a consumer whose queue was deleted is declared and subscribed again', { skip }, async () => {
  const h = await startBus(['phoenix']);
  const got: string[] = [];
  await h.bus.subscribe('phoenix', '#', async (e) => void got.push(e.id));
  await ch.deleteQueue(`${h.exchange}.phoenix`);
  await until('the bus rebuilt its topology', async () => h.connections.length === 2 && (await h.bus.ping().then(() => true, () => false)));
  const e = event('again');
  await h.bus.publish(e);
  await until('the event reaches the re-created queue', () => got.includes(e.id));
});

test('a publish during an outage waits for the reconnect; a longer outage makes it fail', { skip }, async () => {
  const h = await startBus(['sink'], { publishTimeoutMs: 1500 });
  const got: string[] = [];
  await h.bus.subscribe('sink', '#', async (e) => void got.push(e.id));

  h.down = true;
  cutConnection(h);
  await until('the bus is down', () => h.bus.ping().then(() => false, () => true));
  const e = event('during.outage');
  const publishing = h.bus.publish(e);
  await new Promise((r) => setTimeout(r, 300));
  h.down = false;
  await publishing;
  await until('the event arrives', () => got.includes(e.id));

  h.down = true;
  cutConnection(h);
  await until('the bus is down again', () => h.bus.ping().then(() => false, () => true));
  await assert.rejects(h.bus.publish(event('lost.cause')), /not connected; publish gave up after 1500 ms/);
  h.down = false;
  await until('the bus reconnected', () => h.bus.ping().then(() => true, () => false));
});

test('close waits for running handlers, whose acks go out first', { skip }, async () => {
  const h = await startBus(['closing']);
  const hold = gate();
  let started = 0;
  await h.bus.subscribe('closing', '#', async () => {
    started++;
    await hold.promise;
  });
  await h.bus.publish(event('x'));
  await until('the handler runs', () => started === 1);
  let closed = false;
  const closing = h.bus.close().then(() => (closed = true));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(closed, false);
  hold.open();
  await closing;
  assert.equal(await ready(`${h.exchange}.closing`), 0, 'acknowledged, not requeued');
  await assert.rejects(h.bus.ping(), /closed/);
  await assert.rejects(h.bus.publish(event('x')), /closed/);
});

test('the broker password never reaches the log', { skip }, async () => {
  const h = await startBus([]);
  cutConnection(h);
  await until('the bus reconnected', () => h.connections.length === 2 && h.bus.ping().then(() => true, () => false));
  const password = new URL(url).password;
  const text = h.logs.join('');
  assert.match(text, /RabbitMQ connection lost/);
  assert.ok(!text.includes(`:${password}@`), 'URLs in the log are masked');
});

test('start-up gives up with a clear error, password masked, when the broker is unreachable', async () => {
  await assert.rejects(
    RabbitMqEventBus.connect({
      url: 'amqp://vnfm:s3cret@127.0.0.1:1',
      exchange: 'vnfm.unreachable',
      prefetch: 1,
      publishTimeoutMs: 800,
      reconnectMaxMs: 200,
      redelivery: { maxAttempts: 1, backoffMs: 1 },
      log: createLogger('silent'),
    }),
    (err: Error) => {
      assert.match(err.message, /^cannot connect to RabbitMQ at amqp:\/\/vnfm:\*\*\*\*@127\.0\.0\.1:1/);
      assert.ok(!err.message.includes('s3cret'));
      return true;
    },
  );
});
