import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBusClosed, type EventBus } from '../../platform/bus/event-bus.port.ts';
import { InProcessEventBus } from '../../platform/bus/in-process-bus.ts';
import { createLogger } from '../../platform/logger.ts';
import { event, gate } from '../support/bus-fixtures.ts';

const log = createLogger('silent');

function newBus(maxAttempts = 3): InProcessEventBus {
  const bus = new InProcessEventBus(log, { maxAttempts, backoffMs: 1 });
  return bus satisfies EventBus;
}

test('events reach only the consumers whose pattern matches the topic', async () => {
  const bus = newBus();
  const seen: string[] = [];
  await bus.subscribe('lcm', 'sol.vnflcm.#', async (e) => void seen.push(`lcm:${e.topic}`));
  await bus.subscribe('fm', 'sol.vnffm.*', async (e) => void seen.push(`fm:${e.topic}`));
  await bus.publish(event('sol.vnflcm.notification'));
  await bus.publish(event('sol.vnffm.alarm'));
  await bus.publish(event('other.topic'));
  assert.deepEqual(seen, ['lcm:sol.vnflcm.notification', 'fm:sol.vnffm.alarm']);
  await bus.close();
});

test('each consumer handles its events one at a time, in publish order', async () => {
  const bus = newBus();
  const order: number[] = [];
  let running = 0;
  let maxRunning = 0;
  await bus.subscribe('ordered', 'n', async (e) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, (e.payload as { n: number }).n % 3)); // later events finish sooner
    order.push((e.payload as { n: number }).n);
    running--;
  });
  await Promise.all(Array.from({ length: 20 }, (_, n) => bus.publish(event('n', { n }))));
  assert.deepEqual(order, Array.from({ length: 20 }, (_, n) => n));
  assert.equal(maxRunning, 1);
  await bus.close();
});

test('publish resolves only after every matching consumer handled the event', async () => {
  const bus = newBus();
  const hold = gate();
  let handled = false;
  await bus.subscribe('slow', '#', async () => {
    await hold.promise;
    handled = true;
  });
  let resolved = false;
  const publishing = bus.publish(event('x')).then(() => (resolved = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(resolved, false, 'not resolved while the handler runs');
  hold.open();
  await publishing;
  assert.equal(handled, true);
  await bus.close();
});

test('a failing handler gets the same event again until it succeeds', async () => {
  const bus = newBus(5);
  const ids: string[] = [];
  await bus.subscribe('flaky', '#', async (e) => {
    ids.push(e.id);
    if (ids.length < 3) throw new Error('transient');
  });
  const e = event('x');
  await bus.publish(e);
  assert.deepEqual(ids, [e.id, e.id, e.id]);
  assert.equal(bus.deadLetters.length, 0);
  await bus.close();
});

test('after maxAttempts failures the event is dead-lettered and later events still flow', async () => {
  const bus = newBus(3);
  const attempts = new Map<string, number>();
  const done: string[] = [];
  await bus.subscribe('picky', '#', async (e) => {
    attempts.set(e.id, (attempts.get(e.id) ?? 0) + 1);
    if (e.topic === 'poison') throw new Error('cannot handle this');
    done.push(e.id);
  });
  const poison = event('poison');
  const fine = event('fine');
  await Promise.all([bus.publish(poison), bus.publish(fine)]);
  assert.equal(attempts.get(poison.id), 3);
  assert.deepEqual(done, [fine.id]);
  assert.equal(bus.deadLetters.length, 1);
  assert.equal(bus.deadLetters[0].consumer, 'picky');
  assert.equal(bus.deadLetters[0].event.id, poison.id);
  assert.equal(bus.deadLetters[0].attempts, 3);
  assert.equal(bus.deadLetters[0].error, 'cannot handle this');
  await bus.close();
});

test('each consumer gets its own JSON copy of the payload', async () => {
  const bus = newBus();
  const seen: unknown[] = [];
  await bus.subscribe('a', '#', async (e) => {
    (e.payload as { list: number[] }).list.push(99);
    seen.push(e.payload);
  });
  await bus.subscribe('b', '#', async (e) => void seen.push(e.payload));
  const payload = { list: [1], at: new Date('2026-01-01T00:00:00Z') };
  await bus.publish(event('x', payload));
  assert.deepEqual(seen, [{ list: [1, 99], at: '2026-01-01T00:00:00.000Z' }, { list: [1], at: '2026-01-01T00:00:00.000Z' }]);
  assert.deepEqual(payload.list, [1], "the publisher's object is untouched");
  await bus.close();
});

test('close waits for the running handler and refuses the queued events', async () => {
  const bus = newBus();
  const hold = gate();
  const handled: string[] = [];
  await bus.subscribe('slow', '#', async (e) => {
    await hold.promise;
    handled.push(e.id);
  });
  const first = event('x');
  const second = event('x');
  const p1 = bus.publish(first);
  const p2 = assert.rejects(bus.publish(second), EventBusClosed);
  await new Promise((r) => setImmediate(r));
  let closed = false;
  const closing = bus.close().then(() => (closed = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(closed, false, 'close waits for the running handler');
  hold.open();
  await closing;
  await p1;
  await p2;
  assert.deepEqual(handled, [first.id]);
  await assert.rejects(bus.publish(event('x')), EventBusClosed);
  await assert.rejects(bus.ping(), EventBusClosed);
});

test('close interrupts a redelivery backoff; the event is refused, not lost silently', async () => {
  const bus = new InProcessEventBus(log, { maxAttempts: 5, backoffMs: 60_000 });
  let calls = 0;
  await bus.subscribe('failing', '#', async () => {
    calls++;
    throw new Error('down');
  });
  const publishing = assert.rejects(bus.publish(event('x')), EventBusClosed);
  await new Promise((r) => setImmediate(r));
  await bus.close();
  await publishing;
  assert.equal(calls, 1);
  assert.equal(bus.deadLetters.length, 0);
});

test('a consumer name can be subscribed once', async () => {
  const bus = newBus();
  await bus.subscribe('once', '#', async () => undefined);
  await assert.rejects(bus.subscribe('once', 'x', async () => undefined), /already subscribed/);
  await assert.rejects(bus.subscribe('bad name', 'x', async () => undefined), /invalid consumer name/);
  await bus.close();
});

test('ping succeeds while open', async () => {
  const bus = newBus();
  await bus.ping();
  await bus.close();
});
