/**
 * Seeded synthetic traces shaped like the vEPC paging-failure dataset, so that tests and
 * demos run without ../shared. Each injection cycle: a stress phase lasting the scenario's
 * stress period (CPU 50-99 %, memory saw-toothing 12-97 %, swap rising), the memory collapse,
 * then a failure (short: ~scenario/5 rows from the collapse; long: 100-200 rows, usually after
 * ~50-70 rows of paging indications), a paging-only episode that recovers, or nothing.
 * After a failure's recovery row the monitoring pauses ~36 s, as in the dataset.
 * Rows are ~5 s apart when calm and 5-13 s apart under stress.
 */
import type { Trace, TraceRow } from '../dataset/trace.ts';
import { SeededRng } from '../../platform/seeded-rng.ts';

export interface SyntheticTraceOptions {
  seed?: number;
  /** Injection cycles to generate (default 40 unless minRows is given). */
  cycles?: number;
  /** Keep adding cycles until the trace has at least this many rows. */
  minRows?: number;
  /** Stress periods, s (default 30, 100, 500, 1000: the dataset's). */
  scenarios?: readonly number[];
  /**
   * Relative frequency of each scenario (default 0.42, 0.42, 0.04, 0.12). Long scenarios are
   * more frequent than in the dataset (11 of 323 phases) so that small traces hold long failures.
   */
  scenarioWeights?: readonly number[];
  /** Scenarios at least this long end in long failures (default 500 s). */
  longScenarioSeconds?: number;
  /** Chance that a short scenario's collapse is followed by a failure (default 0.15: with the long
   * scenarios about one cycle in four fails overall, as in the dataset). */
  failureProbability?: number;
  /** The same for long scenarios (default 0.7; 8 of 11 in the dataset). */
  longFailureProbability?: number;
  /** Chance of a paging-only episode when a short scenario does not fail (default 0.8). */
  pagingOnlyProbability?: number;
  /** Standard deviation of the noise added to cpu, mem and swap, % (default 2). */
  noise?: number;
  /** Epoch seconds UTC of the first row (default 2021-06-05 00:00:10 UTC+9). */
  startTime?: number;
  /** Emit OOM kills at some collapses (the dataset has no such column; default false). */
  oomKills?: boolean;
}

export type CycleOutcome = 'failure' | 'paging' | 'none';

/** Ground truth of one generated cycle (row indices into the trace). */
export interface SyntheticCycle {
  scenarioSeconds: number;
  stressStart: number;
  collapse: number;
  outcome: CycleOutcome;
  failureStart?: number;
  failureLength?: number;
}

export interface SyntheticTrace {
  trace: Trace;
  cycles: SyntheticCycle[];
}

const clamp = (v: number, lo = 0, hi = 100) => Math.min(hi, Math.max(lo, v));

export function generateSyntheticTrace(options: SyntheticTraceOptions = {}): SyntheticTrace {
  const rng = new SeededRng(options.seed ?? 1);
  const scenarios = options.scenarios ?? [30, 100, 500, 1000];
  const weights = options.scenarioWeights ?? [0.42, 0.42, 0.04, 0.12];
  if (weights.length !== scenarios.length) throw new RangeError('scenarioWeights must match scenarios');
  const longSeconds = options.longScenarioSeconds ?? 500;
  const noise = options.noise ?? 2;
  const cycleTarget = options.cycles ?? (options.minRows === undefined ? 40 : 0);
  const minRows = options.minRows ?? 0;

  const rows: TraceRow[] = [];
  const cycles: SyntheticCycle[] = [];
  let time = options.startTime ?? Date.UTC(2021, 5, 4, 15, 0, 10) / 1000;
  let residualSwap = 0;
  let pendingGap: number | undefined;
  let scenario = scenarios[0];

  const calmStep = () => (rng.chance(0.9) ? rng.uniform(5, 5.1) : rng.uniform(5.5, 8));
  const push = (dt: number, v: { cpu: number; mem: number; swap: number; paging?: number; failure?: 0 | 1; oom?: number }, stressed: boolean) => {
    time += pendingGap ?? dt;
    pendingGap = undefined;
    const n = () => rng.normal() * noise;
    const mem = stressed ? clamp(v.mem + n(), 12, 100) : clamp(Math.abs(n()) * 0.5, 0, 5);
    rows.push({
      time: Math.round(time * 1e6) / 1e6,
      cpu: Math.round(clamp(v.cpu + n())),
      mem: Math.round(mem),
      swap: Math.round(clamp(v.swap + (stressed ? n() : 0))),
      paging: v.paging ?? 0,
      oom: v.oom ?? 0,
      failure: v.failure ?? 0,
      scenarioSeconds: scenario,
    });
  };
  const calm = (count: number, paging = () => 0) => {
    for (let i = 0; i < count; i++) push(calmStep(), { cpu: rng.uniform(0, 4), mem: 0, swap: residualSwap, paging: paging() }, false);
  };
  const indications = () => (rng.chance(0.05) ? 1 : rng.int(2, 3));

  scenario = scenarios[rng.weighted(weights)];
  let next = scenario;
  calm(rng.int(2, 4));
  while (cycles.length < cycleTarget || rows.length < minRows) {
    scenario = next;
    const long = scenario >= longSeconds;
    // Stress phase: rows until the stress period has elapsed.
    const stressStart = rows.length;
    let memLevel = rng.uniform(14, 30);
    const swapTarget = rng.uniform(40, 90);
    for (let k = 0; k === 0 || time - rows[stressStart].time < scenario - 8; k++) {
      const dt = k === 0 ? calmStep() : k < 2 ? rng.uniform(5, 6) : rng.uniform(5, 13);
      const swap = k < 2 ? residualSwap : residualSwap + (swapTarget - residualSwap) * rng.uniform(0.4, 1);
      push(dt, { cpu: k === 0 ? rng.uniform(42, 50) : rng.uniform(50, 99), mem: memLevel, swap }, true);
      memLevel = memLevel >= 88 ? rng.uniform(20, 35) : Math.min(97, memLevel + rng.uniform(25, 40));
    }
    residualSwap = rng.uniform(14, 15.5);
    // Collapse: memory drops to ~0 and the outcome is decided.
    const fails = rng.chance(long ? (options.longFailureProbability ?? 0.7) : (options.failureProbability ?? 0.15));
    const cycle: SyntheticCycle = { scenarioSeconds: scenario, stressStart, collapse: rows.length, outcome: 'none' };
    const delay = !fails ? 0 : long ? (rng.chance(0.25) ? 0 : rng.int(49, 69)) : rng.chance(0.3) ? 1 : 0;
    const oom = options.oomKills && rng.chance(0.5) ? 1 : 0;
    push(rng.uniform(5, 8), { cpu: rng.uniform(5, 26), mem: 0, swap: residualSwap, failure: fails && delay === 0 ? 1 : 0, oom }, false);
    if (fails) {
      const length = long ? rng.int(100, 200) : Math.max(3, Math.round(scenario / 5) + rng.int(0, 1));
      calm(delay - 1, indications);
      cycle.outcome = 'failure';
      cycle.failureStart = rows.length - (delay === 0 ? 1 : 0);
      cycle.failureLength = length;
      for (let i = delay === 0 ? 1 : 0; i < length; i++) {
        push(calmStep(), { cpu: rng.uniform(0, 6), mem: 0, swap: residualSwap, paging: i === 0 && rng.chance(0.5) ? 0 : indications(), failure: 1 }, false);
      }
      calm(1, () => rng.int(0, 1));
      pendingGap = rng.uniform(35, 36.5);
    } else if (!long && rng.chance(options.pagingOnlyProbability ?? 0.8)) {
      cycle.outcome = 'paging';
      calm(Math.max(2, Math.round(scenario / 5) - 1), indications);
      calm(rng.int(1, 3));
    } else {
      calm(rng.int(3, 8));
    }
    cycles.push(cycle);
    next = scenarios[rng.weighted(weights)];
  }
  return { trace: { rows, source: `synthetic(seed=${options.seed ?? 1})` }, cycles };
}

export function generateTrace(options: SyntheticTraceOptions = {}): Trace {
  return generateSyntheticTrace(options).trace;
}
