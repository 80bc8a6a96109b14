/**
 * `evaluate` without the command line: a model and two baselines scored on one trace, with
 * step and event metrics at the model's own threshold and at the 0.5-0.9 sweep.
 *
 * The logistic baseline must be fitted on something, and the command accepts any file: unless
 * a separate baseline-training trace is given, it is fitted on the first 60 % of the file (cut
 * at a scenario-block boundary, H rows purged) and every scorer, the model included, is judged
 * on the remaining 40 % only. With a baseline-training trace, all scorers are judged on the
 * whole file. The rule baseline needs no fitting; its own threshold, like the logistic one's,
 * is chosen on the baseline-training part with the same rule as the model's.
 */
import type { LogisticModel } from '../baselines/logistic-regression.ts';
import { ruleScores } from '../baselines/rule-baseline.ts';
import { fitWindowLogistic as tryFitLogistic, windowLogisticScores as logisticScores } from '../baselines/window-logistic.ts';
import { findScenarioBlocks } from '../dataset/segments.ts';
import { traceToSeries, type Trace } from '../dataset/trace.ts';
import { eventMetrics, type EventInput, type EventMetrics } from '../evaluation/event-metrics.ts';
import { scorerSummary, type ReportRow, type ScorerSummary } from '../evaluation/report-table.ts';
import { stepMetrics } from '../evaluation/step-metrics.ts';
import { chooseThreshold, SWEEP_THRESHOLDS } from '../evaluation/threshold.ts';
import { chronologicalSplit, rangeIndices, type IndexRange } from '../features/splits.ts';
import { buildTargets } from '../features/targets.ts';
import { scoreTrace, type FailureModel } from './failure-model.ts';

export interface EvaluateOptions {
  /** Fit the logistic baseline on this trace (whole) and judge on the whole evaluated trace. */
  baselineTrain?: Trace;
  /** Share of the file used to fit the logistic baseline when no baselineTrain is given (default 0.6). */
  baselineFraction?: number;
}

export interface ScorerResult {
  name: string;
  score: Float64Array | Float32Array;
  long?: Float32Array;
  ownThreshold: number;
  rocAuc: number | null;
  prAuc: number | null;
}

export interface EvaluationReport {
  /** Rows judged, [start, end) of the evaluated trace. */
  judged: IndexRange;
  baselineFit: string;
  model: ScorerResult;
  rule: ScorerResult;
  logistic: ScorerResult;
  rows: ReportRow[];
  json: Record<string, unknown>;
  input: EventInput;
}

function slice(a: ArrayLike<number>, r: IndexRange): number[] {
  return Array.prototype.slice.call(a, r.start, r.end) as number[];
}

function ownThreshold(trace: Trace, score: ArrayLike<number>, r: IndexRange, horizon: number): number {
  const input = { time: slice(trace.rows.map((x) => x.time), r), failure: slice(trace.rows.map((x) => x.failure), r), score: slice(score, r) };
  return chooseThreshold(input, { horizon }).threshold;
}

export async function evaluateModel(model: FailureModel, trace: Trace, options: EvaluateOptions = {}): Promise<EvaluationReport> {
  const n = trace.rows.length;
  const H = model.meta.horizonSteps;
  const longSteps = model.meta.longSteps ?? 100;
  let judged: IndexRange = { start: 0, end: n };
  let fitPart: IndexRange;
  let logistic: LogisticModel | string;
  let baselineFit: string;
  const ruleOf = (t: Trace) => ruleScores(traceToSeries(t));
  let ruleOwn: number;
  let logOwn: number;
  if (options.baselineTrain) {
    const bt = options.baselineTrain;
    fitPart = { start: 0, end: bt.rows.length };
    logistic = tryFitLogistic(bt, rangeIndices(fitPart), H);
    ruleOwn = ownThreshold(bt, ruleOf(bt), fitPart, H);
    logOwn = ownThreshold(bt, logisticScores(logistic, bt), fitPart, H);
    baselineFit = `logistic baseline fitted on ${bt.source ?? 'the baseline-training file'} (${bt.rows.length} rows); all scorers judged on the whole file`;
  } else {
    const f = options.baselineFraction ?? 0.6;
    const split = chronologicalSplit(n, { validationFraction: 0, holdoutFraction: 1 - f, gapSteps: H, blocks: findScenarioBlocks(trace) });
    fitPart = split.train;
    judged = split.holdout;
    logistic = tryFitLogistic(trace, rangeIndices(fitPart), H);
    ruleOwn = ownThreshold(trace, ruleOf(trace), fitPart, H);
    logOwn = ownThreshold(trace, logisticScores(logistic, trace), fitPart, H);
    baselineFit = `logistic baseline fitted on rows ${fitPart.start + 1}-${fitPart.end} (first ${Math.round(f * 100)} %); all scorers judged on rows ${judged.start + 1}-${judged.end}`;
  }
  if (typeof logistic === 'string') baselineFit += `; the logistic baseline could not be fitted (${logistic}) and scores 0`;
  const scored = await scoreTrace(model, trace);
  const rule = ruleOf(trace);
  const logit = logisticScores(logistic, trace);
  const time = slice(trace.rows.map((r) => r.time), judged);
  const failure = slice(trace.rows.map((r) => r.failure), judged);
  const targets = buildTargets(failure, { horizonSteps: H, longSteps });
  const mask = Array.from(targets.inFailure, (v) => !v);
  const step = (s: ArrayLike<number>) => stepMetrics(slice(s, judged), targets.willFail, mask);
  const scorer = (name: string, score: Float64Array | Float32Array, own: number, long?: Float32Array): ScorerResult => {
    const sm = step(score);
    return { name, score, long, ownThreshold: own, rocAuc: sm.rocAuc, prAuc: sm.prAuc };
  };
  const m = scorer(model.meta.id, scored.failure, model.meta.threshold, scored.long);
  const r = scorer('rule', rule, ruleOwn);
  const l = scorer('logistic', logit, logOwn);
  const eventOptions = { horizon: H, longRunSteps: longSteps, longThreshold: model.meta.longThreshold };
  const inputOf = (s: ScorerResult): EventInput => ({ time, failure, score: slice(s.score, judged), longProbability: s.long ? slice(s.long, judged) : undefined });
  const at = (s: ScorerResult, t: number): EventMetrics => eventMetrics(inputOf(s), t, eventOptions);
  const rows: ReportRow[] = [];
  return buildReport();

  function buildReport(): EvaluationReport {
    for (const s of [m, r, l]) {
      const ts = [...new Set([...SWEEP_THRESHOLDS, s.ownThreshold])].sort((a, b) => a - b);
      for (const t of ts) rows.push({ name: s.name, rocAuc: s.rocAuc, prAuc: s.prAuc, metrics: at(s, t), own: t === s.ownThreshold });
    }
    const summary = (s: ScorerResult, t: number): ScorerSummary => scorerSummary({ rocAuc: s.rocAuc, prAuc: s.prAuc, metrics: at(s, t) });
    const own = summary(m, m.ownThreshold);
    const json: Record<string, unknown> = {
      model: model.meta.id,
      horizonSteps: H,
      longThreshold: model.meta.longThreshold,
      judgedRows: { start: judged.start, end: judged.end },
      baselineFit,
      ...own,
      baselines: { rule: summary(r, m.ownThreshold), logistic: summary(l, m.ownThreshold) },
      baselinesAtOwnThreshold: { rule: summary(r, r.ownThreshold), logistic: summary(l, l.ownThreshold) },
      sweep: SWEEP_THRESHOLDS.map((t) => summary(m, t)),
    };
    return { judged, baselineFit, model: m, rule: r, logistic: l, rows, json, input: inputOf(m) };
  }
}
