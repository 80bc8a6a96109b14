/**
 * From a trace to what the LSTM is fitted on: feature windows, per-row targets and loss masks
 * for the two outputs, and the chronological train / validation / hold-out split.
 *
 * Output 0, "a failure starts within H steps", is learnt on scorable rows (outside failures,
 * future not cut off). Output 1, "that failure is long", is conditional on a failure coming:
 * it is learnt on rows with an onset within H and on the first `flagWithinSteps` + 1 rows of a
 * failure (evaluation asks for the long flag no later than 2 steps after onset), and masked
 * everywhere else.
 */
import { findScenarioBlocks } from '../dataset/segments.ts';
import type { Trace, TraceRow } from '../dataset/trace.ts';
import { buildFeatures, buildSequenceWindows, type FeatureMatrix, type FeatureOptions } from '../features/feature-windows.ts';
import { chronologicalSplit, type ChronologicalSplit } from '../features/splits.ts';
import { buildTargets, scorableRows, type Targets } from '../features/targets.ts';

export interface PrepareOptions {
  horizonSteps: number;
  longSteps: number;
  windowSteps: number;
  featureOptions: FeatureOptions;
  validationFraction: number;
  holdoutFraction: number;
  /** Steps after onset at which the long flag still counts (default 2). */
  flagWithinSteps?: number;
}

/** Samples of one part of the split: windows and the two targets with their masks. */
export interface SampleSet {
  rows: Int32Array;
  windows: Float32Array;
  count: number;
  yFail: Float32Array;
  mFail: Float32Array;
  yLong: Float32Array;
  mLong: Float32Array;
}

/** Features, targets and the chronological split of a trace (the scaler is fitted later, on the fitting rows). */
export interface PreparedData {
  trace: Trace;
  raw: FeatureMatrix;
  targets: Targets;
  split: ChronologicalSplit;
}

/**
 * Several files become one trace in the order given. A file that starts before the previous
 * one ends is shifted (whole) to start an hour after it: features use time differences only,
 * and the pause keeps features and alarm episodes from running across the seam.
 */
export function concatTraces(traces: readonly Trace[]): Trace {
  if (traces.length === 1) return traces[0];
  const rows: TraceRow[] = [];
  for (const t of traces) {
    if (t.rows.length === 0) continue;
    const last = rows.length ? rows[rows.length - 1].time : -Infinity;
    const shift = t.rows[0].time > last ? 0 : last + 3600 - t.rows[0].time;
    for (const r of t.rows) rows.push({ ...r, time: r.time + shift });
  }
  return { rows, source: traces.map((t) => t.source ?? '?').join('+') };
}

/** Samples of the given rows (ascending row indices). */
export function sampleSet(scaled: FeatureMatrix, targets: Targets, candidates: readonly number[], o: PrepareOptions): SampleSet {
  const flagWithin = o.flagWithinSteps ?? 2;
  const scorable = new Set(scorableRows(targets, candidates));
  const rows: number[] = [];
  for (const i of candidates) {
    const early = targets.inFailure[i] && targets.stepsIntoFailure[i] <= flagWithin;
    if (scorable.has(i) || early) rows.push(i);
  }
  const n = rows.length;
  const s: SampleSet = {
    rows: Int32Array.from(rows),
    windows: buildSequenceWindows(scaled, rows, o.windowSteps).data,
    count: n,
    yFail: new Float32Array(n),
    mFail: new Float32Array(n),
    yLong: new Float32Array(n),
    mLong: new Float32Array(n),
  };
  rows.forEach((i, k) => {
    if (scorable.has(i)) {
      s.mFail[k] = 1;
      s.yFail[k] = targets.willFail[i];
    }
    if (targets.willFail[i] && !targets.inFailure[i]) {
      s.mLong[k] = 1;
      s.yLong[k] = targets.willBeLong[i];
    } else if (targets.inFailure[i]) {
      s.mLong[k] = 1;
      s.yLong[k] = targets.inLongFailure[i];
    }
  });
  return s;
}

export function prepareData(trace: Trace, o: PrepareOptions): PreparedData {
  const raw = buildFeatures(trace, o.featureOptions);
  const targets = buildTargets(trace, { horizonSteps: o.horizonSteps, longSteps: o.longSteps });
  const split = chronologicalSplit(trace.rows.length, {
    validationFraction: o.validationFraction,
    holdoutFraction: o.holdoutFraction,
    gapSteps: o.horizonSteps,
    blocks: findScenarioBlocks(trace),
  });
  if (split.train.end - split.train.start < o.windowSteps * 4) {
    throw new RangeError(`too few training rows (${split.train.end - split.train.start}) in ${trace.rows.length}: give a longer trace`);
  }
  return { trace, raw, targets, split };
}

/** Balanced class weights (n / (2 n_class)) over the masked rows; 1 for a class that is absent. */
export function balancedWeights(y: Float32Array, mask: Float32Array): { neg: number; pos: number } {
  let pos = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    if (!mask[i]) continue;
    n++;
    pos += y[i];
  }
  const neg = n - pos;
  return { neg: neg > 0 ? n / (2 * neg) : 1, pos: pos > 0 ? n / (2 * pos) : 1 };
}
