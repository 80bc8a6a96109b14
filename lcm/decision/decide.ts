/**
 * The pure core of the decision engine: one failure score of one VNFC, the
 * VNFD's ProactiveMigrationPolicy and what is known now go in; the VNFC's next state and, when
 * something is worth recording, a decision come out. No I/O: the engine, the replay and the
 * tests all run this same function.
 *
 * Rules, in order:
 * - A failure under way (inFailure): live migration is too late. Once per failure, heal
 *   (recreate) when the policy's fallback says so and no other operation is running.
 * - Threshold with hysteresis: a window counts when failureScore >= scoreThreshold; the
 *   policy acts after consecutiveWindows such windows in a row, then disarms until the score
 *   falls below scoreThreshold - hysteresis (so one episode gives one action).
 * - A triggered VNFC is still left alone when: auto-heal is disabled; the policy wants long
 *   failures only and longProbability < the model's longThreshold; the predicted lead (the
 *   model's horizon) is shorter than the expected migration or the policy's minimum lead; the
 *   cooldown since its last action runs; another LCM operation or an NFVO scaling is in
 *   progress; its host already has maxConcurrentPerHost migrations out; no destination fits.
 * A skip stays armed (the next window tries again) and is recorded once per rule and episode.
 */
import type { ProactiveMigrationPolicy } from '../vnfd/vnfd.types.ts';
import type { CoreDecision, DestinationChoice, ScoreInput, SkipRule } from './decision.types.ts';

export interface VnfcState {
  /** Windows in a row at or above the threshold. */
  readonly consecutive: number;
  /** False after an action until the score falls below threshold - hysteresis. */
  readonly armed: boolean;
  /** Epoch seconds of the last migrate or heal decision (cooldown). */
  readonly lastActionAt?: number;
  /** The last skip recorded in this episode: the same rule again is not recorded twice. */
  readonly lastSkip?: SkipRule;
  /** The last window was in failure. */
  readonly failing: boolean;
  /** The failure under way has been dealt with (healed, or recorded as skipped). */
  readonly failureHandled: boolean;
}

export const INITIAL_STATE: VnfcState = Object.freeze({ consecutive: 0, armed: true, failing: false, failureHandled: false });

export interface DecideInput {
  readonly score: ScoreInput;
  readonly policy: ProactiveMigrationPolicy;
  readonly state: VnfcState;
  /** How long a live migration of this VNFC is expected to take, s. */
  readonly expectedMigrationSeconds: number;
  readonly lcmInProgress: boolean;
  readonly scalingInProgress: boolean;
  /** Live migrations from the VNFC's host in flight now. */
  readonly migrationsFromHost: number;
  /** Ranks destinations; called only when every other rule lets the migration through. */
  readonly rank: () => DestinationChoice;
}

export interface DecideResult {
  readonly state: VnfcState;
  readonly decision?: CoreDecision;
}

const n2 = (v: number) => (Math.round(v * 100) / 100).toString();

/** Threshold and hysteresis bookkeeping of one window. */
export function countWindow(state: VnfcState, score: number, policy: Pick<ProactiveMigrationPolicy, 'scoreThreshold' | 'hysteresis'>): VnfcState {
  if (score >= policy.scoreThreshold) return { ...state, consecutive: state.consecutive + 1 };
  const rearm = score < policy.scoreThreshold - policy.hysteresis;
  // Back under the threshold ends the episode: the next crossing records its skips again.
  return { ...state, consecutive: 0, armed: state.armed || rearm, lastSkip: undefined };
}

function skip(state: VnfcState, rule: SkipRule, reason: string, ranking?: DestinationChoice): DecideResult {
  if (state.lastSkip === rule) return { state };
  return { state: { ...state, lastSkip: rule }, decision: { outcome: { kind: 'skip' }, rule, reason, ranking } };
}

function onFailure(input: DecideInput): DecideResult {
  const { policy, score } = input;
  // A new failure is a new episode: its skips are recorded even if the last one said the same.
  const onset = !input.state.failing;
  const state: VnfcState = { ...input.state, consecutive: 0, failing: true, ...(onset && { lastSkip: undefined }) };
  if (state.failureHandled) return { state };
  const done = { ...state, failureHandled: true };
  if (!policy.autoHealEnabled) return skip(done, 'auto-heal-disabled', `failure under way on ${score.host}; auto-heal is disabled for this VNF`);
  if (policy.fallbackAction !== 'heal-recreate') {
    return skip(done, 'failure-under-way', `failure under way on ${score.host} before any migration; the policy's fallback is none`);
  }
  // Guards leave failureHandled false: the next failing window tries the heal again.
  if (input.lcmInProgress) return skip(state, 'lcm-in-progress', `failure under way on ${score.host}; heal waits for the LCM operation in progress`);
  if (input.scalingInProgress) return skip(state, 'scaling-in-progress', `failure under way on ${score.host}; heal waits for the NFVO scaling in progress`);
  return {
    state: { ...done, armed: false, lastActionAt: score.ts, lastSkip: undefined },
    decision: {
      outcome: { kind: 'heal', healType: 'recreate' },
      rule: 'failure-before-migration',
      reason: `failure under way on ${score.host} before a migration finished: heal by re-creating the VNFC on another host`,
    },
  };
}

export function decide(input: DecideInput): DecideResult {
  const { policy, score } = input;
  if (score.inFailure) return onFailure(input);
  const state = countWindow({ ...input.state, failing: false, failureHandled: false }, score.failureScore, policy);
  if (!state.armed || state.consecutive < policy.consecutiveWindows) return { state };

  const crossed = `failure score ${n2(score.failureScore)} >= ${policy.scoreThreshold} for ${state.consecutive} window(s)`;
  if (!policy.autoHealEnabled) return skip(state, 'auto-heal-disabled', `${crossed}; auto-heal is disabled for this VNF`);
  if (policy.longFailuresOnly && score.longProbability < score.longThreshold) {
    return skip(state, 'not-long', `${crossed}, but long-failure probability ${n2(score.longProbability)} < ${n2(score.longThreshold)} and the policy acts on long failures only`);
  }
  const needed = Math.max(policy.minLeadSeconds, input.expectedMigrationSeconds);
  if (score.horizonSeconds < needed) {
    return skip(
      state,
      'lead-time',
      `${crossed}, but the predicted lead (${score.horizonSeconds} s) is shorter than the ${n2(input.expectedMigrationSeconds)} s migration or the ${policy.minLeadSeconds} s minimum lead`,
    );
  }
  if (state.lastActionAt !== undefined && score.ts - state.lastActionAt < policy.cooldownSeconds) {
    return skip(state, 'cooldown', `${crossed}, but the last action was ${n2(score.ts - state.lastActionAt)} s ago (cooldown ${policy.cooldownSeconds} s)`);
  }
  if (input.lcmInProgress) return skip(state, 'lcm-in-progress', `${crossed}, but another LCM operation of the VNF is in progress`);
  if (input.scalingInProgress) return skip(state, 'scaling-in-progress', `${crossed}, but an NFVO scaling of the VNF is in progress`);
  if (input.migrationsFromHost >= policy.maxConcurrentPerHost) {
    return skip(state, 'host-concurrency', `${crossed}, but ${input.migrationsFromHost} migration(s) from ${score.host} are in flight (at most ${policy.maxConcurrentPerHost})`);
  }
  const ranking = input.rank();
  const best = ranking.ranked[0];
  if (!best) return skip(state, 'no-destination', `${crossed}, but no host fits (${ranking.excluded.length} excluded by ${ranking.strategy})`, ranking);
  return {
    state: { ...state, armed: false, consecutive: 0, lastActionAt: score.ts, lastSkip: undefined },
    decision: {
      outcome: { kind: 'migrate', sourceHost: score.host, destination: best.host },
      rule: 'threshold',
      reason: `${crossed}: live-migrate from ${score.host} to ${best.host} (${ranking.strategy}: ${best.reason})`,
      ranking,
    },
  };
}

/** Would this window trigger the policy (before the skip rules)? Lets the engine fetch hosts only when needed. */
export function triggers(state: VnfcState, score: ScoreInput, policy: ProactiveMigrationPolicy): boolean {
  if (score.inFailure) return false;
  const next = countWindow(state, score.failureScore, policy);
  return next.armed && next.consecutive >= policy.consecutiveWindows;
}
