import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextCapacity, shortCounts, shortVnfcsOf, type CapacityState } from '../../lcm/decision/capacity-signal.ts';
import { createDecisionEngine } from '../../lcm/decision/decision-engine.ts';
import { createDestinationStrategies } from '../../lcm/decision/destination-strategies.ts';
import type { MigrationCapacityEntry } from '../../fault-mgmt/migration-capacity.event.ts';
import { createLogger } from '../../platform/logger.ts';
import { fakeGuards, fakeLcm, fakeVnfcs, memoryRepository, monitored, policy, ranking, score, vimHost } from '../support/decision-fixtures.ts';

const NOW = 1_800_000_000;
const P = policy({ scoreThreshold: 0.7, hysteresis: 0.1 });
const none = { strategy: 'least-loaded' as const, ranked: [], excluded: [{ host: 'compute-b', rules: ['no-room' as const], reason: 'no room' }] };

describe('nextCapacity: when the scale-out signal is raised and cleared', () => {
  test('a ranking with no destination raises once; later ones hold it', () => {
    const first = nextCapacity(undefined, { score: score({ ts: NOW }), policy: P, ranking: none });
    assert.equal(first.change, 'raise');
    assert.match(first.reason!, /no host has room to live-migrate off compute-a \(1 excluded by least-loaded\): scale out/);
    const again = nextCapacity(first.state, { score: score({ ts: NOW + 5 }), policy: P, ranking: none });
    assert.equal(again.change, undefined);
    assert.deepEqual(again.state, { short: true, vnfInstanceId: 'vnf-1', since: NOW, host: 'compute-a' });
  });

  test('a destination found again clears it', () => {
    const short: CapacityState = { short: true, vnfInstanceId: 'vnf-1', since: NOW, host: 'compute-a' };
    const r = nextCapacity(short, { score: score(), policy: P, ranking: ranking('compute-b') });
    assert.equal(r.change, 'clear');
    assert.match(r.reason!, /headroom again: destination compute-b found/);
  });

  test('a score back below threshold - hysteresis clears it; one between does not', () => {
    const short: CapacityState = { short: true, vnfInstanceId: 'vnf-1', since: NOW, host: 'compute-a' };
    assert.equal(nextCapacity(short, { score: score({ failureScore: 0.65 }), policy: P }).change, undefined, '0.65 is above 0.6');
    assert.equal(nextCapacity(short, { score: score({ failureScore: 0.59 }), policy: P }).change, 'clear');
  });

  test('a window without a ranking (a guard stopped it, or the failure is under way) holds the shortage', () => {
    const short: CapacityState = { short: true, vnfInstanceId: 'vnf-1', since: NOW, host: 'compute-a' };
    assert.deepEqual(nextCapacity(short, { score: score({ failureScore: 0.95 }), policy: P }), { state: short });
    assert.deepEqual(nextCapacity(short, { score: score({ failureScore: 0.1, inFailure: true }), policy: P }), { state: short });
  });

  test('a VNFC first seen since start without a shortage gets one clear, then nothing', () => {
    const first = nextCapacity(undefined, { score: score({ failureScore: 0.1 }), policy: P });
    assert.equal(first.change, 'clear');
    assert.match(first.reason!, /no shortage known/);
    assert.deepEqual(nextCapacity(first.state, { score: score({ failureScore: 0.1 }), policy: P }), { state: { short: false } });
    assert.deepEqual(nextCapacity(undefined, { score: score({ failureScore: 0.8 }), policy: P }), { state: undefined }, 'above the re-arm point: unknown yet');
  });

  test('shortVnfcsOf and shortCounts count the short VNFCs per VNF instance', () => {
    const states = new Map<string, CapacityState>([
      ['vnf-1/a', { short: true, vnfInstanceId: 'vnf-1', since: 0, host: 'h' }],
      ['vnf-1/b', { short: false }],
      ['vnf-1/c', { short: true, vnfInstanceId: 'vnf-1', since: 0, host: 'h' }],
      ['vnf-10/a', { short: true, vnfInstanceId: 'vnf-10', since: 0, host: 'h' }],
    ]);
    assert.equal(shortVnfcsOf(states, 'vnf-1'), 2);
    assert.equal(shortVnfcsOf(states, 'vnf-2'), 0);
    assert.deepEqual([...shortCounts(states)], [['vnf-1', 2], ['vnf-10', 1]]);
  });
});

describe('the engine publishes decision.capacity', () => {
  function setup() {
    let hosts = [vimHost('compute-a'), vimHost('compute-b', { used: { vcpus: 32, ramMb: 131_072, diskGb: 1000 } })];
    const published: MigrationCapacityEntry[][] = [];
    const repository = memoryRepository();
    const e = createDecisionEngine({
      mode: 'dry-run',
      repository,
      lcm: fakeLcm(),
      guards: fakeGuards(),
      vnfcs: fakeVnfcs([monitored({ policy: policy({ destinationStrategy: 'least-loaded' }), scalingAspectId: 'VDU1_scale' })]),
      vim: { listHosts: async () => hosts },
      strategies: createDestinationStrategies(1),
      log: createLogger('silent'),
      clock: () => NOW * 1000,
      publishCapacity: async (entries) => void published.push([...entries]),
    });
    return { e, published, repository, freeUp: () => (hosts = [vimHost('compute-a'), vimHost('compute-b')]) };
  }

  test('no destination: one skip decision, one scale-out entry with what the VNFC needs; a destination again: one clear', async () => {
    const { e, published, repository, freeUp } = setup();
    const [d] = await e.evaluate([score({ ts: NOW })]);
    assert.equal(d.rule, 'no-destination');
    assert.equal(d.outcome.kind, 'skip');
    assert.equal(published.length, 1);
    assert.deepEqual(published[0], [
      {
        vnfInstanceId: 'vnf-1', vnfcInstanceId: 'vnfc-1', vduId: 'VDU1', serverId: 'server-1', host: 'compute-a',
        needed: { vcpus: 2, ramMb: 4096, diskGb: 20 }, scaleOut: true, vnfcsWithoutHeadroom: 1, aspectId: 'VDU1_scale',
        failureScore: 0.9, ts: new Date(NOW * 1000).toISOString(), reason: published[0][0].reason,
      },
    ]);
    assert.equal(e.shortOfHeadroom('vnf-1'), 1);
    // Ten more windows over the threshold, still no room: no more entries, no more decisions.
    for (let i = 1; i <= 10; i++) await e.evaluate([score({ ts: NOW + 5 * i, failureScore: i % 2 ? 0.72 : 0.95 })]);
    assert.equal(published.length, 1, 'no storm while the shortage holds');
    assert.equal(repository.rows.size, 1);
    freeUp();
    const [m] = await e.evaluate([score({ ts: NOW + 60 })]);
    assert.equal(m.outcome.kind, 'migrate');
    assert.equal(published.length, 2);
    assert.equal(published[1][0].scaleOut, false);
    assert.equal(published[1][0].vnfcsWithoutHeadroom, 0);
    assert.equal(e.shortOfHeadroom('vnf-1'), 0);
  });

  test('a score falling back clears it; wavering around the threshold raises nothing more', async () => {
    const { e, published } = setup();
    await e.evaluate([score({ ts: NOW })]);
    for (const [i, s] of [0.65, 0.75, 0.62, 0.71].entries()) await e.evaluate([score({ ts: NOW + 5 * (i + 1), failureScore: s })]);
    assert.deepEqual(published.map((p) => p.map((x) => x.scaleOut)), [[true]]);
    await e.evaluate([score({ ts: NOW + 30, failureScore: 0.3 })]);
    await e.evaluate([score({ ts: NOW + 35, failureScore: 0.2 })]);
    assert.deepEqual(published.map((p) => p.map((x) => x.scaleOut)), [[true], [false]]);
  });

  test('two VNFCs of one VNF: vnfcsWithoutHeadroom counts them as they run short and get room back', async () => {
    const published: MigrationCapacityEntry[] = [];
    let full = true;
    const p = policy({ destinationStrategy: 'least-loaded' });
    const e = createDecisionEngine({
      mode: 'dry-run', repository: memoryRepository(), lcm: fakeLcm(), guards: fakeGuards(),
      vnfcs: fakeVnfcs([monitored({ policy: p }), monitored({ vnfcInstanceId: 'vnfc-2', serverId: 'server-2', policy: p })]),
      vim: { listHosts: async () => [vimHost('compute-a'), vimHost('compute-b', full ? { used: { vcpus: 32, ramMb: 131_072, diskGb: 1000 } } : {})] },
      strategies: createDestinationStrategies(1), log: createLogger('silent'), clock: () => NOW * 1000,
      publishCapacity: async (entries) => void published.push(...entries),
    });
    await e.evaluate([score({ ts: NOW }), score({ ts: NOW, vnfcInstanceId: 'vnfc-2' })]);
    full = false;
    await e.evaluate([score({ ts: NOW + 5, failureScore: 0.1 }), score({ ts: NOW + 5, vnfcInstanceId: 'vnfc-2' })]);
    assert.deepEqual(published.map((x) => [x.vnfcInstanceId, x.scaleOut, x.vnfcsWithoutHeadroom]), [
      ['vnfc-1', true, 1], ['vnfc-2', true, 2], ['vnfc-1', false, 1], ['vnfc-2', false, 0],
    ]);
  });

  test('a batch that is not stored (a redelivered event) publishes nothing and changes no state', async () => {
    const { e, published } = setup();
    const none = await e.evaluate([score({ ts: NOW })], { persist: async () => false });
    assert.deepEqual(none, []);
    assert.equal(published.length, 0);
    assert.equal(e.shortOfHeadroom('vnf-1'), 0);
  });
});
