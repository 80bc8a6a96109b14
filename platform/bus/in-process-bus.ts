import type { Logger } from '../logger.ts';
import { topicMatches, type BusEvent, type EventBus, type EventHandler } from './event-bus.port.ts';

interface Consumer {
  readonly name: string;
  readonly pattern: string;
  readonly handler: EventHandler;
  readonly queue: BusEvent[];
  running: boolean;
}

/**
 * The embedded adapter: one queue per consumer in this process. Events are
 * durable only up to the outbox (which republishes what was not confirmed),
 * so a crash loses nothing that was committed.
 */
export class InProcessEventBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly consumers: Consumer[] = [];
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly retryDelayMs = 1000,
  ) {}

  async publish(event: BusEvent): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    for (const c of this.consumers) {
      if (!topicMatches(c.pattern, event.topic)) continue;
      c.queue.push(event);
      void this.drain(c);
    }
  }

  async subscribe(consumer: string, pattern: string, handler: EventHandler): Promise<void> {
    this.consumers.push({ name: consumer, pattern, handler, queue: [], running: false });
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async drain(c: Consumer): Promise<void> {
    if (c.running) return;
    c.running = true;
    try {
      while (c.queue.length > 0 && !this.closed) {
        const event = c.queue[0];
        try {
          await c.handler(event);
          c.queue.shift();
        } catch (err) {
          this.log.warn({ err, consumer: c.name, eventId: event.id }, 'consumer failed; retrying');
          await new Promise((r) => setTimeout(r, this.retryDelayMs));
        }
      }
    } finally {
      c.running = false;
    }
  }
}
