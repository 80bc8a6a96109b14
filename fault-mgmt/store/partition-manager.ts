import { QueryTypes } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';

/**
 * Daily partitions of the time-partitioned monitoring tables (PostgreSQL declarative
 * partitioning, RANGE on the time column): `<table>_pYYYYMMDD` holds the UTC day
 * [day, day + 1). Partitions are created on demand for the days a batch touches and
 * ahead of time by `maintain`, and dropped whole once the day is older than the retention.
 */
export interface PartitionManager {
  /** Makes sure the partitions of every UTC day touched by these epoch seconds exist. */
  ensureDays(epochSeconds: Iterable<number>): Promise<void>;
  /** Creates today .. today + aheadDays and drops the days entirely older than now - retentionDays. */
  maintain(now?: Date): Promise<{ created: string[]; dropped: string[] }>;
  /** Runs `maintain` now and every hour. */
  start(): void;
  stop(): void;
}

export const PARTITIONED_TABLES = ['monitoring_samples', 'monitoring_rollups_1m', 'monitoring_events'] as const;
/**
 * Storage parameters per table. A rollup row is updated by every later sample of its
 * minute (6 times a minute at collectd's 10 s interval): free room in each page lets
 * PostgreSQL update it in place (HOT: no new index entry), which keeps ingest fast.
 */
const STORAGE: Partial<Record<(typeof PARTITIONED_TABLES)[number], string>> = {
  monitoring_rollups_1m: ' WITH (fillfactor = 70)',
};
const DAY = 86_400;
const MAINTAIN_EVERY_MS = 3_600_000;
/** Another process created the same table at the same moment (duplicate table / object, pg_type unique key). */
const RACE_CODES = new Set(['42P07', '42710', '23505']);

/** UTC day number (days since 1970-01-01) of an epoch second. */
export function dayOf(epochSeconds: number): number {
  return Math.floor(epochSeconds / DAY);
}

/** `YYYYMMDD` of a UTC day number. */
export function dayStamp(day: number): string {
  return new Date(day * DAY * 1000).toISOString().slice(0, 10).replaceAll('-', '');
}

export function partitionName(table: string, day: number): string {
  return `${table}_p${dayStamp(day)}`;
}

/** The UTC day a partition name stands for, or undefined when the name is not `<table>_pYYYYMMDD`. */
export function dayOfPartition(table: string, name: string): number | undefined {
  const m = /^(.+)_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!m || m[1] !== table) return undefined;
  const ms = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]));
  const day = ms / (DAY * 1000);
  return Number.isInteger(day) && dayStamp(day) === `${m[2]}${m[3]}${m[4]}` ? day : undefined;
}

/** Distinct UTC days of the given times, ascending; non-finite times are ignored. */
export function daysOf(epochSeconds: Iterable<number>): number[] {
  const days = new Set<number>();
  let last = NaN;
  for (const t of epochSeconds) {
    if (!Number.isFinite(t)) continue;
    const d = Math.floor(t / DAY);
    if (d !== last) {
      days.add(d);
      last = d;
    }
  }
  return [...days].sort((a, b) => a - b);
}

/**
 * Days to drop: those whose whole range [day, day + 1) lies before now - retentionDays
 * (retention 0 keeps everything).
 */
export function expiredDays(days: Iterable<number>, nowEpochSeconds: number, retentionDays: number): number[] {
  if (retentionDays <= 0) return [];
  const cutoff = nowEpochSeconds - retentionDays * DAY;
  return [...days].filter((d) => (d + 1) * DAY <= cutoff).sort((a, b) => a - b);
}

/** The days `maintain` makes sure exist: today and `aheadDays` after it. */
export function daysAhead(nowEpochSeconds: number, aheadDays: number): number[] {
  const today = dayOf(nowEpochSeconds);
  return Array.from({ length: aheadDays + 1 }, (_, i) => today + i);
}

function isoDay(day: number): string {
  return new Date(day * DAY * 1000).toISOString().slice(0, 10);
}

export function createPartitionManager(deps: {
  db: Database;
  log: Logger;
  retentionDays: number;
  aheadDays: number;
}): PartitionManager {
  const log = deps.log.child({ component: 'monitoring-partitions' });
  /** Days whose three partitions are known to exist. */
  const known = new Set<number>();
  /** One creation per day at a time within this process. */
  const creating = new Map<number, Promise<boolean>>();
  let timer: NodeJS.Timeout | undefined;
  let maintaining: Promise<unknown> = Promise.resolve();

  const exists = async (name: string): Promise<boolean> => {
    const [row] = await deps.db.sequelize.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', {
      bind: [name],
      type: QueryTypes.SELECT,
    });
    return row?.r != null;
  };

  /** Each statement on its own (autocommit): never inside a writer's transaction. */
  const createTable = async (table: (typeof PARTITIONED_TABLES)[number], day: number): Promise<boolean> => {
    const name = partitionName(table, day);
    if (await exists(name)) return false;
    try {
      await deps.db.sequelize.query(
        `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} ` +
          `FOR VALUES FROM ('${isoDay(day)} 00:00:00+00') TO ('${isoDay(day + 1)} 00:00:00+00')` +
          (STORAGE[table] ?? ''),
      );
      return true;
    } catch (err) {
      // Two processes creating the same partition at once: the loser sees one of these.
      const code = (err as { original?: { code?: string } }).original?.code;
      if (code && RACE_CODES.has(code) && (await exists(name))) return false;
      throw err;
    }
  };

  /** Creates the day's partitions; resolves to true when this call created any. */
  const ensureDay = (day: number, created: string[]): Promise<boolean> => {
    if (known.has(day)) return Promise.resolve(false);
    let pending = creating.get(day);
    if (!pending) {
      pending = (async () => {
        let any = false;
        for (const table of PARTITIONED_TABLES) {
          if (await createTable(table, day)) {
            created.push(partitionName(table, day));
            any = true;
          }
        }
        known.add(day);
        return any;
      })().finally(() => creating.delete(day));
      creating.set(day, pending);
    }
    return pending;
  };

  const existingPartitions = async (): Promise<{ table: string; name: string; day: number }[]> => {
    const rows = await deps.db.sequelize.query<{ parent: string; name: string }>(
      `SELECT p.relname AS parent, c.relname AS name
         FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = ANY($1::text[]) AND pg_table_is_visible(p.oid)`,
      { bind: [[...PARTITIONED_TABLES]], type: QueryTypes.SELECT },
    );
    return rows.flatMap((r) => {
      const day = dayOfPartition(r.parent, r.name);
      return day === undefined ? [] : [{ table: r.parent, name: r.name, day }];
    });
  };

  const maintainNow = async (now: Date): Promise<{ created: string[]; dropped: string[] }> => {
    const nowSeconds = now.getTime() / 1000;
    const created: string[] = [];
    for (const day of daysAhead(nowSeconds, deps.aheadDays)) await ensureDay(day, created);
    const dropped: string[] = [];
    const existing = await existingPartitions();
    const expired = new Set(expiredDays(new Set(existing.map((p) => p.day)), nowSeconds, deps.retentionDays));
    for (const p of existing) {
      if (!expired.has(p.day)) continue;
      known.delete(p.day);
      await deps.db.sequelize.query(`DROP TABLE IF EXISTS ${p.name}`);
      dropped.push(p.name);
    }
    // Batch ids only guard against a client retrying; they are kept as long as the data (at least a day).
    await deps.db.sequelize.query(
      `DELETE FROM monitoring_ingest_batches WHERE received_at < $1::timestamptz - $2 * interval '1 day'`,
      { bind: [now.toISOString(), Math.max(deps.retentionDays, 1)] },
    );
    if (created.length || dropped.length) {
      log.info({ created, dropped, retentionDays: deps.retentionDays }, 'monitoring partitions maintained');
    }
    return { created, dropped };
  };

  return {
    async ensureDays(epochSeconds) {
      const days = daysOf(epochSeconds).filter((d) => !known.has(d));
      if (days.length === 0) return;
      const created: string[] = [];
      for (const day of days) await ensureDay(day, created);
      if (created.length) log.info({ created }, 'monitoring partitions created');
    },
    maintain(now = new Date()) {
      const run = maintaining.then(() => maintainNow(now));
      maintaining = run.catch(() => undefined);
      return run;
    },
    start() {
      if (timer) return;
      const tick = () => {
        this.maintain().catch((err) => log.error({ err }, 'monitoring partition maintenance failed'));
      };
      tick();
      timer = setInterval(tick, MAINTAIN_EVERY_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
