/**
 * The logistic baseline as the evaluation uses it: logistic regression on the per-row window
 * features (no sequence), learnt on the scorable rows of the fitting part ("a failure starts
 * within H steps").
 */
import type { Trace } from '../dataset/trace.ts';
import { buildFeatures, featureRow } from '../features/feature-windows.ts';
import { buildTargets, scorableRows } from '../features/targets.ts';
import { fitLogisticRegression, predictLogistic, type LogisticModel } from './logistic-regression.ts';

/** Fitted, or why not (e.g. the fitting rows hold no failure): then the baseline scores 0 everywhere. */
export function fitWindowLogistic(trace: Trace, rows: readonly number[], horizon: number): LogisticModel | string {
  try {
    const m = buildFeatures(trace);
    const t = buildTargets(trace, { horizonSteps: horizon });
    const use = scorableRows(t, rows);
    return fitLogisticRegression(
      use.map((i) => featureRow(m, i)),
      use.map((i) => t.willFail[i]),
    );
  } catch (err) {
    return (err as Error).message;
  }
}

export function windowLogisticScores(model: LogisticModel | string, trace: Trace): Float64Array {
  if (typeof model === 'string') return new Float64Array(trace.rows.length);
  const m = buildFeatures(trace);
  return predictLogistic(model, Array.from({ length: m.rows }, (_, i) => featureRow(m, i)));
}
