import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadVnfPackage } from '../../lcm/vnfd/vnfd-package.ts';
import type { ProactiveMigrationPolicy, VnfFlavour } from '../../lcm/vnfd/vnfd.types.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../vnfd-samples');
const TINY = { vcpus: 1, ramMb: 512, diskGb: 1 };

const flavour = (flavours: readonly VnfFlavour[], id: string) => flavours.find((f) => f.flavourId === id)!;
/** Per VDU: [flavor, image, resources, min, max, initial, anti-affinity groups, virtual links]. */
const vduSummary = (f: VnfFlavour) =>
  Object.fromEntries(
    f.vdus.map((v) => [v.vduId, [v.flavorName, v.image, v.resources, v.instances.min, v.instances.max, v.instances.initial, v.antiAffinityGroups, v.virtualLinks]]),
  );
const policy = (p: Partial<ProactiveMigrationPolicy> & Pick<ProactiveMigrationPolicy, 'name' | 'targets'>): ProactiveMigrationPolicy => ({
  scoreThreshold: 0.8,
  hysteresis: 0.05,
  consecutiveWindows: 2,
  minLeadSeconds: 60,
  cooldownSeconds: 600,
  maxConcurrentPerHost: 1,
  destinationStrategy: 'forecast',
  longFailuresOnly: false,
  fallbackAction: 'none',
  autoHealEnabled: true,
  ...p,
});

test('srsepc-aio: one srsEPC VDU on m1.tiny with its migration policy', async () => {
  const vnfd = await loadVnfPackage(path.join(SAMPLES, 'srsepc-aio'));
  assert.deepEqual(vnfd, {
    vnfdId: 'eea26f08-8835-4d85-903b-0bf62837c513',
    provider: 'srsRAN',
    productName: 'srsEPC all-in-one',
    softwareVersion: '22.10',
    descriptorVersion: '1.0',
    vnfmInfo: ['Tacker'],
    packageDir: path.join(SAMPLES, 'srsepc-aio'),
    flavours: [
      {
        flavourId: 'simple',
        description: 'One srsEPC VM on m1.tiny, migrated ahead of host failures',
        vdus: [
          {
            vduId: 'epc',
            name: 'srsepc',
            description: 'srsEPC (MME, HSS, S-GW, P-GW) in one VM',
            flavorName: 'm1.tiny',
            resources: TINY,
            image: 'tiny',
            instances: { min: 1, max: 2, initial: 1 },
            antiAffinityGroups: ['epc_instances_apart'],
            virtualLinks: ['sgi'],
            connectionPoints: [
              { cpdId: 'epc_s1', externalRequirement: 'virtual_link_external', order: 0 },
              { cpdId: 'epc_sgi', virtualLink: 'sgi', order: 1 },
            ],
          },
        ],
        migrationPolicies: [
          policy({
            name: 'epc_proactive_migration',
            targets: ['epc'],
            scoreThreshold: 0.7,
            minLeadSeconds: 30,
            cooldownSeconds: 600,
            fallbackAction: 'heal-recreate',
          }),
        ],
        scalingAspects: [],
        configurableProperties: { isAutohealEnabled: true, isAutoscaleEnabled: false },
        placementRules: [{ name: 'epc_instances_apart', kind: 'anti-affinity', scope: 'nfvi_node', targets: ['epc'] }],
        instantiationLevels: [],
        virtualLinks: ['sgi'],
      },
    ],
  });
});

test('vepc-split: MME, S-GW and P-GW apart, the S-GW scales, two flavours', async () => {
  const vnfd = await loadVnfPackage(path.join(SAMPLES, 'vepc-split'));
  assert.equal(vnfd.vnfdId, '2676eb93-f5c3-47d3-a6d6-f82403de0cbd');
  assert.equal(vnfd.productName, 'srsEPC split');
  assert.equal(vnfd.descriptorVersion, '1.1');
  assert.deepEqual(vnfd.flavours.map((f) => f.flavourId), ['simple', 'ha']);

  const simple = flavour(vnfd.flavours, 'simple');
  assert.deepEqual(vduSummary(simple), {
    mme: ['m1.tiny', 'tiny', TINY, 1, 1, 1, ['mme_sgw_apart'], ['s11']],
    sgw: ['m1.tiny', 'tiny', TINY, 1, 3, 1, ['mme_sgw_apart'], ['s11', 's5']],
    pgw: ['m1.tiny', 'tiny', TINY, 1, 1, 1, [], ['s5']],
  });
  assert.deepEqual(simple.scalingAspects, [
    { aspectId: 'sgw_scale', name: 'sgw_scale', description: 'S-GW instances for more eNodeBs', maxScaleLevel: 2, deltas: { sgw: 1 } },
  ]);
  assert.equal(simple.defaultInstantiationLevelId, 'instantiation_level_1');
  assert.deepEqual(simple.instantiationLevels, [
    { levelId: 'instantiation_level_1', description: 'One S-GW', vduInstances: { sgw: 1 }, scaleLevels: { sgw_scale: 0 } },
    { levelId: 'instantiation_level_2', description: 'Two S-GWs', vduInstances: { sgw: 2 }, scaleLevels: { sgw_scale: 1 } },
  ]);
  assert.deepEqual(simple.migrationPolicies, [
    policy({
      name: 'control_plane_migration',
      targets: ['mme', 'sgw'],
      scoreThreshold: 0.6,
      consecutiveWindows: 3,
      minLeadSeconds: 45,
      cooldownSeconds: 300,
      fallbackAction: 'heal-recreate',
    }),
    policy({ name: 'user_plane_migration', targets: ['pgw'], scoreThreshold: 0.75, destinationStrategy: 'least-loaded', longFailuresOnly: true }),
  ]);
  assert.deepEqual(
    simple.vdus.flatMap((v) => v.connectionPoints ?? []).filter((cp) => cp.externalRequirement).map((cp) => [cp.cpdId, cp.externalRequirement]),
    [
      ['mme_s1', 'virtual_link_s1_mme'],
      ['sgw_s1u', 'virtual_link_s1_u'],
      ['pgw_sgi', 'virtual_link_sgi'],
    ],
  );

  const ha = flavour(vnfd.flavours, 'ha');
  const image = 'srsepc-22.10';
  assert.deepEqual(vduSummary(ha), {
    mme: ['vepc.mme', image, { vcpus: 2, ramMb: 2048, diskGb: 10 }, 2, 2, 2, ['functions_apart'], ['s11']],
    sgw: ['vepc.sgw', image, { vcpus: 2, ramMb: 1024, diskGb: 10 }, 2, 4, 2, ['functions_apart'], ['s11', 's5']],
    pgw: ['vepc.pgw', image, { vcpus: 4, ramMb: 4096, diskGb: 20 }, 2, 2, 2, ['functions_apart'], ['s5']],
  });
  // The PlacementGroup target stands for its members.
  assert.deepEqual(ha.placementRules, [{ name: 'functions_apart', kind: 'anti-affinity', scope: 'nfvi_node', targets: ['mme', 'sgw', 'pgw'] }]);
  assert.deepEqual(ha.migrationPolicies, [
    policy({
      name: 'epc_proactive_migration',
      targets: ['mme', 'sgw', 'pgw'],
      hysteresis: 0.1,
      minLeadSeconds: 120,
      cooldownSeconds: 900,
      maxConcurrentPerHost: 2,
      fallbackAction: 'heal-recreate',
    }),
  ]);
});

test('open5gs-core: NRF, AMF, SMF, UPF; the ha flavour leaves auto-heal to the instance', async () => {
  const vnfd = await loadVnfPackage(path.join(SAMPLES, 'open5gs-core'));
  assert.equal(vnfd.vnfdId, '7b49efec-aaa7-45ef-bc49-25fc920cc50e');
  assert.equal(vnfd.provider, 'Open5GS');
  assert.equal(vnfd.softwareVersion, '2.7.2');

  const simple = flavour(vnfd.flavours, 'simple');
  assert.deepEqual(vduSummary(simple), {
    nrf: ['m1.tiny', 'tiny', TINY, 1, 1, 1, [], ['sbi']],
    amf: ['m1.tiny', 'tiny', TINY, 1, 1, 1, [], ['sbi']],
    smf: ['m1.tiny', 'tiny', TINY, 1, 1, 1, [], ['sbi', 'n4']],
    upf: ['m1.tiny', 'tiny', TINY, 1, 2, 1, ['upf_instances_apart'], ['n4']],
  });
  assert.deepEqual(simple.configurableProperties, { isAutohealEnabled: true, isAutoscaleEnabled: false });
  // No targets: the policy covers every VDU of the flavour.
  assert.deepEqual(simple.migrationPolicies, [
    policy({ name: 'core_migration', targets: ['nrf', 'amf', 'smf', 'upf'], scoreThreshold: 0.7, minLeadSeconds: 30, fallbackAction: 'heal-recreate' }),
  ]);
  assert.deepEqual(simple.scalingAspects.map((a) => [a.aspectId, a.maxScaleLevel, a.deltas]), [['upf_scale', 1, { upf: 1 }]]);

  const ha = flavour(vnfd.flavours, 'ha');
  assert.deepEqual(ha.configurableProperties, { isAutohealEnabled: false, isAutoscaleEnabled: false });
  assert.deepEqual(
    ha.vdus.map((v) => [v.vduId, v.flavorName, v.resources, v.instances]),
    [
      ['nrf', 'open5gs.cp', { vcpus: 1, ramMb: 1024, diskGb: 10 }, { min: 1, max: 1, initial: 1 }],
      ['amf', 'open5gs.cp', { vcpus: 2, ramMb: 2048, diskGb: 10 }, { min: 2, max: 2, initial: 2 }],
      ['smf', 'open5gs.cp', { vcpus: 2, ramMb: 2048, diskGb: 10 }, { min: 2, max: 2, initial: 2 }],
      ['upf', 'open5gs.up', { vcpus: 4, ramMb: 4096, diskGb: 20 }, { min: 2, max: 4, initial: 2 }],
    ],
  );
  assert.equal(ha.defaultInstantiationLevelId, 'pairs');
  assert.deepEqual(
    ha.instantiationLevels?.map((l) => [l.levelId, l.vduInstances]),
    [
      ['pairs', { nrf: 1, amf: 2, smf: 2, upf: 2 }],
      ['three_upfs', { nrf: 1, amf: 2, smf: 2, upf: 3 }],
    ],
  );
  assert.deepEqual(ha.migrationPolicies, [
    policy({
      name: 'control_plane_migration',
      targets: ['nrf', 'amf', 'smf'],
      maxConcurrentPerHost: 2,
      destinationStrategy: 'least-loaded',
      fallbackAction: 'heal-recreate',
      autoHealEnabled: false,
    }),
    policy({
      name: 'user_plane_migration',
      targets: ['upf'],
      scoreThreshold: 0.65,
      hysteresis: 0.1,
      consecutiveWindows: 1,
      minLeadSeconds: 20,
      cooldownSeconds: 300,
      destinationStrategy: 'fixed',
      fixedHost: 'compute-spare',
      autoHealEnabled: false,
    }),
  ]);
});

test('every sample has a flavour that boots on the OpenStack test bed (image tiny, flavor m1.tiny)', async () => {
  for (const name of ['srsepc-aio', 'vepc-split', 'open5gs-core']) {
    const vnfd = await loadVnfPackage(path.join(SAMPLES, name));
    const bootable = vnfd.flavours.filter((f) => f.vdus.every((v) => v.image === 'tiny' && v.flavorName === 'm1.tiny'));
    assert.ok(bootable.length > 0, name);
    assert.ok(vnfd.flavours.every((f) => f.migrationPolicies.length > 0), `${name}: every flavour has a ProactiveMigration policy`);
  }
});
