import type { Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { appendToOutbox, type OutboxRelay } from '../../platform/bus/outbox.ts';
import type { VnfInstance } from '../instances/vnf-instance.types.ts';
import type { VnfInstanceRepository } from '../instances/vnf-instance.repository.ts';
import type { LcmLinks } from '../lcm-links.ts';
import { enqueueOpOccNotification } from '../notifications/lcm-notifications.ts';
import type { LcmOpOccRepository } from '../op-occs/lcm-op-occ.repository.ts';
import type { OpOccError, VnfLcmOpOcc } from '../op-occs/lcm-op-occ.types.ts';
import { LCM_OPOCC_TOPIC_PREFIX, type LcmOperationStatus } from './lcm.port.ts';
import { transition, type LcmEvent } from './op-state-machine.ts';

export interface TransitionDeps {
  readonly db: Database;
  readonly ops: LcmOpOccRepository;
  readonly instances: VnfInstanceRepository;
  readonly links: LcmLinks;
  readonly clock: () => Date;
  /** Nudged after a commit that appended bus events (optional: the relay also polls). */
  readonly relay?: Pick<OutboxRelay, 'nudge'>;
}

export interface TransitionChange {
  readonly error?: OpOccError;
  readonly grantId?: string;
  readonly resourceChanges?: VnfLcmOpOcc['resourceChanges'];
  readonly changedInfo?: Record<string, unknown>;
  /** The instance as the operation leaves it, written in the same transaction. */
  readonly instance?: VnfInstance;
}

/** What other modules learn of an operation (LcmPort and bus events). */
export function operationStatus(op: VnfLcmOpOcc): LcmOperationStatus {
  return {
    vnfLcmOpOccId: op.id,
    vnfInstanceId: op.vnfInstanceId,
    operation: op.operation,
    operationState: op.operationState,
    isAutomaticInvocation: op.isAutomaticInvocation,
    startTime: op.startTime,
    stateEnteredTime: op.stateEnteredTime,
    ...(op.error && { error: { status: op.error.status, detail: op.error.detail } }),
  };
}

/** The first notification and bus event of a new occurrence, in the transaction that inserts it. */
export async function announceNew(deps: TransitionDeps, tx: Transaction, op: VnfLcmOpOcc, inst: VnfInstance): Promise<void> {
  await enqueueOpOccNotification(tx, op, inst, deps.links, deps.clock());
  await appendToOutbox(tx, [{ topic: topicOf(op), payload: operationStatus(op) }], deps.relay);
}

function topicOf(op: VnfLcmOpOcc): string {
  return `${LCM_OPOCC_TOPIC_PREFIX}.${op.operationState.toLowerCase()}`;
}

/**
 * One state change, persisted then announced: the new document (and the instance, when
 * the operation changed it), the LCM notification rows and the bus event are written in
 * `tx`, so they are committed together or not at all. The table decides the new state.
 */
export async function applyTransition(
  deps: TransitionDeps,
  tx: Transaction,
  op: VnfLcmOpOcc,
  event: LcmEvent,
  change: TransitionChange = {},
): Promise<VnfLcmOpOcc> {
  const to = transition(op.operationState, event);
  const now = deps.clock();
  const { error: previousError, ...rest } = op;
  // SOL003 5.5.2.13: `error` belongs to FAILED_TEMP, FAILED and ROLLED_BACK; FAILED keeps the cause.
  const error = change.error ?? (to === 'FAILED' ? previousError : undefined);
  const next: VnfLcmOpOcc = {
    ...rest,
    operationState: to,
    stateEnteredTime: now.toISOString(),
    ...(change.grantId && { grantId: change.grantId }),
    ...(change.resourceChanges && { resourceChanges: change.resourceChanges }),
    ...(change.changedInfo && { changedInfo: change.changedInfo }),
    ...(error && { error }),
  };
  await deps.ops.updateDoc(tx, next);
  if (change.instance) await deps.instances.update(tx, change.instance);
  const inst = change.instance ?? (await deps.instances.get(op.vnfInstanceId, { tx }));
  if (!inst) throw new Error(`vnf instance ${op.vnfInstanceId} of operation ${op.id} is gone`);
  await enqueueOpOccNotification(tx, next, inst, deps.links, now);
  await appendToOutbox(tx, [{ topic: topicOf(next), payload: operationStatus(next) }], deps.relay);
  return next;
}

export class StaleOperationState extends Error {
  override readonly name = 'StaleOperationState';
}

/**
 * applyTransition in a transaction of its own, on the stored document (row-locked), which
 * must still be in `expected`: a concurrent change (an operator's fail) wins, and the
 * engine learns it through StaleOperationState.
 */
export async function transitionStored(
  deps: TransitionDeps,
  opId: string,
  expected: VnfLcmOpOcc['operationState'],
  event: LcmEvent,
  change: TransitionChange | ((op: VnfLcmOpOcc) => TransitionChange) = {},
): Promise<VnfLcmOpOcc> {
  return deps.db.transaction(async (tx) => {
    const op = await deps.ops.get(opId, { tx, lock: true });
    if (!op) throw new StaleOperationState(`operation ${opId} is gone`);
    if (op.operationState !== expected) throw new StaleOperationState(`operation ${opId} is ${op.operationState}, not ${expected}`);
    return applyTransition(deps, tx, op, event, typeof change === 'function' ? change(op) : change);
  });
}
