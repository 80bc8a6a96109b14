import type { EventRow } from '../monitoring.types.ts';

/**
 * Inserts samples (series ids, epoch seconds, values as three parallel arrays) and folds
 * exactly the rows that were inserted into the 1-minute rollups, in one statement: a
 * sample already stored (same series and time) is skipped by ON CONFLICT DO NOTHING,
 * so it is not counted twice. Buckets are epoch-aligned minutes whatever the session
 * time zone (date_bin from the epoch). The data-modifying CTE runs even though the
 * final SELECT only counts the inserted rows.
 */
export const SAMPLES_SQL = `
WITH ins AS (
  INSERT INTO monitoring_samples (series_id, ts, value)
  SELECT s, to_timestamp(t), v FROM unnest($1::int[], $2::float8[], $3::float8[]) AS u(s, t, v)
  ON CONFLICT (series_id, ts) DO NOTHING
  RETURNING series_id, ts, value
), rolled AS (
  INSERT INTO monitoring_rollups_1m AS r (series_id, bucket, n, sum, min, max, last, last_ts)
  SELECT series_id, date_bin('1 minute', ts, timestamptz '1970-01-01 00:00:00+00'),
         count(*), sum(value), min(value), max(value), (array_agg(value ORDER BY ts DESC))[1], max(ts)
    FROM ins GROUP BY 1, 2
  ON CONFLICT (series_id, bucket) DO UPDATE SET
    n = r.n + EXCLUDED.n,
    sum = r.sum + EXCLUDED.sum,
    min = LEAST(r.min, EXCLUDED.min),
    max = GREATEST(r.max, EXCLUDED.max),
    last = CASE WHEN EXCLUDED.last_ts >= r.last_ts THEN EXCLUDED.last ELSE r.last END,
    last_ts = GREATEST(r.last_ts, EXCLUDED.last_ts)
)
SELECT count(*)::int AS n FROM ins`;

export const EVENTS_SQL = `
INSERT INTO monitoring_events (ts, type, count, source, host, vm, vnf_instance_id, vnfc_instance_id, message, attrs)
SELECT to_timestamp(t), ty, c, so, h, vm, vi, vc, m, a::jsonb
  FROM unnest($1::float8[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
    AS u(t, ty, c, so, h, vm, vi, vc, m, a)`;

/** The bind arrays of EVENTS_SQL for events[from, to) (null for an absent field). */
export function eventColumns(events: readonly EventRow[], from: number, to: number): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 10 }, () => []);
  for (let i = from; i < to; i++) {
    const e = events[i];
    cols[0].push(e.ts);
    cols[1].push(e.type);
    cols[2].push(e.count);
    cols[3].push(e.source);
    cols[4].push(e.host ?? null);
    cols[5].push(e.vm ?? null);
    cols[6].push(e.vnfInstanceId ?? null);
    cols[7].push(e.vnfcInstanceId ?? null);
    cols[8].push(e.message ?? null);
    cols[9].push(e.attrs === undefined ? null : JSON.stringify(e.attrs));
  }
  return cols;
}
