/**
 * The Tacker client sends what python-tackerclient sends (the captured requests in
 * ../shared/samples/tackerclient-requests.txt): the same Version and Accept headers per API,
 * JSON bodies with Content-Type application/json, the heal body's vnfcInstanceId list, and
 * X-Auth-Token; it follows Link rel="next" pages and renews the token once after a 401.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nextLink, TackerClient, TackerRequestFailed } from '../../vnfm-plugin/tacker/tacker-client.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples/tackerclient-requests.txt');
const skip = existsSync(SAMPLES) ? false : `the captured Tacker CLI requests are not at ${SAMPLES}`;

interface Captured {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: any;
}

/** The requests of the capture file: `<time> METHOD /path`, `  headers: {...}`, `  body: {...}`. */
function captured(): Captured[] {
  const out: Captured[] = [];
  for (const line of readFileSync(SAMPLES, 'utf8').split('\n')) {
    const req = /^\S+Z (GET|POST|PATCH|DELETE|PUT) (\S+)$/.exec(line);
    if (req) out.push({ method: req[1], path: req[2], headers: {} });
    else if (line.startsWith('  headers: ')) Object.assign(out[out.length - 1].headers, JSON.parse(line.slice(11)));
    else if (line.startsWith('  body: ')) (out[out.length - 1] as { body?: unknown }).body = JSON.parse(line.slice(8));
  }
  return out;
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body?: any;
}

describe('Tacker client request shapes', { skip }, () => {
  const seen: Seen[] = [];
  let server: Server;
  let url: string;
  let refuseNext = 0;
  const INSTANCE = '7a1f8c29-9113-4d0c-b903-115730b32fbb';

  before(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: text ? JSON.parse(text) : undefined });
        if (refuseNext > 0) {
          refuseNext--;
          return res.writeHead(401).end();
        }
        const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
          res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
        if (req.url === '/vnflcm/v2/vnf_instances?fields=instantiatedVnfInfo,vnfConfigurableProperties') {
          return json(200, [{ id: 'a' }], { Link: `<${url}/vnflcm/v2/vnf_instances?fields=instantiatedVnfInfo,vnfConfigurableProperties&nextpage_opaque_marker=m1>; rel="next"` });
        }
        if (req.url?.includes('nextpage_opaque_marker=m1')) return json(200, [{ id: 'b' }]);
        if (req.url === `/vnflcm/v2/vnf_instances/${INSTANCE}/heal`) return res.writeHead(202, { Location: `${url}/vnflcm/v2/vnf_lcm_op_occs/op-1` }).end();
        if (req.method === 'POST' && req.url?.endsWith('/subscriptions')) return json(201, { id: 'sub-1', callbackUri: (JSON.parse(text) as { callbackUri: string }).callbackUri });
        if (req.url?.endsWith('/subscriptions/gone')) return json(404, { status: 404, detail: 'not found' });
        if (req.url === '/vnflcm/v2/vnf_instances/conflict/heal') return json(409, { status: 409, detail: 'Other LCM operation is in progress.' });
        json(404, { status: 404, detail: 'no such route' });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  let tokens = 0;
  const client = () =>
    new TackerClient({ url, timeoutMs: 5000, headers: async (retry) => ({ 'X-Auth-Token': `token-${retry ? ++tokens : tokens}` }) });

  test('vnflcm v2 calls carry the CLI headers; lists follow Link rel=next', async () => {
    const cli = captured().find((c) => c.method === 'GET' && c.path === '/vnflcm/v2/vnf_instances')!;
    seen.length = 0;
    const listed = await client().listVnfInstances();
    assert.deepEqual(listed.map((i) => i.id), ['a', 'b']);
    assert.equal(seen.length, 2);
    for (const s of seen) {
      assert.equal(s.headers.version, cli.headers.version);
      assert.equal(s.headers.accept, cli.headers.accept);
      assert.ok(s.headers['x-auth-token'], 'X-Auth-Token as the CLI sends it');
      assert.equal(s.body, undefined);
    }
  });

  test('heal: the body shape and headers of `openstack vnflcm heal --vnfc-instance`', async () => {
    const cli = captured().find((c) => c.method === 'POST' && c.path.startsWith('/vnflcm/v2/') && c.path.endsWith('/heal'))!;
    seen.length = 0;
    const id = await client().heal(INSTANCE, { vnfcInstanceId: ['VDU1-0'], cause: 'predicted', additionalParams: { healType: 'recreate', isAutomaticInvocation: true } });
    assert.equal(id, 'op-1');
    const [s] = seen;
    assert.equal(s.url, cli.path);
    assert.equal(s.headers.version, cli.headers.version);
    assert.equal(s.headers['content-type'], cli.headers['content-type']);
    assert.equal(s.headers.accept, cli.headers.accept);
    assert.deepEqual(Object.keys(s.body).filter((k) => k in cli.body), ['vnfcInstanceId']);
    assert.deepEqual(s.body.vnfcInstanceId, cli.body.vnfcInstanceId);
    assert.equal(s.body.additionalParams.isAutomaticInvocation, true);
  });

  test('vnffm v1 subscriptions carry the FM Version the CLI sends', async () => {
    const cli = captured().find((c) => c.path.startsWith('/vnffm/v1/'))!;
    seen.length = 0;
    await client().createSubscription('vnffm', { callbackUri: 'http://127.0.0.1:1/cb' });
    assert.equal(seen[0].url, '/vnffm/v1/subscriptions');
    assert.equal(seen[0].headers.version, cli.headers.version);
    assert.equal(seen[0].headers['content-type'], 'application/json');
    assert.deepEqual(seen[0].body, { callbackUri: 'http://127.0.0.1:1/cb' });
    assert.equal(await client().getSubscription('vnflcm', 'gone'), undefined, '404: vanished');
  });

  test('a 401 renews the token once; refusals keep Tacker\'s status', async () => {
    seen.length = 0;
    refuseNext = 1;
    await client().getSubscription('vnflcm', 'gone');
    assert.equal(seen.length, 2);
    assert.notEqual(seen[0].headers['x-auth-token'], seen[1].headers['x-auth-token']);
    const err = await client().heal('conflict', {}).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof TackerRequestFailed);
    assert.equal(err.upstreamStatus, 409);
    assert.match(err.detail, /Other LCM operation is in progress/);
  });
});

test('nextLink reads SOL013 Link headers', () => {
  assert.equal(nextLink('<http://t/vnflcm/v2/vnf_instances?nextpage_opaque_marker=x>; rel="next"', 'http://t/'), 'http://t/vnflcm/v2/vnf_instances?nextpage_opaque_marker=x');
  assert.equal(nextLink('</a?m=1>;rel=next', 'http://t/b'), 'http://t/a?m=1');
  assert.equal(nextLink('<http://t/a>; rel="prev"', 'http://t/'), undefined);
  assert.equal(nextLink(null, 'http://t/'), undefined);
});
