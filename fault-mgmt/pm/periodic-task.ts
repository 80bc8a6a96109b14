import type { Logger } from '../../platform/logger.ts';

export interface PeriodicTask {
  start(): void;
  /** Stops the timer and waits for the round in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `round` every `seconds` (the next one starts a period after this one began, or at
 * once when it took longer). A failing round is logged, and the same error again at debug
 * level only, so a database outage does not flood the log; rounds never overlap.
 */
export function periodicTask(name: string, seconds: number, round: () => Promise<unknown>, log: Logger): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let lastError: string | undefined;
  const schedule = (ms: number) => {
    timer = setTimeout(run, ms);
    timer.unref();
  };
  const run = () => {
    const began = Date.now();
    running = round()
      .then(() => {
        if (lastError !== undefined) log.info({ task: name }, 'rounds succeed again');
        lastError = undefined;
      })
      .catch((err: Error) => {
        const again = lastError === String(err);
        lastError = String(err);
        log[again ? 'debug' : 'error']({ err, task: name }, 'round failed');
      })
      .finally(() => !stopped && schedule(Math.max(0, seconds * 1000 - (Date.now() - began))));
  };
  return {
    start() {
      if (timer || stopped || seconds <= 0) return;
      schedule(seconds * 1000);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
