/**
 * A small fake of Keystone v3, Nova (2.88), Placement and Glance on node:http, for the
 * OpenStack driver's unit tests. It answers with the bodies the real services send (as
 * observed on the test bed), records every request, and lets a test revoke tokens, change
 * the token lifetime and script how a live migration progresses.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

interface FakeServer {
  id: string;
  name: string;
  status: string;
  host: string;
  metadata: Record<string, string>;
  flavor: { vcpus: number; ram: number; disk: number; original_name: string };
}

interface FakeMigration {
  id: number;
  instance_uuid: string;
  source_compute: string;
  dest_compute: string;
  status: string;
  /** Statuses the next GETs report, one per GET of os-migrations. */
  script: string[];
}

export interface FakeOpenStack {
  readonly url: string;
  readonly authUrl: string;
  readonly requests: RecordedRequest[];
  /** Tokens issued so far. */
  tokensIssued(): number;
  /** Every issued token stops working (as after a Keystone key rotation). */
  revokeAllTokens(): void;
  /** Lifetime of tokens issued from now on. */
  tokenTtlMs: number;
  /** Keystone answers 503 to token requests while true. */
  keystoneDown: boolean;
  /** Statuses a new live migration goes through, one per os-migrations poll. */
  migrationScript: string[];
  readonly servers: Map<string, FakeServer>;
  readonly migrations: FakeMigration[];
  close(): Promise<void>;
}

export const FAKE_USER = { username: 'admin', password: 'fake-secret-pw' };
export const FAKE_APP_CRED = { id: 'ac-1', secret: 'fake-app-secret' };

export async function startFakeOpenStack(): Promise<FakeOpenStack> {
  const valid = new Set<string>();
  let issued = 0;
  let nextServer = 1;
  let nextMigration = 1;
  const servers = new Map<string, FakeServer>();
  const migrations: FakeMigration[] = [];
  const requests: RecordedRequest[] = [];
  const flavors = [{ id: 'f-tiny', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 }];
  let url = '';

  const fake: FakeOpenStack = {
    get url() {
      return url;
    },
    get authUrl() {
      return `${url}/identity/v3`;
    },
    requests,
    tokensIssued: () => issued,
    revokeAllTokens: () => valid.clear(),
    tokenTtlMs: 3_600_000,
    keystoneDown: false,
    migrationScript: ['running', 'running', 'completed'],
    servers,
    migrations,
    close: async () => {
      http.closeAllConnections();
      http.close();
      await once(http, 'close');
    },
  };

  const catalog = () => [
    {
      type: 'identity',
      endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `${url}/identity/v3/` }],
    },
    {
      type: 'compute',
      endpoints: [
        { interface: 'public', region_id: 'RegionOne', url: `${url}/compute/v2.1` },
        { interface: 'internal', region_id: 'RegionOne', url: `${url}/compute-internal/v2.1` },
        { interface: 'public', region_id: 'RegionTwo', url: `${url}/compute-two/v2.1` },
      ],
    },
    { type: 'placement', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `${url}/placement` }] },
    { type: 'image', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `${url}/image` }] },
    { type: 'network', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `${url}/network` }] },
  ];

  function keystone(req: IncomingMessage, body: any, res: ServerResponse): void {
    if (fake.keystoneDown) return json(res, 503, { error: { code: 503, title: 'Service Unavailable', message: 'Keystone is restarting' } });
    const id = body?.auth?.identity;
    const pw = id?.password?.user;
    const ac = id?.application_credential;
    const ok =
      (id?.methods?.[0] === 'password' && pw?.name === FAKE_USER.username && pw?.password === FAKE_USER.password && body.auth.scope?.project?.name) ||
      (id?.methods?.[0] === 'application_credential' && ac?.id === FAKE_APP_CRED.id && ac?.secret === FAKE_APP_CRED.secret);
    if (!ok) return json(res, 401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    const token = `tok-${++issued}`;
    valid.add(token);
    res.setHeader('X-Subject-Token', token);
    json(res, 201, {
      token: { expires_at: new Date(Date.now() + fake.tokenTtlMs).toISOString(), catalog: catalog(), project: { id: 'p-admin' } },
    });
  }

  function compute(method: string, path: string, q: URLSearchParams, body: any, res: ServerResponse): void {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/servers') {
      const s: FakeServer = {
        id: `00000000-0000-4000-8000-${String(nextServer++).padStart(12, '0')}`,
        name: body.server.name,
        status: 'BUILD',
        host: 'compute-a',
        metadata: body.server.metadata ?? {},
        flavor: { vcpus: 1, ram: 512, disk: 1, original_name: 'm1.tiny' },
      };
      servers.set(s.id, s);
      return json(res, 202, { server: { id: s.id, links: [] } });
    }
    if (method === 'GET' && path === '/servers/detail') return json(res, 200, { servers: [...servers.values()].map(novaServer) });
    if ((m = /^\/servers\/([^/]+)$/.exec(path))) {
      const s = servers.get(m[1]);
      if (!s) return json(res, 404, { itemNotFound: { code: 404, message: `Instance ${m[1]} could not be found.` } });
      if (method === 'DELETE') {
        servers.delete(s.id);
        return json(res, 204, undefined);
      }
      if (s.status === 'BUILD') s.status = 'ACTIVE'; // boots between two GETs
      return json(res, 200, { server: novaServer(s) });
    }
    if (method === 'POST' && (m = /^\/servers\/([^/]+)\/action$/.exec(path))) {
      const s = servers.get(m[1]);
      if (!s) return json(res, 404, { itemNotFound: { code: 404, message: `Instance ${m[1]} could not be found.` } });
      const live = body['os-migrateLive'];
      if (live) {
        if (live.host === s.host) return json(res, 400, { badRequest: { code: 400, message: `The target host can't be the same one.` } });
        migrations.push({ id: nextMigration++, instance_uuid: s.id, source_compute: s.host, dest_compute: live.host, status: 'accepted', script: [...fake.migrationScript] });
      }
      return json(res, 202, undefined);
    }
    if (method === 'GET' && (m = /^\/servers\/([^/]+)\/migrations$/.exec(path))) {
      const inProgress = migrations.filter((x) => x.instance_uuid === m![1] && ['running', 'preparing', 'queued'].includes(x.status));
      return json(res, 200, {
        migrations: inProgress.map((x) => ({
          id: x.id,
          server_uuid: x.instance_uuid,
          source_compute: x.source_compute,
          dest_compute: x.dest_compute,
          status: x.status,
          memory_total_bytes: 1000,
          memory_processed_bytes: 400,
          created_at: '2026-01-01T00:00:00.000000',
        })),
      });
    }
    if (method === 'DELETE' && (m = /^\/servers\/([^/]+)\/migrations\/(\d+)$/.exec(path))) {
      const x = migrations.find((y) => y.id === Number(m![2]));
      if (!x || x.status !== 'running') {
        return json(res, 409, { conflictingRequest: { code: 409, message: `Instance ${m[1]} is in an invalid state for 'abort live migration'` } });
      }
      x.script = ['cancelled'];
      return json(res, 202, undefined);
    }
    if (method === 'GET' && path === '/os-migrations') {
      const mine = migrations.filter((x) => x.instance_uuid === q.get('instance_uuid'));
      for (const x of mine) if (x.script.length) x.status = x.script.shift()!;
      const done = mine.find((x) => x.status === 'completed');
      if (done) servers.get(done.instance_uuid)!.host = done.dest_compute;
      return json(res, 200, {
        migrations: [...mine].reverse().map(({ script: _s, ...x }) => ({ ...x, migration_type: 'live-migration', created_at: `2026-01-01T00:00:0${x.id}.000000` })),
      });
    }
    if (method === 'GET' && path === '/flavors/detail') return json(res, 200, { flavors });
    if (method === 'POST' && path === '/flavors') {
      const f = { id: `f-${flavors.length}`, ...body.flavor };
      flavors.push(f);
      return json(res, 200, { flavor: f });
    }
    if (method === 'POST' && path === '/os-server-groups') return json(res, 200, { server_group: { id: 'sg-1', ...body.server_group } });
    if (method === 'GET' && path === '/os-hypervisors/detail') {
      return json(res, 200, {
        hypervisors: ['compute-a', 'compute-b'].map((h, i) => ({
          id: `rp-${i}`,
          hypervisor_hostname: h,
          state: 'up',
          status: i === 1 ? 'disabled' : 'enabled',
          service: { host: h },
          servers: [...servers.values()].filter((s) => s.host === h).map((s) => ({ uuid: s.id, name: s.name })),
        })),
      });
    }
    if (method === 'GET' && path === '/os-services') {
      return json(res, 200, {
        services: [
          { id: 's-a', binary: 'nova-compute', host: 'compute-a', zone: 'nova', status: 'enabled', state: 'up' },
          { id: 's-b', binary: 'nova-compute', host: 'compute-b', zone: 'az2', status: 'disabled', state: 'up' },
        ],
      });
    }
    if (method === 'GET' && path === '/os-aggregates') return json(res, 200, { aggregates: [{ name: 'fast', hosts: ['compute-b'] }] });
    json(res, 404, { itemNotFound: { code: 404, message: `no route ${method} ${path}` } });
  }

  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? JSON.parse(raw) : undefined;
    const u = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method!, path: u.pathname + u.search, headers: req.headers, body });
    if (req.method === 'POST' && u.pathname === '/identity/v3/auth/tokens') return keystone(req, body, res);
    const token = req.headers['x-auth-token'];
    if (typeof token !== 'string' || !valid.has(token)) {
      return json(res, 401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    }
    const [, service, ...rest] = u.pathname.split('/');
    const path = `/${rest.join('/')}`;
    if (service === 'compute') {
      if (req.headers['openstack-api-version'] !== 'compute 2.88') {
        return json(res, 406, { computeFault: { code: 406, message: 'Version header missing or not 2.88' } });
      }
      return compute(req.method!, path.replace(/^\/v2\.1/, ''), u.searchParams, body, res);
    }
    if (service === 'placement') {
      const m = /^\/resource_providers\/([^/]+)\/(inventories|usages)$/.exec(path);
      if (m?.[2] === 'inventories') {
        return json(res, 200, {
          inventories: {
            VCPU: { total: 8, reserved: 0, allocation_ratio: 4 },
            MEMORY_MB: { total: 16384, reserved: 512, allocation_ratio: 1.5 },
            DISK_GB: { total: 100, reserved: 0, allocation_ratio: 1 },
          },
        });
      }
      if (m) return json(res, 200, { usages: { VCPU: 1, MEMORY_MB: 512, DISK_GB: 1 } });
    }
    if (service === 'image' && path === '/v2/images') {
      const name = u.searchParams.get('name');
      return json(res, 200, { images: name === 'tiny' ? [{ id: 'img-tiny' }] : name === 'twice' ? [{ id: 'a' }, { id: 'b' }] : [] });
    }
    if (service === 'network' && path === '/v2.0/networks') {
      const name = u.searchParams.get('name');
      return json(res, 200, { networks: name === 'net-a' ? [{ id: 'net-a-id' }] : name === 'dup' ? [{ id: 'x' }, { id: 'y' }] : [] });
    }
    json(res, 404, { errors: [{ status: 404, title: 'Not Found', detail: `no route ${req.method} ${u.pathname}` }] });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return fake;
}

function novaServer(s: FakeServer) {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    metadata: s.metadata,
    flavor: s.flavor,
    'OS-EXT-SRV-ATTR:host': s.host,
    ...(s.status === 'ERROR' ? { fault: { code: 500, message: 'boom' } } : {}),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  if (body === undefined) return void res.end();
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('X-Openstack-Request-Id', 'req-fake');
  res.end(JSON.stringify(body));
}
