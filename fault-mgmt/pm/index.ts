/**
 * VNF performance management (SOL003 6, /vnfpm/v2, API version 2.1.0): PM jobs and their
 * reports over the monitoring store, and thresholds with ThresholdCrossedNotification.
 */
import type { Router } from 'express';
import type { Config } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import { idempotentHandler } from '../../platform/bus/inbox.ts';
import { VNFPM, type SolApi } from '../../platform/http/sol-api.ts';
import { HttpNotifier, type Notifier } from '../../platform/sol/subscriptions/http-notifier.ts';
import type { WindowReader } from '../store/window-reader.ts';
import { FAILURE_SCORES_TOPIC, failureScoreEntries } from './failure-score-event.ts';
import { createMeasurementReader, type MeasurementReader } from './measurement.reader.ts';
import { periodicTask } from './periodic-task.ts';
import { createPmCollector, type PmCollector } from './pm-collector.ts';
import { PmLinks } from './pm-errors.ts';
import { PmJobRepository } from './pm-job.repository.ts';
import { PmJobService } from './pm-job.service.ts';
import { FAILURE_SCORE_MEASUREMENT } from './pm-measurements.ts';
import { PmNotificationTargets, type DeliveryNudge } from './pm-notification-target.ts';
import { pmRoutes } from './pm.routes.ts';
import { ThresholdRepository } from './threshold.repository.ts';
import { ThresholdService } from './threshold.service.ts';
import { registryTopology, type VnfTopologySource } from './vnf-topology.ts';

/** config.pm (PM_* keys). */
export interface PmSettings {
  /** PM_TICK_SECONDS: how often due reports and gauge thresholds are looked at; 0 turns the collector off. */
  readonly tickSeconds: number;
  /** PM_REPORT_DELAY_SECONDS: a reporting period is reported this long after it ends (late samples). */
  readonly reportDelaySeconds: number;
  /** PM_REPORT_RETENTION_HOURS: reports can be read this long (their expiryTime). */
  readonly reportRetentionHours: number;
}

export const PM_DEFAULTS: PmSettings = { tickSeconds: 5, reportDelaySeconds: 5, reportRetentionHours: 24 };

/** Bus consumer that feeds failure scores to the thresholds on VFailureScoreVnf. */
export const PM_SCORE_CONSUMER = 'vnfpm-score-thresholds';

export interface PmModuleDeps {
  readonly db: Database;
  readonly config: Pick<Config, 'publicUrl' | 'http' | 'notifications'> & { readonly pm?: Partial<PmSettings> };
  readonly log: Logger;
  readonly metrics: PlatformMetrics;
  /** Monitoring's aligned-window reader (VM cpu_util and mem_util). */
  readonly reader: WindowReader;
  /** Where `prediction.failure_scores` events come from; without it score thresholds stay idle. */
  readonly bus?: EventBus;
  /** Sends callback tests (default: an HttpNotifier with VNFM_NOTIFY_TIMEOUT_MS). */
  readonly notifier?: Notifier;
  /** The notification delivery worker, woken after a commit that enqueued notifications. */
  readonly deliveries?: DeliveryNudge;
  /** The VNF instances measured (default: the entity registry's, from the database). */
  readonly topology?: VnfTopologySource;
  readonly measurements?: MeasurementReader;
  /** Epoch seconds now; tests fix it. */
  readonly clock?: () => number;
}

export interface PmModule {
  readonly api: SolApi;
  readonly routes: (router: Router) => void;
  readonly jobs: PmJobService;
  readonly thresholds: ThresholdService;
  readonly collector: PmCollector;
  /** Subscribes to the failure scores (before the outbox relay starts) and starts the collector. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createPmModule(deps: PmModuleDeps): PmModule {
  const settings: PmSettings = { ...PM_DEFAULTS, ...deps.config.pm };
  const log = deps.log.child({ component: 'vnfpm' });
  const clock = deps.clock ?? (() => Date.now() / 1000);
  const n = deps.config.notifications;
  const targets = new PmNotificationTargets(deps.db, deps.notifier ?? new HttpNotifier(n.timeoutMs), n.callbackTestTimeoutMs, deps.deliveries);
  const links = new PmLinks(deps.config.publicUrl);
  const topology = deps.topology ?? registryTopology(deps.db);
  const jobRepository = new PmJobRepository(deps.db);
  const thresholdRepository = new ThresholdRepository(deps.db);
  const common = { db: deps.db, targets, topology, links, log, clock };
  const jobs = new PmJobService({ ...common, jobs: jobRepository });
  const thresholds = new ThresholdService({ ...common, thresholds: thresholdRepository });
  const collector = createPmCollector({
    ...common,
    jobs: jobRepository,
    thresholds: thresholdRepository,
    thresholdService: thresholds,
    measurements: deps.measurements ?? createMeasurementReader({ db: deps.db, reader: deps.reader }),
    reportDelaySeconds: settings.reportDelaySeconds,
    reportRetentionHours: settings.reportRetentionHours,
  });
  const task = periodicTask('pm-collector', settings.tickSeconds, () => collector.tick(), log);

  return {
    api: VNFPM,
    routes: pmRoutes({ jobs, thresholds, pageSize: deps.config.http.pageSize, publicUrl: deps.config.publicUrl }),
    jobs,
    thresholds,
    collector,
    async start() {
      await deps.bus?.subscribe(
        PM_SCORE_CONSUMER,
        FAILURE_SCORES_TOPIC,
        idempotentHandler(
          deps.db,
          PM_SCORE_CONSUMER,
          async (event, tx) => {
            const entries = failureScoreEntries(event.payload);
            await thresholds.apply(
              tx,
              entries.map((e) => ({
                measurement: FAILURE_SCORE_MEASUREMENT,
                vnfInstanceId: e.vnfInstanceId,
                ...(e.vnfcInstanceId !== undefined && { vnfcInstanceId: e.vnfcInstanceId }),
                value: e.failureScore,
                at: Date.parse(e.ts) / 1000,
              })),
            );
          },
          deps.metrics,
        ),
      );
      task.start();
    },
    stop: () => task.stop(),
  };
}
