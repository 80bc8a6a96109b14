import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateCapacity, evaluateCapacityTrace } from '../../prediction/capacity/capacity-evaluation.ts';
import { formatCapacityReport } from '../../prediction/capacity/capacity-report.ts';
import { parseCapacityTraceCsv } from '../../prediction/capacity/capacity-file.parser.ts';
import { CAPACITY_TRACE_DEFAULTS, dailyShape, generateCapacityTrace } from '../../prediction/capacity/capacity-trace.ts';

test('the generator is deterministic: same seed same trace, another seed another trace', () => {
  const a = generateCapacityTrace({ seed: 7, hosts: 3, days: 1 });
  assert.deepEqual(generateCapacityTrace({ seed: 7, hosts: 3, days: 1 }), a);
  assert.notDeepEqual(generateCapacityTrace({ seed: 8, hosts: 3, days: 1 }).hosts[0].cpu, a.hosts[0].cpu);
  assert.deepEqual(a.hosts.map((h) => h.name), ['compute-01', 'compute-02', 'compute-03']);
  for (const h of a.hosts) {
    assert.equal(h.cpu.length, 1440);
    assert.equal(h.mem.length, 1440);
    for (const v of [...h.cpu, ...h.mem]) assert.ok(v >= 0 && v <= 100);
  }
  assert.equal(a.params?.burstsPerHour, CAPACITY_TRACE_DEFAULTS.burstsPerHour);
});

test('the trace has a daily cycle: afternoons are busier than nights on every host', () => {
  const trace = generateCapacityTrace({ seed: 3, hosts: 4, days: 3 });
  const hourMean = (series: number[], hour: number) => {
    const vals = series.filter((_, i) => Math.floor((i % 1440) / 60) === hour);
    return vals.reduce((a, b) => a + b, 0) / vals.length;
  };
  for (const h of trace.hosts) assert.ok(hourMean(h.cpu, 14) > hourMean(h.cpu, 2) + 10, h.name);
  assert.equal(dailyShape(0), 1);
  assert.ok(Math.abs(dailyShape(43_200)) < 1e-12);
});

test('bursts lift CPU above the smooth daily load (noise and wander off to see them alone)', () => {
  const calm = { seed: 4, hosts: 1, days: 2, noise: 0, wander: 0 };
  const smooth = generateCapacityTrace({ ...calm, burstsPerHour: 0 }).hosts[0].cpu;
  const bursty = generateCapacityTrace(calm).hosts[0].cpu;
  const lift = bursty.map((v, i) => v - smooth[i]);
  assert.ok(lift.every((d) => d >= -1e-9));
  assert.ok(lift.filter((d) => d > 10).length > 60, 'at least an hour of bursts over 2 days');
});

test('evaluateCapacity: forecaster MAE below last value at 5 and 15 min for several seeds; best-host rates in [0, 1]', () => {
  for (const seed of [1, 2, 3]) {
    const r = evaluateCapacity({ seed, hosts: 4, days: 4 });
    assert.equal(r.source.kind, 'generated');
    assert.deepEqual(r.methods.map((m) => m.method), ['forecaster', 'last-value', 'moving-average']);
    assert.ok(r.beatsLastValue.h5 && r.beatsLastValue.h15, `seed ${seed}: ${JSON.stringify(r.methods.map((m) => m.mae))}`);
    for (const m of r.methods) {
      for (const k of ['h1', 'h5', 'h15'] as const) {
        const rate = m.bestHostRate[k] as number;
        assert.ok(rate > 1 / 4 && rate <= 1, `${m.method} ${k} ${rate}`);
        assert.ok((m.meanRegret[k] as number) >= 0);
      }
    }
    assert.equal(r.warmupSteps, 1440);
    assert.equal(r.origins, 4 * 1440 - 1440 - 15);
  }
});

test('best-host rate is 1 when one host is always far emptier', () => {
  const trace = generateCapacityTrace({ seed: 2, hosts: 2, days: 2 });
  trace.hosts[1].cpu = trace.hosts[1].cpu.map(() => 1);
  trace.hosts[1].mem = trace.hosts[1].mem.map(() => 1);
  const r = evaluateCapacityTrace(trace);
  for (const m of r.methods) assert.deepEqual(m.bestHostRate, { h1: 1, h5: 1, h15: 1 });
});

test('a JSON trace file gives the same report as the generated trace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capacity-'));
  try {
    const file = join(dir, 'trace.json');
    await writeFile(file, JSON.stringify(generateCapacityTrace({ seed: 6, hosts: 2, days: 2 })));
    const fromFile = evaluateCapacity({ data: file });
    const generated = evaluateCapacity({ seed: 6, hosts: 2, days: 2 });
    assert.deepEqual(fromFile.source, { kind: 'file', path: file });
    assert.deepEqual(fromFile.methods, generated.methods);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('CSV traces: rows per host and step, gaps kept, bad lines named', () => {
  const t = parseCapacityTraceCsv('time,host,cpu,mem\n0,a,10,20\n0,b,30,40\n60,a,11,21\n120,a,12,22\n120,b,31,41\n');
  assert.equal(t.stepSeconds, 60);
  assert.deepEqual(t.hosts.map((h) => h.name), ['a', 'b']);
  assert.deepEqual(t.hosts[1].cpu, [30, NaN, 31]);
  assert.throws(() => parseCapacityTraceCsv('time,host,cpu,mem\n0,a,10,20\n60,a,x,20\n', 'f.csv'), /f\.csv line 3: cpu is not a number/);
  assert.throws(() => parseCapacityTraceCsv('when,host,cpu,mem\n'), /line 1: expected the header/);
});

test('formatCapacityReport prints one row per method and the verdict', () => {
  const text = formatCapacityReport(evaluateCapacity({ seed: 1, hosts: 2, days: 2 }));
  const lines = text.split('\n');
  for (const m of ['forecaster', 'last-value', 'moving-average']) assert.ok(lines.some((l) => l.startsWith(m)), m);
  assert.match(text, /generated trace, seed 1; 2 hosts, 2\.0 days at 60 s/);
  assert.match(text, /Forecaster MAE below last value \(cpu and mem\): 1 min (yes|no), 5 min (yes|no), 15 min (yes|no)/);
});
