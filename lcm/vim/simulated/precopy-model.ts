/**
 * Pre-copy live migration, the algorithm QEMU/KVM (and so Nova's libvirt driver) and Xen use
 * (Clark et al., "Live Migration of Virtual Machines", NSDI 2005), as the iterative model of
 * Akoush et al., "Predicting the Performance of Virtual Machine Migration", MASCOTS 2010:
 *
 *   round 0 copies all memory M at bandwidth B, taking t0 = M / B;
 *   meanwhile the guest dirties D x t0 of it (at most M), which round 1 copies, and so on:
 *   V(i+1) = min(M, D x t(i)), t(i) = V(i) / B, so V(i) = M (D/B)^i while D < B.
 *   Pre-copy stops when the next volume can be sent within the allowed downtime
 *   (V <= B x maxDowntime: converged), or after `maxRounds` rounds (Xen's default is 29 plus
 *   the final one; Nova's `live_migration_timeout_action = force_complete` ends a migration
 *   that does not converge the same way). The guest is then paused while the last volume is
 *   copied (stop-and-copy): downtime = V(last) / B + resume time.
 *
 * A dirty rate at or above the bandwidth never converges: the stop-and-copy then moves almost
 * the whole memory, and the downtime is about M / B.
 */

export interface PrecopyInput {
  /** Guest memory, MiB. */
  readonly memoryMb: number;
  /** Memory the guest writes per second, MiB/s. */
  readonly dirtyRateMBps: number;
  /** Migration network bandwidth, MiB/s (1250 is about 10 Gbit/s). */
  readonly bandwidthMBps: number;
  /** Longest pause the hypervisor aims for (Nova `live_migration_downtime`, 500 ms by default). */
  readonly maxDowntimeMs?: number;
  /** Pre-copy rounds before a forced stop-and-copy. */
  readonly maxRounds?: number;
  /** Time to resume the guest on the destination after the last copy. */
  readonly resumeMs?: number;
}

export interface PrecopyEstimate {
  /** Pre-copy rounds, the first full copy included. */
  readonly rounds: number;
  /** Time the guest runs while memory is copied. */
  readonly precopyMs: number;
  /** Time the guest is paused: the last copy and the resume. */
  readonly downtimeMs: number;
  /** precopyMs + downtimeMs. */
  readonly totalMs: number;
  /** Memory sent over the network in all, MiB. */
  readonly transferredMb: number;
  /** False when the rounds ran out before the dirty volume fit into the downtime. */
  readonly converged: boolean;
}

export const PRECOPY_DEFAULTS = { maxDowntimeMs: 500, maxRounds: 30, resumeMs: 20 } as const;

export function estimatePrecopy(input: PrecopyInput): PrecopyEstimate {
  const { memoryMb: m, dirtyRateMBps: d, bandwidthMBps: b } = input;
  if (!(m >= 0) || !(d >= 0) || !(b > 0)) {
    throw new RangeError(`pre-copy needs memory >= 0, dirty rate >= 0 and bandwidth > 0 (got ${m}, ${d}, ${b})`);
  }
  const maxDowntimeMs = input.maxDowntimeMs ?? PRECOPY_DEFAULTS.maxDowntimeMs;
  const maxRounds = Math.max(1, input.maxRounds ?? PRECOPY_DEFAULTS.maxRounds);
  const resumeMs = input.resumeMs ?? PRECOPY_DEFAULTS.resumeMs;
  const perMs = b / 1000; // MiB per millisecond
  const fitsInDowntime = perMs * maxDowntimeMs;

  let volume = m;
  let precopyMs = 0;
  let transferredMb = 0;
  let rounds = 0;
  let converged = false;
  for (;;) {
    const t = volume / perMs;
    precopyMs += t;
    transferredMb += volume;
    rounds++;
    volume = Math.min(m, (d / 1000) * t); // dirtied while this round was sent
    if (volume <= fitsInDowntime) {
      converged = true;
      break;
    }
    if (rounds >= maxRounds) break;
  }
  const downtimeMs = volume / perMs + resumeMs;
  return {
    rounds,
    precopyMs,
    downtimeMs,
    totalMs: precopyMs + downtimeMs,
    transferredMb: transferredMb + volume,
    converged,
  };
}

/**
 * Memory sent after `elapsedMs` of pre-copy, MiB: the rounds are sent back to back at the
 * full bandwidth, so progress is linear in time (what Nova's memory_processed_bytes shows).
 */
export function precopyProgressMb(estimate: PrecopyEstimate, bandwidthMBps: number, elapsedMs: number): number {
  const sent = (bandwidthMBps / 1000) * Math.max(0, elapsedMs);
  return Math.min(sent, estimate.transferredMb);
}
