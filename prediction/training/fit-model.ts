/**
 * One fit of the failure model on given rows, shared by `train` (chronological split) and
 * cross-validation (one fit per fold): scaler fitted on the fitting rows, LSTM fitted with
 * early stopping on a validation stretch, every row of the trace scored once, and both
 * thresholds chosen without looking outside the fitting and validation rows.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import type { Trace } from '../dataset/trace.ts';
import type { EventInput } from '../evaluation/event-metrics.ts';
import { chooseThreshold, type ThresholdChoice } from '../evaluation/threshold.ts';
import { buildSequenceWindows, type FeatureMatrix, type FeatureOptions } from '../features/feature-windows.ts';
import { applyScaler, fitScaler, type Scaler } from '../features/scaler.ts';
import type { IndexRange } from '../features/splits.ts';
import type { Targets } from '../features/targets.ts';
import { createLstm, wrapModel, type ModelMeta } from '../model/failure-model.ts';
import { initTf, type TfBackendName } from '../model/tf-backend.ts';
import { fitLstm, type EpochReport, type FitResult } from './lstm-fit.ts';
import { chooseLongThreshold, runPeaks, type LongThresholdChoice } from './thresholds.ts';
import { sampleSet } from './training-data.ts';

export interface FitSettings {
  horizonSteps: number;
  longSteps: number;
  windowSteps: number;
  units: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  seed: number;
  featureOptions: FeatureOptions;
}

export interface FitRows {
  /** Rows the LSTM and the scaler are fitted on (ascending). */
  fit: readonly number[];
  /** Contiguous stretch for early stopping and the failure threshold. */
  validation: IndexRange;
}

export interface FittedModel {
  layers: LayersModel;
  scaler: Scaler;
  fit: FitResult;
  backend: TfBackendName;
  /** Failure score and long probability of every row (row i's window ends at row i). */
  scores: { failure: Float32Array; long: Float32Array };
  threshold: ThresholdChoice;
  longThreshold: LongThresholdChoice;
}

/** Half-open ranges of consecutive row indices. */
export function contiguousRanges(rows: readonly number[]): IndexRange[] {
  const out: IndexRange[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.end === r) last.end++;
    else out.push({ start: r, end: r + 1 });
  }
  return out;
}

export function sliceInput(input: EventInput, r: IndexRange): EventInput {
  const s = (a: ArrayLike<number>) => Array.prototype.slice.call(a, r.start, r.end) as number[];
  return { time: s(input.time), failure: s(input.failure), score: s(input.score), longProbability: input.longProbability && s(input.longProbability) };
}

export async function fitFailureModel(
  trace: Trace,
  raw: FeatureMatrix,
  targets: Targets,
  rows: FitRows,
  s: FitSettings,
  onEpoch?: (r: EpochReport) => void,
): Promise<FittedModel> {
  const { tf, backend } = await initTf();
  const scaler = fitScaler(raw, rows.fit);
  const scaled = applyScaler(scaler, raw);
  const po = { ...s, validationFraction: 0, holdoutFraction: 0 };
  const validationRows = Array.from({ length: rows.validation.end - rows.validation.start }, (_, i) => rows.validation.start + i);
  const trainSet = sampleSet(scaled, targets, rows.fit, po);
  const validationSet = sampleSet(scaled, targets, validationRows, po);
  const shape = { windowSteps: s.windowSteps, features: raw.cols, units: s.units, seed: s.seed };
  const layers = createLstm(tf, shape);
  const fit = await fitLstm(
    tf,
    layers,
    trainSet,
    validationSet,
    shape,
    { epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, patience: s.patience, seed: s.seed, longLossWeight: 1 },
    onEpoch,
  );

  const n = trace.rows.length;
  const windows = buildSequenceWindows(scaled, Int32Array.from({ length: n }, (_, i) => i), s.windowSteps);
  const meta = { windowSteps: s.windowSteps, features: raw.names } as unknown as ModelMeta;
  const scores = await wrapModel(tf, layers, meta).predict(windows.data, n);

  const all: EventInput = {
    time: trace.rows.map((r) => r.time),
    failure: trace.rows.map((r) => r.failure),
    score: scores.failure,
    longProbability: scores.long,
  };
  const hasValidation = rows.validation.end > rows.validation.start;
  const fitRanges = contiguousRanges(rows.fit);
  const thresholdPart = hasValidation ? rows.validation : fitRanges[fitRanges.length - 1];
  const threshold = chooseThreshold(sliceInput(all, thresholdPart), { horizon: s.horizonSteps, longRunSteps: s.longSteps });
  // Long failures are rare (8 in the shared 80 %): the long threshold looks at the runs of the
  // fitting rows and of the validation stretch, each stretch on its own.
  const peaks = [...fitRanges, ...(hasValidation ? [rows.validation] : [])].flatMap((r) => {
    const part = sliceInput(all, r);
    return runPeaks(part.failure, part.longProbability!, s.horizonSteps, s.longSteps);
  });
  const longThreshold = chooseLongThreshold(peaks);
  return { layers, scaler, fit, backend, scores, threshold, longThreshold };
}
