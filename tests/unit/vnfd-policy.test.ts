import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import express from 'express';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import {
  autoHealEnabledFor,
  DESTINATION_STRATEGIES,
  FALLBACK_ACTIONS,
  PROACTIVE_MIGRATION_DEFAULTS,
} from '../../lcm/vnfd/proactive-migration-policy.ts';
import { bytesToGiB, bytesToMiB, sizeInBytes, timeInSeconds } from '../../lcm/vnfd/tosca-units.ts';
import { problemHandler } from '../../platform/http/error.middleware.ts';
import { DF, DF_SIMPLE, migrateProperties, minimalPackage, parse, problemsOf, setYaml, TOP, TYPES } from '../support/vnfd-packages.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../vnfd-samples');
const TYPE = 'tosca.policies.nfv.ProactiveMigration';
const migration = (files: Map<string, string>) => parse(files).flavours[0].migrationPolicies[0];

test('TOSCA sizes and times: decimal and binary units, case-insensitive, rounded up for Nova', () => {
  assert.equal(sizeInBytes('512 MB'), 512_000_000);
  assert.equal(sizeInBytes('512 MiB'), 536_870_912);
  assert.equal(sizeInBytes('1 gib'), 1_073_741_824);
  assert.equal(sizeInBytes('1.5 kB'), 1500);
  assert.equal(sizeInBytes('512 MBs'), undefined);
  assert.equal(sizeInBytes('MB'), undefined);
  assert.equal(sizeInBytes(512), undefined);
  assert.equal(bytesToMiB(512_000_000), 489); // 488.28 MiB
  assert.equal(bytesToMiB(536_870_912), 512);
  assert.equal(bytesToGiB(1_000_000_000), 1); // 0.93 GiB
  assert.equal(bytesToGiB(20 * 2 ** 30), 20);
  assert.equal(timeInSeconds('10 m'), 600);
  assert.equal(timeInSeconds('2 h'), 7200);
  assert.equal(timeInSeconds('90 S'), 90);
  assert.equal(timeInSeconds('1500 ms'), 1.5);
  assert.equal(timeInSeconds('10 min'), undefined);
});

test('a VDU asking for "512 MB" gets 489 MiB; local storages add up', () => {
  const files = setYaml(minimalPackage(), DF, ['topology_template', 'node_templates', 'vdu2', 'capabilities', 'virtual_compute', 'properties'], {
    virtual_memory: { virtual_mem_size: '512 MB' },
    virtual_cpu: { num_virtual_cpu: 1 },
    virtual_local_storage: [{ size_of_storage: '1 GiB' }, { size_of_storage: '2.5 GB' }],
    requested_additional_capabilities: { small: { requested_additional_capability_name: 'm1.small' } },
  });
  const vdu2 = parse(files).flavours[0].vdus[1];
  assert.deepEqual(vdu2.resources, { vcpus: 1, ramMb: 489, diskGb: 4 });
  assert.equal(vdu2.flavorName, 'm1.small');
  assert.equal(parse(minimalPackage()).flavours[0].vdus[1].flavorName, undefined);
});

test('initial instances: the default instantiation level, else VduInitialDelta, else the minimum', () => {
  const policies = (levels: boolean, defaultLevel: boolean) => {
    const files = minimalPackage();
    setYaml(files, DF, ['topology_template', 'policies', 2], {
      initial: { type: 'tosca.policies.nfv.VduInitialDelta', properties: { initial_delta: { number_of_instances: 3 } }, targets: ['vdu1'] },
    });
    if (!levels) return files;
    setYaml(files, DF, ['topology_template', 'policies', 3], {
      levels: {
        type: 'tosca.policies.nfv.InstantiationLevels',
        properties: { levels: { small: { description: 'small' }, large: { description: 'large' } }, ...(defaultLevel ? { default_level: 'large' } : {}) },
      },
    });
    return setYaml(files, DF, ['topology_template', 'policies', 4], {
      vdu1_levels: { type: 'tosca.policies.nfv.VduInstantiationLevels', properties: { levels: { small: { number_of_instances: 1 }, large: { number_of_instances: 2 } } }, targets: ['vdu1'] },
    });
  };
  const initial = (files: Map<string, string>) => parse(files).flavours[0].vdus.map((v) => [v.vduId, v.instances.initial]);
  assert.deepEqual(initial(policies(true, true)), [['vdu1', 2], ['vdu2', 0]]);
  assert.deepEqual(initial(policies(true, false)), [['vdu1', 3], ['vdu2', 0]]);
  assert.deepEqual(initial(policies(false, false)), [['vdu1', 3], ['vdu2', 0]]);
  assert.deepEqual(initial(minimalPackage()), [['vdu1', 1], ['vdu2', 0]]);
  const flavour = parse(policies(true, true)).flavours[0];
  assert.equal(flavour.defaultInstantiationLevelId, 'large');
  assert.deepEqual(flavour.instantiationLevels, [
    { levelId: 'small', description: 'small', vduInstances: { vdu1: 1 }, scaleLevels: {} },
    { levelId: 'large', description: 'large', vduInstances: { vdu1: 2 }, scaleLevels: {} },
  ]);
});

test('omitted properties take the documented defaults', () => {
  assert.deepEqual(
    { ...PROACTIVE_MIGRATION_DEFAULTS },
    {
      scoreThreshold: 0.8,
      hysteresis: 0.05,
      consecutiveWindows: 2,
      minLeadSeconds: 60,
      cooldownSeconds: 600,
      maxConcurrentPerHost: 1,
      destinationStrategy: 'forecast',
      longFailuresOnly: false,
      fallbackAction: 'none',
    },
  );
  assert.deepEqual(migration(minimalPackage()), {
    name: 'migrate',
    targets: ['vdu1'],
    scoreThreshold: 0.8,
    hysteresis: 0.05,
    consecutiveWindows: 2,
    minLeadSeconds: 60,
    cooldownSeconds: 600,
    maxConcurrentPerHost: 1,
    destinationStrategy: 'forecast',
    longFailuresOnly: false,
    fallbackAction: 'none',
    autoHealEnabled: false,
  });
});

test('every property given: times with units, seconds without', () => {
  const p = migration(
    migrateProperties({
      score_threshold: 0.9,
      hysteresis: 0,
      consecutive_windows: 4,
      min_lead_time: '2 m',
      cooldown: 45,
      max_concurrent_per_host: 3,
      destination_strategy: 'fixed',
      fixed_host: 'compute-b',
      long_failures_only: true,
      fallback_action: 'heal-recreate',
    }),
  );
  assert.deepEqual(
    [p.scoreThreshold, p.hysteresis, p.consecutiveWindows, p.minLeadSeconds, p.cooldownSeconds, p.maxConcurrentPerHost, p.destinationStrategy, p.fixedHost, p.longFailuresOnly, p.fallbackAction],
    [0.9, 0, 4, 120, 45, 3, 'fixed', 'compute-b', true, 'heal-recreate'],
  );
});

test("the type definition's defaults apply before ours, and are checked", () => {
  const types = TYPES.replace('consecutive_windows: { type: integer, required: false }', 'consecutive_windows: { type: integer, default: 3 }');
  assert.equal(migration(minimalPackage().set('Definitions/types.yaml', types)).consecutiveWindows, 3);
  const given = migrateProperties({ consecutive_windows: 5 }).set('Definitions/types.yaml', types);
  assert.equal(migration(given).consecutiveWindows, 5);

  const bad = TYPES.replace('score_threshold: { type: float, required: false }', 'score_threshold: { type: float, default: 0.3 }');
  const problems = problemsOf(minimalPackage().set('Definitions/types.yaml', bad));
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [[`Definitions/types.yaml#policy_types["${TYPE}"].properties.score_threshold.default`, 'must be between 0.5 and 0.95, not 0.3']],
  );
});

test('a policy type derived from ProactiveMigration is one too, with its own defaults', () => {
  const types = `${TYPES}  test.policies.CautiousMigration:
    derived_from: ${TYPE}
    properties:
      score_threshold: { type: float, default: 0.9 }
`;
  const files = minimalPackage().set('Definitions/types.yaml', types);
  setYaml(files, DF, ['topology_template', 'policies', 1, 'migrate', 'type'], 'test.policies.CautiousMigration');
  const p = migration(files);
  assert.equal(p.scoreThreshold, 0.9);
  assert.equal(p.cooldownSeconds, 600);
});

test('is_autoheal_enabled: the flavour, then the top file, then the type default; false when absent', () => {
  assert.equal(migration(minimalPackage()).autoHealEnabled, false);
  const top = TOP.replace('flavour_description: from the top file', 'flavour_description: top\n        configurable_properties: { is_autoheal_enabled: true }');
  assert.equal(migration(minimalPackage().set('Definitions/top.yaml', top)).autoHealEnabled, true);
  const df = DF_SIMPLE.replace(
    '  node_templates:\n',
    '  node_templates:\n    VNF:\n      type: test.VNF\n      properties:\n        configurable_properties: { is_autoheal_enabled: false }\n',
  );
  const both = minimalPackage().set('Definitions/top.yaml', top).set(DF, df);
  assert.equal(migration(both).autoHealEnabled, false);
  assert.deepEqual(parse(both).flavours[0].configurableProperties, { isAutohealEnabled: false, isAutoscaleEnabled: false });
  const typeDefault = TYPES.replace(
    '      flavour_id:\n',
    '      configurable_properties:\n        type: tosca.datatypes.nfv.VnfConfigurableProperties\n        default: { is_autoheal_enabled: true }\n      flavour_id:\n',
  );
  assert.equal(migration(minimalPackage().set('Definitions/types.yaml', typeDefault)).autoHealEnabled, true);
  const notBool = top.replace('is_autoheal_enabled: true', 'is_autoheal_enabled: "yes"');
  assert.match(problemsOf(minimalPackage().set('Definitions/top.yaml', notBool))[0].path, /top\.yaml#topology_template\.node_templates\.VNF\.properties\.configurable_properties\.is_autoheal_enabled$/);
});

test("an instance's isAutohealEnabled wins over the VNFD's is_autoheal_enabled", () => {
  assert.equal(autoHealEnabledFor({ autoHealEnabled: true }), true);
  assert.equal(autoHealEnabledFor({ autoHealEnabled: true }, { isAutohealEnabled: false }), false);
  assert.equal(autoHealEnabledFor({ autoHealEnabled: false }, { isAutohealEnabled: true }), true);
  assert.equal(autoHealEnabledFor({ autoHealEnabled: false }, { isAutoscaleEnabled: true }), false);
});

test('the policy type in each sample declares the constraints and defaults the parser applies', () => {
  for (const [pkg, file] of [
    ['srsepc-aio', 'srsepc_aio_types.yaml'],
    ['vepc-split', 'vepc_split_types.yaml'],
    ['open5gs-core', 'open5gs_core_types.yaml'],
  ]) {
    const doc = parseYaml(readFileSync(path.join(SAMPLES, pkg, 'Definitions', file), 'utf8'));
    const def = doc.policy_types[TYPE];
    assert.equal(def.derived_from, 'tosca.policies.Root', pkg);
    const props = def.properties;
    assert.deepEqual(props.score_threshold.constraints, [{ in_range: [0.5, 0.95] }], pkg);
    assert.deepEqual(props.hysteresis.constraints, [{ in_range: [0, 0.25] }], pkg);
    assert.deepEqual(props.destination_strategy.constraints, [{ valid_values: [...DESTINATION_STRATEGIES] }], pkg);
    assert.deepEqual(props.fallback_action.constraints, [{ valid_values: [...FALLBACK_ACTIONS] }], pkg);
    const d = PROACTIVE_MIGRATION_DEFAULTS;
    assert.deepEqual(
      [props.score_threshold.default, props.hysteresis.default, props.consecutive_windows.default, props.min_lead_time.default, props.cooldown.default],
      [d.scoreThreshold, d.hysteresis, d.consecutiveWindows, `${d.minLeadSeconds} s`, `${d.cooldownSeconds} s`],
      pkg,
    );
    assert.deepEqual(
      [props.max_concurrent_per_host.default, props.destination_strategy.default, props.long_failures_only.default, props.fallback_action.default],
      [d.maxConcurrentPerHost, d.destinationStrategy, d.longFailuresOnly, d.fallbackAction],
      pkg,
    );
    assert.equal(props.fixed_host.default, undefined, pkg);
  }
});

test('a route that throws VnfdError answers 422 ProblemDetails listing the exact paths', async () => {
  const app = express();
  app.post('/vnf_packages', () => {
    parse(migrateProperties({ score_threshold: 0.99, destination_strategy: 'nearest' }));
  });
  app.use(problemHandler);
  const res = await request(app).post('/vnf_packages').expect(422);
  assert.match(res.headers['content-type'], /^application\/problem\+json/);
  const where = `${DF}#topology_template.policies[1].migrate.properties`;
  assert.equal(res.body.status, 422);
  assert.equal(res.body.detail, `Invalid VNFD: ${where}.score_threshold: must be between 0.5 and 0.95, not 0.99 (and 1 more problem).`);
  assert.deepEqual(
    res.body.invalidVnfd.map((p: { path: string }) => p.path),
    [`${where}.score_threshold`, `${where}.destination_strategy`],
  );
  assert.equal(res.body.invalidVnfdCount, 2);
});
