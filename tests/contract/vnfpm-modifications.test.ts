import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import type { MeasurementReader } from '../../fault-mgmt/pm/measurement.reader.ts';
import { windowGrid } from '../../fault-mgmt/pm/pm-values.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { startPmTestApp, VNF_A, type PmTestApp } from '../support/pm-app.ts';

// SOL003 6.4.3.3.4 / 6.4.6.3.4 PATCH of a PM job and of a threshold (PmJobModifications,
// ThresholdModifications), as Tacker vnfpm_v2 update / update_threshold.
const V = { Version: '2.1.0' };
const T0 = 1_795_618_800;
const OLD_PASSWORD = 'old-p4ssw0rd';
const NEW_PASSWORD = 'new-p4ssw0rd';
const basic = (password: string) => `Basic ${Buffer.from(`nfvo:${password}`).toString('base64')}`;

const cpu = { value: 10 };
const measurements: MeasurementReader = {
  async read(_object, _m, start, end, step) {
    const grid = windowGrid(start, end, step);
    return { timestamps: grid, values: grid.map(() => cpu.value) };
  },
};

let t: PmTestApp;
let receiver: NotificationReceiver;

before(async () => {
  receiver = await startReceiver((r) => (r.path.startsWith('/refuse') ? 500 : 204));
  t = await startPmTestApp({ measurements, now: T0 + 10 });
  t.subscriptions.worker.start();
});
after(async () => {
  await t?.close();
  await receiver?.close();
});

const auth = (password: string) => ({ authType: ['BASIC'], paramsBasic: { userName: 'nfvo', password } });
const patch = (path: string, body: unknown, type = 'application/merge-patch+json') =>
  request(t.app).patch(path).set(V).set('Content-Type', type).send(JSON.stringify(body));
const probes = (path: string) => receiver.received.filter((r) => r.method === 'GET' && r.path === path);

/** The delivery target as stored: where notifications go now. */
async function target(id: string): Promise<{ callback_uri: string; has_auth: boolean }> {
  const rows = await t.db.sequelize.query<{ callback_uri: string; has_auth: boolean }>(
    'SELECT callback_uri, authentication IS NOT NULL AS has_auth FROM subscriptions WHERE id = $1',
    { bind: [id], type: QueryTypes.SELECT },
  );
  return rows[0];
}

const RESOURCES = [
  {
    name: 'pm-job',
    path: '/vnfpm/v2/pm_jobs',
    body: (cb: string) => ({
      objectType: 'Vnf', objectInstanceIds: [VNF_A], callbackUri: cb, authentication: auth(OLD_PASSWORD),
      criteria: { performanceMetric: ['VCpuUsageMeanVnf'], collectionPeriod: 60, reportingPeriod: 60 },
    }),
  },
  {
    name: 'threshold',
    path: '/vnfpm/v2/thresholds',
    body: (cb: string) => ({
      objectType: 'Vnf', objectInstanceId: VNF_A, callbackUri: cb, authentication: auth(OLD_PASSWORD),
      criteria: { performanceMetric: 'VCpuUsageMeanVnf', thresholdType: 'SIMPLE', simpleThresholdDetails: { thresholdValue: 80, hysteresis: 5 } },
    }),
  },
] as const;

for (const r of RESOURCES) {
  describe(`PATCH ${r.path}/{id}`, () => {
    let id = '';
    let self = '';
    before(async () => {
      const res = await request(t.app).post(r.path).set(V).send(r.body(`${receiver.url}/${r.name}/old`));
      assert.equal(res.status, 201, res.text);
      id = res.body.id;
      self = `${r.path}/${id}`;
    });

    test('a new callbackUri: tested with the stored credentials, 200 with the modifications, stored', async () => {
      const uri = `${receiver.url}/${r.name}/new`;
      const res = await patch(self, { callbackUri: uri });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.version, '2.1.0');
      assert.deepEqual(res.body, { callbackUri: uri });
      assert.equal(probes(`/${r.name}/new`).at(-1)?.headers.authorization, basic(OLD_PASSWORD), 'the GET test with the credentials kept');
      assert.equal((await request(t.app).get(self).set(V)).body.callbackUri, uri);
      assert.deepEqual(await target(id), { callback_uri: uri, has_auth: true });
    });

    test('new credentials only (application/json too): tested with them, answered with the callbackUri and no secret', async () => {
      const res = await patch(self, { authentication: auth(NEW_PASSWORD) }, 'application/json');
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { callbackUri: `${receiver.url}/${r.name}/new` });
      assert.ok(!res.text.includes(NEW_PASSWORD) && !res.text.includes('paramsBasic'));
      assert.equal(probes(`/${r.name}/new`).at(-1)?.headers.authorization, basic(NEW_PASSWORD));
      const show = await request(t.app).get(self).set(V);
      assert.ok(!show.text.includes(NEW_PASSWORD) && !('authentication' in show.body));
    });

    test('a callbackUri that fails the test is 422 and nothing changes', async () => {
      const before = await target(id);
      const res = await patch(self, { callbackUri: `${receiver.url}/refuse`, authentication: auth('other-p4ss') });
      assert.equal(res.status, 422, res.text);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
      assert.equal(res.body.status, 422);
      assert.ok(!res.text.includes('other-p4ss'));
      assert.deepEqual(await target(id), before);
      assert.equal((await request(t.app).get(self).set(V)).body.callbackUri, before.callback_uri);
    });

    test('bad bodies are 400 ProblemDetails and change nothing; a wrong content type 415', async () => {
      const before = await target(id);
      for (const body of [
        {},
        { callbackUri: null },
        { callbackUri: 'not a uri' },
        { callbackUri: 'ftp://nfvo.example/pm' },
        { callbackUri: `${receiver.url}/x`, criteria: { collectionPeriod: 30 } },
        { authentication: { authType: ['TLS_CERT'] } },
        { authentication: { authType: ['BASIC'] } },
        [{ callbackUri: `${receiver.url}/x` }],
      ]) {
        const res = await patch(self, body);
        assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.status} ${res.text}`);
        assert.match(res.headers['content-type'], /application\/problem\+json/);
        assert.equal(res.body.status, 400);
        assert.ok(typeof res.body.detail === 'string' && res.body.detail.length > 0);
      }
      const text = await request(t.app).patch(self).set(V).set('Content-Type', 'text/plain').send('callbackUri');
      assert.equal(text.status, 415);
      assert.deepEqual(await target(id), before);
    });

    test('an unknown id is 404 ProblemDetails', async () => {
      const res = await patch(`${r.path}/0f6c9d1e-7b1a-4c55-9a53-8d2f2c1e6a10`, { callbackUri: `${receiver.url}/${r.name}/new` });
      assert.equal(res.status, 404);
      assert.match(res.body.detail, /not found/);
    });
  });
}

describe('notifications after a PATCH', () => {
  test('a threshold crossing goes to the new callbackUri with the new credentials', async () => {
    const created = await request(t.app).post('/vnfpm/v2/thresholds').set(V).send(RESOURCES[1].body(`${receiver.url}/cross/old`));
    assert.equal(created.status, 201, created.text);
    const res = await patch(`/vnfpm/v2/thresholds/${created.body.id}`, { callbackUri: `${receiver.url}/cross/new`, authentication: auth(NEW_PASSWORD) });
    assert.equal(res.status, 200, res.text);
    cpu.value = 95;
    t.clock.now += 60;
    await t.pm.collector.tick();
    const posts = (p: string) => receiver.received.filter((x) => x.method === 'POST' && x.path === p);
    await receiver.waitFor(() => posts('/cross/new').length >= 1, 10_000, 'the crossing at the new callbackUri');
    assert.equal(posts('/cross/new')[0].json.crossingDirection, 'UP');
    assert.equal(posts('/cross/new')[0].headers.authorization, basic(NEW_PASSWORD));
    assert.equal(posts('/cross/old').length, 0);
  });
});
