/**
 * Rows written straight into the monitoring store with SQL, for reader tests that must not
 * depend on the writer: daily partitions, series, samples (with their 1-minute rollups
 * computed by SQL), events.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { EntityKind, EventRow } from '../../fault-mgmt/monitoring.types.ts';

const PARTITIONED = [
  ['monitoring_samples', 'ts'],
  ['monitoring_rollups_1m', 'bucket'],
  ['monitoring_events', 'ts'],
] as const;

/** Daily partitions `<table>_pYYYYMMDD` of the three time tables for the UTC day of `epochSeconds`. */
export async function createDayPartitions(db: Database, epochSeconds: number): Promise<void> {
  const day = new Date(Math.floor(epochSeconds / 86_400) * 86_400_000);
  const next = new Date(day.getTime() + 86_400_000);
  const tag = day.toISOString().slice(0, 10).replace(/-/g, '');
  for (const [table] of PARTITIONED) {
    await db.sequelize.query(
      `CREATE TABLE IF NOT EXISTS ${table}_p${tag} PARTITION OF ${table}
         FOR VALUES FROM ('${day.toISOString()}') TO ('${next.toISOString()}')`,
    );
  }
}

export async function insertSeries(db: Database, kind: EntityKind, id: string, metric: string, canonical = true): Promise<number> {
  const [row] = await db.sequelize.query<{ id: number }>(
    `INSERT INTO monitoring_series (entity_kind, entity_id, metric, canonical) VALUES ($1, $2, $3, $4) RETURNING id`,
    { bind: [kind, id, metric, canonical], type: QueryTypes.SELECT },
  );
  return row.id;
}

/** Samples [epoch seconds, value]; with `rollups`, the 1-minute rollups of the minutes touched are recomputed. */
export async function insertSamples(db: Database, seriesId: number, samples: [number, number][], rollups = true): Promise<void> {
  await db.sequelize.query(
    `INSERT INTO monitoring_samples (series_id, ts, value)
       SELECT $1, to_timestamp(t), v FROM unnest($2::float8[], $3::float8[]) AS x(t, v)`,
    { bind: [seriesId, samples.map((s) => s[0]), samples.map((s) => s[1])] },
  );
  if (!rollups) return;
  await db.sequelize.query(
    `INSERT INTO monitoring_rollups_1m (series_id, bucket, n, sum, min, max, last, last_ts)
       SELECT series_id, date_trunc('minute', ts), count(*), sum(value), min(value), max(value),
              (array_agg(value ORDER BY ts DESC))[1], max(ts)
         FROM monitoring_samples
        WHERE series_id = $1 AND date_trunc('minute', ts) = ANY(
          SELECT DISTINCT date_trunc('minute', to_timestamp(t)) FROM unnest($2::float8[]) AS x(t))
        GROUP BY 1, 2
       ON CONFLICT (series_id, bucket) DO UPDATE SET n = EXCLUDED.n, sum = EXCLUDED.sum, min = EXCLUDED.min,
         max = EXCLUDED.max, last = EXCLUDED.last, last_ts = EXCLUDED.last_ts`,
    { bind: [seriesId, samples.map((s) => s[0])] },
  );
}

export async function insertEvents(db: Database, events: readonly EventRow[]): Promise<void> {
  for (const e of events) {
    await db.sequelize.query(
      `INSERT INTO monitoring_events (ts, type, count, source, host, vm, vnf_instance_id, vnfc_instance_id, message, attrs)
       VALUES (to_timestamp($1), $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      {
        bind: [
          e.ts, e.type, e.count, e.source, e.host ?? null, e.vm ?? null, e.vnfInstanceId ?? null,
          e.vnfcInstanceId ?? null, e.message ?? null, e.attrs ? JSON.stringify(e.attrs) : null,
        ],
      },
    );
  }
}
