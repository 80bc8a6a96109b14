import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import type { Express, Router } from 'express';
import { loadConfig } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { noAuthentication } from '../../platform/http/auth/authenticator.ts';
import { openApiValidation } from '../../platform/http/openapi-validation.ts';
import { SOL_APIS, VNFLCM } from '../../platform/http/sol-api.ts';
import { createHttpApp } from '../../vnfm-plugin/http-app.ts';
import { LCCN_SUBSCRIPTION, LCCN_SUBSCRIPTION_REQUEST } from './fixtures/sol-samples.ts';

/** Stand-in LCM subscription routes: what reaches them passed validation; they answer what they are told. */
function stubRoutes(seen: unknown[], answer: { current: unknown }) {
  return (router: Router) => {
    router.post('/subscriptions', (req, res) => {
      seen.push(req.body);
      res.status(201).json(answer.current);
    });
    router.get('/subscriptions', (req, res) => {
      seen.push(req.query);
      res.json([answer.current]);
    });
    router.get('/subscriptions/:subscriptionId', (_req, res) => void res.json(answer.current));
    router.delete('/subscriptions/:subscriptionId', (_req, res) => void res.status(204).end());
  };
}

function appWith(validateResponses: boolean) {
  const seen: unknown[] = [];
  const answer = { current: LCCN_SUBSCRIPTION.minimal as unknown };
  const app: Express = createHttpApp({
    config: loadConfig({}),
    log: createLogger('silent'),
    metrics: createMetrics(),
    authenticator: noAuthentication,
    apis: SOL_APIS.map((api) => ({
      api,
      validate: openApiValidation(api, { validateResponses }),
      routes: api === VNFLCM ? stubRoutes(seen, answer) : undefined,
    })),
    readiness: {},
  });
  return { app, seen, answer };
}

function assertProblem(res: request.Response, status: number, detail?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers['content-type'], /^application\/problem\+json/);
  const problem = JSON.parse(res.text);
  assert.equal(problem.status, status);
  if (detail) assert.match(problem.detail, detail);
}

const V = { Version: '2.0.0' };

describe('requests are validated against api/openapi at the edge', () => {
  const { app, seen } = appWith(true);

  test('an undocumented path under /{api}/{major}: 404 ProblemDetails', async () => {
    assertProblem(await request(app).get('/vnflcm/v2/vnf_snapshots').set(V), 404, /\/vnflcm\/v2\/vnf_snapshots could not be found/);
    assertProblem(await request(app).get('/vnffm/v1/alarms').set('Version', '1.3.0'), 404);
  });

  test('an undocumented method on a documented path: 405 with Allow', async () => {
    const res = await request(app).put('/vnflcm/v2/subscriptions').set(V).send({});
    assertProblem(res, 405, /PUT/);
    assert.deepEqual(res.headers.allow.split(/, */).sort(), ['GET', 'POST']);
    const one = await request(app).patch('/vnflcm/v2/subscriptions/abc').set(V).set('Content-Type', 'application/merge-patch+json').send('{}');
    assertProblem(one, 405);
    assert.deepEqual(one.headers.allow.split(/, */).sort(), ['DELETE', 'GET']);
  });

  const badBodies: [string, unknown, RegExp][] = [
    ['no callbackUri', {}, /callbackUri/],
    ['callbackUri not a URI', { callbackUri: 'not a uri' }, /callbackUri/],
    ['callbackUri of the wrong type', { callbackUri: 42 }, /callbackUri/],
    ['unknown verbosity', { callbackUri: 'http://a/b', verbosity: 'LOUD' }, /verbosity/],
    ['unknown operation type', { callbackUri: 'http://a/b', filter: { operationTypes: ['LIVE_MIGRATE'] } }, /operationTypes/],
    ['TLS_CERT authentication', { callbackUri: 'http://a/b', authentication: { authType: ['TLS_CERT'] } }, /authType/],
    ['BASIC without paramsBasic', { callbackUri: 'http://a/b', authentication: { authType: ['BASIC'] } }, /paramsBasic/],
    [
      'OAUTH2_CLIENT_CREDENTIALS without a tokenEndpoint',
      { callbackUri: 'http://a/b', authentication: { authType: ['OAUTH2_CLIENT_CREDENTIALS'], paramsOauth2ClientCredentials: { clientId: 'c', clientPassword: 'p' } } },
      /tokenEndpoint/,
    ],
  ];
  for (const [name, body, detail] of badBodies) {
    test(`POST /subscriptions, ${name}: 400 naming the attribute, the route never runs`, async () => {
      const before = seen.length;
      assertProblem(await request(app).post('/vnflcm/v2/subscriptions').set(V).send(body as object), 400, detail);
      assert.equal(seen.length, before);
    });
  }

  test('the minimal and maximal LccnSubscriptionRequest pass', async () => {
    for (const body of [LCCN_SUBSCRIPTION_REQUEST.minimal, LCCN_SUBSCRIPTION_REQUEST.maximal]) {
      const res = await request(app).post('/vnflcm/v2/subscriptions').set(V).send(body);
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(seen.at(-1), body, 'the body reaches the route unchanged');
    }
  });

  test('SOL013 filters and markers pass with their reserved characters unencoded', async () => {
    const filter = "(eq,callbackUri,'http://a/b;c');(in,filter/operationTypes,HEAL,SCALE)";
    const res = await request(app).get(`/vnflcm/v2/subscriptions?filter=${filter}&nextpage_opaque_marker=a%2Bb`).set(V);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual({ ...(seen.at(-1) as object) }, { filter, nextpage_opaque_marker: 'a+b' });
  });

  test('query parameters the resource does not take: 400', async () => {
    assertProblem(await request(app).get('/vnflcm/v2/subscriptions?all_fields').set(V), 400, /all_fields/);
    assertProblem(await request(app).get('/vnflcm/v2/subscriptions?filter=a&filter=b').set(V), 400, /filter/);
  });
});

describe('responses are validated too when asked (tests, staging)', () => {
  test('a response that breaks the contract becomes a generic 500', async () => {
    const { app, answer } = appWith(true);
    answer.current = { ...LCCN_SUBSCRIPTION.minimal, verbosity: undefined };
    assertProblem(await request(app).get('/vnflcm/v2/subscriptions/x').set(V), 500, /internal error/);
  });

  test('credentials are never returned: a subscription carrying authentication is refused', async () => {
    const { app, answer } = appWith(true);
    answer.current = { ...LCCN_SUBSCRIPTION.maximal, authentication: LCCN_SUBSCRIPTION_REQUEST.maximal.authentication };
    const res = await request(app).post('/vnflcm/v2/subscriptions').set(V).send(LCCN_SUBSCRIPTION_REQUEST.minimal);
    assertProblem(res, 500);
    assert.ok(!res.text.includes('callback-secret'));
  });

  test('off (production default): the response goes out as the route made it', async () => {
    const { app, answer } = appWith(false);
    answer.current = { id: 'x' };
    const res = await request(app).get('/vnflcm/v2/subscriptions/x').set(V);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { id: 'x' });
  });
});
