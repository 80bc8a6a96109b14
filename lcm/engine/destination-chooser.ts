import type { VduResources } from '../vnfd/vnfd.types.ts';
import type { VimHost } from '../vim/vim.port.ts';

/** What a live migration needs to be placed. */
export interface MigrationCandidate {
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId: string;
  readonly vduId: string;
  readonly serverId: string;
  readonly sourceHost: string;
  readonly resources: VduResources;
  /** Hosts of the VNFCs it must not share a host with (its anti-affinity group). */
  readonly avoidHosts: readonly string[];
}

/**
 * Picks the destination host of a live migration when the HealVnfRequest names none
 * (`additionalParams.targetHost`). The decision engine plugs in its forecast-based ranking;
 * the default is least-loaded.
 */
export interface DestinationChooser {
  /** The host to migrate to, or undefined when no host can take the VNFC. */
  choose(candidate: MigrationCandidate, hosts: readonly VimHost[]): Promise<string | undefined>;
}

function free(h: VimHost): VduResources {
  return { vcpus: h.capacity.vcpus - h.used.vcpus, ramMb: h.capacity.ramMb - h.used.ramMb, diskGb: h.capacity.diskGb - h.used.diskGb };
}

function fits(need: VduResources, room: VduResources): boolean {
  return need.vcpus <= room.vcpus && need.ramMb <= room.ramMb && need.diskGb <= room.diskGb;
}

/** Hosts that are up, are not the source nor to be avoided and have room, by most free memory (then name). */
export function rankLeastLoaded(candidate: MigrationCandidate, hosts: readonly VimHost[]): VimHost[] {
  return hosts
    .filter((h) => h.state === 'up' && h.name !== candidate.sourceHost && !candidate.avoidHosts.includes(h.name))
    .filter((h) => fits(candidate.resources, free(h)))
    .sort((a, b) => free(b).ramMb - free(a).ramMb || free(b).vcpus - free(a).vcpus || a.name.localeCompare(b.name));
}

export const leastLoadedDestination: DestinationChooser = {
  async choose(candidate, hosts) {
    return rankLeastLoaded(candidate, hosts)[0]?.name;
  },
};
