import { createHash } from 'node:crypto';
import type { AckState, Alarm, AlarmFacts, ConditionKey } from './alarm.types.ts';

/** Where an alarm and its managed object are found (Tacker fm_alarm_utils.make_alarm_links). */
export function alarmLinks(publicUrl: string, alarmId: string, managedObjectId: string): Alarm['_links'] {
  return {
    self: { href: `${publicUrl}/vnffm/v1/alarms/${alarmId}` },
    objectInstance: { href: `${publicUrl}/vnflcm/v2/vnf_instances/${managedObjectId}` },
  };
}

/** The attributes an alarm takes from its facts (SOL003 7.5.2.4). */
function factAttributes(facts: AlarmFacts): Pick<Alarm, 'vnfcInstanceIds' | 'rootCauseFaultyResource' | 'perceivedSeverity' | 'eventTime' | 'eventType' | 'faultType' | 'probableCause' | 'isRootCause' | 'faultDetails'> {
  return {
    ...(facts.vnfcInstanceIds.length > 0 && { vnfcInstanceIds: [...facts.vnfcInstanceIds] }),
    ...(facts.faultyResource && {
      rootCauseFaultyResource: { faultyResource: { ...facts.faultyResource }, faultyResourceType: 'COMPUTE' as const },
    }),
    perceivedSeverity: facts.perceivedSeverity,
    eventTime: facts.eventTime,
    eventType: facts.eventType,
    faultType: facts.faultType,
    probableCause: facts.probableCause,
    isRootCause: facts.isRootCause,
    faultDetails: [...facts.faultDetails],
  };
}

/** A new, unacknowledged alarm raised at `now`. */
export function raisedAlarm(id: string, key: ConditionKey, facts: AlarmFacts, now: string, publicUrl: string): Alarm {
  return {
    id,
    managedObjectId: key.managedObjectId,
    ...factAttributes(facts),
    alarmRaisedTime: now,
    ackState: 'UNACKNOWLEDGED',
    _links: alarmLinks(publicUrl, id, key.managedObjectId),
  } as Alarm;
}

/** The alarm with new facts; the acknowledgement is the operator's and stays. */
export function updatedAlarm(alarm: Alarm, facts: AlarmFacts, now: string): Alarm {
  const { vnfcInstanceIds: _v, rootCauseFaultyResource: _r, ...rest } = alarm;
  return { ...rest, ...factAttributes(facts), alarmChangedTime: now };
}

/**
 * The alarm cleared at `clearedAt` (SOL003 7.5.2.4 alarmClearedTime). Its severity stays
 * what it was, as Tacker does, so a subscriber filtering on CRITICAL also hears that its
 * CRITICAL alarm cleared.
 */
export function clearedAlarm(alarm: Alarm, clearedAt: string, now: string): Alarm {
  return { ...alarm, alarmClearedTime: clearedAt, alarmChangedTime: now };
}

/** ackState set; alarmAcknowledgedTime set on ACKNOWLEDGED and removed on UNACKNOWLEDGED. */
export function acknowledgedAlarm(alarm: Alarm, ackState: AckState, now: string): Alarm {
  const { alarmAcknowledgedTime: _t, ...rest } = alarm;
  return ackState === 'ACKNOWLEDGED' ? { ...rest, ackState, alarmAcknowledgedTime: now } : { ...rest, ackState };
}

/** JSON with object keys sorted: jsonb does not keep key order, the tag must not depend on it. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A strong entity tag of the representation (SOL013 4.5): it changes whenever the alarm does. */
export function alarmETag(alarm: Alarm): string {
  return `"${createHash('sha256').update(canonicalJson(alarm)).digest('base64url').slice(0, 22)}"`;
}
