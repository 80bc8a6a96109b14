/** An event as it travels on the bus: the id is the deduplication key of consumers. */
export interface BusEvent<T = unknown> {
  readonly id: string;
  /** Dot-separated routing key, e.g. `sol.vnflcm.notification`. */
  readonly topic: string;
  readonly occurredAt: string;
  readonly payload: T;
}

export type EventHandler = (event: BusEvent) => Promise<void>;

/**
 * Port of the event bus. Adapters: in-process (default) and RabbitMQ; only
 * vnfm-plugin/adapters.ts picks one.
 * Delivery is at least once: a handler that throws gets the event again later
 * (up to VNFM_BUS_MAX_ATTEMPTS deliveries, then the event is dead-lettered),
 * and an event may also arrive twice after a crash, so handlers must be idempotent
 * (wrap them with `idempotentHandler`, inbox.ts). Producers do not call `publish`
 * directly: they append to the outbox in their own transaction (outbox.ts).
 */
export interface EventBus {
  readonly kind: 'in-process' | 'rabbitmq';
  /**
   * Resolves once the event is safe: for RabbitMQ when the broker confirmed it (persisted
   * and routed to every bound queue); in-process when every matching consumer has handled
   * it (or dead-lettered it), since nothing else would survive a crash. Rejects when the
   * event was not accepted; the caller (the outbox relay) then tries again later.
   */
  publish(event: BusEvent): Promise<void>;
  /**
   * Registers a durable consumer named `consumer` for topics matching `pattern`
   * (AMQP topic syntax: `*` one word, `#` zero or more words). One pattern per consumer.
   */
  subscribe(consumer: string, pattern: string, handler: EventHandler): Promise<void>;
  /** Throws when the bus cannot take events now (for /readyz). */
  ping(): Promise<void>;
  /** Stops taking events and waits for the handlers that are running. */
  close(): Promise<void>;
}

/** Thrown by `publish` and `subscribe` once the bus is closing; a publish can be retried later. */
export class EventBusClosed extends Error {
  override readonly name = 'EventBusClosed';
  constructor() {
    super('event bus is closed');
  }
}

/** Consumer names become queue names (`<exchange>.<consumer>`): keep them to safe characters. */
export function assertConsumerName(consumer: string): void {
  if (!/^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*$/i.test(consumer)) {
    throw new Error(`invalid consumer name '${consumer}': use letters, digits, '-', '_' and '.'`);
  }
}

/**
 * AMQP 0-9-1 topic match, as RabbitMQ's topic exchange does it: words are separated by
 * `.`, `*` stands for exactly one word and `#` for zero or more; an empty key has no words.
 * Dynamic programming over (pattern word, topic word), so patterns with many `#` stay linear.
 */
export function topicMatches(pattern: string, topic: string): boolean {
  const p = pattern === '' ? [] : pattern.split('.');
  const t = topic === '' ? [] : topic.split('.');
  // row[j]: does p[i..] match t[j..]? Computed from the last pattern word backwards.
  let row = t.map(() => false).concat(true);
  for (let i = p.length - 1; i >= 0; i--) {
    const next = new Array<boolean>(t.length + 1).fill(false);
    for (let j = t.length; j >= 0; j--) {
      if (p[i] === '#') next[j] = row[j] || (j < t.length && next[j + 1]);
      else next[j] = j < t.length && (p[i] === '*' || p[i] === t[j]) && row[j + 1];
    }
    row = next;
  }
  return row[0];
}
