import { randomUUID } from 'node:crypto';
import { connect, type Channel } from 'amqplib';
import type { BusEvent } from '../../platform/bus/event-bus.port.ts';

/** A bus event with a fresh id, as the outbox would publish it. */
export function event(topic: string, payload: unknown = {}): BusEvent {
  return { id: randomUUID(), topic, occurredAt: new Date().toISOString(), payload };
}

/** A promise with its resolve, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Deletes what the RabbitMQ adapter declared for `exchange` and its consumers. */
export async function deleteTopologyOn(ch: Channel, exchange: string, consumers: readonly string[]): Promise<void> {
  for (const c of consumers) {
    await ch.deleteQueue(`${exchange}.${c}`);
    await ch.deleteQueue(`${exchange}.${c}.dlq`);
  }
  await ch.deleteExchange(exchange);
  await ch.deleteExchange(`${exchange}.dlx`);
}

/** The same over a connection of its own to AMQP_URL. */
export async function deleteTopology(exchange: string, consumers: readonly string[]): Promise<void> {
  const conn = await connect(process.env.AMQP_URL!);
  try {
    await deleteTopologyOn(await conn.createChannel(), exchange, consumers);
  } finally {
    await conn.close();
  }
}
