import type { Transaction } from 'sequelize';
import { VNFLCM } from '../../platform/http/sol-api.ts';
import { enqueueNotification } from '../../platform/sol/subscriptions/notification-outbox.ts';
import type { SubscriptionDoc } from '../../platform/sol/subscriptions/subscription.repository.ts';
import { lcmSubscriptionMatcher, type LcmNotificationSubject } from '../subscriptions/lcm-subscription-filter.ts';
import type { VnfInstance } from '../instances/vnf-instance.types.ts';
import type { VnfLcmOpOcc } from '../op-occs/lcm-op-occ.types.ts';
import type { LcmLinks } from '../lcm-links.ts';

/**
 * LCM notifications (SOL003 5.5.2.17-19), enqueued in the transaction of the state change
 * that causes them (platform notification outbox): delivered at least once after the commit.
 */

function subjectInstance(inst: VnfInstance): LcmNotificationSubject['vnfInstance'] {
  return {
    id: inst.id,
    vnfInstanceName: inst.vnfInstanceName,
    vnfdId: inst.vnfdId,
    vnfProvider: inst.vnfProvider,
    vnfProductName: inst.vnfProductName,
    vnfSoftwareVersion: inst.vnfSoftwareVersion,
    vnfdVersion: inst.vnfdVersion,
  };
}

/**
 * SOL003 5.5.2.17 notificationStatus: START when the occurrence starts (STARTING, or
 * PROCESSING of MODIFY_INFO, which has no STARTING), RESULT for every later state (Tacker
 * make_lcmocc_notif_data).
 */
export function notificationStatus(op: VnfLcmOpOcc): 'START' | 'RESULT' {
  return op.operationState === 'STARTING' || (op.operation === 'MODIFY_INFO' && op.operationState === 'PROCESSING') ? 'START' : 'RESULT';
}

/** SOL003 5.5.2.17 VnfLcmOperationOccurrenceNotification for one verbosity. */
export function opOccNotification(op: VnfLcmOpOcc, links: LcmLinks, verbosity: 'FULL' | 'SHORT', timeStamp: string) {
  return {
    notificationType: 'VnfLcmOperationOccurrenceNotification',
    timeStamp,
    notificationStatus: notificationStatus(op),
    operationState: op.operationState,
    vnfInstanceId: op.vnfInstanceId,
    operation: op.operation,
    isAutomaticInvocation: op.isAutomaticInvocation,
    verbosity,
    vnfLcmOpOccId: op.id,
    ...(verbosity === 'FULL' && op.resourceChanges?.affectedVnfcs && { affectedVnfcs: op.resourceChanges.affectedVnfcs }),
    ...(verbosity === 'FULL' && op.changedInfo && { changedInfo: op.changedInfo }),
    // Only for FAILED_TEMP, FAILED and ROLLED_BACK (SOL003 5.5.2.17; Tacker once sent it otherwise).
    ...(op.error && ['FAILED_TEMP', 'FAILED', 'ROLLED_BACK'].includes(op.operationState) && { error: op.error }),
    _links: { vnfInstance: { href: links.vnfInstance(op.vnfInstanceId) }, vnfLcmOpOcc: { href: links.opOcc(op.id) } },
  };
}

const verbosityOf = (s: SubscriptionDoc) => ((s as { verbosity?: string }).verbosity === 'SHORT' ? 'SHORT' : 'FULL');

export async function enqueueOpOccNotification(tx: Transaction, op: VnfLcmOpOcc, inst: VnfInstance, links: LcmLinks, now: Date) {
  const matches = lcmSubscriptionMatcher({
    notificationType: 'VnfLcmOperationOccurrenceNotification',
    operation: op.operation,
    operationState: op.operationState,
    vnfInstance: subjectInstance(inst),
  });
  const timeStamp = now.toISOString();
  for (const verbosity of ['FULL', 'SHORT'] as const) {
    await enqueueNotification(tx, VNFLCM, opOccNotification(op, links, verbosity, timeStamp), (s) => matches(s) && verbosityOf(s) === verbosity);
  }
}

/** SOL003 5.5.2.18 / 5.5.2.19: an instance id was created or deleted. */
export async function enqueueIdentifierNotification(
  tx: Transaction,
  kind: 'VnfIdentifierCreationNotification' | 'VnfIdentifierDeletionNotification',
  inst: VnfInstance,
  links: LcmLinks,
  now: Date,
) {
  const matches = lcmSubscriptionMatcher({ notificationType: kind, vnfInstance: subjectInstance(inst) });
  await enqueueNotification(
    tx,
    VNFLCM,
    { notificationType: kind, timeStamp: now.toISOString(), vnfInstanceId: inst.id, _links: { vnfInstance: { href: links.vnfInstance(inst.id) } } },
    matches,
  );
}
