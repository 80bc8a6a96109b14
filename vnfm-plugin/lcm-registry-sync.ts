/**
 * Keeps monitoring's entity registry in step with VNF lifecycle management: every VNF
 * instance, VNFC, server and compute host that LCM knows is registered (source `lcm`), so
 * that their samples resolve and prediction scores them. Runs at start and after each
 * operation that ends (`lcm.opocc.*`); the registry upsert is idempotent, so a redelivered
 * event or a concurrent run only writes the same rows again.
 */
import type { EventBus } from '../platform/bus/event-bus.port.ts';
import type { Logger } from '../platform/logger.ts';
import type { EntityRegistry, RegistryEntity } from '../fault-mgmt/registry/entity-registry.ts';
import { LCM_OPOCC_TOPIC_PREFIX, type LcmPort, type VnfcPlacement } from '../lcm/engine/lcm.port.ts';

export const LCM_REGISTRY_CONSUMER = 'monitoring.lcm-registry-sync';
const SETTLED = ['completed', 'failed_temp', 'failed', 'rolled_back'];

export function entitiesOf(placements: readonly VnfcPlacement[]): RegistryEntity[] {
  const out = new Map<string, RegistryEntity>();
  for (const p of placements) {
    out.set(`vnf:${p.vnfInstanceId}`, { kind: 'vnf', id: p.vnfInstanceId, ...(p.vnfInstanceName && { name: p.vnfInstanceName }) });
    out.set(`vm:${p.serverId}`, { kind: 'vm', id: p.serverId, ...(p.host && { host: p.host }) });
    out.set(`vnfc:${p.vnfcInstanceId}`, { kind: 'vnfc', id: p.vnfcInstanceId, vnfInstanceId: p.vnfInstanceId, vm: p.serverId });
    if (p.host) out.set(`host:${p.host}`, { kind: 'host', name: p.host });
  }
  return [...out.values()];
}

export async function syncRegistryFromLcm(lcm: Pick<LcmPort, 'listVnfcPlacements'>, registry: Pick<EntityRegistry, 'upsert'>): Promise<number> {
  const entities = entitiesOf(await lcm.listVnfcPlacements());
  if (entities.length) await registry.upsert(entities, 'lcm');
  return entities.length;
}

export async function subscribeLcmRegistrySync(deps: {
  bus: EventBus;
  lcm: Pick<LcmPort, 'listVnfcPlacements'>;
  registry: Pick<EntityRegistry, 'upsert'>;
  log: Logger;
}): Promise<void> {
  await syncRegistryFromLcm(deps.lcm, deps.registry);
  await deps.bus.subscribe(LCM_REGISTRY_CONSUMER, `${LCM_OPOCC_TOPIC_PREFIX}.#`, async (event) => {
    const state = event.topic.slice(LCM_OPOCC_TOPIC_PREFIX.length + 1);
    if (!SETTLED.includes(state)) return;
    const n = await syncRegistryFromLcm(deps.lcm, deps.registry);
    deps.log.debug({ entities: n, topic: event.topic }, 'entity registry synced from LCM');
  });
}
