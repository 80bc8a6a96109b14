import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { SimulatedVim } from '../../lcm/vim/simulated/simulated-vim.ts';
import { startLcmTestApp, type LcmTestApp } from '../support/lcm-app.ts';
import { fastSimulatedVim, recordingVim, type RecordingVim } from '../support/lcm-vim-recorder.ts';
import { createInstance, getInstance, INSTANTIATE_MIN, instantiated, task, V, waitForOp } from '../support/lcm-requests.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';

// SOL003 5.4.14 retry, 5.4.15 rollback, 5.4.16 fail (Tacker lcm_op_occ_retry/rollback/fail).
let s: LcmTestApp;
let sim: SimulatedVim;
let rec: RecordingVim;
let receiver: NotificationReceiver;
before(async () => {
  receiver = await startReceiver();
  sim = fastSimulatedVim();
  rec = recordingVim(sim);
  s = await startLcmTestApp({ vim: rec.vim });
  const res = await request(s.app).post('/vnflcm/v2/subscriptions').set(V).send({ callbackUri: `${receiver.url}/lcm` });
  assert.equal(res.status, 201, res.text);
});
after(async () => {
  await s?.close();
  await receiver?.close();
});

const post = (opId: string, what: string) => request(s.app).post(`/vnflcm/v2/vnf_lcm_op_occs/${opId}/${what}`).set(V);
const states = (opId: string) =>
  receiver.received.filter((r) => r.json?.vnfLcmOpOccId === opId).map((r) => `${r.json.operationState}${r.json.error ? '!' : ''}`);

describe('on an occurrence that is not FAILED_TEMP', () => {
  test('retry, rollback and fail are 409; on an unknown one 404', async () => {
    const id = await createInstance(s.app);
    const opId = await task(s.app, id, 'instantiate', INSTANTIATE_MIN);
    await waitForOp(s.app, opId, ['COMPLETED']);
    for (const what of ['retry', 'rollback', 'fail']) {
      const res = await post(opId, what);
      assert.equal(res.status, 409, what);
      assert.equal(res.body.detail, `LCM operation ${opId} is not FAILED_TEMP.`);
      assert.equal((await post('6f0a7f4e-1111-4222-8333-944455556666', what)).status, 404);
    }
  });
});

describe('retry', () => {
  test('FAILED_TEMP -> PROCESSING -> COMPLETED; the failed step runs again, the done ones do not', async () => {
    const id = await instantiated(s.app);
    const [vdu1] = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo;
    rec.failNext('liveMigrate', new Error('No valid host was found'));
    const before = rec.count('liveMigrate');
    const opId = await task(s.app, id, 'heal', { vnfcInstanceId: [vdu1.id], additionalParams: { healType: 'live-migrate' } });
    const failed = await waitForOp(s.app, opId, ['FAILED_TEMP']);
    assert.equal(failed.error.status, 500);
    const retried = await post(opId, 'retry');
    assert.equal(retried.status, 202);
    assert.equal(retried.text, '');
    const done = await waitForOp(s.app, opId, ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(done.operationState, 'COMPLETED', JSON.stringify(done.error));
    assert.equal(done.error, undefined, 'the error is cleared');
    assert.equal(rec.count('liveMigrate'), before + 2, 'once failed, once retried');
    assert.notEqual((await sim.getServer(vdu1.computeResource.resourceId))?.host, vdu1.metadata.host);
    await receiver.waitFor(() => states(opId).length >= 5, 10_000, 'five notifications');
    assert.deepEqual(states(opId), ['STARTING', 'PROCESSING', 'FAILED_TEMP!', 'PROCESSING', 'COMPLETED']);
  });
});

describe('rollback', () => {
  test('of an INSTANTIATE that failed waiting for its servers: compensations delete the servers and the group; ROLLED_BACK', async () => {
    const id = await createInstance(s.app);
    const groups = rec.count('deleteServerGroup');
    rec.failNext('waitForServer', new Error('server went to ERROR: No valid host'));
    const opId = await task(s.app, id, 'instantiate', INSTANTIATE_MIN);
    await waitForOp(s.app, opId, ['FAILED_TEMP']);
    assert.equal((await sim.findServers({ vnfLcmOpOccId: opId })).length, 2, 'the servers were booted');
    const res = await post(opId, 'rollback');
    assert.equal(res.status, 202, res.text);
    const op = await waitForOp(s.app, opId, ['ROLLED_BACK', 'FAILED_TEMP']);
    assert.equal(op.operationState, 'ROLLED_BACK', JSON.stringify(op.error));
    assert.deepEqual(await sim.findServers({ vnfLcmOpOccId: opId }), [], 'compensation deleted them');
    assert.equal(rec.count('deleteServerGroup'), groups + 1);
    assert.equal((await getInstance(s.app, id)).instantiationState, 'NOT_INSTANTIATED');
    await receiver.waitFor(() => states(opId).length >= 5, 10_000, 'five notifications');
    assert.deepEqual(states(opId), ['STARTING', 'PROCESSING', 'FAILED_TEMP!', 'ROLLING_BACK', 'ROLLED_BACK']);
    // The instance is free again.
    await waitForOp(s.app, await task(s.app, id, 'instantiate', INSTANTIATE_MIN), ['COMPLETED']);
  });

  test('a compensation that fails leaves the occurrence FAILED_TEMP with the cause', async () => {
    const id = await createInstance(s.app);
    rec.failNext('waitForServer', new Error('timeout'));
    const opId = await task(s.app, id, 'instantiate', INSTANTIATE_MIN);
    await waitForOp(s.app, opId, ['FAILED_TEMP']);
    rec.failNext('deleteServer', new Error('nova unavailable'));
    assert.equal((await post(opId, 'rollback')).status, 202);
    const op = await waitForOp(s.app, opId, ['FAILED_TEMP', 'ROLLED_BACK'], 10_000);
    // ROLLING_BACK -> FAILED_TEMP: wait until the state left ROLLING_BACK.
    assert.equal(op.operationState, 'FAILED_TEMP');
    assert.match(op.error.detail, /nova unavailable/);
    assert.equal((await post(opId, 'rollback')).status, 202, 'a second rollback');
    assert.equal((await waitForOp(s.app, opId, ['ROLLED_BACK'])).operationState, 'ROLLED_BACK');
  });

  test('of a recreate heal whose server is already deleted: 422, nothing changes', async () => {
    const id = await instantiated(s.app);
    const [vdu1] = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo;
    rec.failNext('createServer', new Error('quota exceeded'));
    const opId = await task(s.app, id, 'heal', { vnfcInstanceId: [vdu1.id], additionalParams: { healType: 'recreate' } });
    await waitForOp(s.app, opId, ['FAILED_TEMP']);
    const res = await post(opId, 'rollback');
    assert.equal(res.status, 422);
    assert.equal(res.body.detail, "Rollback of HEAL is not supported: step 'delete-servers' cannot be undone.");
    assert.equal((await waitForOp(s.app, opId, ['FAILED_TEMP'])).operationState, 'FAILED_TEMP');
    assert.equal((await post(opId, 'retry')).status, 202);
    assert.equal((await waitForOp(s.app, opId, ['COMPLETED', 'FAILED_TEMP'])).operationState, 'COMPLETED');
  });
});

describe('partial results', () => {
  test('a heal that moved one VNFC and failed on the next records the move (FAILED_TEMP, then ROLLED_BACK), as the VIM has it', async () => {
    const id = await instantiated(s.app);
    const [vdu1, vdu2] = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo;
    const free = ['compute-a', 'compute-b', 'compute-c'].find((h) => h !== vdu1.metadata.host && h !== vdu2.metadata.host)!;
    // Both to one host: the second move breaks the anti-affinity group, the VIM refuses it.
    const opId = await task(s.app, id, 'heal', { additionalParams: { healType: 'live-migrate', targetHost: free } });
    const op = await waitForOp(s.app, opId, ['FAILED_TEMP', 'COMPLETED']);
    assert.equal(op.operationState, 'FAILED_TEMP');
    const hosts = async () => (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo.map((v: any) => v.metadata.host);
    assert.equal((await sim.getServer(vdu1.computeResource.resourceId))?.host, free);
    assert.deepEqual(await hosts(), [free, vdu2.metadata.host]);
    assert.equal((await post(opId, 'rollback')).status, 202);
    assert.equal((await waitForOp(s.app, opId, ['ROLLED_BACK', 'FAILED_TEMP'])).operationState, 'ROLLED_BACK');
    assert.deepEqual(await hosts(), [free, vdu2.metadata.host], 'a completed migration is not undone');
  });
});

describe('fail', () => {
  test('200 with the occurrence FAILED (final): the error stays, a notification says FAILED', async () => {
    const id = await createInstance(s.app);
    rec.failNext('createServer', new Error('image not found'));
    const opId = await task(s.app, id, 'instantiate', INSTANTIATE_MIN);
    await waitForOp(s.app, opId, ['FAILED_TEMP']);
    const res = await post(opId, 'fail');
    assert.equal(res.status, 200);
    assert.equal(res.body.id, opId);
    assert.equal(res.body.operationState, 'FAILED');
    assert.match(res.body.error.detail, /image not found/);
    assert.equal((await post(opId, 'retry')).status, 409, 'FAILED is final');
    await receiver.waitFor(() => states(opId).includes('FAILED!'), 10_000, 'the FAILED notification');
  });
});
