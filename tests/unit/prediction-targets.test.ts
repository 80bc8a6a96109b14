import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Trace } from '../../prediction/dataset/trace.ts';
import { buildTargets, scorableRows } from '../../prediction/features/targets.ts';
import { generateSyntheticTrace } from '../../prediction/synthetic/trace-generator.ts';

//            0  1  2  3  4  5  6  7  8  9 10 11 12
const LABELS = [0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0];

test('exact targets on a hand-made label sequence (H = 3, long >= 3 steps)', () => {
  const t = buildTargets(LABELS, { horizonSteps: 3, longSteps: 3 });
  assert.deepEqual([...t.willFail], [1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0]);
  assert.deepEqual([...t.willBeLong], [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0]);
  assert.deepEqual([...t.inFailure], [0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0]);
  assert.deepEqual([...t.inLongFailure], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0]);
  assert.deepEqual([...t.stepsIntoFailure], [-1, -1, -1, 0, 1, -1, -1, -1, -1, 0, 1, 2, -1]);
  assert.deepEqual([...t.stepsToOnset], [3, 2, 1, 6, 5, 4, 3, 2, 1, -1, -1, -1, -1]);
  assert.deepEqual([...t.censored], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  assert.equal(t.horizonSteps, 3);
  assert.equal(t.longSteps, 3);
});

test('the onset row itself is not a positive (no lead time left); defaults H = 12, long = 100', () => {
  const t = buildTargets([1, 1, 0, 0, 0]);
  assert.deepEqual([...t.willFail], [0, 0, 0, 0, 0]);
  assert.equal(t.horizonSteps, 12);
  assert.equal(t.longSteps, 100);
  assert.throws(() => buildTargets(LABELS, { horizonSteps: 0 }), /horizonSteps/);
});

test('a failure right after another one ends is still ahead of the ongoing one', () => {
  const t = buildTargets([0, 1, 0, 1, 0], { horizonSteps: 2 });
  assert.deepEqual([...t.willFail], [1, 1, 1, 0, 0]);
  assert.deepEqual([...t.inFailure], [0, 1, 0, 1, 0]);
});

test('scorable rows leave out failures and rows whose horizon runs past the end', () => {
  const t = buildTargets(LABELS, { horizonSteps: 3, longSteps: 3 });
  assert.deepEqual(scorableRows(t), [0, 1, 2, 5, 6, 7, 8]);
  assert.deepEqual(scorableRows(t, undefined, true), [0, 1, 2, 5, 6, 7, 8, 12]);
  assert.deepEqual(scorableRows(t, [4, 5, 6]), [5, 6]);
});

test('on a synthetic trace: every onset has exactly H positive rows before it when runs are apart', () => {
  const { trace, cycles } = generateSyntheticTrace({ seed: 2, cycles: 60 });
  const t = buildTargets(trace as Trace, { horizonSteps: 12 });
  for (const c of cycles.filter((c) => c.outcome === 'failure')) {
    const start = c.failureStart!;
    for (let d = 1; d <= 12 && start - d >= 0; d++) {
      assert.equal(t.willFail[start - d], 1, `row ${start - d}`);
      assert.equal(t.willBeLong[start - d], c.failureLength! >= 100 ? 1 : 0);
    }
    if (start - 13 >= 0 && !t.inFailure[start - 13]) assert.equal(t.stepsToOnset[start - 13], 13);
  }
  const positives = t.willFail.reduce((s, v) => s + v, 0);
  assert.ok(positives > 0 && positives < trace.rows.length / 2);
});
