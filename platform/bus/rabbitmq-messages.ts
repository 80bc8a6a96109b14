import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { BusEvent } from './event-bus.port.ts';

/** Header counting deliveries of a message to its queue; set when a failed one is put back. */
export const ATTEMPTS_HEADER = 'x-attempts';

/**
 * How an event travels: the body is the whole event as JSON; the properties repeat its id
 * (messageId), topic (type) and time (timestamp, seconds) for broker tools and dead-letter
 * inspection; persistent, so a broker restart keeps it.
 */
export function eventMessage(event: BusEvent): { content: Buffer; props: Options.Publish } {
  return {
    content: Buffer.from(JSON.stringify(event)),
    props: {
      persistent: true,
      messageId: event.id,
      type: event.topic,
      timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
      contentType: 'application/json',
    },
  };
}

/** The event in a delivered message, or undefined when the body is not one. */
export function decodeEvent(msg: ConsumeMessage): BusEvent | undefined {
  try {
    const e = JSON.parse(msg.content.toString('utf8')) as Partial<BusEvent>;
    if (typeof e.id !== 'string' || typeof e.topic !== 'string' || typeof e.occurredAt !== 'string') return undefined;
    return { id: e.id, topic: e.topic, occurredAt: e.occurredAt, payload: e.payload };
  } catch {
    return undefined;
  }
}

/** Which delivery of the message this is (1 for the first). */
export function attemptOf(msg: ConsumeMessage): number {
  const n = Number(msg.properties.headers?.[ATTEMPTS_HEADER]);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** Properties to put a delivered message back with, counting one more attempt. */
export function retryProps(msg: ConsumeMessage, attempt: number): Options.Publish {
  const p = msg.properties;
  return {
    persistent: true,
    messageId: p.messageId,
    type: p.type,
    timestamp: p.timestamp,
    contentType: p.contentType,
    headers: { ...p.headers, [ATTEMPTS_HEADER]: attempt + 1 },
  };
}

/** Publishes and waits for the broker's ack (publisher confirms), at most until `deadline`. */
export function publishConfirmed(
  channel: ConfirmChannel,
  target: { exchange: string; routingKey: string },
  message: { content: Buffer; props: Options.Publish },
  deadline: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('RabbitMQ did not confirm the publish in time')), Math.max(0, deadline - Date.now()));
    const done = (err?: unknown) => {
      clearTimeout(timer);
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve();
    };
    try {
      channel.publish(target.exchange, target.routingKey, message.content, message.props, (err) => done(err));
    } catch (err) {
      done(err); // the channel closed under us
    }
  });
}

/** Acks and nacks on a channel that closed meanwhile throw; the broker requeues those anyway. */
export function settle(op: () => void): void {
  try {
    op();
  } catch {
    // channel gone: nothing to settle
  }
}
