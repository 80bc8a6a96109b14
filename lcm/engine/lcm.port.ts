/**
 * What the rest of the plugin (the decision engine in lcm/decision/) asks of VNF lifecycle
 * management. API-triggered and prediction-triggered operations go through the same
 * pipeline: a proactive migration is a HEAL operation occurrence with
 * `isAutomaticInvocation: true`, visible in GET /vnflcm/v2/vnf_lcm_op_occs and notified to
 * LCM subscribers like any other (Tacker `vnflcm_auto`).
 */

/** `additionalParams.healType` of a HealVnfRequest: what healing a VNFC means. */
export type HealType = 'live-migrate' | 'rebuild' | 'reboot' | 'recreate';
export const HEAL_TYPES: readonly HealType[] = ['live-migrate', 'rebuild', 'reboot', 'recreate'];

/** The prediction behind a proactive migration, recorded in the operation's parameters. */
export interface HealPrediction {
  /** Failure score of the window that triggered the decision (0..1). */
  readonly score: number;
  readonly modelVersion: string;
  /** How far ahead the model predicts, seconds. */
  readonly horizonSeconds: number;
  /** The host predicted to fail. */
  readonly host?: string;
  /** When the score was computed (ISO 8601). */
  readonly scoredAt?: string;
  readonly [extra: string]: unknown;
}

/** The destination the decision engine chose, recorded with the ranking that led to it. */
export interface HealDestination {
  readonly host: string;
  /** `forecast | least-loaded | random | fixed` (the VNFD policy's destination strategy). */
  readonly strategy?: string;
  readonly [extra: string]: unknown;
}

/** `additionalParams` of a HealVnfRequest as the plugin reads it; other keys are kept as given. */
export interface HealAdditionalParams {
  /** Default: `recreate` (what Tacker's heal does). */
  readonly healType?: HealType;
  /** live-migrate only: the compute host to migrate to; absent: the DestinationChooser picks one. */
  readonly targetHost?: string;
  /** reboot only: SOFT (default) or HARD. */
  readonly rebootType?: 'SOFT' | 'HARD';
  readonly prediction?: HealPrediction;
  readonly destination?: HealDestination;
  readonly [extra: string]: unknown;
}

/** SOL003 5.5.2.9 HealVnfRequest, with SOL002's `vnfcInstanceId` (as Tacker v2 accepts it). */
export interface HealVnfRequest {
  readonly cause?: string;
  /** VNFC ids (vnfcInfo / vnfcResourceInfo `id`); absent: every VNFC of the instance. */
  readonly vnfcInstanceId?: readonly string[];
  readonly additionalParams?: HealAdditionalParams;
}

export type AutomaticHealRequest = HealVnfRequest & { readonly isAutomaticInvocation: true };

/** Why an operation was not started (each is also an HTTP ProblemDetails for the API). */
export type LcmRefusal =
  | { readonly kind: 'VnfInstanceNotFound'; readonly detail: string }
  | { readonly kind: 'VnfInstanceNotInstantiated'; readonly detail: string }
  /** Another operation of the instance is STARTING, PROCESSING or ROLLING_BACK. */
  | { readonly kind: 'OperationInProgress'; readonly vnfLcmOpOccId?: string; readonly detail: string }
  /** An operation of the instance is FAILED_TEMP: an operator must retry, roll back or fail it first. */
  | { readonly kind: 'OperationFailedTemp'; readonly vnfLcmOpOccId?: string; readonly detail: string }
  | { readonly kind: 'InvalidRequest'; readonly detail: string };

export type HealOutcome =
  | { readonly accepted: true; readonly vnfLcmOpOccId: string }
  | { readonly accepted: false; readonly refusal: LcmRefusal };

/** Where a VNFC runs now (from the VNF instance's vnfcResourceInfo). */
export interface VnfcPlacement {
  readonly vnfInstanceId: string;
  readonly vnfInstanceName?: string;
  readonly vnfdId: string;
  readonly flavourId: string;
  readonly vnfcInstanceId: string;
  readonly vduId: string;
  /** VIM resource id (Nova server id). */
  readonly serverId: string;
  /** Compute host, when known. */
  readonly host?: string;
  /** Configurable property `isAutohealEnabled` of the instance (false when unset). */
  readonly autoHealEnabled: boolean;
}

export type LcmOperationState = 'STARTING' | 'PROCESSING' | 'COMPLETED' | 'FAILED_TEMP' | 'FAILED' | 'ROLLING_BACK' | 'ROLLED_BACK';

export interface LcmOperationStatus {
  readonly vnfLcmOpOccId: string;
  readonly vnfInstanceId: string;
  readonly operation: string;
  readonly operationState: LcmOperationState;
  readonly isAutomaticInvocation: boolean;
  readonly startTime: string;
  readonly stateEnteredTime: string;
  readonly error?: { readonly status: number; readonly detail: string };
}

export interface LcmPort {
  /** Starts a HEAL operation occurrence; its id, or why it was refused. Never throws for a refusal. */
  requestHeal(vnfInstanceId: string, request: AutomaticHealRequest): Promise<HealOutcome>;
  /** Every VNFC of every instantiated VNF instance, with its host. */
  listVnfcPlacements(): Promise<VnfcPlacement[]>;
  /** The state of an operation occurrence, or undefined when there is none with this id. */
  getOperation(vnfLcmOpOccId: string): Promise<LcmOperationStatus | undefined>;
  /** The unfinished (STARTING, PROCESSING, FAILED_TEMP, ROLLING_BACK) operation of an instance, if any. */
  unfinishedOperation(vnfInstanceId: string): Promise<LcmOperationStatus | undefined>;
}

/**
 * Bus events published (transactional outbox) on every operation state change, for
 * consumers inside the plugin: topic `lcm.opocc.<state>` (e.g. `lcm.opocc.completed`),
 * payload an LcmOperationStatus. Subscribe with `lcm.opocc.#`.
 */
export const LCM_OPOCC_TOPIC_PREFIX = 'lcm.opocc';
