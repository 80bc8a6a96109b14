/**
 * `vnfm-plugin register tacker` beside a running "Tacker": a second plugin process, whose
 * vnflcm v2 and vnffm v1 follow Tacker's. On it a srsepc-aio VNF is created and instantiated
 * (simulated VIM); our plugin (`serve`, Basic-authenticated callbacks, a 2 s reconcile loop)
 * is registered with it by the real CLI, then: the VNF and its VNFCs are in our registry; the
 * LCM and FM subscriptions exist on "Tacker" (created only after its GET test of our callback
 * answered 204); running the command again adds nothing; a recreate heal through the composite
 * LCM port is a HEAL op occ there with isAutomaticInvocation true, whose notifications reach our
 * callback; a subscription deleted on "Tacker" comes back; a terminated VNF leaves the registry.
 * Embedded defaults: our `serve` owns its embedded database on a fixed port, which the CLI and
 * this test reach; with DATABASE_URL each plugin gets its own database on the real server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type Database } from '../../platform/db/database.ts';
import { createVnfPackageCatalogue } from '../../lcm/vnfd/vnf-package-catalogue.ts';
import type { LcmPort } from '../../lcm/engine/lcm.port.ts';
import { SHIPPED_VNF_PACKAGES } from '../../vnfm-plugin/module-settings.ts';
import { createCompositeLcmPort } from '../../vnfm-plugin/tacker/composite-lcm.port.ts';
import { discoveredEntitiesWriter } from '../../vnfm-plugin/tacker/discovered-entities.ts';
import { TackerClient } from '../../vnfm-plugin/tacker/tacker-client.ts';
import { createTackerStore, type TackerStore } from '../../vnfm-plugin/tacker/tacker.repository.ts';
import { CLI, cliEnv, freePort, startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';
import { until } from '../support/until.ts';

const VNFD_ID = 'eea26f08-8835-4d85-903b-0bf62837c513'; // vnfd-samples/srsepc-aio
const CALLBACK = { user: 'tacker', password: `cb-${randomBytes(6).toString('hex')}` };
const ROOT = path.resolve(path.dirname(CLI), '..');

/** Runs the CLI without blocking this process (its database may be served from here). */
function cli(args: string[], env: Record<string, string | undefined>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cliEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function call(base: string, method: string, p: string, body?: unknown, version = '2.0.0', headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { Accept: 'application/json', Version: version, ...(body !== undefined && { 'Content-Type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

describe('vnfm-plugin register tacker', { timeout: 600_000 }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vnfm-tacker-reg-'));
  const exchange = `vnfm.test.${randomBytes(4).toString('hex')}`;
  let tacker: ServiceProcess;
  let ours: ServiceProcess;
  let oursEnv: Record<string, string | undefined>;
  let dbs: TestDatabase[] = [];
  let db: Database;
  let store: TackerStore;
  let instanceId: string;

  before(async () => {
    const real = Boolean(process.env.DATABASE_URL);
    if (real) dbs = [await openTestDatabase({ migrate: false }), await openTestDatabase({ migrate: false })];
    const common = { AMQP_URL: process.env.AMQP_URL, LCM_POLL_MS: '50', PREDICTION_TICK_SECONDS: '0', PM_TICK_SECONDS: '0', INDICATOR_TICK_SECONDS: '0', VNFM_DB_POOL_MAX: '4' };
    tacker = await startServiceProcess({
      ...common, VNFM_DATA_DIR: path.join(work, 'tacker'), DATABASE_URL: dbs[0]?.url, AMQP_EXCHANGE: `${exchange}.tacker`, VNFM_CALLBACK_TEST_TIMEOUT_MS: '5000',
    });
    const embeddedPort = real ? undefined : String(await freePort());
    oursEnv = {
      ...common,
      VNFM_DATA_DIR: path.join(work, 'ours'),
      DATABASE_URL: dbs[1]?.url,
      VNFM_EMBEDDED_DB_PORT: embeddedPort,
      AMQP_EXCHANGE: `${exchange}.ours`,
      TACKER_RECONCILE_SECONDS: '2',
      TACKER_CALLBACK_USERNAME: CALLBACK.user,
      TACKER_CALLBACK_PASSWORD: CALLBACK.password,
      LOG_LEVEL: 'info',
    };
    ours = await startServiceProcess(oursEnv);
    const url = dbs[1]?.url ?? `postgres://postgres@127.0.0.1:${embeddedPort}/postgres`;
    db = await openDatabase({ url, embeddedDataDir: undefined, embeddedPort: 0, poolMax: 2, log: testLog });
    store = createTackerStore(db);
  });
  after(async () => {
    await db?.close();
    await ours?.stop();
    await tacker?.stop();
    for (const d of dbs) await d.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('discovers, subscribes, heals through Tacker, reconciles', async () => {
    const t = tacker.url;
    // A VNF on "Tacker", instantiated on its simulated VIM.
    const created = await call(t, 'POST', '/vnflcm/v2/vnf_instances', { vnfdId: VNFD_ID, vnfInstanceName: 'epc-on-tacker' });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    instanceId = created.json.id;
    const inst = await call(t, 'POST', `/vnflcm/v2/vnf_instances/${instanceId}/instantiate`, { flavourId: 'simple', vnfConfigurableProperties: { isAutohealEnabled: true } });
    assert.equal(inst.status, 202);
    const shown = await until('INSTANTIATED on Tacker', async () => {
      const s = await call(t, 'GET', `/vnflcm/v2/vnf_instances/${instanceId}`);
      return s.json.instantiationState === 'INSTANTIATED' ? s.json : undefined;
    });
    const vnfcs = shown.instantiatedVnfInfo.vnfcResourceInfo as { id: string; computeResource: { resourceId: string }; metadata?: { host?: string } }[];
    assert.ok(vnfcs.length > 0);

    // register tacker: the real CLI, with the configuration of our serve.
    const args = ['register', 'tacker', '--url', t, '--callback-base', ours.url, '--auth', 'basic'];
    const first = await cli(args, oursEnv);
    assert.equal(first.status, 0, first.stderr);
    assert.ok(!`${first.stdout}${first.stderr}`.includes(CALLBACK.password), 'the callback password is never printed');
    const reg = JSON.parse(first.stdout);
    assert.equal(reg.subscriptions.lcm.how, 'created');
    assert.equal(reg.subscriptions.fm.how, 'created');
    assert.deepEqual(reg.instances, [{ vnfInstanceId: instanceId, vnfdId: VNFD_ID, vnfcs: vnfcs.length, watched: true }]);

    // The instance, its VNFCs and their VMs and hosts are in our registry.
    const entities = (await call(ours.url, 'GET', '/monitoring/v1/entities')).json.registered as { kind: string; id?: string; name?: string }[];
    const has = (kind: string, id: string) => entities.some((e) => e.kind === kind && (e.id === id || e.name === id));
    assert.ok(has('vnf', instanceId), JSON.stringify(entities));
    for (const v of vnfcs) {
      assert.ok(has('vnfc', v.id) && has('vm', v.computeResource.resourceId), `VNFC ${v.id}`);
      if (v.metadata?.host) assert.ok(has('host', v.metadata.host));
    }

    // The subscriptions exist on "Tacker" and point at our callbacks; its GET test reached us.
    const lcmSubs = (await call(t, 'GET', '/vnflcm/v2/subscriptions')).json as { id: string; callbackUri: string }[];
    const fmSubs = (await call(t, 'GET', '/vnffm/v1/subscriptions', undefined, '1.3.0')).json as { id: string; callbackUri: string }[];
    assert.deepEqual(lcmSubs.map((s) => [s.id, s.callbackUri]), [[reg.subscriptions.lcm.id, `${ours.url}/tacker-callbacks/v1/lcm`]]);
    assert.deepEqual(fmSubs.map((s) => [s.id, s.callbackUri]), [[reg.subscriptions.fm.id, `${ours.url}/tacker-callbacks/v1/fm`]]);
    assert.ok(!JSON.stringify(lcmSubs).includes(CALLBACK.password));
    for (const api of ['lcm', 'fm']) assert.match(ours.output(), new RegExp(`"method":"GET","url":"/tacker-callbacks/v1/${api}","status":204`), `Tacker's GET test of /${api}`);

    // Idempotent: the same command again creates nothing.
    const second = await cli(args, oursEnv);
    assert.equal(second.status, 0, second.stderr);
    const again = JSON.parse(second.stdout);
    assert.equal(again.registrationId, reg.registrationId);
    assert.deepEqual([again.subscriptions.lcm, again.subscriptions.fm], [{ id: reg.subscriptions.lcm.id, how: 'kept' }, { id: reg.subscriptions.fm.id, how: 'kept' }]);
    assert.equal((await call(t, 'GET', '/vnflcm/v2/subscriptions')).json.length, 1);
    assert.equal((await call(t, 'GET', '/vnffm/v1/subscriptions', undefined, '1.3.0')).json.length, 1);

    // Our callbacks check the credentials and the body.
    const lcmCallback = '/tacker-callbacks/v1/lcm';
    const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    assert.equal((await call(ours.url, 'GET', lcmCallback)).status, 401);
    assert.equal((await call(ours.url, 'GET', lcmCallback, undefined, '2.0.0', basic(CALLBACK.user, 'wrong'))).status, 401);
    assert.equal((await call(ours.url, 'GET', lcmCallback, undefined, '2.0.0', basic(CALLBACK.user, CALLBACK.password))).status, 204);
    const bad = await call(ours.url, 'POST', lcmCallback, { notificationType: 'VnfIdentifierDeletionNotification', id: 'n1', timeStamp: 'yesterday', vnfInstanceId: instanceId }, '2.0.0', basic(CALLBACK.user, CALLBACK.password));
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.ok(await store.getInstance(instanceId), 'a rejected notification changes nothing');

    // A recreate heal through the composite port is Tacker's HEAL, marked automatic.
    const own: LcmPort = {
      requestHeal: async () => assert.fail('not our VNF'),
      listVnfcPlacements: async () => [],
      getOperation: async () => undefined,
      unfinishedOperation: async () => undefined,
    };
    const port = createCompositeLcmPort({
      own, store, catalogue: await createVnfPackageCatalogue([SHIPPED_VNF_PACKAGES]),
      tackerOf: async () => new TackerClient({ url: t, timeoutMs: 10_000 }),
      vim: undefined as never, registry: discoveredEntitiesWriter(db), announce: async () => undefined,
      migration: { timeoutMs: 10_000, intervalMs: 50 }, log: testLog,
    });
    assert.ok((await port.listVnfcPlacements()).some((p) => p.vnfInstanceId === instanceId && p.autoHealEnabled));
    const outcome = await port.requestHeal(instanceId, {
      cause: 'host compute-a failed before a proactive migration: re-create',
      vnfcInstanceId: [vnfcs[0].id],
      additionalParams: { healType: 'recreate', prediction: { score: 0.93, modelVersion: 'm1', horizonSeconds: 60 } },
      isAutomaticInvocation: true,
    });
    assert.equal(outcome.accepted, true, JSON.stringify(outcome));
    const opId = (outcome as { vnfLcmOpOccId: string }).vnfLcmOpOccId;
    assert.equal((await port.unfinishedOperation(instanceId))?.vnfLcmOpOccId, opId, 'the heal holds the instance at once');
    const op = await until('the HEAL ends on Tacker', async () => {
      const o = await call(t, 'GET', `/vnflcm/v2/vnf_lcm_op_occs/${opId}`);
      return ['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK'].includes(o.json.operationState) ? o.json : undefined;
    }, 120_000);
    assert.equal(op.operationState, 'COMPLETED', JSON.stringify(op));
    assert.equal(op.operation, 'HEAL');
    assert.equal(op.isAutomaticInvocation, true);
    assert.equal(op.operationParams.additionalParams.healType, 'recreate');
    assert.equal(op.operationParams.additionalParams.prediction.score, 0.93);
    // Its notifications reached our callback: the op is COMPLETED for us too, the instance re-read.
    const seen = await until('our callback got the RESULT', async () => {
      const o = await store.getOperation(opId);
      return o?.operationState === 'COMPLETED' ? o : undefined;
    });
    assert.equal(seen.isAutomaticInvocation, true);
    assert.equal(await port.unfinishedOperation(instanceId), undefined);

    // A subscription deleted on "Tacker" is re-created by the reconcile loop.
    assert.equal((await call(t, 'DELETE', `/vnflcm/v2/subscriptions/${reg.subscriptions.lcm.id}`)).status, 204);
    const renewed = await until('the reconcile loop re-subscribes', async () => {
      const subs = (await call(t, 'GET', '/vnflcm/v2/subscriptions')).json as { id: string; callbackUri: string }[];
      return subs.find((s) => s.callbackUri === `${ours.url}${lcmCallback}`);
    });
    assert.notEqual(renewed.id, reg.subscriptions.lcm.id);
    await until('the new id is stored', async () => ((await store.listRegistrations())[0].lcmSubscriptionId === renewed.id ? true : undefined), 15_000);

    // Terminated on "Tacker": the notification drops it from our registry.
    assert.equal((await call(t, 'POST', `/vnflcm/v2/vnf_instances/${instanceId}/terminate`, { terminationType: 'FORCEFUL' })).status, 202);
    await until('the terminated VNF leaves our registry', async () => {
      const registered = (await call(ours.url, 'GET', '/monitoring/v1/entities')).json.registered as { kind: string; id?: string }[];
      return (await store.getInstance(instanceId)) === undefined && !registered.some((e) => e.kind === 'vnf' && e.id === instanceId) ? true : undefined;
    });
    assert.ok(!ours.output().includes(CALLBACK.password), 'the callback password is never logged');
  });
});
