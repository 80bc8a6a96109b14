import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { GrantRefused, type GrantRequest } from '../../lcm/grant/grant.port.ts';
import { NfvoGrantClient } from '../../lcm/grant/nfvo-grant.client.ts';
import { SimulatedVim } from '../../lcm/vim/simulated/simulated-vim.ts';
import { startLcmTestApp, type LcmTestApp } from '../support/lcm-app.ts';
import { fastSimulatedVim } from '../support/lcm-vim-recorder.ts';
import { createInstance, getInstance, INSTANTIATE_MIN, instantiated, task, waitForOp } from '../support/lcm-requests.ts';
import { startReceiver, type NotificationReceiver, type ReceivedRequest } from '../support/notification-receiver.ts';
import { schemaAt } from '../support/openapi-documents.ts';
import { testLog } from '../support/test-database.ts';

// SOL003 9 (Grant, Version 1.4.0) as Tacker's VNFM uses it: OAuth 2.0 client credentials,
// only a synchronous 201 counts; a refusal ends the operation ROLLED_BACK.
const CLIENT_SECRET = 'nfvo-client-s3cret';
const ETSI_OPERATION = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/etsi/sol003-v3.3.1-bundled/sol003_operation_openapi.json');
const etsiSkip = existsSync(ETSI_OPERATION) ? false : `ETSI grant API bundle not found at ${ETSI_OPERATION}; GrantRequest conformance not checked`;
if (etsiSkip) console.log(`# skipped: ${etsiSkip}`);

let nfvo: NotificationReceiver;
let decision: (req: ReceivedRequest) => number | { status: number; json?: unknown } = () => 201;
const grantRequests = () => nfvo.received.filter((r) => r.path === '/grant/v1/grants');
before(async () => {
  nfvo = await startReceiver();
  nfvo.reply((r) => {
    if (r.path === '/token') {
      const ok = r.headers.authorization === `Basic ${Buffer.from(`vnfm:${CLIENT_SECRET}`).toString('base64')}` && r.text === 'grant_type=client_credentials';
      return ok ? { status: 200, json: { access_token: 'grant-token', token_type: 'Bearer', expires_in: 3600 } } : 401;
    }
    if (r.headers.authorization !== 'Bearer grant-token') return 401;
    const verdict = decision(r);
    const status = typeof verdict === 'number' ? verdict : verdict.status;
    if (status !== 201) return typeof verdict === 'number' ? { status, json: { status, detail: 'no capacity in zone' } } : verdict;
    const body = r.json as GrantRequest;
    return { status: 201, json: { id: `9a7c0000-0000-4000-8000-${String(grantRequests().length).padStart(12, '0')}`, vnfInstanceId: body.vnfInstanceId, vnfLcmOpOccId: body.vnfLcmOpOccId, _links: {} } };
  });
});
after(async () => {
  await nfvo?.close();
});

const settings = () => ({
  nfvoUrl: nfvo.url,
  oauth2: { clientId: 'vnfm', clientPassword: CLIENT_SECRET, tokenEndpoint: `${nfvo.url}/token` },
  timeoutMs: 2_000,
});
const REQUEST: GrantRequest = {
  vnfInstanceId: 'i-1',
  vnfLcmOpOccId: 'o-1',
  vnfdId: 'd-1',
  operation: 'HEAL',
  isAutomaticInvocation: true,
  _links: { vnfLcmOpOcc: { href: 'http://vnfm/o-1' }, vnfInstance: { href: 'http://vnfm/i-1' } },
};

describe('NfvoGrantClient', () => {
  test('POST /grant/v1/grants with Version 1.4.0 and a client-credentials bearer token; 201 is the grant', async () => {
    decision = () => 201;
    const grant = await new NfvoGrantClient(settings(), testLog).request(REQUEST);
    assert.equal(grant.vnfLcmOpOccId, 'o-1');
    const sent = grantRequests().at(-1)!;
    assert.equal(sent.method, 'POST');
    assert.equal(sent.headers.version, '1.4.0');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.deepEqual(sent.json, REQUEST);
  });

  test('403, 202 and an unreachable NFVO are GrantRefused; a 401 fetches a new token once', async () => {
    const client = new NfvoGrantClient(settings(), testLog);
    decision = () => 403;
    await assert.rejects(client.request(REQUEST), (e: GrantRefused) => e instanceof GrantRefused && /refused the grant \(403: no capacity in zone\)/.test(e.message));
    decision = () => ({ status: 202 });
    await assert.rejects(client.request(REQUEST), /asynchronously/);
    let first = true;
    decision = () => (first ? ((first = false), 401) : 201);
    const tokens = nfvo.received.filter((r) => r.path === '/token').length;
    assert.ok(await client.request(REQUEST));
    assert.equal(nfvo.received.filter((r) => r.path === '/token').length, tokens + 1, 'one new token after the 401');
    const gone = new NfvoGrantClient({ nfvoUrl: 'http://127.0.0.1:1', timeoutMs: 500 }, testLog);
    await assert.rejects(gone.request(REQUEST), (e: GrantRefused) => e.status === 503);
  });
});

describe('operations with an NFVO', () => {
  let s: LcmTestApp;
  let sim: SimulatedVim;
  before(async () => {
    sim = fastSimulatedVim();
    s = await startLcmTestApp({ vim: sim, grant: settings() });
  });
  after(async () => {
    await s?.close();
  });

  test('INSTANTIATE asks for every VNFC and the anti-affinity constraint; the op carries the NFVO grant id', async () => {
    decision = () => 201;
    const id = await createInstance(s.app);
    const opId = await task(s.app, id, 'instantiate', INSTANTIATE_MIN);
    const op = await waitForOp(s.app, opId, ['COMPLETED', 'ROLLED_BACK', 'FAILED_TEMP']);
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op.error));
    const sent = grantRequests().find((r) => r.json.vnfLcmOpOccId === opId)!.json;
    assert.equal(op.grantId, `9a7c0000-0000-4000-8000-${String(grantRequests().length).padStart(12, '0')}`);
    assert.equal(sent.operation, 'INSTANTIATE');
    assert.equal(sent.isAutomaticInvocation, false);
    assert.equal(sent.flavourId, 'simple');
    const vnfcs = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo.map((v: any) => v.id);
    assert.deepEqual(sent.addResources.map((r: any) => r.id), vnfcs, 'the granted ids are the VNFC ids');
    assert.deepEqual(sent.placementConstraints, [
      { affinityOrAntiAffinity: 'ANTI_AFFINITY', scope: 'NFVI_NODE', resource: vnfcs.map((resourceId: string) => ({ idType: 'GRANT', resourceId })) },
    ]);
    assert.ok(s.logLines.length > 0 && !s.logLines.some((l) => l.includes(CLIENT_SECRET)), 'the client secret is never logged');
  });

  test('a refused grant ends the operation ROLLED_BACK with the reason, and nothing is booted', async () => {
    decision = () => 403;
    const id = await createInstance(s.app);
    const opId = await task(s.app, id, 'instantiate', INSTANTIATE_MIN);
    const op = await waitForOp(s.app, opId, ['COMPLETED', 'ROLLED_BACK', 'FAILED_TEMP']);
    assert.equal(op.operationState, 'ROLLED_BACK');
    assert.match(op.error.detail, /Grant failed: .*403/);
    assert.deepEqual(await sim.findServers({ vnfLcmOpOccId: opId }), []);
    assert.equal((await getInstance(s.app, id)).instantiationState, 'NOT_INSTANTIATED');
  });

  test('an automatic live migration is granted as HEAL with isAutomaticInvocation and updateResources', async () => {
    decision = () => 201;
    const id = await instantiated(s.app);
    const [vdu1] = (await getInstance(s.app, id)).instantiatedVnfInfo.vnfcResourceInfo;
    const outcome = await s.module.lcm!.requestHeal(id, { isAutomaticInvocation: true, vnfcInstanceId: [vdu1.id], additionalParams: { healType: 'live-migrate' } });
    assert.ok(outcome.accepted);
    await waitForOp(s.app, outcome.vnfLcmOpOccId, ['COMPLETED', 'FAILED_TEMP']);
    const sent = grantRequests().find((r) => r.json.vnfLcmOpOccId === outcome.vnfLcmOpOccId)!.json;
    assert.equal(sent.operation, 'HEAL');
    assert.equal(sent.isAutomaticInvocation, true);
    assert.deepEqual(sent.updateResources.map((r: any) => [r.id, r.type, r.resource.resourceId]), [[vdu1.id, 'COMPUTE', vdu1.computeResource.resourceId]]);
    // Every grant request sent is a valid ETSI GrantRequest (SOL003 V3.3.1, Grant API 1.4.0).
    if (etsiSkip) return;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const f of ['URI', 'url', 'IP', 'MAC', 'float']) ajv.addFormat(f, true);
    const validate = ajv.compile(schemaAt(ETSI_OPERATION, '#/components/requestBodies/GrantRequest/content/application~1json/schema'));
    for (const r of grantRequests()) assert.ok(validate(r.json), `${JSON.stringify(validate.errors)} in ${JSON.stringify(r.json)}`);
  });
});
