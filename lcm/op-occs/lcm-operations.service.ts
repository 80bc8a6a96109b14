import { randomUUID } from 'node:crypto';
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { VnfdModel } from '../vnfd/vnfd.types.ts';
import type { VnfInstance } from '../instances/vnf-instance.types.ts';
import {
  LcmOpOccNotFailedTemp,
  OtherOperationInProgress,
  RollbackNotSupported,
  VnfdIdNotEnabled,
  VnfInstanceNotFound,
  VnfLcmOpOccNotFound,
} from '../lcm-errors.ts';
import type { LcmEvent } from '../engine/op-state-machine.ts';
import { announceNew, applyTransition, type TransitionDeps } from '../engine/op-transitions.ts';
import type { OperationEngine, VnfdLookup } from '../engine/operation-engine.ts';
import { leaseInTx } from './lcm-op-occ.repository.ts';
import type { LcmOperation, LcmOperationState, VnfLcmOpOcc } from './lcm-op-occ.types.ts';

export interface LcmOperationsDeps extends TransitionDeps {
  readonly engine: OperationEngine;
  readonly vnfds: VnfdLookup;
  readonly leaseMs: number;
}

export interface StartRequest {
  readonly operation: LcmOperation;
  readonly isAutomaticInvocation: boolean;
  /** Checks the request against the instance (and its VNFD); returns the operationParams to store. */
  readonly check: (inst: VnfInstance, vnfd: VnfdModel) => Record<string, unknown>;
  /** The VNFD to check against when not the instance's own (MODIFY_INFO with a new vnfdId). */
  readonly vnfdId?: string;
}

/**
 * The operation use cases: start an occurrence (one per instance at a time; an occurrence in
 * FAILED_TEMP holds the instance too), and an operator's retry, rollback or fail of a
 * FAILED_TEMP one. Every state change is a transition of the state machine, written with
 * its notifications in one transaction, then handed to the engine.
 */
export class LcmOperationsService {
  constructor(private readonly deps: LcmOperationsDeps) {}

  async start(vnfInstanceId: string, req: StartRequest): Promise<VnfLcmOpOcc> {
    const { deps } = this;
    const current = await deps.instances.get(vnfInstanceId);
    if (!current) throw new VnfInstanceNotFound(vnfInstanceId);
    const vnfdId = req.vnfdId ?? current.vnfdId;
    const vnfd = await deps.vnfds.get(vnfdId);
    if (!vnfd) throw new VnfdIdNotEnabled(vnfdId);
    const op = await deps.db.transaction(async (tx) => {
      const inst = await deps.instances.get(vnfInstanceId, { tx, lock: true });
      if (!inst) throw new VnfInstanceNotFound(vnfInstanceId);
      const operationParams = req.check(inst, vnfd);
      await this.requireFree(inst.id, tx);
      const now = deps.clock().toISOString();
      const id = randomUUID();
      // Tacker: MODIFY_INFO has no STARTING (nothing to grant); it starts PROCESSING.
      const operationState: LcmOperationState = req.operation === 'MODIFY_INFO' ? 'PROCESSING' : 'STARTING';
      const self = deps.links.opOcc(id);
      const doc: VnfLcmOpOcc = {
        id,
        operationState,
        stateEnteredTime: now,
        startTime: now,
        vnfInstanceId: inst.id,
        operation: req.operation,
        isAutomaticInvocation: req.isAutomaticInvocation,
        operationParams,
        isCancelPending: false,
        _links: {
          self: { href: self },
          vnfInstance: { href: deps.links.vnfInstance(inst.id) },
          retry: { href: `${self}/retry` },
          rollback: { href: `${self}/rollback` },
          fail: { href: `${self}/fail` },
        },
      };
      try {
        await deps.ops.insert(tx, doc);
      } catch (err) {
        // The partial unique index: another start won a race the row lock did not cover.
        if (err instanceof UniqueConstraintError) throw new OtherOperationInProgress(inst.id);
        throw err;
      }
      await leaseInTx(deps.db, tx, id, deps.engine.owner, deps.leaseMs);
      await announceNew(deps, tx, doc, inst);
      return doc;
    });
    deps.engine.launch(op.id);
    return op;
  }

  private async requireFree(vnfInstanceId: string, tx: Transaction): Promise<void> {
    const holding = await this.deps.ops.unfinishedOf(vnfInstanceId, tx);
    if (holding) throw new OtherOperationInProgress(vnfInstanceId, holding.id, holding.operationState === 'FAILED_TEMP');
  }

  async get(id: string): Promise<VnfLcmOpOcc> {
    const op = await this.deps.ops.get(id);
    if (!op) throw new VnfLcmOpOccNotFound(id);
    return op;
  }

  /** SOL003 5.4.14: FAILED_TEMP -> PROCESSING, the failed step and the rest run again. */
  retry(id: string): Promise<VnfLcmOpOcc> {
    return this.operatorTransition(id, 'retry', true);
  }

  /** SOL003 5.4.15: FAILED_TEMP -> ROLLING_BACK, the compensations run in reverse (422 when a step cannot be undone). */
  async rollback(id: string): Promise<VnfLcmOpOcc> {
    const op = await this.get(id);
    if (op.operationState !== 'FAILED_TEMP') throw new LcmOpOccNotFailedTemp(id);
    const refusal = await this.deps.engine.rollbackRefusal(op);
    if (refusal) throw new RollbackNotSupported(op.operation, refusal);
    return this.operatorTransition(id, 'rollback', true);
  }

  /** SOL003 5.4.16: FAILED_TEMP -> FAILED, final; the instance is left as it is. */
  fail(id: string): Promise<VnfLcmOpOcc> {
    return this.operatorTransition(id, 'fail', false);
  }

  private async operatorTransition(id: string, event: LcmEvent, drive: boolean): Promise<VnfLcmOpOcc> {
    const { deps } = this;
    const next = await deps.db.transaction(async (tx) => {
      const op = await deps.ops.get(id, { tx, lock: true });
      if (!op) throw new VnfLcmOpOccNotFound(id);
      if (op.operationState !== 'FAILED_TEMP') throw new LcmOpOccNotFailedTemp(id);
      const changed = await applyTransition(deps, tx, op, event);
      if (drive) await leaseInTx(deps.db, tx, id, deps.engine.owner, deps.leaseMs);
      return changed;
    });
    if (drive) deps.engine.launch(id);
    return next;
  }
}
