/**
 * A clock that moves only when told to, so a replay runs hours of VIM time in milliseconds
 * and tests are exact. Timers fire in time order (then in the order they were set); after each
 * one the clock lets pending promise callbacks and I/O callbacks run, so code that awaits a
 * VIM call and then sets a new timer is seen before the clock moves on.
 */
import type { TimerHandle, VimClock } from '../vim-clock.ts';

interface Pending {
  readonly handle: TimerHandle;
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class ManualClock implements VimClock {
  private current: number;
  private seq = 0;
  private readonly pending = new Map<TimerHandle, Pending>();

  constructor(startMs = Date.UTC(2024, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const handle = { id: ++this.seq };
    this.pending.set(handle, { handle, at: this.current + Math.max(0, delayMs), seq: handle.id, fn });
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    this.pending.delete(handle);
  }

  /** Timers not fired yet. */
  get pendingTimers(): number {
    return this.pending.size;
  }

  /** When the next timer fires, if any. */
  nextTimerAt(): number | undefined {
    return this.next()?.at;
  }

  /** Moves the clock forward by `ms`, firing every timer due on the way. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.current + ms);
  }

  /** Moves the clock to `t` (never backwards), firing every timer due by then. */
  async advanceTo(t: number): Promise<void> {
    await settle();
    for (let due = this.next(); due && due.at <= t; due = this.next()) {
      this.pending.delete(due.handle);
      this.current = Math.max(this.current, due.at);
      due.fn();
      await settle();
    }
    this.current = Math.max(this.current, t);
  }

  /** Fires timers until none is left, at most `limit` of them; resolves with the count fired. */
  async runAll(limit = 100_000): Promise<number> {
    let fired = 0;
    await settle();
    for (let due = this.next(); due && fired < limit; due = this.next(), fired++) {
      this.pending.delete(due.handle);
      this.current = Math.max(this.current, due.at);
      due.fn();
      await settle();
    }
    return fired;
  }

  private next(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending.values()) {
      if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    }
    return best;
  }
}

/** Lets queued promise reactions (and the I/O phase) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
