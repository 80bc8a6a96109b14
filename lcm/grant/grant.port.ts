import type { ResourceHandle } from '../instances/vnf-instance.types.ts';

/** SOL003 9.5.3.2 ResourceDefinition (a VNFC the operation adds, removes or changes). */
export interface ResourceDefinition {
  readonly id: string;
  readonly type: 'COMPUTE' | 'VL' | 'STORAGE' | 'LINKPORT';
  readonly vduId?: string;
  readonly vnfdId?: string;
  readonly resourceTemplateId?: string;
  readonly resource?: ResourceHandle;
}

/** SOL003 9.5.3.6 PlacementConstraint. */
export interface PlacementConstraint {
  readonly affinityOrAntiAffinity: 'AFFINITY' | 'ANTI_AFFINITY';
  readonly scope: 'NFVI_POP' | 'ZONE' | 'ZONE_GROUP' | 'NFVI_NODE';
  readonly resource: readonly { readonly idType: 'RES_MGMT' | 'GRANT'; readonly resourceId: string }[];
  readonly fallbackBestEffort?: boolean;
}

/** SOL003 9.5.2.2 GrantRequest (Grant API 1.4.0). */
export interface GrantRequest {
  readonly vnfInstanceId: string;
  readonly vnfLcmOpOccId: string;
  readonly vnfdId: string;
  readonly flavourId?: string;
  readonly operation: 'INSTANTIATE' | 'SCALE' | 'TERMINATE' | 'HEAL';
  readonly isAutomaticInvocation: boolean;
  readonly instantiationLevelId?: string;
  readonly addResources?: readonly ResourceDefinition[];
  readonly removeResources?: readonly ResourceDefinition[];
  readonly updateResources?: readonly ResourceDefinition[];
  readonly placementConstraints?: readonly PlacementConstraint[];
  readonly additionalParams?: Record<string, unknown>;
  readonly _links: { readonly vnfLcmOpOcc: { readonly href: string }; readonly vnfInstance: { readonly href: string } };
}

/** SOL003 9.5.2.3 Grant, as far as the plugin reads it (the rest is kept in the op's progress). */
export interface Grant {
  readonly id: string;
  readonly vnfInstanceId: string;
  readonly vnfLcmOpOccId: string;
  readonly zones?: readonly { readonly id: string; readonly zoneId: string }[];
  readonly addResources?: readonly { readonly resourceDefinitionId: string; readonly zoneId?: string }[];
  readonly removeResources?: readonly { readonly resourceDefinitionId: string }[];
  readonly updateResources?: readonly { readonly resourceDefinitionId: string }[];
  readonly additionalParams?: Record<string, unknown>;
  readonly _links?: Record<string, unknown>;
  readonly [attribute: string]: unknown;
}

/** The NFVO refused (or could not be asked for) a grant: the operation ends ROLLED_BACK (Tacker). */
export class GrantRefused extends Error {
  override readonly name = 'GrantRefused';
  constructor(
    message: string,
    readonly status = 403,
  ) {
    super(message);
  }
}

/** Asks for the permission to change resources before an operation changes them (SOL003 9). */
export interface GrantPort {
  /** `local`: granted by the plugin itself (no NFVO configured). */
  readonly local: boolean;
  request(request: GrantRequest): Promise<Grant>;
}
