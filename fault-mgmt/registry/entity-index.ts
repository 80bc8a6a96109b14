import type { ResolvedEntity } from '../monitoring.types.ts';
import { entityId, type RegistryEntity, type VmEntity, type VnfcEntity, type VnfEntity } from './registry-entity.ts';

/**
 * In-memory lookups over the registered entities, so that receivers resolve the names
 * they see synchronously. Names are compared exactly (case-sensitive): collectd host
 * names, Nova server ids, server names and libvirt domain names are all case-sensitive.
 */
export interface EntityIndex {
  readonly hosts: ReadonlySet<string>;
  readonly vmById: ReadonlyMap<string, VmEntity>;
  /** Server name or alias -> VM; ids win over names, names over aliases. */
  readonly vmByName: ReadonlyMap<string, VmEntity>;
  readonly vnfById: ReadonlyMap<string, VnfEntity>;
  readonly vnfByName: ReadonlyMap<string, VnfEntity>;
  /** Server id -> the VNFC that runs in it. */
  readonly vnfcByVm: ReadonlyMap<string, VnfcEntity>;
  readonly vmsByVnf: ReadonlyMap<string, readonly string[]>;
}

export interface BuiltIndex {
  readonly index: EntityIndex;
  /** Names that denote more than one entity (the first by id is used). */
  readonly ambiguous: readonly string[];
}

export function buildEntityIndex(entities: readonly RegistryEntity[]): BuiltIndex {
  const sorted = [...entities].sort((a, b) => (entityId(a) < entityId(b) ? -1 : entityId(a) > entityId(b) ? 1 : 0));
  const hosts = new Set<string>();
  const vmById = new Map<string, VmEntity>();
  const vnfById = new Map<string, VnfEntity>();
  const vnfcs: VnfcEntity[] = [];
  for (const e of sorted) {
    if (e.kind === 'host') hosts.add(e.name);
    else if (e.kind === 'vm') vmById.set(e.id, e);
    else if (e.kind === 'vnf') vnfById.set(e.id, e);
    else vnfcs.push(e);
  }
  const ambiguous: string[] = [];
  const vmByName = new Map<string, VmEntity>();
  const claimedAs = new Map<string, 'name' | 'alias'>();
  const claim = (name: string, vm: VmEntity, level: 'name' | 'alias') => {
    if (vmById.has(name) && vmById.get(name) !== vm) return; // an id always means that VM
    const other = vmByName.get(name);
    if (!other) {
      vmByName.set(name, vm);
      claimedAs.set(name, level);
    } else if (other !== vm && claimedAs.get(name) === level) ambiguous.push(name);
  };
  for (const vm of vmById.values()) {
    if (vm.host) hosts.add(vm.host); // the host a VM runs on is a known compute host
    if (vm.name) claim(vm.name, vm, 'name');
  }
  for (const vm of vmById.values()) for (const alias of vm.aliases ?? []) claim(alias, vm, 'alias');
  const vnfByName = new Map<string, VnfEntity>();
  for (const vnf of vnfById.values()) if (vnf.name && !vnfByName.has(vnf.name)) vnfByName.set(vnf.name, vnf);
  const vnfcByVm = new Map<string, VnfcEntity>();
  const vmsByVnf = new Map<string, string[]>();
  for (const c of vnfcs) {
    if (!vnfcByVm.has(c.vm)) vnfcByVm.set(c.vm, c);
    const list = vmsByVnf.get(c.vnfInstanceId) ?? [];
    if (!list.includes(c.vm)) list.push(c.vm);
    vmsByVnf.set(c.vnfInstanceId, list);
  }
  return { index: { hosts, vmById, vmByName, vnfById, vnfByName, vnfcByVm, vmsByVnf }, ambiguous: [...new Set(ambiguous)] };
}

function vmResolution(index: EntityIndex, vm: VmEntity): ResolvedEntity {
  const vnfc = index.vnfcByVm.get(vm.id);
  return {
    entity: { kind: 'vm', id: vm.id },
    ...(vm.host && { host: vm.host }),
    vm: vm.id,
    ...(vnfc && { vnfInstanceId: vnfc.vnfInstanceId, vnfcInstanceId: vnfc.id }),
    known: true,
  };
}

/**
 * What a name seen in a feed denotes: a host (exact name), a VM (server id, name or
 * alias) with its host and VNFC, or a VNF instance (id or name). `hint` says what the
 * feed thinks the name is: it is tried first, and it is the kind of an unknown name.
 */
export function resolveName(index: EntityIndex, name: string, hint?: 'host' | 'vm'): ResolvedEntity {
  const asHost = (): ResolvedEntity | undefined =>
    index.hosts.has(name) ? { entity: { kind: 'host', id: name }, host: name, known: true } : undefined;
  const asVm = (): ResolvedEntity | undefined => {
    const vm = index.vmById.get(name) ?? index.vmByName.get(name);
    return vm ? vmResolution(index, vm) : undefined;
  };
  const found = hint === 'vm' ? (asVm() ?? asHost()) : (asHost() ?? asVm());
  if (found) return found;
  const vnf = index.vnfById.get(name) ?? index.vnfByName.get(name);
  if (vnf) return { entity: { kind: 'vnf', id: vnf.id }, vnfInstanceId: vnf.id, known: true };
  // Kept as given: the samples are stored under the name and the name is reported.
  return hint === 'vm'
    ? { entity: { kind: 'vm', id: name }, vm: name, known: false }
    : { entity: { kind: 'host', id: name }, host: name, known: false };
}
