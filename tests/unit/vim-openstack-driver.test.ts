import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createLogger } from '../../platform/logger.ts';
import { awaitLiveMigration, liveMigrateAndWait, startLiveMigration } from '../../lcm/vim/live-migration.ts';
import { KeystoneClient, type KeystoneAuth } from '../../lcm/vim/openstack/keystone-client.ts';
import { OpenStackVimDriver } from '../../lcm/vim/openstack/openstack-vim.driver.ts';
import {
  VimAuthenticationFailed,
  VimBadRequest,
  VimConflict,
  VimEndpointNotFound,
  VimNotFound,
  VimOperationTimedOut,
  VimUnavailable,
} from '../../lcm/vim/vim-errors.ts';
import type { LiveMigration, VimDriver } from '../../lcm/vim/vim.port.ts';
import { FAKE_APP_CRED, FAKE_USER, startFakeOpenStack, type FakeOpenStack } from '../support/vim-fake-openstack.ts';

const PASSWORD: KeystoneAuth = {
  type: 'password',
  username: FAKE_USER.username,
  password: FAKE_USER.password,
  userDomainName: 'Default',
  projectName: 'admin',
  projectDomainName: 'Default',
};

let os: FakeOpenStack;
let logLines: string[];

function driver(auth: KeystoneAuth = PASSWORD, region = 'RegionOne'): OpenStackVimDriver {
  const log = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  const d = new OpenStackVimDriver({
    authUrl: os.authUrl,
    auth,
    region,
    interface: 'public',
    computeMicroversion: '2.88',
    requestTimeoutMs: 5_000,
    pollIntervalMs: 5,
    log,
  });
  return d satisfies VimDriver;
}

before(async () => {
  os = await startFakeOpenStack();
});
after(() => os.close());
beforeEach(() => {
  logLines = [];
  os.requests.length = 0;
  os.tokenTtlMs = 3_600_000;
  os.keystoneDown = false;
  os.migrationScript = ['running', 'running', 'completed'];
});

describe('Keystone', () => {
  test('a password token is requested once, scoped, and reused while valid', async () => {
    const vim = driver();
    const before = os.tokensIssued();
    await vim.getServer('nope');
    await vim.getServer('nope');
    assert.equal(os.tokensIssued() - before, 1);
    const auth = os.requests.find((r) => r.path === '/identity/v3/auth/tokens')!.body as any;
    assert.deepEqual(auth.auth.scope, { project: { name: 'admin', domain: { name: 'Default' } } });
  });

  test('an application credential authenticates without a scope', async () => {
    const vim = driver({ type: 'application_credential', id: FAKE_APP_CRED.id, secret: FAKE_APP_CRED.secret });
    assert.equal((await vim.listHosts()).length, 2);
    const auth = os.requests.find((r) => r.path === '/identity/v3/auth/tokens')!.body as any;
    assert.deepEqual(auth.auth.identity.methods, ['application_credential']);
    assert.equal(auth.auth.scope, undefined);
  });

  test('a token refused with 401 is replaced once and the call goes through', async () => {
    const vim = driver();
    await vim.getServer('x');
    const issued = os.tokensIssued();
    os.revokeAllTokens();
    assert.equal(await vim.getServer('x'), undefined);
    assert.equal(os.tokensIssued(), issued + 1);
  });

  test('a token is renewed before it expires', async () => {
    os.tokenTtlMs = 10 * 60_000;
    let now = Date.now();
    const ks = new KeystoneClient({ authUrl: os.authUrl, auth: PASSWORD, interface: 'public', timeoutMs: 5_000, log: createLogger('silent'), now: () => now });
    const first = await ks.token();
    now += 8 * 60_000;
    assert.equal(await ks.token(), first, 'still two minutes to go: kept');
    now += 90_000;
    assert.notEqual(await ks.token(), first, 'less than a minute left: renewed');
  });

  test('a renewal that fails while Keystone is down keeps the current token until it expires', async () => {
    os.tokenTtlMs = 10 * 60_000;
    let now = Date.now();
    const ks = new KeystoneClient({ authUrl: os.authUrl, auth: PASSWORD, interface: 'public', timeoutMs: 5_000, log: createLogger('silent'), now: () => now });
    const first = await ks.token();
    os.keystoneDown = true;
    now += 9.5 * 60_000;
    assert.equal(await ks.token(), first);
    now += 60_000;
    const err = await ks.token().catch((e) => e);
    assert.ok(err instanceof VimUnavailable);
    assert.match(err.message, /503 Keystone is restarting/);
  });

  test('rejected credentials are VimAuthenticationFailed, and the password is in no message or log', async () => {
    const vim = driver({ ...PASSWORD, password: 'wrong-pw-123' } as KeystoneAuth);
    const err = await vim.listHosts().catch((e) => e);
    assert.ok(err instanceof VimAuthenticationFailed);
    assert.match(err.message, /user admin in project admin/);
    assert.doesNotMatch(err.message + logLines.join(''), /wrong-pw-123/);
  });

  test('endpoints are chosen by type, interface and region; a missing one is named', async () => {
    const ks = (iface: 'public' | 'internal', region?: string) =>
      new KeystoneClient({ authUrl: os.authUrl, auth: PASSWORD, interface: iface, region, timeoutMs: 5_000, log: createLogger('silent') });
    assert.equal(await ks('public', 'RegionOne').endpoint('compute'), `${os.url}/compute/v2.1`);
    assert.equal(await ks('internal', 'RegionOne').endpoint('compute'), `${os.url}/compute-internal/v2.1`);
    assert.equal(await ks('public', 'RegionTwo').endpoint('compute'), `${os.url}/compute-two/v2.1`);
    const err = await ks('public', 'RegionOne').endpoint('volumev3').catch((e) => e);
    assert.ok(err instanceof VimEndpointNotFound);
    assert.match(err.message, /no public volumev3 endpoint in region RegionOne .*types: compute, identity, image, network, placement/);
  });

  test('an unreachable Keystone is a retriable VimUnavailable', async () => {
    const vim = new OpenStackVimDriver({
      authUrl: 'http://127.0.0.1:1/v3',
      auth: PASSWORD,
      interface: 'public',
      computeMicroversion: '2.88',
      requestTimeoutMs: 2_000,
      pollIntervalMs: 5,
      log: createLogger('silent'),
    });
    const err = await vim.listHosts().catch((e) => e);
    assert.ok(err instanceof VimUnavailable);
    assert.equal(err.retriable, true);
  });
});

describe('Nova', () => {
  test('every compute call carries the microversion header', async () => {
    await driver().listHosts();
    const computeCalls = os.requests.filter((r) => r.path.startsWith('/compute/'));
    assert.ok(computeCalls.length >= 3);
    for (const r of computeCalls) {
      assert.equal(r.headers['openstack-api-version'], 'compute 2.88');
      assert.equal(r.headers['x-openstack-nova-api-version'], '2.88');
    }
  });

  test('a server boots with flavor and image by name, no networks, metadata and its server group', async () => {
    const vim = driver();
    const s = await vim.createServer({
      name: 'vdu1-0',
      flavorName: 'm1.tiny',
      resources: { vcpus: 1, ramMb: 512, diskGb: 1 },
      image: 'tiny',
      serverGroupId: 'sg-1',
      metadata: { vnfInstanceId: 'v1' },
    });
    const body = os.requests.find((r) => r.method === 'POST' && r.path === '/compute/v2.1/servers')!.body as any;
    assert.deepEqual(body, {
      server: { name: 'vdu1-0', imageRef: 'img-tiny', flavorRef: 'f-tiny', networks: 'none', metadata: { vnfInstanceId: 'v1' } },
      'os:scheduler_hints': { group: 'sg-1' },
    });
    assert.equal(s.metadata.vnfInstanceId, 'v1');
    assert.deepEqual(await vim.findServers({ vnfInstanceId: 'v1' }).then((l) => l.map((x) => x.id)), [s.id]);
    assert.deepEqual(await vim.findServers({ vnfInstanceId: 'v2' }), []);
    assert.equal((await vim.waitForServer(s.id, 'ACTIVE', { timeoutMs: 2_000 })).host, 'compute-a');
  });

  test('networks by name are looked up in Neutron once, ids pass through, in NIC order; an unknown name fails before Nova', async () => {
    const vim = driver();
    const uuid = '5e0cd8b4-3b63-4c4c-a0a4-4a4f2d1c6b7e';
    const spec = { name: 'vdu1-0', flavorName: 'm1.tiny', resources: { vcpus: 1, ramMb: 512, diskGb: 1 }, image: 'tiny', networks: ['net-a', uuid, 'net-a'] };
    await vim.createServer(spec);
    await vim.createServer(spec);
    const boots = os.requests.filter((r) => r.method === 'POST' && r.path === '/compute/v2.1/servers');
    assert.deepEqual((boots.at(-1)!.body as any).server.networks, [{ uuid: 'net-a-id' }, { uuid }, { uuid: 'net-a-id' }]);
    assert.equal(os.requests.filter((r) => r.path.startsWith('/network/v2.0/networks?')).length, 1, 'one lookup, then cached');
    const before = os.requests.filter((r) => r.method === 'POST' && r.path === '/compute/v2.1/servers').length;
    await assert.rejects(vim.createServer({ ...spec, networks: ['no-such-net'] }), /no network named "no-such-net"/);
    await assert.rejects(vim.createServer({ ...spec, networks: ['dup'] }), /2 of network named "dup"/);
    assert.equal(os.requests.filter((r) => r.method === 'POST' && r.path === '/compute/v2.1/servers').length, before, 'Nova was not asked');
  });

  test('without a flavor name, a flavor with the VDU resources is created once', async () => {
    const vim = driver();
    const spec = { name: 'big', resources: { vcpus: 2, ramMb: 1024, diskGb: 10 }, image: 'tiny' };
    await vim.createServer(spec);
    await vim.createServer(spec);
    const created = os.requests.filter((r) => r.method === 'POST' && r.path === '/compute/v2.1/flavors');
    assert.equal(created.length, 1);
    assert.deepEqual(created[0].body, { flavor: { name: 'vnfm-2c-1024m-10g', vcpus: 2, ram: 1024, disk: 10 } });
  });

  test('hosts: capacity from Placement, zone and status from os-services, aggregates', async () => {
    const hosts = await driver().listHosts();
    assert.deepEqual(
      hosts.map((h) => [h.name, h.state, h.status, h.availabilityZone, h.aggregates]),
      [
        ['compute-a', 'up', 'enabled', 'nova', []],
        ['compute-b', 'up', 'disabled', 'az2', ['fast']],
      ],
    );
    assert.deepEqual(hosts[0].capacity, { vcpus: 32, ramMb: Math.floor((16384 - 512) * 1.5), diskGb: 100 });
    assert.deepEqual(hosts[0].used, { vcpus: 1, ramMb: 512, diskGb: 1 });
  });

  test('Nova errors become typed errors with Nova message and request id', async () => {
    const vim = driver();
    const s = await vim.createServer({ name: 'x', flavorName: 'm1.tiny', resources: { vcpus: 1, ramMb: 512, diskGb: 1 }, image: 'tiny' });
    const same = await vim.liveMigrate(s.id, 'compute-a').catch((e) => e);
    assert.ok(same instanceof VimBadRequest);
    assert.equal(same.status, 400);
    assert.equal(same.requestId, 'req-fake');
    assert.match(same.message, /compute POST \/compute\/v2\.1\/servers\/.*\/action: 400 The target host can't be the same one\./);
    assert.ok((await vim.createServer({ name: 'y', resources: s.resources, image: 'missing' }).catch((e) => e)) instanceof VimNotFound);
    assert.ok((await vim.createServer({ name: 'y', resources: s.resources, image: 'twice' }).catch((e) => e)) instanceof VimConflict);
    assert.ok((await vim.createServer({ name: 'y', flavorName: 'none', resources: s.resources, image: 'tiny' }).catch((e) => e)) instanceof VimNotFound);
    await vim.deleteServer('gone-already'); // 404 on delete: already deleted
    assert.equal(await vim.getServer('gone-already'), undefined);
    assert.doesNotMatch(logLines.join(''), /tok-\d|fake-secret-pw/);
  });
});

describe('live migration through the port', () => {
  test('is followed through os-migrations until completed, with memory progress', async () => {
    const vim = driver();
    const s = await vim.createServer({ name: 'm', flavorName: 'm1.tiny', resources: { vcpus: 1, ramMb: 512, diskGb: 1 }, image: 'tiny' });
    const seen: LiveMigration[] = [];
    const done = await liveMigrateAndWait(vim, s.id, 'compute-b', { timeoutMs: 5_000, intervalMs: 1, onProgress: (m) => seen.push(m) });
    assert.equal(done.status, 'completed');
    assert.equal(done.destHost, 'compute-b');
    assert.ok(seen.some((m) => m.status === 'running' && m.memoryProcessedBytes === 400 && m.memoryTotalBytes === 1000));
    assert.equal((await vim.getServer(s.id))!.host, 'compute-b');
    const body = os.requests.find((r) => r.path.endsWith('/action'))!.body;
    assert.deepEqual(body, { 'os-migrateLive': { host: 'compute-b', block_migration: 'auto' } });
    const list = await vim.listMigrations(s.id);
    assert.equal(list[0].id, done.id);
  });

  test('is aborted when it runs out of time, and the timeout says how it settled', async () => {
    os.migrationScript = Array(1000).fill('running');
    const vim = driver();
    const s = await vim.createServer({ name: 'slow', flavorName: 'm1.tiny', resources: { vcpus: 1, ramMb: 512, diskGb: 1 }, image: 'tiny' });
    const m = await startLiveMigration(vim, s.id, 'compute-b', { timeoutMs: 2_000, intervalMs: 1 });
    const err = await awaitLiveMigration(vim, s.id, m.id, { timeoutMs: 30, intervalMs: 5 }).catch((e) => e);
    assert.ok(err instanceof VimOperationTimedOut, String(err));
    assert.match(err.message, /aborted, now cancelled/);
    assert.ok(os.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/migrations/${m.id}`)));
  });
});
