/**
 * The candidate destinations of one batch of decisions: the VIM's hosts with their allocation,
 * the capacity forecaster's utilisation forecast (only when a `forecast` policy needs it) and
 * each host's failure risk (the highest failure score seen on it in the batch). Migrations
 * decided earlier in the same batch are added to their destination (allocation and forecast),
 * so two VNFCs do not both take the last room on a host, and a host that fails empties over
 * several destinations.
 */
import type { HorizonForecast } from '../../prediction/capacity/host-forecast.ts';
import type { CandidateHost, MigratingVm } from '../../prediction/placement/placement.types.ts';
import type { VimDriver } from '../vim/vim.port.ts';
import type { VduResources } from '../vnfd/vnfd.types.ts';
import type { HostForecasts, MonitoredVnfc } from './ports.ts';

/** A forecast made of NaN: destination ranking excludes the host as `no-forecast`. */
const NO_FORECAST: HorizonForecast = Object.freeze({ h1: NaN, h5: NaN, h15: NaN });

export interface HostSnapshot {
  readonly hosts: CandidateHost[];
  /** Books the VM's flavor on `host` (a migration decided in this batch). */
  reserve(host: string, flavor: VduResources): void;
}

export async function loadHostSnapshot(
  vim: Pick<VimDriver, 'listHosts'>,
  forecasts: HostForecasts | undefined,
  risk: ReadonlyMap<string, number>,
  now: number,
  withForecast: boolean,
): Promise<HostSnapshot> {
  const listed = await vim.listHosts();
  const up = listed.filter((h) => h.state === 'up');
  const f = withForecast && forecasts ? await forecasts.forecast(up.map((h) => h.name), now) : new Map();
  const hosts: CandidateHost[] = up.map((h) => ({
    name: h.name,
    az: h.availabilityZone,
    aggregates: h.aggregates,
    capacity: { ...h.capacity },
    used: { ...h.used },
    servers: h.servers,
    forecast: f.get(h.name) ?? { cpu: NO_FORECAST, mem: NO_FORECAST },
    failureRisk: risk.get(h.name) ?? 0,
  }));
  return {
    hosts,
    reserve(host, flavor) {
      const h = hosts.find((x) => x.name === host);
      if (!h) return;
      h.used = { vcpus: h.used.vcpus + flavor.vcpus, ramMb: h.used.ramMb + flavor.ramMb, diskGb: h.used.diskGb + flavor.diskGb };
      // The forecast did not know about this VM either (the worst case: all of its vCPUs and RAM busy).
      const plus = (f: HorizonForecast, pct: number): HorizonForecast => ({ h1: f.h1 + pct, h5: f.h5 + pct, h15: f.h15 + pct });
      h.forecast = {
        cpu: plus(h.forecast.cpu, h.capacity.vcpus > 0 ? (100 * flavor.vcpus) / h.capacity.vcpus : 100),
        mem: plus(h.forecast.mem, h.capacity.ramMb > 0 ? (100 * flavor.ramMb) / h.capacity.ramMb : 100),
      };
    },
  };
}

export function migratingVmOf(v: MonitoredVnfc): MigratingVm {
  return {
    flavor: { vcpus: v.flavor.vcpus, ramMb: v.flavor.ramMb, diskGb: v.flavor.diskGb },
    ...(v.availabilityZone !== undefined && { availabilityZone: v.availabilityZone }),
    ...(v.antiAffinityGroup && { antiAffinityGroup: v.antiAffinityGroup.filter((s) => s !== v.serverId) }),
    currentHost: v.host,
    expectedMigrationSeconds: v.expectedMigrationSeconds,
  };
}
