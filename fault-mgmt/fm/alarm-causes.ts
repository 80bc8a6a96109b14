import type { EventType, PerceivedSeverity } from './alarm.types.ts';

/** The fixed attributes of the alarms one cause raises. */
export interface CauseProfile {
  readonly cause: string;
  readonly eventType: EventType;
  readonly probableCause: string;
  readonly faultType: string;
  readonly isRootCause: boolean;
  /** For causes whose severity does not come from the input. */
  readonly severity?: PerceivedSeverity;
}

/**
 * A host failure the model predicts for the host a VNF runs on. The EventType values are
 * fixed by SOL003 7.5.4.5; the failing host is equipment, so EQUIPMENT_ALARM, and the
 * probable cause says that the failure is predicted, not observed.
 */
export const PREDICTED_FAILURE: CauseProfile = {
  cause: 'predicted-failure',
  eventType: 'EQUIPMENT_ALARM',
  probableCause: 'PREDICTED_FAILURE',
  faultType: 'Predicted host failure',
  isRootCause: false,
};

/** srsEPC / Open5GS lost the S1AP association with the eNodeB: a failure under way. */
export const S1AP_BROKEN_PIPE: CauseProfile = {
  cause: 's1ap-broken-pipe',
  eventType: 'COMMUNICATIONS_ALARM',
  probableCause: 'S1AP_BROKEN_PIPE',
  faultType: 'S1AP link broken',
  isRootCause: false,
  severity: 'MAJOR',
};

/** The kernel kills processes of the VNF's VMs for lack of memory, again and again. */
export const OOM_KILL_STORM: CauseProfile = {
  cause: 'oom-kill-storm',
  eventType: 'PROCESSING_ERROR_ALARM',
  probableCause: 'OOM_KILL_STORM',
  faultType: 'Processes killed for lack of memory',
  isRootCause: true,
  severity: 'MAJOR',
};

/**
 * The decision engine wanted to live-migrate VNFCs of the VNF off a host predicted to fail,
 * and no other host has room for them (decision.capacity): the failure can no longer be
 * dodged by migration, the VNF needs more capacity (a scale-out, the NFVO's decision). The
 * plugin could not do what it is for: PROCESSING_ERROR_ALARM.
 */
export const NO_MIGRATION_HEADROOM: CauseProfile = {
  cause: 'no-migration-headroom',
  eventType: 'PROCESSING_ERROR_ALARM',
  probableCause: 'No host headroom for proactive migration: scale out',
  faultType: 'Migration capacity exhausted',
  isRootCause: false,
  severity: 'MAJOR',
};

/** Alertmanager alerts are correlated per VNF instance and probable cause. */
export function alertCause(probableCause: string): string {
  return `alert:${probableCause}`;
}

/** A bounded label for metrics and logs: the cause, with every alert cause as `alert`. */
export function causeKind(cause: string): string {
  return cause.startsWith('alert:') ? 'alert' : cause;
}
