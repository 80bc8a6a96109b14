import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import express, { type Express, type RequestHandler, type Router } from 'express';
import request from 'supertest';
import type { EntityResolver } from '../../fault-mgmt/monitoring.types.ts';
import { createMonitoringApiRouter, MONITORING_API_PREFIX, pathsServedElsewhere } from '../../fault-mgmt/query/monitoring-api.ts';
import { monitoringQueryRoutes } from '../../fault-mgmt/query/monitoring-query.routes.ts';
import { createWindowReader } from '../../fault-mgmt/store/window-reader.ts';
import { notFoundHandler, problemHandler } from '../../platform/http/error.middleware.ts';
import { Unauthorized } from '../../platform/http/problem-details.ts';
import { requestContext } from '../../platform/http/request-context.middleware.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { createDayPartitions, insertEvents, insertSamples, insertSeries } from '../support/monitoring-rows.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';
import { loadDocument, operationsOf, resolveRef } from '../support/openapi-documents.ts';
import { MONITORING_DOCUMENT } from '../../fault-mgmt/query/monitoring-api.ts';

const T0 = 1_795_618_500; // 2026-11-25T14:55:00Z
const ISO0 = '2026-11-25T14:55:00.000Z';
const TOKEN = { 'X-Auth-Token': 'test-token' };

const resolver = {
  resolve: (name: string) => ({ entity: { kind: 'host' as const, id: name }, known: false }),
  vmsOfVnf: () => [],
} satisfies EntityResolver;

/** Accepts one token; anything else is 401 (the real authenticators are tested elsewhere). */
const authenticate: RequestHandler = (req, _res, next) => {
  next(req.header('x-auth-token') === TOKEN['X-Auth-Token'] ? undefined : new Unauthorized());
};

/** Stand-ins for the registry and alert routes, answering the documented shapes. */
function registryAndAlertStubs(router: Router): void {
  router.get('/entities', (_req, res) => {
    res.json({
      registered: [{ kind: 'vm', id: 'vm-a', name: 'srsepc-0', host: 'compute-a', vnfInstanceId: 'vnf-1', source: 'config' }],
      unknown: [{ kind: 'host', name: 'mystery', firstSeen: ISO0, lastSeen: ISO0, seen: 3 }],
    });
  });
  router.get('/alerts', (_req, res) => {
    res.json([
      {
        fingerprint: '5b4750bc8ece9da9', status: 'firing', startsAt: ISO0, endsAt: null, labels: { alertname: 'x' },
        annotations: {}, receiver: 'vnfm', functionType: null, vnfInstanceId: null, timesReceived: 1, updatedAt: ISO0,
      },
    ]);
  });
}

let t: TestDatabase;
let app: Express;
before(async () => {
  t = await openTestDatabase();
  await createDayPartitions(t.db, T0);
  const cpu = await insertSeries(t.db, 'host', 'compute-a', 'cpu_util');
  await insertSamples(t.db, cpu, [[T0 + 1, 10], [T0 + 6, 20], [T0 + 70, 30]]);
  await insertSeries(t.db, 'host', 'compute-a', 'cpu-0/percent-user', false);
  await insertSamples(t.db, await insertSeries(t.db, 'vm', 'vm-a', 'mem_util'), [[T0 + 2, 55]]);
  await insertEvents(t.db, [
    { ts: T0 + 1, type: 'paging_timeout', count: 2, source: 'log', host: 'compute-a', message: 'T3413 expired -- Could not page the ue.' },
    { ts: T0 + 8, type: 'paging_timeout', count: 1, source: 'log', host: 'compute-a', attrs: { imsi: '001010123456789' } },
    { ts: T0 + 9, type: 'oom_kill', count: 1, source: 'syslog', host: 'compute-b' },
  ]);
  const reader = createWindowReader({ db: t.db, resolver, defaultStep: 5, defaultFillLimit: 2 });
  app = express();
  app.set('query parser', 'simple');
  app.use(requestContext(testLog, createMetrics()));
  app.use(
    MONITORING_API_PREFIX,
    createMonitoringApiRouter({
      authenticate,
      validateResponses: true,
      routes: [
        monitoringQueryRoutes({ db: t.db, reader, resolver, config: { stepSeconds: 5, fillLimit: 2 }, now: () => T0 + 15 }),
        registryAndAlertStubs,
      ],
    }),
  );
  app.use(notFoundHandler);
  app.use(problemHandler);
});
after(async () => {
  await t?.close();
});

const get = (path: string) => request(app).get(`${MONITORING_API_PREFIX}${path}`).set(TOKEN);

function assertProblem(res: request.Response, status: number, detail?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers['content-type'], /^application\/problem\+json/);
  const problem = JSON.parse(res.text);
  assert.equal(problem.status, status);
  if (detail) assert.match(problem.detail, detail, problem.detail);
}

describe('GET /values', () => {
  test('gauges and event counts on the same windows, times in RFC 3339', async () => {
    const res = await get(`/values?entity=host:compute-a&metric=cpu_util,events:paging_timeout&start=${ISO0}&end=${T0 + 20}&step=5`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.entity, { kind: 'host', id: 'compute-a' });
    assert.equal(res.body.step, 5);
    assert.equal(res.body.start, ISO0);
    assert.equal(res.body.end, '2026-11-25T14:55:20.000Z');
    const [cpu, paging] = res.body.series;
    assert.equal(cpu.metric, 'cpu_util');
    assert.deepEqual(cpu.timestamps, [ISO0, '2026-11-25T14:55:05.000Z', '2026-11-25T14:55:10.000Z', '2026-11-25T14:55:15.000Z']);
    assert.deepEqual(cpu.values, [10, 20, 20, 20]);
    assert.deepEqual(cpu.quality, ['observed', 'observed', 'filled', 'filled']);
    assert.deepEqual(paging.values, [2, 1, 0, 0]);
  });

  test('defaults: step and fill from config, end = now, agg last; fill=0 and agg=max honoured', async () => {
    const res = await get(`/values?entity=host:compute-a&metric=cpu_util&start=${T0}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.step, 5);
    assert.deepEqual(res.body.series[0].values, [10, 20, 20]);
    const noFill = await get(`/values?entity=host:compute-a&metric=cpu_util&start=${T0}&end=${T0 + 15}&fill=0&agg=max&step=10`);
    assert.deepEqual(noFill.body.series[0].values, [20, null]);
  });

  test('an entity or metric without data: gaps, not an error', async () => {
    const res = await get(`/values?entity=vm:nobody&metric=cpu_util&start=${T0}&end=${T0 + 10}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.series[0].values, [null, null]);
    assert.deepEqual(res.body.series[0].quality, ['gap', 'gap']);
  });

  const bad: [string, string, RegExp][] = [
    ['no entity', `metric=cpu_util&start=${T0}`, /entity/],
    ['entity of an unknown kind', `entity=rack:r1&metric=cpu_util&start=${T0}`, /entity/],
    ['entity without id', `entity=host:&metric=cpu_util&start=${T0}`, /entity/],
    ['no metric', `entity=host:a&start=${T0}`, /metric/],
    ['an empty name in the metric list', `entity=host:a&metric=cpu_util,,mem_util&start=${T0}`, /empty name/],
    ['21 metrics', `entity=host:a&metric=${Array.from({ length: 21 }, (_, i) => `m${i}`).join(',')}&start=${T0}`, /at most 20/],
    ['no start', 'entity=host:a&metric=cpu_util', /start/],
    ['start not a time', `entity=host:a&metric=cpu_util&start=yesterday`, /start/],
    ['start without a zone', `entity=host:a&metric=cpu_util&start=2026-11-25T14:55:00`, /start/],
    ['start on the 31st of November', `entity=host:a&metric=cpu_util&start=2026-11-31T14:55:00Z`, /start/],
    ['end before start', `entity=host:a&metric=cpu_util&start=${T0}&end=${T0 - 5}`, /end must be later/],
    ['step 0', `entity=host:a&metric=cpu_util&start=${T0}&step=0`, /step/],
    ['step not a number', `entity=host:a&metric=cpu_util&start=${T0}&step=five`, /step/],
    ['fractional step', `entity=host:a&metric=cpu_util&start=${T0}&step=2.5`, /step/],
    ['too many windows', `entity=host:a&metric=cpu_util&start=${T0}&end=${T0 + 200_000}&step=1`, /100000/],
    ['unknown agg', `entity=host:a&metric=cpu_util&start=${T0}&agg=median`, /agg/],
    ['negative fill', `entity=host:a&metric=cpu_util&start=${T0}&fill=-1`, /fill/],
    ['rollups with a 5 s step', `entity=host:a&metric=cpu_util&start=${T0}&source=rollup&step=5`, /multiple of 60/],
    ['an invalid event type', `entity=host:a&metric=events:Paging&start=${T0}`, /Event type/],
    ['an unknown parameter', `entity=host:a&metric=cpu_util&start=${T0}&color=red`, /color/],
    ['a repeated parameter', `entity=host:a&entity=host:b&metric=cpu_util&start=${T0}`, /entity/],
  ];
  for (const [name, query, detail] of bad) {
    test(`400 ProblemDetails: ${name}`, async () => {
      assertProblem(await get(`/values?${query}`), 400, detail);
    });
  }
});

describe('GET /series', () => {
  test('the catalogue of one entity, canonical and raw', async () => {
    const res = await get('/series?entity=host:compute-a');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, [
      { entity: { kind: 'host', id: 'compute-a' }, metric: 'cpu-0/percent-user', canonical: false },
      { entity: { kind: 'host', id: 'compute-a' }, metric: 'cpu_util', canonical: true },
    ]);
  });

  test('all entities, paged by limit and offset', async () => {
    const all = (await get('/series')).body as { metric: string }[];
    assert.equal(all.length, 3);
    const page = await get('/series?limit=1&offset=2');
    assert.deepEqual(page.body, all.slice(2));
  });

  test('limit above 1000: 400', async () => {
    assertProblem(await get('/series?limit=1001'), 400, /limit/);
  });
});

describe('GET /events', () => {
  test('newest first, filtered by type and host, with message and attrs', async () => {
    const res = await get(`/events?type=paging_timeout&host=compute-a&start=${ISO0}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.map((e: { time: string }) => e.time), ['2026-11-25T14:55:08.000Z', '2026-11-25T14:55:01.000Z']);
    assert.deepEqual(res.body[0], {
      time: '2026-11-25T14:55:08.000Z', type: 'paging_timeout', count: 1, source: 'log', host: 'compute-a', vm: null,
      vnfInstanceId: null, vnfcInstanceId: null, message: null, attrs: { imsi: '001010123456789' },
    });
    assert.equal(res.body[1].message, 'T3413 expired -- Could not page the ue.');
  });

  test('limit and range', async () => {
    assert.equal((await get('/events?limit=1')).body[0].type, 'oom_kill');
    assert.deepEqual((await get(`/events?end=${T0 + 5}`)).body.map((e: { count: number }) => e.count), [2]);
  });

  const bad = [['limit 0', 'limit=0'], ['limit above 10000', 'limit=10001'], ['bad type', 'type=OOM'], ['bad end', 'end=soon'], ['U+0000', 'host=a%00b']];
  for (const [name, query] of bad) {
    test(`400 ProblemDetails: ${name}`, async () => {
      assertProblem(await get(`/events?${query}`), 400);
    });
  }
});

describe('GET /snapshot', () => {
  test('latest canonical values per host and VM', async () => {
    const res = await get('/snapshot');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, [
      { entity: { kind: 'host', id: 'compute-a' }, time: '2026-11-25T14:56:10.000Z', metrics: { cpu_util: { value: 30, time: '2026-11-25T14:56:10.000Z' } } },
      { entity: { kind: 'vm', id: 'vm-a' }, time: '2026-11-25T14:55:02.000Z', metrics: { mem_util: { value: 55, time: '2026-11-25T14:55:02.000Z' } } },
    ]);
    assert.deepEqual((await get('/snapshot?kind=vm')).body.map((s: { entity: unknown }) => s.entity), [{ kind: 'vm', id: 'vm-a' }]);
    assert.deepEqual((await get('/snapshot?kind=host&id=nobody')).body, []);
  });

  test('kind other than host or vm: 400', async () => {
    assertProblem(await get('/snapshot?kind=vnf'), 400, /kind/);
  });
});

describe('the rest of the document and the edge', () => {
  test('registry and alert responses in the documented shapes pass response validation', async () => {
    for (const path of ['/entities', '/alerts?status=firing']) {
      const res = await get(path);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
    }
    assertProblem(await get('/alerts?status=burning'), 400, /status/);
  });

  test('no credentials: 401 ProblemDetails', async () => {
    assertProblem(await request(app).get(`${MONITORING_API_PREFIX}/series`), 401);
  });

  test('an undocumented path: 404; a documented path with another method: 405', async () => {
    assertProblem(await get('/nothing'), 404);
    assertProblem(await request(app).post(`${MONITORING_API_PREFIX}/values`).set(TOKEN).send({}), 405);
  });

  test('the ingest endpoints are not served under /monitoring/v1', async () => {
    assertProblem(await request(app).post(`${MONITORING_API_PREFIX}/collectd`).set(TOKEN).send([]), 404);
    assertProblem(await request(app).post(`${MONITORING_API_PREFIX}/logs`).set(TOKEN).send({ lines: [] }), 404);
  });
});

describe('api/openapi/monitoring.yaml', () => {
  const doc = loadDocument(MONITORING_DOCUMENT) as { servers: { url: string }[]; paths: Record<string, { servers?: { url: string }[] }> };

  test('query operations under /monitoring/v1, the four ingest endpoints at the root', () => {
    assert.deepEqual(doc.servers, [{ url: MONITORING_API_PREFIX }]);
    assert.deepEqual(pathsServedElsewhere().sort(), ['/alertmanager', '/collectd', '/collectd/notify', '/logs']);
    for (const p of pathsServedElsewhere()) assert.deepEqual(doc.paths[p].servers, [{ url: '/' }], p);
  });

  test('every operation: unique operationId, 401 documented, errors as ProblemDetails; ingest answers 204 (POST /logs: 200 with what became of the lines)', () => {
    const ids = new Set<string>();
    for (const { path: p, method, operation } of operationsOf(doc)) {
      const where = `${method.toUpperCase()} ${p}`;
      assert.ok(typeof operation.operationId === 'string' && !ids.has(operation.operationId), `${where}: operationId`);
      ids.add(operation.operationId as string);
      const responses = operation.responses as Record<string, { $ref?: string }>;
      assert.ok(responses['401'], `${where}: 401`);
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        const resolved = (response.$ref ? resolveRef(MONITORING_DOCUMENT, response.$ref).value : response) as { content?: object };
        assert.deepEqual(Object.keys(resolved.content ?? {}), ['application/problem+json'], `${where} ${status}`);
      }
      const ingest = (operation.tags as string[]).includes('ingest');
      assert.equal(ingest, pathsServedElsewhere().includes(p), `${where}: tag ingest iff served at the root`);
      const stored = where === 'POST /logs' ? '200' : '204';
      if (ingest) assert.ok(responses[stored] && responses['400'] && responses['413'], `${where}: ${stored}, 400, 413`);
    }
  });
});
