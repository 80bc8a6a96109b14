/**
 * Splits that respect time: grouped K-fold over scenario blocks with a purge gap around each
 * test fold (a row's target looks H steps ahead, so train rows within H of the test fold would
 * see test labels), and a chronological train / validation / hold-out split.
 */
import { SeededRng } from '../../platform/seeded-rng.ts';

/** Half-open row range [start, end). */
export interface IndexRange {
  start: number;
  end: number;
}

export interface Fold {
  index: number;
  train: number[];
  test: number[];
  /** Indices (into the blocks given) of the blocks tested in this fold. */
  testBlocks: number[];
}

export interface KFoldOptions {
  folds?: number;
  /** Rows dropped from training on each side of every test stretch (default 12 = H). */
  purgeSteps?: number;
  /**
   * 'contiguous' (default): consecutive blocks form a fold, balanced by rows, so a fold is one
   * stretch of time. 'shuffled': blocks shuffled with `seed`, then dealt to the lightest fold.
   */
  assignment?: 'contiguous' | 'shuffled';
  seed?: number;
}

function assignBlocks(blocks: readonly IndexRange[], folds: number, options: KFoldOptions): number[][] {
  const out: number[][] = Array.from({ length: folds }, () => []);
  if (options.assignment === 'shuffled') {
    const rng = new SeededRng(options.seed ?? 1);
    const order = blocks.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const load = new Array<number>(folds).fill(0);
    for (const b of order) {
      const f = load.indexOf(Math.min(...load));
      out[f].push(b);
      load[f] += blocks[b].end - blocks[b].start;
    }
    return out.map((f) => f.sort((a, b) => a - b));
  }
  const total = blocks.reduce((s, b) => s + (b.end - b.start), 0);
  let acc = 0;
  let f = 0;
  blocks.forEach((b, i) => {
    // Leave at least one block for each remaining fold.
    const remainingFolds = folds - f - 1;
    const remainingBlocks = blocks.length - i;
    if (f < folds - 1 && out[f].length > 0 && (acc >= ((f + 1) * total) / folds || remainingBlocks <= remainingFolds)) f++;
    out[f].push(i);
    acc += b.end - b.start;
  });
  return out;
}

/** Grouped (whole blocks per fold), purged K-fold cross-validation over `rowCount` rows. */
export function groupedPurgedKFold(rowCount: number, blocks: readonly IndexRange[], options: KFoldOptions = {}): Fold[] {
  const folds = options.folds ?? 5;
  const purge = options.purgeSteps ?? 12;
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be an integer >= 2, got ${folds}`);
  if (blocks.length < folds) throw new RangeError(`${folds} folds need at least ${folds} blocks, got ${blocks.length}`);
  return assignBlocks(blocks, folds, options).map((testBlocks, index): Fold => {
    // 0 train, 1 test, 2 purged
    const mark = new Uint8Array(rowCount);
    for (const b of testBlocks) mark.fill(1, blocks[b].start, Math.min(blocks[b].end, rowCount));
    for (let i = 0; i < rowCount; i++) {
      const edgeStart = mark[i] === 1 && (i === 0 || mark[i - 1] !== 1);
      const edgeEnd = mark[i] === 1 && (i === rowCount - 1 || mark[i + 1] !== 1);
      if (edgeStart) for (let k = Math.max(0, i - purge); k < i; k++) if (mark[k] === 0) mark[k] = 2;
      if (edgeEnd) for (let k = i + 1; k <= Math.min(rowCount - 1, i + purge); k++) if (mark[k] === 0) mark[k] = 2;
    }
    const train: number[] = [];
    const test: number[] = [];
    mark.forEach((m, i) => (m === 0 ? train.push(i) : m === 1 ? test.push(i) : undefined));
    return { index, train, test, testBlocks };
  });
}

export interface ChronologicalOptions {
  validationFraction?: number;
  holdoutFraction?: number;
  /** Rows dropped at the end of train and of validation (default 12 = H): their targets look ahead. */
  gapSteps?: number;
  /** When given, the boundaries move to the nearest block start, so no block is cut. */
  blocks?: readonly IndexRange[];
}

export interface ChronologicalSplit {
  train: IndexRange;
  validation: IndexRange;
  holdout: IndexRange;
}

export function chronologicalSplit(rowCount: number, options: ChronologicalOptions = {}): ChronologicalSplit {
  const v = options.validationFraction ?? 0.15;
  const h = options.holdoutFraction ?? 0.15;
  const gap = options.gapSteps ?? 12;
  if (v < 0 || h < 0 || v + h >= 1) throw new RangeError(`validation (${v}) and hold-out (${h}) fractions must be >= 0 and sum below 1`);
  const snap = (row: number) => {
    if (!options.blocks?.length) return row;
    let best = row;
    let bestDistance = Infinity;
    for (const b of options.blocks) {
      const d = Math.abs(b.start - row);
      if (d < bestDistance && b.start > 0) [best, bestDistance] = [b.start, d];
    }
    return best;
  };
  const holdoutStart = h === 0 ? rowCount : snap(Math.round(rowCount * (1 - h)));
  const validationStart = v === 0 ? holdoutStart : Math.min(holdoutStart, snap(Math.round(rowCount * (1 - h - v))));
  const trainEnd = Math.max(0, validationStart - (v === 0 && h === 0 ? 0 : gap));
  const validationEnd = Math.max(validationStart, holdoutStart - (h === 0 ? 0 : gap));
  return {
    train: { start: 0, end: trainEnd },
    validation: { start: validationStart, end: validationEnd },
    holdout: { start: holdoutStart, end: rowCount },
  };
}

export function rangeIndices(range: IndexRange): number[] {
  return Array.from({ length: Math.max(0, range.end - range.start) }, (_, i) => range.start + i);
}
