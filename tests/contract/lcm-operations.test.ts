import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { SimulatedVim } from '../../lcm/vim/simulated/simulated-vim.ts';
import { LCM_PUBLIC_URL, startLcmTestApp, type LcmTestApp } from '../support/lcm-app.ts';
import { fastSimulatedVim, recordingVim, type RecordingVim } from '../support/lcm-vim-recorder.ts';
import {
  createInstance,
  getInstance,
  INSTANTIATE_MAX,
  INSTANTIATE_MIN,
  instantiated,
  SCALE_IN_MAX,
  SCALE_OUT,
  task,
  TERMINATE_MAX,
  TERMINATE_MIN,
  V,
  waitForOp,
} from '../support/lcm-requests.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';

// SOL003 5.4.4 - 5.4.9 through the API as served, on the simulated VIM.
let s: LcmTestApp;
let sim: SimulatedVim;
let rec: RecordingVim;
let receiver: NotificationReceiver;
before(async () => {
  receiver = await startReceiver();
  sim = fastSimulatedVim();
  rec = recordingVim(sim);
  s = await startLcmTestApp({ vim: rec.vim, pageSize: 3 });
  for (const [path, verbosity] of [['/full', 'FULL'], ['/short', 'SHORT']]) {
    const res = await request(s.app).post('/vnflcm/v2/subscriptions').set(V).send({
      callbackUri: `${receiver.url}${path}`,
      verbosity,
      filter: { notificationTypes: ['VnfLcmOperationOccurrenceNotification'] },
    });
    assert.equal(res.status, 201, res.text);
  }
});
after(async () => {
  await s?.close();
  await receiver?.close();
});

const notes = (path: string, opId: string) => receiver.received.filter((r) => r.path === path && r.json?.vnfLcmOpOccId === opId).map((r) => r.json);

describe('instantiate', () => {
  test('202 + Location; STARTING -> PROCESSING -> COMPLETED; one server per VDU with metadata; vnfcResourceInfo with host', async () => {
    const id = await createInstance(s.app);
    const opId = await task(s.app, id, 'instantiate', INSTANTIATE_MAX);
    const op = await waitForOp(s.app, opId, ['COMPLETED', 'FAILED_TEMP', 'ROLLED_BACK']);
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assert.equal(op.operation, 'INSTANTIATE');
    assert.equal(op.isAutomaticInvocation, false);
    assert.match(op.grantId, /^[0-9a-f-]{36}$/, 'granted locally');
    assert.equal(op._links.self.href, `${LCM_PUBLIC_URL}/vnflcm/v2/vnf_lcm_op_occs/${opId}`);
    assert.equal(op.operationParams.vimConnectionInfo.vim1.accessInfo.password, undefined, 'no VIM password in operationParams');
    assert.deepEqual(op.resourceChanges.affectedVnfcs.map((a: any) => [a.vduId, a.changeType]), [['VDU1', 'ADDED'], ['VDU2', 'ADDED']]);

    const inst = await getInstance(s.app, id);
    assert.equal(inst.instantiationState, 'INSTANTIATED');
    assert.equal(inst.vimConnectionInfo.vim1.accessInfo.password, undefined);
    assert.equal(inst.vimConnectionInfo.vim1.accessInfo.username, 'admin');
    const vnfcs = inst.instantiatedVnfInfo.vnfcResourceInfo;
    assert.equal(vnfcs.length, 2);
    const hosts = new Set<string>();
    for (const v of vnfcs) {
      const server = await sim.getServer(v.computeResource.resourceId);
      assert.ok(server, `server ${v.computeResource.resourceId} exists`);
      assert.equal(server.status, 'ACTIVE');
      assert.equal(v.computeResource.vimConnectionId, 'vim1');
      assert.equal(v.metadata.host, server.host);
      assert.deepEqual(server.metadata, { vnfInstanceId: id, vnfcInstanceId: v.id, vnfLcmOpOccId: opId, vduId: v.vduId });
      hosts.add(server.host!);
    }
    assert.equal(hosts.size, 2, 'anti-affinity: one host each');
    assert.deepEqual(inst.instantiatedVnfInfo.vnfcInfo.map((c: any) => c.id), vnfcs.map((v: any) => v.id));

    await receiver.waitFor(() => notes('/full', opId).length >= 3 && notes('/short', opId).length >= 3, 10_000, 'three notifications each');
    const full = notes('/full', opId);
    assert.deepEqual(full.map((n) => [n.operationState, n.notificationStatus]), [['STARTING', 'START'], ['PROCESSING', 'RESULT'], ['COMPLETED', 'RESULT']]);
    assert.equal(full[2].affectedVnfcs.length, 2, 'FULL carries affectedVnfcs');
    assert.equal(notes('/short', opId)[2].affectedVnfcs, undefined, 'SHORT does not');
    assert.ok(full.every((n) => n.isAutomaticInvocation === false && n.error === undefined && n.verbosity === 'FULL'));
    assert.equal(full[0]._links.vnfLcmOpOcc.href, op._links.self.href);
  });

  test('409 when already instantiated; 404 for an unknown instance; 400 for an unknown flavour', async () => {
    const id = await instantiated(s.app);
    const again = await request(s.app).post(`/vnflcm/v2/vnf_instances/${id}/instantiate`).set(V).send(INSTANTIATE_MIN);
    assert.equal(again.status, 409);
    assert.equal(again.body.detail, `VnfInstance ${id} is instantiated.`);
    const unknown = await request(s.app).post('/vnflcm/v2/vnf_instances/6f0a7f4e-1111-4222-8333-944455556666/instantiate').set(V).send(INSTANTIATE_MIN);
    assert.equal(unknown.status, 404);
    const fresh = await createInstance(s.app);
    const flavour = await request(s.app).post(`/vnflcm/v2/vnf_instances/${fresh}/instantiate`).set(V).send({ flavourId: 'huge' });
    assert.equal(flavour.status, 400);
    assert.equal((await request(s.app).post(`/vnflcm/v2/vnf_instances/${fresh}/instantiate`).set(V).send({})).status, 400);
  });
});

describe('one operation per instance', () => {
  test('a second request while one runs is 409, also through the LcmPort; FAILED_TEMP keeps blocking until failed', async () => {
    const id = await instantiated(s.app);
    const [vdu1] = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo;
    rec.failNext('liveMigrate', new Error('compute service unavailable'));
    const healId = await task(s.app, id, 'heal', { vnfcInstanceId: [vdu1.id], additionalParams: { healType: 'live-migrate' } });
    const scale = await request(s.app).post(`/vnflcm/v2/vnf_instances/${id}/scale`).set(V).send(SCALE_OUT);
    assert.equal(scale.status, 409, 'STARTING/PROCESSING holds the instance');
    const failed = await waitForOp(s.app, healId, ['FAILED_TEMP', 'COMPLETED']);
    assert.equal(failed.operationState, 'FAILED_TEMP');
    assert.match(failed.error.detail, /compute service unavailable/);

    const blocked = await request(s.app).post(`/vnflcm/v2/vnf_instances/${id}/heal`).set(V).send({});
    assert.equal(blocked.status, 409);
    assert.match(blocked.body.detail, /FAILED_TEMP/);
    const port = s.module.lcm!;
    const refused = await port.requestHeal(id, { isAutomaticInvocation: true, additionalParams: { healType: 'live-migrate' } });
    assert.deepEqual(refused.accepted ? undefined : refused.refusal.kind, 'OperationFailedTemp');
    assert.equal((await port.unfinishedOperation(id))?.vnfLcmOpOccId, healId);

    const fail = await request(s.app).post(`/vnflcm/v2/vnf_lcm_op_occs/${healId}/fail`).set(V);
    assert.equal(fail.status, 200);
    assert.equal(fail.body.operationState, 'FAILED');
    assert.match(fail.body.error.detail, /compute service unavailable/, 'FAILED keeps the cause');
    const now = await request(s.app).post(`/vnflcm/v2/vnf_instances/${id}/scale`).set(V).send(SCALE_OUT);
    assert.equal(now.status, 202, now.text);
    await waitForOp(s.app, /vnf_lcm_op_occs\/(.+)$/.exec(now.headers.location)![1], ['COMPLETED']);
  });
});

describe('scale', () => {
  test('SCALE_OUT adds a VDU1 VNFC and raises the level; SCALE_IN removes the newest; beyond the levels 400', async () => {
    const id = await instantiated(s.app);
    const before = (await getInstance(s.app, id)).instantiatedVnfInfo;
    const out = await waitForOp(s.app, await task(s.app, id, 'scale', SCALE_OUT), ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(out.operationState, 'COMPLETED', JSON.stringify(out.error));
    const grown = (await getInstance(s.app, id)).instantiatedVnfInfo;
    assert.equal(grown.vnfcResourceInfo.length, before.vnfcResourceInfo.length + 1);
    assert.deepEqual(grown.scaleStatus, [{ aspectId: 'VDU1_scale', scaleLevel: 1 }]);
    const added = grown.vnfcResourceInfo.at(-1);
    assert.equal(added.vduId, 'VDU1');
    assert.equal((await sim.getServer(added.computeResource.resourceId))?.status, 'ACTIVE');

    const tooFar = await request(s.app).post(`/vnflcm/v2/vnf_instances/${id}/scale`).set(V).send({ ...SCALE_OUT, numberOfSteps: 2 });
    assert.equal(tooFar.status, 400);
    const badAspect = await request(s.app).post(`/vnflcm/v2/vnf_instances/${id}/scale`).set(V).send({ type: 'SCALE_OUT', aspectId: 'nope' });
    assert.equal(badAspect.status, 400);

    const inOp = await waitForOp(s.app, await task(s.app, id, 'scale', SCALE_IN_MAX), ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(inOp.operationState, 'COMPLETED');
    assert.deepEqual(inOp.resourceChanges.affectedVnfcs.map((a: any) => [a.id, a.changeType]), [[added.id, 'REMOVED']]);
    assert.equal(await sim.getServer(added.computeResource.resourceId), undefined, 'its server is deleted');
    assert.deepEqual((await getInstance(s.app, id)).instantiatedVnfInfo.scaleStatus, [{ aspectId: 'VDU1_scale', scaleLevel: 0 }]);
  });
});

describe('heal', () => {
  test('live-migrate to targetHost: the server moves, the instance records the new host, MODIFIED', async () => {
    const id = await instantiated(s.app);
    const inst = await getInstance(s.app, id);
    const [vdu1, vdu2] = inst.instantiatedVnfInfo.vnfcResourceInfo;
    const free = ['compute-a', 'compute-b', 'compute-c'].find((h) => h !== vdu1.metadata.host && h !== vdu2.metadata.host)!;
    const migrations = rec.count('liveMigrate');
    const opId = await task(s.app, id, 'heal', { cause: 'host degrading', vnfcInstanceId: [vdu1.id], additionalParams: { healType: 'live-migrate', targetHost: free } });
    const op = await waitForOp(s.app, opId, ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assert.equal(rec.count('liveMigrate'), migrations + 1);
    assert.equal((await sim.getServer(vdu1.computeResource.resourceId))?.host, free);
    const healed = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo;
    assert.equal(healed[0].metadata.host, free);
    assert.equal(healed[0].computeResource.resourceId, vdu1.computeResource.resourceId, 'same server');
    assert.deepEqual(op.resourceChanges.affectedVnfcs.map((a: any) => [a.id, a.changeType, a.metadata.host]), [[vdu1.id, 'MODIFIED', free]]);
  });

  test('live-migrate without targetHost: the least-loaded host that keeps anti-affinity', async () => {
    const id = await instantiated(s.app);
    const [vdu1, vdu2] = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo;
    const op = await waitForOp(s.app, await task(s.app, id, 'heal', { vnfcInstanceId: [vdu1.id], additionalParams: { healType: 'live-migrate' } }), ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    const host = (await sim.getServer(vdu1.computeResource.resourceId))?.host;
    assert.notEqual(host, vdu1.metadata.host);
    assert.notEqual(host, vdu2.metadata.host);
  });

  test('reboot and rebuild keep the server; recreate replaces it under the same VNFC id', async () => {
    const id = await instantiated(s.app);
    const [vdu1] = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo;
    for (const healType of ['reboot', 'rebuild']) {
      const calls = rec.count(healType as 'reboot');
      const op = await waitForOp(s.app, await task(s.app, id, 'heal', { vnfcInstanceId: [vdu1.id], additionalParams: { healType } }), ['COMPLETED', 'FAILED_TEMP']);
      assert.equal(op.operationState, 'COMPLETED', `${healType}: ${JSON.stringify(op.error)}`);
      assert.equal(rec.count(healType as 'reboot'), calls + 1, `${healType} asked once`);
    }
    const op = await waitForOp(s.app, await task(s.app, id, 'heal', { cause: 'VM down', vnfcInstanceId: [vdu1.id] }), ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    assert.equal(op.operationParams.cause, 'VM down');
    const after = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo[0];
    assert.equal(after.id, vdu1.id);
    assert.notEqual(after.computeResource.resourceId, vdu1.computeResource.resourceId, 'a new server');
    assert.equal(await sim.getServer(vdu1.computeResource.resourceId), undefined, 'the old one is gone');
  });

  test('the LcmPort starts an automatic HEAL with the prediction in its parameters; notifications say isAutomaticInvocation', async () => {
    const id = await instantiated(s.app);
    const [vdu1] = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo;
    const prediction = { score: 0.91, modelVersion: 'lstm-7', horizonSeconds: 60, host: vdu1.metadata.host };
    const outcome = await s.module.lcm!.requestHeal(id, {
      isAutomaticInvocation: true,
      cause: 'predicted host failure',
      vnfcInstanceId: [vdu1.id],
      additionalParams: { healType: 'live-migrate', prediction, destination: { host: 'x', strategy: 'forecast' } },
    });
    assert.ok(outcome.accepted, JSON.stringify(outcome));
    const op = await waitForOp(s.app, outcome.vnfLcmOpOccId, ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(op.isAutomaticInvocation, true);
    assert.deepEqual(op.operationParams.additionalParams.prediction, prediction);
    await receiver.waitFor(() => notes('/full', op.id).length >= 3, 10_000, 'notifications of the automatic heal');
    assert.ok(notes('/full', op.id).every((n) => n.isAutomaticInvocation === true && n.operation === 'HEAL'));
    assert.ok((await s.module.lcm!.listVnfcPlacements()).some((p) => p.vnfcInstanceId === vdu1.id && p.vnfInstanceId === id && p.host));
    const notInst = await s.module.lcm!.requestHeal(await createInstance(s.app), { isAutomaticInvocation: true });
    assert.equal(notInst.accepted ? undefined : notInst.refusal.kind, 'VnfInstanceNotInstantiated');
  });

  test('unknown vnfcInstanceId and unknown healType are 400; heal of a NOT_INSTANTIATED instance 409', async () => {
    const id = await instantiated(s.app);
    const res = await request(s.app).post(`/vnflcm/v2/vnf_instances/${id}/heal`).set(V).send({ vnfcInstanceId: ['VDU1-0'] });
    assert.equal(res.status, 400);
    assert.equal(res.body.detail, 'vnfcInstanceId(VDU1-0) does not exist.');
    assert.equal((await request(s.app).post(`/vnflcm/v2/vnf_instances/${id}/heal`).set(V).send({ additionalParams: { healType: 'x' } })).status, 400);
    const fresh = await createInstance(s.app);
    const r = await request(s.app).post(`/vnflcm/v2/vnf_instances/${fresh}/heal`).set(V).send({});
    assert.equal(r.status, 409);
    assert.equal(r.body.detail, `VnfInstance ${fresh} isn't instantiated.`);
  });
});

describe('terminate', () => {
  test('deletes every server and group; NOT_INSTANTIATED; then the instance can be deleted', async () => {
    const id = await instantiated(s.app, INSTANTIATE_MAX);
    const servers = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo.map((v: any) => v.computeResource.resourceId);
    const op = await waitForOp(s.app, await task(s.app, id, 'terminate', TERMINATE_MAX), ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(op.operationState, 'COMPLETED');
    for (const sid of servers) assert.equal(await sim.getServer(sid), undefined);
    assert.deepEqual(await sim.findServers({ vnfInstanceId: id }), []);
    const inst = await getInstance(s.app, id);
    assert.equal(inst.instantiationState, 'NOT_INSTANTIATED');
    assert.equal(inst.instantiatedVnfInfo, undefined);
    assert.equal((await request(s.app).post(`/vnflcm/v2/vnf_instances/${id}/terminate`).set(V).send(TERMINATE_MIN)).status, 409);
    assert.equal((await request(s.app).delete(`/vnflcm/v2/vnf_instances/${id}`).set(V)).status, 204);
  });
});

describe('GET /vnf_lcm_op_occs', () => {
  test('default exclusions, filters on operation and isAutomaticInvocation, paging', async () => {
    const list = await request(s.app).get('/vnflcm/v2/vnf_lcm_op_occs').set(V);
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 3, 'page size 3');
    assert.match(list.headers.link, /nextpage_opaque_marker=/);
    assert.ok(list.body.every((o: any) => o.operationParams === undefined && o.resourceChanges === undefined));
    const heals = await request(s.app).get('/vnflcm/v2/vnf_lcm_op_occs').set(V).query({ filter: '(eq,operation,HEAL);(eq,isAutomaticInvocation,true)', fields: 'operationParams' });
    assert.ok(heals.body.length >= 1);
    assert.ok(heals.body.every((o: any) => o.operation === 'HEAL' && o.isAutomaticInvocation === true && o.operationParams));
    assert.equal((await request(s.app).get('/vnflcm/v2/vnf_lcm_op_occs/6f0a7f4e-1111-4222-8333-944455556666').set(V)).status, 404);
  });
});
