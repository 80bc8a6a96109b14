/**
 * What Tacker POSTs to our callbacks, checked whole before anything changes (a bad body is a
 * 400 and changes nothing): VnfLcmOperationOccurrenceNotification and VnfIdentifierCreation/
 * DeletionNotification (SOL003 5.5.2.17-19) on the LCM callback, AlarmNotification and
 * AlarmClearedNotification (SOL003 7.5.2.5, 7.5.2.6) on the FM callback.
 */
import { BadRequest } from '../../platform/http/problem-details.ts';
import type { TackerOperationState } from './tacker.types.ts';

const OP_STATES: readonly TackerOperationState[] = ['STARTING', 'PROCESSING', 'COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLING_BACK', 'ROLLED_BACK'];

export type LcmNotification =
  | {
      readonly notificationType: 'VnfLcmOperationOccurrenceNotification';
      readonly id: string;
      readonly subscriptionId?: string;
      readonly timeStamp: string;
      readonly notificationStatus: 'START' | 'RESULT';
      readonly operationState: TackerOperationState;
      readonly vnfInstanceId: string;
      readonly operation: string;
      readonly isAutomaticInvocation: boolean;
      readonly vnfLcmOpOccId: string;
    }
  | {
      readonly notificationType: 'VnfIdentifierCreationNotification' | 'VnfIdentifierDeletionNotification';
      readonly id: string;
      readonly subscriptionId?: string;
      readonly timeStamp: string;
      readonly vnfInstanceId: string;
    };

export type FmNotification =
  | {
      readonly notificationType: 'AlarmNotification';
      readonly id: string;
      readonly subscriptionId?: string;
      readonly timeStamp: string;
      readonly alarm: { readonly id: string; readonly managedObjectId: string; readonly perceivedSeverity?: string; readonly [k: string]: unknown };
    }
  | {
      readonly notificationType: 'AlarmClearedNotification';
      readonly id: string;
      readonly subscriptionId?: string;
      readonly timeStamp: string;
      readonly alarmId: string;
      readonly alarmClearedTime: string;
    };

type Obj = Record<string, unknown>;

function object(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadRequest(`${what} must be a JSON object.`);
  return v as Obj;
}

function str(o: Obj, key: string, where = ''): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new BadRequest(`${where}${key} must be a non-empty string.`);
  return v;
}

function time(o: Obj, key: string): string {
  const v = str(o, key);
  if (!Number.isFinite(Date.parse(v))) throw new BadRequest(`${key} must be a date-time.`);
  return v;
}

function optionalStr(o: Obj, key: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key);
}

function common(o: Obj) {
  const subscriptionId = optionalStr(o, 'subscriptionId');
  return { id: str(o, 'id'), ...(subscriptionId && { subscriptionId }), timeStamp: time(o, 'timeStamp') };
}

export function parseLcmNotification(body: unknown): LcmNotification {
  const o = object(body, 'The notification');
  const type = o.notificationType;
  if (type === 'VnfLcmOperationOccurrenceNotification') {
    const status = o.notificationStatus;
    if (status !== 'START' && status !== 'RESULT') throw new BadRequest('notificationStatus must be START or RESULT.');
    if (!OP_STATES.includes(o.operationState as TackerOperationState)) throw new BadRequest(`operationState must be one of ${OP_STATES.join(', ')}.`);
    if (typeof o.isAutomaticInvocation !== 'boolean') throw new BadRequest('isAutomaticInvocation must be a boolean.');
    return {
      notificationType: type,
      ...common(o),
      notificationStatus: status,
      operationState: o.operationState as TackerOperationState,
      vnfInstanceId: str(o, 'vnfInstanceId'),
      operation: str(o, 'operation'),
      isAutomaticInvocation: o.isAutomaticInvocation,
      vnfLcmOpOccId: str(o, 'vnfLcmOpOccId'),
    };
  }
  if (type === 'VnfIdentifierCreationNotification' || type === 'VnfIdentifierDeletionNotification') {
    return { notificationType: type, ...common(o), vnfInstanceId: str(o, 'vnfInstanceId') };
  }
  throw new BadRequest(
    'notificationType must be VnfLcmOperationOccurrenceNotification, VnfIdentifierCreationNotification or VnfIdentifierDeletionNotification.',
  );
}

export function parseFmNotification(body: unknown): FmNotification {
  const o = object(body, 'The notification');
  const type = o.notificationType;
  if (type === 'AlarmNotification') {
    const alarm = object(o.alarm, 'alarm');
    return {
      notificationType: type,
      ...common(o),
      alarm: { ...alarm, id: str(alarm, 'id', 'alarm.'), managedObjectId: str(alarm, 'managedObjectId', 'alarm.') },
    };
  }
  if (type === 'AlarmClearedNotification') {
    return { notificationType: type, ...common(o), alarmId: str(o, 'alarmId'), alarmClearedTime: time(o, 'alarmClearedTime') };
  }
  throw new BadRequest('notificationType must be AlarmNotification or AlarmClearedNotification.');
}
