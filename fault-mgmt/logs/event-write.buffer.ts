import { ProblemError } from '../../platform/http/problem-details.ts';
import type { Logger } from '../../platform/logger.ts';
import type { EventRow, MonitoringSink } from '../monitoring.types.ts';

/**
 * Collects events from a stream (syslog) into batches for the sink: written after
 * `maxDelayMs` or at `maxEvents`, one write at a time. When a write is pending (or failed
 * and waits for its retry) and the buffer is full, the buffer is `blocked`: the receiver
 * then pauses its TCP sockets (the sender's TCP window closes: back-pressure) and drops
 * UDP datagrams (best effort). A failed write is retried; its events stay first in line.
 * A store that is overloaded or down (503) is waited for as long as it takes; any other
 * failure is retried `maxAttempts` times, then the batch is dropped (logged) so that one
 * bad batch cannot stop the stream for good.
 */
export interface EventWriteBuffer {
  add(event: EventRow): void;
  /** True while producers should hold back. */
  readonly blocked: boolean;
  /** Events held, not yet committed. */
  readonly size: number;
  /** Writes what is held (waiting for a pending write first); stops retrying. */
  stop(): Promise<void>;
}

export interface EventWriteBufferOptions {
  readonly sink: MonitoringSink;
  readonly log: Logger;
  readonly maxEvents?: number;
  readonly maxDelayMs?: number;
  readonly retryMs?: number;
  readonly maxAttempts?: number;
  /** Called with true when the buffer becomes blocked, false when it is free again. */
  readonly onBlocked?: (blocked: boolean) => void;
}

export function createEventWriteBuffer(opts: EventWriteBufferOptions): EventWriteBuffer {
  const maxEvents = opts.maxEvents ?? 5000;
  const maxDelayMs = opts.maxDelayMs ?? 100;
  const retryMs = opts.retryMs ?? 1000;
  const maxAttempts = opts.maxAttempts ?? 5;
  let attempts = 0;
  let held: EventRow[] = [];
  let writing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retrying = false;
  let stopped = false;
  let blocked = false;

  function update(): void {
    const now = held.length >= maxEvents && (writing !== undefined || retrying);
    if (now !== blocked) {
      blocked = now;
      opts.onBlocked?.(now);
    }
  }

  function schedule(ms: number): void {
    if (!timer && !stopped) timer = setTimeout(kick, ms);
  }

  function kick(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    retrying = false;
    if (writing || held.length === 0) return update();
    const batch = held.length > maxEvents ? held.slice(0, maxEvents) : held;
    held = held.length > maxEvents ? held.slice(maxEvents) : [];
    writing = opts.sink.write({ samples: [], events: batch }).then(
      () => {
        writing = undefined;
        attempts = 0;
        if (held.length >= maxEvents) kick();
        else if (held.length > 0) schedule(maxDelayMs);
        update();
      },
      (err: unknown) => {
        writing = undefined;
        const transient = err instanceof ProblemError && err.status === 503;
        if (!transient && ++attempts >= maxAttempts) {
          attempts = 0;
          opts.log.error({ err, events: batch.length }, `syslog events dropped: the store refused them ${maxAttempts} times`);
          if (held.length > 0) schedule(held.length >= maxEvents ? 0 : maxDelayMs);
          return update();
        }
        held = batch.concat(held);
        opts.log.warn({ err, events: batch.length }, `syslog events not written; retrying in ${retryMs} ms`);
        if (!stopped) {
          retrying = true;
          schedule(retryMs);
        }
        update();
      },
    );
    update();
  }

  return {
    add(event) {
      held.push(event);
      if (held.length >= maxEvents) {
        if (!retrying) kick();
        else update();
      } else schedule(maxDelayMs);
    },
    get blocked() {
      return blocked;
    },
    get size() {
      return held.length;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      retrying = false;
      if (writing) await writing;
      while (held.length > 0) {
        const batch = held.slice(0, maxEvents);
        try {
          await opts.sink.write({ samples: [], events: batch });
          held = held.slice(batch.length);
        } catch (err) {
          opts.log.error({ err, events: held.length }, 'syslog events lost at stop: the store did not take them');
          held = [];
        }
      }
      update();
    },
  };
}
