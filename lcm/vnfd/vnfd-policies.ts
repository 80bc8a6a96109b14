import type { InstantiationLevel, PlacementRule, PlacementScope, ScalingAspect } from './vnfd.types.ts';
import type { ToscaTypes } from './tosca-types.ts';
import type { ToscaValue } from './tosca-value.ts';

/** One entry of `topology_template.policies` (a list of one-key mappings, as Tacker writes them, or a mapping). */
export interface PolicyEntry {
  readonly name: string;
  readonly type: string;
  readonly node: ToscaValue;
}

export function readPolicies(topology: ToscaValue, types: ToscaTypes): PolicyEntry[] {
  const policies = topology.at('policies');
  const named: [string, ToscaValue][] = Array.isArray(policies.value)
    ? policies.items().flatMap((item) => {
        const entries = item.entries();
        if (item.isMapping && entries.length !== 1) item.problem('each policy must be a mapping with one key, its name');
        return entries.length === 1 ? entries : [];
      })
    : policies.entries();
  const out: PolicyEntry[] = [];
  const names = new Set<string>();
  for (const [name, node] of named) {
    if (names.has(name)) node.problem(`policy ${name} is defined twice`);
    names.add(name);
    const type = node.at('type').string({ required: true });
    if (type === undefined) continue;
    if (!types.isKnown(type)) {
      node.at('type').problem(`unknown policy type ${type}: not an ETSI SOL001 type nor defined by an imported file`);
      continue;
    }
    if (!types.derivesFrom(type, 'tosca.policies.Root')) {
      node.at('type').problem(`${type} is not a policy type`);
      continue;
    }
    out.push({ name, type, node });
  }
  return out;
}

export function policiesOf(policies: readonly PolicyEntry[], base: string, types: ToscaTypes): PolicyEntry[] {
  return policies.filter((p) => types.derivesFrom(p.type, base));
}

/**
 * `targets` of a policy as VDU ids. PlacementGroup names are expanded to their members
 * (as Tacker does for affinity rules) when `groups` is given; anything else that is not a
 * VDU of the flavour is a problem at the target.
 */
export function vduTargets(
  policy: PolicyEntry,
  vduIds: ReadonlySet<string>,
  groups?: ReadonlyMap<string, readonly string[]>,
  options: { required?: boolean } = { required: true },
): string[] | undefined {
  const targets = policy.node.at('targets');
  if (!targets.exists) return options.required ? targets.problem('is required') : undefined;
  const names = targets.strings();
  if (!names) return undefined;
  const out: string[] = [];
  let bad = false;
  names.forEach((name, i) => {
    const members = groups?.get(name);
    if (members) out.push(...members);
    else if (vduIds.has(name)) out.push(name);
    else bad = targets.at(i).problem(`${name} is not a VDU (tosca.nodes.nfv.Vdu.Compute) of this flavour`) ?? true;
  });
  return bad ? undefined : [...new Set(out)];
}

const SCOPES: readonly PlacementScope[] = ['nfvi_node', 'zone', 'zone_group', 'nfvi_pop'];

/** SOL001 tosca.policies.nfv.AffinityRule and AntiAffinityRule. */
export function readPlacementRules(
  policies: readonly PolicyEntry[],
  types: ToscaTypes,
  vduIds: ReadonlySet<string>,
  groups: ReadonlyMap<string, readonly string[]>,
): PlacementRule[] {
  const rules: PlacementRule[] = [];
  const kinds = [
    ['tosca.policies.nfv.AntiAffinityRule', 'anti-affinity'],
    ['tosca.policies.nfv.AffinityRule', 'affinity'],
  ] as const;
  for (const [base, kind] of kinds) {
    for (const policy of policiesOf(policies, base, types)) {
      const scope = policy.node.dig('properties', 'scope').oneOf(SCOPES, { required: true });
      const targets = vduTargets(policy, vduIds, groups);
      if (scope && targets) rules.push({ name: policy.name, kind, scope, targets });
    }
  }
  return rules;
}

/** SOL001 tosca.policies.nfv.VduInitialDelta, VDU id -> number_of_instances. */
export function readInitialDeltas(policies: readonly PolicyEntry[], types: ToscaTypes, vduIds: ReadonlySet<string>): Map<string, ToscaValue> {
  const out = new Map<string, ToscaValue>();
  for (const policy of policiesOf(policies, 'tosca.policies.nfv.VduInitialDelta', types)) {
    const count = policy.node.dig('properties', 'initial_delta', 'number_of_instances');
    if (count.integer({ required: true, min: 0 }) === undefined) continue;
    for (const vdu of vduTargets(policy, vduIds) ?? []) out.set(vdu, count);
  }
  return out;
}

/** SOL001 tosca.policies.nfv.InstantiationLevels with VduInstantiationLevels folded in. */
export function readInstantiationLevels(
  policies: readonly PolicyEntry[],
  types: ToscaTypes,
  vduIds: ReadonlySet<string>,
): { levels: InstantiationLevel[]; defaultLevelId?: string; counts: Map<string, Map<string, ToscaValue>> } {
  const counts = new Map<string, Map<string, ToscaValue>>();
  const levelPolicies = policiesOf(policies, 'tosca.policies.nfv.InstantiationLevels', types);
  levelPolicies.slice(1).forEach((p) => p.node.problem('a flavour has one InstantiationLevels policy'));
  const main = levelPolicies[0];
  const levelNodes = main?.node.dig('properties', 'levels').entries() ?? [];
  if (main && levelNodes.length === 0) main.node.dig('properties', 'levels').problem('must name at least one level');
  const levelIds = new Set(levelNodes.map(([id]) => id));

  for (const policy of policiesOf(policies, 'tosca.policies.nfv.VduInstantiationLevels', types)) {
    const targets = vduTargets(policy, vduIds) ?? [];
    for (const [levelId, level] of policy.node.dig('properties', 'levels').entries()) {
      if (!levelIds.has(levelId)) level.problem(`level ${levelId} is not defined by the InstantiationLevels policy`);
      const count = level.at('number_of_instances');
      if (count.integer({ required: true, min: 0 }) === undefined) continue;
      const byVdu = counts.get(levelId) ?? new Map<string, ToscaValue>();
      for (const vdu of targets) byVdu.set(vdu, count);
      counts.set(levelId, byVdu);
    }
  }

  const levels = levelNodes.map(([levelId, level]): InstantiationLevel => {
    const scaleLevels: Record<string, number> = {};
    for (const [aspectId, info] of level.at('scale_info').entries()) {
      const n = info.at('scale_level').integer({ required: true, min: 0 });
      if (n !== undefined) scaleLevels[aspectId] = n;
    }
    const vduInstances: Record<string, number> = {};
    for (const [vdu, count] of counts.get(levelId) ?? []) vduInstances[vdu] = count.value as number;
    return { levelId, description: level.at('description').string() ?? '', vduInstances, scaleLevels };
  });

  const def = main?.node.dig('properties', 'default_level');
  const defaultLevelId = def?.string();
  if (defaultLevelId !== undefined && !levelIds.has(defaultLevelId)) def?.problem(`${defaultLevelId} is not one of the levels`);
  return { levels, defaultLevelId: defaultLevelId && levelIds.has(defaultLevelId) ? defaultLevelId : undefined, counts };
}

/** SOL001 tosca.policies.nfv.ScalingAspects with the VduScalingAspectDeltas of each aspect. */
export function readScalingAspects(policies: readonly PolicyEntry[], types: ToscaTypes, vduIds: ReadonlySet<string>): ScalingAspect[] {
  const aspects: { aspectId: string; node: ToscaValue; stepDeltas: string[] }[] = [];
  for (const policy of policiesOf(policies, 'tosca.policies.nfv.ScalingAspects', types)) {
    for (const [aspectId, node] of policy.node.dig('properties', 'aspects').entries()) {
      if (aspects.some((a) => a.aspectId === aspectId)) node.problem(`aspect ${aspectId} is defined twice`);
      else aspects.push({ aspectId, node, stepDeltas: node.at('step_deltas').strings() ?? [] });
    }
  }
  const deltas = new Map<string, Record<string, number>>();
  for (const policy of policiesOf(policies, 'tosca.policies.nfv.VduScalingAspectDeltas', types)) {
    const aspectRef = policy.node.dig('properties', 'aspect');
    const aspectId = aspectRef.string({ required: true });
    const aspect = aspects.find((a) => a.aspectId === aspectId);
    if (aspectId !== undefined && !aspect) aspectRef.problem(`aspect ${aspectId} is not defined by a ScalingAspects policy`);
    const targets = vduTargets(policy, vduIds) ?? [];
    const deltaNodes = policy.node.dig('properties', 'deltas');
    if (!aspect) continue;
    // Tacker applies the first step delta at every step (uniform deltas only).
    const first = aspect.stepDeltas[0];
    for (const step of aspect.stepDeltas) {
      if (!deltaNodes.at(step).exists) deltaNodes.problem(`delta ${step} of aspect ${aspect.aspectId} is missing`);
    }
    const n = first === undefined ? undefined : deltaNodes.dig(first, 'number_of_instances').integer({ required: true, min: 1 });
    if (n === undefined) continue;
    const byVdu = deltas.get(aspect.aspectId) ?? {};
    for (const vdu of targets) byVdu[vdu] = n;
    deltas.set(aspect.aspectId, byVdu);
  }
  return aspects.flatMap(({ aspectId, node }) => {
    const name = node.at('name').string() ?? aspectId;
    const description = node.at('description').string() ?? '';
    const maxScaleLevel = node.at('max_scale_level').integer({ required: true, min: 1 });
    if (!node.at('step_deltas').exists) node.at('step_deltas').problem('is required');
    if (maxScaleLevel === undefined) return [];
    return [{ aspectId, name, description, maxScaleLevel, deltas: deltas.get(aspectId) ?? {} }];
  });
}
