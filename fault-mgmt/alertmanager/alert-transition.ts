import type { AlertStatus, NormalisedAlert } from './alertmanager-webhook.parser.ts';

/**
 * Deduplication of Alertmanager notifications. Alertmanager re-sends every firing alert
 * of a group at each repeat_interval and after restarts, and an alert is identified by
 * its fingerprint (label set hash) plus startsAt (a new firing of the same label set
 * starts later). So per (fingerprint, startsAt):
 * - first seen: stored as sent (a new firing, or a resolved we never saw firing);
 * - firing again: only `times_received` grows;
 * - resolved after firing: status and endsAt change;
 * - anything after resolved: a late or repeated notification; it never re-opens the alert.
 */

export type AlertOutcome = 'new' | 'duplicate' | 'resolved';

export interface AlertState {
  readonly status: AlertStatus;
  readonly endsAt: string | null;
}

export interface AlertTransition {
  readonly next: AlertState;
  readonly outcome: AlertOutcome;
  /** The stored state changes (and an event is published). */
  readonly changed: boolean;
}

export function alertKey(a: { fingerprint: string; startsAt: string }): string {
  return `${a.fingerprint}\u0000${a.startsAt}`;
}

export function transition(current: AlertState | undefined, incoming: NormalisedAlert): AlertTransition {
  if (!current) {
    return {
      next: { status: incoming.status, endsAt: incoming.endsAt },
      outcome: incoming.status === 'firing' ? 'new' : 'resolved',
      changed: true,
    };
  }
  if (current.status === 'firing' && incoming.status === 'resolved') {
    return { next: { status: 'resolved', endsAt: incoming.endsAt }, outcome: 'resolved', changed: true };
  }
  return { next: current, outcome: 'duplicate', changed: false };
}

/** What one request does to one stored alert row. */
export interface AlertRowPlan {
  readonly key: string;
  /** Receipts to add to `times_received` on top of what the row already counts. */
  readonly receipts: number;
  /** The state to write when `changed`. */
  readonly final: AlertState;
  /** The row's status or endsAt differ from the stored one. */
  readonly changed: boolean;
  /** The alerts that changed the state, in order: the events to publish. */
  readonly changes: readonly NormalisedAlert[];
}

/**
 * Folds the notifications of one (fingerprint, startsAt) in a body over the stored state.
 * `inserted`: the first occurrence has just been inserted (counted, stored as sent).
 */
export function planRow(
  occurrences: readonly NormalisedAlert[],
  stored: AlertState | undefined,
  inserted: boolean,
): { plan: AlertRowPlan; outcomes: AlertOutcome[] } {
  const outcomes: AlertOutcome[] = [];
  const changes: NormalisedAlert[] = [];
  let state = stored;
  let rest = occurrences;
  if (inserted) {
    const first = transition(undefined, occurrences[0]);
    outcomes.push(first.outcome);
    changes.push(occurrences[0]);
    state = first.next;
    rest = occurrences.slice(1);
  }
  const base = state;
  let changed = false;
  for (const alert of rest) {
    const t = transition(state, alert);
    outcomes.push(t.outcome);
    if (t.changed) {
      changes.push(alert);
      changed = true;
    }
    state = t.next;
  }
  return {
    plan: { key: alertKey(occurrences[0]), receipts: rest.length, final: state ?? base!, changed, changes },
    outcomes,
  };
}

/** Occurrences grouped by key, in first-seen order, with their indexes in the body. */
export function groupByKey(alerts: readonly NormalisedAlert[]): Map<string, { alerts: NormalisedAlert[]; indexes: number[] }> {
  const groups = new Map<string, { alerts: NormalisedAlert[]; indexes: number[] }>();
  alerts.forEach((a, i) => {
    const key = alertKey(a);
    const g = groups.get(key) ?? { alerts: [], indexes: [] };
    g.alerts.push(a);
    g.indexes.push(i);
    groups.set(key, g);
  });
  return groups;
}
