/**
 * The shapes of Tacker's v2 resources and notifications the plugin reads (SOL003 v3.3.1
 * data model, as tacker/sol_refactored serves it), and what the plugin keeps about a Tacker
 * it is registered with. Only the fields used are typed; others are kept as given.
 */
import type { SubscriptionAuthentication } from '../../platform/sol/subscriptions/subscription-authentication.ts';

export interface TackerVnfcResourceInfo {
  readonly id: string;
  readonly vduId: string;
  readonly computeResource: { readonly vimConnectionId?: string; readonly resourceId: string; readonly vimLevelResourceType?: string };
  readonly metadata?: Record<string, unknown>;
}

/** SOL003 5.5.2.2 VnfInstance. */
export interface TackerVnfInstance {
  readonly id: string;
  readonly vnfInstanceName?: string;
  readonly vnfdId: string;
  readonly instantiationState: 'NOT_INSTANTIATED' | 'INSTANTIATED';
  readonly vnfConfigurableProperties?: Record<string, unknown>;
  readonly instantiatedVnfInfo?: {
    readonly flavourId: string;
    readonly vnfcResourceInfo?: readonly TackerVnfcResourceInfo[];
  };
  readonly metadata?: Record<string, unknown>;
}

/** LccnSubscriptionRequest (SOL003 5.5.2.15) / FmSubscriptionRequest (7.5.2.2). */
export interface TackerSubscriptionRequest {
  readonly callbackUri: string;
  readonly filter?: Record<string, unknown>;
  readonly authentication?: SubscriptionAuthentication;
}

export interface TackerLcmSubscription {
  readonly id: string;
  readonly callbackUri: string;
  readonly filter?: Record<string, unknown>;
}

/** How the plugin reaches Tacker's APIs. Secrets are referenced, never stored. */
export type TackerAccess =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'password';
      readonly keystoneUrl: string;
      readonly username: string;
      readonly userDomain: string;
      readonly project: string;
      readonly projectDomain: string;
    }
  | { readonly kind: 'application_credential'; readonly keystoneUrl: string; readonly applicationCredentialId: string };

/** What Tacker must send to our callbacks: the SubscriptionAuthentication kind, the secret stays in config. */
export type CallbackAuthKind = 'none' | 'basic' | 'oauth2';

/** One row of tacker_registrations: what `register tacker` set up. */
export interface TackerRegistration {
  readonly id: string;
  readonly tackerUrl: string;
  readonly access: TackerAccess;
  /** Where the secret of `access` lives: the config key `serve` reads it from (e.g. `config:TACKER_KEYSTONE_SECRET`). */
  readonly credentialsRef: string | undefined;
  readonly callbackBase: string;
  readonly callbackAuth: CallbackAuthKind;
  /** The OAuth 2.0 client (OAUTH2_CLIENTS) Tacker gets tokens as, with callbackAuth oauth2. */
  readonly callbackClientId: string | undefined;
  readonly lcmSubscriptionId: string | undefined;
  readonly fmSubscriptionId: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly reconciledAt: string | undefined;
}

/** A VNFC of a Tacker-managed VNF instance, where it runs. */
export interface TackerVnfc {
  readonly vnfcInstanceId: string;
  readonly vduId: string;
  readonly serverId: string;
  readonly host?: string;
}

/** A VNF instance discovered on Tacker (tacker_vnf_instances). */
export interface DiscoveredInstance {
  readonly registrationId: string;
  readonly vnfInstanceId: string;
  readonly vnfInstanceName?: string;
  readonly vnfdId: string;
  readonly flavourId: string;
  readonly autoHealEnabled: boolean;
  readonly vnfcs: readonly TackerVnfc[];
}

export type TackerOperationState = 'STARTING' | 'PROCESSING' | 'COMPLETED' | 'FAILED_TEMP' | 'FAILED' | 'ROLLING_BACK' | 'ROLLED_BACK';

/** What Tacker's LCM notifications told about one op occ (tacker_lcm_op_occs). */
export interface TackerOperation {
  readonly vnfLcmOpOccId: string;
  readonly vnfInstanceId: string;
  readonly operation: string;
  readonly operationState: TackerOperationState;
  readonly isAutomaticInvocation: boolean;
  readonly startTime: string;
  readonly stateEnteredTime: string;
  /** A live migration the plugin asked Nova for (not a Tacker op occ): what `serve` resumes after a restart. */
  readonly migration?: { readonly serverId: string; readonly migrationId: string; readonly targetHost: string };
}
