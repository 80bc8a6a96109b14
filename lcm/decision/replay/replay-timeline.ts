/**
 * The time structure of a dataset-format trace as the replay uses it.
 *
 * - Row i stands for the interval (t[i-1], t[i]] (a row's time is the END of its monitoring
 *   interval); its weight in the averages is that length capped at `maxGapSeconds`, so a pause
 *   of the monitoring does not count as hours of service (prediction/evaluation/failure-runs.ts
 *   does the same). The first row gets the median length.
 * - A failure run (rows o..e-1 labelled 1) is a failure period of the serving host from
 *   t[o-1] to t[e-1]: the broken pipe was first logged somewhere in row o's interval, so the
 *   period starts at that interval's start (a migration must be done by then to escape it).
 * - Episodes: the dataset was made by injecting stress into the host that runs the vEPC, one
 *   scenario after the other. An episode starts where a stress phase starts, or right after a
 *   failure period ends; the stress of an episode is on the host the VNF runs on at its start.
 *   With no stress phase in a file (another kind of data) episodes are cut at failure ends only.
 */
import { findFailureRuns, findStressPhases } from '../../../prediction/dataset/segments.ts';
import type { Trace } from '../../../prediction/dataset/trace.ts';
import { median } from '../../../prediction/evaluation/failure-runs.ts';

export interface FailurePeriod {
  readonly index: number;
  /** First and one-past-last failure rows. */
  readonly startRow: number;
  readonly endRow: number;
  /** Epoch seconds: from the start of the first failure row's interval to the end of the last one. */
  readonly from: number;
  readonly to: number;
  /** Weight of the period in the averages (capped row lengths), s. */
  readonly weightSeconds: number;
  readonly long: boolean;
}

export interface ReplayTimeline {
  /** End of each row's interval, epoch seconds. */
  readonly time: Float64Array;
  /** Start of each row's interval. */
  readonly start: Float64Array;
  /** Capped length of each row's interval, s. */
  readonly weight: Float64Array;
  readonly totalSeconds: number;
  readonly failures: readonly FailurePeriod[];
  /** Rows that start an episode (row 0 included), ascending. */
  readonly episodeStarts: readonly number[];
  /** Median row spacing, s. */
  readonly stepSeconds: number;
}

export const DEFAULT_MAX_GAP_SECONDS = 60;

export function buildTimeline(trace: Trace, opts: { maxGapSeconds?: number; longSteps?: number } = {}): ReplayTimeline {
  const rows = trace.rows;
  const n = rows.length;
  if (n < 2) throw new RangeError(`a replay needs at least 2 rows, the trace has ${n}`);
  const maxGap = opts.maxGapSeconds ?? DEFAULT_MAX_GAP_SECONDS;
  const time = Float64Array.from(rows, (r) => r.time);
  const deltas: number[] = [];
  for (let i = 1; i < n; i++) deltas.push(Math.max(0, time[i] - time[i - 1]));
  const step = median(deltas.filter((d) => d > 0)) ?? 5;
  const start = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    start[i] = i === 0 ? time[0] - step : time[i - 1];
    weight[i] = Math.min(Math.max(0, time[i] - start[i]), maxGap);
  }
  const failures = findFailureRuns(trace, opts.longSteps).map((r): FailurePeriod => {
    let w = 0;
    for (let j = r.start; j < r.end; j++) w += weight[j];
    return { index: r.index, startRow: r.start, endRow: r.end, from: start[r.start], to: time[r.end - 1], weightSeconds: w, long: r.long };
  });
  const cuts = new Set<number>([0]);
  for (const p of findStressPhases(trace)) cuts.add(p.start);
  for (const f of failures) if (f.endRow < n) cuts.add(f.endRow);
  return {
    time,
    start,
    weight,
    totalSeconds: weight.reduce((a, b) => a + b, 0),
    failures,
    episodeStarts: [...cuts].sort((a, b) => a - b),
    stepSeconds: step,
  };
}

/**
 * Seconds of the timeline inside the given intervals (epoch seconds, [from, to)), each row
 * counted at its capped weight: an interval covering a share of a row's interval takes that
 * share of the row's weight.
 */
export function weightedSeconds(t: ReplayTimeline, intervals: readonly { from: number; to: number }[]): number {
  let total = 0;
  let row = 0;
  for (const iv of mergeIntervals(intervals)) {
    while (row < t.time.length && t.time[row] <= iv.from) row++;
    for (let i = row; i < t.time.length && t.start[i] < iv.to; i++) {
      const raw = t.time[i] - t.start[i];
      if (raw <= 0) continue;
      const overlap = Math.min(iv.to, t.time[i]) - Math.max(iv.from, t.start[i]);
      if (overlap > 0) total += (overlap / raw) * t.weight[i];
    }
  }
  return total;
}

/** Sorted, overlapping or touching intervals joined, empty ones dropped. */
export function mergeIntervals(intervals: readonly { from: number; to: number }[]): { from: number; to: number }[] {
  const sorted = intervals.filter((iv) => iv.to > iv.from).map((iv) => ({ ...iv })).sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv.from <= last.to) last.to = Math.max(last.to, iv.to);
    else out.push(iv);
  }
  return out;
}
