import assert from 'node:assert/strict';
import { test } from 'node:test';
import { afterFailedAttempt, retryDelayMs, type RetryPolicy } from '../../platform/sol/subscriptions/notification-backoff.ts';

const policy: RetryPolicy = { backoffMs: 1000, maxBackoffMs: 300_000, maxAttempts: 12 };
const middle = () => 0.5; // no jitter
const low = () => 0;
const high = () => 0.999999;

test('the delay doubles with every failed attempt, starting at the backoff', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, policy, middle)),
    [1000, 2000, 4000, 8000, 16000],
  );
});

test('the delay never exceeds the maximum, also with jitter and huge attempt counts', () => {
  assert.equal(retryDelayMs(9, policy, middle), 256_000);
  assert.equal(retryDelayMs(10, policy, middle), 300_000);
  assert.equal(retryDelayMs(10, policy, high), 300_000);
  assert.equal(retryDelayMs(5000, policy, high), 300_000);
  assert.ok(Number.isFinite(retryDelayMs(5000, policy, low)));
});

test('jitter spreads the delay by at most a quarter either way', () => {
  assert.equal(retryDelayMs(3, policy, low), 3000);
  assert.equal(retryDelayMs(3, policy, high), 5000);
  for (let i = 0; i < 200; i++) {
    const d = retryDelayMs(3, policy);
    assert.ok(d >= 3000 && d <= 5000, `delay ${d} within 4000 ± 25 %`);
  }
});

test('a failed attempt is retried until the last one, then given up', () => {
  assert.deepEqual(afterFailedAttempt(1, policy, middle), { kind: 'retry', delayMs: 1000 });
  assert.deepEqual(afterFailedAttempt(11, policy, middle), { kind: 'retry', delayMs: 300_000 });
  assert.deepEqual(afterFailedAttempt(12, policy, middle), { kind: 'give-up' });
  assert.deepEqual(afterFailedAttempt(1, { ...policy, maxAttempts: 1 }, middle), { kind: 'give-up' });
});
