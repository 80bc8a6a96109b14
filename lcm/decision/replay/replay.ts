/**
 * The paper's experiment on any dataset-format file: the model scores every
 * row (batched, as `evaluate` does), then the same trace is replayed in the simulated VIM with
 * no migration, with the oracle, with the VNFD policy at thresholds 0.5-0.9, and with variants
 * that show the throughput / migrations trade-off (long failures only; heal fallback).
 */
import type { Trace } from '../../../prediction/dataset/trace.ts';
import { loadFailureModel, scoreTrace } from '../../../prediction/model/failure-model.ts';
import type { DestinationStrategy, ProactiveMigrationPolicy } from '../../vnfd/vnfd.types.ts';
import { createDestinationStrategies } from '../destination-strategies.ts';
import { runMetrics, type RunMetrics } from './replay-metrics.ts';
import { runReplay, type Decider, type ModelScores, type ReplayInput } from './replay-run.ts';
import { buildTimeline } from './replay-timeline.ts';
import { ReplayWorld, type ReplayWorldOptions } from './replay-world.ts';

export interface ReplayOptions {
  /** Downlink rate while the VNF is served, Mbit/s. */
  readonly rateMbps: number;
  readonly thresholds: readonly number[];
  readonly world: ReplayWorldOptions;
  readonly strategy: DestinationStrategy;
  readonly seed: number;
  /** Policy fields every replayed policy shares (the threshold and variant fields are set per row). */
  readonly policy: Pick<ProactiveMigrationPolicy, 'hysteresis' | 'consecutiveWindows' | 'cooldownSeconds' | 'minLeadSeconds' | 'maxConcurrentPerHost'>;
}

/**
 * 30 Mbit/s: a 10 MHz LTE cell (srsRAN); only ratios matter. The vEPC: 4 vCPU, 4 GiB, writing
 * 50 MiB/s; a 10 Gbit/s migration network (the simulated VIM's default 1250 MiB/s) and 1 s of
 * Nova setup: the pre-copy model gives 4.4 s per live migration with a 151 ms pause. Heal
 * (evacuate, boot, EPC start, UE re-attach): 60 s.
 */
export const REPLAY_DEFAULTS: ReplayOptions = Object.freeze({
  rateMbps: 30,
  thresholds: [0.5, 0.6, 0.7, 0.8, 0.9],
  world: {
    hosts: 3,
    hostCapacity: { vcpus: 32, ramMb: 131_072, diskGb: 2000 },
    flavor: { vcpus: 4, ramMb: 4096, diskGb: 40 },
    dirtyRateMBps: 50,
    bandwidthMBps: 1250,
    migrationSetupMs: 1000,
    healSeconds: 60,
  },
  strategy: 'forecast',
  seed: 1,
  policy: { hysteresis: 0.1, consecutiveWindows: 1, cooldownSeconds: 60, minLeadSeconds: 0, maxConcurrentPerHost: 1 },
});

export type Variant = 'threshold' | 'long-only' | 'heal-fallback';

export interface PolicyRow extends RunMetrics {
  readonly threshold: number;
  readonly variant: Variant;
  /** avgMbps / the oracle's. */
  readonly shareOfOracle: number;
}

export interface ReplayReport {
  readonly source: string;
  readonly rows: number;
  readonly hours: number;
  readonly failures: { readonly total: number; readonly long: number; readonly seconds: number };
  readonly model: { readonly id: string; readonly threshold: number; readonly longThreshold: number; readonly horizonSeconds: number };
  readonly rateMbps: number;
  readonly migration: { readonly seconds: number; readonly downtimeMs: number };
  readonly oracle: RunMetrics;
  readonly noMigration: RunMetrics;
  /** The policy at each threshold (heal fallback none, all failures). */
  readonly policies: readonly PolicyRow[];
  readonly variants: readonly PolicyRow[];
}

/** Scores every row of the trace with the model in `dir`. */
export async function scoreForReplay(trace: Trace, dir: string, stepSeconds: number): Promise<ModelScores> {
  const model = await loadFailureModel(dir);
  try {
    const s = await scoreTrace(model, trace);
    return {
      failure: s.failure,
      long: s.long,
      threshold: model.meta.threshold,
      longThreshold: model.meta.longThreshold,
      horizonSeconds: Math.round(model.meta.horizonSteps * stepSeconds),
      modelId: model.meta.id,
    };
  } finally {
    model.dispose();
  }
}

function replayPolicy(o: ReplayOptions, threshold: number, variant: Variant): ProactiveMigrationPolicy {
  return {
    name: `replay-${variant}-${threshold}`,
    targets: ['vepc'],
    scoreThreshold: threshold,
    ...o.policy,
    destinationStrategy: o.strategy,
    longFailuresOnly: variant === 'long-only',
    fallbackAction: variant === 'heal-fallback' ? 'heal-recreate' : 'none',
    autoHealEnabled: true,
  };
}

export async function replayTrace(trace: Trace, scores: ModelScores, options: Partial<ReplayOptions> = {}): Promise<ReplayReport> {
  const o: ReplayOptions = { ...REPLAY_DEFAULTS, ...options, world: { ...REPLAY_DEFAULTS.world, ...options.world }, policy: { ...REPLAY_DEFAULTS.policy, ...options.policy } };
  const timeline = buildTimeline(trace);
  const input: ReplayInput = { trace, timeline, scores, world: o.world };
  const run = async (d: Decider) => runMetrics(await runReplay(input, d), timeline, o.rateMbps);
  const oracle = await run({ kind: 'oracle' });
  const noMigration = await run({ kind: 'none' });
  const row = async (threshold: number, variant: Variant): Promise<PolicyRow> => {
    // A fresh generator per row: the random strategy draws the same sequence for each.
    const strategy = createDestinationStrategies(o.seed)[o.strategy];
    const m = await run({ kind: 'policy', policy: replayPolicy(o, threshold, variant), strategy });
    return { threshold, variant, ...m, shareOfOracle: oracle.avgMbps > 0 ? m.avgMbps / oracle.avgMbps : 0 };
  };
  const policies: PolicyRow[] = [];
  for (const t of o.thresholds) policies.push(await row(t, 'threshold'));
  const variants: PolicyRow[] = [];
  for (const v of ['long-only', 'heal-fallback'] as const) for (const t of o.thresholds) variants.push(await row(t, v));
  const probe = await ReplayWorld.create(o.world, timeline.start[0]);
  const estimate = probe.vim.estimateMigration((await probe.server()).id);
  return {
    source: trace.source ?? 'trace',
    rows: trace.rows.length,
    hours: timeline.totalSeconds / 3600,
    failures: {
      total: timeline.failures.length,
      long: timeline.failures.filter((f) => f.long).length,
      seconds: timeline.failures.reduce((a, f) => a + f.weightSeconds, 0),
    },
    model: { id: scores.modelId, threshold: scores.threshold, longThreshold: scores.longThreshold, horizonSeconds: scores.horizonSeconds },
    rateMbps: o.rateMbps,
    migration: { seconds: estimate.durationMs / 1000, downtimeMs: estimate.downtimeMs },
    oracle,
    noMigration,
    policies,
    variants,
  };
}
