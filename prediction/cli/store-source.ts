/**
 * `train --from-store`: opens the configured database (migrating it like `serve` when
 * VNFM_MIGRATE_ON_START is on), loads the entity registry and reads one entity's trace through
 * monitoring's window reader at MONITORING_STEP_SECONDS.
 */
import { pino } from 'pino';
import { createEntityRegistry } from '../../fault-mgmt/registry/entity-registry.ts';
import { loadEntities } from '../../fault-mgmt/registry/entity.repository.ts';
import { createWindowReader } from '../../fault-mgmt/store/window-reader.ts';
import { loadConfig, type Config } from '../../platform/config/config.ts';
import { databaseOptionsFrom, openDatabase } from '../../platform/db/database.ts';
import { migrateUp } from '../../platform/db/migrator.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetrics } from '../../platform/metrics.ts';
import type { Trace } from '../dataset/trace.ts';
import { parseStoreEntity, readStoreTrace, StoreTraceError } from '../training/store-trace.ts';

export interface StoreSourceOptions {
  entity?: string;
  since?: string;
  until?: string;
}

/** ISO 8601 (e.g. 2026-11-20T10:00:00Z) or epoch seconds. */
export function parseInstant(name: string, text: string): number {
  const n = Number(text);
  const t = Number.isFinite(n) && /^\d+(\.\d+)?$/.test(text.trim()) ? n : Date.parse(text) / 1000;
  if (!Number.isFinite(t)) throw new StoreTraceError(`${name} must be an ISO 8601 time or epoch seconds, got '${text}'`);
  return t;
}

export async function loadStoreTrace(opts: StoreSourceOptions, config: () => Config = loadConfig, now = () => Date.now() / 1000): Promise<Trace> {
  if (!opts.entity) throw new StoreTraceError('--from-store needs --entity host:NAME, vnf:ID or vnfc:ID');
  const entity = parseStoreEntity(opts.entity);
  const c = config();
  const until = opts.until ? parseInstant('--until', opts.until) : now();
  const since = opts.since ? parseInstant('--since', opts.since) : until - Math.max(1, c.monitoring.retentionDays) * 86_400;
  const log = createLogger(c.log.level, pino.destination(2));
  const db = await openDatabase(databaseOptionsFrom(c, log));
  try {
    if (c.database.migrateOnStart) await migrateUp(db, log);
    const registry = createEntityRegistry({ db, log, metrics: createMetrics() });
    await registry.load();
    const reader = createWindowReader({ db, resolver: registry, defaultStep: c.monitoring.stepSeconds, defaultFillLimit: c.monitoring.fillLimit });
    const { entities } = await loadEntities(db);
    return await readStoreTrace(reader, entities.map((e) => e.entity), { entity, since, until, step: c.monitoring.stepSeconds });
  } finally {
    await db.close();
  }
}
