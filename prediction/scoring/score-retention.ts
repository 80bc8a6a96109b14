import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import { purgeFailureScores } from './failure-score.repository.ts';

const EVERY_MS = 3_600_000;

/** Deletes failure scores older than MONITORING_RETENTION_DAYS, at start and then hourly (like the store's partitions). */
export function createScoreRetention(deps: { db: Database; log: Logger; retentionDays: number }): { start(): void; stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      const deleted = await purgeFailureScores(deps.db, deps.retentionDays);
      if (deleted > 0) deps.log.info({ deleted, retentionDays: deps.retentionDays }, 'old failure scores deleted');
    } catch (err) {
      deps.log.warn({ err }, 'failure score retention sweep failed; tried again in an hour');
    }
  };
  return {
    start() {
      if (timer || deps.retentionDays <= 0) return;
      running = sweep();
      timer = setInterval(() => (running = sweep()), EVERY_MS);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
