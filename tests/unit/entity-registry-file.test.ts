import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEntitiesFile } from '../../fault-mgmt/registry/registry-entity.ts';

const FILE = `
hosts:
  - name: compute-a
vms:
  - id: 6f1c7d52-3a5e-4c1b-9a1e-0c8d2f3b4a51
    name: epc-1
    aliases: [instance-0000000a]
    host: compute-a
vnfs:
  - id: c70aaf4f-bc94-44aa-9de5-861909b0efa0
    name: vepc
    vnfcs:
      - id: VDU1-6f1c7d52-3a5e-4c1b-9a1e-0c8d2f3b4a51
        vm: 6f1c7d52-3a5e-4c1b-9a1e-0c8d2f3b4a51
`;

test('the entities file gives hosts, VMs, VNFs and their VNFCs', () => {
  assert.deepEqual(parseEntitiesFile(FILE, 'entities.yaml'), [
    { kind: 'host', name: 'compute-a' },
    { kind: 'vm', id: '6f1c7d52-3a5e-4c1b-9a1e-0c8d2f3b4a51', name: 'epc-1', aliases: ['instance-0000000a'], host: 'compute-a' },
    { kind: 'vnf', id: 'c70aaf4f-bc94-44aa-9de5-861909b0efa0', name: 'vepc' },
    {
      kind: 'vnfc',
      id: 'VDU1-6f1c7d52-3a5e-4c1b-9a1e-0c8d2f3b4a51',
      vnfInstanceId: 'c70aaf4f-bc94-44aa-9de5-861909b0efa0',
      vm: '6f1c7d52-3a5e-4c1b-9a1e-0c8d2f3b4a51',
    },
  ]);
  assert.deepEqual(parseEntitiesFile('', 'empty.yaml'), []);
});

test('every mistake names the file and the entry', () => {
  const cases: [string, RegExp][] = [
    ['hosts: [{}]', /^e\.yaml: hosts\[0\]: name is required$/],
    ['hosts: [{name: a, ip: 1}]', /^e\.yaml: hosts\[0\]: unknown field ip/],
    ['vms: [{name: x}]', /^e\.yaml: vms\[0\]: id is required$/],
    ['vms: [{id: a, aliases: x}]', /^e\.yaml: vms\[0\]: aliases must be a list/],
    ['vms: [{id: a, aliases: [""]}]', /^e\.yaml: vms\[0\]: aliases\[0\] must be a non-empty string/],
    ['vms: [{id: a}, {id: a}]', /^e\.yaml: vms\[1\]: vm a is already listed at vms\[0\]$/],
    ['vnfs: [{id: v, vnfcs: [{id: c}]}]', /^e\.yaml: vnfs\[0\]\.vnfcs\[0\]: vm is required$/],
    ['vnfs: [{id: v, vnfcs: {id: c}}]', /^e\.yaml: vnfs\[0\]\.vnfcs must be a list$/],
    ['vnfs: [{id: v, vnfcs: [{id: c, vm: s, vnfInstanceId: w}]}]', /vnfs\[0\]\.vnfcs\[0\]: vnfInstanceId is not set here/],
    ['vnfs: [{name: v}]', /^e\.yaml: vnfs\[0\]: id is required$/],
    ['hosts: {name: a}', /^e\.yaml: hosts must be a list$/],
    ['servers: []', /^e\.yaml: unknown field servers/],
    ['- a', /^e\.yaml: expected a mapping/],
    ['hosts: [', /^e\.yaml: not valid YAML/],
    ['hosts: [{name: " a"}]', /surrounding blanks/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseEntitiesFile(text, 'e.yaml'), { name: 'EntitiesFileError', message }, text);
});
