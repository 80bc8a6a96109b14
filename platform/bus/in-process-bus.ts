import type { Logger } from '../logger.ts';
import { assertConsumerName, EventBusClosed, topicMatches, type BusEvent, type EventBus, type EventHandler } from './event-bus.port.ts';
import { sleepUnlessAborted } from '../abortable-sleep.ts';
import { redeliveryDelay, type RedeliveryPolicy } from './redelivery.ts';

/** An event a consumer kept failing on; kept in memory and logged. */
export interface DeadLetter {
  readonly consumer: string;
  readonly event: BusEvent;
  readonly error: string;
  readonly attempts: number;
  readonly at: string;
}

interface Delivery {
  readonly wire: string;
  readonly settle: (err?: Error) => void;
}

interface Consumer {
  readonly name: string;
  readonly pattern: string;
  readonly handler: EventHandler;
  readonly queue: Delivery[];
  /** The drain loop while it runs; close() waits for it. */
  draining?: Promise<void>;
}

const DEFAULT_POLICY: RedeliveryPolicy = { maxAttempts: 5, backoffMs: 1000 };

/**
 * The embedded adapter (Medusa's event-bus-local counterpart): one FIFO queue per
 * consumer in this process, handled one event at a time, so each consumer sees events
 * in publish order. A failing handler gets the event again after a doubling delay, up to
 * `maxAttempts` deliveries, then the event goes to `deadLetters` and the log.
 *
 * Nothing here survives a crash, so `publish` resolves only when every matching consumer
 * is done with the event; until then the outbox row stays unpublished and is published
 * again after a restart. Handlers therefore must not await a publish (or an outbox flush)
 * of an event they consume themselves.
 */
export class InProcessEventBus implements EventBus {
  readonly kind = 'in-process' as const;
  readonly deadLetters: DeadLetter[] = [];
  private readonly consumers: Consumer[] = [];
  private readonly policy: RedeliveryPolicy;
  /** Wakes the backoff sleeps on close. */
  private readonly closing = new AbortController();

  constructor(
    private readonly log: Logger,
    policy: Partial<RedeliveryPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_POLICY, ...policy };
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  async publish(event: BusEvent): Promise<void> {
    if (this.closed) throw new EventBusClosed();
    // Each consumer gets its own copy in the same JSON form RabbitMQ would carry.
    const wire = JSON.stringify(event);
    const deliveries = this.consumers
      .filter((c) => topicMatches(c.pattern, event.topic))
      .map(
        (c) =>
          new Promise<void>((resolve, reject) => {
            c.queue.push({ wire, settle: (err) => (err ? reject(err) : resolve()) });
            this.drain(c);
          }),
      );
    await Promise.all(deliveries);
  }

  async subscribe(consumer: string, pattern: string, handler: EventHandler): Promise<void> {
    assertConsumerName(consumer);
    if (this.closed) throw new EventBusClosed();
    if (this.consumers.some((c) => c.name === consumer)) throw new Error(`consumer '${consumer}' is already subscribed`);
    this.consumers.push({ name: consumer, pattern, handler, queue: [] });
  }

  async ping(): Promise<void> {
    if (this.closed) throw new EventBusClosed();
  }

  /** Waits for running handlers; events still queued are refused (their publish rejects). */
  async close(): Promise<void> {
    if (!this.closed) this.closing.abort();
    for (const c of this.consumers) {
      for (const d of c.queue.splice(0)) d.settle(new EventBusClosed());
    }
    await Promise.all(this.consumers.map((c) => c.draining));
  }

  private drain(c: Consumer): void {
    if (c.draining) return;
    c.draining = (async () => {
      for (let d = c.queue.shift(); d; d = this.closed ? undefined : c.queue.shift()) {
        d.settle(await this.deliver(c, d.wire));
      }
    })().finally(() => {
      c.draining = undefined;
      // A publish may have queued an event after the loop's last check.
      if (c.queue.length > 0 && !this.closed) this.drain(c);
    });
  }

  /** Runs one event through a consumer with redelivery; resolves to an error only on close. */
  private async deliver(c: Consumer, wire: string): Promise<Error | undefined> {
    for (let attempt = 1; ; attempt++) {
      const event = JSON.parse(wire) as BusEvent;
      try {
        await c.handler(event);
        return undefined;
      } catch (err) {
        if (attempt >= this.policy.maxAttempts) {
          this.deadLetter(c, event, err, attempt);
          return undefined;
        }
        const delay = redeliveryDelay(this.policy, attempt);
        this.log.warn({ err, consumer: c.name, eventId: event.id, topic: event.topic, attempt, delay }, 'consumer failed; event will be redelivered');
        if (!(await sleepUnlessAborted(delay, this.closing.signal))) return new EventBusClosed();
      }
    }
  }

  private deadLetter(c: Consumer, event: BusEvent, err: unknown, attempts: number): void {
    const error = err instanceof Error ? err.message : String(err);
    this.deadLetters.push({ consumer: c.name, event, error, attempts, at: new Date().toISOString() });
    this.log.error({ err, consumer: c.name, eventId: event.id, topic: event.topic, attempts }, 'consumer kept failing; event dead-lettered');
  }
}
