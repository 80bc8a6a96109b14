/**
 * VNF indicators (SOL003 8, /vnfind/v1, API version 1.3.0): per VNF instance the predicted
 * failure score, the paging failure rate, the host headroom forecast and whether migration
 * headroom is available (decision.capacity), with subscriptions and
 * VnfIndicatorValueChangeNotification on meaningful change.
 */
import type { Router } from 'express';
import type { Config } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import { idempotentHandler } from '../../platform/bus/inbox.ts';
import { VNFIND, type SolApi } from '../../platform/http/sol-api.ts';
import type { SubscriptionService } from '../../platform/sol/subscriptions/subscription.service.ts';
import type { VnfInstanceFactsLookup } from '../../platform/sol/subscriptions/vnf-instance-filter.ts';
import type { WindowReader } from '../store/window-reader.ts';
import { FAILURE_SCORES_TOPIC, failureScoreEntries } from '../pm/failure-score-event.ts';
import { MIGRATION_CAPACITY_TOPIC, migrationCapacityEntries } from '../migration-capacity.event.ts';
import { periodicTask } from '../pm/periodic-task.ts';
import { registryTopology, type VnfTopologySource } from '../pm/vnf-topology.ts';
import { INDICATOR_DEFAULTS, type IndicatorSettings } from './indicator-catalogue.ts';
import { IndicatorRepository } from './indicator.repository.ts';
import { computeIndicators, type HostForecaster } from './indicator-sources.ts';
import { createIndicatorUpdater, type IndicatorValue } from './indicator-updater.ts';
import { indicatorRoutes } from './indicators.routes.ts';

export type { IndicatorSettings } from './indicator-catalogue.ts';
export { INDICATOR_DEFAULTS } from './indicator-catalogue.ts';

/** Bus consumer that turns failure scores into the failureScore indicator. */
export const INDICATOR_SCORE_CONSUMER = 'vnfind-failure-score';
/** Bus consumer that turns the decision engine's scale-out signals into migrationHeadroomAvailable. */
export const INDICATOR_CAPACITY_CONSUMER = 'vnfind-migration-capacity';

export interface IndicatorModuleDeps {
  readonly db: Database;
  readonly config: Pick<Config, 'publicUrl' | 'http'> & {
    readonly indicators?: Partial<Omit<IndicatorSettings, 'deadbands'>> & { readonly deadbands?: Partial<IndicatorSettings['deadbands']> };
  };
  readonly log: Logger;
  readonly metrics: PlatformMetrics;
  /** The shared subscription use cases (platform/sol/subscriptions). */
  readonly subscriptions: SubscriptionService;
  readonly reader: WindowReader;
  /** Where `prediction.failure_scores` events come from; without it failureScore is not offered. */
  readonly bus?: EventBus;
  /** Host capacity forecasts (prediction/capacity forecastFromReader); without it hostHeadroom is not offered. */
  readonly forecastHost?: HostForecaster;
  readonly topology?: VnfTopologySource;
  /** VNF instance facts for vnfInstanceSubscriptionFilter (the LCM module's); default: the id and the registry's name. */
  readonly instanceFacts?: VnfInstanceFactsLookup;
  readonly clock?: () => number;
}

export interface IndicatorModule {
  readonly api: SolApi;
  readonly routes: (router: Router) => void;
  /** One round of the periodic indicators (pagingFailureRate, hostHeadroom); returns the changes notified. */
  tick(): Promise<number>;
  /** Applies failure scores as an event would (for tests and replays). */
  applyValues(values: readonly IndicatorValue[]): Promise<number>;
  /** Subscribes to the failure scores (before the outbox relay starts) and starts the periodic round. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createIndicatorModule(deps: IndicatorModuleDeps): IndicatorModule {
  const given = deps.config.indicators;
  const settings: IndicatorSettings = {
    ...INDICATOR_DEFAULTS,
    ...given,
    deadbands: { ...INDICATOR_DEFAULTS.deadbands, ...given?.deadbands },
  };
  const log = deps.log.child({ component: 'vnfind' });
  const clock = deps.clock ?? (() => Date.now() / 1000);
  const topology = deps.topology ?? registryTopology(deps.db);
  const indicators = new IndicatorRepository(deps.db);
  const updater = createIndicatorUpdater({
    indicators, settings, publicUrl: deps.config.publicUrl, log, clock, ...(deps.instanceFacts && { instanceFacts: deps.instanceFacts }),
  });
  // VNF instance names for subscription filters (vnfInstanceNames), as of the last round: the
  // bus handler runs inside its transaction and cannot read the registry meanwhile.
  let names = new Map<string, string>();
  const named = (values: readonly IndicatorValue[]) =>
    values.map((v) => (v.vnfInstanceName === undefined && names.has(v.vnfInstanceId) ? { ...v, vnfInstanceName: names.get(v.vnfInstanceId) } : v));

  async function tick(): Promise<number> {
    const vnfs = await topology.vnfs();
    names = new Map(vnfs.filter((v) => v.name !== undefined).map((v) => [v.vnfInstanceId, v.name!]));
    await indicators.deleteOtherThan(vnfs.map((v) => v.vnfInstanceId));
    const values = await computeIndicators({ reader: deps.reader, forecastHost: deps.forecastHost, log }, vnfs, clock());
    // Event-driven values held back by the minimum interval go out now that it may be over.
    const capacity = (await indicators.valuesOf('migrationHeadroomAvailable')).map((v) => ({ ...v, indicatorId: 'migrationHeadroomAvailable' as const }));
    return deps.db.transaction((tx) => updater.apply(tx, named([...values, ...capacity])));
  }
  const task = periodicTask('vnf-indicators', settings.tickSeconds, tick, log);

  return {
    api: VNFIND,
    routes: indicatorRoutes({ indicators, topology, subscriptions: deps.subscriptions, pageSize: deps.config.http.pageSize, publicUrl: deps.config.publicUrl }),
    tick,
    applyValues: (values) => deps.db.transaction((tx) => updater.apply(tx, named(values))),
    async start() {
      names = new Map((await topology.vnfs()).filter((v) => v.name !== undefined).map((v) => [v.vnfInstanceId, v.name!]));
      await deps.bus?.subscribe(
        INDICATOR_SCORE_CONSUMER,
        FAILURE_SCORES_TOPIC,
        idempotentHandler(
          deps.db,
          INDICATOR_SCORE_CONSUMER,
          async (event, tx) => {
            // VNF-level scores only (VNFC scores carry a vnfcInstanceId); the latest per VNF wins.
            const entries = failureScoreEntries(event.payload)
              .filter((e) => e.vnfcInstanceId === undefined)
              .sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
            await updater.apply(tx, named(entries.map((e) => ({ vnfInstanceId: e.vnfInstanceId, indicatorId: 'failureScore' as const, value: e.failureScore }))));
          },
          deps.metrics,
        ),
      );
      await deps.bus?.subscribe(
        INDICATOR_CAPACITY_CONSUMER,
        MIGRATION_CAPACITY_TOPIC,
        idempotentHandler(
          deps.db,
          INDICATOR_CAPACITY_CONSUMER,
          async (event, tx) => {
            // The last entry of each VNF instance says how many of its VNFCs are short once the event is applied.
            const last = new Map(migrationCapacityEntries(event.payload).map((e) => [e.vnfInstanceId, e.vnfcsWithoutHeadroom]));
            const values = [...last].map(([vnfInstanceId, short]) => ({ vnfInstanceId, indicatorId: 'migrationHeadroomAvailable' as const, value: short > 0 ? 0 : 1 }));
            await updater.apply(tx, named(values));
          },
          deps.metrics,
        ),
      );
      task.start();
    },
    stop: () => task.stop(),
  };
}
