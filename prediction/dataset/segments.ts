/**
 * Segments of a trace: failure runs, stress phases (ending in the memory collapse) and
 * scenario blocks. Thresholds come from the dataset's description and were checked on its
 * shared 80%: calm rows sit at 0-2 % memory and under 25 % CPU, stressed rows at 10-97 %
 * memory (it saw-tooths while swap rises) with CPU at 46-99 %. In long phases memory dips
 * under 10 % for a row or two while the CPU stays busy, so a busy CPU alone also counts as
 * stressed; the phase ends when both drop (the collapse).
 */
import type { Trace } from './trace.ts';

/** Failures of at least this many steps are "long" (>= 100 steps). */
export const DEFAULT_LONG_STEPS = 100;

export interface StressThresholds {
  /** A row is stressed while memory usage is at least this, %. */
  memPercent: number;
  /** ...and CPU usage at least this, % (0: memory alone decides). */
  cpuPercent: number;
  /**
   * A row is also stressed while CPU usage alone is at least this, % (undefined: off). Without
   * it the 1000 s phases of the dataset break into pieces at their memory dips.
   */
  busyCpuPercent?: number;
}

export const DEFAULT_STRESS: StressThresholds = { memPercent: 10, cpuPercent: 0, busyCpuPercent: 40 };

export function isStressed(cpu: number, mem: number, t: StressThresholds = DEFAULT_STRESS): boolean {
  return (mem >= t.memPercent && cpu >= t.cpuPercent) || (t.busyCpuPercent !== undefined && cpu >= t.busyCpuPercent);
}

export interface FailureRun {
  index: number;
  /** First failure row. */
  start: number;
  /** One past the last failure row. */
  end: number;
  length: number;
  startTime: number;
  /** From onset to the first healthy row (to the last row when the trace ends in failure). */
  durationSeconds: number;
  long: boolean;
}

export function findFailureRuns(trace: Trace, longSteps = DEFAULT_LONG_STEPS): FailureRun[] {
  const rows = trace.rows;
  const runs: FailureRun[] = [];
  for (let i = 0; i < rows.length; ) {
    if (rows[i].failure !== 1) {
      i++;
      continue;
    }
    let j = i;
    while (j < rows.length && rows[j].failure === 1) j++;
    const endTime = rows[Math.min(j, rows.length - 1)].time;
    runs.push({
      index: runs.length,
      start: i,
      end: j,
      length: j - i,
      startTime: rows[i].time,
      durationSeconds: endTime - rows[i].time,
      long: j - i >= longSteps,
    });
    i = j;
  }
  return runs;
}

export type PhaseOutcome = 'failure' | 'paging' | 'none' | 'open';

export interface StressPhase {
  index: number;
  /** First stressed row. */
  start: number;
  /** One past the last stressed row: the collapse row when there is one. */
  end: number;
  length: number;
  /** The row where memory collapses (= end), undefined when the trace ends stressed. */
  collapse?: number;
  durationSeconds: number;
  peakCpu: number;
  peakMem: number;
  peakSwap: number;
  /** What followed, up to the next phase: a failure onset, paging indications only, nothing. */
  outcome: PhaseOutcome;
  /** The failure run that started after this phase, and its onset minus the collapse row. */
  failureRun?: number;
  failureDelayRows?: number;
}

/**
 * Maximal runs of stressed rows. `minRows` drops blips shorter than that (they stay part of
 * the calm period around them).
 */
export function findStressPhases(
  trace: Trace,
  thresholds: StressThresholds = DEFAULT_STRESS,
  runs: FailureRun[] = findFailureRuns(trace),
  minRows = 1,
): StressPhase[] {
  const rows = trace.rows;
  const n = rows.length;
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < n; ) {
    if (!isStressed(rows[i].cpu, rows[i].mem, thresholds)) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isStressed(rows[j].cpu, rows[j].mem, thresholds)) j++;
    if (j - i >= minRows) spans.push([i, j]);
    i = j;
  }
  return spans.map(([start, end], k): StressPhase => {
    const next = k + 1 < spans.length ? spans[k + 1][0] : n;
    const slice = rows.slice(start, end);
    const phase: StressPhase = {
      index: k,
      start,
      end,
      length: end - start,
      collapse: end < n ? end : undefined,
      durationSeconds: rows[Math.min(end, n - 1)].time - rows[start].time,
      peakCpu: Math.max(...slice.map((r) => r.cpu)),
      peakMem: Math.max(...slice.map((r) => r.mem)),
      peakSwap: Math.max(...slice.map((r) => r.swap)),
      outcome: 'open',
    };
    if (end >= n) return phase;
    const run = runs.find((r) => r.start > start && r.start < next);
    if (run) {
      phase.outcome = 'failure';
      phase.failureRun = run.index;
      phase.failureDelayRows = run.start - end;
    } else {
      phase.outcome = rows.slice(end, next).some((r) => r.paging > 0) ? 'paging' : 'none';
    }
    return phase;
  });
}

export interface ScenarioBlock {
  index: number;
  start: number;
  /** One past the last row. */
  end: number;
  startTime: number;
  endTime: number;
}

/**
 * Blocks of rows between time gaps longer than `gapSeconds`. In the shared data ordinary steps
 * are 5-29 s, and 74 of the 75 longer gaps (35-36 s, twice 56 s) come 0-3 rows after a failure
 * ends (the testbed restarting): a block is a stretch of injection cycles ending in about one
 * failure, the unit for grouped CV.
 */
export function findScenarioBlocks(trace: Trace, gapSeconds = 30): ScenarioBlock[] {
  const rows = trace.rows;
  const blocks: ScenarioBlock[] = [];
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i === rows.length || rows[i].time - rows[i - 1].time > gapSeconds) {
      if (i > start) {
        blocks.push({ index: blocks.length, start, end: i, startTime: rows[start].time, endTime: rows[i - 1].time });
      }
      start = i;
    }
  }
  return blocks;
}

/** Block index of every row. */
export function blockOfRow(blocks: readonly ScenarioBlock[], rowCount: number): Int32Array {
  const out = new Int32Array(rowCount).fill(-1);
  for (const b of blocks) out.fill(b.index, b.start, Math.min(b.end, rowCount));
  return out;
}
