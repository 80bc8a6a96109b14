/**
 * Host capacity from Placement: since compute microversion 2.88 os-hypervisors no longer
 * reports vcpus / memory_mb / local_gb, and Placement's inventories and usages are the
 * numbers the scheduler itself uses. A compute node's resource provider has the hypervisor's
 * UUID (os-hypervisors `id` since 2.53).
 */
import type { VduResources } from '../../vnfd/vnfd.types.ts';
import type { PlacementInventory } from './nova-types.ts';
import type { OpenStackSession } from './openstack-session.ts';

const PLACEMENT = 'placement';

export interface ProviderCapacity {
  /** What can be allocated: (total - reserved) x allocation_ratio. */
  readonly capacity: VduResources;
  readonly used: VduResources;
}

export class PlacementClient {
  constructor(private readonly session: OpenStackSession) {}

  async capacity(providerUuid: string): Promise<ProviderCapacity> {
    const id = encodeURIComponent(providerUuid);
    const [inv, use] = await Promise.all([
      this.session.request<{ inventories: Record<string, PlacementInventory> }>(PLACEMENT, 'GET', `/resource_providers/${id}/inventories`),
      this.session.request<{ usages: Record<string, number> }>(PLACEMENT, 'GET', `/resource_providers/${id}/usages`),
    ]);
    const i = inv.body.inventories;
    const u = use.body.usages;
    return {
      capacity: { vcpus: allocatable(i.VCPU), ramMb: allocatable(i.MEMORY_MB), diskGb: allocatable(i.DISK_GB) },
      used: { vcpus: u.VCPU ?? 0, ramMb: u.MEMORY_MB ?? 0, diskGb: u.DISK_GB ?? 0 },
    };
  }
}

/** Placement's capacity formula: (total - reserved) * allocation_ratio, rounded down. */
export function allocatable(inv: PlacementInventory | undefined): number {
  if (!inv) return 0;
  return Math.floor((inv.total - (inv.reserved ?? 0)) * (inv.allocation_ratio ?? 1));
}
