import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createCollectdState, prepareCollectdBatch, type CollectdState } from '../../fault-mgmt/collectd/collectd-ingest.ts';
import { tailEventType } from '../../fault-mgmt/collectd/tail-counter.events.ts';
import { parseCollectdBody } from '../../fault-mgmt/collectd/value-list.parser.ts';
import type { EntityResolver, ResolvedEntity } from '../../fault-mgmt/monitoring.types.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples/collectd-write-http.json');
const skip = existsSync(SAMPLES) ? false : `the captured collectd bodies are not at ${SAMPLES}`;
interface Sample { note: string; body: Record<string, unknown>[] }
const sample = (prefix: string): Record<string, unknown>[] =>
  (JSON.parse(readFileSync(SAMPLES, 'utf8')) as { samples: Sample[] }).samples.find((s) => s.note.startsWith(prefix))!.body;

const opts = { now: 1795618700, maxFutureSeconds: 300 };
// compute-a runs VNFC vnfc-1 of VNF vnf-1 in this registry; other names are unknown.
const resolver: EntityResolver = {
  resolve: (name, hint): ResolvedEntity =>
    name === 'epc-vm'
      ? { entity: { kind: 'vm', id: 'uuid-epc' }, host: 'compute-a', vm: 'uuid-epc', vnfInstanceId: 'vnf-1', vnfcInstanceId: 'vnfc-1', known: true }
      : { entity: { kind: hint ?? 'host', id: name }, known: false },
  vmsOfVnf: () => [],
};

function ingest(body: unknown, storeRates: boolean, state: CollectdState) {
  return prepareCollectdBatch(parseCollectdBody(body, opts), { storeRates, resolver, state });
}

test('every non-NaN value of the real raw body is a raw sample under its identifier; NaN is counted, not stored', { skip }, () => {
  const body = sample('metrics, StoreRates false');
  const p = ingest(body, false, createCollectdState());
  const raw = p.batch.samples.filter((s) => !s.canonical);
  const posted = body.flatMap((e) => e.values as (number | null)[]);
  assert.equal(p.nulls, 3); // swap percent used/free/cached
  assert.equal(p.stored, posted.length - 3);
  assert.equal(raw.length, p.stored);
  const byName = new Map(raw.map((s) => [s.metric, s]));
  assert.equal(byName.size, raw.length, 'one sample per series');
  assert.equal(byName.get('disk-vda/disk_octets:read')?.value, 1694749696); // raw, as posted
  assert.equal(byName.get('interface-eth0/if_octets:rx')?.value, 127137844);
  assert.equal(byName.get('load/load:midterm')?.value, 0.3515625);
  assert.equal(byName.get('tail-mme/counter-t3413_expired')?.value, 3);
  assert.equal(byName.get('tail-mme/gauge-t3413_expired_per_interval')?.ts, 1795618531.162);
  assert.equal(byName.get('swap/percent-used'), undefined);
  assert.ok(raw.every((s) => s.entity.kind === 'host' && s.entity.id === 'compute-a'));
});

test('tail counters become paging_timeout events: counter increases, GaugeInc values, one source each', { skip }, () => {
  const state = createCollectdState();
  const first = ingest(sample('metrics, StoreRates false'), false, state);
  // The counter (3) only primes; the per-interval gauge says 3 lines in the last interval.
  assert.deepEqual(first.batch.events, [
    {
      ts: 1795618531.162,
      type: 'paging_timeout',
      count: 3,
      source: 'collectd-tail:t3413_expired_per_interval',
      host: 'compute-a',
      vm: undefined,
      vnfInstanceId: undefined,
      vnfcInstanceId: undefined,
      attrs: { plugin_instance: 'mme', type_instance: 't3413_expired_per_interval' },
    },
  ]);
  const tail = (t: number, counter: number, gauge: number | null) => [
    { values: [counter], dstypes: ['counter'], dsnames: ['value'], time: t, interval: 2, host: 'compute-a', plugin: 'tail', plugin_instance: 'mme', type: 'counter', type_instance: 't3413_expired' },
    { values: [gauge], dstypes: ['gauge'], dsnames: ['value'], time: t, interval: 2, host: 'compute-a', plugin: 'tail', plugin_instance: 'mme', type: 'gauge', type_instance: 't3413_expired_per_interval' },
  ];
  const counts = (p: ReturnType<typeof ingest>) => p.batch.events.map((e) => `${e.source}=${e.count}`);
  assert.deepEqual(counts(ingest(tail(1795618533.162, 7, 4), false, state)), [
    'collectd-tail:t3413_expired=4',
    'collectd-tail:t3413_expired_per_interval=4',
  ]);
  // A body posted twice: the counter's second copy is not newer than its last reading.
  assert.deepEqual(counts(ingest(tail(1795618533.162, 7, 4), false, state)), ['collectd-tail:t3413_expired_per_interval=4']);
  assert.deepEqual(counts(ingest(tail(1795618535.162, 7, 0), false, state)), [], 'no new lines, no events');
  assert.deepEqual(counts(ingest(tail(1795618537.162, 2, null), false, state)), [], 'collectd restarted: the counter reset only primes');
  assert.deepEqual(counts(ingest(tail(1795618539.162, 5, 3), false, state)), [
    'collectd-tail:t3413_expired=3',
    'collectd-tail:t3413_expired_per_interval=3',
  ]);
});

test('StoreRates true: a tail counter rate times the interval is the count', () => {
  const p = ingest(
    [{ values: [1.5], dstypes: ['counter'], dsnames: ['value'], time: 1795618600, interval: 2, host: 'epc-vm', plugin: 'tail', plugin_instance: 'mme', type: 'counter', type_instance: 't3413_expired' }],
    true,
    createCollectdState(),
  );
  assert.equal(p.batch.events.length, 1);
  const e = p.batch.events[0];
  assert.equal(e.count, 3);
  // collectd inside the VNF's VM: the registry knows the name, the event carries VM, VNF and VNFC.
  assert.deepEqual([e.host, e.vm, e.vnfInstanceId, e.vnfcInstanceId], ['compute-a', 'uuid-epc', 'vnf-1', 'vnfc-1']);
  assert.deepEqual(p.batch.samples[0].entity, { kind: 'vm', id: 'uuid-epc' });
});

test('tail type_instance names map to event types; unknown ones stay raw series only', () => {
  assert.equal(tailEventType('t3413_expired'), 'paging_timeout');
  assert.equal(tailEventType('t3413_expired_per_interval'), 'paging_timeout');
  assert.equal(tailEventType('oom_kill'), 'oom_kill');
  assert.equal(tailEventType('s1ap_broken_pipe_per_interval'), 's1ap_broken_pipe');
  assert.equal(tailEventType('ddn_failure'), 'ddn_failure');
  assert.equal(tailEventType('sshd_logins'), undefined);
  const p = ingest(
    [
      { values: [9], dstypes: ['derive'], dsnames: ['value'], time: 1795618600, interval: 2, host: 'h', plugin: 'tail', plugin_instance: 'auth', type: 'derive', type_instance: 'sshd_logins' },
      { values: [2], dstypes: ['absolute'], dsnames: ['value'], time: 1795618600, interval: 2, host: 'h', plugin: 'tail', plugin_instance: 'kern', type: 'absolute', type_instance: 'oom_kill' },
    ],
    false,
    createCollectdState(),
  );
  assert.deepEqual(p.batch.samples.map((s) => s.metric), ['tail-auth/derive-sshd_logins', 'tail-kern/absolute-oom_kill']);
  assert.deepEqual(p.batch.events.map((e) => [e.type, e.count]), [['oom_kill', 2]]);
});
