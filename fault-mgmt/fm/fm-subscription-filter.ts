import type { Transaction } from 'sequelize';
import type { SubscriptionMatcher } from '../../platform/sol/subscriptions/notification-outbox.ts';
import type { Alarm, FmNotificationsFilter, FmNotificationType } from './alarm.types.ts';

type InstanceFilter = NonNullable<FmNotificationsFilter['vnfInstanceSubscriptionFilter']>;

/** What is known about a VNF instance for SOL003 4.4.1.5 VnfInstanceSubscriptionFilter. */
export interface VnfInstanceFacts {
  readonly id: string;
  readonly vnfInstanceName?: string;
  readonly vnfdId?: string;
  readonly vnfProvider?: string;
  readonly vnfProductName?: string;
  readonly vnfSoftwareVersion?: string;
  readonly vnfdVersion?: string;
}

/**
 * Port: the facts of a VNF instance, read in the notifying transaction `tx` (queries must
 * pass it). The LCM module knows them; without it only the id is known.
 */
export type VnfInstanceFactsLookup = (tx: Transaction, vnfInstanceId: string) => Promise<VnfInstanceFacts | undefined>;

export const idOnlyFacts: VnfInstanceFactsLookup = async (_tx, id) => ({ id });

/** What an FM notification is about: the facts a filter is matched against. */
export interface FmNotificationSubject {
  readonly notificationType: FmNotificationType;
  /** Absent for AlarmListRebuiltNotification, which is about the whole list. */
  readonly alarm?: Alarm;
  readonly vnfInstance?: VnfInstanceFacts;
}

type Products = NonNullable<InstanceFilter['vnfProductsFromProviders']>[number];

function matchesProducts(p: Products, inst: VnfInstanceFacts): boolean {
  if (p.vnfProvider !== inst.vnfProvider) return false;
  if (!p.vnfProducts) return true;
  return p.vnfProducts.some(
    (product) =>
      product.vnfProductName === inst.vnfProductName &&
      (!product.versions ||
        product.versions.some(
          (v) => v.vnfSoftwareVersion === inst.vnfSoftwareVersion && (!v.vnfdVersions || v.vnfdVersions.includes(inst.vnfdVersion ?? '')),
        )),
  );
}

/** An attribute the filter names but the instance facts lack never matches. */
function matchesInstance(f: InstanceFilter, inst: VnfInstanceFacts): boolean {
  if (f.vnfdIds && !(inst.vnfdId !== undefined && f.vnfdIds.includes(inst.vnfdId))) return false;
  if (f.vnfProductsFromProviders && !f.vnfProductsFromProviders.some((p) => matchesProducts(p, inst))) return false;
  if (f.vnfInstanceIds && !f.vnfInstanceIds.includes(inst.id)) return false;
  if (f.vnfInstanceNames && !(inst.vnfInstanceName !== undefined && f.vnfInstanceNames.includes(inst.vnfInstanceName))) return false;
  return true;
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
  if (filter.vnfInstanceSubscriptionFilter && !matchesInstance(filter.vnfInstanceSubscriptionFilter, s.vnfInstance ?? { id: alarm.managedObjectId })) {
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
