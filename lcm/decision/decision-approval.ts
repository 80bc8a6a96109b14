/**
 * Approve mode: an operator approves or rejects a pending decision (POST
 * /decisions/v1/decisions/{id}/approve | reject). An approval is taken only while the
 * prediction still holds: for a migration, until the model's horizon after the score's window
 * (the failure was predicted within it); for a heal, 10 minutes. It is claimed under a row lock
 * first, so two approvals of one decision send one request.
 */
import type { Database } from '../../platform/db/database.ts';
import { Conflict, NotFound } from '../../platform/http/problem-details.ts';
import type { DecisionRepository } from './decision.repository.ts';
import type { Decision } from './decision.types.ts';
import { executeDecision, type ExecutionDeps } from './execute-decision.ts';
import type { LcmGuards } from './ports.ts';

export class DecisionNotFound extends NotFound {
  constructor(id: string) {
    super(`Decision ${id} does not exist.`);
  }
}

export class DecisionNotPending extends Conflict {
  constructor(d: Decision) {
    super(`Decision ${d.id} is ${d.status}; only a pending-approval decision can be approved or rejected.`);
  }
}

export class DecisionExpired extends Conflict {
  constructor(d: Decision) {
    super(`Decision ${d.id} expired: the prediction it was based on no longer holds.`);
  }
}

export class VnfInstanceBusy extends Conflict {
  constructor(d: Decision) {
    super(`VNF instance ${d.vnfInstanceId} has an LCM operation or a scaling in progress; approve again when it has finished.`);
  }
}

const HEAL_APPROVAL_SECONDS = 600;

/** Until when (epoch s) an approval of `d` is taken. */
export function approvalDeadline(d: Decision): number {
  const s = d.inputs.score;
  return d.outcome.kind === 'heal' ? Date.parse(d.createdAt) / 1000 + HEAL_APPROVAL_SECONDS : s.ts + s.horizonSeconds;
}

export interface DecisionApprovalsDeps {
  readonly db: Database;
  readonly repository: DecisionRepository;
  readonly guards: LcmGuards;
  readonly execution: ExecutionDeps;
}

export interface DecisionApprovals {
  approve(id: string, note?: string): Promise<Decision>;
  reject(id: string, note?: string): Promise<Decision>;
}

export function createDecisionApprovals(deps: DecisionApprovalsDeps): DecisionApprovals {
  const { repository, execution } = deps;
  const stamp = () => new Date(execution.clock()).toISOString();

  /** Reads the decision under a lock and, if it is pending, stores `change(decision)`. */
  async function claim(id: string, change: (d: Decision) => Decision): Promise<{ before: Decision; after: Decision }> {
    return deps.db.transaction(async (tx) => {
      const d = await repository.get(id, { tx, lock: true });
      if (!d) throw new DecisionNotFound(id);
      if (d.status !== 'pending-approval') throw new DecisionNotPending(d);
      const after = change(d);
      await repository.update(after, tx);
      return { before: d, after };
    });
  }

  return {
    async approve(id, note) {
      const current = await repository.get(id);
      if (!current) throw new DecisionNotFound(id);
      if (current.status !== 'pending-approval') throw new DecisionNotPending(current);
      if (execution.clock() / 1000 > approvalDeadline(current)) {
        await claim(id, (d) => ({ ...d, status: 'expired', statusReason: 'approved after the prediction expired', updatedAt: stamp() }));
        throw new DecisionExpired(current);
      }
      const busy = await deps.guards.busy([current.vnfInstanceId]);
      if (busy.lcm.has(current.vnfInstanceId) || busy.scaling.has(current.vnfInstanceId)) throw new VnfInstanceBusy(current);
      const { after } = await claim(id, (d) => ({ ...d, status: 'requesting', ...(note && { statusReason: note }), updatedAt: stamp() }));
      return executeDecision(execution, after, performance.now());
    },
    async reject(id, note) {
      const { after } = await claim(id, (d) => ({ ...d, status: 'rejected', ...(note && { statusReason: note }), updatedAt: stamp() }));
      return after;
    },
  };
}
