import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, describeConfig, loadConfig } from '../../platform/config/config.ts';
import { CONFIG_KEYS } from '../../platform/config/config-keys.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vnfm-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function yamlFile(text: string): string {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

test('without any setting: embedded defaults on 127.0.0.1:9890', () => {
  const c = loadConfig({});
  assert.deepEqual(c.listen, { host: '127.0.0.1', port: 9890 });
  assert.equal(c.publicUrl, 'http://127.0.0.1:9890');
  assert.equal(c.dataDir, path.resolve('./var'));
  assert.equal(c.database.url, undefined, 'no DATABASE_URL: embedded PostgreSQL');
  assert.equal(c.database.migrateOnStart, true);
  assert.equal(c.amqp.url, undefined, 'no AMQP_URL: in-process bus');
  assert.equal(c.auth.mode, 'none');
  assert.equal(c.log.level, 'info');
  assert.equal(c.http.bodyLimit, '1mb');
});

test('environment variables set the typed fields', () => {
  const c = loadConfig({
    VNFM_LISTEN: '[::1]:8080',
    VNFM_DATA_DIR: '/srv/vnfm',
    DATABASE_URL: 'postgres://u:p@db:5432/vnfm',
    AMQP_URL: 'amqp://guest:guest@mq:5672',
    VNFM_DB_POOL_MAX: '3',
    VNFM_MIGRATE_ON_START: 'false',
    LOG_LEVEL: 'debug',
  });
  assert.deepEqual(c.listen, { host: '::1', port: 8080 });
  assert.equal(c.publicUrl, 'http://[::1]:8080');
  assert.equal(c.dataDir, '/srv/vnfm');
  assert.equal(c.database.url, 'postgres://u:p@db:5432/vnfm');
  assert.equal(c.database.poolMax, 3);
  assert.equal(c.database.migrateOnStart, false);
  assert.equal(c.amqp.url, 'amqp://guest:guest@mq:5672');
  assert.equal(c.log.level, 'debug');
});

test('the VNFM_CONFIG YAML file sets keys and the environment overrides it', () => {
  const file = yamlFile('VNFM_LISTEN: 127.0.0.2:9000\nLOG_LEVEL: debug\nVNFM_PAGE_SIZE: 25\n');
  const c = loadConfig({ VNFM_CONFIG: file, LOG_LEVEL: 'warn' });
  assert.deepEqual(c.listen, { host: '127.0.0.2', port: 9000 }, 'from the file');
  assert.equal(c.http.pageSize, 25, 'numbers in YAML are read like strings from the environment');
  assert.equal(c.log.level, 'warn', 'the environment wins over the file');
});

test('an empty environment value does not hide the file or default', () => {
  const file = yamlFile('LOG_LEVEL: error\n');
  assert.equal(loadConfig({ VNFM_CONFIG: file, LOG_LEVEL: '' }).log.level, 'error');
});

test('invalid settings are ConfigErrors that name the key', () => {
  const cases: [NodeJS.ProcessEnv, RegExp][] = [
    [{ VNFM_LISTEN: 'nonsense' }, /VNFM_LISTEN/],
    [{ VNFM_LISTEN: '127.0.0.1:70000' }, /VNFM_LISTEN/],
    [{ VNFM_AUTH: 'magic' }, /VNFM_AUTH/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ VNFM_DB_POOL_MAX: '0' }, /VNFM_DB_POOL_MAX/],
    [{ VNFM_PAGE_SIZE: 'ten' }, /VNFM_PAGE_SIZE/],
    [{ VNFM_MIGRATE_ON_START: 'maybe' }, /VNFM_MIGRATE_ON_START/],
    [{ DATABASE_URL: 'mysql://u@h/db' }, /DATABASE_URL/],
    [{ AMQP_URL: 'not a url' }, /AMQP_URL/],
    [{ VNFM_AUTH: 'keystone' }, /KEYSTONE_URL/],
    [{ VNFM_AUTH: 'oauth2' }, /OAUTH2_CLIENTS/],
    [{ OAUTH2_CLIENTS: 'no-secret' }, /OAUTH2_CLIENTS/],
    [{ VNFM_CONFIG: path.join(dir, 'missing.yaml') }, /VNFM_CONFIG/],
    [{ VNFM_CONFIG: yamlFile('NOT_A_KEY: 1\n') }, /unknown key NOT_A_KEY/],
    [{ VNFM_CONFIG: yamlFile('- a list\n') }, /mapping/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && message.test(err.message), JSON.stringify(env));
  }
});

test('the config object is frozen all the way down', () => {
  const c = loadConfig({});
  assert.ok(Object.isFrozen(c));
  assert.ok(Object.isFrozen(c.listen));
  assert.ok(Object.isFrozen(c.auth.keystone));
  assert.throws(() => {
    (c.listen as { port: number }).port = 1;
  }, TypeError);
});

test('describeConfig lists every key and masks every secret', () => {
  const env = {
    DATABASE_URL: 'postgres://vnfm:db-s3cret@db.example:5432/vnfm',
    AMQP_URL: 'amqp://vnfm:mq-s3cret@mq.example:5672/vhost',
    KEYSTONE_PASSWORD: 'ks-s3cret',
    OAUTH2_CLIENTS: 'nfvo:oa-s3cret,tacker:oa2-s3cret',
    OAUTH2_TOKEN_SECRET: 'sign-s3cret',
  };
  const shown = describeConfig(env);
  assert.deepEqual(Object.keys(shown), CONFIG_KEYS.map((k) => k.name));
  const text = JSON.stringify(shown);
  assert.doesNotMatch(text, /s3cret/, 'no secret value is printed');
  assert.equal(shown.DATABASE_URL, 'postgres://vnfm:****@db.example:5432/vnfm', 'the target stays visible');
  assert.equal(shown.AMQP_URL, 'amqp://vnfm:****@mq.example:5672/vhost');
  assert.equal(shown.KEYSTONE_PASSWORD, '****');
  assert.equal(shown.OAUTH2_CLIENTS, 'nfvo:****,tacker:****', 'client ids stay visible');
  assert.equal(shown.VNFM_LISTEN, '127.0.0.1:9890');
  assert.equal(shown.KEYSTONE_URL, null, 'unset keys without default are null');
});

test('describeConfig refuses an invalid configuration instead of printing it', () => {
  assert.throws(() => describeConfig({ VNFM_LISTEN: 'nonsense' }), ConfigError);
});

test('every key is declared once, with a description, secrets without a default', () => {
  const names = CONFIG_KEYS.map((k) => k.name);
  assert.equal(new Set(names).size, names.length, 'no duplicate keys');
  for (const key of CONFIG_KEYS) {
    assert.match(key.name, /^[A-Z][A-Z0-9_]*$/, key.name);
    assert.ok(key.description.length > 10, `${key.name} has a description`);
    if ('secret' in key && key.secret) assert.equal(key.default, undefined, `secret ${key.name} has no default`);
  }
});

/** Rows of the README's configuration table: `| \`KEY\` | default | meaning |`. */
function readmeConfigRows(): { name: string; default: string }[] {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const section = /^## Configuration\s*$([\s\S]*?)(?=^## )/m.exec(readme);
  assert.ok(section, 'README.md has a "## Configuration" section');
  return [...section[1].matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|([^|]*)\|/gm)].map((m) => ({
    name: m[1],
    default: m[2].trim(),
  }));
}

test('the README documents every configuration key, in order, with its default', () => {
  const rows = readmeConfigRows();
  const expected = CONFIG_KEYS.map(
    (k) => `| \`${k.name}\` | ${k.default === undefined ? '—' : `\`${k.default}\``} | ${k.description.replaceAll('|', '\\|')} |`,
  );
  assert.deepEqual(
    rows.map((r) => r.name),
    CONFIG_KEYS.map((k) => k.name),
    `README.md configuration table must list exactly these rows, in this order:\n${expected.join('\n')}`,
  );
  for (const key of CONFIG_KEYS) {
    const row = rows.find((r) => r.name === key.name)!;
    const want = key.default === undefined ? '—' : `\`${key.default}\``;
    assert.equal(row.default, want, `README default of ${key.name}`);
  }
});
