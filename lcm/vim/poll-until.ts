/**
 * Polls a VIM until a condition holds, a timeout passes or the caller aborts. A retriable
 * error (VIM busy or unreachable) is one failed poll, not the end of the wait.
 */
import { VimError, VimOperationTimedOut, VimWaitAborted } from './vim-errors.ts';
import { realClock, sleepOn, type VimClock } from './vim-clock.ts';

export interface PollOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly signal?: AbortSignal;
  readonly clock?: VimClock;
}

/** Calls `check` until it returns a value; `what` names the wait in the timeout error. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, opts: PollOptions): Promise<T> {
  const clock = opts.clock ?? realClock;
  const deadline = clock.now() + opts.timeoutMs;
  let lastError: VimError | undefined;
  for (;;) {
    if (opts.signal?.aborted) throw new VimWaitAborted(`wait for ${what} aborted`);
    try {
      const value = await check();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (err) {
      if (!(err instanceof VimError && err.retriable)) throw err;
      lastError = err;
    }
    const left = deadline - clock.now();
    if (left <= 0) {
      const why = lastError ? ` (last poll: ${lastError.message})` : '';
      throw new VimOperationTimedOut(`${what} did not happen within ${opts.timeoutMs} ms${why}`);
    }
    await sleepOn(clock, Math.min(opts.intervalMs, left), opts.signal);
  }
}
