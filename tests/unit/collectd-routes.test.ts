import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import express from 'express';
import request from 'supertest';
import { collectdRoutes } from '../../fault-mgmt/collectd/collectd.routes.ts';
import { createCollectdState } from '../../fault-mgmt/collectd/collectd-ingest.ts';
import type { EntityResolver, IngestBatch, MonitoringSink, ResolvedEntity } from '../../fault-mgmt/monitoring.types.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { problemHandler } from '../../platform/http/error.middleware.ts';
import { ServiceUnavailable } from '../../platform/http/problem-details.ts';
import { createMetrics } from '../../platform/metrics.ts';
import { testLog } from '../support/test-database.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/samples/collectd-write-http.json');
const skip = existsSync(SAMPLES) ? false : `the captured collectd bodies are not at ${SAMPLES}`;
interface Sample { note: string; path: string; body: unknown }
const sample = (prefix: string): Sample =>
  (JSON.parse(readFileSync(SAMPLES, 'utf8')) as { samples: Sample[] }).samples.find((s) => s.note.startsWith(prefix))!;

const resolver: EntityResolver = {
  resolve: (name, hint): ResolvedEntity => ({ entity: { kind: hint ?? 'host', id: name }, known: false }),
  vmsOfVnf: () => [],
};

function app(opts: { fail?: () => Error | undefined } = {}) {
  const batches: IngestBatch[] = [];
  const sink: MonitoringSink = {
    async write(batch) {
      const err = opts.fail?.();
      if (err) throw err;
      batches.push(batch);
      return { samples: batch.samples.length, events: batch.events.length, duplicate: false };
    },
  };
  const metrics = createMetrics();
  const a = express();
  a.use((req, _res, next) => {
    req.log = testLog;
    next();
  });
  a.use(express.json({ limit: '8mb' }));
  const router = express.Router();
  collectdRoutes({ sink, resolver, config: loadConfig({}).monitoring, metrics, log: testLog, state: createCollectdState(), now: () => 1795618700 })(router);
  a.use(router);
  a.use(problemHandler);
  return { app: a, batches, metrics };
}

async function metric(metrics: ReturnType<typeof createMetrics>, name: string): Promise<Record<string, number>> {
  const m = await metrics.registry.getSingleMetric(name)!.get();
  return Object.fromEntries(m.values.map((v) => [Object.values(v.labels).join(','), v.value]));
}

test('POST /collectd stores a real body in one write and answers 204; values are counted by result', { skip }, async () => {
  const t = app();
  await request(t.app).post('/collectd').send(sample('metrics, StoreRates false').body as object).expect(204);
  assert.equal(t.batches.length, 1);
  assert.ok(t.batches[0].samples.some((s) => s.metric === 'cpu_util' && s.canonical));
  assert.equal(t.batches[0].events.length, 1); // the GaugeInc per-interval count
  const values = await metric(t.metrics, 'vnfm_monitoring_collectd_values_total');
  assert.equal(values.null, 3);
  assert.equal(values.stored, t.batches[0].samples.filter((s) => !s.canonical).length);
});

test('?storeRates=true reads derives as rates; any other value is a 400', { skip }, async () => {
  const t = app();
  await request(t.app).post('/collectd?storeRates=true').send(sample('metrics, StoreRates false').body as object).expect(204);
  assert.equal(t.batches[0].samples.find((s) => s.metric === 'disk_read_bps')?.value, 1694749696);
  const r = await request(t.app).post('/collectd?storeRates=yes').send([]).expect(400);
  assert.match(r.body.detail, /storeRates/);
});

test('an invalid entry rejects the whole body: 400 problem with invalidEntries, nothing written', async () => {
  const t = app();
  const ok = { values: [1], dstypes: ['gauge'], dsnames: ['value'], time: 1795618600, interval: 2, host: 'h', plugin: 'load', plugin_instance: '', type: 'load', type_instance: '' };
  const r = await request(t.app)
    .post('/collectd')
    .send([ok, { ...ok, values: ['1'] }, ok, { ...ok, time: 'now' }])
    .expect(400)
    .expect('content-type', /application\/problem\+json/);
  assert.deepEqual(r.body.invalidEntries.map((e: { index: number }) => e.index), [1, 3]);
  assert.equal(t.batches.length, 0);
  assert.equal((await metric(t.metrics, 'vnfm_monitoring_rejected_total'))['collectd,invalid_entries'], 1);
  assert.equal((await metric(t.metrics, 'vnfm_monitoring_collectd_values_total')).rejected, 4);
  await request(t.app).post('/collectd').send({ not: 'an array' }).expect(400);
});

test('a batch the store refuses is answered with its error and its counter readings count again next time', async () => {
  let failing = true;
  const t = app({ fail: () => (failing ? new ServiceUnavailable('store busy') : undefined) });
  const tail = (time: number, v: number) => [
    { values: [v], dstypes: ['counter'], dsnames: ['value'], time, interval: 2, host: 'h', plugin: 'tail', plugin_instance: 'mme', type: 'counter', type_instance: 't3413_expired' },
  ];
  failing = false;
  await request(t.app).post('/collectd').send(tail(1795618600, 10)).expect(204);
  failing = true;
  await request(t.app).post('/collectd').send(tail(1795618602, 15)).expect(503);
  failing = false;
  await request(t.app).post('/collectd').send(tail(1795618604, 17)).expect(204);
  assert.deepEqual(t.batches.flatMap((b) => b.events.map((e) => e.count)), [7]);
});

test('POST /collectd/notify stores the real threshold notification as a collectd_notification event', { skip }, async () => {
  const t = app();
  const s = sample('notification node');
  assert.equal(s.path, '/collectd/notify');
  await request(t.app).post('/collectd/notify').send(s.body as object).expect(204);
  assert.equal(t.batches.length, 1);
  const [e] = t.batches[0].events;
  assert.equal(e.type, 'collectd_notification');
  assert.equal(e.host, 'compute-a');
  assert.equal(e.count, 1);
  assert.equal(e.ts, Date.UTC(2026, 10, 25, 14, 55, 33) / 1000 + 0.154895);
  assert.match(e.message!, /^Host compute-a, plugin load type load: Data source "shortterm" is currently 0.782227/);
  assert.deepEqual(e.attrs, {
    alertname: 'collectd_load',
    severity: 'WARNING',
    DataSource: 'shortterm',
    CurrentValue: '0.7822265625',
    WarningMin: 'nan',
    WarningMax: '0.01',
    FailureMin: 'nan',
    FailureMax: '100',
    plugin: 'load',
    type: 'load',
  });
});

test('notifications: a virt notification names a VM; invalid ones reject the body', async () => {
  const t = app();
  const n = { labels: { alertname: 'collectd_virt_domain_state', instance: 'compute-a', virt: 'instance-0001', severity: 'FAILURE', service: 'collectd' }, annotations: { summary: 'Domain state: the domain is crashed.' }, startsAt: '2026-11-25T14:55:33Z' };
  await request(t.app).post('/collectd/notify').send([n]).expect(204);
  const [e] = t.batches[0].events;
  assert.deepEqual([e.vm, e.host, e.attrs?.severity], ['instance-0001', 'compute-a', 'FAILURE']);
  const r = await request(t.app)
    .post('/collectd/notify')
    .send([n, { ...n, startsAt: 'yesterday' }, { ...n, labels: { severity: 'OKAY' } }])
    .expect(400);
  assert.deepEqual(r.body.invalidEntries.map((x: { index: number }) => x.index), [1, 2]);
  assert.equal(t.batches.length, 1);
});
