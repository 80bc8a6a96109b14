import type { Router } from 'express';
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import type { Database } from '../../platform/db/database.ts';
import { VNFFM, type SolApi } from '../../platform/http/sol-api.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import type { SubscriptionService } from '../../platform/sol/subscriptions/subscription.service.ts';
import type { EntityResolver } from '../monitoring.types.ts';
import { AlarmConditionRepository } from './alarm-condition.repository.ts';
import { createAlarmNotifier } from './alarm-notifications.ts';
import { createAlarmRecorder } from './alarm-recorder.ts';
import { AlarmRepository } from './alarm.repository.ts';
import { reviewAt } from './event-correlation.ts';
import { createFaultCorrelation, type FaultCorrelation } from './fault-correlation.service.ts';
import { createFmConsumers } from './fm-consumers.ts';
import { fmMetrics } from './fm.metrics.ts';
import { resolveFmSettings, type FmSettings } from './fm-settings.ts';
import { idOnlyFacts, type VnfInstanceFactsLookup } from './fm-subscription-filter.ts';
import { alarmRoutes } from './http/alarms.route.ts';
import { fmSubscriptionRoutes } from './http/fm-subscriptions.route.ts';

export type { FmSettings } from './fm-settings.ts';
export { FM_DEFAULTS, parseSeverityBands } from './fm-settings.ts';

export interface FmModuleDeps {
  readonly db: Database;
  readonly subscriptions: SubscriptionService;
  /** Monitoring's entity registry: VMs -> VNFCs -> VNF instances. */
  readonly resolver: EntityResolver;
  /** The consumers run only with a bus (start()); routes work without. */
  readonly bus?: EventBus;
  readonly log: Logger;
  readonly metrics: PlatformMetrics;
  /** Items per page of list responses (VNFM_PAGE_SIZE). */
  readonly pageSize: number;
  /** Base of _links and Location (VNFM_PUBLIC_URL). */
  readonly publicUrl: string;
  /** FM_* settings; the defaults for what is not given. */
  readonly settings?: Partial<FmSettings>;
  /** VNF instance facts for vnfInstanceSubscriptionFilter (the LCM module's); default: the id only. */
  readonly instanceFacts?: VnfInstanceFactsLookup;
  /** For tests: epoch milliseconds now, and the sweep period. */
  readonly clock?: () => number;
  readonly sweepMs?: number;
}

/** What the VNF FM API (SOL003 7, /vnffm/v1) contributes, plus its consumers. */
export interface FmModule {
  readonly api: SolApi;
  readonly routes: (router: Router) => void;
  /** The correlation use cases (what the consumers call), for tests and operations. */
  readonly correlation: FaultCorrelation;
  /** Subscribes the bus consumers (call before the outbox relay starts), starts the sweep, repairs the list if needed. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * VNF fault management: alarms raised, updated and cleared from failure scores, S1AP
 * broken pipes, OOM kill storms, Alertmanager alerts and the decision engine's lack of
 * migration headroom (decision.capacity), served as SOL003 VNF FM
 * (alarms, acknowledgement, subscriptions and notifications).
 */
export function createFmModule(deps: FmModuleDeps): FmModule {
  const settings = resolveFmSettings(deps.settings);
  const clock = deps.clock ?? Date.now;
  const log = deps.log.child({ component: 'fm' });
  const alarms = new AlarmRepository(deps.db);
  const conditions = new AlarmConditionRepository(deps.db);
  const notifier = createAlarmNotifier({ publicUrl: deps.publicUrl, instanceFacts: deps.instanceFacts ?? idOnlyFacts });
  const recorder = createAlarmRecorder({
    alarms,
    conditions,
    notifier,
    publicUrl: deps.publicUrl,
    reviewAt: (s) => reviewAt(s, settings),
    now: () => new Date(clock()).toISOString(),
  });
  const correlation = createFaultCorrelation({
    db: deps.db, recorder, alarms, conditions, notifier, resolver: deps.resolver, settings,
    publicUrl: deps.publicUrl, metrics: fmMetrics(deps.metrics), log, clock,
  });
  const consumers = deps.bus
    ? createFmConsumers({ db: deps.db, bus: deps.bus, correlation, log, metrics: deps.metrics, sweepMs: deps.sweepMs ?? 5000 })
    : undefined;
  const subscriptionRoutes = fmSubscriptionRoutes({ subscriptions: deps.subscriptions, pageSize: deps.pageSize, publicUrl: deps.publicUrl });
  const alarmsRoutes = alarmRoutes({ db: deps.db, alarms, pageSize: deps.pageSize, publicUrl: deps.publicUrl, clock });
  return {
    api: VNFFM,
    routes: (router) => {
      alarmsRoutes(router);
      subscriptionRoutes(router);
    },
    correlation,
    async start() {
      await correlation.rebuildAlarmList();
      await consumers?.start();
    },
    async stop() {
      await consumers?.stop();
    },
  };
}
