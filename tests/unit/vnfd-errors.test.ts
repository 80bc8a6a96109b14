import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VnfdProblem } from '../../lcm/vnfd/vnfd-error.ts';
import {
  DF,
  DF_SIMPLE,
  lineOf,
  MIGRATE,
  migrateProperties,
  minimalPackage,
  parse,
  problemsOf,
  setYaml,
  TOP,
  TYPES,
} from '../support/vnfd-packages.ts';

const NODES = `${DF}#topology_template.node_templates`;

function has(problems: VnfdProblem[], path: string, message: RegExp, line?: number): void {
  const hit = problems.find((p) => p.path === path && message.test(p.message));
  assert.ok(hit, `no problem at ${path} matching ${message}; got ${JSON.stringify(problems, null, 1)}`);
  if (line !== undefined) assert.equal(hit.line, line, `line of ${path}`);
}

test('the minimal package parses, so each case below fails for its own reason', () => {
  assert.throws(() => problemsOf(minimalPackage()), /the package was accepted/);
  assert.deepEqual(
    parse(minimalPackage()).flavours.map((f) => [f.flavourId, f.vdus.map((v) => v.vduId), f.migrationPolicies.map((p) => p.targets)]),
    [['simple', ['vdu1', 'vdu2'], [['vdu1']]]],
  );
});

test('bad YAML names the file and the line', () => {
  const text = DF_SIMPLE.replace('    vdu2:\n', '    vdu2: [\n');
  const problems = problemsOf(minimalPackage().set(DF, text));
  assert.ok(problems.every((p) => p.path === DF && /^not valid YAML/.test(p.message)));
  // The YAML parser notices the unclosed `[` on the next line.
  const broken = lineOf(text, 'vdu2: [');
  assert.ok([broken, broken + 1].includes(problems[0].line!), `first problem at line ${problems[0].line}, broken line ${broken}`);

  const dup = DF_SIMPLE.replace('        name: second\n', '        name: second\n        name: again\n');
  has(problemsOf(minimalPackage().set(DF, dup)), DF, /not valid YAML: Map keys must be unique/, lineOf(dup, 'name: again'));
});

test('a missing TOSCA.meta, a TOSCA.meta without Entry-Definitions, or a missing entry file', () => {
  const files = minimalPackage();
  files.delete('TOSCA-Metadata/TOSCA.meta');
  has(problemsOf(files), 'TOSCA-Metadata/TOSCA.meta', /is missing/);

  const noEntry = minimalPackage().set('TOSCA-Metadata/TOSCA.meta', 'TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\n');
  has(problemsOf(noEntry), 'TOSCA-Metadata/TOSCA.meta#Entry-Definitions', /is required/);

  const meta = 'TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nEntry-Definitions: Definitions/nope.yaml\n';
  has(problemsOf(minimalPackage().set('TOSCA-Metadata/TOSCA.meta', meta)), 'TOSCA-Metadata/TOSCA.meta#Entry-Definitions', /Definitions\/nope\.yaml is not in the package/, 3);

  const outside = meta.replace('Definitions/nope.yaml', '../other/top.yaml');
  has(problemsOf(minimalPackage().set('TOSCA-Metadata/TOSCA.meta', outside)), 'TOSCA-Metadata/TOSCA.meta#Entry-Definitions', /inside the package/);
});

test('an unknown import, a remote one and one outside the package', () => {
  const top = (extra: string) => minimalPackage().set('Definitions/top.yaml', TOP.replace('  - df_simple.yaml\n', `  - df_simple.yaml\n  - ${extra}\n`));
  has(problemsOf(top('missing_types.yaml')), 'Definitions/top.yaml#imports[4]', /unknown import missing_types\.yaml/, lineOf(TOP, 'df_simple.yaml') + 1);
  has(problemsOf(top('https://example.com/types.yaml')), 'Definitions/top.yaml#imports[4]', /remote imports are not fetched/);
  has(problemsOf(top('../../etc/types.yaml')), 'Definitions/top.yaml#imports[4]', /outside the package/);
  // The ETSI files are known by name, also from the ETSI forge; the long form works too.
  assert.throws(() => problemsOf(top('https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml')), /accepted/);
  assert.throws(() => problemsOf(top('{ file: types.yaml }')), /accepted/);
});

test('score_threshold outside 0.5-0.95 names the property', () => {
  for (const bad of [0.97, 0.4, 1]) {
    has(problemsOf(migrateProperties({ score_threshold: bad })), `${MIGRATE}.properties.score_threshold`, new RegExp(`between 0.5 and 0.95, not ${bad}`));
  }
  has(problemsOf(migrateProperties({ score_threshold: 'high' })), `${MIGRATE}.properties.score_threshold`, /must be a number/);
  assert.throws(() => problemsOf(migrateProperties({ score_threshold: 0.95 })), /accepted/);
  assert.throws(() => problemsOf(migrateProperties({ score_threshold: 0.5 })), /accepted/);
});

test('an unknown destination strategy or fallback action', () => {
  has(problemsOf(migrateProperties({ destination_strategy: 'nearest' })), `${MIGRATE}.properties.destination_strategy`, /one of forecast, least-loaded, random, fixed, not "nearest"/);
  has(problemsOf(migrateProperties({ fallback_action: 'reboot' })), `${MIGRATE}.properties.fallback_action`, /one of heal-recreate, none/);
});

test('fixed needs fixed_host, and fixed_host needs fixed', () => {
  has(problemsOf(migrateProperties({ destination_strategy: 'fixed' })), `${MIGRATE}.properties.fixed_host`, /required when destination_strategy is fixed/);
  has(problemsOf(migrateProperties({ fixed_host: 'compute-b' })), `${MIGRATE}.properties.fixed_host`, /only used with destination_strategy fixed, not forecast/);
  assert.throws(() => problemsOf(migrateProperties({ destination_strategy: 'fixed', fixed_host: 'compute-b' })), /accepted/);
});

test('positive integers, whole seconds and known property names', () => {
  has(problemsOf(migrateProperties({ consecutive_windows: 0 })), `${MIGRATE}.properties.consecutive_windows`, /between 1 and 1000/);
  has(problemsOf(migrateProperties({ consecutive_windows: 2.5 })), `${MIGRATE}.properties.consecutive_windows`, /must be an integer/);
  has(problemsOf(migrateProperties({ max_concurrent_per_host: -1 })), `${MIGRATE}.properties.max_concurrent_per_host`, /between 1 and 1000/);
  has(problemsOf(migrateProperties({ min_lead_time: '1500 ms' })), `${MIGRATE}.properties.min_lead_time`, /whole seconds/);
  has(problemsOf(migrateProperties({ cooldown: '10 minutes' })), `${MIGRATE}.properties.cooldown`, /must be a time/);
  has(problemsOf(migrateProperties({ hysteresis: 0.3 })), `${MIGRATE}.properties.hysteresis`, /between 0 and 0.25/);
  has(problemsOf(migrateProperties({ score_treshold: 0.7 })), `${MIGRATE}.properties.score_treshold`, /unknown property score_treshold/);
});

test('a target that is not a VDU of the flavour, and a VDU in two migration policies', () => {
  const files = setYaml(minimalPackage(), DF, ['topology_template', 'policies', 1, 'migrate', 'targets'], ['vdu1', 'vdu1_cp']);
  has(problemsOf(files), `${MIGRATE}.targets[1]`, /vdu1_cp is not a VDU/);
  const ghost = setYaml(minimalPackage(), DF, ['topology_template', 'policies', 1, 'migrate', 'targets'], ['ghost']);
  has(problemsOf(ghost), `${MIGRATE}.targets[0]`, /ghost is not a VDU/);

  const twice = setYaml(minimalPackage(), DF, ['topology_template', 'policies', 2], {
    again: { type: 'tosca.policies.nfv.ProactiveMigration', targets: ['vdu2', 'vdu1'] },
  });
  has(problemsOf(twice), `${DF}#topology_template.policies[2].again.targets[1]`, /vdu1 is already a target of ProactiveMigration policy migrate/);
});

test('a ProactiveMigration policy whose type the package does not define', () => {
  const types = TYPES.slice(0, TYPES.indexOf('policy_types:'));
  has(problemsOf(minimalPackage().set('Definitions/types.yaml', types)), `${MIGRATE}.type`, /unknown policy type tosca\.policies\.nfv\.ProactiveMigration/);
  const wrongType = TYPES.replace('score_threshold: { type: float', 'score_threshold: { type: string');
  has(
    problemsOf(minimalPackage().set('Definitions/types.yaml', wrongType)),
    'Definitions/types.yaml#policy_types["tosca.policies.nfv.ProactiveMigration"].properties.score_threshold.type',
    /must be float, not string/,
  );
});

test('a memory size with an unknown unit, or none, names virtual_mem_size', () => {
  const path = `${NODES}.vdu1.capabilities.virtual_compute.properties.virtual_memory.virtual_mem_size`;
  for (const bad of ['512 MBs', '512', 'lots', 512]) {
    const files = setYaml(minimalPackage(), DF, ['topology_template', 'node_templates', 'vdu1', 'capabilities', 'virtual_compute', 'properties', 'virtual_memory', 'virtual_mem_size'], bad);
    has(problemsOf(files), path, /must be a size such as "512 MiB"/, lineOf(files.get(DF)!, 'virtual_mem_size'));
  }
  const noCpu = setYaml(minimalPackage(), DF, ['topology_template', 'node_templates', 'vdu2', 'capabilities', 'virtual_compute', 'properties', 'virtual_cpu'], undefined);
  has(problemsOf(noCpu), `${NODES}.vdu2.capabilities.virtual_compute.properties.virtual_cpu.num_virtual_cpu`, /is required/);
});

test('two files giving the same flavour', () => {
  const files = minimalPackage();
  files.set('Definitions/df_again.yaml', DF_SIMPLE);
  files.set('Definitions/top.yaml', TOP.replace('  - df_simple.yaml\n', '  - df_simple.yaml\n  - df_again.yaml\n'));
  has(
    problemsOf(files),
    'Definitions/df_again.yaml#topology_template.substitution_mappings.properties.flavour_id',
    /flavour simple is already defined by Definitions\/df_simple\.yaml/,
    lineOf(DF_SIMPLE, 'flavour_id: simple'),
  );
});

test('flavours of one package must describe the same VNF', () => {
  const other = DF_SIMPLE.replace('flavour_id: simple', 'flavour_id: other').replace(
    '  node_templates:\n',
    '  node_templates:\n    VNF:\n      type: test.VNF\n      properties:\n        software_version: "9.9"\n',
  );
  const files = minimalPackage().set('Definitions/df_other.yaml', other);
  files.set('Definitions/top.yaml', TOP.replace('  - df_simple.yaml\n', '  - df_simple.yaml\n  - df_other.yaml\n'));
  has(problemsOf(files), 'Definitions/df_other.yaml#topology_template.node_templates.VNF.properties.software_version', /"9\.9" but "3\.1" for flavour simple/);
});

test('VNF node: descriptor_id required, flavour_id among the valid_values, node_type a VNF', () => {
  const noId = TYPES.replace(/      descriptor_id:\n.*\n.*\n/, '');
  has(problemsOf(minimalPackage().set('Definitions/types.yaml', noId)), 'Definitions/types.yaml#node_types["test.VNF"].properties.descriptor_id', /is required/);
  const flavourId = setYaml(minimalPackage(), DF, ['topology_template', 'substitution_mappings', 'properties', 'flavour_id'], 'large');
  has(problemsOf(flavourId), `${DF}#topology_template.substitution_mappings.properties.flavour_id`, /large is not among the valid_values .* \(simple, other\)/);
  const notVnf = setYaml(minimalPackage(), DF, ['topology_template', 'substitution_mappings', 'node_type'], 'tosca.nodes.nfv.Vdu.Compute');
  has(problemsOf(notVnf), `${DF}#topology_template.substitution_mappings.node_type`, /is not a VNF node type/);
});

test('VDUs and connection points: profile, image, bindings and initial instances', () => {
  const vdu1 = ['topology_template', 'node_templates', 'vdu1'];
  const profile = setYaml(minimalPackage(), DF, [...vdu1, 'properties', 'vdu_profile', 'max_number_of_instances'], 0);
  has(problemsOf(profile), `${NODES}.vdu1.properties.vdu_profile.max_number_of_instances`, /at least 1/);
  const noImage = setYaml(minimalPackage(), DF, [...vdu1, 'properties', 'sw_image_data'], undefined);
  has(problemsOf(noImage), `${NODES}.vdu1.properties.sw_image_data`, /needs an image/);
  const binding = setYaml(minimalPackage(), DF, ['topology_template', 'node_templates', 'vdu1_cp', 'requirements', 0, 'virtual_binding'], 'net');
  has(problemsOf(binding), `${NODES}.vdu1_cp.requirements[0].virtual_binding`, /net is not a VDU/);
  const link = setYaml(minimalPackage(), DF, ['topology_template', 'node_templates', 'vdu1_cp', 'requirements', 1, 'virtual_link'], 'vdu2');
  has(problemsOf(link), `${NODES}.vdu1_cp.requirements[1].virtual_link`, /vdu2 is not a VnfVirtualLink/);
  const delta = setYaml(minimalPackage(), DF, ['topology_template', 'policies', 2], {
    init: { type: 'tosca.policies.nfv.VduInitialDelta', properties: { initial_delta: { number_of_instances: 5 } }, targets: ['vdu1'] },
  });
  has(problemsOf(delta), `${DF}#topology_template.policies[2].init.properties.initial_delta.number_of_instances`, /5 initial instances of vdu1, outside its vdu_profile \(1 to 3\)/);
  const unknown = setYaml(minimalPackage(), DF, [...vdu1, 'type'], 'tosca.nodes.nfv.Vdu.Computer');
  has(problemsOf(unknown), `${NODES}.vdu1.type`, /unknown node type tosca\.nodes\.nfv\.Vdu\.Computer/);
});

test('scaling aspects: deltas must name a defined aspect and exist', () => {
  const files = setYaml(minimalPackage(), DF, ['topology_template', 'policies', 2], {
    aspects: { type: 'tosca.policies.nfv.ScalingAspects', properties: { aspects: { grow: { name: 'grow', max_scale_level: 2, step_deltas: ['d1'] } } } },
  });
  setYaml(files, DF, ['topology_template', 'policies', 3], {
    deltas: { type: 'tosca.policies.nfv.VduScalingAspectDeltas', properties: { aspect: 'shrink', deltas: { d1: { number_of_instances: 1 } } }, targets: ['vdu1'] },
  });
  has(problemsOf(files), `${DF}#topology_template.policies[3].deltas.properties.aspect`, /aspect shrink is not defined/);
  setYaml(files, DF, ['topology_template', 'policies', 3, 'deltas', 'properties'], { aspect: 'grow', deltas: { d2: { number_of_instances: 1 } } });
  has(problemsOf(files), `${DF}#topology_template.policies[3].deltas.properties.deltas`, /delta d1 of aspect grow is missing/);
});

test('every problem of a package is listed, not only the first', () => {
  const files = migrateProperties({ score_threshold: 0.99, destination_strategy: 'nearest', cooldown: 'soon' });
  const paths = problemsOf(files).map((p) => p.path);
  assert.deepEqual(paths.sort(), [`${MIGRATE}.properties.cooldown`, `${MIGRATE}.properties.destination_strategy`, `${MIGRATE}.properties.score_threshold`]);
});
