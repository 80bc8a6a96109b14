/**
 * Where a live migration goes, per the policy's destinationStrategy: `forecast` ranks by the
 * capacity forecaster's headroom over the migration (prediction/placement); `least-loaded`
 * (allocation now) and `random` (seeded) are there for comparison; `fixed` takes the host the
 * policy names. Every strategy applies the same hard rules first (not the current host, its
 * availability zone and aggregate, anti-affinity, not itself at risk, room for the flavor), so
 * they differ only in the order of the feasible hosts.
 */
import { SeededRng } from '../../platform/seeded-rng.ts';
import { rankDestinations, PLACEMENT_DEFAULTS } from '../../prediction/placement/rank-destinations.ts';
import type { CandidateHost, ExcludedDestination, ExclusionRule, MigratingVm, PlacementPolicy } from '../../prediction/placement/placement.types.ts';
import type { DestinationStrategy } from '../vnfd/vnfd.types.ts';
import type { DestinationChoice, RankedChoice } from './decision.types.ts';

export interface PlacementRequest {
  readonly vm: MigratingVm;
  /** Candidates; `forecast` may be absent for strategies that do not use it. */
  readonly hosts: readonly CandidateHost[];
  /** The host `fixed` must use. */
  readonly fixedHost?: string;
}

export type DestinationStrategyFn = (req: PlacementRequest) => DestinationChoice;

const pct = (v: number) => `${(Math.round(v * 10) / 10).toFixed(1)}%`;

/** The rules every strategy applies; the hosts that pass, and the others with the rules they break. */
export function feasibleHosts(req: PlacementRequest, policy: PlacementPolicy = {}): { feasible: CandidateHost[]; excluded: ExcludedDestination[] } {
  const riskThreshold = policy.riskThreshold ?? PLACEMENT_DEFAULTS.riskThreshold;
  const group = new Set(req.vm.antiAffinityGroup ?? []);
  const feasible: CandidateHost[] = [];
  const excluded: ExcludedDestination[] = [];
  for (const h of req.hosts) {
    const broken: [ExclusionRule, string][] = [];
    if (h.name === req.vm.currentHost) broken.push(['current-host', 'the VM runs here now']);
    if (req.vm.availabilityZone !== undefined && h.az !== req.vm.availabilityZone) broken.push(['availability-zone', `in availability zone ${h.az}`]);
    if (req.vm.aggregate !== undefined && !h.aggregates.includes(req.vm.aggregate)) broken.push(['aggregate', `not in aggregate ${req.vm.aggregate}`]);
    if (h.servers.some((s) => group.has(s))) broken.push(['anti-affinity', "runs a server of the VM's anti-affinity group"]);
    if ((h.failureRisk ?? 0) >= riskThreshold) broken.push(['at-risk', `itself at risk (failure score ${(h.failureRisk ?? 0).toFixed(2)})`]);
    const short = (['vcpus', 'ramMb', 'diskGb'] as const).filter((k) => req.vm.flavor[k] > h.capacity[k] - h.used[k]);
    if (short.length > 0) broken.push(['no-room', `no room for the flavor (${short.join(', ')})`]);
    if (broken.length === 0) feasible.push(h);
    else excluded.push({ host: h.name, rules: broken.map(([r]) => r), reason: broken.map(([, t]) => t).join('; ') });
  }
  return { feasible, excluded };
}

/** Share of the host allocated once the VM is added: the busier of vCPU and RAM, 0-1. */
function allocationWith(vm: MigratingVm, h: CandidateHost): number {
  const share = (used: number, add: number, cap: number) => (cap > 0 ? (used + add) / cap : 1);
  return Math.max(share(h.used.vcpus, vm.flavor.vcpus, h.capacity.vcpus), share(h.used.ramMb, vm.flavor.ramMb, h.capacity.ramMb));
}

export function forecastStrategy(policy: PlacementPolicy = {}): DestinationStrategyFn {
  return (req) => {
    const r = rankDestinations(req.vm, req.hosts, policy);
    return { strategy: 'forecast', ranked: r.ranked.map((d) => ({ host: d.host, score: d.score, reason: d.reason })), excluded: r.excluded };
  };
}

export function leastLoadedStrategy(policy: PlacementPolicy = {}): DestinationStrategyFn {
  return (req) => {
    const { feasible, excluded } = feasibleHosts(req, policy);
    const ranked: RankedChoice[] = feasible
      .map((h) => ({ host: h.name, load: allocationWith(req.vm, h) }))
      .sort((a, b) => a.load - b.load || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
      .map(({ host, load }) => ({ host, score: 1 - load, reason: `${pct(100 * load)} allocated with the VM (busier of vCPU and RAM)` }));
    return { strategy: 'least-loaded', ranked, excluded };
  };
}

/** Feasible hosts in an order drawn from `rng` (Fisher-Yates), so a seed fixes every choice. */
export function randomStrategy(rng: SeededRng, policy: PlacementPolicy = {}): DestinationStrategyFn {
  return (req) => {
    const { feasible, excluded } = feasibleHosts(req, policy);
    const order = feasible.map((h) => h.name).sort();
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return { strategy: 'random', ranked: order.map((host, i) => ({ host, score: 1 / (i + 1), reason: 'drawn at random among the feasible hosts' })), excluded };
  };
}

export function fixedStrategy(policy: PlacementPolicy = {}): DestinationStrategyFn {
  return (req) => {
    const { feasible, excluded } = feasibleHosts(req, policy);
    const host = req.fixedHost;
    const ok = feasible.find((h) => h.name === host);
    const others = feasible.filter((h) => h !== ok).map((h) => ({ host: h.name, rules: [] as ExclusionRule[], reason: `not the policy's fixed host ${host ?? '(none named)'}` }));
    return {
      strategy: 'fixed',
      ranked: ok ? [{ host: ok.name, score: 1, reason: "the policy's fixed host" }] : [],
      excluded: [...excluded, ...others],
    };
  };
}

/** One function per strategy name; `random` draws from one generator seeded once. */
export function createDestinationStrategies(seed: number, policy: PlacementPolicy = {}): Record<DestinationStrategy, DestinationStrategyFn> {
  const rng = new SeededRng(seed);
  return {
    forecast: forecastStrategy(policy),
    'least-loaded': leastLoadedStrategy(policy),
    random: randomStrategy(rng, policy),
    fixed: fixedStrategy(policy),
  };
}
