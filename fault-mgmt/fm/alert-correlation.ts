import { NO_CHANGE, moreSevere, notablyDifferent, type AlarmFacts, type ConditionState, type Correlation, type FiringAlert } from './alarm.types.ts';

/** One Alertmanager state change of a Tacker-style `function_type: vnffm` alert. */
export interface AlertObservation {
  readonly managedObjectId: string;
  readonly probableCause: string;
  /** fingerprint + startsAt: one firing of one label set. */
  readonly alertKey: string;
  readonly status: 'firing' | 'resolved';
  /** For `resolved`: when it ended (RFC 3339). */
  readonly endsAt?: string;
  readonly alert: FiringAlert;
}

/** Resolved alert keys remembered per condition, and for how long after the last one. */
const RESOLVED_KEPT = 100;
export const RESOLVED_MEMORY_SECONDS = 3600;

function aggregate(probableCause: string, firing: readonly FiringAlert[]): AlarmFacts {
  const severity = firing.map((a) => a.severity).reduce(moreSevere);
  const lead = firing.find((a) => a.severity === severity)!;
  const latest = firing.map((a) => a.startsAt).sort().at(-1)!;
  const vnfcs = [...new Set(firing.flatMap((a) => (a.vnfcInstanceId ? [a.vnfcInstanceId] : [])))];
  const faultyResource = lead.faultyResource ?? firing.find((a) => a.faultyResource)?.faultyResource;
  return {
    perceivedSeverity: severity,
    eventType: lead.eventType,
    probableCause,
    faultType: lead.faultType,
    isRootCause: false,
    eventTime: latest,
    vnfcInstanceIds: vnfcs,
    ...(faultyResource && { faultyResource }),
    faultDetails: firing.flatMap((a) => a.details),
  };
}

/**
 * Alertmanager correlation (Tacker's prometheus plugin, correlated): the alerts of one VNF
 * instance with the same probable cause make one alarm. It is raised by the first firing
 * alert, updated when the most severe severity or the VNFCs change, and cleared (at the
 * `endsAt` Alertmanager reports) when the last firing one is resolved. Resolved alerts
 * are remembered for a while, so that a `firing` handled after its own `resolved` (the
 * consumer may see them out of order) does not raise the alarm again.
 */
export function correlateAlert(state: ConditionState | undefined, obs: AlertObservation): Correlation {
  const resolved = state?.resolved ?? [];
  if (resolved.includes(obs.alertKey)) return { state, change: NO_CHANGE };
  const firing: Record<string, FiringAlert> = { ...state?.alerts };
  let kept = resolved;
  if (obs.status === 'firing') firing[obs.alertKey] = obs.alert;
  else {
    delete firing[obs.alertKey];
    kept = [...resolved, obs.alertKey].slice(-RESOLVED_KEPT);
  }
  const alerts = Object.keys(firing).sort().map((k) => firing[k]);
  if (alerts.length === 0) {
    const endsAt = obs.endsAt ?? obs.alert.startsAt;
    const tombstone: ConditionState = { active: false, alerts: {}, resolved: kept, forgetAt: Date.parse(endsAt) / 1000 + RESOLVED_MEMORY_SECONDS };
    return { state: tombstone, change: state?.active ? { kind: 'clear', clearedAt: endsAt } : NO_CHANGE };
  }
  const facts = aggregate(obs.probableCause, alerts);
  const next: ConditionState = { active: true, facts, alerts: firing, ...(kept.length > 0 && { resolved: kept }) };
  if (!state?.active || !state.facts) return { state: next, change: { kind: 'raise', facts } };
  if (notablyDifferent(state.facts, facts)) return { state: next, change: { kind: 'update', facts } };
  return { state: next, change: NO_CHANGE };
}
