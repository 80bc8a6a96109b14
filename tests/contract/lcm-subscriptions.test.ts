import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import type { Express } from 'express';
import { createLcmModule } from '../../lcm/index.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { noAuthentication } from '../../platform/http/auth/authenticator.ts';
import { openApiValidation } from '../../platform/http/openapi-validation.ts';
import { VNFLCM } from '../../platform/http/sol-api.ts';
import { createSubscriptions } from '../../platform/sol/subscriptions/subscriptions.module.ts';
import { createHttpApp } from '../../vnfm-plugin/http-app.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

// SOL003 5.4.18 / 5.4.19 and Tacker vnflcm_v2 subscription_create/list/show/delete.
const PUBLIC_URL = 'http://vnfm.example.net:9890';
const V = { Version: '2.0.0' };
const PASSWORD = 'basic-p4ssw0rd';
const CLIENT_SECRET = 'client-s3cret';
const ACCESS_TOKEN = 'tok-7f3a9c';

let t: TestDatabase;
let app: Express;
let receiver: NotificationReceiver;
let tokenRequests = 0;
const logLines: string[] = [];

before(async () => {
  t = await openTestDatabase();
  receiver = await startReceiver();
  const config = loadConfig({ VNFM_PUBLIC_URL: PUBLIC_URL, VNFM_CALLBACK_TEST_TIMEOUT_MS: '500', VNFM_PAGE_SIZE: '2' });
  const log = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  const subscriptions = createSubscriptions({ db: t.db, config, log, metrics: createMetrics() });
  app = createHttpApp({
    config,
    log,
    metrics: createMetrics(),
    authenticator: noAuthentication,
    readiness: {},
    apis: [
      {
        // As served: requests and responses checked against api/openapi/vnflcm.yaml.
        ...createLcmModule({ subscriptions: subscriptions.service, pageSize: config.http.pageSize, publicUrl: PUBLIC_URL }),
        validate: openApiValidation(VNFLCM, { validateResponses: true }),
      },
    ],
  });
});
after(async () => {
  await receiver?.close();
  await t?.close();
});

/** The receiver: 204 to notifications, tokens at /token, and what a test sets per path. */
function replyBy(paths: Record<string, number | { status: number; delayMs?: number }>): void {
  receiver.reply((r) => {
    if (r.path === '/token') {
      tokenRequests++;
      const ok = r.headers.authorization === `Basic ${Buffer.from(`client-1:${CLIENT_SECRET}`).toString('base64')}`;
      if (!ok || r.text !== 'grant_type=client_credentials') return 401;
      return { status: 200, json: { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 } };
    }
    return paths[r.path] ?? 204;
  });
}

const subscribe = (body: object) => request(app).post('/vnflcm/v2/subscriptions').set(V).send(body);

async function storedCount(): Promise<number> {
  const rows = await t.db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM subscriptions', { type: QueryTypes.SELECT });
  return rows[0].n;
}

describe('POST /vnflcm/v2/subscriptions', () => {
  test('201 with Location and the LccnSubscription, after a GET to callbackUri answered 204', async () => {
    replyBy({});
    const seen = receiver.received.length;
    const filter = { operationTypes: ['HEAL'], operationStates: ['COMPLETED'] };
    const res = await subscribe({ callbackUri: `${receiver.url}/cb/min`, filter });
    assert.equal(res.status, 201, res.text);
    const id = res.body.id as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.location, `${PUBLIC_URL}/vnflcm/v2/subscriptions/${id}`);
    assert.equal(res.headers.version, '2.0.0');
    assert.deepEqual(res.body, {
      id,
      filter,
      callbackUri: `${receiver.url}/cb/min`,
      verbosity: 'FULL',
      _links: { self: { href: res.headers.location } },
    });
    const test = receiver.received.slice(seen).find((r) => r.path === '/cb/min');
    assert.ok(test, 'the callback was tested');
    assert.equal(test.method, 'GET');
    assert.equal(test.headers.version, '2.0.0', 'the test GET carries the API version');
    assert.equal(test.headers.authorization, undefined);
  });

  test('a callbackUri answering anything but 204, or too late, is 422 and nothing is stored', async () => {
    replyBy({ '/cb/ok200': 200, '/cb/err': 500, '/cb/slow': { status: 204, delayMs: 2000 } });
    const before = await storedCount();
    for (const path of ['/cb/ok200', '/cb/err', '/cb/slow']) {
      const res = await subscribe({ callbackUri: `${receiver.url}${path}` });
      assert.equal(res.status, 422, `${path}: ${res.text}`);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
      assert.equal(res.body.status, 422);
      assert.match(res.body.detail, /callbackUri/);
    }
    const refused = await subscribe({ callbackUri: 'http://127.0.0.1:1/nobody-listens' });
    assert.equal(refused.status, 422);
    assert.equal(await storedCount(), before);
  });

  test('bad requests are 400 and store nothing', async () => {
    replyBy({});
    const before = await storedCount();
    for (const body of [
      {},
      { callbackUri: 'relative/path' },
      { callbackUri: `${receiver.url}/cb`, verbosity: 'ALL' },
      { callbackUri: `${receiver.url}/cb`, filter: { operationStates: ['DONE'] } },
      { callbackUri: `${receiver.url}/cb`, authentication: { authType: ['BASIC'] } },
      { callbackUri: `${receiver.url}/cb`, authentication: { authType: ['OAUTH2_CLIENT_CREDENTIALS'], paramsBasic: { userName: 'u', password: PASSWORD } } },
    ]) {
      const res = await subscribe(body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.ok(!res.text.includes(PASSWORD));
    }
    assert.equal(await storedCount(), before);
  });
});

describe('authentication', () => {
  test('BASIC credentials reach the receiver but are never returned (create, show, list)', async () => {
    replyBy({});
    const seen = receiver.received.length;
    const res = await subscribe({
      callbackUri: `${receiver.url}/cb/basic`,
      authentication: { authType: ['BASIC'], paramsBasic: { userName: 'nfvo', password: PASSWORD } },
    });
    assert.equal(res.status, 201, res.text);
    const test = receiver.received.slice(seen).find((r) => r.path === '/cb/basic');
    assert.equal(test?.headers.authorization, `Basic ${Buffer.from(`nfvo:${PASSWORD}`).toString('base64')}`);
    const show = await request(app).get(`/vnflcm/v2/subscriptions/${res.body.id}`).set(V);
    const list = await request(app).get('/vnflcm/v2/subscriptions?all_fields').set(V);
    for (const r of [res, show, list]) {
      assert.ok(!r.text.includes('authentication') && !r.text.includes(PASSWORD), `no credentials in ${r.text}`);
    }
    const [row] = await t.db.sequelize.query<{ doc: object; authentication: { paramsBasic: { password: string } } }>(
      'SELECT doc, authentication FROM subscriptions WHERE id = $1',
      { bind: [res.body.id], type: QueryTypes.SELECT },
    );
    assert.equal(row.authentication.paramsBasic.password, PASSWORD, 'stored in its own column');
    assert.ok(!JSON.stringify(row.doc).includes(PASSWORD), 'never in doc');
  });

  test('OAUTH2_CLIENT_CREDENTIALS: a token is fetched with Basic client auth, cached, and sent as Bearer', async () => {
    replyBy({});
    tokenRequests = 0;
    const seen = receiver.received.length;
    const auth = {
      authType: ['OAUTH2_CLIENT_CREDENTIALS'],
      paramsOauth2ClientCredentials: { clientId: 'client-1', clientPassword: CLIENT_SECRET, tokenEndpoint: `${receiver.url}/token` },
    };
    const first = await subscribe({ callbackUri: `${receiver.url}/cb/oauth-1`, authentication: auth });
    const second = await subscribe({ callbackUri: `${receiver.url}/cb/oauth-2`, authentication: auth });
    assert.equal(first.status, 201, first.text);
    assert.equal(second.status, 201, second.text);
    assert.equal(tokenRequests, 1, 'the token is fetched once and reused');
    const tests = receiver.received.slice(seen).filter((r) => r.path.startsWith('/cb/oauth-'));
    assert.deepEqual(tests.map((r) => r.headers.authorization), [`Bearer ${ACCESS_TOKEN}`, `Bearer ${ACCESS_TOKEN}`]);
    for (const r of [first, second]) assert.ok(!r.text.includes(CLIENT_SECRET) && !r.text.includes('authentication'));
  });

  test('a token endpoint refusing the client makes the callback test fail: 422', async () => {
    replyBy({});
    const res = await subscribe({
      callbackUri: `${receiver.url}/cb/oauth-bad`,
      authentication: {
        authType: ['OAUTH2_CLIENT_CREDENTIALS'],
        paramsOauth2ClientCredentials: { clientId: 'client-1', clientPassword: 'wrong', tokenEndpoint: `${receiver.url}/token` },
      },
    });
    assert.equal(res.status, 422, res.text);
    assert.ok(!res.text.includes('wrong'));
  });

  test('no secret or token ever reaches the log', () => {
    const all = logLines.join('\n');
    assert.ok(logLines.length > 0, 'something was logged');
    for (const secret of [PASSWORD, CLIENT_SECRET, ACCESS_TOKEN]) assert.ok(!all.includes(secret), `${secret} is not logged`);
  });
});

describe('GET and DELETE', () => {
  test('unknown or malformed ids are 404 ProblemDetails', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await request(app).get(`/vnflcm/v2/subscriptions/${id}`).set(V);
      assert.equal(res.status, 404, res.text);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
      assert.equal(res.body.status, 404);
      const del = await request(app).delete(`/vnflcm/v2/subscriptions/${id}`).set(V);
      assert.equal(del.status, 404);
    }
  });

  test('show returns what create returned; DELETE is 204, then the subscription is gone', async () => {
    replyBy({});
    const created = await subscribe({ callbackUri: `${receiver.url}/cb/del`, verbosity: 'SHORT' });
    assert.equal(created.status, 201);
    const show = await request(app).get(`/vnflcm/v2/subscriptions/${created.body.id}`).set(V);
    assert.equal(show.status, 200);
    assert.deepEqual(show.body, created.body);
    const del = await request(app).delete(`/vnflcm/v2/subscriptions/${created.body.id}`).set(V);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assert.equal((await request(app).get(`/vnflcm/v2/subscriptions/${created.body.id}`).set(V)).status, 404);
    assert.equal((await request(app).delete(`/vnflcm/v2/subscriptions/${created.body.id}`).set(V)).status, 404);
  });

  test('list: SOL013 filter and paging with Link rel="next"', async () => {
    replyBy({});
    for (const n of [1, 2, 3]) assert.equal((await subscribe({ callbackUri: `${receiver.url}/cb/list-${n}` })).status, 201);
    const filtered = await request(app)
      .get(`/vnflcm/v2/subscriptions?filter=(eq,callbackUri,${encodeURIComponent(`${receiver.url}/cb/list-2`)})`)
      .set(V);
    assert.equal(filtered.status, 200, filtered.text);
    assert.deepEqual(filtered.body.map((s: { callbackUri: string }) => s.callbackUri), [`${receiver.url}/cb/list-2`]);

    const seen: string[] = [];
    let next: string | undefined = '/vnflcm/v2/subscriptions';
    while (next) {
      const page: request.Response = await request(app).get(next).set(V);
      assert.equal(page.status, 200, page.text);
      assert.ok(page.body.length <= 2, 'pages hold VNFM_PAGE_SIZE items');
      seen.push(...page.body.map((s: { id: string }) => s.id));
      const link = /<([^>]+)>;\s*rel="next"/.exec(page.headers.link ?? '');
      next = link ? link[1].slice(PUBLIC_URL.length) : undefined;
    }
    assert.equal(seen.length, await storedCount(), 'paging visits every subscription once');
    assert.equal(new Set(seen).size, seen.length);
  });

  test('unsupported methods are 405', async () => {
    const res = await request(app).put('/vnflcm/v2/subscriptions').set(V).send({});
    assert.equal(res.status, 405, res.text);
    assert.match(res.headers.allow ?? '', /GET/);
  });
});
