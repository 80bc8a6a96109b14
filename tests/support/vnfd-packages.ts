import { parseDocument } from 'yaml';
import { VnfdError, type VnfdProblem } from '../../lcm/vnfd/vnfd-error.ts';
import { parseVnfPackage, type VnfPackageFiles } from '../../lcm/vnfd/vnfd-package.ts';
import type { VnfdModel } from '../../lcm/vnfd/vnfd.types.ts';

/**
 * A small valid VNF package in memory, laid out as Tacker lays them out: TOSCA.meta, a
 * top-level file, the package's own types and one flavour file. Tests change one thing in
 * it and look at what the parser says.
 */
export const META = `TOSCA-Meta-File-Version: 1.0
CSAR-Version: 1.1
Created-By: tests
Entry-Definitions: Definitions/top.yaml
`;

export const TOP = `tosca_definitions_version: tosca_simple_yaml_1_2
imports:
  - etsi_nfv_sol001_common_types.yaml
  - etsi_nfv_sol001_vnfd_types.yaml
  - types.yaml
  - df_simple.yaml
topology_template:
  node_templates:
    VNF:
      type: test.VNF
      properties:
        flavour_description: from the top file
`;

export const TYPES = `tosca_definitions_version: tosca_simple_yaml_1_2
imports:
  - etsi_nfv_sol001_common_types.yaml
  - etsi_nfv_sol001_vnfd_types.yaml
node_types:
  test.VNF:
    derived_from: tosca.nodes.nfv.VNF
    properties:
      descriptor_id:
        type: string
        default: 11111111-2222-3333-4444-555555555555
      descriptor_version:
        type: string
        default: '2.0'
      provider:
        type: string
        default: Test Provider
      product_name:
        type: string
        default: Test VNF
      software_version:
        type: string
        default: '3.1'
      vnfm_info:
        type: list
        default: [ Tacker ]
      flavour_id:
        type: string
        constraints: [ valid_values: [ simple, other ] ]
policy_types:
  tosca.policies.nfv.ProactiveMigration:
    derived_from: tosca.policies.Root
    properties:
      score_threshold: { type: float, required: false }
      hysteresis: { type: float, required: false }
      consecutive_windows: { type: integer, required: false }
      min_lead_time: { type: scalar-unit.time, required: false }
      cooldown: { type: scalar-unit.time, required: false }
      max_concurrent_per_host: { type: integer, required: false }
      destination_strategy: { type: string, required: false }
      fixed_host: { type: string, required: false }
      long_failures_only: { type: boolean, required: false }
      fallback_action: { type: string, required: false }
`;

export const DF_SIMPLE = `tosca_definitions_version: tosca_simple_yaml_1_2
imports:
  - types.yaml
topology_template:
  substitution_mappings:
    node_type: test.VNF
    properties:
      flavour_id: simple
  node_templates:
    vdu1:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: first
        vdu_profile: { min_number_of_instances: 1, max_number_of_instances: 3 }
        sw_image_data: { name: tiny }
      capabilities:
        virtual_compute:
          properties:
            virtual_memory:
              virtual_mem_size: 1 GiB
            virtual_cpu:
              num_virtual_cpu: 2
    vdu2:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: second
        vdu_profile: { min_number_of_instances: 0, max_number_of_instances: 1 }
        sw_image_data: { name: tiny }
      capabilities:
        virtual_compute:
          properties:
            virtual_memory:
              virtual_mem_size: 512 MiB
            virtual_cpu:
              num_virtual_cpu: 1
    vdu1_cp:
      type: tosca.nodes.nfv.VduCp
      requirements:
        - virtual_binding: vdu1
        - virtual_link: net
    net:
      type: tosca.nodes.nfv.VnfVirtualLink
  policies:
    - apart:
        type: tosca.policies.nfv.AntiAffinityRule
        targets: [ vdu1, vdu2 ]
        properties:
          scope: nfvi_node
    - migrate:
        type: tosca.policies.nfv.ProactiveMigration
        targets: [ vdu1 ]
`;

export const DF = 'Definitions/df_simple.yaml';
export const MIGRATE = `${DF}#topology_template.policies[1].migrate`;

export function minimalPackage(): Map<string, string> {
  return new Map([
    ['TOSCA-Metadata/TOSCA.meta', META],
    ['Definitions/top.yaml', TOP],
    ['Definitions/types.yaml', TYPES],
    [DF, DF_SIMPLE],
  ]);
}

/** Sets (or, with undefined, deletes) the value at `path` of one YAML file of the package. */
export function setYaml(files: Map<string, string>, file: string, path: (string | number)[], value: unknown): Map<string, string> {
  const doc = parseDocument(files.get(file)!);
  if (value === undefined) doc.deleteIn(path);
  else doc.setIn(path, doc.createNode(value));
  files.set(file, doc.toString());
  return files;
}

export const migrateProperties = (props: Record<string, unknown>): Map<string, string> =>
  setYaml(minimalPackage(), DF, ['topology_template', 'policies', 1, 'migrate', 'properties'], props);

/** The problems parsing the package reports; fails when it parses. */
export function problemsOf(files: VnfPackageFiles): VnfdProblem[] {
  try {
    parseVnfPackage(files, '/packages/test');
  } catch (err) {
    if (err instanceof VnfdError) return [...err.problems];
    throw err;
  }
  throw new Error('the package was accepted');
}

export function parse(files: VnfPackageFiles): VnfdModel {
  return parseVnfPackage(files, '/packages/test');
}

/** 1-based number of the first line of `text` that contains `needle`, counted without the parser. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} is not in the text`);
  return i + 1;
}
