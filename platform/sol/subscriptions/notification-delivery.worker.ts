import type { Logger } from '../../logger.ts';
import type { PlatformMetrics } from '../../metrics.ts';
import { SOL_APIS } from '../../http/sol-api.ts';
import { sleepUnlessAborted } from '../../abortable-sleep.ts';
import type { CallbackOutcome, Notifier } from './http-notifier.ts';
import { afterFailedAttempt, retryDelayMs, type RetryPolicy } from './notification-backoff.ts';
import type { ClaimedDelivery, NotificationDeliveryRepository } from './notification-delivery.repository.ts';
import { onNotificationsEnqueued } from './notification-outbox.ts';
import { credentialOf } from './subscription-authentication.ts';

export interface NotificationDeliveryWorkerDeps {
  readonly repository: NotificationDeliveryRepository;
  readonly notifier: Notifier;
  readonly policy: RetryPolicy;
  /** Timeout of one POST (VNFM_NOTIFY_TIMEOUT_MS); sizes the lease of a claimed delivery. */
  readonly timeoutMs: number;
  /** Subscriptions served in parallel (VNFM_NOTIFY_CONCURRENCY). */
  readonly concurrency: number;
  /** How often due deliveries are looked for without being woken (VNFM_OUTBOX_POLL_MS). */
  readonly pollMs: number;
  /** Delivered rows are deleted after this many hours (VNFM_OUTBOX_RETENTION_HOURS); failed ones stay. */
  readonly retentionHours?: number;
  /**
   * True on the embedded database, which this process alone uses: claims found
   * there at start were left by a process that is gone, so they are released
   * instead of waiting out their lease. Never on a shared server, where they may
   * belong to a live replica.
   */
  readonly embedded?: boolean;
  readonly metrics: Pick<PlatformMetrics, 'notificationsSent'>;
  readonly log: Logger;
}

/** A lane gives its slot back after this many deliveries or this long, so that others get a turn. */
const LANE_QUOTA = 1000;
const LANE_SLICE_MS = 2000;
/**
 * Deliveries claimed (and settled) together. A lane starts with a small batch
 * and grows it while the receiver keeps up, to about BATCH_TARGET_MS of
 * sending each, at most MAX_BATCH rows and BATCH_BYTES of bodies (a lane
 * holds two batches: the one it sends and the one claimed meanwhile).
 */
const FIRST_BATCH = 20;
const MAX_BATCH = 500;
const BATCH_TARGET_MS = 500;
const BATCH_BYTES = 1 << 20;
/** A claim's lease is one whole attempt (4 timeouts, see leaseMs) plus this margin. */
const LEASE_MARGIN_MS = 5000;
/** A claimed row is only started while its lease outlasts a whole attempt by at least a second. */
const START_WITHIN_MS = LEASE_MARGIN_MS - 1000;
/** A statement that failed (e.g. the connection was lost) is tried again after these pauses. */
const RETRY_PAUSES_MS = [100, 1000];
/** After an error a lane keeps its slot this long, so that a broken database is not hammered. */
const ERROR_PAUSE_MS = 1000;
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Delivers the notification outbox. Each subscription is served by at most one
 * lane at a time, which sends its due deliveries one after another in the
 * order they were enqueued; up to `concurrency` lanes run in parallel, and a
 * lane yields after a quota, so a slow or dead receiver holds one slot at most
 * and only for one timeout per backoff period. Rows are claimed in batches by
 * short statements (FOR UPDATE SKIP LOCKED plus a lease), so several replicas
 * can share the table and whatever was pending at start, or claimed by a
 * process that died, is delivered: at least once (a crash between a POST and
 * its settling statement sends that notification again). While a lane sends
 * one batch, the next is claimed and the previous one recorded as delivered in
 * a single statement, so the database round trip is hidden behind the POSTs.
 */
export class NotificationDeliveryWorker {
  private readonly lanes = new Map<string, Promise<void>>();
  /** When each subscription was last given a lane: the least recently served go first. */
  private readonly lastServed = new Map<string, number>();
  private readonly versions = new Map(SOL_APIS.map((a) => [a.name as string, a.version]));
  private timer: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private unlisten: (() => void) | undefined;
  private running = false;
  private scheduling: Promise<void> | undefined;
  /** Claims left by a previous process being released (embedded database); nothing is claimed before. */
  private releasing: Promise<void> = Promise.resolve();
  private scheduleAgain = false;
  /** Aborted by stop(), which cuts pauses short; a new one per start(). */
  private stopping = new AbortController();
  /** Long enough for a token request, the POST and one retry with a fresh token, plus the margin. */
  private readonly leaseMs: number;

  constructor(private readonly deps: NotificationDeliveryWorkerDeps) {
    this.leaseMs = 4 * deps.timeoutMs + LEASE_MARGIN_MS;
  }

  /** Starts delivering, beginning with whatever is already pending. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    if (this.deps.embedded) {
      this.releasing = this.deps.repository.releaseClaims().then(
        (released) => void (released > 0 && this.deps.log.info({ released }, 'notification claims of a previous process released')),
        // Not fatal: those deliveries are sent when their lease ends, as on a shared server.
        (err) => this.deps.log.warn({ err }, 'cannot release notification claims of a previous process'),
      );
    }
    this.unlisten = onNotificationsEnqueued(() => this.nudge());
    this.timer = setInterval(() => this.nudge(), this.deps.pollMs);
    this.timer.unref();
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
    this.sweep();
    this.nudge();
  }

  /** Stops claiming; resolves once the attempts in flight have ended (each lane finishes its current one). */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    clearInterval(this.sweeper);
    this.unlisten?.();
    this.stopping.abort();
    await this.scheduling;
    await this.sweeping;
    await Promise.allSettled([...this.lanes.values()]);
  }

  /** Looks for due deliveries now instead of at the next poll. */
  nudge(): void {
    if (!this.running) return;
    if (this.scheduling) {
      this.scheduleAgain = true;
      return;
    }
    this.scheduling = this.schedule().finally(() => {
      this.scheduling = undefined;
    });
  }

  /** While running: resolves once nothing is due and no attempt is in flight (deferred retries are not waited for). */
  async flush(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.nudge();
      await this.scheduling;
      await Promise.allSettled([...this.lanes.values()]);
      if (this.lanes.size === 0 && (await this.deps.repository.dueSubscriptions(1, [])).length === 0) return;
      if (Date.now() > deadline) throw new Error(`notification deliveries still due after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async schedule(): Promise<void> {
    try {
      await this.releasing;
      do {
        this.scheduleAgain = false;
        const free = this.deps.concurrency - this.lanes.size;
        if (!this.running || free <= 0) return;
        const due = await this.deps.repository.dueSubscriptions(free + this.deps.concurrency, [...this.lanes.keys()]);
        due.sort((a, b) => (this.lastServed.get(a) ?? 0) - (this.lastServed.get(b) ?? 0));
        for (const subscriptionId of due.slice(0, free)) this.startLane(subscriptionId);
      } while (this.scheduleAgain && this.running);
    } catch (err) {
      this.deps.log.error({ err }, 'cannot look for due notifications; retrying at the next poll');
    }
  }

  private sweep(): void {
    if (this.sweeping) return;
    this.sweeping = this.deps.repository
      .purgeDelivered(this.deps.retentionHours ?? 24)
      .then(
        (deleted) => void (deleted > 0 && this.deps.log.info({ deleted }, 'old delivered notifications deleted')),
        (err) => this.deps.log.warn({ err }, 'notification retention sweep failed'),
      )
      .finally(() => {
        this.sweeping = undefined;
      });
  }

  private startLane(subscriptionId: string): void {
    if (this.lastServed.size > 10_000) this.lastServed.clear(); // deleted subscriptions would pile up
    this.lastServed.set(subscriptionId, Date.now());
    const lane = this.runLane(subscriptionId)
      .catch(async (err) => {
        this.deps.log.error({ err, subscriptionId }, 'notification delivery lane failed');
        await this.pause(ERROR_PAUSE_MS);
      })
      .finally(() => {
        this.lanes.delete(subscriptionId);
        this.nudge();
      });
    this.lanes.set(subscriptionId, lane);
  }

  /**
   * Serves one subscription for a turn. Claims are not tried again when they
   * fail: a claim whose reply was lost may have leased rows all the same, and a
   * second claim would skip them; those rows are due again when their lease
   * ends, and nothing behind them is sent before (see the repository's claim).
   * Settling is idempotent, so it is retried, and whatever was delivered is
   * recorded even when the lane ends on an error, so that it is not sent again.
   */
  private async runLane(subscriptionId: string): Promise<void> {
    const { repository, metrics } = this.deps;
    /** Delivered, not yet known to be recorded. */
    let unsettled: number[] = [];
    const claim = (limit: number, held: readonly number[] = []): Promise<ClaimedDelivery[]> => {
      const recording = unsettled;
      unsettled = [];
      return repository
        .claim(subscriptionId, limit, this.leaseMs, { delivered: recording, held: [...recording, ...held] })
        .catch((err) => {
          unsettled = [...recording, ...unsettled];
          throw err;
        });
    };
    const started = Date.now();
    let sent = 0;
    const yourTurn = () => this.running && sent < LANE_QUOTA && Date.now() - started < LANE_SLICE_MS;
    try {
      let size = FIRST_BATCH;
      /** The limit the batch in hand was claimed with: a full batch means more may be due. */
      let requested = size;
      let claimedAt = Date.now();
      let batch = await claim(size);
      while (batch.length > 0) {
        const held = batch.map((d) => d.seq);
        // More may be due: the next batch is claimed (and the last one recorded) while this one is sent.
        let next: Promise<ClaimedDelivery[]> | undefined;
        const nextClaimedAt = Date.now();
        const nextRequested = size;
        if (batch.length >= requested && yourTurn()) {
          next = claim(size, held);
          next.catch(() => undefined); // awaited below; a rejection meanwhile is not unhandled
        }
        const sendStart = Date.now();
        const result = await this.sendBatch(batch, claimedAt);
        sent += result.delivered.length;
        if (result.delivered.length > 0) metrics.notificationsSent.inc({ api: batch[0].api, outcome: 'delivered' }, result.delivered.length);
        unsettled.push(...result.delivered);
        if (result.attempted < batch.length || result.failure) {
          // Stopped early (a failed attempt, a lease running short, stop()): what is claimed and not sent goes back.
          const ahead = next ? await next : [];
          const released = [...held.slice(result.attempted), ...ahead.map((d) => d.seq)];
          const delivered = unsettled;
          await this.retrying(() => repository.settle(delivered, result.failure ? [] : released));
          unsettled = [];
          if (result.failure) await this.failed(result.failure, released);
          return;
        }
        size = nextBatchSize(size, batch, Date.now() - sendStart);
        if (next) {
          [claimedAt, requested, batch] = [nextClaimedAt, nextRequested, await next];
        } else if (yourTurn()) {
          [claimedAt, requested, batch] = [Date.now(), size, await claim(size)];
        } else {
          break;
        }
      }
    } finally {
      const delivered = unsettled;
      if (delivered.length > 0) await this.retrying(() => repository.settle(delivered, []));
    }
  }

  /** Sends a claimed batch in order until one attempt fails, the lease runs short or the worker stops. */
  private async sendBatch(
    batch: readonly ClaimedDelivery[],
    claimedAt: number,
  ): Promise<{ delivered: number[]; attempted: number; failure?: { delivery: ClaimedDelivery; reason: string } }> {
    const delivered: number[] = [];
    for (let i = 0; i < batch.length; i++) {
      if (!this.running || Date.now() - claimedAt >= START_WITHIN_MS) return { delivered, attempted: i };
      const outcome = await this.send(batch[i]);
      if (!outcome.ok) return { delivered, attempted: i + 1, failure: { delivery: batch[i], reason: outcome.reason } };
      delivered.push(batch[i].seq);
    }
    return { delivered, attempted: batch.length };
  }

  /**
   * Runs a statement, again after a short pause if it failed: a connection the
   * database dropped (restart, failover) is replaced by the pool meanwhile.
   * Should it still fail, the lane ends and its claimed rows are due again once
   * their lease has run out.
   */
  private async retrying<T>(statement: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await statement();
      } catch (err) {
        if (i >= RETRY_PAUSES_MS.length || !this.running) throw err;
        this.deps.log.warn({ err, retryInMs: RETRY_PAUSES_MS[i] }, 'notification delivery statement failed; trying again');
        await this.pause(RETRY_PAUSES_MS[i]);
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    await sleepUnlessAborted(ms, this.stopping.signal);
  }

  private send(d: ClaimedDelivery): Promise<CallbackOutcome> {
    const version = this.versions.get(d.api);
    if (!version) return Promise.resolve({ ok: false, reason: `unknown API ${d.api}` });
    return this.deps.notifier.notify({ uri: d.callbackUri, credential: credentialOf(d.authentication) }, version, d.body);
  }

  /** After a failed attempt: retried after a backoff, or given up after the last attempt. */
  private async failed(failure: { delivery: ClaimedDelivery; reason: string }, released: number[]): Promise<void> {
    const { repository, metrics, policy, log } = this.deps;
    const { delivery: d, reason } = failure;
    const fields = { notificationId: d.id, subscriptionId: d.subscriptionId, attempts: d.attempts, reason };
    const next = afterFailedAttempt(d.attempts, policy);
    if (next.kind === 'give-up') {
      await this.retrying(() => repository.markFailed(d.seq, reason));
      // The receiver just failed: the deliveries behind this one wait a backoff period too.
      await this.retrying(() => repository.deferSubscription(d.subscriptionId, d.seq, retryDelayMs(d.attempts, policy), reason, released));
      metrics.notificationsSent.inc({ api: d.api, outcome: 'failed' });
      log.error(fields, 'notification given up after the last attempt');
    } else {
      await this.retrying(() => repository.deferSubscription(d.subscriptionId, d.seq, next.delayMs, reason, released));
      metrics.notificationsSent.inc({ api: d.api, outcome: 'retry' });
      log.warn({ ...fields, retryInMs: next.delayMs }, 'notification not delivered; will retry');
    }
  }
}

/**
 * The next batch size: enough rows for about BATCH_TARGET_MS at the rate the
 * last batch was sent, at most twice the last size, MAX_BATCH rows and
 * BATCH_BYTES of bodies; a slow receiver gets small batches, whose leases do
 * not run out before their rows are sent.
 */
export function nextBatchSize(size: number, batch: readonly ClaimedDelivery[], elapsedMs: number): number {
  const bytes = batch.reduce((n, d) => n + d.body.length, 0) / batch.length;
  const byTime = Math.floor((BATCH_TARGET_MS * batch.length) / Math.max(elapsedMs, 1));
  return Math.max(1, Math.min(byTime, 2 * size, MAX_BATCH, Math.floor(BATCH_BYTES / Math.max(bytes, 1))));
}
