import request from 'supertest';
import { test } from 'node:test';
import { loadConfig } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { noAuthentication } from '../../platform/http/auth/authenticator.ts';
import { SOL_APIS } from '../../platform/http/sol-api.ts';
import { openApiValidation } from '../../platform/http/openapi-validation.ts';
import { createHttpApp } from '../../vnfm-plugin/http-app.ts';
test('probe', async () => {
  const app = createHttpApp({ config: loadConfig({}), log: createLogger('error'), metrics: createMetrics(), authenticator: noAuthentication,
    apis: SOL_APIS.map((api) => ({ api, validate: openApiValidation(api, { validateResponses: true }),
      routes: (r) => { r.post('/subscriptions', (req, res) => void res.status(201).json({ id: 'x', callbackUri: req.body.callbackUri, verbosity: 'FULL', _links: { self: { href: 'http://h/x' } }, authentication: req.body.authentication })); r.get('/subscriptions', (req, res) => void res.json([{bad: 1}])); } })), readiness: {} });
  const V = { Version: '2.0.0' };
  for (const [m, p, body] of [['get','/vnflcm/v2/foo'], ['put','/vnflcm/v2/subscriptions'], ['get','/vnflcm/v2/subscriptions'], ['get','/vnflcm/v2/subscriptions?all_fields'], ['get','/vnflcm/v2/subscriptions/abc'],
     ['post','/vnflcm/v2/subscriptions', {callbackUri: 'not a uri'}], ['post','/vnflcm/v2/subscriptions', {callbackUri: 'http://a/b', authentication: {authType: ['BASIC']}}],
     ['post','/vnflcm/v2/subscriptions', {callbackUri: 'http://a/b'}], ['post','/vnflcm/v2/subscriptions', {callbackUri: 'http://a/b', authentication: {authType: ['BASIC'], paramsBasic: {userName: 'u', password: 'p'}}}],
     ['get', '/vnffm/v1/alarms'], ['get', '/vnffm/v1/api_versions'], ['post', '/vnffm/v1/api_versions'], ['get','/vnflcm/v2/subscriptions/abc/x']] as const) {
    let r = (request(app) as any)[m](p).set(V).set('Version', p.startsWith('/vnffm') ? '1.3.0' : '2.0.0');
    if (body) r = r.send(body);
    const res = await r;
    console.log(m, p, res.status, res.headers.allow ?? '', res.text.slice(0, 300));
  }
});
