import type { SubscriptionMatcher } from '../../platform/sol/subscriptions/notification-outbox.ts';
import {
  idOnlyFacts,
  matchesVnfInstanceFilter,
  type VnfInstanceFacts,
  type VnfInstanceFactsLookup,
} from '../../platform/sol/subscriptions/vnf-instance-filter.ts';
import type { Alarm, FmNotificationsFilter, FmNotificationType } from './alarm.types.ts';

// The port is shared with the indicator subscriptions; the composition root adapts LCM to it.
export { idOnlyFacts };
export type { VnfInstanceFacts, VnfInstanceFactsLookup };

/** What an FM notification is about: the facts a filter is matched against. */
export interface FmNotificationSubject {
  readonly notificationType: FmNotificationType;
  /** Absent for AlarmListRebuiltNotification, which is about the whole list. */
  readonly alarm?: Alarm;
  readonly vnfInstance?: VnfInstanceFacts;
}

/**
 * SOL003 7.5.3.2 FmNotificationsFilter, as Tacker matches it (fm_subscription_utils
 * get_matched_subscs): every attribute given must match, any value of a list will do.
 * The alarm attributes (faultyResourceTypes, perceivedSeverities, eventTypes,
 * probableCauses) only filter alarm notifications, and faultyResourceTypes only alarms
 * that have a root-cause faulty resource. AlarmListRebuiltNotification is about the whole
 * list: only notificationTypes applies to it.
 */
export function matchesFmFilter(filter: FmNotificationsFilter | undefined, s: FmNotificationSubject): boolean {
  if (!filter) return true;
  if (filter.notificationTypes && !filter.notificationTypes.includes(s.notificationType)) return false;
  const alarm = s.alarm;
  if (!alarm) return true;
  if (filter.vnfInstanceSubscriptionFilter && !matchesVnfInstanceFilter(filter.vnfInstanceSubscriptionFilter, s.vnfInstance ?? { id: alarm.managedObjectId })) {
    return false;
  }
  const faulty = alarm.rootCauseFaultyResource?.faultyResourceType;
  if (faulty && filter.faultyResourceTypes && !filter.faultyResourceTypes.includes(faulty)) return false;
  if (filter.perceivedSeverities && !filter.perceivedSeverities.includes(alarm.perceivedSeverity)) return false;
  if (filter.eventTypes && !filter.eventTypes.includes(alarm.eventType)) return false;
  if (filter.probableCauses && !filter.probableCauses.includes(alarm.probableCause)) return false;
  return true;
}

/** The matcher enqueueNotification(tx, VNFFM, notification, matcher) uses for an FM notification. */
export function fmSubscriptionMatcher(subject: FmNotificationSubject): SubscriptionMatcher {
  return (subscription) => matchesFmFilter(subscription.filter as FmNotificationsFilter | undefined, subject);
}
