/**
 * Thresholds stored with a model. The failure threshold comes from `chooseThreshold` on the
 * validation rows (recall at lead >= 2 under 5 false alarms per healthy hour). The long
 * threshold must flag every long run no later than 2 steps after onset while flagging few
 * short ones; it is set between the lowest peak among long runs and the highest short-run
 * peak below it, a third of the way up from the short peak: a long failure missed costs
 * minutes of outage, a short one flagged only a migration it did not need. Chosen by grouped
 * cross-validation over 3 seeds (README, Prediction): halfway missed the 500 s run once in
 * 24 long-run tests, a third never, with the same short runs flagged.
 */
import { findRuns } from '../evaluation/failure-runs.ts';

export interface LongThresholdChoice {
  threshold: number;
  longRuns: number;
  shortRuns: number;
  /** Short runs whose peak reaches the threshold (flagged as long). */
  shortFlagged: number;
}

/** Peak long probability of each run from its pre-onset window (H rows, after the previous run) to onset + within. */
export function runPeaks(failure: ArrayLike<number>, long: ArrayLike<number>, horizon: number, longSteps: number, within = 2) {
  const runs = findRuns(failure);
  return runs.map((r, j) => {
    const from = Math.max(r.start - horizon, j > 0 ? runs[j - 1].end + 1 : 0, 0);
    const to = Math.min(r.start + within, r.end);
    let peak = -Infinity;
    for (let i = from; i <= to; i++) peak = Math.max(peak, long[i]);
    return { peak, long: r.end - r.start + 1 >= longSteps };
  });
}

/** Where in the gap between the highest short peak and the lowest long peak the threshold goes (0: at the short peak). */
export const LONG_THRESHOLD_POSITION = 1 / 3;

export function chooseLongThreshold(
  peaks: readonly { peak: number; long: boolean }[],
  fallback = 0.5,
  position = LONG_THRESHOLD_POSITION,
): LongThresholdChoice {
  const longs = peaks.filter((p) => p.long).map((p) => p.peak);
  const shorts = peaks.filter((p) => !p.long).map((p) => p.peak);
  let threshold = fallback;
  if (longs.length) {
    const low = Math.min(...longs);
    const below = shorts.filter((s) => s < low);
    const under = below.length ? Math.max(...below) : Math.min(0, low);
    // Never above the lowest long peak; a floor keeps noise near 0 from flagging.
    threshold = Math.max(0.05, Math.min(low, under + position * (low - under)));
  } else if (shorts.length) {
    threshold = Math.max(fallback, Math.min(0.99, Math.max(...shorts) + 0.01));
  }
  return {
    threshold,
    longRuns: longs.length,
    shortRuns: shorts.length,
    shortFlagged: shorts.filter((s) => s >= threshold).length,
  };
}
