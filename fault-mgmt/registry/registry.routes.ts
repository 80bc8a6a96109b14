import type { Router } from 'express';
import type { Database } from '../../platform/db/database.ts';
import type { EntityRegistry } from './entity-registry.ts';
import { listUnknownEntities, loadEntities } from './entity.repository.ts';
import type { RegisteredEntity } from './registry-entity.ts';

/** One registered entity as GET /entities returns it (api/openapi/monitoring.yaml RegisteredEntity). */
export function registeredView(r: RegisteredEntity): Record<string, unknown> {
  const e = r.entity;
  switch (e.kind) {
    case 'host':
      return { kind: 'host', id: e.name, name: e.name, source: r.source };
    case 'vm':
      return { kind: 'vm', id: e.id, ...(e.name && { name: e.name }), ...(e.aliases && { aliases: e.aliases }), ...(e.host && { host: e.host }), source: r.source };
    case 'vnf':
      return { kind: 'vnf', id: e.id, ...(e.name && { name: e.name }), source: r.source };
    case 'vnfc':
      return { kind: 'vnfc', id: e.id, vnfInstanceId: e.vnfInstanceId, vm: e.vm, source: r.source };
  }
}

/** GET /entities: what is registered, and the names feeds used that are not (most recent first, at most 1,000). */
export function registryRoutes(deps: { registry: EntityRegistry; db: Database }): (router: Router) => void {
  return (router) => {
    router.get('/entities', async (_req, res) => {
      await deps.registry.flushUnknown();
      const [{ entities }, unknown] = await Promise.all([loadEntities(deps.db), listUnknownEntities(deps.db)]);
      res.json({ registered: entities.map(registeredView), unknown });
    });
  };
}
