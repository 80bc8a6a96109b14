import { QueryTypes, type Sequelize } from 'sequelize';
import type { SubscriptionAuthentication } from './subscription-authentication.ts';

/** A delivery claimed for one attempt, with where it goes. */
export interface ClaimedDelivery {
  readonly seq: number;
  readonly id: string;
  readonly subscriptionId: string;
  readonly api: string;
  /** The notification body as stored (JSON text), sent unchanged. */
  readonly body: string;
  /** Attempts made, this one included. */
  readonly attempts: number;
  readonly callbackUri: string;
  readonly authentication: SubscriptionAuthentication | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * The notification_deliveries table seen by the delivery worker. Every method
 * is one short statement (its own transaction), so the worker never holds a
 * lock while it talks to a receiver, and on the embedded database it never
 * keeps other connections waiting.
 */
export class NotificationDeliveryRepository {
  constructor(private readonly sequelize: Sequelize) {}

  /** Subscriptions with deliveries due now, oldest first, leaving out those already being served. */
  async dueSubscriptions(limit: number, exclude: readonly string[]): Promise<string[]> {
    const rows = await this.sequelize.query<{ subscription_id: string }>(
      `SELECT subscription_id FROM notification_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now() AND NOT (subscription_id = ANY($1::uuid[]))
        GROUP BY subscription_id ORDER BY min(next_attempt_at), min(seq) LIMIT $2`,
      { bind: [exclude, limit], type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.subscription_id);
  }

  /**
   * Claims the subscription's oldest due delivery for one attempt: counts the
   * attempt and leases the row until `leaseMs` from now, so that no other worker
   * (another replica) sends it meanwhile. If this process dies mid-attempt, the
   * lease runs out and the delivery is due again: at least once.
   */
  async claimNext(subscriptionId: string, leaseMs: number): Promise<ClaimedDelivery | undefined> {
    const rows = await this.sequelize.query<{
      seq: number;
      id: string;
      subscription_id: string;
      api: string;
      body: string;
      attempts: number;
      callback_uri: string;
      authentication: SubscriptionAuthentication | null;
    }>(
      `UPDATE notification_deliveries d
          SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
         FROM subscriptions s
        WHERE d.seq = (SELECT seq FROM notification_deliveries
                        WHERE subscription_id = $1 AND status = 'pending' AND next_attempt_at <= now()
                        ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
          AND s.id = d.subscription_id
      RETURNING d.seq, d.id, d.subscription_id, d.api, d.payload::text AS body, d.attempts, s.callback_uri, s.authentication`,
      { bind: [subscriptionId, leaseMs], type: QueryTypes.SELECT },
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      seq: r.seq,
      id: r.id,
      subscriptionId: r.subscription_id,
      api: r.api,
      body: r.body,
      attempts: r.attempts,
      callbackUri: r.callback_uri,
      authentication: r.authentication,
    };
  }

  async markDelivered(seq: number): Promise<void> {
    await this.sequelize.query(
      `UPDATE notification_deliveries SET status = 'delivered', finished_at = now(), last_error = NULL
        WHERE seq = $1 AND status = 'pending'`,
      { bind: [seq] },
    );
  }

  /** Gives the delivery up after its last attempt: kept, marked failed. */
  async markFailed(seq: number, error: string): Promise<void> {
    await this.sequelize.query(
      `UPDATE notification_deliveries SET status = 'failed', finished_at = now(), last_error = $2
        WHERE seq = $1 AND status = 'pending'`,
      { bind: [seq, error] },
    );
  }

  /**
   * After a failed attempt, nothing of that subscription is tried for `delayMs`:
   * the failed delivery is retried then, and the later ones wait behind it, so
   * a receiver that is down costs one attempt per backoff period and its
   * notifications keep their order.
   */
  async deferSubscription(subscriptionId: string, failedSeq: number, delayMs: number, error: string): Promise<void> {
    // The database clock decides when rows are due, so the retry time is computed there too.
    await this.sequelize.query(
      `WITH t AS (SELECT now() + make_interval(secs => $3::double precision / 1000) AS at)
       UPDATE notification_deliveries
          SET next_attempt_at = CASE WHEN seq = $2 THEN t.at ELSE greatest(next_attempt_at, t.at) END,
              last_error = CASE WHEN seq = $2 THEN $4 ELSE last_error END
         FROM t
        WHERE subscription_id = $1 AND status = 'pending'`,
      { bind: [subscriptionId, failedSeq, delayMs, error] },
    );
  }

  /** Deliveries due now (for flushing and the pending gauge). */
  async countDue(): Promise<number> {
    const rows = await this.sequelize.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= now()`,
      { type: QueryTypes.SELECT },
    );
    return rows[0].n;
  }
}
