import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDecisionEngine, type DecisionEngineDeps } from '../../lcm/decision/decision-engine.ts';
import type { DecisionMode } from '../../lcm/decision/decision.types.ts';
import { createDestinationStrategies } from '../../lcm/decision/destination-strategies.ts';
import type { HostForecasts } from '../../lcm/decision/ports.ts';
import { createLogger } from '../../platform/logger.ts';
import { fakeGuards, fakeLcm, fakeVnfcs, memoryRepository, monitored, policy, score, vimHost } from '../support/decision-fixtures.ts';

const NOW = 1_800_000_000;
const flat = (v: number) => ({ h1: v, h5: v, h15: v });

function engine(mode: DecisionMode, o: Partial<DecisionEngineDeps> = {}) {
  const repository = memoryRepository();
  const lcm = fakeLcm();
  const guards = fakeGuards();
  let listed = 0;
  const vim = {
    async listHosts() {
      listed++;
      return [vimHost('compute-a'), vimHost('compute-b'), vimHost('compute-c', { used: { vcpus: 31, ramMb: 120_000, diskGb: 10 } })];
    },
  };
  const forecasts: HostForecasts = { async forecast(hosts) { return new Map(hosts.map((h) => [h, { cpu: flat(20), mem: flat(20) }])); } };
  const e = createDecisionEngine({
    mode,
    repository,
    lcm,
    guards,
    vnfcs: fakeVnfcs([monitored(), monitored({ vnfInstanceId: 'vnf-2', vnfcInstanceId: 'vnfc-2', serverId: 'server-2', policy: policy({ maxConcurrentPerHost: 1 }) })]),
    vim,
    forecasts,
    strategies: createDestinationStrategies(1),
    log: createLogger('silent'),
    clock: () => NOW * 1000,
    ...o,
  });
  return { e, repository, lcm, guards, listed: () => listed };
}

describe('modes', () => {
  test('auto: the decision is stored, then a HEAL live-migrate request with isAutomaticInvocation goes to the LCM', async () => {
    const { e, repository, lcm } = engine('auto');
    const [d] = await e.evaluate([score({ ts: NOW })]);
    await e.settled();
    assert.equal(lcm.requests.length, 1);
    const r = lcm.requests[0];
    assert.equal(r.vnfInstanceId, 'vnf-1');
    assert.deepEqual(r.vnfcInstanceId, ['vnfc-1']);
    assert.equal(r.isAutomaticInvocation, true);
    const p = r.additionalParams!;
    assert.equal(p.healType, 'live-migrate');
    assert.equal(p.targetHost, 'compute-b');
    assert.equal(p.decisionId, d.id);
    assert.deepEqual(p.prediction, {
      score: 0.9, modelVersion: 'model-1', horizonSeconds: 60, host: 'compute-a', scoredAt: new Date(NOW * 1000).toISOString(), longProbability: 0.1, threshold: 0.7,
    });
    assert.equal(p.destination?.host, 'compute-b');
    assert.equal(p.destination?.strategy, 'forecast');
    const stored = repository.rows.get(d.id)!;
    assert.equal(stored.status, 'requested');
    assert.equal(stored.opOccId, 'op-1');
    assert.equal(stored.mode, 'auto');
    assert.equal(stored.ranking?.strategy, 'forecast');
    assert.equal(stored.inputs.score.failureScore, 0.9);
    assert.equal(stored.inputs.consecutive, 1);
  });

  test('dry-run: decides and records the same, requests nothing', async () => {
    const { e, repository, lcm } = engine('dry-run');
    const [d] = await e.evaluate([score({ ts: NOW })]);
    await e.settled();
    assert.equal(lcm.requests.length, 0);
    assert.equal(repository.rows.get(d.id)?.status, 'dry-run');
    assert.deepEqual(d.outcome, { kind: 'migrate', sourceHost: 'compute-a', destination: 'compute-b' });
  });

  test('approve: recorded pending-approval, nothing requested', async () => {
    const { e, repository, lcm } = engine('approve');
    const [d] = await e.evaluate([score({ ts: NOW })]);
    await e.settled();
    assert.equal(lcm.requests.length, 0);
    assert.equal(repository.rows.get(d.id)?.status, 'pending-approval');
  });

  test('a request the LCM refuses, or that fails, leaves a failed decision with the reason and frees its host slot', async () => {
    for (const [behaviour, why] of [['refuse', /OperationFailedTemp: an operation of the instance is FAILED_TEMP/], ['throw', /database lost/]] as const) {
      const { e, repository } = engine('auto', { lcm: fakeLcm(behaviour) });
      const [d] = await e.evaluate([score({ ts: NOW })]);
      await e.settled();
      assert.equal(repository.rows.get(d.id)?.status, 'failed', behaviour);
      assert.match(repository.rows.get(d.id)?.statusReason ?? '', why);
      assert.equal(e.migrationsFrom('compute-a'), 0, behaviour);
    }
  });

  test('the heal fallback is a HEAL recreate of the VNFC', async () => {
    const { e, lcm } = engine('auto');
    await e.evaluate([score({ ts: NOW, inFailure: true })]);
    await e.settled();
    assert.equal(lcm.requests[0].additionalParams?.healType, 'recreate');
    assert.equal(lcm.requests[0].additionalParams?.targetHost, undefined);
    assert.match(lcm.requests[0].cause ?? '', /failed before a proactive migration/);
  });
});

describe('batches', () => {
  test('scores below the threshold record nothing and read no hosts', async () => {
    const { e, repository, listed } = engine('auto');
    assert.deepEqual(await e.evaluate([score({ failureScore: 0.2 }), score({ vnfInstanceId: 'vnf-2', vnfcInstanceId: 'vnfc-2', failureScore: 0.3 })]), []);
    assert.equal(repository.rows.size, 0);
    assert.equal(listed(), 0);
  });

  test('VNFCs no policy targets are ignored', async () => {
    const { e } = engine('auto');
    assert.deepEqual(await e.evaluate([score({ vnfInstanceId: 'unknown' })]), []);
  });

  test('per-host concurrency counts the migrations decided earlier in the same batch', async () => {
    const { e } = engine('dry-run');
    // vnf-1 takes the host's slot; vnf-2's policy allows 1 per host.
    const ds = await e.evaluate([score(), score({ vnfInstanceId: 'vnf-2', vnfcInstanceId: 'vnfc-2' })]);
    assert.deepEqual(ds.map((d) => d.rule), ['threshold', 'host-concurrency']);
    assert.equal(e.migrationsFrom('compute-a'), 1);
  });

  test('an LCM operation in progress is a guard; the operation finishing frees the host slot', async () => {
    const t = engine('auto');
    t.guards.lcm.add('vnf-1');
    assert.deepEqual((await t.e.evaluate([score()])).map((d) => d.rule), ['lcm-in-progress']);
    t.guards.lcm.delete('vnf-1');
    const [d] = await t.e.evaluate([score({ ts: NOW + 5 })]);
    await t.e.settled();
    assert.equal(t.e.migrationsFrom('compute-a'), 1);
    t.e.operationFinished(t.repository.rows.get(d.id)!.opOccId!);
    assert.equal(t.e.migrationsFrom('compute-a'), 0);
  });

  test('the host of the VNFC that is failing is no destination (its score is its risk)', async () => {
    const { e } = engine('dry-run');
    // vnf-2 runs on compute-b with a high score: compute-b is at risk, compute-c has no room.
    const ds = await e.evaluate([score(), score({ vnfInstanceId: 'vnf-x', host: 'compute-b', failureScore: 0.95 })]);
    assert.equal(ds.length, 1);
    assert.equal(ds[0].rule, 'no-destination');
    const why = Object.fromEntries(ds[0].ranking!.excluded.map((x) => [x.host, x.rules]));
    assert.ok(why['compute-b'].includes('at-risk'));
    assert.ok(why['compute-c'].includes('no-room'));
  });

  test('restore: cooldowns come back from stored actions after a restart', async () => {
    const first = engine('dry-run', { vnfcs: fakeVnfcs([monitored({ policy: policy({ cooldownSeconds: 600, hysteresis: 0 }) })]) });
    await first.e.evaluate([score({ ts: NOW })]);
    const again = createDecisionEngine({
      mode: 'dry-run', repository: first.repository, lcm: fakeLcm(), guards: fakeGuards(),
      vnfcs: fakeVnfcs([monitored({ policy: policy({ cooldownSeconds: 600, hysteresis: 0 }) })]),
      vim: { listHosts: async () => [vimHost('compute-b')] }, strategies: createDestinationStrategies(1), log: createLogger('silent'),
      clock: () => (NOW + 60) * 1000,
    });
    await again.restore(3600);
    assert.deepEqual((await again.evaluate([score({ ts: NOW + 60 })])).map((d) => d.rule), ['cooldown']);
  });
});

test('the VNFCs of a failing host are spread over the destinations (each choice counts for the next)', async () => {
  const many = Array.from({ length: 6 }, (_, i) => monitored({ vnfInstanceId: `v${i}`, vnfcInstanceId: `c${i}`, serverId: `s${i}`, flavor: { vcpus: 4, ramMb: 16_384, diskGb: 20 }, policy: policy({ maxConcurrentPerHost: 10 }) }));
  // compute-b is forecast quieter (CPU 20 % against 40 %); each VM adds 12.5 % of CPU and memory.
  const forecasts: HostForecasts = { async forecast(hosts) { return new Map(hosts.map((h) => [h, { cpu: flat(h === 'compute-b' ? 20 : 40), mem: flat(20) }])); } };
  const { e } = engine('dry-run', { vnfcs: fakeVnfcs(many), forecasts, vim: { listHosts: async () => [vimHost('compute-a'), vimHost('compute-b'), vimHost('compute-c')] } });
  const ds = await e.evaluate(many.map((m) => score({ vnfInstanceId: m.vnfInstanceId, vnfcInstanceId: m.vnfcInstanceId })));
  const to = ds.map((d) => (d.outcome.kind === 'migrate' ? d.outcome.destination : d.rule));
  // Headroom with the VM, in turn: b 67.5 / c 47.5, b 55 / c 47.5, b 42.5 / c 47.5, b 42.5 / c 35, b 30 / c 35, b 30 / c 22.5.
  assert.deepEqual(to, ['compute-b', 'compute-b', 'compute-c', 'compute-b', 'compute-c', 'compute-b']);
});

test('a decision keeps the best 10 feasible destinations and how many there were, and every excluded host', async () => {
  const hosts = [vimHost('compute-a'), ...Array.from({ length: 12 }, (_, i) => vimHost(`h${String(i).padStart(2, '0')}`)), vimHost('full', { used: { vcpus: 32, ramMb: 0, diskGb: 0 } })];
  const { e } = engine('dry-run', { vim: { listHosts: async () => hosts } });
  const [d] = await e.evaluate([score()]);
  assert.equal(d.ranking?.ranked.length, 10);
  assert.equal(d.ranking?.rankedTotal, 12);
  assert.deepEqual(d.ranking?.excluded.map((x) => x.host).sort(), ['compute-a', 'full']);
});
