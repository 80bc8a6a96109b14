import type { Logger } from '../../logger.ts';
import type { PlatformMetrics } from '../../metrics.ts';
import { SOL_APIS } from '../../http/sol-api.ts';
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
  readonly metrics: Pick<PlatformMetrics, 'notificationsSent'>;
  readonly log: Logger;
}

/** A lane gives its slot back after this many deliveries or this long, so that others get a turn. */
const LANE_QUOTA = 100;
const LANE_SLICE_MS = 2000;
/** Deliveries claimed (and settled) together: fewer commits per notification. */
const CLAIM_BATCH = 20;
/** A claim's lease is one whole attempt (4 timeouts, see leaseMs) plus this margin. */
const LEASE_MARGIN_MS = 5000;
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Delivers the notification outbox. Each subscription is served by at most one
 * lane at a time, which sends its due deliveries one after another in the
 * order they were enqueued; up to `concurrency` lanes run in parallel, and a
 * lane yields after a quota, so a slow or dead receiver holds one slot at most
 * and only for one timeout per backoff period. Rows are claimed a few at a
 * time in short statements (FOR UPDATE SKIP LOCKED plus a lease), so several
 * replicas can share the table and whatever was pending at start, or claimed
 * by a process that died, is delivered: at least once (a crash between a POST
 * and its settling statement sends that notification again).
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
  private scheduleAgain = false;
  /** Long enough for a token request, the POST and one retry with a fresh token, plus the margin. */
  private readonly leaseMs: number;

  constructor(private readonly deps: NotificationDeliveryWorkerDeps) {
    this.leaseMs = 4 * deps.timeoutMs + LEASE_MARGIN_MS;
  }

  /** Starts delivering, beginning with whatever is already pending. */
  start(): void {
    if (this.running) return;
    this.running = true;
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
      if (this.lanes.size === 0 && (await this.deps.repository.countDue()) === 0) return;
      if (Date.now() > deadline) throw new Error(`notification deliveries still due after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async schedule(): Promise<void> {
    try {
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
      .catch((err) => this.deps.log.error({ err, subscriptionId }, 'notification delivery lane failed'))
      .finally(() => {
        this.lanes.delete(subscriptionId);
        this.nudge();
      });
    this.lanes.set(subscriptionId, lane);
  }

  private async runLane(subscriptionId: string): Promise<void> {
    const started = Date.now();
    for (let sent = 0; sent < LANE_QUOTA && Date.now() - started < LANE_SLICE_MS && this.running; ) {
      const batch = await this.deps.repository.claim(subscriptionId, CLAIM_BATCH, this.leaseMs);
      if (batch.length === 0) return;
      const claimedAt = Date.now();
      const delivered: number[] = [];
      let next = 0;
      let failure: { delivery: ClaimedDelivery; reason: string } | undefined;
      // A row is only started while its lease still outlasts a whole attempt; the rest is released.
      while (next < batch.length && this.running && Date.now() - claimedAt < LEASE_MARGIN_MS - 1000) {
        const d = batch[next++];
        const outcome = await this.send(d);
        if (!outcome.ok) {
          failure = { delivery: d, reason: outcome.reason };
          break;
        }
        delivered.push(d.seq);
      }
      const released = batch.slice(next).map((d) => d.seq);
      await this.deps.repository.settle(delivered, failure ? [] : released);
      if (delivered.length > 0) this.deps.metrics.notificationsSent.inc({ api: batch[0].api, outcome: 'delivered' }, delivered.length);
      sent += delivered.length;
      if (failure) {
        await this.failed(failure.delivery, failure.reason, released);
        return;
      }
    }
  }

  private send(d: ClaimedDelivery): Promise<CallbackOutcome> {
    const version = this.versions.get(d.api);
    if (!version) return Promise.resolve({ ok: false, reason: `unknown API ${d.api}` });
    return this.deps.notifier.notify({ uri: d.callbackUri, credential: credentialOf(d.authentication) }, version, d.body);
  }

  /** After a failed attempt: retried after a backoff, or given up after the last attempt. */
  private async failed(d: ClaimedDelivery, reason: string, released: number[]): Promise<void> {
    const { repository, metrics, policy, log } = this.deps;
    const fields = { notificationId: d.id, subscriptionId: d.subscriptionId, attempts: d.attempts, reason };
    const next = afterFailedAttempt(d.attempts, policy);
    if (next.kind === 'give-up') {
      await repository.markFailed(d.seq, reason);
      // The receiver just failed: the deliveries behind this one wait a backoff period too.
      await repository.deferSubscription(d.subscriptionId, d.seq, retryDelayMs(d.attempts, policy), reason, released);
      metrics.notificationsSent.inc({ api: d.api, outcome: 'failed' });
      log.error(fields, 'notification given up after the last attempt');
    } else {
      await repository.deferSubscription(d.subscriptionId, d.seq, next.delayMs, reason, released);
      metrics.notificationsSent.inc({ api: d.api, outcome: 'retry' });
      log.warn({ ...fields, retryInMs: next.delayMs }, 'notification not delivered; will retry');
    }
  }
}
