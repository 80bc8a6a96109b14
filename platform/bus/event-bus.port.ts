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
 * Port of the event bus. Adapters: in-process (default) and RabbitMQ.
 * Delivery is at least once: a handler that throws gets the event again later,
 * so handlers must be idempotent (see inbox.ts).
 */
export interface EventBus {
  readonly kind: 'in-process' | 'rabbitmq';
  /** Resolves once the event is safely accepted (broker confirm for RabbitMQ). */
  publish(event: BusEvent): Promise<void>;
  /**
   * Registers a durable consumer named `consumer` for topics matching `pattern`
   * (AMQP topic syntax: `*` one word, `#` zero or more words).
   */
  subscribe(consumer: string, pattern: string, handler: EventHandler): Promise<void>;
  /** Throws when the bus cannot take events now (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** AMQP topic-pattern match, used by the in-process adapter and tests. */
export function topicMatches(pattern: string, topic: string): boolean {
  const p = pattern.split('.');
  const t = topic.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === t.length;
    if (p[i] === '#') {
      for (let k = j; k <= t.length; k++) if (match(i + 1, k)) return true;
      return false;
    }
    if (j === t.length) return false;
    return (p[i] === '*' || p[i] === t[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}
