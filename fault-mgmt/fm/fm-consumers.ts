import type { Database } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/bus/event-bus.port.ts';
import { idempotentHandler } from '../../platform/bus/inbox.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import { ALERTS_TOPIC } from '../alertmanager/alert-intake.ts';
import { MIGRATION_CAPACITY_TOPIC } from '../migration-capacity.event.ts';
import { FAILURE_SCORES_TOPIC, MONITORING_EVENTS_TOPIC } from './correlation-inputs.ts';
import type { FaultCorrelation } from './fault-correlation.service.ts';

/** Durable consumer names (RabbitMQ queues `<exchange>.<name>`). */
export const FM_CONSUMERS = {
  failureScores: 'fm.failure-scores',
  monitoringEvents: 'fm.monitoring-events',
  monitoringAlerts: 'fm.monitoring-alerts',
  migrationCapacity: 'fm.migration-capacity',
} as const;

const PURGE_EVERY_MS = 3_600_000;

export interface FmConsumersDeps {
  readonly db: Database;
  readonly bus: EventBus;
  readonly correlation: FaultCorrelation;
  readonly log: Logger;
  readonly metrics?: PlatformMetrics;
  /** How often quiet conditions are looked for. */
  readonly sweepMs: number;
}

/**
 * The bus side of fault management: four idempotent consumers (each input is correlated
 * in the transaction that records its event id, so a redelivery changes nothing twice)
 * and a timer that lets time clear quiet conditions and purges old cleared alarms.
 */
export function createFmConsumers(deps: FmConsumersDeps) {
  const log = deps.log.child({ component: 'fm-consumers' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let lastPurge = 0;

  const consume = (name: string, handle: (tx: import('sequelize').Transaction, payload: unknown) => Promise<unknown>) =>
    idempotentHandler(deps.db, name, async (event, tx) => void (await handle(tx, event.payload)), deps.metrics);

  const tick = async () => {
    try {
      await deps.correlation.sweep();
      if (Date.now() - lastPurge >= PURGE_EVERY_MS) {
        lastPurge = Date.now();
        const purged = await deps.correlation.purgeCleared();
        if (purged > 0) log.info({ purged }, 'cleared alarms past their retention deleted');
      }
    } catch (err) {
      log.error({ err }, 'alarm sweep failed; retried at the next one');
    }
  };

  return {
    /** Subscribes the consumers (before the outbox relay starts) and starts the sweep. */
    async start(): Promise<void> {
      const c = deps.correlation;
      await deps.bus.subscribe(FM_CONSUMERS.failureScores, FAILURE_SCORES_TOPIC, consume(FM_CONSUMERS.failureScores, c.onFailureScores));
      await deps.bus.subscribe(FM_CONSUMERS.monitoringEvents, MONITORING_EVENTS_TOPIC, consume(FM_CONSUMERS.monitoringEvents, c.onMonitoringEvents));
      await deps.bus.subscribe(FM_CONSUMERS.monitoringAlerts, ALERTS_TOPIC, consume(FM_CONSUMERS.monitoringAlerts, c.onAlert));
      await deps.bus.subscribe(FM_CONSUMERS.migrationCapacity, MIGRATION_CAPACITY_TOPIC, consume(FM_CONSUMERS.migrationCapacity, c.onMigrationCapacity));
      const schedule = () => {
        if (stopped) return;
        timer = setTimeout(() => {
          running = tick().finally(schedule);
        }, deps.sweepMs);
        timer.unref();
      };
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
