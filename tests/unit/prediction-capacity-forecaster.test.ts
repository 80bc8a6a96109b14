import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlignedSeries, WindowQuery, WindowReader } from '../../fault-mgmt/store/window-reader.ts';
import { createCapacityForecaster, forecastSeries } from '../../prediction/capacity/capacity-forecaster.ts';
import { generateCapacityTrace } from '../../prediction/capacity/capacity-trace.ts';
import { forecastFromReader } from '../../prediction/capacity/host-forecast.ts';
import { createLastValueForecaster, createMovingAverageForecaster, type OnlineForecaster } from '../../prediction/capacity/online-forecaster.ts';

const T0 = Date.UTC(2026, 10, 2) / 1000;
const points = (values: (number | null)[], step = 60, start = T0) => values.map((v, i) => [start + i * step, v] as const);

/** MAE at each horizon of a forecaster replayed over a series, from step `from` on. */
function replayMae(f: OnlineForecaster, series: number[], step: number, from: number): number[] {
  const hs = [1, 5, 15].map((m) => Math.round((m * 60) / step));
  const sum = [0, 0, 0];
  const n = [0, 0, 0];
  series.forEach((v, i) => {
    f.update(T0 + i * step, v);
    const p = f.point();
    if (i < from || !p) return;
    hs.forEach((h, k) => {
      if (i + h < series.length) {
        sum[k] += Math.abs(p[k] - series[i + h]);
        n[k]++;
      }
    });
  });
  return sum.map((s, k) => s / n[k]);
}

test('no history: no forecast; one value: that value at every horizon', () => {
  const none = forecastSeries([], { stepSeconds: 60 });
  assert.deepEqual(none.value, [null, null, null]);
  assert.equal(none.basis, 'none');
  const one = forecastSeries(points([42]));
  assert.deepEqual(one.value, [42, 42, 42]);
  assert.deepEqual(one.upper, [42, 42, 42]);
  assert.equal(one.basis, 'last-value');
});

test('a short history (under an hour) answers the last value, ignoring gaps', () => {
  const values = Array.from({ length: 40 }, (_, i) => (i === 39 ? null : 20 + ((i * 7) % 13)));
  const f = forecastSeries(points(values));
  const lastSeen = values[38] as number;
  assert.deepEqual(f.value, [lastSeen, lastSeen, lastSeen]);
  assert.equal(f.basis, 'last-value');
  assert.equal(f.observations, 39);
  const fiveSeconds = Array.from({ length: 360 }, (_, i) => 30 + (i % 9));
  assert.deepEqual(forecastSeries(points(fiveSeconds, 5)).value, [38, 38, 38], '30 min at 5 s is still too little');
});

test('a few hours without a full day fit a level model; a flat series forecasts itself', () => {
  const f = forecastSeries(points(new Array(300).fill(37.5)));
  assert.equal(f.basis, 'level');
  for (const v of f.value) assert.ok(Math.abs((v as number) - 37.5) < 1e-6, `${v}`);
});

test('the step is inferred from the times; 5 s series work too', () => {
  const values = Array.from({ length: 2000 }, (_, i) => 50 + 10 * Math.sin(i / 200));
  const f = forecastSeries(points(values, 5));
  assert.equal(f.basis, 'level');
  assert.deepEqual(f.horizonsSeconds, [60, 300, 900]);
  for (const v of f.value) assert.ok(v !== null && v >= 0 && v <= 100);
});

test('on a smooth daily cycle the forecaster anticipates the change that last value misses', () => {
  const trace = generateCapacityTrace({ seed: 5, hosts: 1, days: 4, noise: 0, wander: 0, burstsPerHour: 0, memLeakPerHour: 0 });
  const cpu = trace.hosts[0].cpu;
  const o = { stepSeconds: 60, horizonsSeconds: [60, 300, 900] };
  const model = replayMae(createCapacityForecaster(o), cpu, 60, 1440 * 2);
  const last = replayMae(createLastValueForecaster(o), cpu, 60, 1440 * 2);
  assert.ok(model[2] < last[2] / 3, `15 min: model ${model[2]} vs last value ${last[2]}`);
  const f = createCapacityForecaster(o);
  cpu.forEach((v, i) => f.update(T0 + i * 60, v));
  assert.equal(f.forecast().basis, 'seasonal');
});

test('after a full day the daily profile lowers the 15 min CPU error on the bursty trace', () => {
  const trace = generateCapacityTrace({ seed: 1, hosts: 3, days: 4 });
  const o = { stepSeconds: 60, horizonsSeconds: [60, 300, 900] };
  const total = (dailyProfile: boolean) =>
    trace.hosts.reduce((sum, h) => sum + replayMae(createCapacityForecaster({ ...o, dailyProfile }), h.cpu, 60, 1440)[2], 0);
  const withProfile = total(true);
  const without = total(false);
  assert.ok(withProfile < without, `with ${withProfile} vs without ${without}`);
});

test('on the daily + bursty trace the forecaster beats last value at 5 and 15 min, for several seeds', () => {
  const o = { stepSeconds: 60, horizonsSeconds: [60, 300, 900] };
  for (const seed of [1, 2, 3, 4]) {
    const trace = generateCapacityTrace({ seed, hosts: 3, days: 4 });
    for (const metric of ['cpu', 'mem'] as const) {
      // Mean over the hosts of each one's MAE (all hosts have the same number of steps).
      const mean = (make: () => OnlineForecaster) =>
        trace.hosts.map((h) => replayMae(make(), h[metric], 60, 1440)).reduce((a, m) => a.map((v, k) => v + m[k] / trace.hosts.length), [0, 0, 0]);
      const model = mean(() => createCapacityForecaster(o));
      const last = mean(() => createLastValueForecaster(o));
      assert.ok(model[1] < last[1], `seed ${seed} ${metric} 5 min: ${model[1]} vs ${last[1]}`);
      assert.ok(model[2] < last[2], `seed ${seed} ${metric} 15 min: ${model[2]} vs ${last[2]}`);
    }
  }
});

test('the upper bound lies at or above the point forecast once errors are known', () => {
  const trace = generateCapacityTrace({ seed: 9, hosts: 1, days: 2 });
  const f = forecastSeries(points(trace.hosts[0].cpu));
  f.value.forEach((v, k) => assert.ok((f.upper[k] as number) >= (v as number)));
  assert.ok(f.upper.some((u, k) => (u as number) > (f.value[k] as number)));
});

test('baselines: last value and the moving average of the last 10 minutes', () => {
  const o = { stepSeconds: 60, horizonsSeconds: [60, 300, 900] };
  const lv = createLastValueForecaster(o);
  const ma = createMovingAverageForecaster({ ...o, windowSeconds: 180 });
  assert.equal(lv.point(), null);
  [10, 20, 30, 40].forEach((v, i) => {
    lv.update(T0 + i * 60, v);
    ma.update(T0 + i * 60, v);
  });
  lv.update(T0 + 240, null);
  assert.deepEqual(lv.point(), [40, 40, 40]);
  assert.deepEqual(ma.point(), [30, 30, 30]);
});

test('forecastFromReader reads cpu_util and mem_util of the host (minute means) and forecasts both', async () => {
  const queries: WindowQuery[] = [];
  const reader = {
    async read(q: WindowQuery): Promise<AlignedSeries> {
      queries.push(q);
      const timestamps: number[] = [];
      for (let t = q.start; t < q.end; t += q.step) timestamps.push(t);
      const values = timestamps.map(() => (q.metric === 'cpu_util' ? 25 : null));
      return { entity: q.entity, metric: q.metric, start: q.start, step: q.step, timestamps, values, quality: values.map((v) => (v === null ? 'gap' : 'observed')) };
    },
  } satisfies WindowReader;
  const now = T0 + 3 * 86_400 + 30;
  const f = await forecastFromReader(reader, 'compute-07', now);
  assert.deepEqual(queries.map((q) => q.metric).sort(), ['cpu_util', 'mem_util']);
  for (const q of queries) {
    assert.deepEqual(q.entity, { kind: 'host', id: 'compute-07' });
    assert.equal(q.step, 60);
    assert.equal(q.agg, 'mean');
    assert.equal(q.end, T0 + 3 * 86_400);
    assert.equal(q.start, q.end - 2 * 86_400);
  }
  assert.equal(f.host, 'compute-07');
  assert.equal(f.at, now);
  assert.ok(f.cpu && Math.abs(f.cpu.h15 - 25) < 1e-6);
  assert.equal(f.mem, null);
  assert.equal(f.basis.mem, 'none');
});
