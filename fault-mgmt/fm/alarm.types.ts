import type { components } from '../../api/generated/vnffm.ts';

/** SOL003 7.5.2.4 Alarm, as the API returns it (the type comes from api/openapi/vnffm.yaml). */
export type Alarm = components['schemas']['Alarm'];
export type PerceivedSeverity = components['schemas']['PerceivedSeverityType'];
export type EventType = components['schemas']['EventType'];
export type FaultyResourceType = components['schemas']['FaultyResourceType'];
export type AckState = components['schemas']['AckState'];
export type FmNotificationType = components['schemas']['FmNotificationType'];
export type FmSubscription = components['schemas']['FmSubscription'];
export type FmNotificationsFilter = components['schemas']['FmNotificationsFilter'];

export const EVENT_TYPES: readonly EventType[] = [
  'COMMUNICATIONS_ALARM', 'PROCESSING_ERROR_ALARM', 'ENVIRONMENTAL_ALARM', 'QOS_ALARM', 'EQUIPMENT_ALARM',
];

/** Most urgent first (ITU-T X.733); CLEARED is not a severity an active alarm has. */
export const SEVERITY_ORDER: readonly PerceivedSeverity[] = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE'];

export function moreSevere(a: PerceivedSeverity, b: PerceivedSeverity): PerceivedSeverity {
  return SEVERITY_ORDER.indexOf(a) <= SEVERITY_ORDER.indexOf(b) ? a : b;
}

/**
 * What an alarm is about: one VNF instance (the managed object) and one cause. While a
 * condition is active there is exactly one uncleared alarm per key.
 * Causes: `predicted-failure`, `s1ap-broken-pipe`, `oom-kill-storm`, `no-migration-headroom`, `alert:<probableCause>`.
 */
export interface ConditionKey {
  readonly managedObjectId: string;
  readonly cause: string;
}

/** The compute resource (Nova server) behind a fault, SOL003 7.5.3.2 FaultyResourceInfo. */
export interface FaultyCompute {
  readonly resourceId: string;
  readonly vimLevelResourceType?: string;
}

/** What an active alarm says about its condition now; everything else is bookkeeping. */
export interface AlarmFacts {
  readonly perceivedSeverity: PerceivedSeverity;
  readonly eventType: EventType;
  readonly probableCause: string;
  readonly faultType: string;
  readonly isRootCause: boolean;
  /** RFC 3339 time of the observation that raised or last changed the alarm. */
  readonly eventTime: string;
  readonly vnfcInstanceIds: readonly string[];
  readonly faultyResource?: FaultyCompute;
  readonly faultDetails: readonly string[];
}

/** One alert of Alertmanager that keeps an `alert:` condition active. */
export interface FiringAlert {
  readonly severity: PerceivedSeverity;
  readonly eventType: EventType;
  readonly faultType: string;
  readonly startsAt: string;
  readonly vnfcInstanceId?: string;
  readonly faultyResource?: FaultyCompute;
  readonly details: readonly string[];
}

/** A VNFC that no host has room for, as its alarm describes it. */
export interface ShortVnfc {
  readonly host: string;
  readonly serverId?: string;
  readonly needed: { readonly vcpus: number; readonly ramMb: number; readonly diskGb: number };
  readonly aspectId?: string;
}

/**
 * The correlation state of one condition, stored between inputs (fm_alarm_conditions).
 * `facts` are those of the alarm while `active`.
 */
export interface ConditionState {
  readonly active: boolean;
  readonly facts?: AlarmFacts;
  /**
   * predicted-failure, by window start (RFC 3339): the newest window seen, the newest one in
   * a band, the windows under every band since then, and when the alarm was last cleared
   * (older windows arriving late are ignored: consumers may see windows out of order).
   */
  readonly score?: {
    readonly lastTs: string;
    readonly lastAboveTs?: string;
    readonly below: readonly string[];
    readonly clearedAt?: string;
  };
  /** Event conditions: recent occurrences [epoch s, count] (storm window) and the newest time. */
  readonly events?: { readonly recent: readonly (readonly [number, number])[]; readonly lastAt: number };
  /** alert: conditions: the alerts firing now, by fingerprint and startsAt. */
  readonly alerts?: Readonly<Record<string, FiringAlert>>;
  /** alert: conditions: alerts resolved lately (a late `firing` of one of them is stale). */
  readonly resolved?: readonly string[];
  /**
   * no-migration-headroom: the VNFCs short of headroom now (by VNFC id, '' for the VNF scored
   * as a whole) with the host they must leave and what they need, and the newest window seen
   * per VNFC (a late, older entry changes nothing).
   */
  readonly capacity?: {
    readonly short: Readonly<Record<string, ShortVnfc>>;
    readonly seen: Readonly<Record<string, string>>;
  };
  /** An inactive state kept only to recognise late inputs is forgotten then (epoch s). */
  readonly forgetAt?: number;
}

/** What a correlation step does to the alarm of its condition. */
export type AlarmChange =
  | { readonly kind: 'none' }
  | { readonly kind: 'raise'; readonly facts: AlarmFacts }
  | { readonly kind: 'update'; readonly facts: AlarmFacts }
  | { readonly kind: 'clear'; readonly clearedAt: string };

/** A correlation step: the next state (undefined: nothing worth keeping) and the change. */
export interface Correlation {
  readonly state: ConditionState | undefined;
  readonly change: AlarmChange;
}

export const NO_CHANGE: AlarmChange = { kind: 'none' };

/**
 * Whether a subscriber would want to hear about the difference (SOL003 7.5.2.5: an alarm
 * is updated e.g. when its severity changes). Newer scores or event times alone are not.
 */
export function notablyDifferent(a: AlarmFacts, b: AlarmFacts): boolean {
  const set = (ids: readonly string[]) => [...ids].sort().join('\u0000');
  return (
    a.perceivedSeverity !== b.perceivedSeverity ||
    a.eventType !== b.eventType ||
    a.faultType !== b.faultType ||
    set(a.vnfcInstanceIds) !== set(b.vnfcInstanceIds) ||
    a.faultyResource?.resourceId !== b.faultyResource?.resourceId
  );
}
