import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildEntityIndex, resolveName } from '../../fault-mgmt/registry/entity-index.ts';
import type { RegistryEntity } from '../../fault-mgmt/registry/registry-entity.ts';

const VM_A = '6f1c7d52-3a5e-4c1b-9a1e-0c8d2f3b4a51';
const VM_B = '9b2e8c41-7d6f-4e2a-8b3c-1d9e0f2a3b62';
const ENTITIES: RegistryEntity[] = [
  { kind: 'host', name: 'compute-a' },
  { kind: 'vm', id: VM_A, name: 'epc-1', aliases: ['instance-0000000a'], host: 'compute-a' },
  { kind: 'vm', id: VM_B, name: 'epc-2', host: 'compute-b' },
  { kind: 'vnf', id: 'c70aaf4f-bc94-44aa-9de5-861909b0efa0', name: 'vepc' },
  { kind: 'vnfc', id: `VDU1-${VM_A}`, vnfInstanceId: 'c70aaf4f-bc94-44aa-9de5-861909b0efa0', vm: VM_A },
  { kind: 'vnfc', id: `VDU2-${VM_B}`, vnfInstanceId: 'c70aaf4f-bc94-44aa-9de5-861909b0efa0', vm: VM_B },
];
const { index } = buildEntityIndex(ENTITIES);

test('a host resolves by its exact name', () => {
  assert.deepEqual(resolveName(index, 'compute-a'), { entity: { kind: 'host', id: 'compute-a' }, host: 'compute-a', known: true });
  assert.equal(resolveName(index, 'Compute-A').known, false, 'names are case-sensitive');
});

test('a VM resolves by server id, name or libvirt alias to its host, VNF and VNFC', () => {
  const want = {
    entity: { kind: 'vm', id: VM_A },
    host: 'compute-a',
    vm: VM_A,
    vnfInstanceId: 'c70aaf4f-bc94-44aa-9de5-861909b0efa0',
    vnfcInstanceId: `VDU1-${VM_A}`,
    known: true,
  };
  assert.deepEqual(resolveName(index, VM_A, 'vm'), want);
  assert.deepEqual(resolveName(index, 'epc-1'), want);
  assert.deepEqual(resolveName(index, 'instance-0000000a', 'vm'), want);
  assert.equal(resolveName(index, 'instance-0000000b', 'vm').known, false);
});

test('the host a registered VM runs on is a known host even when not listed', () => {
  assert.deepEqual(resolveName(index, 'compute-b'), { entity: { kind: 'host', id: 'compute-b' }, host: 'compute-b', known: true });
});

test('a VNF instance resolves by id or name', () => {
  const want = { entity: { kind: 'vnf', id: 'c70aaf4f-bc94-44aa-9de5-861909b0efa0' }, vnfInstanceId: 'c70aaf4f-bc94-44aa-9de5-861909b0efa0', known: true };
  assert.deepEqual(resolveName(index, 'vepc'), want);
  assert.deepEqual(resolveName(index, 'c70aaf4f-bc94-44aa-9de5-861909b0efa0'), want);
});

test('unknown names are kept as given, as a host unless the hint says vm', () => {
  assert.deepEqual(resolveName(index, 'compute-z'), { entity: { kind: 'host', id: 'compute-z' }, host: 'compute-z', known: false });
  assert.deepEqual(resolveName(index, 'instance-00000099', 'vm'), { entity: { kind: 'vm', id: 'instance-00000099' }, vm: 'instance-00000099', known: false });
});

test('the hint decides between a host and a VM of the same name', () => {
  const { index: both } = buildEntityIndex([{ kind: 'host', name: 'twin' }, { kind: 'vm', id: VM_A, name: 'twin' }]);
  assert.equal(resolveName(both, 'twin').entity.kind, 'host');
  assert.equal(resolveName(both, 'twin', 'vm').entity.kind, 'vm');
});

test('VMs of a VNF come from its VNFCs', () => {
  assert.deepEqual(index.vmsByVnf.get('c70aaf4f-bc94-44aa-9de5-861909b0efa0'), [VM_A, VM_B]);
});

test('a name shared by two VMs is reported and resolves to the smaller server id; an id beats a name', () => {
  const built = buildEntityIndex([
    { kind: 'vm', id: VM_B, name: 'dup' },
    { kind: 'vm', id: VM_A, name: 'dup', aliases: [VM_B] },
  ]);
  assert.deepEqual(built.ambiguous, ['dup']);
  assert.equal(resolveName(built.index, 'dup').vm, VM_A);
  assert.equal(resolveName(built.index, VM_B).vm, VM_B, "another VM's alias never shadows a server id");
});
