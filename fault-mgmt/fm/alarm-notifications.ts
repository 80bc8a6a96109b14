import type { Transaction } from 'sequelize';
import { VNFFM } from '../../platform/http/sol-api.ts';
import { enqueueNotification, type SolNotification } from '../../platform/sol/subscriptions/notification-outbox.ts';
import type { Alarm } from './alarm.types.ts';
import { fmSubscriptionMatcher, type VnfInstanceFactsLookup } from './fm-subscription-filter.ts';

/**
 * The FM notifications (SOL003 7.5.2.5-7.5.2.7) before they are addressed: the outbox
 * adds `id`, `subscriptionId` and `_links.subscription` per subscriber.
 */
export function alarmNotification(alarm: Alarm, timeStamp: string): SolNotification {
  return { notificationType: 'AlarmNotification', timeStamp, alarm, _links: {} };
}

export function alarmClearedNotification(alarm: Alarm, timeStamp: string): SolNotification {
  return {
    notificationType: 'AlarmClearedNotification',
    timeStamp,
    alarmId: alarm.id,
    alarmClearedTime: alarm.alarmClearedTime,
    _links: { alarm: { href: alarm._links.self.href } },
  };
}

export function alarmListRebuiltNotification(publicUrl: string, timeStamp: string): SolNotification {
  return { notificationType: 'AlarmListRebuiltNotification', timeStamp, _links: { alarms: { href: `${publicUrl}/vnffm/v1/alarms` } } };
}

/** Enqueues FM notifications for the matching subscriptions, in the caller's transaction. */
export interface AlarmNotifier {
  /** An alarm was raised or updated: AlarmNotification. */
  changed(tx: Transaction, alarm: Alarm, now: string): Promise<number>;
  /** An alarm was cleared: AlarmClearedNotification. */
  cleared(tx: Transaction, alarm: Alarm, now: string): Promise<number>;
  /** The list was rebuilt: AlarmListRebuiltNotification. */
  listRebuilt(tx: Transaction, now: string): Promise<number>;
}

export function createAlarmNotifier(deps: { publicUrl: string; instanceFacts: VnfInstanceFactsLookup }): AlarmNotifier {
  const forAlarm = async (tx: Transaction, alarm: Alarm, n: SolNotification) => {
    const vnfInstance = (await deps.instanceFacts(tx, alarm.managedObjectId)) ?? { id: alarm.managedObjectId };
    const matcher = fmSubscriptionMatcher({ notificationType: n.notificationType as 'AlarmNotification', alarm, vnfInstance });
    return (await enqueueNotification(tx, VNFFM, n, matcher)).length;
  };
  return {
    changed: (tx, alarm, now) => forAlarm(tx, alarm, alarmNotification(alarm, now)),
    cleared: (tx, alarm, now) => forAlarm(tx, alarm, alarmClearedNotification(alarm, now)),
    async listRebuilt(tx, now) {
      const matcher = fmSubscriptionMatcher({ notificationType: 'AlarmListRebuiltNotification' });
      return (await enqueueNotification(tx, VNFFM, alarmListRebuiltNotification(deps.publicUrl, now), matcher)).length;
    },
  };
}
