/**
 * Rule baseline for the failure score: no learning, only what an operator would write.
 *
 * In the vEPC trace a failure starts when memory collapses at the end of a stress phase
 * (CPU and memory high, swap rising), and paging-failure indications (T3413 expiry) cluster
 * around those moments. The rule therefore adds up:
 * - how long the host has been stressed: consecutive rows with CPU >= `cpuStress` or memory
 *   >= `memStress`, a dip of up to `stressGraceSteps` rows allowed;
 * - how many of the last `window` rows carried a paging-failure indication or an OOM kill;
 * - whether swap is in use (>= `swapLevel`): the host has been through memory pressure;
 * and squashes the sum z to [0, 1) with 1 - exp(-z). Missing values (NaN) count as calm.
 * The default weights were set by hand on the first 60% of the shared trace; a swap-rise
 * term and a high-memory term were tried there and did not help.
 */

export interface RuleInput {
  cpu: ArrayLike<number>;
  mem: ArrayLike<number>;
  swap: ArrayLike<number>;
  paging: ArrayLike<number>;
  oom?: ArrayLike<number>;
}

export interface RuleOptions {
  /** Rows looked back for indications (default 24 = 2 min at 5 s). */
  window?: number;
  cpuStress?: number;
  memStress?: number;
  stressGraceSteps?: number;
  /** Weight per stressed row, counted up to `stressCap` rows. */
  wStress?: number;
  stressCap?: number;
  /** Weight per row with an indication in the window. */
  wIndication?: number;
  swapLevel?: number;
  /** Added when swap is at or above `swapLevel` percent. */
  wSwapLevel?: number;
}

export const DEFAULT_RULE_OPTIONS: Required<RuleOptions> = {
  window: 24,
  cpuStress: 40,
  memStress: 40,
  stressGraceSteps: 1,
  wStress: 0.1,
  stressCap: 20,
  wIndication: 0.03,
  swapLevel: 10,
  wSwapLevel: 0.3,
};

const num = (v: number | undefined): number => (v !== undefined && Number.isFinite(v) ? v : 0);

/** Failure score in [0, 1) per row; row i only looks at rows <= i (usable online). */
export function ruleScores(input: RuleInput, options: RuleOptions = {}): Float64Array {
  const o = { ...DEFAULT_RULE_OPTIONS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) Object.assign(o, { [k]: v });
  const n = input.cpu.length;
  for (const [name, arr] of Object.entries(input) as [string, ArrayLike<number> | undefined][]) {
    if (arr && arr.length !== n) throw new RangeError(`${name} (${arr.length}) and cpu (${n}) differ in length`);
  }
  const out = new Float64Array(n);
  let stressed = 0;
  let calm = 0;
  let indications = 0; // rows with an indication among the last `window` rows
  const flag = (i: number): number => (num(input.paging[i]) > 0 || num(input.oom?.[i]) > 0 ? 1 : 0);
  for (let i = 0; i < n; i++) {
    indications += flag(i);
    if (i >= o.window) indications -= flag(i - o.window);
    if (num(input.cpu[i]) >= o.cpuStress || num(input.mem[i]) >= o.memStress) {
      stressed++;
      calm = 0;
    } else if (++calm > o.stressGraceSteps) {
      stressed = 0;
    }
    const z =
      o.wStress * Math.min(stressed, o.stressCap) +
      o.wIndication * indications +
      (num(input.swap[i]) >= o.swapLevel ? o.wSwapLevel : 0);
    out[i] = 1 - Math.exp(-z);
  }
  return out;
}
