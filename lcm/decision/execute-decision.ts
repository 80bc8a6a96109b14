/**
 * Turns an acting decision into an automatic HEAL operation (SOL003 5.4.9, isAutomaticInvocation
 * true): a live migration to the chosen destination, or the re-create fallback. The decision is
 * stored before the request is sent; the answer (opOccId, or why it failed) is stored after.
 */
import type { Logger } from '../../platform/logger.ts';
import type { DecisionRepository } from './decision.repository.ts';
import type { Decision } from './decision.types.ts';
import type { AutomaticHealRequest } from '../engine/lcm.port.ts';
import type { LcmPort } from './ports.ts';

export interface ExecutionDeps {
  readonly repository: DecisionRepository;
  readonly lcm: LcmPort;
  readonly log: Logger;
  readonly clock: () => number;
  readonly onRequested?: (decision: Decision, opOccId: string) => void;
  readonly onFailed?: (decision: Decision) => void;
}

/** The HealVnfRequest (SOL003 5.5.2.9, Tacker's additionalParams) of an acting decision. */
export function healRequestOf(d: Decision): AutomaticHealRequest {
  const s = d.inputs.score;
  const migrate = d.outcome.kind === 'migrate' ? d.outcome : undefined;
  return {
    cause: migrate
      ? `proactive live migration: predicted failure of host ${migrate.sourceHost} (score ${s.failureScore} >= ${d.inputs.policy.scoreThreshold}, model ${s.modelId})`
      : `host ${d.host} failed before a proactive migration: re-create`,
    ...(d.vnfcInstanceId !== undefined && { vnfcInstanceId: [d.vnfcInstanceId] }),
    additionalParams: {
      healType: migrate ? 'live-migrate' : 'recreate',
      ...(migrate && { targetHost: migrate.destination }),
      prediction: {
        score: s.failureScore,
        modelVersion: s.modelId,
        horizonSeconds: s.horizonSeconds,
        host: s.host,
        scoredAt: new Date(s.ts * 1000).toISOString(),
        longProbability: s.longProbability,
        threshold: d.inputs.policy.scoreThreshold,
      },
      ...(migrate && d.ranking && { destination: { host: migrate.destination, strategy: d.ranking.strategy, ranked: d.ranking.ranked.slice(0, 3) } }),
      decisionId: d.id,
    },
    isAutomaticInvocation: true,
  };
}

/**
 * Sends the heal request of `d`; resolves with the decision as it must be stored next
 * (`requested` with the opOccId, or `failed` with the reason) and never throws.
 * `receivedAt` (performance.now()) is when the score arrived.
 */
export async function requestDecision(
  deps: ExecutionDeps,
  d: Decision,
  receivedAt: number,
  onSent?: (decision: Decision, latencyMs: number) => void,
): Promise<Decision> {
  const stamp = () => new Date(deps.clock()).toISOString();
  try {
    const pending = deps.lcm.requestHeal(d.vnfInstanceId, healRequestOf(d));
    const sentAt = performance.now();
    const outcome = await pending;
    if (outcome.accepted) {
      const next: Decision = { ...d, status: 'requested', opOccId: outcome.vnfLcmOpOccId, updatedAt: stamp() };
      deps.onRequested?.(next, outcome.vnfLcmOpOccId);
      onSent?.(next, sentAt - receivedAt);
      return next;
    }
    // Refused (another operation started meanwhile, FAILED_TEMP, not instantiated): nothing runs.
    const next: Decision = { ...d, status: 'failed', statusReason: `${outcome.refusal.kind}: ${outcome.refusal.detail}`.slice(0, 500), updatedAt: stamp() };
    deps.onFailed?.(next);
    return next;
  } catch (err) {
    deps.log.warn({ err, decisionId: d.id, vnfInstanceId: d.vnfInstanceId }, 'heal request of a decision failed');
    const next: Decision = { ...d, status: 'failed', statusReason: (err as Error).message.slice(0, 500), updatedAt: stamp() };
    deps.onFailed?.(next);
    return next;
  }
}

/** Stores what the requests gave, in one statement; a failure to store is logged (the operations run anyway). */
export async function storeOutcomes(deps: ExecutionDeps, decisions: readonly Decision[]): Promise<void> {
  try {
    await deps.repository.updateMany(decisions);
  } catch (err) {
    deps.log.error({ err, decisions: decisions.map((d) => d.id) }, 'could not store the outcome of decisions');
  }
}

/** requestDecision, then its outcome stored. */
export async function executeDecision(deps: ExecutionDeps, d: Decision, receivedAt: number): Promise<Decision> {
  const next = await requestDecision(deps, d, receivedAt);
  await storeOutcomes(deps, [next]);
  return next;
}
