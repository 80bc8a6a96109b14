import { BadRequest, Conflict, NotFound, ProblemError, UnprocessableEntity } from '../platform/http/problem-details.ts';

// Named after Tacker's sol_refactored/common/exceptions.py, with the same details.

export class VnfInstanceNotFound extends NotFound {
  constructor(id: string) {
    super(`VnfInstance ${id} not found.`);
  }
}
export class VnfInstanceIsInstantiated extends Conflict {
  constructor(id: string) {
    super(`VnfInstance ${id} is instantiated.`);
  }
}
export class VnfInstanceIsNotInstantiated extends Conflict {
  constructor(id: string) {
    super(`VnfInstance ${id} isn't instantiated.`);
  }
}
/** Another operation holds the instance; `failedTemp` when it waits in FAILED_TEMP for an operator. */
export class OtherOperationInProgress extends Conflict {
  constructor(
    id: string,
    readonly vnfLcmOpOccId?: string,
    readonly failedTemp = false,
  ) {
    super(
      failedTemp
        ? `Other LCM operation of vnfInstance ${id} is in progress: ${vnfLcmOpOccId} is FAILED_TEMP; retry, roll back or fail it first.`
        : `Other LCM operation of vnfInstance ${id} is in progress.`,
    );
  }
}
export class VnfLcmOpOccNotFound extends NotFound {
  constructor(id: string) {
    super(`VnfLcmOpOcc ${id} not found.`);
  }
}
export class LcmOpOccNotFailedTemp extends Conflict {
  constructor(id: string) {
    super(`LCM operation ${id} is not FAILED_TEMP.`);
  }
}
export class RollbackNotSupported extends UnprocessableEntity {
  constructor(operation: string, why: string) {
    super(`Rollback of ${operation} is not supported: ${why}.`);
  }
}
/** SOL003 5.4.2.3.1: the VNFD is not known (Tacker: VnfdIdNotEnabled, 422). */
export class VnfdIdNotEnabled extends UnprocessableEntity {
  constructor(vnfdId: string) {
    super(`VnfdId(${vnfdId}) not ENABLED.`);
  }
}
/** A request that is well-formed but wrong for this instance or VNFD (Tacker: SolValidationError, 400). */
export class SolValidationError extends BadRequest {}

/** An operation failed at the VIM or NFVO; becomes the op occ's `error`. */
export class OperationStepFailed extends ProblemError {
  constructor(detail: string, status = 500) {
    super(status, status === 504 ? 'Gateway Timeout' : 'Internal Server Error', detail);
  }
}
