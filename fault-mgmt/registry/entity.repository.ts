import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { entityId, validateEntity, type RegisteredEntity, type RegistryEntity } from './registry-entity.ts';

/** Unknown-name counts gathered in memory between flushes. */
export interface UnknownCount {
  readonly kind: string;
  readonly name: string;
  readonly n: number;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
}

export interface UnknownEntityRow {
  readonly kind: string;
  readonly name: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly seen: number;
}

const CHUNK = 1000;

/** Every registered entity; rows whose document no longer validates are skipped and returned apart. */
export async function loadEntities(db: Database): Promise<{ entities: RegisteredEntity[]; invalid: string[] }> {
  const rows = await db.sequelize.query<{ kind: string; id: string; doc: unknown; source: string }>(
    'SELECT kind, id, doc, source FROM monitoring_entities ORDER BY kind, id',
    { type: QueryTypes.SELECT },
  );
  const entities: RegisteredEntity[] = [];
  const invalid: string[] = [];
  for (const r of rows) {
    const e = validateEntity(r.doc);
    if (typeof e === 'string' || e.kind !== r.kind || entityId(e) !== r.id) invalid.push(`${r.kind} ${r.id}`);
    else entities.push({ entity: e, source: r.source });
  }
  return { entities, invalid };
}

/**
 * Inserts or replaces the entities (same kind + id), and forgets them as unknown names.
 * `replaceSource`: also deletes that source's entries not in `entities` (a re-read config file).
 */
export async function saveEntities(
  tx: Transaction,
  db: Database,
  entities: readonly RegistryEntity[],
  source: string,
  replaceSource: boolean,
): Promise<void> {
  for (let i = 0; i < entities.length; i += CHUNK) {
    const part = entities.slice(i, i + CHUNK);
    await db.sequelize.query(
      `INSERT INTO monitoring_entities (kind, id, doc, source)
       SELECT k, i, d, $4 FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS u(k, i, d)
       ON CONFLICT (kind, id) DO UPDATE SET doc = EXCLUDED.doc, source = EXCLUDED.source, updated_at = now()`,
      { bind: [part.map((e) => e.kind), part.map(entityId), part.map((e) => JSON.stringify(e)), source], transaction: tx },
    );
  }
  if (replaceSource) {
    await db.sequelize.query(
      `DELETE FROM monitoring_entities WHERE source = $1
       AND (kind, id) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      { bind: [source, entities.map((e) => e.kind), entities.map(entityId)], transaction: tx },
    );
  }
  const names = entities.flatMap(namesOf);
  if (names.length > 0) {
    await db.sequelize.query('DELETE FROM monitoring_unknown_entities WHERE name = ANY($1::text[])', { bind: [names], transaction: tx });
  }
}

/** Every name under which feeds may refer to the entity. */
export function namesOf(e: RegistryEntity): string[] {
  if (e.kind === 'host') return [e.name];
  if (e.kind === 'vm') return [e.id, ...(e.name ? [e.name] : []), ...(e.aliases ?? []), ...(e.host ? [e.host] : [])];
  if (e.kind === 'vnf') return [e.id, ...(e.name ? [e.name] : [])];
  return [];
}

/** Adds the counts: seen += n, first_seen kept, last_seen moved forward. */
export async function flushUnknownCounts(db: Database, counts: readonly UnknownCount[]): Promise<void> {
  for (let i = 0; i < counts.length; i += CHUNK) {
    const part = counts.slice(i, i + CHUNK);
    await db.sequelize.query(
      `INSERT INTO monitoring_unknown_entities AS u (kind, name, first_seen, last_seen, seen)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[])
       ON CONFLICT (kind, name) DO UPDATE SET
         seen = u.seen + EXCLUDED.seen,
         first_seen = LEAST(u.first_seen, EXCLUDED.first_seen),
         last_seen = GREATEST(u.last_seen, EXCLUDED.last_seen)`,
      {
        bind: [
          part.map((c) => c.kind),
          part.map((c) => c.name),
          part.map((c) => c.firstSeen.toISOString()),
          part.map((c) => c.lastSeen.toISOString()),
          part.map((c) => c.n),
        ],
      },
    );
  }
}

/** Names seen but not registered, most recently seen first. */
export async function listUnknownEntities(db: Database, limit = 1000): Promise<UnknownEntityRow[]> {
  const rows = await db.sequelize.query<{ kind: string; name: string; first_seen: Date; last_seen: Date; seen: number }>(
    'SELECT kind, name, first_seen, last_seen, seen FROM monitoring_unknown_entities ORDER BY last_seen DESC, kind, name LIMIT $1',
    { bind: [limit], type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    kind: r.kind,
    name: r.name,
    firstSeen: new Date(r.first_seen).toISOString(),
    lastSeen: new Date(r.last_seen).toISOString(),
    seen: Number(r.seen),
  }));
}
