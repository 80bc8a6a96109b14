/**
 * The VNF instances PM and the indicators measure, and what they run on: VNFCs -> VMs (Nova
 * server ids) -> compute hosts, as the entity registry knows them.
 */
import type { Database } from '../../platform/db/database.ts';
import { loadEntities } from '../registry/entity.repository.ts';
import type { RegistryEntity } from '../registry/registry-entity.ts';

export interface VnfcPlacement {
  /** vnfcInstanceId. */
  readonly id: string;
  /** Server id of the VNFC's VM. */
  readonly vm: string;
  /** Compute host the VM runs on, when known. */
  readonly host?: string;
}

export interface VnfTopology {
  readonly vnfInstanceId: string;
  readonly name?: string;
  readonly vnfcs: readonly VnfcPlacement[];
}

/** Port: the current VNF instances. */
export interface VnfTopologySource {
  vnfs(): Promise<VnfTopology[]>;
}

/** Every VNF instance the entities name (registered, or named by one of its VNFCs), by id. */
export function topologyOf(entities: readonly RegistryEntity[]): VnfTopology[] {
  const hostOfVm = new Map<string, string | undefined>();
  const names = new Map<string, string | undefined>();
  const vnfcs = new Map<string, VnfcPlacement[]>();
  for (const e of entities) {
    if (e.kind === 'vm') hostOfVm.set(e.id, e.host);
    else if (e.kind === 'vnf') names.set(e.id, e.name);
  }
  for (const e of entities) {
    if (e.kind !== 'vnfc') continue;
    const host = hostOfVm.get(e.vm);
    vnfcs.set(e.vnfInstanceId, [...(vnfcs.get(e.vnfInstanceId) ?? []), { id: e.id, vm: e.vm, ...(host && { host }) }]);
  }
  const ids = [...new Set([...names.keys(), ...vnfcs.keys()])].sort();
  return ids.map((id) => {
    const name = names.get(id);
    const own = [...(vnfcs.get(id) ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { vnfInstanceId: id, ...(name && { name }), vnfcs: own };
  });
}

/** The registry's entities, read from the database each time (registrations by other replicas included). */
export function registryTopology(db: Database): VnfTopologySource {
  return {
    async vnfs() {
      const { entities } = await loadEntities(db);
      return topologyOf(entities.map((e) => e.entity));
    },
  };
}
