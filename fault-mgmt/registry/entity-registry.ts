import { readFile } from 'node:fs/promises';
import type { Counter } from 'prom-client';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import { sharedCounter } from '../monitoring.metrics.ts';
import type { EntityResolver, ResolvedEntity } from '../monitoring.types.ts';
import { buildEntityIndex, resolveName, type EntityIndex } from './entity-index.ts';
import { flushUnknownCounts, loadEntities, saveEntities, type UnknownCount } from './entity.repository.ts';
import { entityId, parseEntitiesFile, validateEntity, type EntitySource, type RegistryEntity } from './registry-entity.ts';

export type { RegistryEntity } from './registry-entity.ts';

export interface EntityRegistry extends EntityResolver {
  /** Reads the registered entities into memory. */
  load(): Promise<void>;
  /** Registers the file's entities (source `config`); config entries no longer in it are removed. */
  seedFromFile(path: string): Promise<void>;
  /** Inserts or replaces entities (same kind + id); memory follows once committed. */
  upsert(entities: RegistryEntity[], source: EntitySource): Promise<void>;
  /** Starts the periodic flush of unknown-name counts. */
  start(): void;
  /** Stops it and flushes what is counted. */
  stop(): Promise<void>;
  /** Writes the unknown-name counts gathered so far (GET /entities calls it to be current). */
  flushUnknown(): Promise<void>;
}

export const UNKNOWN_FLUSH_MS = 10_000;
/** Distinct unknown names kept between two flushes; more are only counted in the metric. */
export const MAX_PENDING_UNKNOWN = 10_000;

/** A short description of an entity for error messages (never throws, whatever the value). */
function describe(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const r = raw as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 80) : typeof v);
  return `kind ${text(r.kind)}, id ${text(r.id ?? r.name)}`;
}

interface Pending {
  kind: string;
  name: string;
  n: number;
  firstSeen: Date;
  lastSeen: Date;
}

export function createEntityRegistry(deps: { db: Database; log: Logger; metrics: PlatformMetrics; flushMs?: number }): EntityRegistry {
  const log = deps.log.child({ component: 'entity-registry' });
  const unknownSamples: Counter<'kind'> = sharedCounter(
    deps.metrics.registry,
    'vnfm_monitoring_unknown_entity_samples_total',
    'Names resolved that the entity registry does not know (their data is kept under the name), by kind',
    ['kind'],
  );
  let index: EntityIndex = buildEntityIndex([]).index;
  let pending = new Map<string, Pending>();
  let overflow = 0;
  let timer: NodeJS.Timeout | undefined;
  // Writes (upserts, flushes) run one after another, so memory follows the commit order.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };

  async function reload(): Promise<void> {
    const { entities, invalid } = await loadEntities(deps.db);
    if (invalid.length > 0) log.warn({ entities: invalid.slice(0, 20), count: invalid.length }, 'registered entities skipped: invalid documents');
    const built = buildEntityIndex(entities.map((r) => r.entity));
    if (built.ambiguous.length > 0) {
      log.warn({ names: built.ambiguous.slice(0, 20) }, 'names of several VMs: they resolve to the VM with the smallest server id');
    }
    index = built.index;
    // Names registered meanwhile are no longer unknown.
    for (const [key, p] of pending) if (resolveName(index, p.name, p.kind === 'vm' ? 'vm' : 'host').known) pending.delete(key);
  }

  async function write(entities: readonly RegistryEntity[], source: string, replaceSource: boolean): Promise<void> {
    const byKey = new Map<string, RegistryEntity>();
    entities.forEach((raw, i) => {
      const e = validateEntity(raw);
      if (typeof e === 'string') throw new TypeError(`entity #${i} (${describe(raw)}): ${e}`);
      byKey.set(`${e.kind}\u0000${entityId(e)}`, e); // the last of duplicates wins
    });
    await serial(async () => {
      await deps.db.transaction((tx) => saveEntities(tx, deps.db, [...byKey.values()], source, replaceSource));
      await reload();
    });
    log.info({ source, count: byKey.size }, 'entities registered');
  }

  async function flush(): Promise<void> {
    if (pending.size === 0 && overflow === 0) return;
    const batch = pending;
    const dropped = overflow;
    pending = new Map();
    overflow = 0;
    if (dropped > 0) log.warn({ dropped, limit: MAX_PENDING_UNKNOWN }, 'too many distinct unknown names; some were only counted in the metric');
    await serial(async () => {
      const counts: UnknownCount[] = [...batch.values()];
      try {
        await flushUnknownCounts(deps.db, counts);
      } catch (err) {
        // Kept for the next flush rather than lost.
        for (const [key, p] of batch) {
          const now = pending.get(key);
          if (now) {
            now.n += p.n;
            now.firstSeen = p.firstSeen < now.firstSeen ? p.firstSeen : now.firstSeen;
          } else if (pending.size < MAX_PENDING_UNKNOWN) pending.set(key, p);
        }
        throw err;
      }
    });
  }

  function countUnknown(r: ResolvedEntity, name: string): void {
    if (name === '') return;
    const kind = r.entity.kind;
    unknownSamples.inc({ kind });
    const key = `${kind}\u0000${name}`;
    const now = new Date();
    const p = pending.get(key);
    if (p) {
      p.n += 1;
      p.lastSeen = now;
    } else if (pending.size < MAX_PENDING_UNKNOWN) pending.set(key, { kind, name, n: 1, firstSeen: now, lastSeen: now });
    else overflow += 1;
  }

  return {
    resolve(name, hint) {
      const r = resolveName(index, name, hint);
      if (!r.known) countUnknown(r, name);
      return r;
    },
    vmsOfVnf: (vnfInstanceId) => index.vmsByVnf.get(vnfInstanceId) ?? [],
    load: () => serial(reload),
    async seedFromFile(path) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        throw new Error(`cannot read entities file ${path}: ${(err as Error).message}`);
      }
      const entities = parseEntitiesFile(text, path);
      await write(entities, 'config', true);
      const known = new Set(entities.filter((e) => e.kind === 'vm').map(entityId));
      for (const e of entities) {
        if (e.kind === 'vnfc' && !known.has(e.vm) && !index.vmById.has(e.vm)) {
          log.warn({ file: path, vnfc: e.id, vm: e.vm }, 'VNFC refers to a VM the registry does not know');
        }
      }
    },
    upsert: (entities, source) => write(entities, source, false),
    start() {
      if (timer) return;
      timer = setInterval(() => {
        flush().catch((err) => log.warn({ err }, 'unknown entity counts not written; retried at the next flush'));
      }, deps.flushMs ?? UNKNOWN_FLUSH_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flush();
    },
    flushUnknown: flush,
  };
}
