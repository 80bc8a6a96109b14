import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InvalidBatch, PayloadTooLarge, BadRequest } from '../../platform/http/problem-details.ts';
import {
  MAX_VALUE_LISTS,
  countPostedValues,
  parseCollectdBody,
  rawMetricName,
} from '../../fault-mgmt/collectd/value-list.parser.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples/collectd-write-http.json');
const samplesSkip = existsSync(SAMPLES) ? false : `the captured collectd bodies are not at ${SAMPLES}`;
interface Sample { note: string; path: string; body: unknown[] }
const samples = (): Sample[] => (JSON.parse(readFileSync(SAMPLES, 'utf8')) as { samples: Sample[] }).samples;

// 2026-11-25T14:56:40Z, shortly after the samples were captured.
const opts = { now: 1795618600, maxFutureSeconds: 300 };

function valid(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    values: [1, 2],
    dstypes: ['derive', 'derive'],
    dsnames: ['rx', 'tx'],
    time: 1795618533.156,
    interval: 2,
    host: 'compute-a',
    plugin: 'interface',
    plugin_instance: 'eth0',
    type: 'if_octets',
    type_instance: '',
    ...over,
  };
}

function invalidEntriesOf(fn: () => unknown): { index: number; reason: string }[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InvalidBatch, `expected InvalidBatch, got ${String(err)}`);
    return (err.extensions as { invalidEntries: { index: number; reason: string }[] }).invalidEntries;
  }
  assert.fail('the body was accepted');
}

test('every value of every data source of the real collectd 5.12 metric bodies parses', { skip: samplesSkip }, () => {
  for (const s of samples().filter((x) => x.path === '/collectd')) {
    const lists = parseCollectdBody(s.body, opts);
    assert.equal(lists.length, s.body.length, s.note);
    let values = 0;
    for (const [i, raw] of (s.body as Record<string, unknown[] & string>[]).entries()) {
      const vl = lists[i];
      assert.deepEqual(vl.values, raw.values);
      assert.deepEqual(vl.dsnames, raw.dsnames);
      assert.deepEqual(vl.dstypes, raw.dstypes);
      assert.equal(vl.host, 'compute-a');
      values += vl.values.length;
    }
    assert.equal(countPostedValues(s.body), values);
  }
});

test('NaN arrives as null and is kept as null; mixed dstypes of a real body are all accepted', { skip: samplesSkip }, () => {
  const raw = samples().find((s) => s.note.startsWith('metrics, StoreRates false'))!;
  const lists = parseCollectdBody(raw.body, opts);
  const swapPercent = lists.filter((l) => l.plugin === 'swap' && l.type === 'percent');
  assert.equal(swapPercent.length, 3);
  for (const l of swapPercent) assert.deepEqual(l.values, [null]);
  assert.deepEqual(new Set(lists.flatMap((l) => l.dstypes)), new Set(['gauge', 'derive', 'counter']));
});

test('raw series names are collectd identifiers, with :dsname only for multi-source types', () => {
  const [ifOctets, idle, load, mem] = parseCollectdBody(
    [
      valid(),
      valid({ values: [99], dstypes: ['gauge'], dsnames: ['value'], plugin: 'cpu', plugin_instance: '0', type: 'percent', type_instance: 'idle' }),
      valid({ values: [1, 2, 3], dstypes: ['gauge', 'gauge', 'gauge'], dsnames: ['shortterm', 'midterm', 'longterm'], plugin: 'load', plugin_instance: '', type: 'load' }),
      valid({ values: [5], dstypes: ['gauge'], dsnames: ['value'], plugin: 'memory', plugin_instance: '', type: 'memory', type_instance: 'used' }),
    ],
    opts,
  );
  assert.equal(rawMetricName(ifOctets, 0), 'interface-eth0/if_octets:rx');
  assert.equal(rawMetricName(ifOctets, 1), 'interface-eth0/if_octets:tx');
  assert.equal(rawMetricName(idle, 0), 'cpu-0/percent-idle');
  assert.equal(rawMetricName(load, 2), 'load/load:longterm');
  assert.equal(rawMetricName(mem, 0), 'memory/memory-used');
});

test('one invalid entry rejects the whole body, naming each bad index and why', () => {
  const body = [
    valid(),
    valid({ values: [1, 'x'] }),
    valid(),
    valid({ dstypes: ['derive'] }),
    valid({ values: [], dstypes: [], dsnames: [] }),
    valid({ time: 946684799 }),
    valid({ time: opts.now + 301 }),
    valid({ interval: 0 }),
    valid({ interval: 86401 }),
    valid({ host: '' }),
    valid({ host: 'a\nb' }),
    valid({ host: 'h'.repeat(256) }),
    valid({ plugin: '' }),
    valid({ type: 't'.repeat(129) }),
    valid({ type_instance: 7 }),
    valid({ dstypes: ['derive', 'histogram'] }),
    valid({ values: [1, Infinity] }),
    valid({ values: [-1], dstypes: ['counter'], dsnames: ['value'] }),
    null,
    [1],
    valid({ dsnames: ['rx', ''] }),
  ];
  // JSON cannot carry Infinity; a body built in-process can, and must still be refused.
  const entries = invalidEntriesOf(() => parseCollectdBody(body, opts));
  assert.deepEqual(
    entries.map((e) => e.index),
    [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
  );
  assert.match(entries[0].reason, /values\[1\]/);
  assert.match(entries[1].reason, /dstypes/);
  assert.match(entries[3].reason, /2000-01-01/);
  assert.match(entries[4].reason, /future/);
});

test('entries at the edges are accepted: empty instances, 64 data sources, time = now + maxFuture, null values', () => {
  const n = 64;
  const lists = parseCollectdBody(
    [
      valid({ plugin_instance: '', type_instance: '' }),
      valid({ values: Array(n).fill(null), dstypes: Array(n).fill('gauge'), dsnames: Array.from({ length: n }, (_, i) => `d${i}`) }),
      valid({ time: opts.now + 300, interval: 86400, extra: { ignored: true } }),
    ],
    opts,
  );
  assert.equal(lists.length, 3);
  const tooMany = invalidEntriesOf(() =>
    parseCollectdBody([valid({ values: Array(65).fill(1), dstypes: Array(65).fill('gauge'), dsnames: Array(65).fill('v') })], opts),
  );
  assert.match(tooMany[0].reason, /1 to 64/);
});

test('only the first 20 invalid entries are listed; the count says how many there were', () => {
  const body = Array.from({ length: 30 }, (_, i) => (i % 6 === 0 ? valid() : valid({ interval: -1 })));
  try {
    parseCollectdBody(body, opts);
    assert.fail('accepted');
  } catch (err) {
    assert.ok(err instanceof InvalidBatch);
    const ext = err.extensions as { invalidEntries: { index: number }[]; invalidCount: number };
    assert.equal(ext.invalidEntries.length, 20);
    assert.equal(ext.invalidCount, 25);
    assert.equal(ext.invalidEntries[0].index, 1);
  }
});

test('a body that is not an array is a 400; more than 100,000 value lists a 413', () => {
  assert.throws(() => parseCollectdBody({ values: [1] }, opts), BadRequest);
  assert.throws(() => parseCollectdBody('x', opts), BadRequest);
  assert.throws(() => parseCollectdBody(new Array(MAX_VALUE_LISTS + 1).fill(valid()), opts), PayloadTooLarge);
  assert.equal(parseCollectdBody([], opts).length, 0);
});
