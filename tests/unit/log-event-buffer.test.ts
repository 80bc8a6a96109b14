import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventWriteBuffer } from '../../fault-mgmt/logs/event-write.buffer.ts';
import type { EventRow, IngestBatch, IngestReceipt, MonitoringSink } from '../../fault-mgmt/monitoring.types.ts';
import { ServiceUnavailable } from '../../platform/http/problem-details.ts';
import { until } from '../support/local-services.ts';
import { testLog } from '../support/test-database.ts';

/** A sink whose writes complete (or fail) only when the test says so. */
function gatedSink() {
  const calls: { batch: IngestBatch; done: () => void; fail: (err: Error) => void }[] = [];
  const sink = {
    write: (batch: IngestBatch) =>
      new Promise<IngestReceipt>((resolve, reject) =>
        calls.push({ batch, done: () => resolve({ samples: 0, events: batch.events.length, duplicate: false }), fail: reject }),
      ),
  } satisfies MonitoringSink;
  return { sink, calls };
}

const ev = (i: number): EventRow => ({ ts: i, type: 'paging_timeout', count: 1, source: 'syslog', host: 'h' });
const tick = () => new Promise((r) => setImmediate(r));
const waitFor = (what: string, check: () => boolean) => until(what, check, 2000, 1);

test('full buffer writes at once; while that write is pending and the buffer refills, producers are blocked', async () => {
  const { sink, calls } = gatedSink();
  const blocked: boolean[] = [];
  const buf = createEventWriteBuffer({ sink, log: testLog, maxEvents: 3, maxDelayMs: 60_000, onBlocked: (b) => blocked.push(b) });
  for (let i = 0; i < 3; i++) buf.add(ev(i));
  assert.equal(calls.length, 1, 'written at maxEvents, not after the delay');
  assert.deepEqual(calls[0].batch.events.map((e) => e.ts), [0, 1, 2]);
  for (let i = 3; i < 6; i++) buf.add(ev(i));
  assert.equal(buf.blocked, true);
  assert.deepEqual(blocked, [true]);
  calls[0].done();
  await tick();
  assert.equal(calls.length, 2, 'the held events go next');
  assert.deepEqual(calls[1].batch.events.map((e) => e.ts), [3, 4, 5]);
  assert.equal(buf.blocked, false);
  assert.deepEqual(blocked, [true, false]);
  calls[1].done();
  await buf.stop();
});

test('a failed write keeps its events first in line and is retried', async () => {
  const { sink, calls } = gatedSink();
  const buf = createEventWriteBuffer({ sink, log: testLog, maxEvents: 2, maxDelayMs: 60_000, retryMs: 10 });
  buf.add(ev(1));
  buf.add(ev(2));
  calls[0].fail(new Error('database down'));
  await tick();
  buf.add(ev(3));
  assert.equal(buf.size, 3);
  assert.equal(buf.blocked, true, 'full and waiting for the retry');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(calls.length, 2);
  assert.deepEqual(calls[1].batch.events.map((e) => e.ts), [1, 2]);
  calls[1].done();
  await tick();
  const stopping = buf.stop();
  await tick();
  calls[2].done();
  await stopping;
  assert.deepEqual(calls[2].batch.events.map((e) => e.ts), [3]);
});

test('stop() writes what is held without waiting for the delay', async () => {
  const { sink, calls } = gatedSink();
  const buf = createEventWriteBuffer({ sink, log: testLog, maxDelayMs: 60_000 });
  buf.add(ev(7));
  assert.equal(calls.length, 0);
  const stopping = buf.stop();
  await tick();
  assert.equal(calls.length, 1);
  calls[0].done();
  await stopping;
  assert.equal(buf.size, 0);
});

test('a batch the store keeps refusing (not 503) is dropped after maxAttempts; the next one goes through', async () => {
  const { sink, calls } = gatedSink();
  const buf = createEventWriteBuffer({ sink, log: testLog, maxEvents: 1, maxDelayMs: 1, retryMs: 1, maxAttempts: 2 });
  buf.add(ev(1));
  calls[0].fail(new Error('value out of range'));
  await waitFor('retried', () => calls.length === 2);
  buf.add(ev(2));
  calls[1].fail(new Error('value out of range'));
  await waitFor('the next batch written', () => calls.length === 3);
  assert.deepEqual(calls[2].batch.events.map((e) => e.ts), [2]);
  calls[2].done();
  await buf.stop();
});

test('an overloaded store (503) is waited for, however many attempts it takes', async () => {
  const { sink, calls } = gatedSink();
  const buf = createEventWriteBuffer({ sink, log: testLog, maxEvents: 1, maxDelayMs: 1, retryMs: 1, maxAttempts: 2 });
  buf.add(ev(1));
  for (let i = 0; i < 4; i++) {
    await waitFor(`attempt ${i + 1}`, () => calls.length === i + 1);
    calls[i].fail(new ServiceUnavailable('queue full'));
  }
  await waitFor('attempt 5', () => calls.length === 5);
  assert.deepEqual(calls[4].batch.events.map((e) => e.ts), [1]);
  calls[4].done();
  await buf.stop();
});
