/**
 * `train`: trace(s) in, a saved failure model out. Chronological split into
 * train / validation / hold-out (block boundaries, H rows purged at each cut), scaler fitted on
 * the training rows, LSTM fitted with early stopping on the validation loss, thresholds chosen
 * on validation data, and the hold-out's metrics stored in meta.json as measured.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_LONG_STEPS } from '../dataset/segments.ts';
import type { Trace } from '../dataset/trace.ts';
import { eventMetrics, type EventInput } from '../evaluation/event-metrics.ts';
import { scorerSummary } from '../evaluation/report-table.ts';
import { stepMetrics } from '../evaluation/step-metrics.ts';
import { featureNames, type FeatureOptions } from '../features/feature-windows.ts';
import { scalerToJSON } from '../features/scaler.ts';
import { rangeIndices, type IndexRange } from '../features/splits.ts';
import { saveFailureModel, wrapModel, type FailureModel, type ModelMeta } from '../model/failure-model.ts';
import { initTf } from '../model/tf-backend.ts';
import { fitFailureModel, sliceInput, type FitSettings } from './fit-model.ts';
import type { EpochReport, FitResult } from './lstm-fit.ts';
import { concatTraces, prepareData } from './training-data.ts';

export interface TrainOptions {
  horizonSteps?: number;
  windowSteps?: number;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** A tiny model for tests: few units, few epochs. */
  quick?: boolean;
  units?: number;
  learningRate?: number;
  patience?: number;
  validationFraction?: number;
  holdoutFraction?: number;
  featureOptions?: FeatureOptions;
  /** sha256 of the training file(s); computed from the rows when omitted. */
  dataHash?: string;
  onEpoch?: (r: EpochReport) => void;
}

export interface TrainResult {
  model: FailureModel;
  meta: ModelMeta;
  fit: FitResult;
  /** Failure score and long probability of every row of the (concatenated) trace. */
  scores: { failure: Float32Array; long: Float32Array };
  split: { train: IndexRange; validation: IndexRange; holdout: IndexRange };
  trainSeconds: number;
  save(dir: string): Promise<void>;
}

function hashRows(trace: Trace): string {
  const h = createHash('sha256');
  for (const r of trace.rows) h.update(`${r.time}\t${r.cpu}\t${r.mem}\t${r.swap}\t${r.paging}\t${r.oom}\t${r.failure}\n`);
  return h.digest('hex');
}

/** Step and event metrics of one stretch at the given thresholds, in the shape `evaluate --json` prints. */
export function summarise(input: EventInput, horizon: number, longSteps: number, threshold: number, longThreshold: number) {
  const healthy = Array.from(input.failure, (f) => f === 0);
  const labels = new Uint8Array(input.failure.length);
  for (let i = 0; i < labels.length; i++) {
    for (let k = 1; k <= horizon && i + k < labels.length; k++) if (input.failure[i + k] && !input.failure[i + k - 1]) labels[i] = 1;
  }
  const sm = stepMetrics(input.score, labels, healthy);
  const em = eventMetrics(input, threshold, { horizon, longRunSteps: longSteps, longThreshold });
  return scorerSummary({ rocAuc: sm.rocAuc, prAuc: sm.prAuc, metrics: em });
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** Settings with their defaults filled in (`quick` picks a tiny model). */
export function fitSettings(options: TrainOptions): FitSettings {
  const quick = options.quick ?? false;
  return {
    horizonSteps: options.horizonSteps ?? 12,
    longSteps: DEFAULT_LONG_STEPS,
    windowSteps: options.windowSteps ?? (quick ? 6 : 12),
    units: options.units ?? (quick ? 4 : 16),
    epochs: options.epochs ?? (quick ? 2 : 30),
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 1e-3,
    patience: options.patience ?? 4,
    seed: options.seed ?? 1,
    featureOptions: options.featureOptions ?? {},
  };
}

export async function train(traces: Trace | readonly Trace[], options: TrainOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  const trace = concatTraces(Array.isArray(traces) ? traces : [traces as Trace]);
  const s = fitSettings(options);
  const { horizonSteps, longSteps, windowSteps, seed, featureOptions } = s;
  const data = prepareData(trace, {
    ...s,
    validationFraction: options.validationFraction ?? 0.15,
    holdoutFraction: options.holdoutFraction ?? 0.15,
  });
  const { train: tr, validation: va, holdout: ho } = data.split;
  const fitted = await fitFailureModel(trace, data.raw, data.targets, { fit: rangeIndices(tr), validation: va }, s, options.onEpoch);
  const { layers, fit, scores, backend } = fitted;
  const n = trace.rows.length;
  const features = featureNames(featureOptions);
  const all: EventInput = { time: trace.rows.map((r) => r.time), failure: trace.rows.map((r) => r.failure), score: scores.failure, longProbability: scores.long };
  const threshold = fitted.threshold.threshold;
  const longThreshold = fitted.longThreshold.threshold;
  const part = (r: IndexRange) => (r.end > r.start ? summarise(sliceInput(all, r), horizonSteps, longSteps, threshold, longThreshold) : null);
  const meta: ModelMeta = {
    id: `lstm-h${horizonSteps}-${stamp(new Date())}-${randomBytes(3).toString('hex')}`,
    kind: 'lstm',
    createdAt: new Date().toISOString(),
    horizonSteps,
    longSteps,
    windowSteps,
    features,
    featureOptions,
    scaler: JSON.parse(scalerToJSON(fitted.scaler)),
    threshold,
    longThreshold,
    dataHash: options.dataHash ?? hashRows(trace),
    seed,
    metrics: {
      rows: { train: tr, validation: va, holdout: ho, total: n },
      thresholdChoice: {
        feasible: fitted.threshold.feasible,
        recallAtLead2: fitted.threshold.recall,
        falseAlarmsPerHour: fitted.threshold.falseAlarmsPerHour,
      },
      longThresholdChoice: fitted.longThreshold,
      validation: part(va),
      holdout: part(ho),
      fit: { epochsRun: fit.epochsRun, bestEpoch: fit.bestEpoch, bestValLoss: fit.bestValLoss, secondsPerEpoch: fit.secondsPerEpoch },
      shape: { units: s.units, windowSteps, batchSize: s.batchSize },
    },
    backend,
  };
  const { tf } = await initTf();
  const model = wrapModel(tf, layers, meta);
  return {
    model,
    meta,
    fit,
    scores,
    split: data.split,
    trainSeconds: (performance.now() - started) / 1000,
    save: (dir: string) => saveFailureModel(dir, layers, meta),
  };
}
