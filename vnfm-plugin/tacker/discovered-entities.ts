/**
 * The monitoring registry's entities discovered on Tacker: source `discovery`, replaced as a
 * whole so that a dropped instance leaves the registry too. `serve` passes its registry so
 * that the in-memory index follows; a command only writes the table.
 */
import type { Database } from '../../platform/db/database.ts';
import type { EntityRegistry } from '../../fault-mgmt/registry/entity-registry.ts';
import { saveEntities } from '../../fault-mgmt/registry/entity.repository.ts';
import type { DiscoveredEntitiesWriter } from './tacker-sync.ts';

export const DISCOVERY_SOURCE = 'discovery';

export function discoveredEntitiesWriter(db: Database, registry?: Pick<EntityRegistry, 'load'>): DiscoveredEntitiesWriter {
  return {
    async replace(entities) {
      await db.transaction((tx) => saveEntities(tx, db, entities, DISCOVERY_SOURCE, true));
      await registry?.load();
    },
  };
}
