import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { SAMPLE_VNFD_ID } from './lcm-vnfd-fixture.ts';

/** Minimal and maximal request bodies of each LCM operation (Tacker paramgen.py style). */
export const CREATE_MIN = { vnfdId: SAMPLE_VNFD_ID };
export const CREATE_MAX = { vnfdId: SAMPLE_VNFD_ID, vnfInstanceName: 'vnf-a', vnfInstanceDescription: 'demo', metadata: { owner: 'ops' } };
export const INSTANTIATE_MIN = { flavourId: 'simple' };
/** As the Tacker CLI sample sends it (inst-params.json), VIM password included. */
export const INSTANTIATE_MAX = {
  flavourId: 'simple',
  instantiationLevelId: 'instantiation_level_1',
  extVirtualLinks: [
    {
      id: 'ext-net-1',
      resourceId: 'public',
      extCps: [
        {
          cpdId: 'VDU1_CP1',
          cpConfig: { VDU1_CP1_1: { cpProtocolData: [{ layerProtocol: 'IP_OVER_ETHERNET' }] } },
        },
      ],
    },
  ],
  extManagedVirtualLinks: [{ id: 'mgd-vl-1', vnfVirtualLinkDescId: 'internalVL1', resourceId: 'private' }],
  vimConnectionInfo: {
    vim1: {
      vimId: 'aaaa-bbbb',
      vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3',
      interfaceInfo: { endpoint: 'http://127.0.0.1:5000/v3' },
      accessInfo: { username: 'admin', region: 'RegionOne', password: 'vim-s3cret', project: 'admin', projectDomain: 'Default', userDomain: 'Default' },
    },
  },
  vnfConfigurableProperties: { isAutohealEnabled: true },
  additionalParams: { 'lcm-operation-user-data': './UserData/userdata.py' },
};
export const TERMINATE_MIN = { terminationType: 'FORCEFUL' };
export const TERMINATE_MAX = { terminationType: 'GRACEFUL', gracefulTerminationTimeout: 10, additionalParams: {} };
export const SCALE_OUT = { type: 'SCALE_OUT', aspectId: 'VDU1_scale' };
export const SCALE_IN_MAX = { type: 'SCALE_IN', aspectId: 'VDU1_scale', numberOfSteps: 1, additionalParams: {} };

export const V = { Version: '2.0.0' };

export async function createInstance(app: Express, body: object = CREATE_MAX): Promise<string> {
  const res = await request(app).post('/vnflcm/v2/vnf_instances').set(V).send(body);
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

/** POSTs a task; asserts 202 + Location and returns the op occ id. */
export async function task(app: Express, instanceId: string, name: string, body: object): Promise<string> {
  const res = await request(app).post(`/vnflcm/v2/vnf_instances/${instanceId}/${name}`).set(V).send(body);
  assert.equal(res.status, 202, `${name}: ${res.text}`);
  assert.equal(res.text, '', 'a task answers with an empty body');
  const m = /\/vnflcm\/v2\/vnf_lcm_op_occs\/([0-9a-f-]{36})$/.exec(res.headers.location ?? '');
  assert.ok(m, `Location of the op occ: ${res.headers.location}`);
  return m[1];
}

/** Polls GET /vnf_lcm_op_occs/{id} until operationState is one of `states`; returns the op occ. */
export async function waitForOp(app: Express, opId: string, states: string[], timeoutMs = 10_000): Promise<Record<string, any>> {
  const end = Date.now() + timeoutMs;
  let last: Record<string, any> = {};
  while (Date.now() < end) {
    const res = await request(app).get(`/vnflcm/v2/vnf_lcm_op_occs/${opId}`).set(V);
    assert.equal(res.status, 200, res.text);
    last = res.body;
    if (states.includes(last.operationState)) return last;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`op ${opId} did not reach ${states.join('|')} within ${timeoutMs} ms; it is ${last.operationState}: ${JSON.stringify(last.error)}`);
}

export async function getInstance(app: Express, id: string): Promise<Record<string, any>> {
  const res = await request(app).get(`/vnflcm/v2/vnf_instances/${id}`).set(V);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** Creates and instantiates an instance; returns its id once INSTANTIATED. */
export async function instantiated(app: Express, body: object = INSTANTIATE_MIN): Promise<string> {
  const id = await createInstance(app);
  const op = await task(app, id, 'instantiate', body);
  const done = await waitForOp(app, op, ['COMPLETED', 'FAILED_TEMP', 'ROLLED_BACK']);
  assert.equal(done.operationState, 'COMPLETED', JSON.stringify(done.error));
  return id;
}
