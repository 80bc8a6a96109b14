/**
 * Where to live-migrate a VM: the feasible hosts, best first, each with a one-line reason,
 * and the others with the rules they break. Feasible = not the VM's current host, in its
 * availability zone and aggregate when it names them, no server of its anti-affinity group
 * (Nova's anti-affinity server-group policy), not itself at risk, room for the flavor, a
 * forecast, and a forecast utilisation with the VM added that stays under the policy's ceiling
 * for the whole expected migration. Ranked by forecast headroom over that time (the lowest
 * point, forecast-window.ts); ties by lower failure risk, then more RAM left, then name.
 */
import { peakForecast } from './forecast-window.ts';
import type {
  CandidateHost,
  DestinationRanking,
  ExcludedDestination,
  ExclusionRule,
  MigratingVm,
  PlacementPolicy,
  RankedDestination,
  Resources,
} from './placement.types.ts';

export const PLACEMENT_DEFAULTS = Object.freeze({ maxUtilisation: 90, riskThreshold: 0.5 });

/** Names and ids come from the VIM: keep them on one line in reasons. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
const pct = (v: number) => `${v.toFixed(1)}%`;
const RESOURCE_LABEL: Record<keyof Resources, string> = { vcpus: 'vCPU', ramMb: 'MB RAM', diskGb: 'GB disk' };

interface Check {
  rule: ExclusionRule;
  text: string;
}

function missingRoom(vm: MigratingVm, h: CandidateHost): string[] {
  return (Object.keys(RESOURCE_LABEL) as (keyof Resources)[]).flatMap((k) => {
    const free = h.capacity[k] - h.used[k];
    return vm.flavor[k] > free ? [`${Math.max(0, free)} ${RESOURCE_LABEL[k]} free, ${vm.flavor[k]} needed`] : [];
  });
}

const finiteForecast = (h: CandidateHost) =>
  [h.forecast?.cpu, h.forecast?.mem].every((f) => f && [f.h1, f.h5, f.h15].every((v) => Number.isFinite(v)));

/** The VM's own load as % of the host, added to the host's forecast. */
function vmShare(vm: MigratingVm, h: CandidateHost): { cpu: number; mem: number } {
  const cpu = h.capacity.vcpus > 0 ? (100 * vm.flavor.vcpus * (vm.load?.cpu ?? 1)) / h.capacity.vcpus : 100;
  const mem = h.capacity.ramMb > 0 ? (100 * vm.flavor.ramMb * (vm.load?.mem ?? 1)) / h.capacity.ramMb : 100;
  return { cpu, mem };
}

function validate(vm: MigratingVm, policy: Required<PlacementPolicy>): void {
  if (!(vm.expectedMigrationSeconds >= 0)) throw new RangeError(`expectedMigrationSeconds must be >= 0, got ${vm.expectedMigrationSeconds}`);
  if (!(policy.maxUtilisation > 0 && policy.maxUtilisation <= 100)) throw new RangeError(`maxUtilisation is a percentage in (0, 100], got ${policy.maxUtilisation}`);
  if (!(policy.riskThreshold >= 0 && policy.riskThreshold <= 1)) throw new RangeError(`riskThreshold is a probability in [0, 1], got ${policy.riskThreshold}`);
}

export function rankDestinations(vm: MigratingVm, hosts: readonly CandidateHost[], policy: PlacementPolicy = {}): DestinationRanking {
  const p: Required<PlacementPolicy> = {
    maxUtilisation: policy.maxUtilisation ?? PLACEMENT_DEFAULTS.maxUtilisation,
    riskThreshold: policy.riskThreshold ?? PLACEMENT_DEFAULTS.riskThreshold,
  };
  validate(vm, p);
  const seconds = vm.expectedMigrationSeconds;
  const group = new Set(vm.antiAffinityGroup ?? []);
  const ranked: (RankedDestination & { risk: number; ramLeft: number })[] = [];
  const excluded: ExcludedDestination[] = [];

  for (const h of hosts) {
    const checks: Check[] = [];
    const risk = h.failureRisk ?? 0;
    if (h.name === vm.currentHost) checks.push({ rule: 'current-host', text: 'the VM runs here now' });
    if (vm.availabilityZone !== undefined && h.az !== vm.availabilityZone) {
      checks.push({ rule: 'availability-zone', text: `in availability zone ${oneLine(h.az)}, the VM needs ${oneLine(vm.availabilityZone)}` });
    }
    if (vm.aggregate !== undefined && !h.aggregates.includes(vm.aggregate)) {
      checks.push({ rule: 'aggregate', text: `not in aggregate ${oneLine(vm.aggregate)}` });
    }
    const clash = h.servers.filter((s) => group.has(s));
    if (clash.length > 0) checks.push({ rule: 'anti-affinity', text: `runs ${clash.map(oneLine).join(', ')} of the VM's anti-affinity group` });
    if (risk >= p.riskThreshold) checks.push({ rule: 'at-risk', text: `itself at risk (failure score ${risk.toFixed(2)} >= ${p.riskThreshold})` });
    const missing = missingRoom(vm, h);
    if (missing.length > 0) checks.push({ rule: 'no-room', text: `no room for the flavor (${missing.join(', ')})` });
    let cpuPeak = NaN;
    let memPeak = NaN;
    if (!finiteForecast(h)) checks.push({ rule: 'no-forecast', text: 'no utilisation forecast' });
    else {
      const share = vmShare(vm, h);
      cpuPeak = peakForecast(h.forecast.cpu, seconds) + share.cpu;
      memPeak = peakForecast(h.forecast.mem, seconds) + share.mem;
      const over = [
        ...(cpuPeak > p.maxUtilisation ? [`CPU ${pct(cpuPeak)}`] : []),
        ...(memPeak > p.maxUtilisation ? [`memory ${pct(memPeak)}`] : []),
      ];
      if (over.length > 0) {
        checks.push({ rule: 'over-utilisation', text: `forecast ${over.join(' and ')} with the VM within ${seconds} s, over ${p.maxUtilisation}%` });
      }
    }
    if (checks.length > 0) {
      excluded.push({ host: h.name, rules: checks.map((c) => c.rule), reason: oneLine(checks.map((c) => c.text).join('; ')) });
      continue;
    }
    const headroom = 100 - Math.max(cpuPeak, memPeak);
    const binding = cpuPeak >= memPeak ? 'CPU' : 'memory';
    ranked.push({
      host: h.name,
      score: headroom / 100,
      headroom,
      cpuPeak,
      memPeak,
      reason: oneLine(
        `${pct(headroom)} headroom over the ${seconds} s migration (${binding} peaks at ${pct(Math.max(cpuPeak, memPeak))} with the VM; ` +
          `CPU ${pct(cpuPeak)}, memory ${pct(memPeak)}), failure score ${risk.toFixed(2)}`,
      ),
      risk,
      ramLeft: (h.capacity.ramMb - h.used.ramMb - vm.flavor.ramMb) / (h.capacity.ramMb || 1),
    });
  }

  ranked.sort((a, b) => b.headroom - a.headroom || a.risk - b.risk || b.ramLeft - a.ramLeft || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return { ranked: ranked.map(({ risk: _risk, ramLeft: _ramLeft, ...r }) => r), excluded };
}
