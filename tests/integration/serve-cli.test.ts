import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, runCli, startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { openTestDatabase } from '../support/test-database.ts';

// The `vnfm-plugin` command as a user runs it: a child process on embedded defaults,
// or on a fresh database of the real server when DATABASE_URL is set (and RabbitMQ
// when AMQP_URL is set).
const work = mkdtempSync(path.join(tmpdir(), 'vnfm-serve-'));
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(work, { recursive: true, force: true });
});

/** Settings for one child: its own data dir, and its own database on a real server. */
async function childEnv(name: string): Promise<Record<string, string | undefined>> {
  const env: Record<string, string | undefined> = { VNFM_DATA_DIR: path.join(work, name), AMQP_URL: process.env.AMQP_URL };
  if (process.env.DATABASE_URL) {
    const t = await openTestDatabase({ migrate: false });
    cleanups.push(() => t.close());
    env.DATABASE_URL = t.url;
  }
  return env;
}

/**
 * The JSON document a command printed (pretty-printed, from a line `{` to a line `}`);
 * the log lines it may also write to stdout are single-line JSON and are skipped.
 */
function printed<T>(stdout: string): T {
  const lines = stdout.split('\n');
  const start = lines.indexOf('{');
  const end = lines.indexOf('}', start);
  assert.ok(start >= 0 && end > start, `a JSON document in:\n${stdout}`);
  return JSON.parse(lines.slice(start, end + 1).join('\n')) as T;
}

const logged = (s: ServiceProcess, msg: string) =>
  s
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{') && l.endsWith('}'))
    .map((l) => JSON.parse(l) as { msg: string; applied?: string[] })
    .filter((l) => l.msg === msg);

describe('vnfm-plugin serve', () => {
  let env: Record<string, string | undefined>;
  let service: ServiceProcess;
  before(async () => {
    env = await childEnv('serve');
    service = await startServiceProcess(env);
    cleanups.push(async () => void (await service.stop('SIGKILL')));
  });

  test('answers api_versions with the Version header', async (t) => {
    // `npm start` should answer within 30 s; reported, not asserted (it depends on the load).
    t.diagnostic(`first start on a fresh data dir answered after ${(service.startedInMs / 1000).toFixed(1)} s`);
    const res = await fetch(`${service.url}/vnflcm/api_versions`, { headers: { Version: '2.0.0' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('version'), '2.0.0');
    assert.deepEqual(await res.json(), { uriPrefix: '/vnflcm', apiVersions: [{ version: '2.0.0', isDeprecated: false }] });
  });

  test('/healthz and /readyz are 200', async () => {
    const health = await fetch(`${service.url}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${service.url}/readyz`);
    assert.equal(ready.status, 200, await ready.clone().text());
    assert.deepEqual(((await ready.json()) as { checks: object }).checks, { database: 'ok', bus: 'ok' });
  });

  test('/metrics has HTTP latency, outbox depth and bus counters', async () => {
    const res = await fetch(`${service.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    for (const name of ['vnfm_http_request_duration_seconds', 'vnfm_outbox_depth', 'vnfm_bus_published_total']) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is exported`);
    }
    assert.match(text, /^vnfm_http_request_duration_seconds_count\{.*route="\/vnflcm\/api_versions".*\} [1-9]/m, 'requests so far are counted');
  });

  test('SIGTERM stops it cleanly', async () => {
    assert.equal(logged(service, 'migrations applied').length, 1, 'the first start applied the migrations');
    const end = await service.stop('SIGTERM');
    assert.deepEqual(end, { code: 0, signal: null }, service.output());
    await assert.rejects(fetch(`${service.url}/healthz`), 'nothing listens any more');
  });

  test('after a restart on the same data it serves again with the schema in place', async () => {
    const status = runCli(['migrate', '--status'], env);
    assert.equal(status.status, 0, status.stderr);
    const migrations = printed<{ executed: string[]; pending: string[] }>(status.stdout);
    assert.ok(migrations.executed.length > 0, 'the migrations applied by serve were kept');
    assert.deepEqual(migrations.pending, []);

    const again = await startServiceProcess(env);
    try {
      assert.equal(logged(again, 'database schema up to date').length, 1, again.output());
      const res = await fetch(`${again.url}/readyz`);
      assert.equal(res.status, 200);
    } finally {
      assert.deepEqual(await again.stop('SIGTERM'), { code: 0, signal: null }, again.output());
    }
  });
});

describe('vnfm-plugin commands', () => {
  test('--help lists the commands; every command has --help', () => {
    const top = runCli(['--help']);
    assert.equal(top.status, 0, top.stderr);
    for (const cmd of ['serve', 'migrate', 'config']) {
      assert.match(top.stdout, new RegExp(`^\\s+${cmd}\\b`, 'm'), `--help lists ${cmd}`);
      const r = runCli([cmd, '--help']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: vnfm-plugin ${cmd}`, 'm'));
    }
    const migrateHelp = runCli(['migrate', '--help']).stdout;
    assert.match(migrateHelp, /--status/);
    assert.match(migrateHelp, /--down/);
  });

  test('an unknown command fails with a usage message', () => {
    const r = runCli(['frobnicate']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });

  test('config prints the effective configuration with secrets masked', () => {
    const r = runCli(['config'], {
      DATABASE_URL: 'postgres://u:s3cret@h/db',
      AMQP_URL: 'amqp://guest:s3cret@mq:5672',
      VNFM_LISTEN: '127.0.0.1:9999',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cret/);
    const shown = printed<Record<string, string | null>>(r.stdout);
    assert.equal(shown.DATABASE_URL, 'postgres://u:****@h/db');
    assert.equal(shown.AMQP_URL, 'amqp://guest:****@mq:5672');
    assert.equal(shown.VNFM_LISTEN, '127.0.0.1:9999');
    assert.equal(shown.VNFM_AUTH, 'none');
  });

  test('migrate applies pending migrations; --status lists them', async () => {
    const env = await childEnv('migrate');
    const before = runCli(['migrate', '--status'], env);
    assert.equal(before.status, 0, before.stderr);
    const s0 = printed<{ executed: string[]; pending: string[] }>(before.stdout);
    assert.deepEqual(s0.executed, []);
    assert.ok(s0.pending.length > 0);

    const up = runCli(['migrate'], env);
    assert.equal(up.status, 0, up.stderr);
    assert.deepEqual(printed<{ applied: string[] }>(up.stdout).applied, s0.pending);

    const s1 = printed<{ executed: string[]; pending: string[] }>(runCli(['migrate', '--status'], env).stdout);
    assert.deepEqual(s1, { ...s1, executed: s0.pending, pending: [] });
    const again = runCli(['migrate'], env);
    assert.deepEqual(printed(again.stdout), { applied: [] }, 'a second run has nothing to do');
  });

  test('VNFM_AUTH=none on a non-loopback address refuses to start', async () => {
    const r = runCli(['serve'], { VNFM_AUTH: 'none', VNFM_LISTEN: `0.0.0.0:${await freePort()}`, VNFM_DATA_DIR: path.join(work, 'refused') });
    assert.notEqual(r.status, 0);
    assert.ok(r.status !== null, 'it exits by itself');
    assert.match(r.stderr, /VNFM_AUTH=none is only allowed on a loopback address/);
  });

  test('an invalid configuration exits 2 with a message naming the key', () => {
    for (const cmd of ['serve', 'migrate', 'config']) {
      const r = runCli([cmd], { VNFM_LISTEN: 'nonsense', VNFM_DATA_DIR: path.join(work, 'invalid') });
      assert.equal(r.status, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /configuration error: VNFM_LISTEN must be host:port, got 'nonsense'/);
    }
  });
});
