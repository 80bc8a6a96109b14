/**
 * Time as the VIM drivers see it. The OpenStack driver runs on the real clock; the simulated
 * VIM runs on any clock, so a replay can drive it with a ManualClock faster than real time.
 */
import { VimWaitAborted } from './vim-errors.ts';

export type TimerHandle = { readonly id: number };

export interface VimClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `delayMs` from now. */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

let nextId = 1;
const timers = new WeakMap<TimerHandle, ReturnType<typeof setTimeout>>();

/** Date.now and setTimeout. */
export const realClock: VimClock = {
  now: () => Date.now(),
  setTimer(delayMs, fn) {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    const handle = { id: nextId++ };
    timers.set(handle, timer);
    return handle;
  },
  clearTimer(handle) {
    clearTimeout(timers.get(handle));
    timers.delete(handle);
  },
};

/** Resolves after `ms` on `clock`; rejects with VimWaitAborted when `signal` fires first. */
export function sleepOn(clock: VimClock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new VimWaitAborted('wait aborted'));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimer(handle);
      reject(new VimWaitAborted('wait aborted'));
    };
    const handle = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
