/**
 * The throughput model of the paper's experiment, over one replay run: the downlink runs at the
 * full rate while the VNF is served and at zero while it is not (its host in a failure period,
 * a heal re-creating it, a migration's stop-and-copy pause). The average is over the trace's
 * rows at their capped weights (replay-timeline.ts).
 */
import type { RunOutcome } from './replay-run.ts';
import { weightedSeconds, type ReplayTimeline } from './replay-timeline.ts';

export interface RunMetrics {
  readonly avgMbps: number;
  /** Live migrations started. */
  readonly migrations: number;
  /** Migrations that completed without taking the VNF off a host that then failed. */
  readonly unnecessaryMigrations: number;
  /** Failure periods that found the VNF on the failing host. */
  readonly failuresHit: number;
  /** Migrations the failure interrupted (started too late). */
  readonly migrationsTooLate: number;
  readonly heals: number;
  /** Requests the VIM refused (e.g. a migration from a host already down). */
  readonly refused: number;
  /** Weighted seconds without service. */
  readonly lostSeconds: number;
}

export function runMetrics(run: RunOutcome, tl: ReplayTimeline, rateMbps: number): RunMetrics {
  const lostSeconds = weightedSeconds(tl, run.unserved);
  const completed = run.migrations.filter((m) => m.completedAt !== undefined);
  const used = new Set<number>();
  let necessary = 0;
  for (const f of tl.failures) {
    if (run.hit.has(f.index)) continue;
    const host = run.failingHost.get(f.index);
    let best = -1;
    completed.forEach((m, k) => {
      if (!used.has(k) && m.source === host && m.completedAt! <= f.from && (best < 0 || m.completedAt! > completed[best].completedAt!)) best = k;
    });
    if (best >= 0) {
      used.add(best);
      necessary++;
    }
  }
  return {
    avgMbps: (rateMbps * Math.max(0, tl.totalSeconds - lostSeconds)) / tl.totalSeconds,
    migrations: run.migrations.length,
    unnecessaryMigrations: completed.length - necessary,
    failuresHit: run.hit.size,
    migrationsTooLate: run.migrations.filter((m) => m.failedAt !== undefined).length,
    heals: run.heals,
    refused: run.refused,
    lostSeconds,
  };
}
