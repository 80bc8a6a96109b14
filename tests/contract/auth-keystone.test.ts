import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { loadConfig } from '../../platform/config/config.ts';
import { createLogger, type Logger } from '../../platform/logger.ts';
import { noAuthentication, type Authenticator } from '../../platform/http/auth/authenticator.ts';
import { KeystoneAuthenticator } from '../../platform/http/auth/keystone.authenticator.ts';
import { createAuthenticator } from '../../vnfm-plugin/adapters.ts';
import { startService, StartupError } from '../../vnfm-plugin/service.ts';
import { principalProbeApp } from '../support/principal-probe-app.ts';

const SERVICE_PASSWORD = 'service-pa55word-never-logged';
const GOOD = 'gAAAAABgood-user-token-0001';
const OTHER = 'gAAAAABgood-user-token-0002';

/** A fake Keystone v3: password auth for the service user, token validation, call counts. */
class FakeKeystone {
  clock = Date.now();
  issued = 0;
  validations = 0;
  serviceTokenTtlMs = 3600_000;
  failWith: number | undefined;
  readonly serviceTokens = new Set<string>();
  readonly userTokens = new Map<string, { userId: string; expiresAt: number }>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v3`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const send = (status: number, doc: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(doc));
    };
    if (this.failWith) return send(this.failWith, { error: { code: this.failWith } });
    const path = req.url?.split('?')[0];
    if (req.method === 'POST' && path === '/v3/auth/tokens') {
      const user = JSON.parse(body).auth.identity.password.user;
      if (user.name !== 'tacker' || user.password !== SERVICE_PASSWORD) return send(401, { error: { code: 401 } });
      const token = `svc-token-${++this.issued}`;
      this.serviceTokens.add(token);
      const expires = new Date(this.clock + this.serviceTokenTtlMs).toISOString();
      return send(201, { token: { expires_at: expires, user: { id: 'tacker-id' } } }, { 'X-Subject-Token': token });
    }
    if (req.method === 'GET' && path === '/v3/auth/tokens') {
      this.validations += 1;
      if (!this.serviceTokens.has(String(req.headers['x-auth-token']))) return send(401, { error: { code: 401 } });
      const subject = this.userTokens.get(String(req.headers['x-subject-token']));
      if (!subject || subject.expiresAt <= this.clock) return send(404, { error: { code: 404, message: 'Could not find token' } });
      const expires = new Date(subject.expiresAt).toISOString();
      return send(200, { token: { expires_at: expires, user: { id: subject.userId, name: 'admin' }, methods: ['password'] } });
    }
    send(404, { error: { code: 404 } });
  }
}

const logLines: string[] = [];
const log: Logger = createLogger('trace', { write: (line: string) => void logLines.push(line) });
const keystone = new FakeKeystone();

function keystoneConfig(url: string) {
  return loadConfig({
    VNFM_AUTH: 'keystone',
    KEYSTONE_URL: url,
    KEYSTONE_USERNAME: 'tacker',
    KEYSTONE_PASSWORD: SERVICE_PASSWORD,
    LOG_LEVEL: 'trace',
  });
}

function appWith(authenticator: Authenticator): Express {
  return principalProbeApp(keystoneConfig(keystone.url || 'http://127.0.0.1:1/v3'), log, authenticator);
}

function assertProblem(res: request.Response, status: number): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers['content-type'], /^application\/problem\+json/);
  const problem = JSON.parse(res.text);
  assert.equal(problem.status, status);
  assert.equal(typeof problem.detail, 'string');
}

let app: Express;
before(async () => {
  await keystone.start();
  keystone.userTokens.set(GOOD, { userId: 'user-1', expiresAt: keystone.clock + 3600_000 });
  keystone.userTokens.set(OTHER, { userId: 'user-2', expiresAt: keystone.clock + 3600_000 });
  app = appWith(await createAuthenticator(keystoneConfig(keystone.url), log));
});
after(() => keystone.stop());

describe('VNFM_AUTH=keystone', () => {
  test('a valid X-Auth-Token opens api_versions and versioned routes', async () => {
    const versions = await request(app).get('/vnflcm/api_versions').set('X-Auth-Token', GOOD);
    assert.equal(versions.status, 200);
    assert.equal(versions.body.uriPrefix, '/vnflcm');
    const res = await request(app).get('/vnfpm/v2/subscriptions').set('X-Auth-Token', GOOD).set('Version', '2.1.0');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.principal, { subject: 'user-1', via: 'keystone' });
  });

  test('no token or an unknown token: 401 ProblemDetails with a Keystone challenge', async () => {
    const missing = await request(app).get('/vnflcm/api_versions');
    assertProblem(missing, 401);
    assert.match(missing.headers['www-authenticate'], /^Keystone uri="http:\/\/127\.0\.0\.1:\d+"$/);
    assertProblem(await request(app).get('/vnflcm/v2/subscriptions').set('Version', '2.0.0').set('X-Auth-Token', 'gAAAAABforged'), 401);
    assertProblem(await request(app).get('/vnffm/api_versions').set('X-Auth-Token', 'bad\ttoken'), 401);
  });

  test('a validated token is cached: Keystone is asked once', async () => {
    const before = keystone.validations;
    for (let i = 0; i < 3; i++) {
      assert.equal((await request(app).get('/vnfind/api_versions').set('X-Auth-Token', OTHER)).status, 200);
    }
    assert.equal(keystone.validations - before, 1);
  });

  test('Keystone answering 5xx: 503 ProblemDetails, not 500', async () => {
    keystone.failWith = 500;
    try {
      const res = await request(app).get('/vnflcm/api_versions').set('X-Auth-Token', 'gAAAAABnot-cached-yet');
      assertProblem(res, 503);
      assert.match(JSON.parse(res.text).detail, /Keystone/);
    } finally {
      keystone.failWith = undefined;
    }
  });
});

describe('Keystone token lifetimes (clock under test control)', () => {
  let auth: KeystoneAuthenticator;
  let timed: Express;
  before(() => {
    auth = new KeystoneAuthenticator({
      url: keystone.url,
      username: 'tacker',
      password: SERVICE_PASSWORD,
      project: 'service',
      userDomain: 'Default',
      projectDomain: 'Default',
      log,
      now: () => keystone.clock,
    });
    timed = appWith(auth);
  });

  test('a cached token is revalidated once it expires, then refused', async () => {
    keystone.userTokens.set('gAAAAABshort-lived', { userId: 'user-3', expiresAt: keystone.clock + 60_000 });
    const start = keystone.validations;
    assert.equal((await request(timed).get('/vnflcm/api_versions').set('X-Auth-Token', 'gAAAAABshort-lived')).status, 200);
    assert.equal((await request(timed).get('/vnflcm/api_versions').set('X-Auth-Token', 'gAAAAABshort-lived')).status, 200);
    assert.equal(keystone.validations - start, 1, 'second request served from the cache');
    keystone.clock += 61_000;
    assertProblem(await request(timed).get('/vnflcm/api_versions').set('X-Auth-Token', 'gAAAAABshort-lived'), 401);
    assert.equal(keystone.validations - start, 2, 'expired entry revalidated with Keystone');
  });

  test('long-lived tokens are revalidated after at most 5 minutes (revocation takes effect)', async () => {
    keystone.userTokens.set('gAAAAABlong-lived', { userId: 'user-4', expiresAt: keystone.clock + 3600_000 });
    assert.equal((await request(timed).get('/vnflcm/api_versions').set('X-Auth-Token', 'gAAAAABlong-lived')).status, 200);
    keystone.userTokens.delete('gAAAAABlong-lived');
    keystone.clock += 301_000;
    assertProblem(await request(timed).get('/vnflcm/api_versions').set('X-Auth-Token', 'gAAAAABlong-lived'), 401);
  });

  test('the service token is renewed before it expires and after Keystone revokes it', async () => {
    keystone.serviceTokenTtlMs = 600_000;
    keystone.clock += 3600_000; // whatever service token we held has expired
    keystone.userTokens.set(GOOD, { userId: 'user-1', expiresAt: keystone.clock + 3600_000 });
    const issued = keystone.issued;
    assert.equal((await request(timed).get('/vnflcm/api_versions').set('X-Auth-Token', GOOD)).status, 200);
    assert.equal(keystone.issued - issued, 1, 'new service token before validating');
    keystone.clock += 590_000; // inside the last minute of the service token
    keystone.userTokens.set(OTHER, { userId: 'user-2', expiresAt: keystone.clock + 3600_000 });
    assert.equal((await request(timed).get('/vnflcm/api_versions').set('X-Auth-Token', OTHER)).status, 200);
    assert.equal(keystone.issued - issued, 2, 'renewed ahead of expiry');
    keystone.serviceTokens.clear(); // revoked behind our back: Keystone answers 401
    keystone.userTokens.set('gAAAAABthird', { userId: 'user-5', expiresAt: keystone.clock + 3600_000 });
    assert.equal((await request(timed).get('/vnflcm/api_versions').set('X-Auth-Token', 'gAAAAABthird')).status, 200);
    assert.equal(keystone.issued - issued, 3, 'renewed after a 401');
  });
});

test('Keystone unreachable: 503 ProblemDetails', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const down = appWith(await createAuthenticator(keystoneConfig(`http://127.0.0.1:${port}/v3`), log));
  const res = await request(down).get('/vnflcm/v2/subscriptions').set('Version', '2.0.0').set('X-Auth-Token', GOOD);
  assertProblem(res, 503);
  assert.match(JSON.parse(res.text).detail, /Keystone.*unreachable/);
});

test('wrong service credentials: 503, the caller is not blamed', async () => {
  const config = loadConfig({ VNFM_AUTH: 'keystone', KEYSTONE_URL: keystone.url, KEYSTONE_USERNAME: 'tacker', KEYSTONE_PASSWORD: 'wrong' });
  const res = await request(appWith(await createAuthenticator(config, log))).get('/vnflcm/api_versions').set('X-Auth-Token', GOOD);
  assertProblem(res, 503);
});

test('no token, password or service token ever reaches the log', () => {
  const text = logLines.join('');
  assert.match(text, /Keystone service token obtained/, 'the log was captured');
  assert.match(text, /Keystone unreachable or failing/);
  const serviceTokens = Array.from({ length: keystone.issued }, (_, i) => `svc-token-${i + 1}`);
  const secrets = [GOOD, OTHER, SERVICE_PASSWORD, 'gAAAAABshort-lived', 'gAAAAABforged', ...serviceTokens];
  for (const secret of secrets) assert.ok(!text.includes(secret), `log contains ${secret.slice(0, 12)}...`);
});

describe('VNFM_AUTH=none', () => {
  test('the X-Auth-Token the Tacker CLI sends ("notused") is ignored', async () => {
    const res = await request(appWith(noAuthentication)).get('/vnflcm/v2/subscriptions').set('Version', '2.0.0').set('X-Auth-Token', 'notused');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.principal, { subject: 'anonymous', via: 'none' });
  });

  test('is refused on a non-loopback listener', async () => {
    const config = loadConfig({ VNFM_AUTH: 'none', VNFM_LISTEN: '0.0.0.0:0' });
    await assert.rejects(startService(config, log), StartupError);
  });
});
