import { randomUUID } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import { sequelizeOf, type Database } from '../db/database.ts';
import { isUuid } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { PlatformMetrics } from '../metrics.ts';
import type { BusEvent, EventBus } from './event-bus.port.ts';
import { purgeInbox } from './inbox.ts';

/** An event to publish once the caller's transaction commits. */
export interface NewEvent {
  readonly topic: string;
  readonly payload: unknown;
  /** Defaults to a new UUID; give one to make the append itself idempotent. */
  readonly id?: string;
}

const TOPIC = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * Records events in the outbox inside the caller's transaction, so they exist exactly
 * when the state change that caused them is committed (a rollback leaves nothing to
 * publish). Pass the relay to have it publish right after the commit instead of at its
 * next poll.
 */
export async function appendToOutbox(
  tx: Transaction,
  events: readonly NewEvent[],
  relay?: Pick<OutboxRelay, 'nudge'>,
): Promise<BusEvent[]> {
  if (events.length === 0) return [];
  const out = outboxRowsOf(events);
  const bind: unknown[] = [out[0].event.occurredAt];
  const rows = out.map(({ event: e, json }) => {
    bind.push(e.id, e.topic, json);
    const n = bind.length;
    return `($${n - 2}::uuid, $${n - 1}, $${n}::jsonb, $1::timestamptz, $1::timestamptz)`;
  });
  await sequelizeOf(tx).query(
    `INSERT INTO outbox_events (id, topic, payload, occurred_at, available_at) VALUES ${rows.join(', ')}`,
    { bind, transaction: tx },
  );
  if (relay) tx.afterCommit(() => relay.nudge());
  return out.map((r) => r.event);
}

/**
 * appendToOutbox's INSERT as literal SQL, for a statement script that cannot bind
 * parameters (the monitoring store's one-round-trip COPY transaction). `quote` is pg's
 * string-literal escaping (`escapeLiteral`, what its clients use). The caller runs the
 * statement in its transaction and nudges the relay once it has committed.
 */
export function outboxInsertLiteral(events: readonly NewEvent[], quote: (text: string) => string): { sql: string; events: BusEvent[] } | undefined {
  if (events.length === 0) return undefined;
  const out = outboxRowsOf(events);
  const at = `${quote(out[0].event.occurredAt)}::timestamptz`;
  const rows = out.map(({ event: e, json }) => `(${quote(e.id)}::uuid, ${quote(e.topic)}, ${quote(json)}::jsonb, ${at}, ${at})`);
  return { sql: `INSERT INTO outbox_events (id, topic, payload, occurred_at, available_at) VALUES ${rows.join(', ')}`, events: out.map((r) => r.event) };
}

/**
 * The events as outbox rows: topic and id checked; the payload serialised once, and given
 * back as consumers will see it (parsed from that JSON, which is also what jsonb stores).
 */
function outboxRowsOf(events: readonly NewEvent[]): { event: BusEvent; json: string }[] {
  const occurredAt = new Date().toISOString();
  return events.map((e) => {
    if (!TOPIC.test(e.topic)) throw new Error(`invalid event topic '${e.topic}': dot-separated words, no wildcards`);
    if (e.id !== undefined && !isUuid(e.id)) throw new Error(`event id '${e.id}' is not a UUID`);
    const json = JSON.stringify(e.payload ?? null);
    return { event: { id: e.id ?? randomUUID(), topic: e.topic, occurredAt, payload: JSON.parse(json) }, json };
  });
}

/** Deletes published events older than `retentionHours`, in batches so no long lock is held. */
export async function purgeOutbox(db: Database, retentionHours: number, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.sequelize.query<{ seq: number }>(
      `DELETE FROM outbox_events WHERE seq IN (
         SELECT seq FROM outbox_events
         WHERE published_at < now() - $1 * interval '1 hour' LIMIT $2)
       RETURNING seq`,
      { bind: [retentionHours, batch], type: QueryTypes.SELECT },
    );
    total += deleted.length;
    if (deleted.length < batch) return total;
  }
}

export interface OutboxRelayOptions {
  readonly db: Database;
  readonly bus: EventBus;
  readonly log: Logger;
  readonly metrics: PlatformMetrics;
  /** How often to look for events when nobody nudges (VNFM_OUTBOX_POLL_MS). */
  readonly pollMs: number;
  /** Published events are deleted after this many hours (VNFM_OUTBOX_RETENTION_HOURS). */
  readonly retentionHours?: number;
  /** Handled event ids are forgotten after this many hours (VNFM_INBOX_RETENTION_HOURS). */
  readonly inboxRetentionHours?: number;
  /** Events claimed and published per round. */
  readonly batchSize?: number;
  /** How long claimed events stay invisible to other relays; a crashed relay's claims expire after it. */
  readonly leaseMs?: number;
  /**
   * A nudged round starts at least this long after the previous round started (default 20):
   * under a stream of commits, one round publishes what several of them appended instead of
   * two statements per commit. The first nudge after a quiet spell starts a round at once.
   */
  readonly minRoundIntervalMs?: number;
}

interface OutboxRow {
  seq: number;
  id: string;
  topic: string;
  payload: unknown;
  occurred_at: Date;
  attempts: number;
}

const SWEEP_EVERY_MS = 3_600_000;
const MAX_PUBLISH_BACKOFF_MS = 60_000;
/**
 * The depth gauge is counted at most this often while rounds publish (each a count of the
 * pending rows), and always when a round finds nothing: under load one count per second
 * instead of one per write transaction.
 */
const DEPTH_EVERY_MS = 1_000;

/**
 * Publishes committed outbox events on the bus, at least once and in append (seq) order.
 * Each round claims a batch with one `UPDATE ... FOR UPDATE SKIP LOCKED` statement that
 * pushes `available_at` out by a lease, so relays of several replicas never publish the
 * same row at once and no transaction stays open while publishing (on the embedded
 * database an open transaction would block the consumers the in-process bus runs).
 * A row is marked published only after the bus accepted it (broker confirm); a failed
 * publish leaves it for a later round after a doubling delay; a crash leaves it claimed
 * until the lease ends, and then it is published again.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly minRoundIntervalMs: number;
  private roundStartedAt = -Infinity;
  private timer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  /** Rounds run one after another; this is the last one queued. */
  private rounds: Promise<unknown> = Promise.resolve();
  private started = false;
  private stopped = false;
  private ticking = false;
  private nudged = false;
  private failures = 0;
  private sweeping: Promise<void> = Promise.resolve();
  private depthCountedAt = -Infinity;
  private depthTimer?: NodeJS.Timeout;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.batchSize = opts.batchSize ?? 100;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.minRoundIntervalMs = opts.minRoundIntervalMs ?? 20;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.opts.db.embedded) {
      // The embedded database belongs to this process alone: claims left in it were made by
      // a relay that is gone (crash, kill), so they are released now instead of after the lease.
      await this.opts.db.sequelize.query(
        'UPDATE outbox_events SET available_at = now() WHERE published_at IS NULL AND available_at > now()',
      );
    }
    await this.updateDepth();
    this.schedule(0);
    this.sweeping = this.sweep();
    this.sweepTimer = setInterval(() => (this.sweeping = this.sweep()), SWEEP_EVERY_MS).unref();
  }

  /** Publish soon (e.g. right after a commit) instead of at the next poll. */
  nudge(): void {
    if (!this.started || this.stopped) return;
    this.nudged = true;
    if (!this.ticking) this.schedule(this.untilNextRound());
  }

  /** Milliseconds until a nudged round may start (minRoundIntervalMs after the last one started). */
  private untilNextRound(): number {
    return Math.max(0, this.roundStartedAt + this.minRoundIntervalMs - performance.now());
  }

  /**
   * Publishes everything that is pending and not claimed by another relay; returns the count.
   * For tests and shutdown; never from a bus handler (with the in-process bus, publish waits
   * for the handlers, so the flush would wait for itself).
   */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.round();
      total += n;
      if (n === 0) return total;
    }
  }

  /** Stops polling and waits for the round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.sweepTimer);
    clearTimeout(this.depthTimer);
    await this.rounds.catch(() => undefined);
    await this.sweeping;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    this.nudged = false;
    this.roundStartedAt = performance.now();
    let next = this.opts.pollMs;
    try {
      const published = await this.round();
      this.failures = 0;
      if (published === this.batchSize) next = 0; // more may be waiting
    } catch (err) {
      // The database is unreachable: poll less often until it is back.
      this.failures++;
      next = Math.min(this.opts.pollMs * 2 ** this.failures, MAX_PUBLISH_BACKOFF_MS);
      this.opts.log.warn({ err, retryInMs: next }, 'outbox relay round failed');
    } finally {
      this.ticking = false;
    }
    // A full batch: more is waiting, on at once. Else, when nudged meanwhile, paced.
    this.schedule(next === 0 ? 0 : this.nudged ? this.untilNextRound() : next);
  }

  private round(): Promise<number> {
    const run = this.rounds.then(() => this.publishBatch());
    this.rounds = run.catch(() => undefined);
    return run;
  }

  private async publishBatch(): Promise<number> {
    const rows = (await this.claim()).sort((a, b) => a.seq - b.seq);
    if (rows.length === 0) {
      await this.updateDepth(true);
      return 0;
    }
    // Published together: both adapters keep call order (one confirm channel, FIFO queues).
    const results = await Promise.allSettled(rows.map((r) => this.opts.bus.publish(toEvent(r))));
    const published = rows.filter((_, i) => results[i].status === 'fulfilled');
    const failed = rows.filter((_, i) => results[i].status === 'rejected');
    if (published.length > 0) {
      await this.opts.db.sequelize.query(
        'UPDATE outbox_events SET published_at = now(), last_error = NULL WHERE seq = ANY($1::bigint[])',
        { bind: [published.map((r) => r.seq)] },
      );
      for (const r of published) this.opts.metrics.busPublished.inc({ topic: r.topic });
    }
    if (failed.length > 0) {
      const reason = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
      const message = reason instanceof Error ? reason.message : String(reason);
      const delay = Math.min(1000 * 2 ** (Math.max(...failed.map((r) => r.attempts)) - 1), MAX_PUBLISH_BACKOFF_MS);
      await this.opts.db.sequelize.query(
        `UPDATE outbox_events SET available_at = now() + $2 * interval '1 millisecond', last_error = $3
         WHERE seq = ANY($1::bigint[])`,
        { bind: [failed.map((r) => r.seq), delay, message.slice(0, 1000)] },
      );
      this.opts.log.warn({ failed: failed.length, published: published.length, retryInMs: delay, error: message }, 'outbox events not published; will retry');
    }
    await this.updateDepth();
    return published.length;
  }

  private claim(): Promise<OutboxRow[]> {
    return this.opts.db.sequelize.query<OutboxRow>(
      `UPDATE outbox_events o
       SET available_at = now() + $2 * interval '1 millisecond', attempts = o.attempts + 1
       FROM (SELECT seq FROM outbox_events
             WHERE published_at IS NULL AND available_at <= now()
             ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED) claimed
       WHERE o.seq = claimed.seq
       RETURNING o.seq, o.id, o.topic, o.payload, o.occurred_at, o.attempts`,
      { bind: [this.batchSize, this.leaseMs], type: QueryTypes.SELECT },
    );
  }

  /** Counts the pending rows for the gauge; unless `now`, at most once per DEPTH_EVERY_MS, the skipped count done later. */
  private async updateDepth(now = false): Promise<void> {
    const wait = this.depthCountedAt + DEPTH_EVERY_MS - performance.now();
    if (!now && wait > 0) {
      this.depthTimer ??= setTimeout(() => {
        this.depthTimer = undefined;
        if (!this.stopped) void this.updateDepth(true).catch((err) => this.opts.log.debug({ err }, 'outbox depth not counted'));
      }, wait).unref();
      return;
    }
    clearTimeout(this.depthTimer);
    this.depthTimer = undefined;
    this.depthCountedAt = performance.now();
    const [row] = await this.opts.db.sequelize.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL',
      { type: QueryTypes.SELECT },
    );
    this.opts.metrics.outboxDepth.set(row.n);
  }

  private async sweep(): Promise<void> {
    try {
      const outbox = await purgeOutbox(this.opts.db, this.opts.retentionHours ?? 24);
      const inbox = await purgeInbox(this.opts.db, this.opts.inboxRetentionHours ?? 168);
      if (outbox + inbox > 0) this.opts.log.info({ outbox, inbox }, 'old outbox and inbox rows deleted');
    } catch (err) {
      this.opts.log.warn({ err }, 'outbox/inbox retention sweep failed');
    }
  }
}

function toEvent(r: OutboxRow): BusEvent {
  return { id: r.id, topic: r.topic, occurredAt: new Date(r.occurred_at).toISOString(), payload: r.payload };
}
