import { QueryTypes } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { EntityRef, SampleRow } from '../monitoring.types.ts';

/**
 * (entity kind, entity id, metric) -> monitoring_series.id, so that sample rows stay
 * narrow. Ids are cached in memory for the life of the process (series are never
 * deleted). Misses are created and read back in one autocommit statement before the
 * writer opens its transaction: an id in the cache is always a committed row, whatever
 * happens to the transaction that needed it.
 */
export interface SeriesDictionary {
  /**
   * Series ids of the rows of every group, in order, as one flat array (the ids of
   * `groups[0]` first); unknown series are created (`canonical` as the first row naming it says).
   */
  idsOf(groups: readonly (readonly SampleRow[])[]): Promise<number[]>;
  readonly size: number;
}

/** Cache key of an entity; `\u0000` cannot occur in a stored text value. */
function entityKey(e: EntityRef): string {
  return `${e.kind}\u0000${e.id}`;
}

export function createSeriesDictionary(deps: { db: Database }): SeriesDictionary {
  /** entity key -> metric -> series id */
  const byEntity = new Map<string, Map<string, number>>();
  let size = 0;

  const metricsOf = (e: EntityRef, create: boolean): Map<string, number> | undefined => {
    const key = entityKey(e);
    let m = byEntity.get(key);
    if (!m && create) byEntity.set(key, (m = new Map()));
    return m;
  };

  /** Fills `out` from the cache; returns the rows it could not resolve. */
  const fromCache = (groups: readonly (readonly SampleRow[])[], out: number[]): SampleRow[] => {
    const missing: SampleRow[] = [];
    // Receivers share one EntityRef object per entity in a body: look its map up once per run.
    let lastEntity: EntityRef | undefined;
    let metrics: Map<string, number> | undefined;
    let n = 0;
    for (const rows of groups) {
      for (let i = 0; i < rows.length; i++, n++) {
        const row = rows[i];
        if (row.entity !== lastEntity) {
          lastEntity = row.entity;
          metrics = metricsOf(row.entity, false);
        }
        const id = metrics?.get(row.metric);
        if (id === undefined) missing.push(row);
        else out[n] = id;
      }
    }
    return missing;
  };

  const resolve = async (missing: readonly SampleRow[]): Promise<void> => {
    const kinds: string[] = [];
    const ids: string[] = [];
    const names: string[] = [];
    const canonical: boolean[] = [];
    const seen = new Set<string>();
    for (const r of missing) {
      const key = `${r.entity.kind}\u0000${r.entity.id}\u0000${r.metric}`;
      if (seen.has(key)) continue;
      seen.add(key);
      kinds.push(r.entity.kind);
      ids.push(r.entity.id);
      names.push(r.metric);
      canonical.push(r.canonical);
    }
    // One statement: create what is new, then read every id back. Rows a concurrent writer
    // commits after this statement's snapshot are neither inserted nor seen: read again below.
    const sql = `
      WITH wanted AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[]) AS w(entity_kind, entity_id, metric, canonical)
      ), created AS (
        INSERT INTO monitoring_series (entity_kind, entity_id, metric, canonical)
        SELECT entity_kind, entity_id, metric, canonical FROM wanted
        ON CONFLICT (entity_kind, entity_id, metric) DO NOTHING
        RETURNING id, entity_kind, entity_id, metric
      )
      SELECT id, entity_kind, entity_id, metric FROM created
      UNION ALL
      SELECT s.id, s.entity_kind, s.entity_id, s.metric
        FROM monitoring_series s JOIN wanted w USING (entity_kind, entity_id, metric)`;
    const found = await deps.db.sequelize.query<{ id: number; entity_kind: string; entity_id: string; metric: string }>(sql, {
      bind: [kinds, ids, names, canonical],
      type: QueryTypes.SELECT,
    });
    for (const f of found) {
      const m = metricsOf({ kind: f.entity_kind as EntityRef['kind'], id: f.entity_id }, true)!;
      if (!m.has(f.metric)) size++;
      m.set(f.metric, f.id);
    }
  };

  return {
    get size() {
      return size;
    },
    async idsOf(groups) {
      let total = 0;
      for (const rows of groups) total += rows.length;
      const out = new Array<number>(total);
      let missing = fromCache(groups, out);
      for (let attempt = 0; missing.length > 0; attempt++) {
        if (attempt === 3) throw new Error(`cannot resolve ${missing.length} monitoring series ids`);
        await resolve(missing);
        missing = fromCache(groups, out);
      }
      return out;
    },
  };
}
