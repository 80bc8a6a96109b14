/**
 * The decision engine module as the service runs it: the engine fed by
 * `prediction.failure_scores`, the decision store and the decisions API (/decisions/v1).
 * The composition root gives it the LCM operation engine's port, the VNF package catalogue,
 * the VIM and the monitoring store's reader; the guards, the monitored VNFCs and the host
 * forecasts are built over them (lcm-adapters.ts) unless given.
 */
import type { RequestHandler, Router } from 'express';
import type { WindowReader } from '../../fault-mgmt/store/window-reader.ts';
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import { appendToOutbox } from '../../platform/bus/outbox.ts';
import { MIGRATION_CAPACITY_TOPIC, type MigrationCapacityEntry } from '../../fault-mgmt/migration-capacity.event.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import type { PlacementPolicy } from '../../prediction/placement/placement.types.ts';
import type { LcmPort as EnginePort } from '../engine/lcm.port.ts';
import type { VimDriver } from '../vim/vim.port.ts';
import type { VnfPackageCatalogue } from '../vnfd/vnf-package-catalogue.ts';
import { createDecisionApprovals, type DecisionApprovals } from './decision-approval.ts';
import { createDecisionEngine, type DecisionEngine } from './decision-engine.ts';
import { decisionMetrics } from './decision.metrics.ts';
import { createDecisionRepository, type DecisionRepository } from './decision.repository.ts';
import { createDecisionsApiRouter, decisionRoutes, DECISIONS_API_PREFIX } from './decision.routes.ts';
import type { Decision, DecisionMode } from './decision.types.ts';
import { createDestinationStrategies } from './destination-strategies.ts';
import { subscribeFailureScores } from './failure-scores.consumer.ts';
import { lcmGuards, monitoredVnfcs, storeHostForecasts, subscribeOperationEnds } from './lcm-adapters.ts';
import type { HostForecasts, LcmGuards, MonitoredVnfcs } from './ports.ts';
import { createScaleOutAlertSender, type ScaleOutAlertSender, type ScaleOutAlertSettings } from './scale-out-alert.sender.ts';

export { DECISIONS_API_PREFIX };
export { registerReplayCommand } from './replay/replay.command.ts';
export { expectedMigrationSeconds, monitoredVnfcs } from './lcm-adapters.ts';
export type { DecisionEngine, DecisionRepository, DecisionApprovals };
export type * from './ports.ts';
export type * from './decision.types.ts';
export type { ScaleOutAlertSettings };

/** config.decision (DECISION_* keys). */
export interface DecisionSettings {
  /** DECISION_MODE: auto | dry-run | approve. */
  readonly mode: DecisionMode;
  /** DECISION_RANDOM_SEED: seed of the `random` destination strategy. */
  readonly seed: number;
  /** DECISION_MAX_UTILISATION: highest forecast utilisation, %, a destination may reach with the VM. */
  readonly maxUtilisation: number;
  /** DECISION_RISK_THRESHOLD: hosts whose failure score is at or above this are no destination. */
  readonly riskThreshold: number;
  /** How far back stored actions restore cooldowns at start, s. */
  readonly restoreSeconds: number;
  /** DECISION_SCALE_OUT_ALERT_URL and its delivery: Tacker-style scale-out alerts (absent: none are sent). */
  readonly scaleOutAlert?: Omit<ScaleOutAlertSettings, 'externalUrl'> & { readonly externalUrl?: string };
}

/**
 * dry-run by default: a fresh install decides and records, and moves no VM until an operator
 * has read the decisions (GET /decisions/v1/decisions) and chosen auto or approve. A wrong
 * migration costs a downtime on a healthy VNF; a missed one costs only what the plugin's
 * absence would have cost.
 */
export const DECISION_DEFAULTS: DecisionSettings = Object.freeze({ mode: 'dry-run', seed: 1, maxUtilisation: 90, riskThreshold: 0.5, restoreSeconds: 86_400 });

export interface DecisionModuleDeps {
  readonly db: Database;
  readonly bus: EventBus;
  readonly log: Logger;
  readonly metrics?: PlatformMetrics;
  readonly config: {
    readonly publicUrl: string;
    readonly http: { readonly pageSize: number; readonly validateResponses: boolean };
    readonly decision?: Partial<DecisionSettings>;
  };
  /** The LCM operation engine's port: heal requests, unfinished operations (guards), VNFC placements. */
  readonly lcm: Pick<EnginePort, 'requestHeal' | 'unfinishedOperation' | 'listVnfcPlacements'>;
  /** The onboarded VNFDs: the ProactiveMigration policy and the VDU of each VNFC. */
  readonly catalogue: Pick<VnfPackageCatalogue, 'get'>;
  readonly vim: Pick<VimDriver, 'listHosts'>;
  /** The monitoring store's reader: host utilisation forecasts for the `forecast` strategy. */
  readonly reader?: WindowReader;
  /** Replace the adapters built from the above (tests, benchmarks, the simulated VIM's estimates). */
  readonly guards?: LcmGuards;
  readonly vnfcs?: MonitoredVnfcs;
  readonly forecasts?: HostForecasts;
  /** Epoch milliseconds; tests fix it. */
  readonly clock?: () => number;
  /** Called when a heal request was sent, with the time since its score arrived (ms). */
  readonly onRequested?: (decision: Decision, latencyMs: number) => void;
  /** How the scale-out alerts are POSTed (tests). */
  readonly fetch?: typeof fetch;
}

export interface DecisionModule {
  readonly settings: DecisionSettings;
  readonly engine: DecisionEngine;
  readonly repository: DecisionRepository;
  readonly approvals: DecisionApprovals;
  /** The Tacker scale-out alerts, when DECISION_SCALE_OUT_ALERT_URL is set. */
  readonly scaleOutAlerts?: ScaleOutAlertSender;
  /** Mount at DECISIONS_API_PREFIX, behind the API authenticator. */
  router(authenticate: RequestHandler): Router;
  /** Restores cooldowns and subscribes to the failure scores (before the outbox relay starts). */
  start(): Promise<void>;
  /** Waits for the heal requests in flight. */
  stop(): Promise<void>;
}

export function createDecisionModule(deps: DecisionModuleDeps): DecisionModule {
  const settings: DecisionSettings = { ...DECISION_DEFAULTS, ...deps.config.decision };
  const log = deps.log.child({ component: 'decisions' });
  const repository = createDecisionRepository(deps.db);
  const metrics = deps.metrics && decisionMetrics(deps.metrics.registry);
  const placement: PlacementPolicy = { maxUtilisation: settings.maxUtilisation, riskThreshold: settings.riskThreshold };
  const guards = deps.guards ?? lcmGuards(deps.lcm);
  const engine = createDecisionEngine({
    mode: settings.mode,
    repository,
    lcm: deps.lcm,
    guards,
    vnfcs: deps.vnfcs ?? monitoredVnfcs({ lcm: deps.lcm, catalogue: deps.catalogue }),
    vim: deps.vim,
    forecasts: deps.forecasts ?? (deps.reader && storeHostForecasts(deps.reader)),
    strategies: createDestinationStrategies(settings.seed, placement),
    log,
    clock: deps.clock,
    onRequested: (d, ms) => {
      metrics?.latency.observe(ms / 1000);
      deps.onRequested?.(d, ms);
    },
    onRecorded: (d) => metrics?.decisions.inc({ outcome: d.outcome.kind, rule: d.rule }),
    // No host has headroom: `decision.capacity` for the FM alarm, the indicator and the Tacker alert.
    publishCapacity: (entries: readonly MigrationCapacityEntry[], tx) => {
      const events = [{ topic: MIGRATION_CAPACITY_TOPIC, payload: entries }];
      return tx ? appendToOutbox(tx, events).then(() => undefined) : deps.db.transaction((t) => appendToOutbox(t, events)).then(() => undefined);
    },
  });
  const alert = settings.scaleOutAlert;
  const scaleOutAlerts = alert && createScaleOutAlertSender({ ...alert, externalUrl: alert.externalUrl ?? deps.config.publicUrl }, log, deps.fetch);
  const approvals = createDecisionApprovals({ db: deps.db, repository, guards, execution: engine.execution });
  return {
    settings,
    engine,
    repository,
    approvals,
    scaleOutAlerts,
    router: (authenticate) =>
      createDecisionsApiRouter({
        authenticate,
        validateResponses: deps.config.http.validateResponses,
        routes: decisionRoutes({ repository, approvals, pageSize: deps.config.http.pageSize, publicUrl: deps.config.publicUrl }),
      }),
    async start() {
      await engine.restore(settings.restoreSeconds);
      await subscribeFailureScores(deps.bus, deps.db, engine, deps.metrics);
      await subscribeOperationEnds(deps.bus, engine);
      await scaleOutAlerts?.subscribe(deps.bus);
      log.info({ mode: settings.mode }, settings.mode === 'auto' ? 'decision engine acting on failure scores' : `decision engine in ${settings.mode} mode`);
    },
    async stop() {
      await engine.settled();
      await scaleOutAlerts?.stop();
    },
  };
}
