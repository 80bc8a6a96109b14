import type { Vdu, VduConnectionPoint, VnfFlavour } from './vnfd.types.ts';
import { readProactiveMigrationPolicies } from './proactive-migration-policy.ts';
import type { ToscaTypes } from './tosca-types.ts';
import type { ToscaValue } from './tosca-value.ts';
import { readInitialDeltas, readInstantiationLevels, readPlacementRules, readPolicies, readScalingAspects } from './vnfd-policies.ts';
import { readVdu, type VduNode } from './vnfd-vdu.ts';
import type { VnfNodeInfo } from './vnfd-vnf-node.ts';

const VDU = 'tosca.nodes.nfv.Vdu.Compute';
const VDU_CP = 'tosca.nodes.nfv.VduCp';
const VIRTUAL_LINK = 'tosca.nodes.nfv.VnfVirtualLink';
const STORAGE = 'tosca.nodes.nfv.Vdu.VirtualBlockStorage';

interface Topology {
  readonly byKind: Map<string, Map<string, ToscaValue>>;
}

function classify(nodes: ToscaValue, types: ToscaTypes): Topology {
  const byKind = new Map<string, Map<string, ToscaValue>>([VDU, VDU_CP, VIRTUAL_LINK, STORAGE].map((k) => [k, new Map()]));
  for (const [name, node] of nodes.entries()) {
    const type = node.at('type').string({ required: true });
    if (type === undefined) continue;
    if (!types.isKnown(type)) {
      node.at('type').problem(`unknown node type ${type}: not an ETSI SOL001 type nor defined by an imported file`);
      continue;
    }
    for (const [kind, map] of byKind) if (types.derivesFrom(type, kind)) map.set(name, node);
  }
  return { byKind };
}

/** `groups` of type tosca.groups.nfv.PlacementGroup: name -> VDU members. */
function readPlacementGroups(topology: ToscaValue, types: ToscaTypes, vduIds: ReadonlySet<string>): Map<string, string[]> {
  const groups = topology.at('groups');
  const named = Array.isArray(groups.value) ? groups.items().flatMap((g) => g.entries()) : groups.entries();
  const out = new Map<string, string[]>();
  for (const [name, group] of named) {
    const type = group.at('type').string({ required: true });
    if (type === undefined || !types.derivesFrom(type, 'tosca.groups.nfv.PlacementGroup')) continue;
    const members = group.at('members').strings({ required: true }) ?? [];
    out.set(name, members.filter((m) => vduIds.has(m)));
  }
  return out;
}

/** SOL001 tosca.nodes.nfv.VduCp: `virtual_binding` to a VDU, optional `virtual_link` to a VnfVirtualLink. */
function readConnectionPoints(topo: Topology, root: ToscaValue): Map<string, VduConnectionPoint[]> {
  const external = new Map<string, string>();
  for (const [req, mapping] of root.dig('topology_template', 'substitution_mappings', 'requirements').entries()) {
    const [cp] = mapping.strings() ?? [];
    if (cp !== undefined) external.set(cp, req);
  }
  const vdus = topo.byKind.get(VDU)!;
  const links = topo.byKind.get(VIRTUAL_LINK)!;
  const byVdu = new Map<string, VduConnectionPoint[]>();
  for (const [cpdId, cp] of topo.byKind.get(VDU_CP)!) {
    let binding: string | undefined;
    let link: string | undefined;
    for (const req of cp.at('requirements').items()) {
      const b = req.at('virtual_binding');
      if (b.exists) {
        binding = b.string({ required: true });
        if (binding !== undefined && !vdus.has(binding)) binding = b.problem(`${binding} is not a VDU of this flavour`);
      }
      const l = req.at('virtual_link');
      if (l.exists) {
        link = l.string({ required: true });
        if (link !== undefined && !links.has(link)) link = l.problem(`${link} is not a VnfVirtualLink of this flavour`);
      }
    }
    if (binding === undefined) {
      if (!cp.at('requirements').exists) cp.at('requirements').problem('is required: a VduCp needs a virtual_binding to its VDU');
      continue;
    }
    const order = cp.dig('properties', 'order').integer({ min: 0 });
    const point: VduConnectionPoint = {
      cpdId,
      ...(order === undefined ? {} : { order }),
      ...(link === undefined ? {} : { virtualLink: link }),
      ...(external.has(cpdId) ? { externalRequirement: external.get(cpdId) } : {}),
    };
    byVdu.set(binding, [...(byVdu.get(binding) ?? []), point]);
  }
  // SOL001 VduCp `order`: the NIC order; CPs without one follow, in the file's order.
  for (const cps of byVdu.values()) cps.sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity));
  return byVdu;
}

/** One deployment flavour: the topology of the file whose substitution_mappings name it. */
export function readFlavour(root: ToscaValue, info: VnfNodeInfo, types: ToscaTypes): VnfFlavour | undefined {
  const topology = root.at('topology_template');
  const topo = classify(topology.at('node_templates'), types);
  const storages = topo.byKind.get(STORAGE)!;
  const drafts: VduNode[] = [];
  for (const [vduId, node] of topo.byKind.get(VDU)!) {
    const vdu = readVdu(vduId, node, (name) => storages.get(name));
    if (vdu) drafts.push(vdu);
  }
  const vduIds = new Set(topo.byKind.get(VDU)!.keys());
  if (vduIds.size === 0) topology.at('node_templates').problem(`flavour ${info.flavourId} has no VDU (tosca.nodes.nfv.Vdu.Compute)`);

  const groups = readPlacementGroups(topology, types, vduIds);
  const points = readConnectionPoints(topo, root);
  const policies = readPolicies(topology, types);
  const placementRules = readPlacementRules(policies, types, vduIds, groups);
  const initialDeltas = readInitialDeltas(policies, types, vduIds);
  const levels = readInstantiationLevels(policies, types, vduIds);
  const scalingAspects = readScalingAspects(policies, types, vduIds);
  const migrationPolicies = readProactiveMigrationPolicies(policies, types, vduIds, info.isAutohealEnabled);
  const defaultCounts = levels.defaultLevelId ? levels.counts.get(levels.defaultLevelId) : undefined;

  const vdus = drafts.flatMap((d): Vdu[] => {
    // Tacker instantiates the default instantiation level; VduInitialDelta, then the minimum, otherwise.
    const source = defaultCounts?.get(d.vduId) ?? initialDeltas.get(d.vduId);
    const initial = source ? (source.value as number) : d.min;
    if (initial < d.min || initial > d.max) {
      (source ?? d.node.dig('properties', 'vdu_profile')).problem(
        `gives ${initial} initial instances of ${d.vduId}, outside its vdu_profile (${d.min} to ${d.max})`,
      );
      return [];
    }
    const cps = points.get(d.vduId) ?? [];
    const virtualLinks = [...new Set(cps.flatMap((cp) => cp.virtualLink ?? []))];
    return [
      {
        vduId: d.vduId,
        name: d.name,
        description: d.description,
        ...(d.flavorName === undefined ? {} : { flavorName: d.flavorName }),
        resources: d.resources,
        image: d.image,
        instances: { min: d.min, max: d.max, initial },
        antiAffinityGroups: placementRules.filter((r) => r.kind === 'anti-affinity' && r.targets.includes(d.vduId)).map((r) => r.name),
        virtualLinks,
        connectionPoints: cps,
      },
    ];
  });

  return {
    flavourId: info.flavourId,
    description: info.flavourDescription,
    vdus,
    migrationPolicies,
    scalingAspects,
    configurableProperties: { isAutohealEnabled: info.isAutohealEnabled, isAutoscaleEnabled: info.isAutoscaleEnabled },
    placementRules,
    instantiationLevels: levels.levels,
    ...(levels.defaultLevelId === undefined ? {} : { defaultInstantiationLevelId: levels.defaultLevelId }),
    virtualLinks: [...topo.byKind.get(VIRTUAL_LINK)!.keys()],
  };
}
