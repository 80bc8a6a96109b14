import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createCollectdState, prepareCollectdBatch, type CollectdState } from '../../fault-mgmt/collectd/collectd-ingest.ts';
import { parseCollectdBody } from '../../fault-mgmt/collectd/value-list.parser.ts';
import type { EntityResolver, ResolvedEntity, SampleRow } from '../../fault-mgmt/monitoring.types.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples/collectd-write-http.json');
const skip = existsSync(SAMPLES) ? false : `the captured collectd bodies are not at ${SAMPLES}`;
interface Sample { note: string; body: Record<string, unknown>[] }
const sample = (prefix: string): Record<string, unknown>[] =>
  (JSON.parse(readFileSync(SAMPLES, 'utf8')) as { samples: Sample[] }).samples.find((s) => s.note.startsWith(prefix))!.body;

const opts = { now: 1795618700, maxFutureSeconds: 300 };
const resolver: EntityResolver = {
  resolve: (name, hint): ResolvedEntity => ({ entity: { kind: hint ?? 'host', id: name }, known: false }),
  vmsOfVnf: () => [],
};

function ingest(body: unknown, storeRates: boolean, state: CollectdState) {
  return prepareCollectdBatch(parseCollectdBody(body, opts), { storeRates, resolver, state });
}

function canonical(rows: readonly SampleRow[]): Record<string, { value: number; ts: number }> {
  const out: Record<string, { value: number; ts: number }> = {};
  for (const r of rows.filter((x) => x.canonical)) {
    assert.equal(out[r.metric], undefined, `${r.metric} emitted twice for one body`);
    assert.deepEqual(r.entity, { kind: 'host', id: 'compute-a' });
    out[r.metric] = { value: r.value, ts: r.ts };
  }
  return out;
}

function close(actual: { value: number; ts: number } | undefined, value: number, ts: number, what: string): void {
  assert.ok(actual, `${what} missing`);
  assert.ok(Math.abs(actual.value - value) < 1e-9, `${what}: ${actual.value} != ${value}`);
  assert.equal(actual.ts, ts, `${what} stamp`);
}

test('StoreRates true sample: canonical values computed by hand from the posted values', { skip }, () => {
  const c = canonical(ingest(sample('metrics, StoreRates true'), true, createCollectdState()).batch.samples);
  // cpu: idle 98.4848484848485 (cpu 0) and 88.4422110552764 (cpu 1) -> 100 - mean.
  close(c.cpu_util, 100 - (98.4848484848485 + 88.4422110552764) / 2, 1795618501.567, 'cpu_util');
  close(c.mem_util, 0.452242829833183, 1795618501.566, 'mem_util'); // memory percent/used
  // swap percent values are NaN (no swap): used 0 of 0 bytes -> 0 %.
  close(c.swap_util, 0, 1795618501.566, 'swap_util');
  close(c.load1, 0.55810546875, 1795618501.567, 'load1');
  close(c.disk_read_bps, 33764883.3183031, 1795618501.567, 'disk_read_bps'); // vda only
  close(c.disk_write_bps, 12289.3114898282, 1795618501.567, 'disk_write_bps');
  // eth0 0/0; lo (5472.69434737478 B/s) is left out.
  close(c.net_rx_bps, 0, 1795618501.567, 'net_rx_bps');
  close(c.net_tx_bps, 0, 1795618501.567, 'net_tx_bps');
  assert.equal(Object.keys(c).length, 8);
});

test('StoreRates false sample: gauges give canonical values at once, raw derives only prime', { skip }, () => {
  const state = createCollectdState();
  const first = ingest(sample('metrics, StoreRates false'), false, state);
  const c = canonical(first.batch.samples);
  close(c.cpu_util, 100 - (99 + 0) / 2, 1795618533.155, 'cpu_util'); // idle 99 (cpu 0), 0 (cpu 1)
  close(c.mem_util, 0.559145723211767, 1795618533.154, 'mem_util');
  close(c.swap_util, 0, 1795618533.154, 'swap_util');
  close(c.load1, 0.7822265625, 1795618533.155, 'load1');
  for (const m of ['disk_read_bps', 'disk_write_bps', 'net_rx_bps', 'net_tx_bps']) assert.equal(c[m], undefined, m);

  // The next reading 2 s later: vda read +2,000,000 B, write +4,000 B; eth0 rx +10,000, tx +500; lo +1e6 (ignored).
  const next = sample('metrics, StoreRates false').map((e) => {
    const vl: Record<string, unknown> = { ...e, time: (e.time as number) + 2 };
    const v = e.values as number[];
    if (e.type === 'disk_octets') vl.values = [v[0] + 2_000_000, v[1] + 4_000];
    if (e.type === 'if_octets' && e.plugin_instance === 'eth0') vl.values = [v[0] + 10_000, v[1] + 500];
    if (e.type === 'if_octets' && e.plugin_instance === 'lo') vl.values = [v[0] + 1e6, v[1] + 1e6];
    return vl;
  });
  const c2 = canonical(ingest(next, false, state).batch.samples);
  close(c2.disk_read_bps, 1_000_000, 1795618535.155, 'disk_read_bps');
  close(c2.disk_write_bps, 2_000, 1795618535.155, 'disk_write_bps');
  close(c2.net_rx_bps, 5_000, 1795618535.156, 'net_rx_bps');
  close(c2.net_tx_bps, 250, 1795618535.156, 'net_tx_bps');
});

test('the same raw body read as StoreRates true treats derives as rates (request override)', { skip }, () => {
  const c = canonical(ingest(sample('metrics, StoreRates false'), true, createCollectdState()).batch.samples);
  close(c.disk_read_bps, 1694749696, 1795618533.155, 'disk_read_bps');
  close(c.net_rx_bps, 127137844, 1795618533.156, 'net_rx_bps');
});

function vl(over: Record<string, unknown>): Record<string, unknown> {
  return { values: [0], dstypes: ['gauge'], dsnames: ['value'], time: 1795618600, interval: 10, host: 'h1', plugin: 'cpu', plugin_instance: '', type: 'percent', type_instance: '', ...over };
}

test('inputs older than 1.5 intervals behind the newest are left out; NaN forgets an input', () => {
  const state = createCollectdState();
  ingest([vl({ plugin_instance: '0', type_instance: 'idle', values: [50] })], false, state);
  const r = canonical2(ingest([vl({ plugin_instance: '1', type_instance: 'idle', values: [90], time: 1795618616 })], false, state));
  assert.deepEqual(r.cpu_util, { value: 10, ts: 1795618616 }); // cpu 0 is 16 s old (> 1.5 x 10 s)
  const r2 = canonical2(ingest([vl({ plugin_instance: '0', type_instance: 'idle', values: [70], time: 1795618617 })], false, state));
  assert.deepEqual(r2.cpu_util, { value: 20, ts: 1795618617 }); // 100 - mean(70, 90)
  ingest([vl({ plugin: 'swap', type: 'percent', type_instance: 'used', values: [40] })], false, state);
  const r3 = canonical2(
    ingest(
      [
        vl({ plugin: 'swap', type: 'percent', type_instance: 'used', values: [null], time: 1795618610 }),
        vl({ plugin: 'swap', type: 'swap', type_instance: 'used', values: [1], time: 1795618610 }),
        vl({ plugin: 'swap', type: 'swap', type_instance: 'free', values: [3], time: 1795618610 }),
      ],
      false,
      state,
    ),
  );
  assert.deepEqual(r3.swap_util, { value: 25, ts: 1795618610 });
});

function canonical2(p: ReturnType<typeof ingest>): Record<string, { value: number; ts: number }> {
  return Object.fromEntries(p.batch.samples.filter((s) => s.canonical).map((s) => [s.metric, { value: s.value, ts: s.ts }]));
}

test('cpu_util from jiffies when only the cpu derive type is sent; mem_util from memory states', () => {
  const state = createCollectdState();
  const jiffies = (t: number, idle: number, user: number) => [
    vl({ type: 'cpu', type_instance: 'idle', plugin_instance: '0', dstypes: ['derive'], values: [idle], time: t }),
    vl({ type: 'cpu', type_instance: 'user', plugin_instance: '0', dstypes: ['derive'], values: [user], time: t }),
  ];
  assert.equal(canonical2(ingest(jiffies(1795618600, 1000, 1000), false, state)).cpu_util, undefined);
  // +750 idle, +250 user jiffies -> 25 % busy.
  assert.deepEqual(canonical2(ingest(jiffies(1795618610, 1750, 1250), false, state)).cpu_util, { value: 25, ts: 1795618610 });
  const mem = ['used', 'cached', 'free', 'buffered'].map((s, i) =>
    vl({ plugin: 'memory', type: 'memory', type_instance: s, values: [[100, 200, 650, 50][i]] }),
  );
  assert.deepEqual(canonical2(ingest(mem, false, state)).mem_util, { value: 10, ts: 1795618600 });
});

test('virt plugin: the VM is plugin_instance or the host field; vCPU-relative CPU, balloon memory, device sums', () => {
  const state = createCollectdState();
  const vm = (t: number, cpuNs: number, rx: number) => [
    vl({ plugin: 'virt', host: 'compute-a', plugin_instance: 'instance-0001', type: 'virt_cpu_total', dstypes: ['derive'], values: [cpuNs], time: t }),
    ...['0', '1'].map((n) => vl({ plugin: 'virt', host: 'compute-a', plugin_instance: 'instance-0001', type: 'virt_vcpu', type_instance: n, dstypes: ['derive'], values: [cpuNs / 2], time: t })),
    vl({ plugin: 'virt', host: 'compute-a', plugin_instance: 'instance-0001', type: 'memory', type_instance: 'available', values: [4e9], time: t }),
    vl({ plugin: 'virt', host: 'compute-a', plugin_instance: 'instance-0001', type: 'memory', type_instance: 'usable', values: [3e9], time: t }),
    vl({ plugin: 'virt', host: 'compute-a', plugin_instance: 'instance-0001', type: 'if_octets', type_instance: 'tap0', values: [rx, 0], dstypes: ['derive', 'derive'], dsnames: ['rx', 'tx'], time: t }),
  ];
  ingest(vm(1795618600, 1e12, 1000), false, state);
  const p = ingest(vm(1795618610, 1e12 + 5e9, 11000), false, state);
  const rows = p.batch.samples.filter((s) => s.canonical);
  assert.ok(rows.every((r) => r.entity.kind === 'vm' && r.entity.id === 'instance-0001'));
  const c = canonical2(p);
  assert.deepEqual(c.cpu_util, { value: 25, ts: 1795618610 }); // 0.5 s of CPU per s over 2 vCPUs
  assert.deepEqual(c.mem_util, { value: 25, ts: 1795618610 }); // 1 - usable/available
  assert.deepEqual(c.net_rx_bps, { value: 1000, ts: 1795618610 });
  // HostnameFormat "hostname name": the VM is the part after ':'.
  const q = ingest([vl({ plugin: 'virt', host: 'compute-b:vm-7', type: 'memory', type_instance: 'rss', values: [1] })], false, state);
  assert.deepEqual(q.batch.samples[0].entity, { kind: 'vm', id: 'vm-7' });
  assert.equal(q.batch.samples[0].metric, 'virt/memory-rss');
});

test('a memory or swap reading split over two bodies gives no ratio until its free state arrives', () => {
  const vl = (plugin: string, type: string, ti: string, value: number, time: number) => ({
    values: [value], dstypes: ['gauge'], dsnames: ['value'], time, interval: 2, host: 'compute-a', plugin, plugin_instance: '', type, type_instance: ti,
  });
  const state = createCollectdState();
  const first = canonical(ingest([vl('memory', 'memory', 'used', 4e9, 1795618600), vl('swap', 'swap', 'used', 1e9, 1795618600)], false, state).batch.samples);
  assert.equal(first.mem_util, undefined, 'used alone is not 100 %');
  assert.equal(first.swap_util, undefined);
  const second = canonical(ingest([vl('memory', 'memory', 'free', 12e9, 1795618600.1), vl('swap', 'swap', 'free', 3e9, 1795618600.1)], false, state).batch.samples);
  close(second.mem_util, 25, 1795618600.1, 'mem_util');
  close(second.swap_util, 25, 1795618600.1, 'swap_util');
});

test('a body holding three reading cycles yields the canonical values of each cycle, not only the newest', () => {
  const state = createCollectdState();
  const cycle = (t: number, idle: [number, number], used: number, free: number) => [
    vl({ plugin_instance: '0', type_instance: 'idle', values: [idle[0]], time: t }),
    vl({ plugin_instance: '1', type_instance: 'idle', values: [idle[1]], time: t + 0.002 }),
    vl({ plugin: 'memory', type: 'memory', type_instance: 'used', values: [used], time: t + 0.004 }),
    vl({ plugin: 'memory', type: 'memory', type_instance: 'free', values: [free], time: t + 0.004 }),
  ];
  const body = [...cycle(1795618600, [90, 70], 100, 900), ...cycle(1795618610, [50, 30], 500, 500), ...cycle(1795618620, [10, 10], 900, 100)];
  const rows = ingest(body, false, state).batch.samples.filter((s) => s.canonical);
  const series = (metric: string) => rows.filter((r) => r.metric === metric).map((r) => [r.ts, Math.round(r.value * 1e6) / 1e6]);
  // cpu_util = 100 - mean(idle); mem_util = used / (used + free).
  assert.deepEqual(series('cpu_util'), [[1795618600.002, 20], [1795618610.002, 60], [1795618620.002, 90]]);
  assert.deepEqual(series('mem_util'), [[1795618600.004, 10], [1795618610.004, 50], [1795618620.004, 90]]);
});
