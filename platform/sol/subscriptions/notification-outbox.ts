import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { sequelizeOf } from '../../db/database.ts';
import type { SolApi } from '../../http/sol-api.ts';
import { subscriptionsToNotify, type SubscriptionDoc } from './subscription.repository.ts';

/**
 * A notification as its producer builds it, before it is addressed: `id`,
 * `subscriptionId` and `_links.subscription` are filled in per subscription.
 */
export interface SolNotification {
  readonly notificationType: string;
  readonly _links?: Record<string, unknown>;
  readonly [attribute: string]: unknown;
}

/**
 * Decides whether a subscription wants a notification; each API has its own
 * (e.g. lcm-subscription-filter.ts for LifecycleChangeNotificationsFilter).
 */
export type SubscriptionMatcher = (subscription: SubscriptionDoc) => boolean;

export const everySubscription: SubscriptionMatcher = () => true;

type EnqueueListener = () => void;
const listeners = new Set<EnqueueListener>();

/** Called after every commit that enqueued notifications (the delivery worker wakes up). */
export function onNotificationsEnqueued(listener: EnqueueListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Enqueues `notification` for every subscription of `api` that `matches`, in
 * the SAME transaction as the state change that caused it: committed together
 * or not at all, and delivered at least once after the commit (also across a
 * crash, since the rows stay until delivered). Every subscription gets its own
 * notification id. Returns the ids enqueued.
 *
 * A notification that differs per subscription (LCM `verbosity` SHORT or FULL,
 * SOL003 5.5.3.23) is enqueued once per form, each with a matcher that also
 * checks the subscription's attribute, e.g. `(s) => matches(s) && s.verbosity === 'SHORT'`.
 */
export async function enqueueNotification(
  tx: Transaction,
  api: SolApi,
  notification: SolNotification,
  matches: SubscriptionMatcher = everySubscription,
): Promise<string[]> {
  const sequelize = sequelizeOf(tx);
  const subscriptions = (await subscriptionsToNotify(sequelize, tx, api)).filter(matches);
  if (subscriptions.length === 0) return [];
  const bind: unknown[] = [];
  const values: string[] = [];
  const ids: string[] = [];
  for (const sub of subscriptions) {
    const payload = addressed(notification, sub);
    ids.push(payload.id);
    const n = bind.push(payload.id, sub.id, api.name, JSON.stringify(payload));
    values.push(`($${n - 3}, $${n - 2}, $${n - 1}, $${n}::jsonb)`);
  }
  await sequelize.query(
    `INSERT INTO notification_deliveries (id, subscription_id, api, payload) VALUES ${values.join(', ')}`,
    { bind, transaction: tx },
  );
  tx.afterCommit(() => {
    for (const listener of listeners) listener();
  });
  return ids;
}

/** The notification as one subscriber receives it (SOL003 5.5.2.17 `_links.subscription`). */
function addressed(notification: SolNotification, sub: SubscriptionDoc): { id: string } & Record<string, unknown> {
  // A producer's own id or subscriptionId would be wrong for this subscriber: dropped.
  const { notificationType, _links, id: _id, subscriptionId: _subscriptionId, ...rest } = notification;
  return {
    id: randomUUID(),
    notificationType,
    subscriptionId: sub.id,
    ...rest,
    _links: { ..._links, subscription: { href: sub._links.self.href } },
  };
}
