/**
 * Pure mapping of what Tacker lists onto what the plugin keeps: a VNF instance's VNFCs
 * (instantiatedVnfInfo.vnfcResourceInfo; computeResource.resourceId is the Nova server id),
 * their hosts (the VNFC's metadata, else Nova's OS-EXT-SRV-ATTR:host), and the monitoring
 * registry's entities of them.
 */
import type { RegistryEntity } from '../../fault-mgmt/registry/entity-registry.ts';
import type { DiscoveredInstance, TackerVnfInstance, TackerVnfc } from './tacker.types.ts';

/** Server id -> compute host, as far as known (Nova, when reachable). */
export type HostLookup = ReadonlyMap<string, string>;

function hostFromMetadata(meta: Record<string, unknown> | undefined): string | undefined {
  for (const key of ['host', 'computeHost', 'OS-EXT-SRV-ATTR:host']) {
    const v = meta?.[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/** The servers of an instance whose host the metadata does not tell (to ask Nova). */
export function serversWithoutHost(inst: TackerVnfInstance): string[] {
  return (inst.instantiatedVnfInfo?.vnfcResourceInfo ?? [])
    .filter((r) => !hostFromMetadata(r.metadata) && typeof r.computeResource?.resourceId === 'string')
    .map((r) => r.computeResource.resourceId);
}

/** Undefined for an instance that is not instantiated (nothing runs, nothing to watch). */
export function discoveredInstanceOf(registrationId: string, inst: TackerVnfInstance, hosts: HostLookup = new Map()): DiscoveredInstance | undefined {
  const info = inst.instantiatedVnfInfo;
  if (inst.instantiationState !== 'INSTANTIATED' || !info) return undefined;
  const vnfcs: TackerVnfc[] = [];
  for (const r of info.vnfcResourceInfo ?? []) {
    const serverId = r.computeResource?.resourceId;
    if (typeof r.id !== 'string' || typeof serverId !== 'string' || serverId === '') continue;
    const host = hostFromMetadata(r.metadata) ?? hosts.get(serverId);
    vnfcs.push({ vnfcInstanceId: r.id, vduId: r.vduId, serverId, ...(host && { host }) });
  }
  return {
    registrationId,
    vnfInstanceId: inst.id,
    ...(inst.vnfInstanceName && { vnfInstanceName: inst.vnfInstanceName }),
    vnfdId: inst.vnfdId,
    flavourId: info.flavourId,
    autoHealEnabled: inst.vnfConfigurableProperties?.isAutohealEnabled === true,
    vnfcs,
  };
}

/** The registry entities of the discovered instances: the VNF, its VNFCs, their VMs and hosts. */
export function entitiesOfInstances(instances: readonly DiscoveredInstance[]): RegistryEntity[] {
  const out = new Map<string, RegistryEntity>();
  for (const i of instances) {
    out.set(`vnf:${i.vnfInstanceId}`, { kind: 'vnf', id: i.vnfInstanceId, ...(i.vnfInstanceName && { name: i.vnfInstanceName }) });
    for (const c of i.vnfcs) {
      out.set(`vm:${c.serverId}`, { kind: 'vm', id: c.serverId, ...(c.host && { host: c.host }) });
      out.set(`vnfc:${c.vnfcInstanceId}`, { kind: 'vnfc', id: c.vnfcInstanceId, vnfInstanceId: i.vnfInstanceId, vm: c.serverId });
      if (c.host) out.set(`host:${c.host}`, { kind: 'host', name: c.host });
    }
  }
  return [...out.values()];
}
