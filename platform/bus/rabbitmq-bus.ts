import { hostname } from 'node:os';
import { connect as amqpConnect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { maskUrl } from '../config/mask-secret.ts';
import type { Logger } from '../logger.ts';
import { assertConsumerName, EventBusClosed, type BusEvent, type EventBus, type EventHandler } from './event-bus.port.ts';
import { attemptOf, decodeEvent, eventMessage, publishConfirmed, retryProps, settle } from './rabbitmq-messages.ts';
import { sleepUnlessAborted } from '../abortable-sleep.ts';
import { redeliveryDelay, type RedeliveryPolicy } from './redelivery.ts';

export interface RabbitMqBusOptions {
  readonly url: string;
  /** Durable topic exchange (AMQP_EXCHANGE); `<exchange>.dlx` receives dead letters. */
  readonly exchange: string;
  readonly prefetch: number;
  /** Longest wait of a publish for a connection and the broker's confirm (and of the first connect). */
  readonly publishTimeoutMs: number;
  readonly reconnectMaxMs: number;
  readonly redelivery: RedeliveryPolicy;
  readonly log: Logger;
  /** amqplib's `connect`; tests wrap it to reach the connection. */
  readonly connect?: (url: string, socketOptions: object) => Promise<ChannelModel>;
}

interface Consumer {
  readonly name: string;
  readonly pattern: string;
  readonly handler: EventHandler;
  /** `<exchange>.<consumer>`; its dead letters go to `<queue>.dlq`. */
  readonly queue: string;
  channel?: Channel;
  tag?: string;
}

const RECONNECT_FIRST_DELAY_MS = 500;

/**
 * The RabbitMQ adapter (Medusa's event-bus-redis counterpart). Topology, asserted on every
 * (re)connect:
 *   exchange `<exchange>` (topic, durable) <- events, routing key = topic;
 *   queue `<exchange>.<consumer>` (durable) bound with the consumer's pattern;
 *   exchange `<exchange>.dlx` (direct, durable) -> queue `<exchange>.<consumer>.dlq`.
 * Publishing uses a confirm channel with persistent messages (messageId = event id,
 * type = topic). Each consumer has its own channel with manual acks and AMQP_PREFETCH
 * unacknowledged messages, so up to that many of its events are handled at once (no order
 * guarantee across them). A failed event is put back at the tail of its queue with an
 * incremented `x-attempts` after a doubling delay; after VNFM_BUS_MAX_ATTEMPTS it is
 * rejected and RabbitMQ dead-letters it. A lost connection or channel is rebuilt with
 * capped exponential backoff; unacknowledged messages return to their queue meanwhile.
 */
export class RabbitMqEventBus implements EventBus {
  readonly kind = 'rabbitmq' as const;
  private conn?: ChannelModel;
  private publisher?: ConfirmChannel;
  private readonly consumers = new Map<string, Consumer>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private readonly waiters = new Set<() => void>();
  private reconnecting: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  private readonly dlx: string;
  private readonly broker: string;

  /** Connects (retrying for up to publishTimeoutMs) and declares the exchanges. */
  static async connect(opts: RabbitMqBusOptions): Promise<RabbitMqEventBus> {
    const bus = new RabbitMqEventBus(opts);
    await bus.firstConnection();
    return bus;
  }

  private constructor(private readonly opts: RabbitMqBusOptions) {
    this.log = opts.log;
    this.dlx = `${opts.exchange}.dlx`;
    this.broker = maskUrl(opts.url);
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  async publish(event: BusEvent): Promise<void> {
    if (this.closed) throw new EventBusClosed();
    const deadline = Date.now() + this.opts.publishTimeoutMs;
    const message = eventMessage(event);
    for (;;) {
      const channel = await this.publisherBefore(deadline);
      try {
        await publishConfirmed(channel, { exchange: this.opts.exchange, routingKey: event.topic }, message, deadline);
        return;
      } catch (err) {
        // A nack or a timeout on a live channel is final; a channel that died is replaced.
        if (this.publisher === channel || this.closed || Date.now() >= deadline) throw err;
      }
    }
  }

  async subscribe(consumer: string, pattern: string, handler: EventHandler): Promise<void> {
    assertConsumerName(consumer);
    if (this.closed) throw new EventBusClosed();
    if (this.consumers.has(consumer)) throw new Error(`consumer '${consumer}' is already subscribed`);
    const c: Consumer = { name: consumer, pattern, handler, queue: `${this.opts.exchange}.${consumer}` };
    this.consumers.set(consumer, c);
    const conn = this.conn;
    if (!conn) return; // set up by the reconnect in progress
    try {
      await this.startConsumer(conn, c);
    } catch (err) {
      this.consumers.delete(consumer);
      throw err;
    }
  }

  async ping(): Promise<void> {
    if (this.closed) throw new EventBusClosed();
    if (!this.publisher) throw new Error(`RabbitMQ at ${this.broker} is not connected`);
  }

  /** Stops consuming, waits for running handlers (so their acks go out), then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing.abort();
    for (const wake of this.waiters) wake();
    for (const c of this.consumers.values()) {
      if (c.channel && c.tag) await c.channel.cancel(c.tag).catch(() => undefined);
    }
    await Promise.allSettled([...this.inFlight]);
    await this.reconnecting;
    // Channels first: their close follows the acks on the same channel, whereas a connection
    // close could overtake acks still queued for the socket.
    for (const c of this.consumers.values()) await c.channel?.close().catch(() => undefined);
    await this.publisher?.close().catch(() => undefined);
    const conn = this.conn;
    this.conn = undefined;
    this.publisher = undefined;
    await conn?.close().catch(() => undefined);
    this.log.info({ broker: this.broker }, 'RabbitMQ bus closed');
  }

  private async firstConnection(): Promise<void> {
    const deadline = Date.now() + this.opts.publishTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.open();
        return;
      } catch (err) {
        const delay = this.reconnectDelay(attempt);
        if (Date.now() + delay >= deadline) {
          throw new Error(`cannot connect to RabbitMQ at ${this.broker}: ${(err as Error).message}`);
        }
        this.log.warn({ broker: this.broker, error: (err as Error).message, retryInMs: delay }, 'RabbitMQ not reachable yet');
        await sleepUnlessAborted(delay, this.closing.signal);
      }
    }
  }

  /** One connection with its publisher channel, exchanges and every consumer; all or nothing. */
  private async open(): Promise<void> {
    const connect = this.opts.connect ?? amqpConnect;
    const conn = await connect(this.opts.url, {
      timeout: this.opts.publishTimeoutMs,
      clientProperties: { connection_name: `vnfm-plugin@${hostname()}` },
    });
    let dead = false;
    conn.on('error', (err: Error) => this.log.warn({ error: err.message }, 'RabbitMQ connection error'));
    conn.on('close', () => {
      dead = true;
      this.lost(conn, 'connection closed');
    });
    conn.on('blocked', (reason: string) => this.log.warn({ reason }, 'RabbitMQ blocks publishing (resource alarm)'));
    conn.on('unblocked', () => this.log.info('RabbitMQ unblocked publishing'));
    try {
      const publisher = await conn.createConfirmChannel();
      this.watch(conn, publisher, 'publisher');
      await publisher.assertExchange(this.opts.exchange, 'topic', { durable: true });
      await publisher.assertExchange(this.dlx, 'direct', { durable: true });
      // Repeated until none is left, so a consumer subscribed meanwhile is not missed.
      for (let c = this.unstarted(); c; c = this.unstarted()) await this.startConsumer(conn, c);
      if (dead || this.closed) throw new Error('connection closed during setup');
      this.conn = conn;
      this.publisher = publisher;
    } catch (err) {
      for (const c of this.consumers.values()) c.channel = c.tag = undefined;
      await conn.close().catch(() => undefined);
      throw err;
    }
    this.log.info({ broker: this.broker, exchange: this.opts.exchange, consumers: [...this.consumers.keys()] }, 'RabbitMQ bus connected');
    for (const wake of this.waiters) wake();
  }

  private unstarted(): Consumer | undefined {
    return [...this.consumers.values()].find((c) => !c.channel);
  }

  private async startConsumer(conn: ChannelModel, c: Consumer): Promise<void> {
    const channel = await conn.createChannel();
    this.watch(conn, channel, `consumer ${c.name}`);
    const dlq = `${c.queue}.dlq`;
    await channel.assertQueue(dlq, { durable: true });
    await channel.bindQueue(dlq, this.dlx, c.queue);
    await channel.assertQueue(c.queue, {
      durable: true,
      arguments: { 'x-dead-letter-exchange': this.dlx, 'x-dead-letter-routing-key': c.queue },
    });
    await channel.bindQueue(c.queue, this.opts.exchange, c.pattern);
    await channel.prefetch(this.opts.prefetch);
    c.channel = channel;
    const { consumerTag } = await channel.consume(c.queue, (msg) => this.onMessage(c, channel, msg), { noAck: false });
    c.tag = consumerTag;
  }

  /** Any channel that closes on its own takes the connection down; everything is rebuilt. */
  private watch(conn: ChannelModel, channel: Channel, what: string): void {
    channel.on('error', (err: Error) => this.log.warn({ channel: what, error: err.message }, 'RabbitMQ channel error'));
    channel.on('close', () => {
      if (conn === this.conn) this.lost(conn, `${what} channel closed`);
      else if (!this.closed) void conn.close().catch(() => undefined); // still in open(): make it fail
    });
  }

  private lost(conn: ChannelModel, reason: string): void {
    if (conn !== this.conn || this.closed) return;
    this.conn = undefined;
    this.publisher = undefined;
    for (const c of this.consumers.values()) c.channel = c.tag = undefined;
    this.log.warn({ broker: this.broker, reason }, 'RabbitMQ connection lost; reconnecting');
    void conn.close().catch(() => undefined);
    this.reconnecting = this.reconnect();
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.open();
        return;
      } catch (err) {
        const delay = this.reconnectDelay(attempt);
        this.log.warn({ broker: this.broker, attempt, error: (err as Error).message, retryInMs: delay }, 'RabbitMQ reconnect failed');
        await sleepUnlessAborted(delay, this.closing.signal);
      }
    }
  }

  /** Doubling from 500 ms up to AMQP_RECONNECT_MAX_MS, with ±20 % jitter so replicas spread out. */
  private reconnectDelay(attempt: number): number {
    const base = Math.min(RECONNECT_FIRST_DELAY_MS * 2 ** (attempt - 1), this.opts.reconnectMaxMs);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** The publisher channel, waiting for a reconnect until `deadline`. */
  private async publisherBefore(deadline: number): Promise<ConfirmChannel> {
    for (;;) {
      if (this.closed) throw new EventBusClosed();
      if (this.publisher) return this.publisher;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`RabbitMQ at ${this.broker} is not connected; publish gave up after ${this.opts.publishTimeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  private onMessage(c: Consumer, channel: Channel, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled the consumer (queue deleted): rebuild the topology.
      if (this.conn && c.channel === channel) this.lost(this.conn, `consumer ${c.name} cancelled by the broker`);
      return;
    }
    const task = this.handle(c, channel, msg);
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async handle(c: Consumer, channel: Channel, msg: ConsumeMessage): Promise<void> {
    const event = decodeEvent(msg);
    if (!event) {
      this.log.error({ consumer: c.name, messageId: msg.properties.messageId }, 'unreadable message dead-lettered');
      settle(() => channel.nack(msg, false, false));
      return;
    }
    const attempt = attemptOf(msg);
    const context = { consumer: c.name, eventId: event.id, topic: event.topic, attempt };
    try {
      await c.handler(event);
      settle(() => channel.ack(msg));
      return;
    } catch (err) {
      if (attempt >= this.opts.redelivery.maxAttempts) {
        this.log.error({ ...context, err, dlq: `${c.queue}.dlq` }, 'consumer kept failing; event dead-lettered');
        settle(() => channel.nack(msg, false, false));
        return;
      }
      const delay = redeliveryDelay(this.opts.redelivery, attempt);
      this.log.warn({ ...context, err, retryInMs: delay }, 'consumer failed; event will be redelivered');
      // Closing, or the channel died while waiting: the broker requeues the unacked message.
      if (!(await sleepUnlessAborted(delay, this.closing.signal)) || c.channel !== channel) return;
    }
    try {
      const publisher = this.publisher;
      if (!publisher) throw new Error('not connected');
      // To the consumer's own queue only (default exchange), not to every subscriber again.
      const target = { exchange: '', routingKey: c.queue };
      await publishConfirmed(publisher, target, { content: msg.content, props: retryProps(msg, attempt) }, Date.now() + this.opts.publishTimeoutMs);
      settle(() => channel.ack(msg));
    } catch (err) {
      this.log.warn({ ...context, error: (err as Error).message }, 'redelivery not scheduled; message requeued');
      settle(() => channel.nack(msg, false, true));
    }
  }
}
