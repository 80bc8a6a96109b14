/**
 * Failure runs and the row-level functions the evaluation shares: which rows are healthy,
 * which healthy rows have a failure onset ahead of them, and how much wall-clock time
 * each row stands for. Rows are monitoring steps (about 5 s in the vEPC dataset);
 * every step count here is a row count.
 */

/** A maximal run of consecutive rows with failure = 1; `end` is inclusive. */
export interface Run {
  start: number;
  end: number;
}

/** Maximal runs of rows where `flags[i]` is truthy (1 / true). */
export function findRuns(flags: ArrayLike<number | boolean>): Run[] {
  const runs: Run[] = [];
  let start = -1;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i]) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      runs.push({ start, end: i - 1 });
      start = -1;
    }
  }
  if (start >= 0) runs.push({ start, end: flags.length - 1 });
  return runs;
}

/** `true` for rows outside any failure: the rows on which a "will fail" score is judged. */
export function healthyMask(failure: ArrayLike<number>): boolean[] {
  return Array.from({ length: failure.length }, (_, i) => !failure[i]);
}

/**
 * Step target of the failure score: 1 when a failure starts within the next `horizon` rows,
 * i.e. some onset o with i < o <= i + horizon. Rows inside a failure get 0 here; mask them
 * out with `healthyMask` when computing step metrics.
 */
export function onsetWithinHorizon(failure: ArrayLike<number>, horizon: number): Uint8Array {
  assertSteps('horizon', horizon);
  const out = new Uint8Array(failure.length);
  let nextOnset = Infinity;
  for (let i = failure.length - 1; i >= 0; i--) {
    if (!failure[i] && nextOnset - i <= horizon) out[i] = 1;
    if (failure[i] && (i === 0 || !failure[i - 1])) nextOnset = i;
  }
  return out;
}

/**
 * Seconds each row stands for: the time to the next row, capped at `maxGapSeconds` so that
 * a pause in the trace (between scenarios, or monitoring down) does not count as hours of
 * healthy operation. The last row gets the median of the other rows' (capped) durations.
 * Negative or non-finite deltas count 0.
 */
export function rowDurations(time: ArrayLike<number>, maxGapSeconds = 60): Float64Array {
  const n = time.length;
  const dt = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) {
    const d = time[i + 1] - time[i];
    dt[i] = Number.isFinite(d) && d > 0 ? Math.min(d, maxGapSeconds) : 0;
  }
  if (n > 1) dt[n - 1] = median(Array.from(dt.subarray(0, n - 1))) ?? 0;
  return dt;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function assertSteps(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer number of steps, got ${value}`);
}
