import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { LCM_PUBLIC_URL, startLcmTestApp, type LcmTestApp } from '../support/lcm-app.ts';
import { fastSimulatedVim, recordingVim } from '../support/lcm-vim-recorder.ts';
import { CREATE_MAX, CREATE_MIN, createInstance, getInstance, INSTANTIATE_MAX, task, V, waitForOp } from '../support/lcm-requests.ts';
import { SAMPLE_VNFD_ID } from '../support/lcm-vnfd-fixture.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';

// SOL003 5.4.2 / 5.4.3 and Tacker vnflcm_v2 create/index/show/update/delete.
let s: LcmTestApp;
let receiver: NotificationReceiver;
before(async () => {
  receiver = await startReceiver();
  s = await startLcmTestApp({ vim: recordingVim(fastSimulatedVim()).vim, pageSize: 2 });
  const sub = await request(s.app).post('/vnflcm/v2/subscriptions').set(V).send({
    callbackUri: `${receiver.url}/ids`,
    filter: { notificationTypes: ['VnfIdentifierCreationNotification', 'VnfIdentifierDeletionNotification'] },
  });
  assert.equal(sub.status, 201, sub.text);
});
after(async () => {
  await s?.close();
  await receiver?.close();
});

const posted = (type: string, id: string) => (r: { method: string; json?: any }) =>
  r.method === 'POST' && r.json?.notificationType === type && r.json?.vnfInstanceId === id;

describe('POST /vnf_instances', () => {
  test('201 with Location and a NOT_INSTANTIATED VnfInstance built from the VNFD; VnfIdentifierCreationNotification sent', async () => {
    const res = await request(s.app).post('/vnflcm/v2/vnf_instances').set(V).send(CREATE_MAX);
    assert.equal(res.status, 201, res.text);
    const id = res.body.id as string;
    assert.equal(res.headers.location, `${LCM_PUBLIC_URL}/vnflcm/v2/vnf_instances/${id}`);
    assert.deepEqual(res.body, {
      id,
      vnfInstanceName: 'vnf-a',
      vnfInstanceDescription: 'demo',
      vnfdId: SAMPLE_VNFD_ID,
      vnfProvider: 'Company',
      vnfProductName: 'Sample VNF',
      vnfSoftwareVersion: '1.0',
      vnfdVersion: '1.2',
      vnfConfigurableProperties: { isAutohealEnabled: true, isAutoscaleEnabled: false },
      instantiationState: 'NOT_INSTANTIATED',
      metadata: { owner: 'ops' },
      _links: { self: { href: res.headers.location }, instantiate: { href: `${res.headers.location}/instantiate` } },
    });
    await receiver.waitFor((all) => all.some(posted('VnfIdentifierCreationNotification', id)), 10_000, 'the creation notification');
    const n = receiver.received.find(posted('VnfIdentifierCreationNotification', id))!;
    assert.equal(n.headers.version, '2.0.0');
    assert.equal(n.json._links.vnfInstance.href, res.headers.location);
  });

  test('an unknown vnfdId is 422 (VnfdIdNotEnabled) and creates nothing', async () => {
    const before = (await request(s.app).get('/vnflcm/v2/vnf_instances').set(V).query({ filter: '(eq,vnfdId,00000000-0000-4000-8000-000000000000)' })).body;
    const res = await request(s.app).post('/vnflcm/v2/vnf_instances').set(V).send({ vnfdId: '00000000-0000-4000-8000-000000000000' });
    assert.equal(res.status, 422);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.equal(res.body.detail, 'VnfdId(00000000-0000-4000-8000-000000000000) not ENABLED.');
    assert.deepEqual(before, []);
  });

  test('bad bodies are 400', async () => {
    for (const body of [{}, { vnfdId: 5 }, { vnfdId: SAMPLE_VNFD_ID, vnfInstanceName: 'x'.repeat(256) }, { vnfdId: SAMPLE_VNFD_ID, metadata: 'x' }]) {
      const res = await request(s.app).post('/vnflcm/v2/vnf_instances').set(V).send(body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
  });
});

describe('GET /vnf_instances', () => {
  test('default exclusions, all_fields, filters and paging with Link rel=next', async () => {
    const ids = [await createInstance(s.app, { ...CREATE_MIN, vnfInstanceName: 'page-1' }), await createInstance(s.app, { ...CREATE_MIN, vnfInstanceName: 'page-2' }), await createInstance(s.app, { ...CREATE_MIN, vnfInstanceName: 'page-3' })];
    const filter = '(in,vnfInstanceName,page-1,page-2,page-3)';
    const first = await request(s.app).get('/vnflcm/v2/vnf_instances').set(V).query({ filter });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.map((i: any) => i.id), ids.slice(0, 2));
    assert.ok(first.body.every((i: any) => i.vnfConfigurableProperties === undefined), 'excluded by default');
    const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.link ?? '');
    assert.ok(link, `Link: ${first.headers.link}`);
    const next = await request(s.app).get(new URL(link[1]).pathname + new URL(link[1]).search).set(V);
    assert.deepEqual(next.body.map((i: any) => i.id), [ids[2]]);
    assert.equal(next.headers.link, undefined);
    const all = await request(s.app).get('/vnflcm/v2/vnf_instances').set(V).query({ filter: '(eq,vnfInstanceName,page-1)', all_fields: '' });
    assert.deepEqual(all.body[0].vnfConfigurableProperties, { isAutohealEnabled: true, isAutoscaleEnabled: false });
    for (const bad of [{ filter: '(eq,vnfInstanceName' }, { all_fields: '', fields: 'x' }, { nextpage_opaque_marker: 'bogus' }]) {
      assert.equal((await request(s.app).get('/vnflcm/v2/vnf_instances').set(V).query(bad)).status, 400, JSON.stringify(bad));
    }
  });
});

describe('GET, PATCH, DELETE /vnf_instances/{id}', () => {
  test('GET of an unknown or malformed id is 404 with the Tacker detail', async () => {
    for (const id of ['6f0a7f4e-1111-4222-8333-944455556666', 'not-a-uuid']) {
      const res = await request(s.app).get(`/vnflcm/v2/vnf_instances/${id}`).set(V);
      assert.equal(res.status, 404);
      assert.equal(res.body.detail, `VnfInstance ${id} not found.`);
    }
  });

  test('PATCH is 202 + Location of a MODIFY_INFO occurrence that applies the merge patch when COMPLETED', async () => {
    const id = await createInstance(s.app);
    const res = await request(s.app)
      .patch(`/vnflcm/v2/vnf_instances/${id}`)
      .set(V)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ vnfInstanceName: 'renamed', vnfInstanceDescription: null, metadata: { owner: null, tier: 'gold' } }));
    assert.equal(res.status, 202, res.text);
    const opId = /vnf_lcm_op_occs\/(.+)$/.exec(res.headers.location)![1];
    const op = await waitForOp(s.app, opId, ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(op.operation, 'MODIFY_INFO');
    assert.equal(op.operationState, 'COMPLETED');
    assert.deepEqual(op.changedInfo, { vnfInstanceName: 'renamed', metadata: { tier: 'gold' } });
    const inst = await getInstance(s.app, id);
    assert.equal(inst.vnfInstanceName, 'renamed');
    assert.equal(inst.vnfInstanceDescription, undefined);
    assert.deepEqual(inst.metadata, { tier: 'gold' });
  });

  test('PATCH of vimConnectionInfo before instantiation is 400; of an unknown instance 404', async () => {
    const id = await createInstance(s.app);
    const res = await request(s.app).patch(`/vnflcm/v2/vnf_instances/${id}`).set(V).send({ vimConnectionInfo: { v: { vimType: 'x' } } });
    assert.equal(res.status, 400);
    assert.equal(res.body.detail, 'vimConnectionInfo cannot be modified in NOT_INSTANTIATED.');
    const missing = await request(s.app).patch('/vnflcm/v2/vnf_instances/6f0a7f4e-1111-4222-8333-944455556666').set(V).send({ vnfInstanceName: 'x' });
    assert.equal(missing.status, 404);
  });

  test('DELETE: 204 and VnfIdentifierDeletionNotification; 404 after; 409 while INSTANTIATED', async () => {
    const id = await createInstance(s.app);
    const del = await request(s.app).delete(`/vnflcm/v2/vnf_instances/${id}`).set(V);
    assert.equal(del.status, 204);
    assert.equal((await request(s.app).get(`/vnflcm/v2/vnf_instances/${id}`).set(V)).status, 404);
    assert.equal((await request(s.app).delete(`/vnflcm/v2/vnf_instances/${id}`).set(V)).status, 404);
    await receiver.waitFor((all) => all.some(posted('VnfIdentifierDeletionNotification', id)), 10_000, 'the deletion notification');

    const live = await createInstance(s.app);
    await waitForOp(s.app, await task(s.app, live, 'instantiate', INSTANTIATE_MAX), ['COMPLETED']);
    const refused = await request(s.app).delete(`/vnflcm/v2/vnf_instances/${live}`).set(V);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.detail, `VnfInstance ${live} is instantiated.`);
  });

  test('unsupported methods are 405 with Allow', async () => {
    const res = await request(s.app).put('/vnflcm/v2/vnf_instances').set(V).send({});
    assert.equal(res.status, 405);
  });
});
