import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findRuns, healthyMask, onsetWithinHorizon, rowDurations } from '../../prediction/evaluation/failure-runs.ts';
import { prAuc, rocAuc, stepMetrics } from '../../prediction/evaluation/step-metrics.ts';

const close = (actual: number | null, expected: number, eps = 1e-12): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) < eps, `expected ${expected}, got ${actual}`);
};

describe('step metrics (scikit-learn definitions)', () => {
  test('reproduce the scikit-learn documentation example', () => {
    // sklearn docs: roc_auc_score and average_precision_score of these arrays are 0.75 and 0.8333...
    const y = [0, 0, 1, 1];
    const s = [0.1, 0.4, 0.35, 0.8];
    close(rocAuc(s, y), 0.75);
    close(prAuc(s, y), 5 / 6);
  });

  test('count a tie between a positive and a negative as one half', () => {
    // pairs (pos, neg): (0.5,0.5)=1/2, (0.5,0.2)=1, (0.9,0.5)=1, (0.9,0.2)=1 -> 3.5/4
    close(rocAuc([0.5, 0.5, 0.2, 0.9], [0, 1, 0, 1]), 0.875);
    // thresholds 0.9: P=1 R=1/2; 0.5 (both tied rows enter together): P=2/3 R=1 -> 1/2 + 1/2*2/3
    close(prAuc([0.5, 0.5, 0.2, 0.9], [0, 1, 0, 1]), 5 / 6);
  });

  test('handle several tie groups', () => {
    const y = [1, 0, 1, 0, 0, 1];
    const s = [0.9, 0.9, 0.6, 0.6, 0.3, 0.1];
    // positives 0.9: 1/2+1+1, 0.6: 0+1/2+1, 0.1: 0 -> 4/9
    close(rocAuc(s, y), 4 / 9);
    // 0.9: R=1/3 P=1/2; 0.6: R=2/3 P=1/2; 0.3: R=2/3; 0.1: R=1 P=1/2 -> 3 * (1/3 * 1/2)
    close(prAuc(s, y), 0.5);
  });

  test('give the prevalence for a constant score and the extremes for perfect rankings', () => {
    close(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
    close(prAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 0]), 0.25);
    close(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
    close(prAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
    close(rocAuc([0.9, 0.1], [0, 1]), 0);
    close(prAuc([0.9, 0.1], [0, 1]), 0.5);
  });

  test('apply the row mask before anything else', () => {
    const y = [0, 0, 1, 1, 1];
    const s = [0.1, 0.4, 0.35, 0.8, NaN];
    const mask = [true, true, true, true, false];
    close(rocAuc(s, y, mask), 0.75);
    close(prAuc(s, y, mask), 5 / 6);
    const m = stepMetrics(s, y, mask);
    assert.deepEqual([m.positives, m.negatives], [2, 2]);
    close(m.rocAuc, 0.75);
    close(m.prAuc, 5 / 6);
    // masking the best positive leaves 0.35 against 0.1 and 0.4
    close(rocAuc(s, y, [true, true, true, false, false]), 0.5);
  });

  test('return null when a class is missing and refuse bad input', () => {
    assert.equal(rocAuc([0.2, 0.3], [0, 0]), null);
    assert.equal(prAuc([0.2, 0.3], [0, 0]), null);
    assert.equal(rocAuc([0.2, 0.3], [1, 1]), null);
    close(prAuc([0.2, 0.3], [1, 1]), 1);
    assert.throws(() => rocAuc([0.2, NaN], [0, 1]), /mask rows without a score/);
    assert.throws(() => rocAuc([0.2], [0, 1]), /differ in length/);
    assert.throws(() => prAuc([0.2, 0.4], [0, 2]), /expected 0 or 1/);
  });
});

describe('failure runs and row functions', () => {
  test('find maximal runs, including at both ends', () => {
    assert.deepEqual(findRuns([1, 1, 0, 0, 1, 0, 1]), [
      { start: 0, end: 1 },
      { start: 4, end: 4 },
      { start: 6, end: 6 },
    ]);
    assert.deepEqual(findRuns([]), []);
  });

  test('label healthy rows with an onset in (i, i+H]', () => {
    //                        0  1  2  3  4  5  6  7  8
    const failure = [0, 0, 0, 1, 1, 0, 0, 0, 1];
    assert.deepEqual(Array.from(onsetWithinHorizon(failure, 2)), [0, 1, 1, 0, 0, 0, 1, 1, 0]);
    assert.deepEqual(healthyMask(failure), [true, true, true, false, false, true, true, true, false]);
    assert.throws(() => onsetWithinHorizon(failure, 0), /positive integer/);
  });

  test('cap pauses in the trace when measuring row durations', () => {
    const dt = rowDurations([0, 5, 10, 1000, 1005], 60);
    assert.deepEqual(Array.from(dt), [5, 5, 60, 5, 5]); // last row: median of 5, 5, 60, 5
  });
});
