/**
 * The bus adapter of the decision engine: consumes `prediction.failure_scores` (one event per
 * scoring round, a list of FailureScorePayload) and hands each batch to the engine, whose
 * decisions are stored in the idempotent consumer's transaction: a redelivered event decides
 * nothing twice, and the decisions commit with the record of the event.
 */
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import { idempotentHandler } from '../../platform/bus/inbox.ts';
import type { Database } from '../../platform/db/database.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import type { FailureScorePayload } from '../../prediction/scoring/failure-score.ts';
import { FAILURE_SCORES_TOPIC } from '../../prediction/scoring/online-scorer.ts';
import type { DecisionEngine } from './decision-engine.ts';
import { scoreInputOf } from './decision.types.ts';

export const DECISION_CONSUMER = 'lcm.decision-engine';

function isScorePayload(p: unknown): p is FailureScorePayload {
  const s = p as Partial<FailureScorePayload> | null;
  return (
    typeof s === 'object' && s !== null &&
    typeof s.vnfInstanceId === 'string' && typeof s.host === 'string' && typeof s.ts === 'string' && !Number.isNaN(Date.parse(s.ts)) &&
    typeof s.failureScore === 'number' && typeof s.longProbability === 'number' && typeof s.inFailure === 'boolean' &&
    typeof s.threshold === 'number' && typeof s.longThreshold === 'number' && typeof s.horizonSeconds === 'number' &&
    typeof s.modelId === 'string'
  );
}

export async function subscribeFailureScores(bus: EventBus, db: Database, engine: DecisionEngine, metrics?: PlatformMetrics): Promise<void> {
  await bus.subscribe(DECISION_CONSUMER, FAILURE_SCORES_TOPIC, async (event) => {
    const receivedAt = performance.now();
    const payload = Array.isArray(event.payload) ? event.payload : [];
    // A malformed entry is dropped, not retried: redelivery cannot make it valid.
    const scores = payload.filter(isScorePayload).map(scoreInputOf);
    await engine.evaluate(scores, {
      receivedAt,
      // The decisions commit with the record of the event: a redelivered event decides nothing twice.
      persist: async (write) => {
        let written = false;
        await idempotentHandler(db, DECISION_CONSUMER, async (_event, tx) => {
          await write(tx);
          written = true;
        }, metrics)(event);
        return written;
      },
    });
  });
}
