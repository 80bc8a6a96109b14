/** Factories for decision-engine tests: policies, scores, hosts, and in-memory fakes of its ports. */
import type { VimHost } from '../../lcm/vim/vim.port.ts';
import type { ProactiveMigrationPolicy } from '../../lcm/vnfd/vnfd.types.ts';
import type { DecisionRepository } from '../../lcm/decision/decision.repository.ts';
import type { Decision, DestinationChoice, ScoreInput } from '../../lcm/decision/decision.types.ts';
import type { LcmGuards, LcmPort, MonitoredVnfc, MonitoredVnfcs } from '../../lcm/decision/ports.ts';
import type { AutomaticHealRequest, LcmPort as EnginePort } from '../../lcm/engine/lcm.port.ts';
import { vnfcKey } from '../../lcm/decision/decision.types.ts';
import type { CandidateHost } from '../../prediction/placement/placement.types.ts';

export function policy(o: Partial<ProactiveMigrationPolicy> = {}): ProactiveMigrationPolicy {
  return {
    name: 'proactive',
    targets: ['VDU1'],
    scoreThreshold: 0.7,
    hysteresis: 0.1,
    consecutiveWindows: 1,
    minLeadSeconds: 0,
    cooldownSeconds: 0,
    maxConcurrentPerHost: 2,
    destinationStrategy: 'forecast',
    longFailuresOnly: false,
    fallbackAction: 'heal-recreate',
    autoHealEnabled: true,
    ...o,
  };
}

export function score(o: Partial<ScoreInput> = {}): ScoreInput {
  return {
    vnfInstanceId: 'vnf-1',
    vnfcInstanceId: 'vnfc-1',
    host: 'compute-a',
    ts: 1_800_000_000,
    failureScore: 0.9,
    longProbability: 0.1,
    inFailure: false,
    threshold: 0.8,
    longThreshold: 0.6,
    horizonSeconds: 60,
    modelId: 'model-1',
    ...o,
  };
}

export const ranking = (...hosts: string[]): DestinationChoice => ({
  strategy: 'forecast',
  ranked: hosts.map((host, i) => ({ host, score: 1 - i / 10, reason: `test rank ${i + 1}` })),
  excluded: [],
});

const flat = (v: number) => ({ h1: v, h5: v, h15: v });

export function candidate(name: string, o: Partial<CandidateHost> = {}): CandidateHost {
  return {
    name,
    az: 'nova',
    aggregates: [],
    capacity: { vcpus: 32, ramMb: 131_072, diskGb: 1000 },
    used: { vcpus: 8, ramMb: 32_768, diskGb: 100 },
    servers: [],
    forecast: { cpu: flat(20), mem: flat(30) },
    failureRisk: 0,
    ...o,
  };
}

export function vimHost(name: string, o: Partial<VimHost> = {}): VimHost {
  return {
    name,
    availabilityZone: 'nova',
    aggregates: [],
    state: 'up',
    capacity: { vcpus: 32, ramMb: 131_072, diskGb: 1000 },
    used: { vcpus: 8, ramMb: 32_768, diskGb: 100 },
    servers: [],
    ...o,
  };
}

export function monitored(o: Partial<MonitoredVnfc> = {}): MonitoredVnfc {
  return {
    vnfInstanceId: 'vnf-1',
    vnfcInstanceId: 'vnfc-1',
    vduId: 'VDU1',
    serverId: 'server-1',
    host: 'compute-a',
    policy: policy(),
    flavor: { vcpus: 2, ramMb: 4096, diskGb: 20 },
    expectedMigrationSeconds: 20,
    ...o,
  };
}

export function fakeVnfcs(list: readonly MonitoredVnfc[]): MonitoredVnfcs {
  const byKey = new Map(list.map((v) => [vnfcKey(v), v]));
  return {
    async resolve(keys) {
      return new Map(keys.flatMap((k) => (byKey.has(vnfcKey(k)) ? [[vnfcKey(k), byKey.get(vnfcKey(k))!] as const] : [])));
    },
  };
}

export function fakeGuards(lcm: string[] = [], scaling: string[] = []): LcmGuards & { lcm: Set<string>; scaling: Set<string> } {
  const state = { lcm: new Set(lcm), scaling: new Set(scaling) };
  return {
    ...state,
    async busy(ids) {
      return { lcm: new Set(ids.filter((i) => state.lcm.has(i))), scaling: new Set(ids.filter((i) => state.scaling.has(i))) };
    },
  };
}

/** The LCM's requestHeal: accepts (op-1, op-2, ...), refuses like the LCM does, or throws. */
export function fakeLcm(
  behaviour: 'accept' | 'refuse' | 'throw' = 'accept',
): LcmPort & Pick<EnginePort, 'listVnfcPlacements' | 'unfinishedOperation'> & { requests: (AutomaticHealRequest & { vnfInstanceId: string })[] } {
  const requests: (AutomaticHealRequest & { vnfInstanceId: string })[] = [];
  return {
    requests,
    listVnfcPlacements: async () => [],
    unfinishedOperation: async () => undefined,
    async requestHeal(vnfInstanceId, r) {
      requests.push({ ...r, vnfInstanceId });
      if (behaviour === 'throw') throw new Error('connection to the database lost');
      if (behaviour === 'refuse') return { accepted: false, refusal: { kind: 'OperationFailedTemp', detail: 'an operation of the instance is FAILED_TEMP' } };
      return { accepted: true, vnfLcmOpOccId: `op-${requests.length}` };
    },
  };
}

/** The repository in memory (list is not supported: use the real one on a database for that). */
export function memoryRepository(): DecisionRepository & { rows: Map<string, Decision> } {
  const rows = new Map<string, Decision>();
  return {
    rows,
    async insert(ds) {
      for (const d of ds) rows.set(d.id, d);
    },
    async get(id) {
      return rows.get(id);
    },
    async update(d) {
      if (!rows.has(d.id)) return false;
      rows.set(d.id, d);
      return true;
    },
    async updateMany(ds) {
      for (const d of ds) if (rows.has(d.id)) rows.set(d.id, d);
    },
    async list() {
      throw new Error('memoryRepository.list: use the database repository');
    },
    async lastActions(since) {
      const out = new Map<string, number>();
      for (const d of rows.values()) {
        const at = Date.parse(d.createdAt) / 1000;
        if (d.outcome.kind !== 'skip' && at >= since) out.set(vnfcKey(d), Math.max(out.get(vnfcKey(d)) ?? 0, at));
      }
      return out;
    },
  };
}
