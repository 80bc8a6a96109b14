import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { EntityResolver } from '../monitoring.types.ts';
import { migrationCapacityEntries, type MigrationCapacityEntry } from '../migration-capacity.event.ts';
import { causeKind, NO_MIGRATION_HEADROOM, PREDICTED_FAILURE, S1AP_BROKEN_PIPE } from './alarm-causes.ts';
import type { AlarmConditionRepository } from './alarm-condition.repository.ts';
import { raisedAlarm, clearedAlarm } from './alarm-document.ts';
import type { AlarmNotifier } from './alarm-notifications.ts';
import type { AlarmRecorder, CorrelationStep, RecordedChange } from './alarm-recorder.ts';
import type { AlarmRepository } from './alarm.repository.ts';
import { correlateAlert } from './alert-correlation.ts';
import { correlateCapacity } from './capacity-correlation.ts';
import { alertObservation, eventObservations, scoreObservations } from './correlation-inputs.ts';
import { correlateOomKills, correlateS1apBrokenPipe, expireCondition } from './event-correlation.ts';
import type { FmMetrics } from './fm.metrics.ts';
import { raiseThreshold, type FmSettings } from './fm-settings.ts';
import { correlateScore } from './score-correlation.ts';

export interface FaultCorrelationDeps {
  readonly db: Database;
  readonly recorder: AlarmRecorder;
  readonly alarms: AlarmRepository;
  readonly conditions: AlarmConditionRepository;
  readonly notifier: AlarmNotifier;
  readonly resolver: EntityResolver;
  readonly settings: FmSettings;
  readonly publicUrl: string;
  readonly metrics: FmMetrics;
  readonly log: Logger;
  /** Epoch milliseconds now. */
  readonly clock: () => number;
}

/** Conditions the sweep takes per transaction. */
const SWEEP_BATCH = 200;
/** Batches per sweep at most; the next sweep goes on. */
const SWEEP_MAX_BATCHES = 50;

/**
 * The use cases behind the bus consumers: each input (a scoring round, a batch of
 * monitoring events, an Alertmanager alert) becomes correlation steps applied in the
 * consumer's transaction; the sweep lets time clear quiet conditions; a rebuild makes
 * the alarm list agree with the correlation state again.
 */
export function createFaultCorrelation(deps: FaultCorrelationDeps) {
  const { settings } = deps;
  const threshold = raiseThreshold(settings.severityBands);
  const nowIso = () => new Date(deps.clock()).toISOString();

  const recorded = (changes: RecordedChange[]) => {
    for (const c of changes) {
      deps.metrics.alarmChanges.inc({ cause: causeKind(c.key.cause), change: c.change });
      deps.log.info({ alarmId: c.alarmId, vnfInstanceId: c.key.managedObjectId, cause: c.key.cause, perceivedSeverity: c.perceivedSeverity }, `alarm ${c.change}`);
    }
  };
  /** Runs the steps in `tx`; logs and counts once the transaction has committed. */
  const run = async (tx: Transaction, steps: CorrelationStep[]) => {
    if (steps.length === 0) return [];
    const changes = await deps.recorder.apply(tx, steps);
    if (changes.length > 0) tx.afterCommit(() => recorded(changes));
    return changes;
  };

  return {
    /** A `prediction.failure_scores` event: one step per VNF instance scored. */
    onFailureScores(tx: Transaction, payload: unknown) {
      return run(
        tx,
        scoreObservations(payload, threshold).map((obs) => ({
          key: { managedObjectId: obs.managedObjectId, cause: PREDICTED_FAILURE.cause },
          decide: (s) => correlateScore(s, obs, settings),
        })),
      );
    },

    /** A `monitoring.events` batch: S1AP broken pipes and OOM kills per VNF instance. */
    onMonitoringEvents(tx: Transaction, payload: unknown) {
      return run(
        tx,
        eventObservations(payload, deps.resolver).map(({ cause, obs }) => ({
          key: { managedObjectId: obs.managedObjectId, cause },
          decide: (s) => (cause === S1AP_BROKEN_PIPE.cause ? correlateS1apBrokenPipe(s, obs) : correlateOomKills(s, obs, settings)),
        })),
      );
    },

    /** A `monitoring.alerts` state change; only Tacker-style vnffm alerts make alarms. */
    onAlert(tx: Transaction, payload: unknown) {
      const input = alertObservation(payload, deps.resolver, nowIso());
      if (!input) return Promise.resolve([]);
      return run(tx, [{ key: { managedObjectId: input.obs.managedObjectId, cause: input.cause }, decide: (s) => correlateAlert(s, input.obs) }]);
    },

    /** A `decision.capacity` event: the no-migration-headroom alarm of each VNF instance in it. */
    onMigrationCapacity(tx: Transaction, payload: unknown) {
      const byVnf = new Map<string, MigrationCapacityEntry[]>();
      for (const e of migrationCapacityEntries(payload)) byVnf.set(e.vnfInstanceId, [...(byVnf.get(e.vnfInstanceId) ?? []), e]);
      return run(
        tx,
        [...byVnf].map(([vnf, entries]) => ({ key: { managedObjectId: vnf, cause: NO_MIGRATION_HEADROOM.cause }, decide: (s) => correlateCapacity(s, entries) })),
      );
    },

    /** Lets time act: event conditions past their quiet period clear, stale memories go; returns how many it looked at. */
    async sweep(): Promise<number> {
      let total = 0;
      for (let batch = 0; batch < SWEEP_MAX_BATCHES; batch++) {
        const nowSeconds = deps.clock() / 1000;
        const n = await deps.db.transaction(async (tx) => {
          const due = await deps.conditions.due(tx, nowSeconds, SWEEP_BATCH);
          await run(tx, due.map(({ key }) => ({ key, decide: (s) => (s ? expireCondition(s, nowSeconds, settings) : { state: undefined, change: { kind: 'none' } }) })));
          return due.length;
        });
        total += n;
        if (n < SWEEP_BATCH) break;
      }
      return total;
    },

    /**
     * SOL003 7.5.2.7: makes the alarm list agree with the correlation state (alarms whose
     * condition is gone are cleared, active conditions without an alarm get one) and, when
     * anything had to change or `force`, sends AlarmListRebuiltNotification.
     */
    async rebuildAlarmList(force = false): Promise<{ cleared: number; raised: number; notified: boolean }> {
      const result = await deps.db.transaction(async (tx) => {
        const now = nowIso();
        const orphans = await deps.alarms.activeWithoutCondition(tx);
        for (const { alarm } of orphans) await deps.alarms.replace(tx, clearedAlarm(alarm, now, now));
        const missing = await deps.conditions.activeWithoutAlarm(tx);
        for (const { key, state } of missing) {
          if (state.facts) await deps.alarms.insert(tx, key, raisedAlarm(randomUUID(), key, state.facts, now, deps.publicUrl));
        }
        const notified = force || orphans.length > 0 || missing.length > 0;
        if (notified) await deps.notifier.listRebuilt(tx, now);
        return { cleared: orphans.length, raised: missing.length, notified };
      });
      if (result.notified) deps.log.warn(result, 'alarm list rebuilt');
      return result;
    },

    /** Deletes alarms cleared longer ago than the retention. */
    purgeCleared(): Promise<number> {
      return settings.clearedRetentionDays > 0 ? deps.alarms.purgeCleared(settings.clearedRetentionDays) : Promise.resolve(0);
    },
  };
}

export type FaultCorrelation = ReturnType<typeof createFaultCorrelation>;
