import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { BusEvent, EventBus, EventHandler } from '../../platform/bus/event-bus.port.ts';
import type { RegistryEntity } from '../../fault-mgmt/registry/entity-registry.ts';
import type { VnfcPlacement } from '../../lcm/engine/lcm.port.ts';
import { entitiesOf, subscribeLcmRegistrySync } from '../../vnfm-plugin/lcm-registry-sync.ts';

const placement = (vnfc: string, server: string, host?: string): VnfcPlacement => ({
  vnfInstanceId: 'vnf-1',
  vnfInstanceName: 'epc',
  vnfdId: 'vnfd-1',
  flavourId: 'simple',
  vnfcInstanceId: vnfc,
  vduId: 'epc',
  serverId: server,
  ...(host && { host }),
  autoHealEnabled: false,
});

test('each VNF instance, VNFC, server and host is registered once, hosts only when known', () => {
  const entities = entitiesOf([placement('c1', 's1', 'compute-a'), placement('c2', 's2', 'compute-a'), placement('c3', 's3')]);
  const keys = entities.map((e) => `${e.kind}:${e.kind === 'host' ? e.name : e.id}`).sort();
  assert.deepEqual(keys, ['host:compute-a', 'vm:s1', 'vm:s2', 'vm:s3', 'vnf:vnf-1', 'vnfc:c1', 'vnfc:c2', 'vnfc:c3']);
  assert.deepEqual(entities.find((e) => e.kind === 'vnfc' && e.id === 'c2'), { kind: 'vnfc', id: 'c2', vnfInstanceId: 'vnf-1', vm: 's2' });
  assert.deepEqual(entities.find((e) => e.kind === 'vm' && e.id === 's3'), { kind: 'vm', id: 's3' });
});

test('the registry is synced at start and after each operation that settles, not on intermediate states', async () => {
  const handlers: { pattern: string; handler: EventHandler }[] = [];
  const bus = { subscribe: async (_c: string, pattern: string, handler: EventHandler) => void handlers.push({ pattern, handler }) } as unknown as EventBus;
  let where = 'compute-a';
  const upserts: RegistryEntity[][] = [];
  await subscribeLcmRegistrySync({
    bus,
    lcm: { listVnfcPlacements: async () => [placement('c1', 's1', where)] },
    registry: { upsert: async (entities, source) => void (assert.equal(source, 'lcm'), upserts.push(entities)) },
    log: pino({ level: 'silent' }),
  });
  assert.equal(upserts.length, 1, 'synced at start');
  assert.equal(handlers.length, 1);
  assert.equal(handlers[0].pattern, 'lcm.opocc.#');
  const event = (topic: string): BusEvent => ({ id: topic, topic, occurredAt: new Date().toISOString(), payload: {} });
  where = 'compute-b';
  await handlers[0].handler(event('lcm.opocc.processing'));
  assert.equal(upserts.length, 1, 'PROCESSING does not sync');
  await handlers[0].handler(event('lcm.opocc.completed'));
  assert.equal(upserts.length, 2);
  assert.deepEqual(upserts[1].find((e) => e.kind === 'vm'), { kind: 'vm', id: 's1', host: 'compute-b' });
  await handlers[0].handler(event('lcm.opocc.failed_temp'));
  assert.equal(upserts.length, 3);
});
