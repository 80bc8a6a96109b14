import type { VnfdProblems } from './vnfd-error.ts';
import { ToscaValue } from './tosca-value.ts';
import type { DefinitionFile } from './yaml-file.ts';

/**
 * The ETSI SOL001 and TOSCA normative types this VNFM understands, with
 * the type each derives from: the minimal subset of etsi_nfv_sol001_common_types.yaml and
 * etsi_nfv_sol001_vnfd_types.yaml that Tacker-style packages use.
 */
export const BUILT_IN_TYPES: Readonly<Record<string, string | null>> = {
  'tosca.nodes.Root': null,
  'tosca.nodes.nfv.VNF': 'tosca.nodes.Root',
  'tosca.nodes.nfv.Vdu.Compute': 'tosca.nodes.Root',
  'tosca.nodes.nfv.Vdu.VirtualBlockStorage': 'tosca.nodes.Root',
  'tosca.nodes.nfv.Cp': 'tosca.nodes.Root',
  'tosca.nodes.nfv.VduCp': 'tosca.nodes.nfv.Cp',
  'tosca.nodes.nfv.VnfExtCp': 'tosca.nodes.nfv.Cp',
  'tosca.nodes.nfv.VnfVirtualLink': 'tosca.nodes.Root',
  'tosca.groups.Root': null,
  'tosca.groups.nfv.PlacementGroup': 'tosca.groups.Root',
  'tosca.policies.Root': null,
  'tosca.policies.nfv.InstantiationLevels': 'tosca.policies.Root',
  'tosca.policies.nfv.VduInstantiationLevels': 'tosca.policies.Root',
  'tosca.policies.nfv.VirtualLinkInstantiationLevels': 'tosca.policies.Root',
  'tosca.policies.nfv.VduInitialDelta': 'tosca.policies.Root',
  'tosca.policies.nfv.VirtualLinkBitrateInitialDelta': 'tosca.policies.Root',
  'tosca.policies.nfv.ScalingAspects': 'tosca.policies.Root',
  'tosca.policies.nfv.VduScalingAspectDeltas': 'tosca.policies.Root',
  'tosca.policies.nfv.VirtualLinkBitrateScalingAspectDeltas': 'tosca.policies.Root',
  'tosca.policies.nfv.AffinityRule': 'tosca.policies.Root',
  'tosca.policies.nfv.AntiAffinityRule': 'tosca.policies.Root',
  'tosca.policies.nfv.SecurityGroupRule': 'tosca.policies.Root',
  'tosca.policies.nfv.SupportedVnfInterface': 'tosca.policies.Root',
};

type Section = 'node_types' | 'policy_types' | 'group_types';
const SECTIONS: readonly Section[] = ['node_types', 'policy_types', 'group_types'];

/** A type a package file defines, with where its definition is. */
export interface PackageType {
  readonly name: string;
  readonly section: Section;
  readonly derivedFrom?: string;
  readonly definition: ToscaValue;
}

export interface ToscaTypes {
  /** The definition of a type the package defines (undefined for built-in or unknown ones). */
  packageType(name: string): PackageType | undefined;
  /** Whether `name` is `base` or derives from it, through the package's and built-in types. */
  derivesFrom(name: string, base: string): boolean;
  isKnown(name: string): boolean;
  /** The chain of package definitions from `name` up to the first built-in type, most derived first. */
  chain(name: string): PackageType[];
}

/** Collects node, group and policy types from every loaded file; a redefinition is a problem. */
export function collectTypes(files: readonly DefinitionFile[], problems: VnfdProblems): ToscaTypes {
  const defined = new Map<string, PackageType>();
  for (const file of files) {
    const root = ToscaValue.root(file, problems);
    for (const section of SECTIONS) {
      for (const [name, def] of root.at(section).entries()) {
        if (name in BUILT_IN_TYPES) {
          def.problem(`redefines the ETSI SOL001 / TOSCA type ${name}`);
          continue;
        }
        const other = defined.get(name);
        if (other) {
          def.problem(`type ${name} is already defined at ${other.definition.where}`);
          continue;
        }
        if (def.exists && !def.isMapping) {
          def.problem('must be a mapping');
          continue;
        }
        const derivedFrom = def.at('derived_from').string({ required: true });
        defined.set(name, { name, section, derivedFrom, definition: def });
      }
    }
  }

  const parentOf = (name: string): string | null | undefined =>
    name in BUILT_IN_TYPES ? BUILT_IN_TYPES[name] : defined.get(name)?.derivedFrom;

  // A derived_from naming an unknown type, or a cycle, is reported once at its definition.
  for (const t of defined.values()) {
    const visited = new Set<string>([t.name]);
    let cur = t.derivedFrom;
    while (cur) {
      if (visited.has(cur)) {
        t.definition.at('derived_from').problem(`derivation cycle through ${cur}`);
        break;
      }
      visited.add(cur);
      if (!(cur in BUILT_IN_TYPES) && !defined.has(cur)) {
        if (cur === t.derivedFrom) t.definition.at('derived_from').problem(`unknown type ${cur}`);
        break;
      }
      cur = parentOf(cur) ?? undefined;
    }
  }

  const chainOf = (name: string): string[] => {
    const out: string[] = [];
    let cur: string | null | undefined = name;
    while (cur && !out.includes(cur)) {
      out.push(cur);
      cur = parentOf(cur);
    }
    return out;
  };

  return {
    packageType: (name) => defined.get(name),
    derivesFrom: (name, base) => chainOf(name).includes(base),
    isKnown: (name) => name in BUILT_IN_TYPES || defined.has(name),
    chain: (name) => chainOf(name).flatMap((n) => defined.get(n) ?? []),
  };
}
