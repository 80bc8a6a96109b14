import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedMigrationSeconds, lcmGuards, monitoredVnfcs, subscribeOperationEnds } from '../../lcm/decision/lcm-adapters.ts';
import type { LcmOperationStatus, VnfcPlacement } from '../../lcm/engine/lcm.port.ts';
import type { Vdu, VnfdModel } from '../../lcm/vnfd/vnfd.types.ts';
import { InProcessEventBus } from '../../platform/bus/in-process-bus.ts';
import { createLogger } from '../../platform/logger.ts';
import { policy } from '../support/decision-fixtures.ts';

const op = (vnfInstanceId: string, operation: string, operationState: LcmOperationStatus['operationState'] = 'PROCESSING'): LcmOperationStatus => ({
  vnfLcmOpOccId: `op-${vnfInstanceId}`, vnfInstanceId, operation, operationState, isAutomaticInvocation: false, startTime: '', stateEnteredTime: '',
});

test('guards: an unfinished SCALE is a scaling in progress, any other unfinished operation an LCM operation', async () => {
  const ops: Record<string, LcmOperationStatus> = { a: op('a', 'HEAL'), b: op('b', 'SCALE'), c: op('c', 'INSTANTIATE', 'FAILED_TEMP') };
  const busy = await lcmGuards({ unfinishedOperation: async (id) => ops[id] }).busy(['a', 'b', 'c', 'd']);
  assert.deepEqual([...busy.lcm].sort(), ['a', 'c']);
  assert.deepEqual([...busy.scaling], ['b']);
});

const vdu = (vduId: string, groups: string[] = []): Vdu => ({
  vduId, name: vduId, description: '', resources: { vcpus: 2, ramMb: 4096, diskGb: 20 }, image: 'img',
  instances: { min: 1, max: 2, initial: 1 }, antiAffinityGroups: groups, virtualLinks: [],
});

const vnfd: VnfdModel = {
  vnfdId: 'vnfd-epc', provider: 'p', productName: 'epc', softwareVersion: '1', descriptorVersion: '1', vnfmInfo: [], packageDir: '/x',
  flavours: [{
    flavourId: 'simple', description: '', scalingAspects: [],
    vdus: [vdu('mme', ['spread']), vdu('spgw', ['spread']), vdu('hss')],
    migrationPolicies: [policy({ targets: ['mme', 'spgw'], autoHealEnabled: true })],
  }],
};

const placement = (vnfcInstanceId: string, vduId: string, o: Partial<VnfcPlacement> = {}): VnfcPlacement => ({
  vnfInstanceId: 'vnf-1', vnfdId: 'vnfd-epc', flavourId: 'simple', vnfcInstanceId, vduId, serverId: `srv-${vnfcInstanceId}`, host: 'compute-a', autoHealEnabled: true, ...o,
});

test('monitored VNFCs: the policy of the VNFD targets the VDU; anti-affinity peers; auto-heal needs the instance opt-in', async () => {
  const placements = [placement('c1', 'mme'), placement('c2', 'spgw', { host: 'compute-b' }), placement('c3', 'hss'), placement('c4', 'mme', { vnfInstanceId: 'vnf-2', autoHealEnabled: false })];
  let reads = 0;
  let now = 0;
  const vnfcs = monitoredVnfcs({
    lcm: { listVnfcPlacements: async () => (reads++, placements) },
    catalogue: { get: (id) => (id === vnfd.vnfdId ? vnfd : undefined) },
    clock: () => now,
  });
  const keys = ['c1', 'c2', 'c3'].map((c) => ({ vnfInstanceId: 'vnf-1', vnfcInstanceId: c }));
  const got = await vnfcs.resolve([...keys, { vnfInstanceId: 'vnf-2', vnfcInstanceId: 'c4' }]);
  assert.deepEqual([...got.keys()].sort(), ['vnf-1/c1', 'vnf-1/c2', 'vnf-2/c4'], 'hss has no policy');
  const c1 = got.get('vnf-1/c1')!;
  assert.deepEqual(c1.antiAffinityGroup, ['srv-c2']);
  assert.equal(c1.policy.autoHealEnabled, true);
  assert.equal(got.get('vnf-2/c4')!.policy.autoHealEnabled, false);
  assert.ok(c1.expectedMigrationSeconds > 1 && c1.expectedMigrationSeconds < 10, `${c1.expectedMigrationSeconds}`);
  await vnfcs.resolve(keys);
  assert.equal(reads, 1, 'placements are read once per tick');
  now = 5000;
  await vnfcs.resolve(keys);
  assert.equal(reads, 2);
});

test('expected migration time grows with memory and shrinks with bandwidth', () => {
  const small = expectedMigrationSeconds({ vcpus: 1, ramMb: 1024, diskGb: 1 });
  const big = expectedMigrationSeconds({ vcpus: 1, ramMb: 16_384, diskGb: 1 });
  const slow = expectedMigrationSeconds({ vcpus: 1, ramMb: 16_384, diskGb: 1 }, { bandwidthMBps: 119, dirtyRateMBps: 50, setupMs: 1000 });
  assert.ok(small < big && big < slow, `${small} ${big} ${slow}`);
});

test('the end of an operation frees its migration slot; an operation still running does not', async () => {
  const bus = new InProcessEventBus(createLogger('silent'));
  const finished: string[] = [];
  await subscribeOperationEnds(bus, { operationFinished: (id) => finished.push(id) });
  const publish = (s: LcmOperationStatus) => bus.publish({ id: crypto.randomUUID(), topic: `lcm.opocc.${s.operationState.toLowerCase()}`, occurredAt: '', payload: s });
  await publish(op('a', 'HEAL', 'PROCESSING'));
  await publish(op('b', 'HEAL', 'COMPLETED'));
  await publish(op('c', 'HEAL', 'FAILED_TEMP'));
  assert.deepEqual(finished, ['op-b', 'op-c']);
  await bus.close();
});
