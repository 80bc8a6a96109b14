import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cpNetworksOf, externalLinkInfoOf, externalLinkProblems, externalLinksOf, networksOf } from '../../lcm/engine/plans/vnfc-networks.ts';
import type { Vdu } from '../../lcm/vnfd/vnfd.types.ts';
import { DF, minimalPackage, parse, setYaml } from '../support/vnfd-packages.ts';

const VDU: Pick<Vdu, 'connectionPoints'> = {
  connectionPoints: [
    { cpdId: 'mgmt', externalRequirement: 'virtual_link_external' },
    { cpdId: 's1', virtualLink: 's1_vl' },
    { cpdId: 'spare' },
  ],
};
const FLAVOUR = { flavourId: 'df', virtualLinks: ['s1_vl'], vdus: [VDU as Vdu] };

describe('networks of a VDU', () => {
  test('extCps by VduCp name or by its substitution requirement; managed links by virtual link; a CP without either gets no NIC', () => {
    const links = {
      extVirtualLinks: [{ id: 'e1', resourceId: 'net-mgmt', extCps: [{ cpdId: 'virtual_link_external' }] }],
      extManagedVirtualLinks: [{ id: 'm1', vnfVirtualLinkDescId: 's1_vl', resourceId: 'net-s1' }],
    };
    assert.deepEqual(cpNetworksOf(VDU, links), [
      { cpdId: 'mgmt', network: 'net-mgmt' },
      { cpdId: 's1', network: 'net-s1' },
    ]);
    assert.deepEqual(networksOf(VDU, { extVirtualLinks: [{ id: 'e', resourceId: 'n', extCps: [{ cpdId: 'spare' }] }] }), ['n']);
    assert.deepEqual(networksOf(VDU, {}), []);
    assert.deepEqual(networksOf({}, links), [], 'a VDU without CPs');
  });

  test('the links survive the round trip through instantiatedVnfInfo', () => {
    const links = {
      extVirtualLinks: [{ id: 'e1', resourceId: 'net-mgmt', extCps: [{ cpdId: 'mgmt' }] }],
      extManagedVirtualLinks: [{ id: 'm1', vnfVirtualLinkDescId: 's1_vl', resourceId: 'net-s1' }],
    };
    const info = { flavourId: 'df', vnfState: 'STARTED' as const, ...externalLinkInfoOf(links) };
    assert.deepEqual(networksOf(VDU, externalLinksOf(info)), networksOf(VDU, links));
    assert.deepEqual(externalLinkInfoOf({}), {}, 'nothing when no links were given');
    assert.deepEqual(networksOf(VDU, externalLinksOf(undefined)), []);
  });

  test('problems name the path: unknown CP, unknown virtual link, a CP or a link given twice', () => {
    assert.deepEqual(externalLinkProblems(FLAVOUR, { extVirtualLinks: [{ id: 'e', resourceId: 'n', extCps: [{ cpdId: 'mgmt' }, { cpdId: 'virtual_link_external' }] }] }), []);
    assert.deepEqual(
      externalLinkProblems(FLAVOUR, {
        extVirtualLinks: [
          { id: 'a', resourceId: 'n', extCps: [{ cpdId: 'x' }, { cpdId: 's1' }] },
          { id: 'b', resourceId: 'n', extCps: [{ cpdId: 's1' }] },
        ],
        extManagedVirtualLinks: [
          { id: 'm', vnfVirtualLinkDescId: 's1_vl', resourceId: 'n' },
          { id: 'm2', vnfVirtualLinkDescId: 's1_vl', resourceId: 'n' },
          { id: 'm3', vnfVirtualLinkDescId: 'other', resourceId: 'n' },
        ],
      }),
      [
        'extVirtualLinks[0].extCps[0].cpdId: x is not a connection point of flavour df',
        'extVirtualLinks[1].extCps[0].cpdId: s1 is already on extVirtualLinks[0]',
        'extManagedVirtualLinks[1].vnfVirtualLinkDescId: s1_vl is already managed by extManagedVirtualLinks[0]',
        'extManagedVirtualLinks[2].vnfVirtualLinkDescId: other is not a virtual link of flavour df',
      ],
    );
  });
});

test('the parser lists a VDU\'s CPs in their SOL001 `order`, whatever their order in the file', () => {
  const files = minimalPackage();
  const nodes = ['topology_template', 'node_templates'];
  setYaml(files, DF, [...nodes, 'vdu1_cp', 'properties'], { layer_protocols: ['ipv4'], order: 1 });
  setYaml(files, DF, [...nodes, 'vdu1_cp0'], { type: 'tosca.nodes.nfv.VduCp', properties: { layer_protocols: ['ipv4'], order: 0 }, requirements: [{ virtual_binding: 'vdu1' }] });
  const vdu1 = parse(files).flavours[0].vdus.find((v) => v.vduId === 'vdu1')!;
  assert.deepEqual(
    vdu1.connectionPoints?.map((c) => [c.cpdId, c.order]),
    [
      ['vdu1_cp0', 0],
      ['vdu1_cp', 1],
    ],
  );
});
