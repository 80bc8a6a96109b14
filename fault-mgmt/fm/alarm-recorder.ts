import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { AlarmConditionRepository } from './alarm-condition.repository.ts';
import { conditionId } from './alarm-condition.repository.ts';
import { clearedAlarm, raisedAlarm, updatedAlarm } from './alarm-document.ts';
import type { AlarmNotifier } from './alarm-notifications.ts';
import type { AlarmRepository } from './alarm.repository.ts';
import type { ConditionKey, ConditionState, Correlation } from './alarm.types.ts';

/** One correlation input for one condition: the pure step to run on its stored state. */
export interface CorrelationStep {
  readonly key: ConditionKey;
  readonly decide: (state: ConditionState | undefined) => Correlation;
}

/** What happened to an alarm, for logs and metrics once committed. */
export interface RecordedChange {
  readonly key: ConditionKey;
  readonly change: 'raise' | 'update' | 'clear';
  readonly alarmId: string;
  readonly perceivedSeverity: string;
}

export interface AlarmRecorderDeps {
  readonly alarms: AlarmRepository;
  readonly conditions: AlarmConditionRepository;
  readonly notifier: AlarmNotifier;
  readonly publicUrl: string;
  /** When time alone may change a state (epoch s), for the sweep. */
  readonly reviewAt: (state: ConditionState | undefined) => number | undefined;
  /** RFC 3339 now. */
  readonly now: () => string;
}

/**
 * Runs correlation steps in the caller's transaction: locks the conditions, applies the
 * pure step to each stored state, stores the next state, writes the alarm and enqueues
 * its notification, so the alarm, its state and its notifications commit together (and a
 * redelivered input, rolled back or deduplicated, changes nothing twice).
 */
export function createAlarmRecorder(deps: AlarmRecorderDeps) {
  return {
    async apply(tx: Transaction, steps: readonly CorrelationStep[]): Promise<RecordedChange[]> {
      const keys = [...new Map(steps.map((s) => [conditionId(s.key), s.key])).values()];
      const states = await deps.conditions.lock(tx, keys);
      const out: RecordedChange[] = [];
      for (const step of steps) {
        const id = conditionId(step.key);
        const { state, change } = step.decide(states.get(id));
        if (state) states.set(id, state);
        else states.delete(id);
        await deps.conditions.save(tx, step.key, state, deps.reviewAt(state));
        if (change.kind === 'none') continue;
        const now = deps.now();
        const active = await deps.alarms.findActive(tx, step.key);
        if (change.kind === 'clear') {
          if (!active) continue;
          const alarm = clearedAlarm(active, change.clearedAt, now);
          await deps.alarms.replace(tx, alarm);
          await deps.notifier.cleared(tx, alarm, now);
          out.push({ key: step.key, change: 'clear', alarmId: alarm.id, perceivedSeverity: alarm.perceivedSeverity });
          continue;
        }
        // An update without an alarm (it was lost) raises it again.
        if (active) {
          const alarm = updatedAlarm(active, change.facts, now);
          await deps.alarms.replace(tx, alarm);
          await deps.notifier.changed(tx, alarm, now);
          out.push({ key: step.key, change: 'update', alarmId: alarm.id, perceivedSeverity: alarm.perceivedSeverity });
        } else {
          const alarm = raisedAlarm(randomUUID(), step.key, change.facts, now, deps.publicUrl);
          await deps.alarms.insert(tx, step.key, alarm);
          await deps.notifier.changed(tx, alarm, now);
          out.push({ key: step.key, change: 'raise', alarmId: alarm.id, perceivedSeverity: alarm.perceivedSeverity });
        }
      }
      return out;
    },
  };
}

export type AlarmRecorder = ReturnType<typeof createAlarmRecorder>;
