import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chronologicalSplit, groupedPurgedKFold, rangeIndices } from '../../prediction/features/splits.ts';

const blocksOf = (sizes: number[]) => {
  let start = 0;
  return sizes.map((size) => {
    const b = { start, end: start + size };
    start += size;
    return b;
  });
};

test('contiguous grouped folds with a purge gap around the test stretch', () => {
  const folds = groupedPurgedKFold(60, blocksOf([10, 10, 10, 10, 10, 10]), { folds: 3, purgeSteps: 2 });
  assert.deepEqual(
    folds.map((f) => f.testBlocks),
    [
      [0, 1],
      [2, 3],
      [4, 5],
    ],
  );
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
  assert.deepEqual(folds[1].test, range(20, 40));
  assert.deepEqual(folds[1].train, [...range(0, 18), ...range(42, 60)]);
  assert.deepEqual(folds[0].train, range(22, 60));
  assert.deepEqual(folds[2].train, range(0, 38));
});

test('every row is tested once; no training row lies within the purge gap of a test row', () => {
  const blocks = blocksOf([7, 30, 3, 12, 25, 9, 14, 5, 20, 11]);
  for (const assignment of ['contiguous', 'shuffled'] as const) {
    const folds = groupedPurgedKFold(136, blocks, { folds: 4, purgeSteps: 5, assignment, seed: 3 });
    const tested = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    assert.deepEqual(tested, Array.from({ length: 136 }, (_, i) => i));
    for (const f of folds) {
      assert.ok(f.testBlocks.length > 0);
      const test = new Set(f.test);
      for (const i of f.train) {
        for (let d = -5; d <= 5; d++) assert.ok(!test.has(i + d), `${assignment} fold ${f.index}: train row ${i} near test`);
      }
      // Whole blocks only.
      for (const b of f.testBlocks) assert.ok(test.has(blocks[b].start) && test.has(blocks[b].end - 1));
    }
  }
  const a = groupedPurgedKFold(136, blocks, { folds: 4, assignment: 'shuffled', seed: 3 });
  const b = groupedPurgedKFold(136, blocks, { folds: 4, assignment: 'shuffled', seed: 3 });
  assert.deepEqual(a, b);
});

test('each fold gets a block even when one block outweighs the rest', () => {
  const folds = groupedPurgedKFold(60, blocksOf([50, 5, 5]), { folds: 3, purgeSteps: 0 });
  assert.deepEqual(
    folds.map((f) => f.testBlocks),
    [[0], [1], [2]],
  );
  assert.throws(() => groupedPurgedKFold(10, blocksOf([5, 5]), { folds: 3 }), /at least 3 blocks/);
  assert.throws(() => groupedPurgedKFold(10, blocksOf([5, 5]), { folds: 1 }), /folds/);
});

test('chronological split with gaps, optionally snapped to block starts', () => {
  assert.deepEqual(chronologicalSplit(100, { validationFraction: 0.2, holdoutFraction: 0.2, gapSteps: 5 }), {
    train: { start: 0, end: 55 },
    validation: { start: 60, end: 75 },
    holdout: { start: 80, end: 100 },
  });
  const blocks = blocksOf([30, 28, 19, 23]); // starts 0, 30, 58, 77
  assert.deepEqual(chronologicalSplit(100, { validationFraction: 0.2, holdoutFraction: 0.2, gapSteps: 5, blocks }), {
    train: { start: 0, end: 53 },
    validation: { start: 58, end: 72 },
    holdout: { start: 77, end: 100 },
  });
  const noHoldout = chronologicalSplit(100, { validationFraction: 0.25, holdoutFraction: 0, gapSteps: 12 });
  assert.deepEqual(noHoldout.validation, { start: 75, end: 100 });
  assert.deepEqual(noHoldout.holdout, { start: 100, end: 100 });
  assert.equal(noHoldout.train.end, 63);
  assert.deepEqual(rangeIndices({ start: 3, end: 6 }), [3, 4, 5]);
  assert.throws(() => chronologicalSplit(100, { validationFraction: 0.6, holdoutFraction: 0.5 }), /fractions/);
});
