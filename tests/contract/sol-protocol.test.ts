import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import request from 'supertest';
import type { Response } from 'supertest';
import { loadConfig } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { noAuthentication } from '../../platform/http/auth/authenticator.ts';
import { SOL_APIS, uriPrefix, type SolApi } from '../../platform/http/sol-api.ts';
import { createHttpApp } from '../../vnfm-plugin/http-app.ts';

// SOL013 4 and Tacker's api/wsgi.py: the protocol rules every API shares, exercised
// through the real middleware stack with a few probe routes added to each API.
const BODY_LIMIT = '1kb';
const logLines: string[] = [];
const app = createHttpApp({
  config: loadConfig({ VNFM_BODY_LIMIT: BODY_LIMIT }),
  log: createLogger('info', { write: (line: string) => void logLines.push(line) }),
  metrics: createMetrics(),
  authenticator: noAuthentication,
  readiness: {},
  apis: SOL_APIS.map((api) => ({
    api,
    routes: (router) => {
      router.post('/probe', (req, res) => {
        res.status(201).json({ received: req.body });
      });
      router.get('/probe', (_req, res) => {
        res.json({ ok: true });
      });
      router.get('/boom', () => {
        throw new Error('kaboom: connection to 10.0.0.7 refused');
      });
    },
  })),
});

/** `METHOD path` of the request behind a response, for failure messages. */
function requestOf(res: Response): string {
  const req = (res as unknown as { req: { method: string; path: string } }).req;
  return `${req.method} ${req.path}`;
}

function assertProblem(res: Response, status: number): void {
  assert.equal(res.status, status, `status of ${requestOf(res)}: ${res.text}`);
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
  const body = JSON.parse(res.text) as { status: unknown; detail: unknown };
  assert.equal(body.status, status, 'ProblemDetails.status is the numeric HTTP status');
  assert.equal(typeof body.detail, 'string');
  assert.ok((body.detail as string).length > 0, 'detail says what went wrong');
}

/** SOL013 4.9: every response of an API carries its Version; Tacker adds Accept-Ranges: none. */
function assertSolHeaders(res: Response, api: SolApi): void {
  assert.equal(res.headers['version'], api.version, `Version header on ${res.status} of ${requestOf(res)}`);
  assert.equal(res.headers['accept-ranges'], 'none', `Accept-Ranges header on ${res.status} of ${requestOf(res)}`);
}

function unsupportedVersion(api: SolApi): string {
  return api.version === '1.3.0' ? '2.0.0' : '1.3.0';
}

for (const api of SOL_APIS) {
  const prefix = uriPrefix(api);
  const v = { Version: api.version };

  describe(`${api.name} (${prefix}, ${api.version})`, () => {
    test('api_versions answers on both paths without a Version header', async () => {
      for (const [path, uri] of [
        [`/${api.name}/api_versions`, `/${api.name}`],
        [`${prefix}/api_versions`, prefix],
      ]) {
        const res = await request(app).get(path).expect(200);
        assert.match(res.headers['content-type'], /^application\/json/);
        assert.deepEqual(res.body, { uriPrefix: uri, apiVersions: [{ version: api.version, isDeprecated: false }] });
        assertSolHeaders(res, api);
      }
    });

    test('api_versions is read-only: other methods are 405 with Allow: GET, with or without Version', async () => {
      for (const path of [`/${api.name}/api_versions`, `${prefix}/api_versions`]) {
        for (const headers of [{}, v]) {
          const res = await request(app).put(path).set(headers).send({});
          assertProblem(res, 405);
          assert.equal(res.headers['allow'], 'GET');
          assertSolHeaders(res, api);
        }
      }
    });

    test('a request without Version is 400', async () => {
      const res = await request(app).get(`${prefix}/probe`);
      assertProblem(res, 400);
      assert.match(res.body.detail, /Version/);
      assertSolHeaders(res, api);
    });

    test('a malformed Version is 400', async () => {
      for (const bad of ['2.0', 'x', '2.0.0-foo']) {
        const res = await request(app).get(`${prefix}/probe`).set('Version', bad);
        assertProblem(res, 400);
        assertSolHeaders(res, api);
      }
    });

    test('a well-formed Version that is not served is 406', async () => {
      const res = await request(app).get(`${prefix}/probe`).set('Version', unsupportedVersion(api));
      assertProblem(res, 406);
      assertSolHeaders(res, api);
    });

    test('the served Version, with or without an -impl suffix, is accepted', async () => {
      for (const version of [api.version, `${api.version}-impl:vendor:product:4`]) {
        const res = await request(app).get(`${prefix}/probe`).set('Version', version).expect(200);
        assert.deepEqual(res.body, { ok: true });
        assertSolHeaders(res, api);
      }
    });

    test('Accept without JSON is 406, on api_versions too', async () => {
      assertProblem(await request(app).get(`${prefix}/probe`).set(v).set('Accept', 'text/html'), 406);
      assertProblem(await request(app).get(`/${api.name}/api_versions`).set('Accept', 'text/html'), 406);
      await request(app).get(`${prefix}/probe`).set(v).set('Accept', 'text/html, application/json;q=0.5').expect(200);
    });

    test('a JSON body is parsed; other content types are 415', async () => {
      const ok = await request(app).post(`${prefix}/probe`).set(v).send({ a: 'ü' }).expect(201);
      assert.deepEqual(ok.body, { received: { a: 'ü' } });
      const res = await request(app).post(`${prefix}/probe`).set(v).set('Content-Type', 'text/plain').send('hello');
      assertProblem(res, 415);
      assertSolHeaders(res, api);
    });

    test(`a body over VNFM_BODY_LIMIT (${BODY_LIMIT}) is 413`, async () => {
      const res = await request(app)
        .post(`${prefix}/probe`)
        .set(v)
        .send({ data: 'x'.repeat(2048) });
      assertProblem(res, 413);
      assertSolHeaders(res, api);
    });

    test('malformed JSON is 400', async () => {
      const res = await request(app).post(`${prefix}/probe`).set(v).set('Content-Type', 'application/json').send('{"a":');
      assertProblem(res, 400);
      assertSolHeaders(res, api);
    });

    test('a body that is not valid UTF-8 is 400', async () => {
      const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
      const res = await request(app)
        .post(`${prefix}/probe`)
        .set(v)
        .set('Content-Type', 'application/json')
        .serialize(() => body as unknown as string) // the raw bytes, not a JSON-encoded Buffer
        .send(body);
      assertProblem(res, 400);
      assertSolHeaders(res, api);
    });

    test('an unknown route is 404', async () => {
      const res = await request(app).get(`${prefix}/no_such_resource`).set(v);
      assertProblem(res, 404);
      assertSolHeaders(res, api);
    });

    test('an unexpected error is a generic 500; the stack is only in the log', async () => {
      logLines.length = 0;
      const res = await request(app).get(`${prefix}/boom`).set(v).set('X-Request-Id', `boom-${api.name}`);
      assertProblem(res, 500);
      assertSolHeaders(res, api);
      assert.doesNotMatch(res.text, /kaboom|10\.0\.0\.7|at .*\.ts/, 'no internals in the response');
      assert.match(res.body.detail, new RegExp(`boom-${api.name}`), 'the detail names the request id to look up');
      const logged = logLines.map((l) => JSON.parse(l) as { reqId?: string; level: string; err?: { stack?: string } });
      const entry = logged.find((l) => l.reqId === `boom-${api.name}` && l.level === 'error');
      assert.ok(entry, 'the error is logged with the request id');
      assert.match(entry.err?.stack ?? '', /kaboom[\s\S]*sol-protocol\.test\.ts/, 'the log has the stack');
    });
  });
}

test('an unknown path outside every API is 404 ProblemDetails', async () => {
  assertProblem(await request(app).get('/nothing/here'), 404);
  assertProblem(await request(app).post('/vnflcm/v9/anything').set('Version', '2.0.0').send({}), 404);
});
