import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import express, { type Express, type RequestHandler } from 'express';
import request from 'supertest';
import { createDecisionModule, DECISIONS_API_PREFIX, type DecisionModule } from '../../lcm/decision/index.ts';
import type { Decision } from '../../lcm/decision/decision.types.ts';
import { InProcessEventBus } from '../../platform/bus/in-process-bus.ts';
import { notFoundHandler, problemHandler } from '../../platform/http/error.middleware.ts';
import { Unauthorized } from '../../platform/http/problem-details.ts';
import { requestContext } from '../../platform/http/request-context.middleware.ts';
import { createMetrics } from '../../platform/metrics.ts';
import type { FailureScorePayload } from '../../prediction/scoring/failure-score.ts';
import { FAILURE_SCORES_TOPIC } from '../../prediction/scoring/online-scorer.ts';
import { fakeGuards, fakeLcm, fakeVnfcs, monitored, policy, vimHost } from '../support/decision-fixtures.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

const T0 = 1_795_618_500; // 2026-11-25T14:55:00Z
const TOKEN = { 'X-Auth-Token': 'test-token' };
const authenticate: RequestHandler = (req, _res, next) => {
  next(req.header('x-auth-token') === TOKEN['X-Auth-Token'] ? undefined : new Unauthorized());
};

let t: TestDatabase;
let bus: InProcessEventBus;
let mod: DecisionModule;
let app: Express;
let now = T0;
const lcm = fakeLcm();
const guards = fakeGuards();
const VNFS = ['vnf-1', 'vnf-2', 'vnf-3', 'vnf-4'];
const flat = (v: number) => ({ h1: v, h5: v, h15: v });

function payload(vnf: string, failureScore: number, o: Partial<FailureScorePayload> = {}): FailureScorePayload {
  return {
    vnfInstanceId: vnf, vnfcInstanceId: `${vnf}-c`, host: 'compute-a', failureScore, longProbability: 0.2, inFailure: false,
    threshold: 0.8, longThreshold: 0.6, horizonSeconds: 60, modelId: 'model-1', ts: new Date(now * 1000).toISOString(), ...o,
  };
}

async function publish(id: string, scores: FailureScorePayload[]): Promise<void> {
  await bus.publish({ id, topic: FAILURE_SCORES_TOPIC, occurredAt: new Date().toISOString(), payload: scores });
}

const get = (url: string) => request(app).get(url).set(TOKEN);
const post = (url: string, body?: object) => (body ? request(app).post(url).set(TOKEN).send(body) : request(app).post(url).set(TOKEN));

before(async () => {
  t = await openTestDatabase();
  bus = new InProcessEventBus(testLog, { maxAttempts: 1, backoffMs: 10 });
  mod = createDecisionModule({
    db: t.db,
    bus,
    log: testLog,
    metrics: createMetrics(),
    config: { publicUrl: 'http://vnfm.test', http: { pageSize: 2, validateResponses: true }, decision: { mode: 'approve' } },
    lcm,
    catalogue: { get: () => undefined },
    guards,
    vnfcs: fakeVnfcs(VNFS.map((v, i) => monitored({ vnfInstanceId: v, vnfcInstanceId: `${v}-c`, serverId: `server-${i}`, policy: policy({ maxConcurrentPerHost: 10 }) }))),
    vim: { listHosts: async () => [vimHost('compute-a'), vimHost('compute-b')] },
    forecasts: { forecast: async (hosts) => new Map(hosts.map((h) => [h, { cpu: flat(20), mem: flat(30) }])) },
    clock: () => now * 1000,
  });
  await mod.start();
  app = express();
  app.use(requestContext(testLog, createMetrics()));
  app.use(DECISIONS_API_PREFIX, mod.router(authenticate));
  app.use(notFoundHandler);
  app.use(problemHandler);
});

after(async () => {
  await mod?.stop();
  await bus?.close();
  await t?.close();
});

describe('decisions from the failure-score events', () => {
  test('one event records one decision per triggered VNFC; the same event again records nothing more', async () => {
    const id = randomUUID();
    const scores = [payload('vnf-1', 0.95), payload('vnf-2', 0.9), payload('vnf-3', 0.75), payload('vnf-4', 0.2), payload('not-monitored', 0.99)];
    await publish(id, scores);
    await publish(id, scores);
    const res = await get(`${DECISIONS_API_PREFIX}/decisions?all_fields`);
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 2, 'page size 2');
    const next = /<([^>]+)>; rel="next"/.exec(res.headers.link ?? '');
    assert.ok(next, 'a Link to the next page');
    const url = new URL(next[1]);
    const rest = await get(`${url.pathname}${url.search}`);
    assert.equal(rest.status, 200);
    const all = [...res.body, ...rest.body] as Decision[];
    assert.deepEqual(all.map((d) => d.vnfInstanceId).sort(), ['vnf-1', 'vnf-2', 'vnf-3']);
    assert.ok(all.every((d) => d.status === 'pending-approval' && d.mode === 'approve' && d.rule === 'threshold'));
    assert.equal(rest.headers.link, undefined);
    assert.equal(lcm.requests.length, 0, 'approve mode sends nothing by itself');
  });
});

describe('GET /decisions/v1/decisions', () => {
  test('filters in the database; inputs and ranking only with all_fields', async () => {
    const res = await get(`${DECISIONS_API_PREFIX}/decisions?filter=(eq,vnfInstanceId,vnf-2)`);
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 1);
    assert.equal(res.body[0].vnfInstanceId, 'vnf-2');
    assert.equal(res.body[0].inputs, undefined);
    assert.equal(res.body[0].ranking, undefined);
    assert.equal(res.body[0].outcome.destination, 'compute-b');
    const whole = await get(`${DECISIONS_API_PREFIX}/decisions?filter=(eq,vnfInstanceId,vnf-2)&all_fields`);
    assert.equal(whole.body[0].inputs.score.failureScore, 0.9);
    assert.equal(whole.body[0].ranking.strategy, 'forecast');
    const none = await get(`${DECISIONS_API_PREFIX}/decisions?filter=(eq,outcome/kind,heal)`);
    assert.deepEqual(none.body, []);
  });

  test('bad filters, unknown parameters and missing credentials are refused', async () => {
    assert.equal((await get(`${DECISIONS_API_PREFIX}/decisions?filter=(eq,status`)).status, 400);
    assert.equal((await get(`${DECISIONS_API_PREFIX}/decisions?limit=3`)).status, 400);
    assert.equal((await request(app).get(`${DECISIONS_API_PREFIX}/decisions`)).status, 401);
  });

  test('one decision, whole; unknown id 404; malformed id 400', async () => {
    const [d] = (await get(`${DECISIONS_API_PREFIX}/decisions?filter=(eq,vnfInstanceId,vnf-1)`)).body as Decision[];
    const one = await get(`${DECISIONS_API_PREFIX}/decisions/${d.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.inputs.policy.scoreThreshold, 0.7);
    assert.equal((await get(`${DECISIONS_API_PREFIX}/decisions/${randomUUID()}`)).status, 404);
    assert.equal((await get(`${DECISIONS_API_PREFIX}/decisions/not-a-uuid`)).status, 400);
  });
});

describe('approve mode', () => {
  const idOf = async (vnf: string) => ((await get(`${DECISIONS_API_PREFIX}/decisions?filter=(eq,vnfInstanceId,${vnf})`)).body as Decision[])[0].id;

  test('approve sends the HEAL request once; a second approval is a 409', async () => {
    const id = await idOf('vnf-1');
    const res = await post(`${DECISIONS_API_PREFIX}/decisions/${id}/approve`, { note: 'ok by ops' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'requested');
    assert.equal(res.body.opOccId, 'op-1');
    assert.equal(lcm.requests.length, 1);
    assert.equal(lcm.requests[0].additionalParams?.targetHost, 'compute-b');
    assert.equal(lcm.requests[0].isAutomaticInvocation, true);
    const again = await post(`${DECISIONS_API_PREFIX}/decisions/${id}/approve`);
    assert.equal(again.status, 409);
    assert.match(again.headers['content-type'], /^application\/problem\+json/);
    assert.equal(lcm.requests.length, 1);
  });

  test('while the VNF has an LCM operation running the approval waits (409, still pending)', async () => {
    const id = await idOf('vnf-3');
    guards.lcm.add('vnf-3');
    assert.equal((await post(`${DECISIONS_API_PREFIX}/decisions/${id}/approve`)).status, 409);
    guards.lcm.delete('vnf-3');
    assert.equal((await get(`${DECISIONS_API_PREFIX}/decisions/${id}`)).body.status, 'pending-approval');
  });

  test('reject stores the note; a rejected decision cannot be approved', async () => {
    const id = await idOf('vnf-2');
    const res = await post(`${DECISIONS_API_PREFIX}/decisions/${id}/reject`, { note: 'maintenance window' });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'rejected');
    assert.equal(res.body.statusReason, 'maintenance window');
    assert.equal((await post(`${DECISIONS_API_PREFIX}/decisions/${id}/approve`)).status, 409);
    assert.equal((await post(`${DECISIONS_API_PREFIX}/decisions/${id}/reject`, { extra: 1 })).status, 400);
  });

  test('an approval after the prediction horizon is refused and the decision expires', async () => {
    const id = await idOf('vnf-3');
    now = T0 + 61;
    const res = await post(`${DECISIONS_API_PREFIX}/decisions/${id}/approve`);
    assert.equal(res.status, 409);
    assert.match(res.body.detail, /expired/);
    assert.equal((await get(`${DECISIONS_API_PREFIX}/decisions/${id}`)).body.status, 'expired');
    assert.equal(lcm.requests.length, 1);
  });
});

describe('auto mode on the database', () => {
  test('decisions are stored, the requests sent, and their outcomes stored together', async () => {
    const autoBus = new InProcessEventBus(testLog, { maxAttempts: 1, backoffMs: 10 });
    const autoLcm = fakeLcm();
    const auto = createDecisionModule({
      db: t.db,
      bus: autoBus,
      log: testLog,
      config: { publicUrl: 'http://vnfm.test', http: { pageSize: 100, validateResponses: false }, decision: { mode: 'auto' } },
      lcm: autoLcm,
      catalogue: { get: () => undefined },
      guards: fakeGuards(),
      vnfcs: fakeVnfcs(['a-1', 'a-2'].map((v, i) => monitored({ vnfInstanceId: v, vnfcInstanceId: `${v}-c`, serverId: `auto-${i}`, policy: policy({ maxConcurrentPerHost: 10 }) }))),
      vim: { listHosts: async () => [vimHost('compute-a'), vimHost('compute-b')] },
      forecasts: { forecast: async (hosts) => new Map(hosts.map((h) => [h, { cpu: flat(20), mem: flat(30) }])) },
      clock: () => now * 1000,
    });
    await auto.start();
    try {
      await autoBus.publish({ id: randomUUID(), topic: FAILURE_SCORES_TOPIC, occurredAt: new Date().toISOString(), payload: [payload('a-1', 0.9), payload('a-2', 0.99)] });
      await auto.engine.settled();
      assert.deepEqual(autoLcm.requests.map((r) => r.vnfInstanceId).sort(), ['a-1', 'a-2']);
      const stored = (await get(`${DECISIONS_API_PREFIX}/decisions?filter=(eq,mode,auto)`)).body as Decision[];
      assert.deepEqual(stored.map((d) => d.status), ['requested', 'requested']);
      assert.deepEqual(stored.map((d) => d.opOccId).sort(), ['op-1', 'op-2']);
    } finally {
      await auto.stop();
      await autoBus.close();
    }
  });
});

describe('ports that read the database', () => {
  test('the placements and guards are read outside the consumer transaction (no wait on the embedded database)', { timeout: 20_000 }, async () => {
    const readBus = new InProcessEventBus(testLog, { maxAttempts: 1, backoffMs: 10 });
    const reads: string[] = [];
    const read = async (what: string) => {
      // What the LCM's adapters do: a query of their own, on any pooled connection.
      await t.db.sequelize.query('SELECT count(*) FROM decisions');
      reads.push(what);
    };
    const vnfcs = fakeVnfcs([monitored({ vnfInstanceId: 'r-1', vnfcInstanceId: 'r-1-c', serverId: 'r-srv' })]);
    const mod2 = createDecisionModule({
      db: t.db,
      bus: readBus,
      log: testLog,
      config: { publicUrl: 'http://vnfm.test', http: { pageSize: 100, validateResponses: false }, decision: { mode: 'dry-run' } },
      lcm: fakeLcm(),
      catalogue: { get: () => undefined },
      guards: { busy: async (ids) => (await read('guards'), { lcm: new Set<string>(), scaling: new Set<string>(ids.filter(() => false)) }) },
      vnfcs: { resolve: async (keys) => (await read('placements'), vnfcs.resolve(keys)) },
      vim: { listHosts: async () => (await read('hosts'), [vimHost('compute-a'), vimHost('compute-b')]) },
      forecasts: { forecast: async (hosts) => (await read('forecasts'), new Map(hosts.map((h) => [h, { cpu: flat(20), mem: flat(30) }]))) },
      clock: () => now * 1000,
    });
    await mod2.start();
    try {
      await readBus.publish({ id: randomUUID(), topic: FAILURE_SCORES_TOPIC, occurredAt: new Date().toISOString(), payload: [payload('r-1', 0.99)] });
      assert.deepEqual(reads, ['placements', 'guards', 'hosts', 'forecasts']);
      const stored = (await get(`${DECISIONS_API_PREFIX}/decisions?filter=(eq,vnfInstanceId,r-1)`)).body as Decision[];
      assert.deepEqual(stored.map((d) => d.status), ['dry-run']);
    } finally {
      await mod2.stop();
      await readBus.close();
    }
  });
});
