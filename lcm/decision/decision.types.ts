/**
 * The decision engine's vocabulary: what it reads (one failure score of one
 * VNFC), what it decides (migrate, heal, or skip and why) and what it stores (a Decision, the
 * resource of GET /decisions/v1/decisions).
 */
import type { FailureScorePayload } from '../../prediction/scoring/failure-score.ts';
import type { ExcludedDestination } from '../../prediction/placement/placement.types.ts';
import type { DestinationStrategy, ProactiveMigrationPolicy } from '../vnfd/vnfd.types.ts';

/** auto: act; dry-run: decide and record, execute nothing; approve: wait for an operator. */
export type DecisionMode = 'auto' | 'dry-run' | 'approve';
export const DECISION_MODES: readonly DecisionMode[] = ['auto', 'dry-run', 'approve'];

/** One failure score as the engine reads it: the bus payload with its time as epoch seconds. */
export interface ScoreInput {
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId?: string;
  readonly vm?: string;
  readonly host: string;
  /** Start of the last window the score saw, epoch seconds. */
  readonly ts: number;
  readonly failureScore: number;
  readonly longProbability: number;
  /** The last window had failure events: the failure is under way. */
  readonly inFailure: boolean;
  /** The model's own thresholds and horizon (prediction.failure_scores carries them). */
  readonly threshold: number;
  readonly longThreshold: number;
  readonly horizonSeconds: number;
  readonly modelId: string;
}

export function scoreInputOf(p: FailureScorePayload): ScoreInput {
  return {
    vnfInstanceId: p.vnfInstanceId,
    ...(p.vnfcInstanceId !== undefined && { vnfcInstanceId: p.vnfcInstanceId }),
    ...(p.vm !== undefined && { vm: p.vm }),
    host: p.host,
    ts: Date.parse(p.ts) / 1000,
    failureScore: p.failureScore,
    longProbability: p.longProbability,
    inFailure: p.inFailure,
    threshold: p.threshold,
    longThreshold: p.longThreshold,
    horizonSeconds: p.horizonSeconds,
    modelId: p.modelId,
  };
}

/** Key of a VNFC (or of a VNF scored as a whole) in the engine's state. */
export function vnfcKey(s: { vnfInstanceId: string; vnfcInstanceId?: string }): string {
  return `${s.vnfInstanceId}/${s.vnfcInstanceId ?? ''}`;
}

/** Why a triggered (or failing) VNFC was left alone. */
export type SkipRule =
  | 'auto-heal-disabled'
  | 'not-long'
  | 'lead-time'
  | 'cooldown'
  | 'lcm-in-progress'
  | 'scaling-in-progress'
  | 'host-concurrency'
  | 'no-destination'
  | 'failure-under-way';

/** The rule behind a decision: one that acted, or the one that stopped it. */
export type DecisionRule = 'threshold' | 'failure-before-migration' | SkipRule;

export type DecisionOutcome =
  | { readonly kind: 'migrate'; readonly sourceHost: string; readonly destination: string }
  | { readonly kind: 'heal'; readonly healType: 'recreate' }
  | { readonly kind: 'skip' };

export interface RankedChoice {
  readonly host: string;
  /** Higher is better; what it means depends on the strategy. */
  readonly score: number;
  readonly reason: string;
}

/** The destinations a strategy considered: the feasible ones best first, and the others with why. */
export interface DestinationChoice {
  readonly strategy: DestinationStrategy;
  readonly ranked: readonly RankedChoice[];
  readonly excluded: readonly ExcludedDestination[];
  /** How many hosts were feasible, when `ranked` (as stored) keeps only the best of them. */
  readonly rankedTotal?: number;
}

/** What the core decided for one score; undefined from the core means "nothing worth recording". */
export interface CoreDecision {
  readonly outcome: DecisionOutcome;
  readonly rule: DecisionRule;
  /** One line a person can read. */
  readonly reason: string;
  readonly ranking?: DestinationChoice;
}

/**
 * skipped: a rule stopped it; dry-run: recorded only; pending-approval: waits for POST approve;
 * requesting: the heal operation is being requested; requested: the LCM accepted it (opOccId);
 * rejected by an operator; failed: the request failed; expired: approval came too late (after
 * the prediction's horizon).
 */
export type DecisionStatus = 'skipped' | 'dry-run' | 'pending-approval' | 'requesting' | 'requested' | 'rejected' | 'failed' | 'expired';
export const DECISION_STATUSES: readonly DecisionStatus[] = ['skipped', 'dry-run', 'pending-approval', 'requesting', 'requested', 'rejected', 'failed', 'expired'];

/** What the decision saw, stored with it. */
export interface DecisionInputs {
  readonly score: ScoreInput;
  readonly policy: ProactiveMigrationPolicy;
  readonly vduId?: string;
  readonly serverId?: string;
  readonly expectedMigrationSeconds: number;
  readonly migrationsFromHost: number;
  readonly lcmInProgress: boolean;
  readonly scalingInProgress: boolean;
  /** Windows in a row at or above the threshold, this one included. */
  readonly consecutive: number;
}

/** The stored and served decision (api/openapi/decisions.yaml, Decision). */
export interface Decision {
  readonly id: string;
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId?: string;
  readonly host: string;
  readonly mode: DecisionMode;
  readonly status: DecisionStatus;
  readonly rule: DecisionRule;
  readonly reason: string;
  readonly outcome: DecisionOutcome;
  readonly inputs: DecisionInputs;
  readonly ranking?: DestinationChoice;
  readonly opOccId?: string;
  /** Why the request failed, or what the operator said. */
  readonly statusReason?: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
}
