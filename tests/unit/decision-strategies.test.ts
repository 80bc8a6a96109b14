import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createDestinationStrategies,
  fixedStrategy,
  forecastStrategy,
  leastLoadedStrategy,
  randomStrategy,
} from '../../lcm/decision/destination-strategies.ts';
import { SeededRng } from '../../platform/seeded-rng.ts';
import type { MigratingVm } from '../../prediction/placement/placement.types.ts';
import { candidate } from '../support/decision-fixtures.ts';

const flat = (v: number) => ({ h1: v, h5: v, h15: v });
const vm = (o: Partial<MigratingVm> = {}): MigratingVm => ({ flavor: { vcpus: 2, ramMb: 4096, diskGb: 20 }, currentHost: 'src', expectedMigrationSeconds: 20, ...o });

// busy-now: little allocated but forecast to be busy; quiet-later: more allocated, forecast quiet.
const hosts = [
  candidate('src'),
  candidate('busy-now', { used: { vcpus: 2, ramMb: 8192, diskGb: 10 }, forecast: { cpu: flat(70), mem: flat(60) } }),
  candidate('quiet-later', { used: { vcpus: 16, ramMb: 65_536, diskGb: 500 }, forecast: { cpu: flat(10), mem: flat(20) } }),
  candidate('full', { used: { vcpus: 31, ramMb: 131_000, diskGb: 990 } }),
  candidate('risky', { failureRisk: 0.9 }),
];

test('forecast ranks by forecast headroom; least-loaded by allocation now: they disagree here', () => {
  const f = forecastStrategy()({ vm: vm(), hosts });
  const l = leastLoadedStrategy()({ vm: vm(), hosts });
  assert.equal(f.strategy, 'forecast');
  assert.deepEqual(f.ranked.map((r) => r.host), ['quiet-later', 'busy-now']);
  assert.equal(l.strategy, 'least-loaded');
  assert.deepEqual(l.ranked.map((r) => r.host), ['busy-now', 'quiet-later']);
  assert.match(l.ranked[0].reason, /allocated with the VM/);
});

test('every strategy applies the hard rules: not the current host, room, not at risk, anti-affinity', () => {
  const group = vm({ antiAffinityGroup: ['peer'] });
  const withPeer = [...hosts, candidate('has-peer', { servers: ['peer'] })];
  for (const s of [leastLoadedStrategy(), randomStrategy(new SeededRng(3)), forecastStrategy()]) {
    const r = s({ vm: group, hosts: withPeer });
    const ranked = r.ranked.map((x) => x.host).sort();
    assert.deepEqual(ranked, ['busy-now', 'quiet-later'], r.strategy);
    const rules = Object.fromEntries(r.excluded.map((e) => [e.host, e.rules]));
    assert.ok(rules.src?.includes('current-host'), `${r.strategy}: src`);
    assert.ok(rules.full?.includes('no-room'), `${r.strategy}: full`);
    assert.ok(rules.risky?.includes('at-risk'), `${r.strategy}: risky`);
    assert.ok(rules['has-peer']?.includes('anti-affinity'), `${r.strategy}: has-peer`);
  }
});

test('random: a seed fixes the order; other seeds give other orders; only feasible hosts', () => {
  const many = Array.from({ length: 8 }, (_, i) => candidate(`h${i}`));
  const draw = (seed: number) => {
    const s = randomStrategy(new SeededRng(seed));
    return Array.from({ length: 5 }, () => s({ vm: vm(), hosts: many }).ranked.map((r) => r.host).join(','));
  };
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
  const firsts = new Set(draw(7).map((o) => o.split(',')[0]));
  assert.ok(firsts.size > 1, 'the first choice varies from draw to draw');
  assert.ok(draw(9).every((o) => o.split(',').length === 8));
});

test('fixed: the named host when it is feasible, else nothing', () => {
  const s = fixedStrategy();
  assert.deepEqual(s({ vm: vm(), hosts, fixedHost: 'quiet-later' }).ranked.map((r) => r.host), ['quiet-later']);
  assert.deepEqual(s({ vm: vm(), hosts, fixedHost: 'full' }).ranked, []);
  assert.deepEqual(s({ vm: vm(), hosts }).ranked, []);
});

test('createDestinationStrategies gives one function per VNFD strategy name', () => {
  const all = createDestinationStrategies(1);
  assert.deepEqual(Object.keys(all).sort(), ['fixed', 'forecast', 'least-loaded', 'random']);
  for (const [name, fn] of Object.entries(all)) assert.equal(fn({ vm: vm(), hosts, fixedHost: 'busy-now' }).strategy, name);
});
