import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { createEntityRegistry } from '../../fault-mgmt/registry/entity-registry.ts';
import { registryRoutes } from '../../fault-mgmt/registry/registry.routes.ts';
import { problemHandler } from '../../platform/http/error.middleware.ts';
import { createMetrics, type PlatformMetrics } from '../../platform/metrics.ts';
import { openTestDatabase, testLog, type TestDatabase } from '../support/test-database.ts';

const VM_A = '6f1c7d52-3a5e-4c1b-9a1e-0c8d2f3b4a51';
const VNF = 'c70aaf4f-bc94-44aa-9de5-861909b0efa0';
const FILE = `
hosts: [{name: compute-a}]
vms:
  - {id: ${VM_A}, name: epc-1, aliases: [instance-0000000a], host: compute-a}
vnfs:
  - id: ${VNF}
    name: vepc
    vnfcs: [{id: VDU1-${VM_A}, vm: ${VM_A}}]
`;

let t: TestDatabase;
let dir: string;
let metrics: PlatformMetrics;
before(async () => {
  t = await openTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'vnfm-entities-'));
});
after(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await t.db.sequelize.query('TRUNCATE monitoring_entities, monitoring_unknown_entities');
  metrics = createMetrics();
});

const newRegistry = () => createEntityRegistry({ db: t.db, log: testLog, metrics });

async function seedFile(text: string, name = 'entities.yaml'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

async function unknownRows() {
  return t.db.sequelize.query<{ kind: string; name: string; seen: number; first_seen: Date; last_seen: Date }>(
    'SELECT kind, name, seen, first_seen, last_seen FROM monitoring_unknown_entities ORDER BY kind, name',
    { type: QueryTypes.SELECT },
  );
}

test('a seeded file is stored, and a fresh registry loads it and resolves VMs to their VNFC', async () => {
  const registry = newRegistry();
  await registry.seedFromFile(await seedFile(FILE));
  assert.equal(registry.resolve('epc-1').vnfcInstanceId, `VDU1-${VM_A}`);

  const reloaded = newRegistry();
  assert.equal(reloaded.resolve('instance-0000000a', 'vm').known, false, 'nothing known before load()');
  await reloaded.load();
  assert.deepEqual(reloaded.resolve('instance-0000000a', 'vm'), {
    entity: { kind: 'vm', id: VM_A },
    host: 'compute-a',
    vm: VM_A,
    vnfInstanceId: VNF,
    vnfcInstanceId: `VDU1-${VM_A}`,
    known: true,
  });
  assert.deepEqual(reloaded.vmsOfVnf(VNF), [VM_A]);
  assert.deepEqual(reloaded.vmsOfVnf('other'), []);
  await reloaded.stop();
  await registry.stop();
});

test('seeding again replaces the config entries; entries of other sources stay', async () => {
  const registry = newRegistry();
  await registry.seedFromFile(await seedFile(FILE));
  await registry.upsert([{ kind: 'host', name: 'compute-lcm' }], 'lcm');
  await registry.seedFromFile(await seedFile('hosts: [{name: compute-b}]'));
  assert.equal(registry.resolve('compute-a').known, false);
  assert.equal(registry.resolve('epc-1').known, false);
  assert.equal(registry.resolve('compute-b').known, true);
  assert.equal(registry.resolve('compute-lcm').known, true);
  await registry.stop();
});

test('upsert replaces an entity of the same kind and id: a migrated VM moves host', async () => {
  const registry = newRegistry();
  await registry.seedFromFile(await seedFile(FILE));
  await registry.upsert([{ kind: 'vm', id: VM_A, name: 'epc-1', host: 'compute-b' }], 'lcm');
  assert.equal(registry.resolve('epc-1').host, 'compute-b');
  assert.equal(registry.resolve('instance-0000000a', 'vm').known, false, 'the new document has no aliases');
  await assert.rejects(registry.upsert([{ kind: 'vm', id: '' } as never], 'lcm'), /entity #0 .*id must be a non-empty string/);
  await registry.stop();
});

test('a bad file is refused with its name and entry, and nothing of it is stored', async () => {
  const registry = newRegistry();
  const file = await seedFile('hosts: [{name: ok}, {nom: bad}]', 'bad.yaml');
  await assert.rejects(registry.seedFromFile(file), { message: `${file}: hosts[1]: unknown field nom (allowed: name)` });
  await assert.rejects(registry.seedFromFile(path.join(dir, 'missing.yaml')), /cannot read entities file .*missing\.yaml/);
  const [{ n }] = await t.db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM monitoring_entities', { type: QueryTypes.SELECT });
  assert.equal(n, 0);
});

test('unknown names are counted in memory, flushed on stop, and added up across flushes', async () => {
  const registry = newRegistry();
  for (let i = 0; i < 3; i++) registry.resolve('compute-z');
  registry.resolve('instance-00000099', 'vm');
  assert.deepEqual(await unknownRows(), [], 'resolve() writes nothing itself');
  await registry.stop();
  let rows = await unknownRows();
  assert.deepEqual(rows.map((r) => [r.kind, r.name, r.seen]), [['host', 'compute-z', 3], ['vm', 'instance-00000099', 1]]);
  const firstSeen = rows[0].first_seen.getTime();

  const again = newRegistry();
  again.resolve('compute-z');
  await again.stop();
  rows = await unknownRows();
  assert.equal(rows[0].seen, 4);
  assert.equal(rows[0].first_seen.getTime(), firstSeen, 'first_seen stays');
  const samples = (await metrics.registry.getSingleMetric('vnfm_monitoring_unknown_entity_samples_total')!.get()).values;
  assert.deepEqual(samples.map((v) => [v.labels.kind, v.value]).sort(), [['host', 4], ['vm', 1]]);
});

test('the periodic flush writes unknown names while running', async () => {
  const registry = createEntityRegistry({ db: t.db, log: testLog, metrics, flushMs: 50 });
  registry.start();
  registry.resolve('compute-y');
  const end = Date.now() + 10_000;
  while ((await unknownRows()).length === 0) {
    assert.ok(Date.now() < end, 'the unknown name was not flushed');
    await new Promise((r) => setTimeout(r, 25));
  }
  await registry.stop();
  assert.equal((await unknownRows())[0].seen, 1);
});

test('registering a name removes it from the unknown list', async () => {
  const registry = newRegistry();
  registry.resolve('compute-z');
  await registry.flushUnknown();
  await registry.upsert([{ kind: 'host', name: 'compute-z' }], 'discovery');
  assert.deepEqual(await unknownRows(), []);
  assert.equal(registry.resolve('compute-z').known, true);
  await registry.stop();
});

test('GET /entities lists registered entities and the unknown names seen so far', async () => {
  const registry = newRegistry();
  await registry.seedFromFile(await seedFile(FILE));
  registry.resolve('compute-z');
  const app = express();
  const router = express.Router();
  registryRoutes({ registry, db: t.db })(router);
  app.use(router, problemHandler);
  const res = await request(app).get('/entities').expect(200);
  assert.deepEqual(res.body.registered, [
    { kind: 'host', id: 'compute-a', name: 'compute-a', source: 'config' },
    { kind: 'vm', id: VM_A, name: 'epc-1', aliases: ['instance-0000000a'], host: 'compute-a', source: 'config' },
    { kind: 'vnf', id: VNF, name: 'vepc', source: 'config' },
    { kind: 'vnfc', id: `VDU1-${VM_A}`, vnfInstanceId: VNF, vm: VM_A, source: 'config' },
  ]);
  assert.equal(res.body.unknown.length, 1);
  const [u] = res.body.unknown;
  assert.deepEqual([u.kind, u.name, u.seen], ['host', 'compute-z', 1]);
  assert.ok(!Number.isNaN(Date.parse(u.firstSeen)) && !Number.isNaN(Date.parse(u.lastSeen)));
  await registry.stop();
});
