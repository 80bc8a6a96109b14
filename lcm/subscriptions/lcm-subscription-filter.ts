import type { SubscriptionMatcher } from '../../platform/sol/subscriptions/notification-outbox.ts';
import { matchesVnfInstanceFilter, type VnfInstanceSubscriptionFilter } from '../../platform/sol/subscriptions/vnf-instance-filter.ts';

export type { VnfInstanceSubscriptionFilter };

/** The LCM notification kinds (SOL003 5.5.2.17-19). */
export const LCM_NOTIFICATION_TYPES = [
  'VnfLcmOperationOccurrenceNotification',
  'VnfIdentifierCreationNotification',
  'VnfIdentifierDeletionNotification',
] as const;
export type LcmNotificationType = (typeof LCM_NOTIFICATION_TYPES)[number];

/** SOL003 5.5.4.5 LcmOperationType. */
export const LCM_OPERATION_TYPES = [
  'INSTANTIATE', 'SCALE', 'SCALE_TO_LEVEL', 'CHANGE_FLAVOUR', 'TERMINATE', 'HEAL', 'OPERATE',
  'CHANGE_EXT_CONN', 'MODIFY_INFO', 'CREATE_SNAPSHOT', 'REVERT_TO_SNAPSHOT', 'CHANGE_VNFPKG',
] as const;

/** SOL003 5.5.4.3 LcmOperationStateType. */
export const LCM_OPERATION_STATES = [
  'STARTING', 'PROCESSING', 'COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLING_BACK', 'ROLLED_BACK',
] as const;

/** SOL003 5.5.3.12 LifecycleChangeNotificationsFilter. */
export interface LifecycleChangeNotificationsFilter {
  readonly vnfInstanceSubscriptionFilter?: VnfInstanceSubscriptionFilter;
  readonly notificationTypes?: readonly string[];
  readonly operationTypes?: readonly string[];
  readonly operationStates?: readonly string[];
}

/** What an LCM notification is about: the facts a filter is matched against. */
export interface LcmNotificationSubject {
  readonly notificationType: LcmNotificationType;
  /** Only for VnfLcmOperationOccurrenceNotification. */
  readonly operation?: string;
  readonly operationState?: string;
  readonly vnfInstance: {
    readonly id: string;
    readonly vnfInstanceName?: string;
    readonly vnfdId: string;
    readonly vnfProvider: string;
    readonly vnfProductName: string;
    readonly vnfSoftwareVersion: string;
    readonly vnfdVersion: string;
  };
}

/**
 * SOL013 5.2 / SOL003 5.5.3.12: every attribute present must match (AND), any
 * value of a list will do (OR); no filter matches everything. Operation types
 * and states only apply to operation occurrence notifications (Tacker
 * get_matched_subscs).
 */
export function matchesLcmFilter(filter: LifecycleChangeNotificationsFilter | undefined, s: LcmNotificationSubject): boolean {
  if (!filter) return true;
  if (filter.vnfInstanceSubscriptionFilter && !matchesVnfInstanceFilter(filter.vnfInstanceSubscriptionFilter, s.vnfInstance)) return false;
  if (filter.notificationTypes && !filter.notificationTypes.includes(s.notificationType)) return false;
  if (s.operation !== undefined && filter.operationTypes && !filter.operationTypes.includes(s.operation)) return false;
  if (s.operationState !== undefined && filter.operationStates && !filter.operationStates.includes(s.operationState)) {
    return false;
  }
  return true;
}

/** The matcher enqueueNotification(tx, VNFLCM, notification, matcher) uses for an LCM notification. */
export function lcmSubscriptionMatcher(subject: LcmNotificationSubject): SubscriptionMatcher {
  return (subscription) => matchesLcmFilter(subscription.filter as LifecycleChangeNotificationsFilter | undefined, subject);
}
