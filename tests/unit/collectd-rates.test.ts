import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateTracker, counterDiff, rateStep } from '../../fault-mgmt/collectd/counter-rate.tracker.ts';

const TWO_32 = 2 ** 32;
const TWO_64 = 2 ** 64;

function rateOf(step: ReturnType<typeof rateStep>): number | string {
  return step.kind === 'delta' ? step.delta / step.dt : step.kind;
}

test('the first reading of a series only primes it', () => {
  const s = new RateTracker().begin();
  assert.equal(s.step('k', 'derive', 100, 10).kind, 'prime');
  assert.equal(rateOf(s.step('k', 'derive', 300, 12)), 100);
});

test('a 32-bit counter that wraps gives the rate across the wrap (collectd counter_diff)', () => {
  // 4294967000 -> 704 in 2 s: 296 to the wrap plus 704 after it = 1000 units.
  assert.equal(counterDiff(TWO_32 - 296, 704), 1000);
  assert.equal(rateOf(rateStep({ value: TWO_32 - 296, time: 0 }, 'counter', 704, 2)), 500);
});

test('a 64-bit counter that wraps gives the rate across the wrap', () => {
  const prev = TWO_64 - 2 ** 20; // exactly representable near 2^64
  assert.equal(counterDiff(prev, 2 ** 20), 2 ** 21);
  assert.equal(rateOf(rateStep({ value: prev, time: 100 }, 'counter', 2 ** 20, 101)), 2 ** 21);
});

test('a counter falling further than a wrap can explain is a reset: no rate, the value primes again', () => {
  assert.equal(counterDiff(5000, 10), undefined); // 32-bit range: would be ~4.29e9 units in one step
  assert.equal(counterDiff(10e9, 5), undefined); // 64-bit range
  assert.equal(counterDiff(1e29, 5), undefined); // beyond any counter: never a negative increase
  const s = new RateTracker().begin();
  s.step('c', 'counter', 5000, 0);
  assert.equal(s.step('c', 'counter', 10, 2).kind, 'reset');
  assert.equal(rateOf(s.step('c', 'counter', 30, 4)), 10);
});

test('a derive never wraps: any decrease is a reset', () => {
  assert.equal(rateStep({ value: 100, time: 0 }, 'derive', 99, 1).kind, 'reset');
  assert.equal(rateOf(rateStep({ value: -50, time: 0 }, 'derive', 50, 4)), 25);
});

test('absolute values are what accumulated since the previous reading: value / (t - previous t)', () => {
  const s = new RateTracker().begin();
  assert.equal(s.step('a', 'absolute', 10, 100).kind, 'prime');
  assert.equal(rateOf(s.step('a', 'absolute', 30, 102)), 15);
  assert.equal(rateOf(s.step('a', 'absolute', 0, 112)), 0);
});

test('a reading not newer than the last one (a retried body) yields nothing and leaves the state', () => {
  const t = new RateTracker();
  const s = t.begin();
  s.step('k', 'counter', 10, 100);
  assert.equal(s.step('k', 'counter', 50, 100).kind, 'stale');
  assert.equal(s.step('k', 'counter', 5, 99).kind, 'stale');
  assert.deepEqual(t.peek('k'), { value: 10, time: 100 });
});

test('rollback restores what a failed request changed unless a later request changed it since', () => {
  const t = new RateTracker();
  t.begin().step('a', 'counter', 10, 100);
  t.begin().step('b', 'counter', 10, 100);
  const failed = t.begin();
  failed.step('a', 'counter', 20, 102);
  failed.step('b', 'counter', 20, 102);
  failed.step('new', 'counter', 1, 102);
  t.begin().step('b', 'counter', 30, 104); // a concurrent request of the same host, already stored
  failed.rollback();
  assert.deepEqual(t.peek('a'), { value: 10, time: 100 });
  assert.deepEqual(t.peek('b'), { value: 30, time: 104 });
  assert.equal(t.peek('new'), undefined);
  // The next body re-counts what the failed one carried.
  assert.equal(rateOf(t.begin().step('a', 'counter', 22, 104)), 3);
});

test('the tracker is bounded: the least recently updated series is forgotten first', () => {
  const t = new RateTracker(3);
  const s = t.begin();
  for (const k of ['a', 'b', 'c']) s.step(k, 'derive', 1, 1);
  s.step('a', 'derive', 2, 2); // a is now the most recent
  s.step('d', 'derive', 1, 1);
  assert.equal(t.size, 3);
  assert.equal(t.peek('b'), undefined);
  assert.ok(t.peek('a') && t.peek('c') && t.peek('d'));
});
