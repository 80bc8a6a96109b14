import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { loadConfig, type Config } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/logger.ts';
import type { Authenticator } from '../../platform/http/auth/authenticator.ts';
import { BearerTokens, TOKEN_KEY_FILE } from '../../platform/http/auth/oauth2.authenticator.ts';
import { createAuthenticator } from '../../vnfm-plugin/adapters.ts';
import { principalProbeApp } from '../support/principal-probe-app.ts';

const log = createLogger('silent');
const CLIENTS = 'nfvo:s3cret-Value,tacker:with:colon';
let dataDir: string;

function oauth2Config(env: Record<string, string> = {}): Config {
  return loadConfig({ VNFM_AUTH: 'oauth2', OAUTH2_CLIENTS: CLIENTS, VNFM_DATA_DIR: dataDir, ...env });
}

/** The app as service.ts builds it for VNFM_AUTH=oauth2: token endpoint mounted at the root. */
function appWith(config: Config, authenticator: Authenticator): Express {
  return principalProbeApp(config, log, authenticator);
}

function basic(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

async function tokenFor(app: Express, id = 'nfvo', secret = 's3cret-Value'): Promise<string> {
  const res = await request(app).post('/token').set('Authorization', basic(id, secret)).type('form').send({ grant_type: 'client_credentials' });
  assert.equal(res.status, 200, res.text);
  return res.body.access_token;
}

let app: Express;
before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'vnfm-oauth2-'));
  const config = oauth2Config();
  app = appWith(config, await createAuthenticator(config, log));
});
after(() => rm(dataDir, { recursive: true, force: true }));

describe('POST /token (RFC 6749 4.4, client credentials)', () => {
  test('HTTP Basic client authentication: a bearer token', async () => {
    const res = await request(app).post('/token').set('Authorization', basic('nfvo', 's3cret-Value')).type('form').send({ grant_type: 'client_credentials' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 3600);
    assert.match(res.body.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('client_id and client_secret form fields, secret containing a colon', async () => {
    const res = await request(app).post('/token').type('form').send({ grant_type: 'client_credentials', client_id: 'tacker', client_secret: 'with:colon' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.token_type, 'Bearer');
  });

  const invalidClient: [string, (r: request.Test) => request.Test][] = [
    ['wrong secret', (r) => r.set('Authorization', basic('nfvo', 'guess'))],
    ['unknown client', (r) => r.set('Authorization', basic('intruder', 's3cret-Value'))],
    ['no credentials', (r) => r],
    ['wrong form secret', (r) => r.send({ client_id: 'nfvo', client_secret: 'nope' })],
  ];
  for (const [name, setup] of invalidClient) {
    test(`${name}: 401 invalid_client with a Basic challenge`, async () => {
      const res = await setup(request(app).post('/token').type('form')).send({ grant_type: 'client_credentials' });
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'invalid_client');
      assert.match(res.headers['www-authenticate'], /^Basic /);
    });
  }

  test('another grant type: 400 unsupported_grant_type', async () => {
    const res = await request(app).post('/token').set('Authorization', basic('nfvo', 's3cret-Value')).type('form').send({ grant_type: 'password', username: 'u', password: 'p' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'unsupported_grant_type');
  });

  const invalidRequest: [string, (r: request.Test) => request.Test][] = [
    ['missing grant_type', (r) => r.type('form').send({ scope: 'x' })],
    ['JSON body', (r) => r.send({ grant_type: 'client_credentials' })],
    ['two authentication methods', (r) => r.type('form').send({ grant_type: 'client_credentials', client_id: 'nfvo', client_secret: 's3cret-Value' })],
    ['repeated parameter', (r) => r.type('form').send('grant_type=client_credentials&grant_type=client_credentials')],
  ];
  for (const [name, setup] of invalidRequest) {
    test(`${name}: 400 invalid_request`, async () => {
      const res = await setup(request(app).post('/token').set('Authorization', basic('nfvo', 's3cret-Value')));
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error, 'invalid_request');
    });
  }

  test('GET /token: 405 with Allow: POST', async () => {
    const res = await request(app).get('/token');
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'POST');
  });
});

describe('Authorization: Bearer on the APIs', () => {
  test('an issued token opens api_versions and versioned routes', async () => {
    const token = await tokenFor(app);
    assert.equal((await request(app).get('/vnffm/api_versions').set('Authorization', `Bearer ${token}`)).status, 200);
    const res = await request(app).get('/vnflcm/v2/subscriptions').set('Authorization', `Bearer ${token}`).set('Version', '2.0.0');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.principal, { subject: 'nfvo', via: 'oauth2' });
  });

  async function assertRejected(authorization: string | undefined): Promise<void> {
    let req = request(app).get('/vnflcm/v2/subscriptions').set('Version', '2.0.0');
    if (authorization !== undefined) req = req.set('Authorization', authorization);
    const res = await req;
    assert.equal(res.status, 401, `${authorization}: ${res.text}`);
    assert.match(res.headers['content-type'], /^application\/problem\+json/);
    assert.equal(JSON.parse(res.text).status, 401);
    assert.match(res.headers['www-authenticate'], /^Bearer /);
  }

  test('missing, malformed or Keystone-style credentials: 401 ProblemDetails', async () => {
    await assertRejected(undefined);
    await assertRejected('Bearer');
    await assertRejected('Basic ' + Buffer.from('nfvo:s3cret-Value').toString('base64'));
    await assertRejected('Bearer not-a-token');
  });

  test('tampered tokens: 401', async () => {
    const [header, payload, signature] = (await tokenFor(app)).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86400 })).toString('base64url');
    await assertRejected(`Bearer ${header}.${forged}.${signature}`);
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
    await assertRejected(`Bearer ${header}.${payload}.${flipped}`);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await assertRejected(`Bearer ${none}.${payload}.`);
  });

  test('an expired token, correctly signed: 401', async () => {
    const key = Buffer.from((await readFile(path.join(dataDir, TOKEN_KEY_FILE), 'utf8')).trim(), 'base64url');
    const expired = new BearerTokens(key, 60, () => Date.now() - 120_000).issue('nfvo').accessToken;
    const fresh = new BearerTokens(key, 60).issue('nfvo').accessToken;
    await assertRejected(`Bearer ${expired}`);
    const res = await request(app).get('/vnfpm/api_versions').set('Authorization', `Bearer ${fresh}`);
    assert.equal(res.status, 200, 'the same key signs valid tokens: only the expiry differs');
  });

  test('tokens of a client removed from OAUTH2_CLIENTS: 401', async () => {
    const token = await tokenFor(app, 'tacker', 'with:colon');
    const config = oauth2Config({ OAUTH2_CLIENTS: 'nfvo:s3cret-Value' });
    const restarted = appWith(config, await createAuthenticator(config, log));
    const res = await request(restarted).get('/vnflcm/api_versions').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 401);
  });
});

describe('signing key', () => {
  test('generated once, kept with mode 0600, and tokens survive a restart', async () => {
    const file = path.join(dataDir, TOKEN_KEY_FILE);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const token = await tokenFor(app);
    const config = oauth2Config();
    const restarted = appWith(config, await createAuthenticator(config, log));
    assert.equal((await request(restarted).get('/vnflcm/api_versions').set('Authorization', `Bearer ${token}`)).status, 200);
  });

  test('a key file readable by others is restricted to the owner', async () => {
    const file = path.join(dataDir, TOKEN_KEY_FILE);
    await chmod(file, 0o644);
    await createAuthenticator(oauth2Config(), log);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  test('OAUTH2_TOKEN_SECRET signs instead, and no key file is written', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'vnfm-oauth2-'));
    try {
      const env = { VNFM_DATA_DIR: other, OAUTH2_TOKEN_SECRET: 'a-shared-secret-of-all-replicas' };
      const replicaA = appWith(oauth2Config(env), await createAuthenticator(oauth2Config(env), log));
      const replicaB = appWith(oauth2Config(env), await createAuthenticator(oauth2Config(env), log));
      const token = await tokenFor(replicaA);
      assert.equal((await request(replicaB).get('/vnflcm/api_versions').set('Authorization', `Bearer ${token}`)).status, 200);
      assert.equal((await request(app).get('/vnflcm/api_versions').set('Authorization', `Bearer ${token}`)).status, 401, 'another key refuses it');
      await assert.rejects(stat(path.join(other, TOKEN_KEY_FILE)), { code: 'ENOENT' });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  test('a corrupt key file stops the start instead of signing with a weak key', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'vnfm-oauth2-'));
    try {
      await writeFile(path.join(other, TOKEN_KEY_FILE), 'short\n', { mode: 0o600 });
      await assert.rejects(createAuthenticator(oauth2Config({ VNFM_DATA_DIR: other }), log), /signing key/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
