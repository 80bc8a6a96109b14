import type { EventRow } from '../monitoring.types.ts';

/**
 * Inserts samples (series ids, epoch seconds, values as three parallel arrays); a sample
 * already stored (same series and time) is skipped by ON CONFLICT DO NOTHING. Counts the
 * rows inserted. The 1-minute rollups are not touched here: the writer marks the minutes
 * in monitoring_rollup_pending and rollup-worker.ts recomputes them.
 */
export const SAMPLES_SQL = `
WITH ins AS (
  INSERT INTO monitoring_samples (series_id, ts, value)
  SELECT s, to_timestamp(t), v FROM unnest($1::int[], $2::float8[], $3::float8[]) AS u(s, t, v)
  ON CONFLICT (series_id, ts) DO NOTHING
  RETURNING 1
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
