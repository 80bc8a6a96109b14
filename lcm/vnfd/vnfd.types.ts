/**
 * The typed model of a SOL001 TOSCA VNFD, as lcm/ uses it: one VNF package (Tacker-style
 * folder with Definitions/ and TOSCA-Metadata/TOSCA.meta), its deployment flavours, VDUs and
 * the policies the descriptor declares, including our proactive-migration policy
 * (`tosca.policies.nfv.ProactiveMigration`, defined in the package's own types file).
 */

export interface VnfdModel {
  /** `descriptor_id` of the VNF node (the vnfdId of SOL003). */
  readonly vnfdId: string;
  readonly provider: string;
  readonly productName: string;
  readonly softwareVersion: string;
  readonly descriptorVersion: string;
  readonly vnfmInfo: readonly string[];
  readonly flavours: readonly VnfFlavour[];
  /** Absolute path of the package folder it was read from. */
  readonly packageDir: string;
}

export interface VnfFlavour {
  readonly flavourId: string;
  readonly description: string;
  readonly vdus: readonly Vdu[];
  readonly migrationPolicies: readonly ProactiveMigrationPolicy[];
  readonly scalingAspects: readonly ScalingAspect[];
  /** `configurable_properties` of the VNF node (absent in the VNFD: false, as in Tacker). */
  readonly configurableProperties?: VnfConfigurableDefaults;
  /** AffinityRule / AntiAffinityRule policies, PlacementGroup targets expanded to VDU ids. */
  readonly placementRules?: readonly PlacementRule[];
  /** `tosca.policies.nfv.InstantiationLevels` with the VduInstantiationLevels of each level. */
  readonly instantiationLevels?: readonly InstantiationLevel[];
  readonly defaultInstantiationLevelId?: string;
  /** Names of the flavour's `tosca.nodes.nfv.VnfVirtualLink` nodes. */
  readonly virtualLinks?: readonly string[];
}

/** SOL001 tosca.datatypes.nfv.VnfConfigurableProperties, named as in SOL003 vnfConfigurableProperties. */
export interface VnfConfigurableDefaults {
  readonly isAutohealEnabled: boolean;
  readonly isAutoscaleEnabled: boolean;
}

export type PlacementScope = 'nfvi_node' | 'zone' | 'zone_group' | 'nfvi_pop';

export interface PlacementRule {
  /** The policy's name. */
  readonly name: string;
  readonly kind: 'affinity' | 'anti-affinity';
  readonly scope: PlacementScope;
  readonly targets: readonly string[];
}

export interface InstantiationLevel {
  readonly levelId: string;
  readonly description: string;
  /** VDU id -> instances at this level (VduInstantiationLevels); VDUs not listed keep their initial count. */
  readonly vduInstances: Readonly<Record<string, number>>;
  /** Aspect id -> scale level at this level (`scale_info`). */
  readonly scaleLevels: Readonly<Record<string, number>>;
}

export interface VduResources {
  readonly vcpus: number;
  readonly ramMb: number;
  readonly diskGb: number;
}

export interface Vdu {
  /** The VDU's node template name (vduId in SOL003 structures). */
  readonly vduId: string;
  readonly name: string;
  readonly description: string;
  /** Nova flavor name (`requested_additional_capability_name`), when the VNFD names one. */
  readonly flavorName?: string;
  /** From `virtual_compute`: what the VDU needs. */
  readonly resources: VduResources;
  /** Image name (`sw_image_data.name`) or a Glance reference. */
  readonly image: string;
  readonly instances: { readonly min: number; readonly max: number; readonly initial: number };
  /** Names of the anti-affinity groups (`tosca.policies.nfv.AntiAffinityRule`) the VDU belongs to. */
  readonly antiAffinityGroups: readonly string[];
  /** Virtual link names the VDU's connection points bind to. */
  readonly virtualLinks: readonly string[];
  /** The VDU's `tosca.nodes.nfv.VduCp` nodes. */
  readonly connectionPoints?: readonly VduConnectionPoint[];
}

export interface VduConnectionPoint {
  /** The VduCp node template name (cpdId in SOL003 extVirtualLinks). */
  readonly cpdId: string;
  /** The internal VnfVirtualLink it binds to, if any. */
  readonly virtualLink?: string;
  /** The substitution_mappings requirement that exposes it as an external connection point, if any. */
  readonly externalRequirement?: string;
  /** SOL001 `order`: its NIC position on the VDU (CPs are listed in this order). */
  readonly order?: number;
}

export type DestinationStrategy = 'forecast' | 'least-loaded' | 'random' | 'fixed';
export type FallbackAction = 'heal-recreate' | 'none';

/** `tosca.policies.nfv.ProactiveMigration`. */
export interface ProactiveMigrationPolicy {
  readonly name: string;
  /** VDU ids the policy applies to. */
  readonly targets: readonly string[];
  /** Failure score at or above which a window counts (0.5-0.95). */
  readonly scoreThreshold: number;
  /** Score must fall below scoreThreshold - hysteresis before the policy re-arms. */
  readonly hysteresis: number;
  /** Windows in a row at or above the threshold before acting. */
  readonly consecutiveWindows: number;
  /** The predicted lead time must leave at least this many seconds for the migration. */
  readonly minLeadSeconds: number;
  /** No new action for the same VNFC this long after the last one. */
  readonly cooldownSeconds: number;
  /** Live migrations from one host at once, at most. */
  readonly maxConcurrentPerHost: number;
  readonly destinationStrategy: DestinationStrategy;
  /** The host for `fixed`. */
  readonly fixedHost?: string;
  /** Act only when the long-failure probability crosses the model's long threshold. */
  readonly longFailuresOnly: boolean;
  readonly fallbackAction: FallbackAction;
  /** `is_autoheal_enabled` of the flavour or VNF (false: no automatic action at all). */
  readonly autoHealEnabled: boolean;
}

export interface ScalingAspect {
  readonly aspectId: string;
  readonly name: string;
  readonly maxScaleLevel: number;
  readonly description?: string;
  /** VDU id -> instances added per scale step. */
  readonly deltas: Readonly<Record<string, number>>;
}
