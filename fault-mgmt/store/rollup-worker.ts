/**
 * Keeps monitoring_rollups_1m exact without folding the rollups into the sample inserts:
 * the writer marks the minutes a transaction touched in monitoring_rollup_pending, and this
 * worker recomputes each marked minute from the raw samples once it has ended.
 *
 * Per minute, in one transaction: the rollup rows of that minute are computed again (count,
 * sum, min, max, last = the value at the latest time) with one GROUP BY over the samples;
 * the mark is removed only when marked_at is still the value read before the recomputation.
 * The rows are inserted plainly; only when the minute has rows of an earlier computation
 * (late data) is the insert rolled back to a savepoint and the rows written over the old
 * ones (ON CONFLICT DO UPDATE costs a quarter more even where nothing conflicts, and a
 * minute is usually computed once). Samples are only ever added to a minute, never taken
 * away, so every series of the old rows is among the new ones. A write that lands meanwhile
 * renews marked_at in its own transaction (row lock on the mark; READ COMMITTED re-checks
 * the mark DELETE's condition on the renewed row), so the minute stays marked and is
 * recomputed again on the next run: late data is never lost.
 *
 * A minute still being written (its mark renewed less than `quietSeconds` ago, by the
 * database's clock) waits for the writes to stop, at most `maxDeferrals` runs: a backfill
 * (collectd catching up, a replay) writes each past minute for a few seconds, and each
 * recomputation reads the whole minute, so recomputing it on every run while it fills would
 * read it several times over.
 *
 * The minute's samples are read through the BRIN index on their time, whatever the planner's
 * statistics of a partition still filling up say: a sequential scan would read the whole
 * day's partition for each minute, so each recomputation would cost more as the day goes
 * on. A run first summarises the block ranges appended since the last run (BRIN leaves new
 * ranges unsummarised, and a scan must read those whole); each block is summarised once.
 * Old rollup rows are overwritten, not deleted first: a DELETE by minute would have no index
 * to use (the key leads with the series) and would read the day's rollups.
 * A recomputation is background work beside the ingest: no parallel workers, no JIT.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import { sqlState } from './sample-writes.ts';

export interface RollupWorker {
  /** Recomputes the marked minutes that ended more than `settleSeconds` ago; resolves to how many. */
  runOnce(now?: Date): Promise<number>;
  /** Runs every `intervalMs` until stop(). */
  start(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export interface RollupWorkerOptions {
  /** Pause between runs. */
  intervalMs?: number;
  /** A minute is recomputed once it ended this long ago (writes in flight for it are done). */
  settleSeconds?: number;
  /** At most this many minutes per run (the rest waits for the next run). */
  maxMinutesPerRun?: number;
  /** A minute marked less than this long ago is still being written: it waits (default 0: never). */
  quietSeconds?: number;
  /** Runs a minute still being written may wait before it is recomputed anyway. */
  maxDeferrals?: number;
  /** work_mem of a recomputation (one GROUP BY over a minute of samples, sorted in memory). */
  workMem?: string;
}

/** What the service uses: a minute waits for 5 s without writes, at most 12 runs (about a minute). */
export const SERVICE_ROLLUP_OPTIONS: RollupWorkerOptions = Object.freeze({ quietSeconds: 5, maxDeferrals: 12 });

/** Rollup rows of one minute ($1) from the raw samples; `last` is the value at max(ts). */
export const RECOMPUTE_SQL = `
INSERT INTO monitoring_rollups_1m (series_id, bucket, n, sum, min, max, last, last_ts)
SELECT series_id, $1::timestamptz, count(*), sum(value), min(value), max(value),
       (array_agg(value ORDER BY ts DESC))[1], max(ts)
  FROM monitoring_samples
 WHERE ts >= $1::timestamptz AND ts < $1::timestamptz + interval '1 minute'
 GROUP BY series_id`;

/** RECOMPUTE_SQL over the rows of an earlier computation of the minute. */
export const OVERWRITE_SQL = `${RECOMPUTE_SQL}
ON CONFLICT (series_id, bucket) DO UPDATE
   SET n = EXCLUDED.n, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max,
       last = EXCLUDED.last, last_ts = EXCLUDED.last_ts`;

/** Settings of a recomputation's transaction (see the top of this file). */
export function recomputeSettings(workMem: string | undefined): string {
  return [...(workMem ? [`work_mem = '${workMem}'`] : []), 'enable_seqscan = off', 'max_parallel_workers_per_gather = 0', 'jit = off']
    .map((s) => `SET LOCAL ${s};`)
    .join(' ');
}

/**
 * Summarises the block ranges of the samples' BRIN indexes (one per partition) that were
 * appended since the last summary; a no-op for an index with none.
 */
export const SUMMARISE_SQL = `
SELECT count(brin_summarize_new_values(i.indexrelid))::int AS indexes
  FROM pg_inherits h
  JOIN pg_index i ON i.indrelid = h.inhrelid
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_am a ON a.oid = c.relam AND a.amname = 'brin'
 WHERE h.inhparent = 'monitoring_samples'::regclass`;

/**
 * Marks minutes (epoch seconds of their start) as pending: the writer runs it in its flush
 * transaction. Sorted so that concurrent writers lock the marks in the same order.
 */
export const MARK_PENDING_SQL = `
INSERT INTO monitoring_rollup_pending (bucket, marked_at)
SELECT to_timestamp(b), now() FROM unnest($1::float8[]) AS u(b) ORDER BY b
ON CONFLICT (bucket) DO UPDATE SET marked_at = now()`;

/** MARK_PENDING_SQL with the minutes written into it (for a script without parameters). */
export function markPendingLiteral(minutes: readonly number[]): string {
  for (const m of minutes) if (!Number.isSafeInteger(m)) throw new Error(`minute ${m}: epoch seconds expected`);
  return MARK_PENDING_SQL.replace('$1::float8[]', `'{${minutes.join(',')}}'::float8[]`);
}

/** The distinct minutes (epoch seconds of their start) of a list of sample times, ascending. */
export function minutesOf(times: Iterable<number>): number[] {
  const out = new Set<number>();
  let last = NaN;
  for (const t of times) {
    const m = Math.floor(t / 60) * 60;
    if (m !== last && Number.isFinite(m)) out.add((last = m));
  }
  return [...out].sort((a, b) => a - b);
}

export function createRollupWorker(deps: { db: Database; log: Logger; options?: RollupWorkerOptions }): RollupWorker {
  const { db } = deps;
  const log = deps.log.child({ component: 'rollup-worker' });
  const intervalMs = deps.options?.intervalMs ?? 5_000;
  const settleSeconds = deps.options?.settleSeconds ?? 5;
  const maxMinutes = deps.options?.maxMinutesPerRun ?? 60;
  const quietSeconds = deps.options?.quietSeconds ?? 0;
  const maxDeferrals = deps.options?.maxDeferrals ?? 12;
  const workMem = deps.options?.workMem ?? '64MB';
  if (!/^\d+(kB|MB|GB)$/.test(workMem)) throw new Error(`rollup workMem ${workMem}: a size such as 64MB`);
  /** Minute (epoch ms) -> runs it waited while being written. */
  const deferred = new Map<number, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  /** One minute: recomputed, and its mark removed unless renewed meanwhile. */
  const recompute = (bucket: Date, markedAt: string) =>
    db.transaction(async (tx) => {
      await db.sequelize.query(recomputeSettings(db.embedded ? undefined : workMem), { transaction: tx });
      await db.sequelize.query('SAVEPOINT first_computation', { transaction: tx });
      try {
        await db.sequelize.query(RECOMPUTE_SQL, { bind: [bucket], transaction: tx });
      } catch (err) {
        if (sqlState(err) !== '23505') throw err; // computed before: written over
        await db.sequelize.query('ROLLBACK TO SAVEPOINT first_computation', { transaction: tx });
        await db.sequelize.query(OVERWRITE_SQL, { bind: [bucket], transaction: tx });
      }
      await db.sequelize.query('DELETE FROM monitoring_rollup_pending WHERE bucket = $1 AND marked_at = $2::timestamptz', {
        bind: [bucket, markedAt],
        transaction: tx,
      });
    });

  /**
   * SUMMARISE_SQL, waiting at most a moment for the lock it takes (a VACUUM of the partition
   * holds it for longer, and summarises the ranges itself). Without it a run is only slower.
   */
  const summarise = async (): Promise<void> => {
    try {
      await db.transaction(async (tx) => {
        await db.sequelize.query("SET LOCAL lock_timeout = '200ms'", { transaction: tx });
        await db.sequelize.query(SUMMARISE_SQL, { type: QueryTypes.SELECT, transaction: tx });
      });
    } catch (err) {
      log.debug({ err }, 'new BRIN ranges not summarised; the minutes are read anyway');
    }
  };

  const run = async (now: Date): Promise<number> => {
    // marked_at as text: microseconds, which a JavaScript Date would round to milliseconds.
    const due = await db.sequelize.query<{ bucket: Date; marked_at: string; writing: boolean }>(
      `SELECT bucket, marked_at::text AS marked_at, marked_at > now() - make_interval(secs => $4) AS writing
         FROM monitoring_rollup_pending
        WHERE bucket + interval '1 minute' <= $1::timestamptz - make_interval(secs => $2)
        ORDER BY bucket LIMIT $3`,
      { bind: [now, settleSeconds, maxMinutes, quietSeconds], type: QueryTypes.SELECT },
    );
    let recomputed = 0;
    let summarised = false;
    for (const row of due) {
      const bucket = new Date(row.bucket);
      const waited = deferred.get(bucket.getTime()) ?? 0;
      if (row.writing && waited < maxDeferrals) {
        deferred.set(bucket.getTime(), waited + 1);
        continue;
      }
      if (!summarised) {
        await summarise();
        summarised = true;
      }
      await recompute(bucket, row.marked_at);
      deferred.delete(bucket.getTime());
      recomputed++;
    }
    return recomputed;
  };

  const runOnce = (now = new Date()): Promise<number> => {
    // One run at a time: a second caller waits for the current run, then runs its own.
    const next = (running ?? Promise.resolve(0)).catch(() => 0).then(() => run(now));
    running = next;
    return next.finally(() => {
      if (running === next) running = undefined;
    });
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        const n = await runOnce();
        if (n > 0) log.debug({ minutes: n }, 'rollups recomputed');
      } catch (err) {
        log.warn({ err }, 'rollup recomputation failed; retried on the next run');
      }
      schedule();
    }, intervalMs);
    timer.unref();
  };

  return {
    runOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
