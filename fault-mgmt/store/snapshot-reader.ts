/**
 * What the store knows about entities: the catalogue of their series, and the latest
 * canonical values per host and VM (the query API's GET /series and GET /snapshot).
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { EntityKind, EntityRef } from '../monitoring.types.ts';

export interface SeriesEntry {
  readonly entity: EntityRef;
  readonly metric: string;
  readonly canonical: boolean;
}

export interface EntitySnapshot {
  readonly entity: EntityRef;
  /** Time of the newest value among the metrics (ISO 8601). */
  readonly time: string;
  readonly metrics: Record<string, { value: number; time: string }>;
}

export interface SnapshotReader {
  /** Series of one entity, or of all, ordered by kind, id and metric. */
  catalogue(q: { entity?: EntityRef; limit: number; offset: number }): Promise<SeriesEntry[]>;
  /** Latest value of every canonical series of the hosts and/or VMs asked for. */
  snapshot(q: { kinds: readonly EntityKind[]; id?: string }): Promise<EntitySnapshot[]>;
}

interface LatestRow {
  entity_kind: EntityKind;
  entity_id: string;
  metric: string;
  value: number | null;
  ts: Date | null;
}

export function createSnapshotReader(deps: { db: Database }): SnapshotReader {
  const { db } = deps;
  return {
    async catalogue({ entity, limit, offset }) {
      const rows = await db.sequelize.query<{ entity_kind: EntityKind; entity_id: string; metric: string; canonical: boolean }>(
        `SELECT entity_kind, entity_id, metric, canonical FROM monitoring_series
          WHERE ($1::text IS NULL OR (entity_kind = $1 AND entity_id = $2))
          ORDER BY entity_kind, entity_id, metric LIMIT $3 OFFSET $4`,
        { bind: [entity?.kind ?? null, entity?.id ?? null, limit, offset], type: QueryTypes.SELECT },
      );
      return rows.map((r) => ({ entity: { kind: r.entity_kind, id: r.entity_id }, metric: r.metric, canonical: r.canonical }));
    },

    async snapshot({ kinds, id }) {
      // The newest 1-minute rollup holds the last value of every minute up to date; a newer
      // sample can only be in a minute still marked pending (or after the newest rollup),
      // so the newest sample from the earliest such minute on wins over the rollup. A
      // series without rollups falls back to its newest sample.
      const rows = await db.sequelize.query<LatestRow>(
        `WITH p AS (SELECT min(bucket) AS first FROM monitoring_rollup_pending)
         SELECT s.entity_kind, s.entity_id, s.metric,
                COALESCE(m.value, r.last) AS value, COALESCE(m.ts, r.last_ts) AS ts
           FROM monitoring_series s
           CROSS JOIN p
           LEFT JOIN LATERAL (
             SELECT bucket, last, last_ts FROM monitoring_rollups_1m WHERE series_id = s.id ORDER BY bucket DESC LIMIT 1
           ) r ON true
           LEFT JOIN LATERAL (
             SELECT value, ts FROM monitoring_samples
              WHERE series_id = s.id
                AND ts >= COALESCE(LEAST(p.first, r.bucket + interval '1 minute'), '-infinity')
              ORDER BY ts DESC LIMIT 1
           ) m ON true
          WHERE s.canonical AND s.entity_kind = ANY($1::text[]) AND ($2::text IS NULL OR s.entity_id = $2)
          ORDER BY s.entity_kind, s.entity_id, s.metric`,
        { bind: [[...kinds], id ?? null], type: QueryTypes.SELECT },
      );
      const out = new Map<string, { entity: EntityRef; newest: number; metrics: EntitySnapshot['metrics'] }>();
      for (const r of rows) {
        if (r.value === null || r.ts === null) continue;
        const key = `${r.entity_kind}\u0000${r.entity_id}`;
        let e = out.get(key);
        if (!e) out.set(key, (e = { entity: { kind: r.entity_kind, id: r.entity_id }, newest: 0, metrics: {} }));
        const t = new Date(r.ts);
        e.metrics[r.metric] = { value: Number(r.value), time: t.toISOString() };
        e.newest = Math.max(e.newest, t.getTime());
      }
      return [...out.values()].map((e) => ({ entity: e.entity, time: new Date(e.newest).toISOString(), metrics: e.metrics }));
    },
  };
}
