import type { Database } from '../../platform/db/database.ts';
import { BadRequest, Conflict, NotFound, ProblemError } from '../../platform/http/problem-details.ts';
import { acknowledgedAlarm, alarmETag } from './alarm-document.ts';
import type { AlarmRepository } from './alarm.repository.ts';
import type { AckState, Alarm } from './alarm.types.ts';

export class AlarmNotFound extends NotFound {
  constructor(id: string) {
    super(`Alarm ${id} not found.`);
  }
}

/** SOL003 7.4.3.3.4: the alarm is already in the state asked for (Tacker AckStateInvalid). */
export class AlarmAlreadyInAckState extends Conflict {
  constructor(ackState: AckState) {
    super(`The alarm is already ${ackState}.`);
  }
}

/** SOL013 4.5: the representation changed since the client read it (If-Match). */
export class AlarmChangedMeanwhile extends ProblemError {
  constructor() {
    super(412, 'Precondition Failed', 'The alarm has changed since it was read (If-Match does not match its ETag); read it again.');
  }
}

const ACK_STATES: readonly AckState[] = ['ACKNOWLEDGED', 'UNACKNOWLEDGED'];

/** SOL003 7.5.2.8 AlarmModifications from a merge patch: ackState only. */
export function parseAlarmModifications(body: unknown): { ackState: AckState } {
  const b = body as Record<string, unknown>;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new BadRequest('The request body must be an AlarmModifications object.');
  const other = Object.keys(b).filter((k) => k !== 'ackState');
  if (other.length > 0) throw new BadRequest(`Only ackState can be modified, not ${other.join(', ')}.`);
  if (!ACK_STATES.includes(b.ackState as AckState)) throw new BadRequest('ackState must be ACKNOWLEDGED or UNACKNOWLEDGED.');
  return { ackState: b.ackState as AckState };
}

/** RFC 9110 13.1.1: `*`, or one of the listed entity tags by strong comparison (weak tags never match). */
export function ifMatchHolds(header: string | undefined, etag: string): boolean {
  if (header === undefined) return true;
  const tags = header.split(',').map((t) => t.trim());
  return tags.includes('*') || tags.includes(etag);
}

/**
 * Sets the alarm's ackState (and alarmAcknowledgedTime) in one transaction with its row
 * locked. Unknown alarm: 404; If-Match not holding: 412; already in that state: 409.
 * No notification: acknowledging is the operator's act, not a change of the fault.
 */
export async function acknowledgeAlarm(
  db: Database,
  alarms: AlarmRepository,
  req: { id: string; ackState: AckState; ifMatch?: string; now: string },
): Promise<{ alarm: Alarm; etag: string }> {
  return db.transaction(async (tx) => {
    const current = await alarms.get(req.id, { tx, lock: true });
    if (!current) throw new AlarmNotFound(req.id);
    if (!ifMatchHolds(req.ifMatch, alarmETag(current))) throw new AlarmChangedMeanwhile();
    if (current.ackState === req.ackState) throw new AlarmAlreadyInAckState(req.ackState);
    const alarm = acknowledgedAlarm(current, req.ackState, req.now);
    await alarms.replace(tx, alarm);
    return { alarm, etag: alarmETag(alarm) };
  });
}
