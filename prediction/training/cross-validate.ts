/**
 * Grouped, purged K-fold cross-validation for model choices: whole scenario blocks
 * per fold, consecutive blocks together so that each test fold is one stretch of time, H rows
 * purged from training on both sides of it. Inside each fold the model is fitted exactly as
 * `train` fits it: early stopping and the failure threshold on a validation stretch (the last
 * `validationFraction` of the fold's training rows, H rows purged before it), the long
 * threshold on the fitting and validation runs, the scaler on the fitting rows. The test fold
 * is only scored. Both baselines get the same treatment (logistic fitted on the fitting rows,
 * each baseline's own threshold chosen on the validation stretch).
 *
 * Per fold: step and event metrics on the test fold at each scorer's own thresholds. Pooled:
 * the out-of-fold scores of all folds joined (every row is tested once), each fold's scores
 * mapped monotonically so that its own threshold becomes 0.5, and judged at 0.5; this counts
 * every failure of the trace once, the 8 long ones of the shared data included.
 */
import { ruleScores } from '../baselines/rule-baseline.ts';
import { fitWindowLogistic, windowLogisticScores } from '../baselines/window-logistic.ts';
import { findScenarioBlocks } from '../dataset/segments.ts';
import { traceToSeries, type Trace } from '../dataset/trace.ts';
import type { EventInput } from '../evaluation/event-metrics.ts';
import type { ScorerSummary } from '../evaluation/report-table.ts';
import { chooseThreshold } from '../evaluation/threshold.ts';
import { buildFeatures } from '../features/feature-windows.ts';
import { groupedPurgedKFold, type Fold, type IndexRange } from '../features/splits.ts';
import { buildTargets } from '../features/targets.ts';
import { contiguousRanges, fitFailureModel, sliceInput, type FitRows } from './fit-model.ts';
import type { EpochReport } from './lstm-fit.ts';
import { fitSettings, summarise, type TrainOptions } from './train-model.ts';

export interface CvOptions extends TrainOptions {
  /** Folds (default 5). */
  folds?: number;
  onFold?: (fold: CvFoldReport) => void;
  onFoldEpoch?: (fold: number, r: EpochReport) => void;
}

export interface CvScorers<T> {
  model: T;
  rule: T;
  logistic: T;
}

export interface CvFoldReport {
  index: number;
  test: IndexRange;
  validation: IndexRange;
  fitRows: number;
  epochsRun: number;
  bestEpoch: number;
  /** Own thresholds, chosen inside the fold's training rows. */
  thresholds: CvScorers<number> & { long: number };
  /** Test-fold metrics of each scorer at its own threshold. */
  scorers: CvScorers<ScorerSummary>;
}

export interface Spread {
  mean: number | null;
  sd: number | null;
}

export interface CvReport {
  folds: number;
  seed: number;
  horizonSteps: number;
  windowSteps: number;
  units: number;
  perFold: CvFoldReport[];
  /** Mean and standard deviation over the folds of the headline metrics. */
  spread: CvScorers<Record<'prAuc' | 'rocAuc' | 'recallAtLead2' | 'falseAlarmsPerHour', Spread>>;
  /** Out-of-fold scores of all folds, each fold's own threshold mapped to 0.5, judged at 0.5. */
  pooled: CvScorers<ScorerSummary>;
  seconds: number;
}

/** Monotone map of [0, 1] that sends `threshold` to 0.5 (so folds with different thresholds can be pooled). */
export function centreOnThreshold(score: ArrayLike<number>, threshold: number): Float32Array {
  const out = new Float32Array(score.length);
  for (let i = 0; i < score.length; i++) {
    const s = score[i];
    out[i] = s < threshold ? (0.5 * s) / threshold : threshold >= 1 ? 1 : 0.5 + (0.5 * (s - threshold)) / (1 - threshold);
  }
  return out;
}

/**
 * The validation stretch of a fold: the last `fraction` of its training rows, taken from the
 * chronologically last training stretch and started at a scenario block; the fitting rows are
 * the training rows before it, with `purge` rows dropped in between.
 */
export function foldValidation(fold: Fold, blockStarts: readonly number[], fraction: number, purge: number): FitRows {
  const ranges = contiguousRanges(fold.train);
  const last = ranges[ranges.length - 1];
  const wanted = Math.round(fold.train.length * fraction);
  const target = Math.max(last.start, last.end - wanted);
  let start = last.start;
  for (const b of blockStarts) if (b >= last.start && b < last.end && Math.abs(b - target) < Math.abs(start - target)) start = b;
  const validation = { start, end: last.end };
  return { fit: fold.train.filter((r) => r < start - purge), validation };
}

const mean = (a: number[]) => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : null);
function spreadOf(values: (number | null)[]): Spread {
  const a = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const m = mean(a);
  return { mean: m, sd: m === null ? null : Math.sqrt(mean(a.map((v) => (v - m) ** 2))!) };
}

export async function crossValidate(trace: Trace, options: CvOptions = {}): Promise<CvReport> {
  const started = performance.now();
  const s = fitSettings(options);
  const H = s.horizonSteps;
  const folds = options.folds ?? 5;
  const blocks = findScenarioBlocks(trace);
  const raw = buildFeatures(trace, s.featureOptions);
  const targets = buildTargets(trace, { horizonSteps: H, longSteps: s.longSteps });
  const n = trace.rows.length;
  const time = trace.rows.map((r) => r.time);
  const failure = trace.rows.map((r) => r.failure);
  const rule = ruleScores(traceToSeries(trace));
  const pooled = { model: new Float32Array(n), long: new Float32Array(n), rule: new Float32Array(n), logistic: new Float32Array(n) };
  const perFold: CvFoldReport[] = [];
  const ownThreshold = (score: ArrayLike<number>, r: IndexRange) => chooseThreshold(sliceInput({ time, failure, score }, r), { horizon: H }).threshold;

  for (const fold of groupedPurgedKFold(n, blocks, { folds, purgeSteps: H })) {
    const rows = foldValidation(fold, blocks.map((b) => b.start), options.validationFraction ?? 0.15, H);
    if (rows.fit.length < s.windowSteps * 4) throw new RangeError(`fold ${fold.index}: too few fitting rows (${rows.fit.length}); use fewer folds or a longer trace`);
    const fitted = await fitFailureModel(trace, raw, targets, rows, s, (r) => options.onFoldEpoch?.(fold.index, r));
    fitted.layers.dispose();
    const logisticModel = fitWindowLogistic(trace, rows.fit, H);
    const logistic = windowLogisticScores(logisticModel, trace);
    const thresholds = {
      model: fitted.threshold.threshold,
      long: fitted.longThreshold.threshold,
      rule: ownThreshold(rule, rows.validation),
      logistic: ownThreshold(logistic, rows.validation),
    };
    const test = { start: fold.test[0], end: fold.test[fold.test.length - 1] + 1 };
    const judge = (score: ArrayLike<number>, threshold: number, long?: ArrayLike<number>) =>
      summarise(sliceInput({ time, failure, score, longProbability: long }, test), H, s.longSteps, threshold, thresholds.long);
    const report: CvFoldReport = {
      index: fold.index,
      test,
      validation: rows.validation,
      fitRows: rows.fit.length,
      epochsRun: fitted.fit.epochsRun,
      bestEpoch: fitted.fit.bestEpoch,
      thresholds,
      scorers: {
        model: judge(fitted.scores.failure, thresholds.model, fitted.scores.long),
        rule: judge(rule, thresholds.rule),
        logistic: judge(logistic, thresholds.logistic),
      },
    };
    for (const row of fold.test) {
      pooled.model[row] = centreOnThreshold([fitted.scores.failure[row]], thresholds.model)[0];
      pooled.long[row] = centreOnThreshold([fitted.scores.long[row]], thresholds.long)[0];
      pooled.rule[row] = centreOnThreshold([rule[row]], thresholds.rule)[0];
      pooled.logistic[row] = centreOnThreshold([logistic[row]], thresholds.logistic)[0];
    }
    perFold.push(report);
    options.onFold?.(report);
  }

  const all = (score: Float32Array, long?: Float32Array): EventInput => ({ time, failure, score, longProbability: long });
  const at = (input: EventInput) => summarise(input, H, s.longSteps, 0.5, 0.5);
  const spread = (name: keyof CvScorers<unknown>) => {
    const f = perFold.map((p) => p.scorers[name]);
    return {
      prAuc: spreadOf(f.map((x) => x.prAuc)),
      rocAuc: spreadOf(f.map((x) => x.rocAuc)),
      recallAtLead2: spreadOf(f.map((x) => x.recall.all.warned2 ?? null)),
      falseAlarmsPerHour: spreadOf(f.map((x) => x.falseAlarmsPerHour)),
    };
  };
  return {
    folds,
    seed: s.seed,
    horizonSteps: H,
    windowSteps: s.windowSteps,
    units: s.units,
    perFold,
    spread: { model: spread('model'), rule: spread('rule'), logistic: spread('logistic') },
    pooled: { model: at(all(pooled.model, pooled.long)), rule: at(all(pooled.rule)), logistic: at(all(pooled.logistic)) },
    seconds: (performance.now() - started) / 1000,
  };
}
