import { ToscaValue } from './tosca-value.ts';
import type { ToscaTypes } from './tosca-types.ts';

export const VNF_TYPE = 'tosca.nodes.nfv.VNF';

/** What the VNF node (SOL001 tosca.nodes.nfv.VNF) says, as seen from one flavour. */
export interface VnfNodeInfo {
  readonly vnfdId: string;
  readonly provider: string;
  readonly productName: string;
  readonly softwareVersion: string;
  readonly descriptorVersion: string;
  readonly vnfmInfo: readonly string[];
  readonly flavourId: string;
  readonly flavourDescription: string;
  readonly isAutohealEnabled: boolean;
  readonly isAutoscaleEnabled: boolean;
  /** Where each identifying property came from, to name it when flavours disagree. */
  readonly sources: Readonly<Record<string, ToscaValue>>;
}

/** A TOSCA function such as `{get_input: x}` instead of a value. */
function isFunction(v: ToscaValue): boolean {
  if (!v.isMapping) return false;
  const keys = Object.keys(v.value as object);
  return keys.length === 1 && keys[0].startsWith('get_');
}

/** `{get_input: x}` resolved to the default of input x of the same file, when it has one. */
function concrete(v: ToscaValue, root: ToscaValue): ToscaValue | undefined {
  if (!v.exists) return undefined;
  if (!isFunction(v)) return v;
  const input = (v.value as Record<string, unknown>).get_input;
  if (typeof input !== 'string') return undefined;
  const def = root.dig('topology_template', 'inputs', input, 'default');
  return def.exists ? def : undefined;
}

/**
 * Reads the VNF node as one flavour sees it. A property is taken from the first place that
 * gives it: the VNF node template of the flavour's file, a VNF node template of another
 * file of the package (Tacker's top-level file), then the `default` of the property in the
 * VNF node type (Tacker packages put descriptor_id and the rest there).
 */
export function readVnfNode(flavourRoot: ToscaValue, otherRoots: readonly ToscaValue[], types: ToscaTypes): VnfNodeInfo | undefined {
  const mappings = flavourRoot.dig('topology_template', 'substitution_mappings');
  const nodeType = mappings.at('node_type').string({ required: true });
  const flavourId = mappings.dig('properties', 'flavour_id').string({ required: true });
  if (nodeType === undefined || flavourId === undefined) return undefined;
  if (!types.derivesFrom(nodeType, VNF_TYPE)) {
    mappings.at('node_type').problem(`${nodeType} is not a VNF node type (derived from ${VNF_TYPE})`);
    return undefined;
  }

  const templatesOf = (root: ToscaValue): ToscaValue[] =>
    root
      .dig('topology_template', 'node_templates')
      .entries()
      .map(([, node]) => node)
      .filter((node) => typeof node.at('type').value === 'string' && types.derivesFrom(node.at('type').value as string, nodeType));
  const templateProps: [ToscaValue, ToscaValue][] = [flavourRoot, ...otherRoots].flatMap((root) =>
    templatesOf(root).map((node): [ToscaValue, ToscaValue] => [node.at('properties'), root]),
  );
  const typeDefaults = types.chain(nodeType).map((t) => t.definition.at('properties'));

  const resolve = (...keys: string[]): ToscaValue | undefined => {
    for (const [props, root] of templateProps) {
      const v = concrete(props.dig(...keys), root);
      if (v) return v;
    }
    for (const defs of typeDefaults) {
      const [first, ...rest] = keys;
      const def = defs.dig(first, 'default', ...rest);
      if (def.exists) return def;
    }
    return undefined;
  };
  const where = typeDefaults[0] ?? mappings.at('node_type');
  const text = (key: string): string | undefined => {
    const v = resolve(key);
    if (!v) return where.at(key).problem(`is required: give it a default in node type ${nodeType} or set it on the VNF node`);
    return v.string({ required: true });
  };

  for (const defs of typeDefaults) {
    const allowed = defs.dig('flavour_id', 'constraints').items().flatMap((c) => c.at('valid_values').strings() ?? []);
    if (allowed.length > 0 && !allowed.includes(flavourId)) {
      mappings.dig('properties', 'flavour_id').problem(`${flavourId} is not among the valid_values of ${nodeType} flavour_id (${allowed.join(', ')})`);
    }
  }

  const vnfdId = text('descriptor_id');
  const provider = text('provider');
  const productName = text('product_name');
  const softwareVersion = text('software_version');
  const descriptorVersion = text('descriptor_version');
  const vnfmInfoValue = resolve('vnfm_info');
  if (!vnfmInfoValue) where.at('vnfm_info').problem(`is required: give it a default in node type ${nodeType} or set it on the VNF node`);
  const vnfmInfo = vnfmInfoValue?.strings({ required: true });
  const flavourDescription = resolve('flavour_description')?.string() ?? '';
  const isAutohealEnabled = resolve('configurable_properties', 'is_autoheal_enabled')?.boolean() ?? false;
  const isAutoscaleEnabled = resolve('configurable_properties', 'is_autoscale_enabled')?.boolean() ?? false;
  if (!vnfdId || !provider || !productName || !softwareVersion || !descriptorVersion || !vnfmInfo) return undefined;

  const sources: Record<string, ToscaValue> = {};
  for (const key of ['descriptor_id', 'provider', 'product_name', 'software_version', 'descriptor_version']) {
    const v = resolve(key);
    if (v) sources[key] = v;
  }
  return {
    vnfdId,
    provider,
    productName,
    softwareVersion,
    descriptorVersion,
    vnfmInfo,
    flavourId,
    flavourDescription,
    isAutohealEnabled,
    isAutoscaleEnabled,
    sources,
  };
}
