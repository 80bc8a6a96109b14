/**
 * One pass over a trace in a fresh ReplayWorld, driven by one of three deciders:
 * - a VNFD policy, through the decision engine's pure core (decide.ts) and the destination
 *   strategies, exactly as the service decides on live scores;
 * - the oracle: perfect foresight, one live migration per failure period, started so that it
 *   completes just before the period starts (or as early as the episode allows);
 * - nothing (no migration).
 * Row by row: the clock moves to the row's time (failures, migrations and heals happen on the
 * way), then the score of the row arrives and the decider acts.
 */
import type { Trace } from '../../../prediction/dataset/trace.ts';
import type { CandidateHost } from '../../../prediction/placement/placement.types.ts';
import type { ProactiveMigrationPolicy } from '../../vnfd/vnfd.types.ts';
import { decide, INITIAL_STATE, triggers, type VnfcState } from '../decide.ts';
import type { ScoreInput } from '../decision.types.ts';
import type { DestinationStrategyFn } from '../destination-strategies.ts';
import { ReplayWorld, type MigrationRecord, type ReplayWorldOptions } from './replay-world.ts';
import type { ReplayTimeline } from './replay-timeline.ts';

export interface ModelScores {
  readonly failure: ArrayLike<number>;
  readonly long: ArrayLike<number>;
  readonly threshold: number;
  readonly longThreshold: number;
  readonly horizonSeconds: number;
  readonly modelId: string;
}

export interface ReplayInput {
  readonly trace: Trace;
  readonly timeline: ReplayTimeline;
  readonly scores: ModelScores;
  readonly world: ReplayWorldOptions;
}

export type Decider =
  | { readonly kind: 'policy'; readonly policy: ProactiveMigrationPolicy; readonly strategy: DestinationStrategyFn }
  | { readonly kind: 'oracle' }
  | { readonly kind: 'none' };

export interface RunOutcome {
  readonly unserved: readonly { from: number; to: number }[];
  readonly migrations: readonly MigrationRecord[];
  readonly hit: ReadonlySet<number>;
  readonly heals: number;
  readonly refused: number;
  /** Stressed host of each failure period (by index). */
  readonly failingHost: ReadonlyMap<number, string>;
}

/** Utilisation of a host without injected stress, %, for the destination forecasts. */
const CALM = { cpu: 15, mem: 25 };
const flat = (v: number) => ({ h1: v, h5: v, h15: v });

async function candidates(world: ReplayWorld, stressed: string, row: { cpu: number; mem: number }, risk: number): Promise<CandidateHost[]> {
  return (await world.vim.listHosts()).filter((h) => h.state === 'up').map((h) => {
    const s = h.name === stressed;
    return {
      name: h.name,
      az: h.availabilityZone,
      aggregates: h.aggregates,
      capacity: h.capacity,
      used: h.used,
      servers: h.servers,
      forecast: { cpu: flat(s ? row.cpu : CALM.cpu), mem: flat(s ? row.mem : CALM.mem) },
      failureRisk: s ? risk : 0,
    };
  });
}

export async function runReplay(input: ReplayInput, decider: Decider): Promise<RunOutcome> {
  const { trace, timeline: tl, scores } = input;
  const n = trace.rows.length;
  const world = await ReplayWorld.create(input.world, tl.start[0]);
  const failingHost = new Map<number, string>();
  const episodeOf = new Int32Array(n);
  tl.episodeStarts.forEach((row, k) => episodeOf.fill(row, row, tl.episodeStarts[k + 1] ?? n));
  let nextFailure = 0;
  let stressed = (await world.server()).host!;
  let state: VnfcState = INITIAL_STATE;
  /** Oracle: when to start the migration away from the host of the coming failure. */
  let plannedAt: number | undefined;

  for (let i = 0; i < n; i++) {
    if (episodeOf[i] === i) {
      // The stress of the episode is on the VNF's host now (the source of a migration in flight).
      stressed = (await world.server()).host!;
      plannedAt = undefined;
      for (; nextFailure < tl.failures.length && tl.failures[nextFailure].startRow < (tl.episodeStarts.find((r) => r > i) ?? n); nextFailure++) {
        const f = tl.failures[nextFailure];
        failingHost.set(f.index, stressed);
        world.scheduleFailure(f.index, stressed, f.from, f.to);
        if (decider.kind === 'oracle') plannedAt = Math.max(f.from - world.expectedMigrationSeconds() - 0.001, world.now());
      }
    }
    if (plannedAt !== undefined && plannedAt < tl.time[i]) {
      await world.advanceTo(plannedAt);
      const here = (await world.server()).host;
      await world.migrate(world.hosts.find((h) => h !== here)!);
      plannedAt = undefined;
    }
    await world.advanceTo(tl.time[i]);
    if (decider.kind !== 'policy') continue;

    const server = await world.server();
    const host = server.host!;
    const onStressed = host === stressed;
    const score: ScoreInput = {
      vnfInstanceId: 'vepc', vnfcInstanceId: 'vepc-0', host, ts: tl.time[i],
      // Moved off the stressed host, the VNF runs where nothing is injected: a calm score.
      failureScore: onStressed ? scores.failure[i] : 0,
      longProbability: onStressed ? scores.long[i] : 0,
      inFailure: onStressed && trace.rows[i].failure === 1,
      threshold: scores.threshold, longThreshold: scores.longThreshold, horizonSeconds: scores.horizonSeconds, modelId: scores.modelId,
    };
    const busy = server.status !== 'ACTIVE' && server.status !== 'ERROR';
    const hosts = triggers(state, score, decider.policy) ? await candidates(world, stressed, trace.rows[i], score.failureScore) : [];
    const flavor = input.world.flavor;
    const expected = server.status === 'ACTIVE' ? world.expectedMigrationSeconds() : 0;
    const r = decide({
      score,
      policy: decider.policy,
      state,
      expectedMigrationSeconds: expected,
      lcmInProgress: busy,
      scalingInProgress: false,
      migrationsFromHost: world.migrationInFlight()?.source === host ? 1 : 0,
      rank: () => decider.strategy({ vm: { flavor, currentHost: host, expectedMigrationSeconds: expected }, hosts }),
    });
    state = r.state;
    if (r.decision?.outcome.kind === 'migrate') await world.migrate(r.decision.outcome.destination);
    else if (r.decision?.outcome.kind === 'heal') await world.heal();
  }
  world.finish(tl.time[n - 1]);
  return { unserved: world.unserved, migrations: world.migrations, hit: world.hit, heals: world.heals, refused: world.refused, failingHost };
}
