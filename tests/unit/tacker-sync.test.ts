/**
 * The registration use case (`register tacker` and the reconcile loop) over a fake Tacker:
 * running it twice creates no second subscription; a subscription deleted on Tacker comes
 * back; one found on Tacker by its callbackUri is adopted rather than duplicated; terminated
 * instances are dropped from the store and the registry; hosts come from metadata or Nova.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RegistryEntity } from '../../fault-mgmt/registry/entity-registry.ts';
import { createLogger } from '../../platform/logger.ts';
import { callbackUris, syncRegistration, type SyncDeps } from '../../vnfm-plugin/tacker/tacker-sync.ts';
import { FakeTacker, MemoryTackerStore, tackerInstance } from '../support/tacker-fakes.ts';

const log = createLogger('silent');
const INPUT = {
  tackerUrl: 'http://tacker:9890',
  access: { kind: 'none' } as const,
  credentialsRef: undefined,
  callbackBase: 'http://plugin:9891',
  callbackAuth: 'basic' as const,
  callbackClientId: undefined,
};
const AUTH = { authType: ['BASIC' as const], paramsBasic: { userName: 'tacker', password: 's3cret' } };

function world() {
  const tacker = new FakeTacker();
  const store = new MemoryTackerStore();
  const written: RegistryEntity[][] = [];
  const novaAsked: string[][] = [];
  const deps: SyncDeps = {
    tacker,
    store,
    registry: { replace: async (e) => void written.push(e) },
    hostsOf: async (ids) => {
      novaAsked.push([...ids]);
      return new Map(ids.map((id) => [id, 'compute-nova']));
    },
    log,
  };
  return { tacker, store, written, novaAsked, deps };
}

test('running it twice creates each subscription once', async () => {
  const { tacker, deps } = world();
  tacker.instances.set('i1', tackerInstance('i1', [{ vnfc: 'VDU1-s1', server: 's1', host: 'compute-a' }]));
  const first = await syncRegistration(deps, INPUT, AUTH);
  assert.deepEqual([first.subscriptions.vnflcm.how, first.subscriptions.vnffm.how], ['created', 'created']);
  const uris = callbackUris(INPUT.callbackBase);
  assert.deepEqual([...tacker.subscriptions.vnflcm.values()].map((s) => [s.callbackUri, s.authentication]), [[uris.vnflcm, AUTH]]);
  assert.equal(uris.vnffm, 'http://plugin:9891/tacker-callbacks/v1/fm');

  const second = await syncRegistration(deps, INPUT, AUTH);
  assert.deepEqual([second.subscriptions.vnflcm, second.subscriptions.vnffm], [
    { id: first.subscriptions.vnflcm.id, how: 'kept' },
    { id: first.subscriptions.vnffm.id, how: 'kept' },
  ]);
  assert.equal(second.registration.id, first.registration.id);
  assert.equal(tacker.created, 2, 'no subscription is created twice');
});

test('a subscription that vanished on Tacker is created again; one found by callbackUri is adopted', async () => {
  const { tacker, store, deps } = world();
  const first = await syncRegistration(deps, INPUT, AUTH);
  tacker.subscriptions.vnflcm.delete(first.subscriptions.vnflcm.id);
  const again = await syncRegistration(deps, INPUT, AUTH);
  assert.equal(again.subscriptions.vnflcm.how, 'created');
  assert.notEqual(again.subscriptions.vnflcm.id, first.subscriptions.vnflcm.id);
  assert.equal(again.subscriptions.vnffm.how, 'kept');
  assert.equal((await store.findRegistration(INPUT.tackerUrl))?.lcmSubscriptionId, again.subscriptions.vnflcm.id);

  // Our database lost (or a second replica): Tacker's subscriptions are found, not duplicated.
  const fresh = { ...deps, store: new MemoryTackerStore() };
  const adopted = await syncRegistration(fresh, INPUT, AUTH);
  assert.deepEqual([adopted.subscriptions.vnflcm.how, adopted.subscriptions.vnffm.how], ['adopted', 'adopted']);
  assert.equal(tacker.subscriptions.vnflcm.size, 1);
});

test('instances: VNFCs with hosts from metadata or Nova; terminated ones dropped from store and registry', async () => {
  const { tacker, store, written, novaAsked, deps } = world();
  tacker.instances.set('i1', tackerInstance('i1', [{ vnfc: 'VDU1-s1', server: 's1', host: 'compute-a' }]));
  tacker.instances.set('i2', tackerInstance('i2', [{ vnfc: 'VDU1-s2', server: 's2' }]));
  tacker.instances.set('i3', { ...tackerInstance('i3', []), instantiationState: 'NOT_INSTANTIATED', instantiatedVnfInfo: undefined });
  const r = await syncRegistration(deps, INPUT, undefined);
  assert.deepEqual(r.instances.map((i) => [i.vnfInstanceId, i.vnfcs.map((c) => [c.vnfcInstanceId, c.serverId, c.host])]), [
    ['i1', [['VDU1-s1', 's1', 'compute-a']]],
    ['i2', [['VDU1-s2', 's2', 'compute-nova']]],
  ]);
  assert.deepEqual(novaAsked, [['s2']], 'Nova is asked only for servers without a host in their metadata');
  const entities = written.at(-1)!;
  assert.ok(entities.some((e) => e.kind === 'vnfc' && e.id === 'VDU1-s2' && e.vnfInstanceId === 'i2' && e.vm === 's2'));
  assert.ok(entities.some((e) => e.kind === 'vm' && e.id === 's1' && e.host === 'compute-a'));
  assert.ok(entities.some((e) => e.kind === 'host' && e.name === 'compute-nova'));

  tacker.instances.delete('i2');
  const after = await syncRegistration(deps, INPUT, undefined);
  assert.deepEqual(after.removed, ['i2']);
  assert.equal(await store.getInstance('i2'), undefined);
  assert.ok(!written.at(-1)!.some((e) => (e.kind === 'vnf' && e.id === 'i2') || (e.kind === 'vm' && e.id === 's2')));
});

test('Tacker unreachable: nothing is stored', async () => {
  const { tacker, store, deps } = world();
  tacker.listVnfInstances = async () => {
    throw new Error('unreachable');
  };
  await assert.rejects(syncRegistration(deps, INPUT, AUTH), /unreachable/);
  assert.equal(store.registrations.size, 0);
  assert.equal(tacker.created, 0);
});

test('Tacker refusing our callback (422) names what to check', async () => {
  const { tacker, store, deps } = world();
  const { TackerRequestFailed } = await import('../../vnfm-plugin/tacker/tacker-client.ts');
  tacker.createSubscription = async () => {
    throw new TackerRequestFailed('POST /vnflcm/v2/subscriptions', 422, 'answered 422 Callback test failed.');
  };
  await assert.rejects(syncRegistration(deps, INPUT, AUTH), (err: Error) => /Callback test failed\..*is serve running, reachable from Tacker at http:\/\/plugin:9891\/tacker-callbacks\/v1\/lcm/.test(err.message));
  assert.equal(store.registrations.size, 0);
});

test('reconcile: vanished subscriptions come back; op occs whose RESULT was lost catch up', async () => {
  const { reconcileAll } = await import('../../vnfm-plugin/tacker/tacker-reconcile.ts');
  const { tacker, store, deps } = world();
  tacker.instances.set('i1', tackerInstance('i1', [{ vnfc: 'VDU1-s1', server: 's1', host: 'compute-a' }]));
  const first = await syncRegistration(deps, INPUT, AUTH);
  const at = '2026-11-26T05:00:00Z';
  const op = (id: string, extra = {}) => ({ vnfLcmOpOccId: id, vnfInstanceId: 'i1', operation: 'SCALE', operationState: 'PROCESSING' as const, isAutomaticInvocation: false, startTime: at, stateEnteredTime: at, ...extra });
  await store.recordOperation(op('op-done'));
  await store.recordOperation(op('op-gone'));
  await store.recordOperation(op('op-nova', { operation: 'HEAL', migration: { serverId: 's1', migrationId: 'm1', targetHost: 'compute-b' } }));
  tacker.opOccs.set('op-done', { id: 'op-done', operationState: 'COMPLETED', stateEnteredTime: '2026-11-26T05:01:00Z' });
  tacker.subscriptions.vnffm.delete(first.subscriptions.vnffm.id);

  const done = await reconcileAll({
    store,
    registry: deps.registry,
    linkOf: () => ({ tacker, hostsOf: deps.hostsOf }),
    authenticationOf: () => AUTH,
    log,
  });
  assert.equal(done.length, 1);
  assert.equal(done[0].subscriptions.vnffm.how, 'created');
  assert.equal(done[0].subscriptions.vnflcm.how, 'kept');
  assert.equal((await store.getOperation('op-done'))?.operationState, 'COMPLETED');
  assert.equal((await store.getOperation('op-gone'))?.operationState, 'FAILED', 'an op occ Tacker no longer has stops holding the instance');
  assert.equal((await store.getOperation('op-nova'))?.operationState, 'PROCESSING', 'our own Nova migrations are followed elsewhere');
});
