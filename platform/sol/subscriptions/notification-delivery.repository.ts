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
   * Claims up to `limit` of the subscription's oldest due deliveries, in order,
   * for one attempt each: counts the attempt and leases the rows until `leaseMs`
   * from now, so that no other worker (another replica) sends them meanwhile.
   * If this process dies, the lease runs out and they are due again: at least once.
   */
  async claim(subscriptionId: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
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
          SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
         FROM (SELECT seq FROM notification_deliveries
                WHERE subscription_id = $1 AND status = 'pending' AND next_attempt_at <= now()
                ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED) c, subscriptions s
        WHERE d.seq = c.seq AND s.id = d.subscription_id
      RETURNING d.seq, d.id, d.subscription_id, d.api, d.payload::text AS body, d.attempts, s.callback_uri, s.authentication`,
      { bind: [subscriptionId, limit, leaseMs], type: QueryTypes.SELECT },
    );
    return rows
      .map((r) => ({
        seq: r.seq,
        id: r.id,
        subscriptionId: r.subscription_id,
        api: r.api,
        body: r.body,
        attempts: r.attempts,
        callbackUri: r.callback_uri,
        authentication: r.authentication,
      }))
      .sort((a, b) => a.seq - b.seq);
  }

  /**
   * Ends a claim in one statement: `delivered` rows are done; `released` rows
   * were claimed but not attempted, so they are due again with their attempt
   * uncounted. A crash before this statement only means those deliveries are
   * sent again (at least once, not exactly once).
   */
  async settle(delivered: readonly number[], released: readonly number[]): Promise<void> {
    if (delivered.length === 0 && released.length === 0) return;
    await this.sequelize.query(
      `UPDATE notification_deliveries
          SET status = CASE WHEN seq = ANY($1::bigint[]) THEN 'delivered' ELSE status END,
              finished_at = CASE WHEN seq = ANY($1::bigint[]) THEN now() ELSE finished_at END,
              last_error = CASE WHEN seq = ANY($1::bigint[]) THEN NULL ELSE last_error END,
              attempts = CASE WHEN seq = ANY($2::bigint[]) THEN attempts - 1 ELSE attempts END,
              next_attempt_at = CASE WHEN seq = ANY($2::bigint[]) THEN now() ELSE next_attempt_at END
        WHERE (seq = ANY($1::bigint[]) OR seq = ANY($2::bigint[])) AND status = 'pending'`,
      { bind: [delivered, released] },
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
   * the failed delivery is retried then, and the later ones wait behind it (those
   * claimed with it are released, their attempt uncounted), so a receiver that
   * is down costs one attempt per backoff period and its notifications keep
   * their order.
   */
  async deferSubscription(
    subscriptionId: string,
    failedSeq: number,
    delayMs: number,
    error: string,
    released: readonly number[] = [],
  ): Promise<void> {
    // The database clock decides when rows are due, so the retry time is computed there too.
    await this.sequelize.query(
      `WITH t AS (SELECT now() + make_interval(secs => $3::double precision / 1000) AS at)
       UPDATE notification_deliveries
          SET next_attempt_at = CASE WHEN seq = $2 OR seq = ANY($5::bigint[]) THEN t.at ELSE greatest(next_attempt_at, t.at) END,
              attempts = CASE WHEN seq = ANY($5::bigint[]) THEN attempts - 1 ELSE attempts END,
              last_error = CASE WHEN seq = $2 THEN $4 ELSE last_error END
         FROM t
        WHERE subscription_id = $1 AND status = 'pending'`,
      { bind: [subscriptionId, failedSeq, delayMs, error, released] },
    );
  }

  /** Deletes deliveries delivered more than `retentionHours` ago, in batches; failed ones are kept. */
  async purgeDelivered(retentionHours: number, batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.sequelize.query<{ seq: number }>(
        `DELETE FROM notification_deliveries WHERE seq IN (
           SELECT seq FROM notification_deliveries
            WHERE status = 'delivered' AND finished_at < now() - $1 * interval '1 hour' LIMIT $2)
         RETURNING seq`,
        { bind: [retentionHours, batch], type: QueryTypes.SELECT },
      );
      total += deleted.length;
      if (deleted.length < batch) return total;
    }
  }

  /** Deliveries due now (for flushing). */
  async countDue(): Promise<number> {
    const rows = await this.sequelize.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= now()`,
      { type: QueryTypes.SELECT },
    );
    return rows[0].n;
  }
}
