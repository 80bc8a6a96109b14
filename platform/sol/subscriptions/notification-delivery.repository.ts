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

  /**
   * Subscriptions whose oldest pending delivery is due now, longest waiting
   * first, leaving out those already being served. A subscription whose oldest
   * delivery waits (backoff, or leased to another worker) is not due even if
   * later ones are: they would overtake it.
   */
  async dueSubscriptions(limit: number, exclude: readonly string[]): Promise<string[]> {
    const rows = await this.sequelize.query<{ subscription_id: string }>(
      `SELECT d.subscription_id FROM notification_deliveries d
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND NOT (d.subscription_id = ANY($1::uuid[]))
        GROUP BY d.subscription_id
       HAVING (SELECT h.next_attempt_at <= now() FROM notification_deliveries h
                WHERE h.subscription_id = d.subscription_id AND h.status = 'pending' ORDER BY h.seq LIMIT 1)
        ORDER BY min(d.next_attempt_at), min(d.seq) LIMIT $2`,
      { bind: [exclude, limit], type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.subscription_id);
  }

  /**
   * Claims up to `limit` of the subscription's oldest due deliveries, in order,
   * for one attempt each: counts the attempt and leases the rows until `leaseMs`
   * from now, so that no other worker (another replica) sends them meanwhile.
   * If this process dies, the lease runs out and they are due again: at least once.
   *
   * Nothing is claimed while the subscription's oldest pending delivery is not
   * due (backing off, or leased by another worker), unless the caller holds it
   * (`held`: rows it claimed and has not settled yet), so that deliveries never
   * overtake an earlier one. The same statement records `delivered` rows as
   * delivered, so that a lane that claims ahead commits once per batch.
   */
  async claim(
    subscriptionId: string,
    limit: number,
    leaseMs: number,
    done: { readonly delivered?: readonly number[]; readonly held?: readonly number[] } = {},
  ): Promise<ClaimedDelivery[]> {
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
      // The sub-statements see one snapshot: rows settled here are still leased in it, so not claimed.
      `WITH settled AS (
         UPDATE notification_deliveries SET status = 'delivered', finished_at = now(), last_error = NULL, claimed_until = NULL
          WHERE seq = ANY($4::bigint[]) AND status = 'pending'
       ), head AS (
         SELECT seq, next_attempt_at FROM notification_deliveries
          WHERE subscription_id = $1 AND status = 'pending' ORDER BY seq LIMIT 1
       )
       UPDATE notification_deliveries d
          SET attempts = d.attempts + 1, next_attempt_at = l.until, claimed_until = l.until
         FROM (SELECT now() + make_interval(secs => $3::double precision / 1000) AS until) l, (SELECT seq FROM notification_deliveries
                WHERE subscription_id = $1 AND status = 'pending' AND next_attempt_at <= now()
                  AND NOT EXISTS (SELECT 1 FROM head WHERE head.next_attempt_at > now() AND NOT (head.seq = ANY($5::bigint[])))
                ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED) c, subscriptions s
        WHERE d.seq = c.seq AND s.id = d.subscription_id
      RETURNING d.seq, d.id, d.subscription_id, d.api, d.payload::text AS body, d.attempts, s.callback_uri, s.authentication`,
      { bind: [subscriptionId, limit, leaseMs, done.delivered ?? [], done.held ?? []], type: QueryTypes.SELECT },
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
   * sent again (at least once, not exactly once). Safe to repeat when its reply
   * was lost (only pending rows change; an attempt is never uncounted below 0).
   */
  async settle(delivered: readonly number[], released: readonly number[]): Promise<void> {
    if (delivered.length === 0 && released.length === 0) return;
    await this.sequelize.query(
      `UPDATE notification_deliveries
          SET status = CASE WHEN seq = ANY($1::bigint[]) THEN 'delivered' ELSE status END,
              finished_at = CASE WHEN seq = ANY($1::bigint[]) THEN now() ELSE finished_at END,
              last_error = CASE WHEN seq = ANY($1::bigint[]) THEN NULL ELSE last_error END,
              attempts = CASE WHEN seq = ANY($2::bigint[]) THEN greatest(attempts - 1, 0) ELSE attempts END,
              next_attempt_at = CASE WHEN seq = ANY($2::bigint[]) THEN now() ELSE next_attempt_at END,
              claimed_until = NULL
        WHERE (seq = ANY($1::bigint[]) OR seq = ANY($2::bigint[])) AND status = 'pending'`,
      { bind: [delivered, released] },
    );
  }

  /** Gives the delivery up after its last attempt: kept, marked failed. */
  async markFailed(seq: number, error: string): Promise<void> {
    await this.sequelize.query(
      `UPDATE notification_deliveries SET status = 'failed', finished_at = now(), last_error = $2, claimed_until = NULL
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
              attempts = CASE WHEN seq = ANY($5::bigint[]) THEN greatest(attempts - 1, 0) ELSE attempts END,
              last_error = CASE WHEN seq = $2 THEN $4 ELSE last_error END,
              claimed_until = NULL
         FROM t
        WHERE subscription_id = $1 AND status = 'pending'`,
      { bind: [subscriptionId, failedSeq, delayMs, error, released] },
    );
  }

  /**
   * Makes deliveries claimed by a process that is gone due now instead of when
   * their lease ends; backoffs (claimed_until NULL) keep their time. Only for
   * the embedded database, which this process alone uses: on a shared server the
   * claims may belong to a replica that is still sending them. Their attempt
   * stays counted, as it may have been made (at least once).
   */
  async releaseClaims(): Promise<number> {
    const released = await this.sequelize.query<{ seq: number }>(
      `UPDATE notification_deliveries SET next_attempt_at = least(next_attempt_at, now()), claimed_until = NULL
        WHERE status = 'pending' AND claimed_until IS NOT NULL
       RETURNING seq`,
      { type: QueryTypes.SELECT },
    );
    return released.length;
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
}
