import type { LcmOperationState } from '../engine/lcm.port.ts';
import type { components } from '../../api/generated/vnflcm.ts';

/** SOL003 5.5.4.5 LcmOperationType, the ones the plugin runs. */
export type LcmOperation = 'INSTANTIATE' | 'SCALE' | 'TERMINATE' | 'HEAL' | 'MODIFY_INFO';

export type { LcmOperationState };

type Schemas = components['schemas'];

/** SOL003 5.5.3.2 */
export type AffectedVnfc = Schemas['AffectedVnfc'];
/** SOL013 6.3 ProblemDetails, as an op occ's `error`. */
export type OpOccError = NonNullable<Schemas['VnfLcmOpOcc']['error']>;
/** SOL003 5.5.2.13 VnfLcmOpOcc as stored and returned (the contract's type), of an operation the plugin runs. */
export type VnfLcmOpOcc = Omit<Schemas['VnfLcmOpOcc'], 'operation' | 'operationState'> & {
  operation: LcmOperation;
  operationState: LcmOperationState;
};

/** States in which an operation still holds its instance (Tacker check_lcmocc_in_progress). */
export const UNFINISHED_STATES: readonly LcmOperationState[] = ['STARTING', 'PROCESSING', 'FAILED_TEMP', 'ROLLING_BACK'];
/** States the engine drives by itself (and resumes after a restart). */
export const RUNNING_STATES: readonly LcmOperationState[] = ['STARTING', 'PROCESSING', 'ROLLING_BACK'];

/** SOL003 5.4.12.3.2: attributes a list leaves out unless asked for (as Tacker). */
export const VNF_LCM_OP_OCC_DEFAULT_EXCLUDED = [
  'operationParams',
  'error',
  'resourceChanges',
  'changedInfo',
  'changedExtConnectivity',
] as const;

/**
 * The engine's private record of an operation (never returned): the grant, what each step
 * created or started in the VIM, and which steps are done. Persisted after every step so
 * that after a crash the engine knows what the VIM may already have done.
 */
export interface OpProgress {
  /** Steps completed, in order. */
  done: string[];
  /** Steps whose compensation ran (during rollback). */
  compensated: string[];
  /** The step being run when this was written. */
  current?: string;
  grant?: { id: string; local: boolean; body: Record<string, unknown> };
  /** Step-owned data, by step name. */
  data: Record<string, unknown>;
}

export function emptyProgress(): OpProgress {
  return { done: [], compensated: [], data: {} };
}
