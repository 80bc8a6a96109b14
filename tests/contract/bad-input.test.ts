import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { SOL_APIS, uriPrefix } from '../../platform/http/sol-api.ts';
import { encodeMarker } from '../../platform/sol/paging.ts';
import { startService, type RunningService } from '../../vnfm-plugin/service.ts';
import * as bad from '../support/bad-input.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

// Bad input (SOL013 6.4): every refused request is a 4xx ProblemDetails, never a 500,
// and changes nothing. The service is started as `vnfm-plugin serve` starts it, and
// requests go over a real socket byte for byte (invalid UTF-8, chunked bodies, raw
// paths), which supertest would normalise. BAD_INPUT_SEED replays another run.
const SEED = Number(process.env.BAD_INPUT_SEED ?? 20261125);
const V = { Version: '2.0.0' };
const CLIENT = { id: 'nfvo', secret: 's3cret-Value' };
const TABLES = ['subscriptions', 'notification_deliveries', 'outbox_events', 'inbox_events'];

interface RawRequest {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  readonly chunked?: boolean;
  /** The one status possible, when there is one; otherwise any 4xx. */
  readonly status?: number;
}
interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}
type Check = (r: RawRequest, res: RawResponse) => string | undefined;

let t: TestDatabase;
let receiver: NotificationReceiver;
let plain: RunningService;
let oauth2: RunningService;
let dataDir: string;
let bodyLimit: number;
const logLines: string[] = [];
const sent: Record<string, number> = {};

before(async () => {
  t = await openTestDatabase();
  receiver = await startReceiver();
  receiver.reply((r) => {
    if (r.path === '/token') return { status: 200, json: { access_token: 'tok', token_type: 'Bearer', expires_in: 3600 } };
    return r.path === '/cb/refuse' ? 500 : 204;
  });
  dataDir = await mkdtemp(path.join(tmpdir(), 'vnfm-bad-input-'));
  const log = createLogger('warn', { write: (line: string) => void logLines.push(line) });
  // The schema is migrated already; two services and the test share the database.
  const env = { DATABASE_URL: t.url, VNFM_MIGRATE_ON_START: 'false', VNFM_DB_POOL_MAX: '2', VNFM_LISTEN: '127.0.0.1:0', SYSLOG_LISTEN: '127.0.0.1:0' };
  const config = loadConfig({ ...env, VNFM_DATA_DIR: dataDir, VNFM_VALIDATE_RESPONSES: 'true', VNFM_CALLBACK_TEST_TIMEOUT_MS: '2000' });
  bodyLimit = bad.byteSize(config.http.bodyLimit);
  plain = await startService(config, log);
  const clients = `${CLIENT.id}:${CLIENT.secret}`;
  oauth2 = await startService(loadConfig({ ...env, VNFM_DATA_DIR: dataDir, VNFM_AUTH: 'oauth2', OAUTH2_CLIENTS: clients }), log);
});
after(async () => {
  await plain?.close();
  await oauth2?.close();
  await receiver?.close();
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function send(service: RunningService, r: RawRequest): Promise<RawResponse> {
  const url = new URL(service.url);
  const headers: Record<string, string> = { ...r.headers };
  if (r.body && !r.chunked) headers['Content-Length'] = String(r.body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('no response within 30 s')));
    if (r.body && r.chunked) {
      for (let i = 0; i < r.body.length; i += 65_536) req.write(r.body.subarray(i, i + 65_536));
      req.end();
    } else req.end(r.body);
  });
}

/** The request exactly as sent (bytes shown as latin1 escapes), to replay a failure. */
function shown(r: RawRequest): string {
  const bytes = r.body ?? Buffer.alloc(0);
  const body = JSON.stringify(bytes.subarray(0, 400).toString('latin1')) + (bytes.length > 400 ? ` ... (${bytes.length} bytes)` : '');
  const target = r.path.length > 400 ? `${r.path.slice(0, 400)} ... (${r.path.length} characters)` : r.path;
  return `[${r.label}] ${r.method} ${target}\n    headers: ${JSON.stringify(r.headers ?? {})}${r.chunked ? ' (chunked)' : ''}\n    body: ${body}`;
}

/** SOL013 6.4: a 4xx (the expected one, if known) with a ProblemDetails whose status is the HTTP status. */
const problem: Check = (r, res) => {
  if (res.status < 400 || res.status > 499) return `status ${res.status} is not a 4xx`;
  if (r.status !== undefined && res.status !== r.status) return `status ${res.status}, expected ${r.status}`;
  if (!/^application\/problem\+json\b/.test(res.headers['content-type'] ?? '')) return `Content-Type ${res.headers['content-type']}`;
  let body: { status?: unknown; detail?: unknown };
  try {
    body = JSON.parse(res.text);
  } catch {
    return 'the body is not JSON';
  }
  if (body.status !== res.status) return `ProblemDetails.status ${JSON.stringify(body.status)}, HTTP ${res.status}`;
  return typeof body.detail === 'string' ? undefined : 'ProblemDetails.detail is not a string';
};

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await t.db.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, { type: QueryTypes.SELECT });
    counts[table] = row.n;
  }
  return counts;
}

/** Sends every request, then asserts each answer, that nothing was written, and that the service still serves. */
async function fuzz(ctx: TestContext, service: RunningService, route: string, requests: RawRequest[], check: Check = problem) {
  const before = await rowCounts();
  const seen = receiver.received.length;
  const failures: string[] = [];
  for (const r of requests) {
    try {
      const res = await send(service, r);
      const why = check(r, res);
      if (why) failures.push(`${shown(r)}\n    -> ${res.status} ${res.headers['content-type'] ?? ''} ${res.text.slice(0, 300)}\n    ${why}`);
    } catch (err) {
      failures.push(`${shown(r)}\n    -> no response: ${(err as Error).message}`);
    }
  }
  sent[route] = (sent[route] ?? 0) + requests.length;
  ctx.diagnostic(`${route}: ${requests.length} bad requests (seed ${SEED})`);
  const report = failures.slice(0, 8).join('\n\n');
  assert.equal(failures.length, 0, `seed ${SEED}: ${failures.length} of ${requests.length} bad requests to ${route} failed:\n\n${report}`);
  assert.deepEqual(await rowCounts(), before, `seed ${SEED}: bad requests to ${route} wrote nothing`);
  const reached = receiver.received.slice(seen).filter((x) => x.path !== '/cb/refuse');
  assert.deepEqual(reached.map((x) => `${x.method} ${x.path}`), [], 'no bad request got as far as testing its callbackUri');
  assert.equal((await send(service, { label: 'health', method: 'GET', path: '/healthz' })).status, 200, 'the service still serves');
}

const json = (body: object | string) => Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));

/** Hostile bodies as requests to `method path` (with Version and any headers given). */
function withBodies(method: string, target: string, bodies: bad.HostileBody[], headers: Record<string, string> = V): RawRequest[] {
  return bodies.map((b) => ({
    label: b.label,
    method,
    path: target,
    headers: { ...headers, ...(b.contentType !== null && { 'Content-Type': b.contentType ?? 'application/json' }), ...b.headers },
    body: b.body,
    chunked: b.chunked,
    status: b.status,
  }));
}

/** Bad Version and Accept headers on a request that is otherwise fine. */
function withBadHeaders(rng: bad.SeededRandom, base: Omit<RawRequest, 'label'>): RawRequest[] {
  const versions = bad.badVersions(rng, '2.0.0').map((v) => ({ ...base, label: `Version ${JSON.stringify(v.value.slice(0, 30))}`, headers: { ...base.headers, Version: v.value }, status: v.status }));
  const noVersion = { ...base, label: 'no Version', headers: Object.fromEntries(Object.entries(base.headers ?? {}).filter(([k]) => k !== 'Version')), status: 400 };
  const accepts = bad.BAD_ACCEPTS.map((a) => ({ ...base, label: `Accept ${a}`, headers: { ...base.headers, Accept: a }, status: 406 }));
  return [...versions, noVersion, ...accepts];
}

const SUBSCRIPTIONS = '/vnflcm/v2/subscriptions';
const ID = '0b6f6e3c-4d1a-4c55-9a59-6e1f3f5c2a01';

/** SOL003 5.5.2.15 LccnSubscriptionRequest with every attribute we accept. */
function maximal(callbackPath: string): bad.JsonObject {
  return {
    filter: {
      vnfInstanceSubscriptionFilter: {
        vnfdIds: [ID],
        vnfProductsFromProviders: [{ vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Sample VNF', versions: [{ vnfSoftwareVersion: '1.0', vnfdVersions: ['1.0'] }] }] }],
        vnfInstanceIds: [ID],
        vnfInstanceNames: ['vnf-1'],
      },
      notificationTypes: ['VnfLcmOperationOccurrenceNotification'],
      operationTypes: ['HEAL'],
      operationStates: ['COMPLETED'],
    },
    callbackUri: `${receiver.url}${callbackPath}`,
    authentication: {
      authType: ['BASIC', 'OAUTH2_CLIENT_CREDENTIALS'],
      paramsBasic: { userName: 'nfvo', password: 'basic-p4ss' },
      paramsOauth2ClientCredentials: { clientId: 'c1', clientPassword: 'c1-s3cret', tokenEndpoint: `${receiver.url}/token` },
    },
    verbosity: 'SHORT',
  };
}

/** What the generator may break, and where a hostile string is refused whatever it is (enumerations, URIs). */
function subscriptionModel(): bad.BodyModel {
  const closed: bad.JsonPath[] = [['callbackUri'], ['verbosity'], ['authentication', 'authType', 0], ['authentication', 'authType', 1],
    ['authentication', 'paramsOauth2ClientCredentials', 'tokenEndpoint'], ['filter', 'notificationTypes', 0],
    ['filter', 'operationTypes', 0], ['filter', 'operationStates', 0]];
  return { example: maximal('/cb/fuzz'), required: ['callbackUri'], closed };
}

describe(`bad input to every route served (seed ${SEED})`, () => {
  const ids: string[] = [];

  test('the routes work: a minimal and a maximal LccnSubscriptionRequest are created, listed and shown', async (ctx) => {
    ctx.diagnostic(`seed ${SEED}: set BAD_INPUT_SEED=${SEED} to replay`);
    const post = (body: object) => send(plain, { label: 'valid', method: 'POST', path: SUBSCRIPTIONS, headers: { ...V, 'Content-Type': 'application/json' }, body: json(body) });
    for (const body of [{ callbackUri: `${receiver.url}/cb/min` }, maximal('/cb/max'), { callbackUri: `${receiver.url}/cb/ext`, vendorExtension: { x: 1 } }]) {
      const res = await post(body);
      assert.equal(res.status, 201, res.text);
      const created = JSON.parse(res.text);
      assert.equal(created.callbackUri, (body as { callbackUri: string }).callbackUri);
      assert.equal(created.vendorExtension, undefined, 'unknown members are ignored, not stored');
      ids.push(created.id);
    }
    const list = await send(plain, { label: 'valid', method: 'GET', path: `${SUBSCRIPTIONS}?filter=(eq,verbosity,SHORT)`, headers: V });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(JSON.parse(list.text).map((s: { id: string }) => s.id), [ids[1]]);
    const show = await send(plain, { label: 'valid', method: 'GET', path: `${SUBSCRIPTIONS}/${ids[1]}`, headers: V });
    assert.equal(show.status, 200, show.text);
    assert.deepEqual(JSON.parse(show.text).filter, maximal('/cb/max').filter);
  });

  test('POST /vnflcm/v2/subscriptions', async (ctx) => {
    const rng = new bad.SeededRandom(SEED);
    const model = subscriptionModel();
    const headers = { ...V, 'Content-Type': 'application/json' };
    const refusing = [`${receiver.url}/cb/refuse`, 'http://127.0.0.1:1/cb'].map((callbackUri) => ({
      label: `callbackUri ${callbackUri} does not answer 204`, method: 'POST', path: SUBSCRIPTIONS, headers, body: json({ callbackUri }), status: 422,
    }));
    await fuzz(ctx, plain, 'POST /vnflcm/v2/subscriptions', [
      ...withBodies('POST', SUBSCRIPTIONS, bad.hostileBodies(rng, model, bodyLimit)),
      ...withBadHeaders(rng, { method: 'POST', path: SUBSCRIPTIONS, headers, body: json(model.example) }),
      ...refusing,
    ]);
  });

  test('GET /vnflcm/v2/subscriptions', async (ctx) => {
    const rng = new bad.SeededRandom(SEED + 1);
    const get = (query: string, label = query): RawRequest => ({ label, method: 'GET', path: `${SUBSCRIPTIONS}?${query}`, headers: V, status: 400 });
    const valid = { filter: '(eq,verbosity,FULL)', nextpage_opaque_marker: encodeMarker(1) };
    await fuzz(ctx, plain, 'GET /vnflcm/v2/subscriptions', [
      ...bad.badFilters(rng).map((f) => get(`filter=${bad.queryValue(f)}`, `filter ${JSON.stringify(f)}`)),
      ...bad.badSelectors(rng).map((q) => get(q)),
      ...bad.badMarkers(rng).map((m) => get(`nextpage_opaque_marker=${m}`)),
      ...bad.repeatedParams(valid).map((q) => get(q)),
      ...bad.unknownParams(rng, Object.keys(valid)).map((q) => get(q)),
      ...withBadHeaders(rng, { method: 'GET', path: `${SUBSCRIPTIONS}?filter=(eq,verbosity,FULL)`, headers: V }),
      ...withBodies('GET', SUBSCRIPTIONS, bad.malformedJson(rng, subscriptionModel(), 4)),
    ]);
  });

  for (const method of ['GET', 'DELETE']) {
    test(`${method} /vnflcm/v2/subscriptions/{subscriptionId}`, async (ctx) => {
      const rng = new bad.SeededRandom(SEED + (method === 'GET' ? 2 : 3));
      const existing = `${SUBSCRIPTIONS}/${ids[0]}`;
      await fuzz(ctx, plain, `${method} /vnflcm/v2/subscriptions/{subscriptionId}`, [
        ...bad.badIds(rng).map((id) => ({ label: `id ${id.label}`, method, path: `${SUBSCRIPTIONS}/${id.segment}`, headers: V, status: id.status })),
        // The subscription exists: only the request is wrong, and it stays. A body that
        // parses is ignored on GET and DELETE (RFC 9110 9.3.1, 9.3.5), as Tacker does.
        ...withBadHeaders(rng, { method, path: existing, headers: V }),
        ...withBodies(method, existing, bad.malformedJson(rng, subscriptionModel(), 6)),
      ]);
    });
  }

  const apiVersionPaths = SOL_APIS.flatMap((api) => [`/${api.name}/api_versions`, `${uriPrefix(api)}/api_versions`]);
  test(`GET ${apiVersionPaths.join(', ')}`, async (ctx) => {
    const rng = new bad.SeededRandom(SEED + 4);
    const bodies = bad.malformedJson(rng, subscriptionModel(), 2);
    for (const target of apiVersionPaths) {
      assert.equal((await send(plain, { label: 'valid', method: 'GET', path: target })).status, 200, `${target} works`);
      await fuzz(ctx, plain, `GET ${target}`, [
        ...bad.BAD_ACCEPTS.map((a) => ({ label: `Accept ${a}`, method: 'GET', path: target, headers: { Accept: a }, status: 406 })),
        ...['POST', 'PUT', 'PATCH', 'DELETE'].flatMap((method) => withBodies(method, target, [rng.pick(bodies), rng.pick(bodies)]).map((r) => ({ ...r, status: 405 }))),
        ...['/x', 'x', '%00', '/..%2F'].map((suffix) => ({ label: `suffix ${suffix}`, method: 'GET', path: `${target}${suffix}`, headers: V })),
      ]);
    }
  });
});

describe(`bad input with VNFM_AUTH=oauth2 (seed ${SEED})`, () => {
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const basic = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;

  /** RFC 6749 5.2: token errors are JSON with `error`, never cached; invalid_client challenges Basic. */
  const oauthError: Check = (r, res) => {
    if (r.method !== 'POST') return problem(r, res);
    if (res.status < 400 || res.status > 499) return `status ${res.status} is not a 4xx`;
    if (r.status !== undefined && res.status !== r.status) return `status ${res.status}, expected ${r.status}`;
    if (res.headers['cache-control'] !== 'no-store') return 'not Cache-Control: no-store';
    let body: { error?: unknown; error_description?: unknown };
    try {
      body = JSON.parse(res.text);
    } catch {
      return 'the body is not JSON';
    }
    if (!['invalid_request', 'invalid_client', 'unsupported_grant_type'].includes(body.error as string)) return `error ${JSON.stringify(body.error)}`;
    if (res.status === 401 && !/^Basic /.test(res.headers['www-authenticate'] ?? '')) return 'a 401 without a Basic challenge';
    return typeof body.error_description === 'string' ? undefined : 'error_description is not a string';
  };

  test('POST /token', async (ctx) => {
    const rng = new bad.SeededRandom(SEED + 5);
    const grant = { grant_type: 'client_credentials' };
    const post = (label: string, body: string, headers: Record<string, string>, status?: number): RawRequest => ({
      label, method: 'POST', path: '/token', headers: { ...form, ...headers }, body: Buffer.from(body), status,
    });
    const valid = await send(oauth2, post('valid', 'grant_type=client_credentials', { Authorization: basic }));
    assert.equal(valid.status, 200, valid.text);
    const withFields = { ...grant, client_id: CLIENT.id, client_secret: CLIENT.secret };
    await fuzz(ctx, oauth2, 'POST /token', [
      ...bad.hostileForms(rng, grant).map((f) => post(f.label, f.body, { Authorization: basic }, 400)),
      ...bad.hostileForms(rng, withFields).map((f) => post(`form credentials, ${f.label}`, f.body, {})),
      ...bad.badBasicAuthorizations(rng, CLIENT.id, CLIENT.secret).map((a) => post(`Authorization ${a.slice(0, 40)}`, 'grant_type=client_credentials', { Authorization: a })),
      ...['application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=latin1']
        .map((type) => post(`Content-Type ${type}`, 'grant_type=client_credentials', { Authorization: basic, 'Content-Type': type }, 400)),
      post('larger than 16 KiB', `grant_type=client_credentials&pad=${'x'.repeat(17_000)}`, { Authorization: basic }, 400),
      post('Content-Encoding: gzip, not gzipped', 'grant_type=client_credentials', { Authorization: basic, 'Content-Encoding': 'gzip' }, 400),
      ...['GET', 'PUT', 'DELETE', 'PATCH'].map((method) => ({ label: method, method, path: '/token', headers: { Authorization: basic }, status: 405 })),
    ], oauthError);
  });

  test('API routes without valid credentials: 401, and a valid subscription is not created', async (ctx) => {
    const rng = new bad.SeededRandom(SEED + 6);
    const issued = await send(oauth2, { label: 'token', method: 'POST', path: '/token', headers: { ...form, Authorization: basic }, body: Buffer.from('grant_type=client_credentials') });
    const token = JSON.parse(issued.text).access_token as string;
    const ok = await send(oauth2, { label: 'valid', method: 'GET', path: SUBSCRIPTIONS, headers: { ...V, Authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200, 'a valid token opens the API');
    const challenged: Check = (r, res) => problem(r, res) ?? (/^Bearer/.test(res.headers['www-authenticate'] ?? '') ? undefined : 'no Bearer challenge');
    const targets: Omit<RawRequest, 'label'>[] = [
      { method: 'GET', path: '/vnflcm/api_versions' },
      { method: 'GET', path: SUBSCRIPTIONS, headers: V },
      { method: 'POST', path: SUBSCRIPTIONS, headers: { ...V, 'Content-Type': 'application/json' }, body: json({ callbackUri: `${receiver.url}/cb/fuzz` }) },
    ];
    const authorizations = [undefined, ...bad.badAuthorizations(rng, token)];
    await fuzz(ctx, oauth2, 'API routes, bad Authorization', targets.flatMap((target) => authorizations.map((a) => ({
      ...target, label: `Authorization ${a?.slice(0, 40) ?? '(none)'}`, headers: { ...target.headers, ...(a !== undefined && { Authorization: a }) }, status: 401,
    }))), challenged);
  });
});

describe('afterwards', () => {
  test('nothing was logged as an error, and the counts', (ctx) => {
    const errors = logLines.filter((line) => JSON.parse(line).level >= 50);
    assert.deepEqual(errors, [], 'no unhandled error');
    const total = Object.values(sent).reduce((a, b) => a + b, 0);
    ctx.diagnostic(`seed ${SEED}: ${total} bad requests, ${JSON.stringify(sent)}`);
    assert.ok(total >= 900, `about a thousand bad requests were sent (${total})`);
  });
});
