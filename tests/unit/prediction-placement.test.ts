import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forecastAt, peakForecast } from '../../prediction/placement/forecast-window.ts';
import type { CandidateHost, MigratingVm } from '../../prediction/placement/placement.types.ts';
import { rankDestinations } from '../../prediction/placement/rank-destinations.ts';

const flat = (v: number) => ({ h1: v, h5: v, h15: v });

function host(name: string, o: Partial<CandidateHost> = {}): CandidateHost {
  return {
    name,
    az: 'nova',
    aggregates: ['general'],
    capacity: { vcpus: 40, ramMb: 100_000, diskGb: 1000 },
    used: { vcpus: 10, ramMb: 20_000, diskGb: 100 },
    servers: [],
    forecast: { cpu: flat(30), mem: flat(30) },
    failureRisk: 0.05,
    ...o,
  };
}

function vm(o: Partial<MigratingVm> = {}): MigratingVm {
  return { flavor: { vcpus: 4, ramMb: 10_000, diskGb: 40 }, currentHost: 'src', expectedMigrationSeconds: 120, ...o };
}

/** The reason and rules for one excluded host, failing if the host was ranked. */
function excludedReason(v: MigratingVm, h: CandidateHost, policy = {}) {
  const r = rankDestinations(v, [h], policy);
  assert.equal(r.ranked.length, 0, `${h.name} should be excluded`);
  return r.excluded[0];
}

test('the current host is never a destination', () => {
  const e = excludedReason(vm(), host('src'));
  assert.deepEqual(e.rules, ['current-host']);
  assert.equal(e.reason, 'the VM runs here now');
});

test('another availability zone or a missing aggregate excludes a host', () => {
  const az = excludedReason(vm({ availabilityZone: 'az1' }), host('h', { az: 'az2' }));
  assert.deepEqual(az.rules, ['availability-zone']);
  assert.equal(az.reason, 'in availability zone az2, the VM needs az1');
  const agg = excludedReason(vm({ aggregate: 'dpdk' }), host('h'));
  assert.deepEqual(agg.rules, ['aggregate']);
  assert.equal(agg.reason, 'not in aggregate dpdk');
  assert.equal(rankDestinations(vm({ availabilityZone: 'nova', aggregate: 'general' }), [host('h')]).ranked.length, 1);
});

test('a host running a server of the anti-affinity group is excluded', () => {
  const e = excludedReason(vm({ antiAffinityGroup: ['srv-1', 'srv-2'] }), host('h', { servers: ['x', 'srv-2'] }));
  assert.deepEqual(e.rules, ['anti-affinity']);
  assert.equal(e.reason, "runs srv-2 of the VM's anti-affinity group");
});

test('a host itself at risk is excluded at the threshold, not below it', () => {
  const e = excludedReason(vm(), host('h', { failureRisk: 0.5 }));
  assert.deepEqual(e.rules, ['at-risk']);
  assert.equal(e.reason, 'itself at risk (failure score 0.50 >= 0.5)');
  assert.equal(rankDestinations(vm(), [host('h', { failureRisk: 0.49 })]).ranked.length, 1);
  assert.equal(rankDestinations(vm(), [host('h', { failureRisk: 0.49 })], { riskThreshold: 0.4 }).ranked.length, 0);
});

test('no room for the flavor names each missing resource', () => {
  const e = excludedReason(vm(), host('h', { used: { vcpus: 38, ramMb: 20_000, diskGb: 990 } }));
  assert.deepEqual(e.rules, ['no-room']);
  assert.equal(e.reason, 'no room for the flavor (2 vCPU free, 4 needed, 10 GB disk free, 40 needed)');
  assert.equal(rankDestinations(vm(), [host('h', { used: { vcpus: 36, ramMb: 90_000, diskGb: 960 } })]).ranked.length, 1, 'exactly enough room fits');
});

test('a forecast over the ceiling during the migration, with the VM added, excludes a host', () => {
  // VM adds 4/40 = 10 % CPU and 10,000/100,000 = 10 % memory.
  const rising = host('h', { forecast: { cpu: { h1: 50, h5: 75, h15: 95 }, mem: flat(30) } });
  const long = excludedReason(vm({ expectedMigrationSeconds: 600 }), rising);
  assert.deepEqual(long.rules, ['over-utilisation']);
  assert.equal(long.reason, 'forecast CPU 95.0% with the VM within 600 s, over 90%');
  const short = rankDestinations(vm({ expectedMigrationSeconds: 120 }), [rising]).ranked[0];
  assert.ok(short, 'a short migration ends before the load rises');
  assert.equal(short.cpuPeak, 50 + 25 * (60 / 240) + 10);
  assert.equal(rankDestinations(vm({ expectedMigrationSeconds: 600 }), [rising], { maxUtilisation: 96 }).ranked.length, 1);
});

test('a host without a usable forecast is excluded', () => {
  const e = excludedReason(vm(), host('h', { forecast: { cpu: { h1: 10, h5: NaN, h15: 10 }, mem: flat(10) } }));
  assert.deepEqual(e.rules, ['no-forecast']);
  assert.equal(e.reason, 'no utilisation forecast');
});

test('every broken rule is named, on one line, even with odd names', () => {
  const e = excludedReason(
    vm({ availabilityZone: 'az1', antiAffinityGroup: ['srv\n1'] }),
    host('src', { az: 'az\n2', servers: ['srv\n1'], failureRisk: 0.9 }),
  );
  assert.deepEqual(e.rules, ['current-host', 'availability-zone', 'anti-affinity', 'at-risk']);
  assert.ok(!/[\r\n]/.test(e.reason), e.reason);
  assert.equal(e.reason.split('; ').length, 4);
});

test('feasible hosts are ordered by forecast headroom over the migration, each with a one-line reason', () => {
  const hosts = [
    host('busy', { forecast: { cpu: flat(60), mem: flat(40) } }),
    host('idle', { forecast: { cpu: flat(10), mem: flat(20) } }),
    host('mid', { forecast: { cpu: flat(30), mem: flat(45) } }),
    host('src'),
  ];
  const r = rankDestinations(vm(), hosts);
  assert.deepEqual(r.ranked.map((d) => d.host), ['idle', 'mid', 'busy']);
  assert.deepEqual(r.excluded.map((d) => d.host), ['src']);
  const idle = r.ranked[0];
  assert.equal(idle.headroom, 100 - 30); // memory 20 + 10 for the VM
  assert.equal(idle.score, 0.7);
  assert.equal(idle.reason, '70.0% headroom over the 120 s migration (memory peaks at 30.0% with the VM; CPU 20.0%, memory 30.0%), failure score 0.05');
  for (const d of r.ranked) assert.ok(!d.reason.includes('\n'));
});

test('the migration duration decides between a host that fills up later and one that is steady', () => {
  const filling = host('filling', { forecast: { cpu: { h1: 10, h5: 20, h15: 70 }, mem: flat(20) } });
  const steady = host('steady', { forecast: { cpu: flat(40), mem: flat(20) } });
  assert.deepEqual(rankDestinations(vm({ expectedMigrationSeconds: 60 }), [steady, filling]).ranked.map((d) => d.host), ['filling', 'steady']);
  assert.deepEqual(rankDestinations(vm({ expectedMigrationSeconds: 900 }), [steady, filling]).ranked.map((d) => d.host), ['steady', 'filling']);
});

test('ties: lower failure risk first, then more RAM left, then the name', () => {
  const same = { forecast: { cpu: flat(30), mem: flat(30) } };
  const r = rankDestinations(vm(), [
    host('d', { ...same, failureRisk: 0.2 }),
    host('c', { ...same, failureRisk: 0.1 }),
    host('b', { ...same, failureRisk: 0.1, capacity: { vcpus: 40, ramMb: 100_000, diskGb: 1000 }, used: { vcpus: 10, ramMb: 10_000, diskGb: 100 } }),
    host('a', { ...same, failureRisk: 0.1 }),
  ]);
  assert.deepEqual(r.ranked.map((d) => d.host), ['b', 'a', 'c', 'd']);
  assert.equal(new Set(r.ranked.map((d) => d.headroom)).size, 1);
});

test('interpolated forecast and its peak over the window', () => {
  const f = { h1: 10, h5: 50, h15: 20 };
  assert.equal(forecastAt(f, 0), 10);
  assert.equal(forecastAt(f, 180), 30);
  assert.equal(forecastAt(f, 600), 35);
  assert.equal(forecastAt(f, 3600), 20);
  assert.equal(peakForecast(f, 30), 10);
  assert.equal(peakForecast(f, 180), 30);
  assert.equal(peakForecast(f, 900), 50);
  assert.equal(peakForecast({ h1: 60, h5: 10, h15: 10 }, 400), 60);
});

test('invalid inputs are refused with the field named', () => {
  assert.throws(() => rankDestinations(vm({ expectedMigrationSeconds: -1 }), []), /expectedMigrationSeconds/);
  assert.throws(() => rankDestinations(vm(), [], { maxUtilisation: 180 }), /maxUtilisation/);
  assert.throws(() => rankDestinations(vm(), [], { riskThreshold: 2 }), /riskThreshold/);
  assert.deepEqual(rankDestinations(vm(), []), { ranked: [], excluded: [] });
});
