import type { VnfdModel } from '../../lcm/vnfd/vnfd.types.ts';
import type { VnfdLookup } from '../../lcm/engine/operation-engine.ts';

/** The vnfdId the Tacker CLI samples use (../shared/samples/tackerclient-requests.txt). */
export const SAMPLE_VNFD_ID = 'b1bb0ce7-ebca-4fa7-95ed-4840d7000000';

const policy = {
  name: 'proactive',
  targets: ['VDU1'],
  scoreThreshold: 0.7,
  hysteresis: 0.1,
  consecutiveWindows: 2,
  minLeadSeconds: 30,
  cooldownSeconds: 300,
  maxConcurrentPerHost: 1,
  destinationStrategy: 'least-loaded' as const,
  longFailuresOnly: false,
  fallbackAction: 'heal-recreate' as const,
  autoHealEnabled: true,
};

/**
 * A small VNFD as lcm/vnfd/ parses them: flavour `simple` with VDU1 (one instance, scalable
 * by aspect VDU1_scale up to level 2) and VDU2 (one instance), both in one anti-affinity group.
 * VDU1 has an external CP (VDU1_CP1) and a CP on the internal link internalVL1; VDU2 one CP.
 */
export const SAMPLE_VNFD: VnfdModel = {
  vnfdId: SAMPLE_VNFD_ID,
  provider: 'Company',
  productName: 'Sample VNF',
  softwareVersion: '1.0',
  descriptorVersion: '1.2',
  vnfmInfo: ['Tacker'],
  packageDir: '/nonexistent/sample-vnf',
  flavours: [
    {
      flavourId: 'simple',
      description: 'simple flavour',
      vdus: [
        {
          vduId: 'VDU1',
          name: 'vdu1',
          description: 'front',
          resources: { vcpus: 1, ramMb: 512, diskGb: 1 },
          image: 'cirros-0.6',
          instances: { min: 1, max: 3, initial: 1 },
          antiAffinityGroups: ['spread'],
          virtualLinks: ['internalVL1'],
          connectionPoints: [
            { cpdId: 'VDU1_CP1', externalRequirement: 'virtual_link_external1', order: 0 },
            { cpdId: 'VDU1_CP2', virtualLink: 'internalVL1', order: 1 },
          ],
        },
        {
          vduId: 'VDU2',
          name: 'vdu2',
          description: 'back',
          resources: { vcpus: 1, ramMb: 512, diskGb: 1 },
          image: 'cirros-0.6',
          instances: { min: 1, max: 1, initial: 1 },
          antiAffinityGroups: ['spread'],
          virtualLinks: [],
          connectionPoints: [{ cpdId: 'VDU2_CP1', order: 0 }],
        },
      ],
      virtualLinks: ['internalVL1'],
      migrationPolicies: [policy],
      scalingAspects: [{ aspectId: 'VDU1_scale', name: 'VDU1_scale', maxScaleLevel: 2, deltas: { VDU1: 1 } }],
      configurableProperties: { isAutohealEnabled: true, isAutoscaleEnabled: false },
      instantiationLevels: [
        { levelId: 'instantiation_level_1', description: 'smallest', vduInstances: { VDU1: 1, VDU2: 1 }, scaleLevels: { VDU1_scale: 0 } },
        { levelId: 'instantiation_level_2', description: 'larger', vduInstances: { VDU1: 2, VDU2: 1 }, scaleLevels: { VDU1_scale: 1 } },
      ],
      defaultInstantiationLevelId: 'instantiation_level_1',
    },
  ],
};

export function vnfdLookup(...vnfds: VnfdModel[]): VnfdLookup & { readonly lookups: string[] } {
  const lookups: string[] = [];
  const all = vnfds.length ? vnfds : [SAMPLE_VNFD];
  return {
    lookups,
    get(id: string) {
      lookups.push(id);
      return all.find((v) => v.vnfdId === id);
    },
  };
}
