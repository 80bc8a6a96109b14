/**
 * The decision engine's ports over what lcm/ already has: the LCM operation engine's port
 * (lcm/engine/lcm.port.ts) for the guards, the VNFC placements and the end of operations; the
 * VNF package catalogue for the policies and the VDUs; the capacity forecaster for the hosts.
 */
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import type { WindowReader } from '../../fault-mgmt/store/window-reader.ts';
import { forecastFromReader } from '../../prediction/capacity/host-forecast.ts';
import { LCM_OPOCC_TOPIC_PREFIX, type LcmOperationStatus, type LcmPort as EnginePort, type VnfcPlacement } from '../engine/lcm.port.ts';
import { estimatePrecopy } from '../vim/simulated/precopy-model.ts';
import type { VnfPackageCatalogue } from '../vnfd/vnf-package-catalogue.ts';
import type { Vdu, VduResources } from '../vnfd/vnfd.types.ts';
import type { DecisionEngine } from './decision-engine.ts';
import { vnfcKey } from './decision.types.ts';
import type { HostForecasts, HostUtilisationForecast, LcmGuards, MonitoredVnfc, MonitoredVnfcs } from './ports.ts';

const SCALING = new Set(['SCALE', 'SCALE_TO_LEVEL']);

/** An unfinished SCALE is the NFVO scaling the VNF; any other unfinished operation is an LCM operation. */
export function lcmGuards(lcm: Pick<EnginePort, 'unfinishedOperation'>): LcmGuards {
  return {
    async busy(ids) {
      const ops = await Promise.all(ids.map((id) => lcm.unfinishedOperation(id)));
      const busy = { lcm: new Set<string>(), scaling: new Set<string>() };
      ops.forEach((op, i) => op && (SCALING.has(op.operation) ? busy.scaling : busy.lcm).add(ids[i]));
      return busy;
    },
  };
}

export interface MigrationEstimateSettings {
  /** Live-migration bandwidth, MiB/s (1250: about 10 Gbit/s). */
  readonly bandwidthMBps: number;
  /** What the VNFC writes per second, MiB/s. */
  readonly dirtyRateMBps: number;
  /** Nova's checks and scheduling before the copy, ms. */
  readonly setupMs: number;
}

export const MIGRATION_ESTIMATE_DEFAULTS: MigrationEstimateSettings = Object.freeze({ bandwidthMBps: 1250, dirtyRateMBps: 50, setupMs: 1000 });

/** Expected live-migration time of a VDU, s: the pre-copy model over its RAM (lcm/vim/simulated/precopy-model.ts). */
export function expectedMigrationSeconds(resources: VduResources, s: MigrationEstimateSettings = MIGRATION_ESTIMATE_DEFAULTS): number {
  const e = estimatePrecopy({ memoryMb: resources.ramMb, dirtyRateMBps: s.dirtyRateMBps, bandwidthMBps: s.bandwidthMBps });
  return (s.setupMs + e.totalMs) / 1000;
}

export interface MonitoredVnfcsDeps {
  readonly lcm: Pick<EnginePort, 'listVnfcPlacements'>;
  readonly catalogue: Pick<VnfPackageCatalogue, 'get'>;
  /** Expected migration time of a VNFC (default: the pre-copy estimate of its VDU). */
  readonly estimate?: (p: VnfcPlacement, vdu: Vdu) => number;
  /** How long one read of the placements is used, ms (default 2000: under one scoring tick). */
  readonly ttlMs?: number;
  readonly clock?: () => number;
}

/**
 * The VNFCs of instantiated VNFs whose VNFD flavour has a ProactiveMigration policy targeting
 * their VDU. The policy acts only when the VNFD enables auto-heal AND the instance's
 * isAutohealEnabled is true (Tacker's opt-in). The anti-affinity group is the other VNFCs of
 * the instance whose VDUs share an AntiAffinityRule with it.
 */
export function monitoredVnfcs(deps: MonitoredVnfcsDeps): MonitoredVnfcs {
  const clock = deps.clock ?? Date.now;
  let cached: { at: number; byKey: Map<string, MonitoredVnfc> } | undefined;

  async function load(): Promise<Map<string, MonitoredVnfc>> {
    const placements = await deps.lcm.listVnfcPlacements();
    const byKey = new Map<string, MonitoredVnfc>();
    for (const p of placements) {
      const flavour = deps.catalogue.get(p.vnfdId)?.flavours.find((f) => f.flavourId === p.flavourId);
      const vdu = flavour?.vdus.find((v) => v.vduId === p.vduId);
      const policy = flavour?.migrationPolicies.find((m) => m.targets.includes(p.vduId));
      if (!flavour || !vdu || !policy) continue;
      const groups = new Set(vdu.antiAffinityGroups);
      const peers = placements.filter(
        (q) => q.vnfInstanceId === p.vnfInstanceId && q.serverId !== p.serverId && flavour.vdus.find((v) => v.vduId === q.vduId)?.antiAffinityGroups.some((g) => groups.has(g)),
      );
      const aspect = flavour.scalingAspects.find((a) => (a.deltas[p.vduId] ?? 0) > 0);
      const v: MonitoredVnfc = {
        vnfInstanceId: p.vnfInstanceId,
        vnfcInstanceId: p.vnfcInstanceId,
        vduId: p.vduId,
        serverId: p.serverId,
        host: p.host ?? '',
        policy: { ...policy, autoHealEnabled: policy.autoHealEnabled && p.autoHealEnabled },
        flavor: vdu.resources,
        expectedMigrationSeconds: deps.estimate ? deps.estimate(p, vdu) : expectedMigrationSeconds(vdu.resources),
        ...(peers.length > 0 && { antiAffinityGroup: peers.map((q) => q.serverId) }),
        ...(aspect && { scalingAspectId: aspect.aspectId }),
      };
      byKey.set(vnfcKey(v), v);
    }
    return byKey;
  }

  return {
    async resolve(keys) {
      if (!cached || clock() - cached.at > (deps.ttlMs ?? 2000)) cached = { at: clock(), byKey: await load() };
      const byKey = cached.byKey;
      return new Map(keys.flatMap((k) => (byKey.has(vnfcKey(k)) ? [[vnfcKey(k), byKey.get(vnfcKey(k))!] as const] : [])));
    },
  };
}

/** Host forecasts from the monitoring store, each kept for `ttlMs` (default 60 s: the forecaster's 1-minute step). */
export function storeHostForecasts(reader: WindowReader, ttlMs = 60_000): HostForecasts {
  const cache = new Map<string, { at: number; f?: HostUtilisationForecast }>();
  return {
    async forecast(hosts, now) {
      const out = new Map<string, HostUtilisationForecast>();
      await Promise.all(
        hosts.map(async (h) => {
          let c = cache.get(h);
          if (!c || now * 1000 - c.at > ttlMs) {
            const f = await forecastFromReader(reader, h, now);
            c = { at: now * 1000, f: f.upper.cpu && f.upper.mem ? { cpu: f.upper.cpu, mem: f.upper.mem } : undefined };
            cache.set(h, c);
          }
          if (c.f) out.set(h, c.f);
        }),
      );
      return out;
    },
  };
}

const FINISHED = new Set(['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK']);

/** Frees the host slot of a migration when its operation ends (`lcm.opocc.*` events). */
export async function subscribeOperationEnds(bus: EventBus, engine: Pick<DecisionEngine, 'operationFinished'>): Promise<void> {
  await bus.subscribe('lcm.decision-engine.operations', `${LCM_OPOCC_TOPIC_PREFIX}.#`, async (event) => {
    const op = event.payload as Partial<LcmOperationStatus> | null;
    if (op && typeof op.vnfLcmOpOccId === 'string' && FINISHED.has(String(op.operationState))) engine.operationFinished(op.vnfLcmOpOccId);
  });
}
