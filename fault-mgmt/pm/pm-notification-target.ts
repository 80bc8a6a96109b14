/**
 * Where the notifications of a PM job or threshold go. VNF PM 2.x has no subscriptions: each
 * job and threshold carries its own callbackUri and authentication (SOL003 6.5.2.6/6.5.2.8),
 * and its notifications carry no subscriptionId. To deliver them through the notification
 * outbox (at least once, retried, in order, across crashes), each job and threshold is
 * registered as a delivery target: a `subscriptions` row with api 'vnfpm' and the job's or
 * threshold's own id, holding its callbackUri and credentials. Deleting the target drops its
 * pending notifications (ON DELETE CASCADE). These rows are never listed: vnfpm serves no
 * /subscriptions resource.
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { VNFPM } from '../../platform/http/sol-api.ts';
import { testCallbackUri } from '../../platform/sol/subscriptions/callback-test.ts';
import type { Notifier } from '../../platform/sol/subscriptions/http-notifier.ts';
import { credentialOf, type SubscriptionAuthentication } from '../../platform/sol/subscriptions/subscription-authentication.ts';

export interface NotificationTarget {
  /** The PM job's or threshold's id. */
  readonly id: string;
  readonly callbackUri: string;
  readonly authentication: SubscriptionAuthentication | undefined;
  /** The job's or threshold's own URI. */
  readonly selfHref: string;
}

/** Wakes the delivery worker after a commit that enqueued notifications (it also polls). */
export interface DeliveryNudge {
  nudge(): void;
}

export class PmNotificationTargets {
  constructor(
    private readonly db: Database,
    private readonly notifier: Notifier,
    private readonly callbackTestTimeoutMs: number,
    private readonly deliveries?: DeliveryNudge,
  ) {}

  /** SOL003 6.4.2.3.1 / 6.4.5.3.1 (Tacker pm_job_utils.test_notification): GET callbackUri must answer 204, else 422. */
  test(callbackUri: string, authentication: SubscriptionAuthentication | undefined): Promise<void> {
    return testCallbackUri(this.notifier, VNFPM, { uri: callbackUri, credential: credentialOf(authentication) }, this.callbackTestTimeoutMs);
  }

  async insert(tx: Transaction, t: NotificationTarget): Promise<void> {
    const doc = { id: t.id, callbackUri: t.callbackUri, _links: { self: { href: t.selfHref } } };
    await this.db.sequelize.query(
      `INSERT INTO subscriptions (id, api, doc, callback_uri, authentication) VALUES ($1, $2, $3::jsonb, $4, $5::jsonb)`,
      {
        bind: [t.id, VNFPM.name, JSON.stringify(doc), t.callbackUri, t.authentication ? JSON.stringify(t.authentication) : null],
        transaction: tx,
      },
    );
  }

  /** The stored credentials of a target (never returned by the API; for a PATCH that keeps them). */
  async authenticationOf(id: string): Promise<SubscriptionAuthentication | undefined> {
    const rows = await this.db.sequelize.query<{ authentication: SubscriptionAuthentication | null }>(
      'SELECT authentication FROM subscriptions WHERE api = $1 AND id = $2',
      { bind: [VNFPM.name, id], type: QueryTypes.SELECT },
    );
    return rows[0]?.authentication ?? undefined;
  }

  /**
   * Points the target at a new callbackUri and credentials; notifications not yet delivered
   * go there too (a delivery reads the target when it is claimed).
   */
  async update(tx: Transaction, t: NotificationTarget): Promise<void> {
    const doc = { id: t.id, callbackUri: t.callbackUri, _links: { self: { href: t.selfHref } } };
    await this.db.sequelize.query(
      'UPDATE subscriptions SET doc = $3::jsonb, callback_uri = $4, authentication = $5::jsonb WHERE api = $1 AND id = $2',
      {
        bind: [VNFPM.name, t.id, JSON.stringify(doc), t.callbackUri, t.authentication ? JSON.stringify(t.authentication) : null],
        transaction: tx,
      },
    );
  }

  /** Deletes the target and, by cascade, its undelivered notifications. */
  async delete(tx: Transaction, id: string): Promise<void> {
    await this.db.sequelize.query('DELETE FROM subscriptions WHERE api = $1 AND id = $2', { bind: [VNFPM.name, id], transaction: tx });
  }

  /**
   * Enqueues `notification` for the target in the transaction of the change that causes it;
   * delivered at least once after the commit. Returns the notification's id.
   */
  async enqueue(tx: Transaction, targetId: string, notification: Record<string, unknown>): Promise<string> {
    const id = randomUUID();
    await this.db.sequelize.query(
      `INSERT INTO notification_deliveries (id, subscription_id, api, payload) VALUES ($1, $2, $3, $4::jsonb)`,
      { bind: [id, targetId, VNFPM.name, JSON.stringify({ id, ...notification })], transaction: tx },
    );
    const deliveries = this.deliveries;
    if (deliveries) tx.afterCommit(() => deliveries.nudge());
    return id;
  }
}
