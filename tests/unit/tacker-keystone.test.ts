/**
 * Tacker behind Keystone: the session authenticates (password scope as keystoneauth sends it),
 * puts the token in X-Auth-Token, asks Nova for the hosts the VNFC metadata does not tell, and
 * registers the plugin in the catalog once (a second run keeps what is there; a user who may
 * not is reported, not failed). A fake Keystone + Nova + Tacker on one loopback server.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createLogger } from '../../platform/logger.ts';
import { PLUGIN_SERVICE_TYPE, registerInCatalog } from '../../vnfm-plugin/tacker/keystone-catalog.ts';
import { openTackerSession } from '../../vnfm-plugin/tacker/tacker-access.ts';
import { tackerInstance } from '../support/tacker-fakes.ts';

const log = createLogger('silent');
const TOKEN = 'gAAAA-token';
let server: Server;
let base: string;
let forbid = false;
const authBodies: any[] = [];
const services: { id: string; type: string }[] = [];
const endpoints: { id: string; service_id: string; interface: string; url: string }[] = [];
const tackerTokens: (string | undefined)[] = [];

before(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
      const url = new URL(req.url!, base);
      if (req.method === 'POST' && url.pathname === '/v3/auth/tokens') {
        authBodies.push(JSON.parse(text));
        const catalog = [{ type: 'compute', endpoints: [{ interface: 'public', region: 'RegionOne', url: `${base}/compute/v2.1` }] }];
        return json(201, { token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), catalog, project: { id: 'p1' } } }, { 'X-Subject-Token': TOKEN });
      }
      if (req.headers['x-auth-token'] !== TOKEN) return json(401, { error: { code: 401 } });
      if (url.pathname.startsWith('/vnflcm/v2/vnf_instances')) {
        tackerTokens.push(req.headers['x-auth-token'] as string);
        return json(200, [tackerInstance('i1', [{ vnfc: 'VDU1-s1', server: 's1' }])]);
      }
      if (url.pathname === '/compute/v2.1/servers/s1') return json(200, { server: { id: 's1', 'OS-EXT-SRV-ATTR:host': 'compute-b' } });
      if (url.pathname.startsWith('/compute/')) return json(404, {});
      if (forbid && req.method === 'POST') return json(403, { error: { code: 403 } });
      if (url.pathname === '/v3/services' && req.method === 'GET') return json(200, { services: services.filter((s) => s.type === url.searchParams.get('type')) });
      if (url.pathname === '/v3/services' && req.method === 'POST') {
        const s = { id: `svc-${services.length + 1}`, type: JSON.parse(text).service.type };
        services.push(s);
        return json(201, { service: s });
      }
      if (url.pathname === '/v3/endpoints' && req.method === 'GET') return json(200, { endpoints: endpoints.filter((e) => e.service_id === url.searchParams.get('service_id')) });
      if (url.pathname === '/v3/endpoints' && req.method === 'POST') {
        const e = { id: `ep-${endpoints.length + 1}`, ...JSON.parse(text).endpoint };
        endpoints.push(e);
        return json(201, { endpoint: e });
      }
      json(404, {});
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function session() {
  return openTackerSession({
    tackerUrl: base,
    access: { kind: 'password', keystoneUrl: `${base}/v3`, username: 'vnfm', userDomain: 'Default', project: 'service', projectDomain: 'Default' },
    secret: 'ks-s3cret',
    timeoutMs: 5000,
    log,
  });
}

test('password auth: token in X-Auth-Token; Nova tells the hosts the metadata does not', async () => {
  const s = session();
  const listed = await s.tacker.listVnfInstances();
  assert.equal(listed[0].id, 'i1');
  assert.deepEqual(tackerTokens, [TOKEN]);
  assert.deepEqual(authBodies[0].auth.identity.password.user, { name: 'vnfm', domain: { name: 'Default' }, password: 'ks-s3cret' });
  assert.deepEqual(authBodies[0].auth.scope.project, { name: 'service', domain: { name: 'Default' } });
  assert.deepEqual([...(await s.hostsOf(['s1', 's-unknown']))], [['s1', 'compute-b']]);
  assert.throws(() => openTackerSession({ tackerUrl: base, access: { kind: 'application_credential', keystoneUrl: `${base}/v3`, applicationCredentialId: 'ac' }, secret: undefined, timeoutMs: 1000, log }), /secret/);
});

test('Keystone catalog: service and endpoints created once, kept after; a refusal is reported', async () => {
  const keystone = session().keystone!;
  const opts = { keystone, keystoneUrl: `${base}/v3`, url: 'http://plugin:9891', internalUrl: 'http://10.0.0.5:9891', region: 'RegionOne', timeoutMs: 5000 };
  const first = await registerInCatalog(opts);
  assert.deepEqual(first.created, [`service ${PLUGIN_SERVICE_TYPE}`, 'public endpoint', 'internal endpoint']);
  assert.deepEqual(endpoints.map((e) => [e.interface, e.url, e.service_id]), [['public', 'http://plugin:9891', first.serviceId], ['internal', 'http://10.0.0.5:9891', first.serviceId]]);
  const second = await registerInCatalog(opts);
  assert.deepEqual([second.created, second.existing], [[], [`service ${PLUGIN_SERVICE_TYPE}`, 'public endpoint', 'internal endpoint']]);
  assert.equal(services.length, 1);

  services.length = 0;
  endpoints.length = 0;
  forbid = true;
  const refused = await registerInCatalog(opts);
  assert.match(refused.skipped ?? '', /not allowed to create services \(Keystone answered 403\)/);
});
