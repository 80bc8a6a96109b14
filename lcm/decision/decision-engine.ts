/**
 * The decision engine as the service runs it: a batch of failure scores (one
 * `prediction.failure_scores` event) goes through the pure core (decide.ts) VNFC by VNFC; the
 * decisions are stored, and then, by mode, executed as automatic HEAL operations (auto), kept
 * (dry-run) or left for an operator (approve). Batches are handled one at a time, so the
 * per-VNFC state and the per-host migration counts stay consistent.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { Logger } from '../../platform/logger.ts';
import type { MigrationCapacityEntry } from '../../fault-mgmt/migration-capacity.event.ts';
import type { VimDriver } from '../vim/vim.port.ts';
import { nextCapacity, shortCounts, shortVnfcsOf, type CapacityState } from './capacity-signal.ts';
import { countWindow, decide, INITIAL_STATE, triggers, type VnfcState } from './decide.ts';
import type { DecisionRepository } from './decision.repository.ts';
import { vnfcKey, type CoreDecision, type Decision, type DecisionMode, type DecisionStatus, type DestinationChoice, type ScoreInput } from './decision.types.ts';
import type { DestinationStrategyFn } from './destination-strategies.ts';
import { requestDecision, storeOutcomes, type ExecutionDeps } from './execute-decision.ts';
import { loadHostSnapshot, migratingVmOf, type HostSnapshot } from './host-snapshot.ts';
import type { HostForecasts, LcmGuards, LcmPort, MonitoredVnfc, MonitoredVnfcs } from './ports.ts';
import type { DestinationStrategy } from '../vnfd/vnfd.types.ts';

export interface DecisionEngineDeps {
  readonly mode: DecisionMode;
  readonly repository: DecisionRepository;
  readonly lcm: LcmPort;
  readonly guards: LcmGuards;
  readonly vnfcs: MonitoredVnfcs;
  readonly vim: Pick<VimDriver, 'listHosts'>;
  readonly forecasts?: HostForecasts;
  readonly strategies: Record<DestinationStrategy, DestinationStrategyFn>;
  readonly log: Logger;
  /** Epoch milliseconds; tests and the bench fix it. */
  readonly clock?: () => number;
  /** Called when a heal request was sent, with the time since the batch arrived (ms). */
  readonly onRequested?: (decision: Decision, latencyMs: number) => void;
  /** Called for every decision stored. */
  readonly onRecorded?: (decision: Decision) => void;
  /**
   * Publishes the scale-out signals of a batch (`decision.capacity`), in the transaction that
   * stores its decisions when there is one (capacity-signal.ts says when).
   */
  readonly publishCapacity?: (entries: readonly MigrationCapacityEntry[], tx?: Transaction) => Promise<void>;
}

/** Writes a batch's decisions in the given transaction. */
export type DecisionWrite = (tx: Transaction) => Promise<void>;

export interface EvaluateOptions {
  /**
   * How the decisions are stored: the bus consumer runs `write` in its idempotent transaction
   * and resolves false for an event it had handled already (nothing then takes effect). By
   * default they are inserted on their own. Everything the engine reads (placements, guards,
   * hosts, forecasts) is read before, outside any transaction: on the embedded database a
   * query outside an open transaction would wait for it to end.
   */
  readonly persist?: (write: DecisionWrite) => Promise<boolean>;
  /** performance.now() when the scores arrived (default: when evaluate is called). */
  readonly receivedAt?: number;
}

export interface DecisionEngine {
  readonly mode: DecisionMode;
  /** Decides for every monitored VNFC in the batch; resolves with what was recorded (execution may still run). */
  evaluate(scores: readonly ScoreInput[], options?: EvaluateOptions): Promise<Decision[]>;
  /** Restores the cooldowns from stored decisions (after a restart). */
  restore(sinceSeconds: number): Promise<void>;
  /** The LCM operation of a decision ended: its migration no longer counts against its host. */
  operationFinished(opOccId: string): void;
  /** Live migrations in flight from `host` that this engine requested. */
  migrationsFrom(host: string): number;
  /** VNFCs of the VNF instance this engine finds short of migration headroom now. */
  shortOfHeadroom(vnfInstanceId: string): number;
  /** Heal requests of this engine still running; resolves when they are done (tests, shutdown). */
  settled(): Promise<void>;
  readonly execution: ExecutionDeps;
}

/** Status of an acting decision when it is stored; auto ones become requested (or failed) once the LCM answered. */
const STATUS_OF: Record<DecisionMode, DecisionStatus> = { auto: 'requesting', 'dry-run': 'dry-run', approve: 'pending-approval' };

/** The feasible destinations a decision keeps (the excluded ones are all kept, with why). */
export const STORED_RANKED = 10;

function stored(r: DestinationChoice): DestinationChoice {
  return r.ranked.length <= STORED_RANKED ? r : { ...r, ranked: r.ranked.slice(0, STORED_RANKED), rankedTotal: r.ranked.length };
}

function capacityEntry(score: ScoreInput, v: MonitoredVnfc, scaleOut: boolean, vnfcsWithoutHeadroom: number, reason: string): MigrationCapacityEntry {
  return {
    vnfInstanceId: v.vnfInstanceId,
    ...(v.vnfcInstanceId !== undefined && { vnfcInstanceId: v.vnfcInstanceId }),
    vduId: v.vduId,
    serverId: v.serverId,
    host: score.host,
    needed: { vcpus: v.flavor.vcpus, ramMb: v.flavor.ramMb, diskGb: v.flavor.diskGb },
    scaleOut,
    vnfcsWithoutHeadroom,
    ...(v.scalingAspectId !== undefined && { aspectId: v.scalingAspectId }),
    failureScore: score.failureScore,
    ts: new Date(score.ts * 1000).toISOString(),
    reason,
  };
}

export function createDecisionEngine(deps: DecisionEngineDeps): DecisionEngine {
  const clock = deps.clock ?? Date.now;
  const log = deps.log.child({ component: 'decision-engine' });
  const states = new Map<string, VnfcState>();
  const capacity = new Map<string, CapacityState>();
  /** decision id -> source host and when the migration stops counting even without news. */
  const inFlight = new Map<string, { host: string; until: number; opOccId?: string }>();
  const running = new Set<Promise<unknown>>();
  let queue: Promise<unknown> = Promise.resolve();

  /** In-flight migrations per source host, expired ones dropped: one pass, once per batch. */
  const migrationsByHost = (): Map<string, number> => {
    const now = clock() / 1000;
    const count = new Map<string, number>();
    for (const [id, m] of inFlight) {
      if (m.until <= now) inFlight.delete(id);
      else count.set(m.host, (count.get(m.host) ?? 0) + 1);
    }
    return count;
  };
  const migrationsFrom = (host: string): number => migrationsByHost().get(host) ?? 0;

  const execution: ExecutionDeps = {
    repository: deps.repository,
    lcm: deps.lcm,
    log,
    clock,
    onRequested: (d, opOccId) => {
      const m = inFlight.get(d.id);
      if (m) m.opOccId = opOccId;
    },
    onFailed: (d) => inFlight.delete(d.id),
  };

  function track(p: Promise<unknown>): void {
    running.add(p);
    void p.finally(() => running.delete(p));
  }

  function record(score: ScoreInput, v: MonitoredVnfc, core: CoreDecision, inputs: Omit<Decision['inputs'], 'score' | 'policy'>): Decision {
    const now = new Date(clock()).toISOString();
    const acting = core.outcome.kind !== 'skip';
    return {
      id: randomUUID(),
      vnfInstanceId: v.vnfInstanceId,
      ...(v.vnfcInstanceId !== undefined && { vnfcInstanceId: v.vnfcInstanceId }),
      host: score.host,
      mode: deps.mode,
      status: acting ? STATUS_OF[deps.mode] : 'skipped',
      rule: core.rule,
      reason: core.reason,
      outcome: core.outcome,
      inputs: { score, policy: v.policy, ...inputs },
      ...(core.ranking && { ranking: stored(core.ranking) }),
      createdAt: now,
      updatedAt: now,
    };
  }

  async function evaluateNow(scores: readonly ScoreInput[], options: EvaluateOptions): Promise<Decision[]> {
    const receivedAt = options.receivedAt ?? performance.now();
    const monitored = await deps.vnfcs.resolve(scores.map((s) => ({ vnfInstanceId: s.vnfInstanceId, vnfcInstanceId: s.vnfcInstanceId })));
    if (monitored.size === 0) return [];
    const risk = new Map<string, number>();
    for (const s of scores) risk.set(s.host, Math.max(risk.get(s.host) ?? 0, s.failureScore));
    const now = clock() / 1000;
    // Only a VNFC that triggers or is failing can be stopped by a guard: ask about those alone.
    const triggered: ScoreInput[] = [];
    const asking = new Set<string>();
    for (const s of scores) {
      const v = monitored.get(vnfcKey(s));
      if (!v) continue;
      const fires = triggers(states.get(vnfcKey(s)) ?? INITIAL_STATE, s, v.policy);
      if (fires) triggered.push(s);
      if (fires || s.inFailure) asking.add(v.vnfInstanceId);
    }
    const busy = asking.size > 0 ? await deps.guards.busy([...asking]) : { lcm: new Set<string>(), scaling: new Set<string>() };
    let snapshot: HostSnapshot | undefined;
    if (triggered.length > 0) {
      const withForecast = triggered.some((s) => monitored.get(vnfcKey(s))?.policy.destinationStrategy === 'forecast');
      snapshot = await loadHostSnapshot(deps.vim, deps.forecasts, risk, now, withForecast);
    }
    const next = new Map<string, VnfcState>();
    const decisions: Decision[] = [];
    const fromHost = migrationsByHost();
    const slots: [string, { host: string; until: number }][] = [];
    /** Capacity states as this batch leaves them (committed with its decisions), and what changed. */
    const capacityNext = new Map(capacity);
    const entries: MigrationCapacityEntry[] = [];
    const noted: MigrationCapacityEntry[] = [];
    let short: Map<string, number> | undefined; // short VNFCs per VNF instance, counted at the batch's first change
    for (const score of scores) {
      const key = vnfcKey(score);
      const v = monitored.get(key);
      if (!v) continue;
      const state = next.get(key) ?? states.get(key) ?? INITIAL_STATE;
      let ranking: DestinationChoice | undefined;
      const inputs = {
        vduId: v.vduId,
        serverId: v.serverId,
        expectedMigrationSeconds: v.expectedMigrationSeconds,
        migrationsFromHost: fromHost.get(score.host) ?? 0,
        lcmInProgress: busy.lcm.has(v.vnfInstanceId),
        scalingInProgress: busy.scaling.has(v.vnfInstanceId),
      };
      const result = decide({
        score,
        policy: v.policy,
        state,
        ...inputs,
        rank: () =>
          (ranking = deps.strategies[v.policy.destinationStrategy]({ vm: migratingVmOf({ ...v, host: v.host || score.host }), hosts: snapshot?.hosts ?? [], fixedHost: v.policy.fixedHost })),
      });
      next.set(key, result.state);
      const before = capacityNext.get(key);
      const cap = nextCapacity(before, { score, policy: v.policy, ranking });
      if (cap.change) {
        short ??= shortCounts(capacityNext);
        const n = (short.get(v.vnfInstanceId) ?? 0) + (cap.change === 'raise' ? 1 : before?.short ? -1 : 0);
        short.set(v.vnfInstanceId, n);
        entries.push(capacityEntry(score, v, cap.change === 'raise', n, cap.reason ?? ''));
        // The one-off clears of VNFCs first seen since start are not news.
        if (cap.change === 'raise' || capacity.get(key)?.short) noted.push(entries[entries.length - 1]);
      }
      if (cap.state) capacityNext.set(key, cap.state);
      if (!result.decision) continue;
      const consecutive = score.inFailure ? 0 : countWindow(state, score.failureScore, v.policy).consecutive;
      const d = record(score, v, result.decision, { ...inputs, consecutive });
      decisions.push(d);
      if (d.outcome.kind === 'migrate') {
        snapshot?.reserve(d.outcome.destination, v.flavor);
        slots.push([d.id, { host: d.outcome.sourceHost, until: now + Math.max(60, 3 * v.expectedMigrationSeconds) }]);
        fromHost.set(d.outcome.sourceHost, (fromHost.get(d.outcome.sourceHost) ?? 0) + 1);
      }
    }
    const publish = deps.publishCapacity && entries.length > 0 ? deps.publishCapacity : undefined;
    const stored = options.persist
      ? await options.persist(async (tx) => {
          await deps.repository.insert(decisions, tx);
          await publish?.(entries, tx);
        })
      : (await deps.repository.insert(decisions), await publish?.(entries), true);
    if (!stored) return [];
    const commit = () => {
      for (const [k, s] of next) states.set(k, s);
      for (const [k, s] of capacityNext) capacity.set(k, s);
      for (const e of noted) log.info({ vnfInstanceId: e.vnfInstanceId, vnfcInstanceId: e.vnfcInstanceId, host: e.host, scaleOut: e.scaleOut }, e.reason);
      for (const [id, slot] of slots) inFlight.set(id, slot);
      for (const d of decisions) deps.onRecorded?.(d);
      const acting = decisions.filter((d) => d.outcome.kind !== 'skip');
      if (deps.mode !== 'auto' || acting.length === 0) return;
      // All requests go out at once; their outcomes are stored together afterwards.
      track(Promise.all(acting.map((d) => requestDecision(execution, d, receivedAt, deps.onRequested))).then((done) => storeOutcomes(execution, done)));
    };
    commit();
    if (decisions.length > 0) log.info({ decisions: decisions.length, acting: decisions.filter((d) => d.outcome.kind !== 'skip').length }, 'decisions recorded');
    return decisions;
  }

  return {
    mode: deps.mode,
    execution,
    evaluate(scores, options = {}) {
      const run = queue.then(() => evaluateNow(scores, options));
      queue = run.catch(() => undefined);
      return run;
    },
    async restore(sinceSeconds) {
      const last = await deps.repository.lastActions(clock() / 1000 - sinceSeconds);
      for (const [key, at] of last) states.set(key, { ...(states.get(key) ?? INITIAL_STATE), lastActionAt: at });
      if (last.size > 0) log.info({ vnfcs: last.size }, 'cooldowns restored from stored decisions');
    },
    operationFinished(opOccId) {
      for (const [id, m] of inFlight) if (m.opOccId === opOccId) inFlight.delete(id);
    },
    migrationsFrom,
    shortOfHeadroom: (vnfInstanceId) => shortVnfcsOf(capacity, vnfInstanceId),
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
