import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankLeastLoaded, type MigrationCandidate } from '../../lcm/engine/destination-chooser.ts';
import { rollbackRefusal, type OperationPlan } from '../../lcm/engine/operation-step.ts';
import { healTargets } from '../../lcm/engine/plans/heal.plan.ts';
import { antiAffinityGroups, vduCounts } from '../../lcm/engine/plans/instantiate.plan.ts';
import { mergePatch, modifiedInstance } from '../../lcm/engine/plans/modify-info.plan.ts';
import { vnfcsToRemove } from '../../lcm/engine/plans/scale.plan.ts';
import { notificationStatus } from '../../lcm/notifications/lcm-notifications.ts';
import { withoutVimSecrets, type VnfInstance } from '../../lcm/instances/vnf-instance.types.ts';
import { checkHeal, checkScale } from '../../lcm/requests/lcm-request-checks.ts';
import type { VimHost } from '../../lcm/vim/vim.port.ts';
import { BadRequest, Conflict } from '../../platform/http/problem-details.ts';
import { SAMPLE_VNFD } from '../support/lcm-vnfd-fixture.ts';
import { emptyProgress, type VnfLcmOpOcc } from '../../lcm/op-occs/lcm-op-occ.types.ts';

const flavour = SAMPLE_VNFD.flavours[0];
const vnfc = (id: string, vduId: string, host: string) => ({
  id,
  vduId,
  computeResource: { resourceId: `srv-${id}` },
  metadata: { host, serverGroupId: 'g1' },
});
const instance: VnfInstance = {
  id: '0c9f4c3e-7d1a-4b8e-9c2f-1e2d3c4b5a69',
  vnfdId: SAMPLE_VNFD.vnfdId,
  vnfProvider: 'Company',
  vnfProductName: 'Sample VNF',
  vnfSoftwareVersion: '1.0',
  vnfdVersion: '1.2',
  instantiationState: 'INSTANTIATED',
  vnfInstanceName: 'a',
  instantiatedVnfInfo: {
    flavourId: 'simple',
    vnfState: 'STARTED',
    scaleStatus: [{ aspectId: 'VDU1_scale', scaleLevel: 1 }],
    maxScaleLevels: [{ aspectId: 'VDU1_scale', scaleLevel: 2 }],
    vnfcResourceInfo: [vnfc('VDU1-a', 'VDU1', 'h1'), vnfc('VDU1-b', 'VDU1', 'h2'), vnfc('VDU2-a', 'VDU2', 'h3')],
    vnfcInfo: [{ id: 'VDU1-a', vduId: 'VDU1', vnfcResourceInfoId: 'VDU1-a', vnfcState: 'STARTED' }],
  },
  _links: { self: { href: 'http://x/vnflcm/v2/vnf_instances/0c9f' } },
};

test('instances per VDU follow the instantiation level, else the default level', () => {
  assert.deepEqual(vduCounts(flavour, 'instantiation_level_2'), { VDU1: 2, VDU2: 1 });
  assert.deepEqual(vduCounts(flavour, undefined), { VDU1: 1, VDU2: 1 });
  assert.deepEqual([...antiAffinityGroups(flavour)], [['spread', ['VDU1', 'VDU2']]]);
});

test('scale in removes the newest VNFCs of the aspect VDUs, delta x steps', () => {
  const all = instance.instantiatedVnfInfo!.vnfcResourceInfo!;
  assert.deepEqual(vnfcsToRemove(all, flavour.scalingAspects[0], 1).map((r) => r.id), ['VDU1-b']);
  assert.deepEqual(vnfcsToRemove(all, flavour.scalingAspects[0], 2).map((r) => r.id), ['VDU1-a', 'VDU1-b']);
});

test('heal targets: by vnfcInfo or vnfcResourceInfo id; none named means all', () => {
  assert.deepEqual(healTargets(instance, ['VDU1-a']).map((r) => r.id), ['VDU1-a']);
  assert.deepEqual(healTargets(instance, undefined).map((r) => r.id), ['VDU1-a', 'VDU1-b', 'VDU2-a']);
});

test('heal checks: unknown VNFC, healType, targetHost without live-migrate, not instantiated', () => {
  assert.throws(() => checkHeal(instance, { vnfcInstanceId: ['nope'] }), (e: BadRequest) => /vnfcInstanceId\(nope\) does not exist/.test(e.detail));
  assert.throws(() => checkHeal(instance, { additionalParams: { healType: 'teleport' } }), BadRequest);
  assert.throws(() => checkHeal(instance, { additionalParams: { targetHost: 'h2' } }), BadRequest);
  assert.throws(() => checkHeal(instance, { additionalParams: { all: 'yes' } }), BadRequest);
  assert.throws(() => checkHeal({ ...instance, instantiationState: 'NOT_INSTANTIATED' }, {}), Conflict);
  assert.ok(checkHeal(instance, { vnfcInstanceId: ['VDU1-a'], additionalParams: { healType: 'live-migrate', targetHost: 'h9' } }));
});

test('scale checks: unknown aspect and levels outside 0..max are 400', () => {
  assert.throws(() => checkScale(instance, { type: 'SCALE_OUT', aspectId: 'nope' }), /Invalid aspectId/);
  assert.throws(() => checkScale(instance, { type: 'SCALE_OUT', aspectId: 'VDU1_scale', numberOfSteps: 2 }), /outside 0..2/);
  assert.throws(() => checkScale(instance, { type: 'SCALE_IN', aspectId: 'VDU1_scale', numberOfSteps: 2 }), /outside 0..2/);
  assert.equal(checkScale(instance, { type: 'SCALE_OUT', aspectId: 'VDU1_scale' }).numberOfSteps, 1);
});

test('least-loaded destination: up, not the source, not a group member host, with room; most free memory first', () => {
  const host = (name: string, usedRam: number, state: 'up' | 'down' = 'up'): VimHost => ({
    name,
    availabilityZone: 'nova',
    aggregates: [],
    state,
    capacity: { vcpus: 8, ramMb: 8192, diskGb: 100 },
    used: { vcpus: 1, ramMb: usedRam, diskGb: 1 },
    servers: [],
  });
  const c: MigrationCandidate = {
    vnfInstanceId: 'i',
    vnfcInstanceId: 'v',
    vduId: 'VDU1',
    serverId: 's',
    sourceHost: 'h1',
    resources: { vcpus: 1, ramMb: 4096, diskGb: 1 },
    avoidHosts: ['h3'],
  };
  const ranked = rankLeastLoaded(c, [host('h1', 0), host('h2', 2048), host('h3', 0), host('h4', 1024), host('h5', 0, 'down'), host('h6', 6000)]);
  assert.deepEqual(ranked.map((h) => h.name), ['h4', 'h2']);
});

test('JSON merge patch (RFC 7396) and the changed attributes of MODIFY_INFO', () => {
  assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] }), { a: 1, b: { d: 3, e: 4 }, f: [1] });
  const { instance: next, changedInfo } = modifiedInstance(instance, { vnfInstanceName: 'b', metadata: { k: 'v' }, vnfInstanceDescription: null });
  assert.equal(next.vnfInstanceName, 'b');
  assert.deepEqual(next.metadata, { k: 'v' });
  assert.deepEqual(changedInfo, { vnfInstanceName: 'b', metadata: { k: 'v' } });
});

test('VIM credentials never stay in vimConnectionInfo', () => {
  const clean = withoutVimSecrets({ v: { vimType: 'x', accessInfo: { username: 'u', password: 'p', appCredentialSecret: 's', token: 't' } } });
  assert.deepEqual(clean, { v: { vimType: 'x', accessInfo: { username: 'u' } } });
});

test('notificationStatus: START for STARTING (and PROCESSING of MODIFY_INFO), RESULT after', () => {
  const op = (operation: string, operationState: string) => ({ operation, operationState }) as VnfLcmOpOcc;
  assert.equal(notificationStatus(op('HEAL', 'STARTING')), 'START');
  assert.equal(notificationStatus(op('HEAL', 'PROCESSING')), 'RESULT');
  assert.equal(notificationStatus(op('MODIFY_INFO', 'PROCESSING')), 'START');
  assert.equal(notificationStatus(op('HEAL', 'COMPLETED')), 'RESULT');
});

test('rollback is refused once an irreversible step ran (or was running)', () => {
  const plan: OperationPlan = {
    steps: [{ name: 'boot', run: async () => {} }, { name: 'delete', irreversible: true, run: async () => {} }],
    complete: () => ({ instance }),
  };
  assert.equal(rollbackRefusal(plan, { ...emptyProgress(), done: ['boot'] }), undefined);
  assert.match(rollbackRefusal(plan, { ...emptyProgress(), done: ['boot'], current: 'delete' }) ?? '', /delete/);
});
