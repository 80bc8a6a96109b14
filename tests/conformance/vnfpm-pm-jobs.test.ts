import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { MeasurementReader } from '../../fault-mgmt/pm/measurement.reader.ts';
import { windowGrid } from '../../fault-mgmt/pm/pm-values.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { PM_PUBLIC_URL, startPmTestApp, VNF_A, type PmTestApp } from '../support/pm-app.ts';
import { assertEtsiValid, corrected, ETSI_CORRECTIONS, etsiSkip, INDICATOR_BUNDLE, notificationSchema, PERF_BUNDLE, responseSchema } from '../support/pm-etsi.ts';

// NFV-TST010 7.3.4 (SOL003 VNF Performance Management API, v2.1.0): PM jobs, individual
// PM job, individual performance report, and the PM job's notifications; every 2xx body and
// notification validated against the official ETSI definitions.
if (etsiSkip) console.log(`# skipped: ${etsiSkip}`);

const V = { Version: '2.1.0' };
const T0 = 1_795_618_800;
const measurements: MeasurementReader = {
  async read(_object, _m, start, end, step) {
    const grid = windowGrid(start, end, step);
    return { timestamps: grid, values: grid.map((_, i) => 12.5 + i) };
  },
};

describe('NFV-TST010 7.3.4 VNF PM API: PM jobs and reports', { skip: etsiSkip }, () => {
  let t: PmTestApp;
  let receiver: NotificationReceiver;
  let jobId = '';
  const schema = (p: string, m: string, s: string) => responseSchema(PERF_BUNDLE, p, m, s);
  const newJob = (over: Record<string, unknown> = {}) =>
    request(t.app).post('/vnfpm/v2/pm_jobs').set(V).send({
      objectType: 'Vnfc',
      objectInstanceIds: [VNF_A],
      subObjectInstanceIds: ['VDU1-srv-a1'],
      criteria: { performanceMetricGroup: ['VirtualisedComputeResource'], performanceMetric: ['VFailureScoreVnf'], collectionPeriod: 30, reportingPeriod: 60 },
      callbackUri: `${receiver.url}/nfvo/pm`,
      ...over,
    });

  before(async () => {
    receiver = await startReceiver();
    t = await startPmTestApp({ measurements, now: T0 + 1, env: { VNFM_PAGE_SIZE: '2' } });
    t.subscriptions.worker.start();
  });
  after(async () => {
    await t?.close();
    await receiver?.close();
  });

  test('7.3.4.1.9 POST Create a new VNF Performance Monitoring Job', async () => {
    const res = await newJob();
    assert.equal(res.status, 201, res.text);
    assert.ok(res.headers.location);
    assertEtsiValid(schema('/pm_jobs', 'post', '201'), res.body, 'PmJob');
    jobId = res.body.id;
  });

  test('7.3.4.1.1 GET all VNF Performance Monitoring Jobs (no reports by default)', async () => {
    const res = await request(t.app).get('/vnfpm/v2/pm_jobs').set(V);
    assert.equal(res.status, 200);
    assertEtsiValid(schema('/pm_jobs', 'get', '200'), res.body, 'PmJobs');
    assert.ok(res.body.length > 0 && res.body.every((j: object) => !('reports' in j)));
  });

  test('7.3.4.1.2 GET VNF Performance Monitoring Jobs with attribute-based filter', async () => {
    await newJob({ objectType: 'Vnf', subObjectInstanceIds: undefined });
    const res = await request(t.app).get('/vnfpm/v2/pm_jobs').query({ filter: '(eq,objectType,Vnf)' }).set(V);
    assert.equal(res.status, 200);
    assertEtsiValid(schema('/pm_jobs', 'get', '200'), res.body, 'PmJobs');
    assert.ok(res.body.length === 1 && res.body[0].objectType === 'Vnf');
  });

  test('7.3.4.1.3-6 GET VNF Performance Monitoring Jobs with all_fields, exclude_default, fields, exclude_fields', async () => {
    for (const q of ['all_fields', 'exclude_default', 'fields=reports', 'exclude_fields=subObjectInstanceIds']) {
      const res = await request(t.app).get(`/vnfpm/v2/pm_jobs?${q}`).set(V);
      assert.equal(res.status, 200, `${q}: ${res.text}`);
      assertEtsiValid(schema('/pm_jobs', 'get', '200'), res.body, `PmJobs ?${q}`);
      for (const job of res.body as Record<string, unknown>[]) {
        assert.equal('reports' in job, q !== 'exclude_default', q);
        assert.ok('criteria' in job && 'objectInstanceIds' in job, `${q}: mandatory attributes stay`);
        if (q === 'exclude_fields=subObjectInstanceIds') assert.ok(!('subObjectInstanceIds' in job), q);
      }
    }
  });

  test('7.3.4.1.7 GET VNF Performance Monitoring Jobs with invalid attribute-based filter', async () => {
    const res = await request(t.app).get('/vnfpm/v2/pm_jobs?filter=(foo,objectType,Vnf)').set(V);
    assert.equal(res.status, 400);
    assertEtsiValid(responseSchema(INDICATOR_BUNDLE, '/indicators', 'get', '400'), res.body, 'ProblemDetails');
  });

  test('7.3.4.1.8 GET VNF Performance Monitoring Jobs with invalid resource endpoint', async () => {
    assert.equal((await request(t.app).get('/vnfpm/v2/pm_job').set(V)).status, 404);
  });

  test('7.3.4.1.10-12 PUT, PATCH, DELETE all VNF Performance Monitoring Jobs - Method not implemented', async () => {
    for (const method of ['put', 'patch', 'delete'] as const) {
      const res = await request(t.app)[method]('/vnfpm/v2/pm_jobs').set(V);
      assert.equal(res.status, 405, method);
    }
  });

  test('7.3.4.1.13 GET all VNF Performance Monitoring Jobs as Paged Response', async () => {
    await newJob();
    const res = await request(t.app).get('/vnfpm/v2/pm_jobs').set(V);
    assert.equal(res.status, 200);
    assert.match(res.headers.link, /rel="next"/);
    assertEtsiValid(schema('/pm_jobs', 'get', '200'), res.body, 'PmJobs (page)');
  });

  test('7.3.4.2.1 GET individual VNF Performance Job', async () => {
    const res = await request(t.app).get(`/vnfpm/v2/pm_jobs/${jobId}`).set(V);
    assert.equal(res.status, 200);
    assertEtsiValid(schema('/pm_jobs/{pmJobId}', 'get', '200'), res.body, 'PmJob');
  });

  test('7.3.4.2.2 GET individual VNF Performance Job with invalid resource identifier', async () => {
    const res = await request(t.app).get('/vnfpm/v2/pm_jobs/0f6c9d1e-7b1a-4c55-9a53-8d2f2c1e6a10').set(V);
    assert.equal(res.status, 404);
    assertEtsiValid(responseSchema(INDICATOR_BUNDLE, '/indicators', 'get', '400'), res.body, 'ProblemDetails');
  });

  test('7.3.4.6.1 VNF Performance Information Available Notification, 7.3.4.3.1 GET Individual Performance Report', async () => {
    t.clock.now = T0 + 60 + 6;
    await t.pm.collector.tick();
    await receiver.waitFor((rs) => rs.some((r) => r.method === 'POST' && r.json?.pmJobId === jobId), 10_000, 'the notification');
    const n = receiver.received.find((r) => r.method === 'POST' && r.json?.pmJobId === jobId)!;
    assertEtsiValid(notificationSchema('PerformanceInformationAvailableNotification'), n.json, 'PerformanceInformationAvailableNotification');
    const report = await request(t.app).get(n.json._links.performanceReport.href.slice(PM_PUBLIC_URL.length)).set(V);
    assert.equal(report.status, 200);
    assertEtsiValid(schema('/pm_jobs/{pmJobId}/reports/{reportId}', 'get', '200'), report.body, 'PerformanceReport');
    assert.equal(report.body.entries.length, 5, 'four compute metrics and the failure score of the VNFC');
    const job = await request(t.app).get(`/vnfpm/v2/pm_jobs/${jobId}`).set(V);
    assertEtsiValid(schema('/pm_jobs/{pmJobId}', 'get', '200'), job.body, 'PmJob with reports');
  });

  test('7.3.4.3.2 GET Individual Performance Report with invalid resource identifier', async () => {
    const res = await request(t.app).get(`/vnfpm/v2/pm_jobs/${jobId}/reports/0f6c9d1e-7b1a-4c55-9a53-8d2f2c1e6a10`).set(V);
    assert.equal(res.status, 404);
  });

  test('7.3.4.2.7 PATCH Individual VNF Performance Job', async () => {
    const callbackUri = `${receiver.url}/nfvo/pm-moved`;
    const res = await request(t.app).patch(`/vnfpm/v2/pm_jobs/${jobId}`).set(V).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ callbackUri }));
    assert.equal(res.status, 200, res.text);
    assertEtsiValid(schema('/pm_jobs/{pmJobId}', 'patch', '200'), res.body, 'PmJobModifications');
    assert.equal(res.body.callbackUri, callbackUri);
    assert.ok(receiver.received.some((r) => r.method === 'GET' && r.path === '/nfvo/pm-moved'), 'the new endpoint was tested');
    const job = await request(t.app).get(`/vnfpm/v2/pm_jobs/${jobId}`).set(V);
    assertEtsiValid(schema('/pm_jobs/{pmJobId}', 'get', '200'), job.body, 'PmJob');
    assert.equal(job.body.callbackUri, callbackUri);
  });

  test('7.3.4.2.9 PATCH Individual VNF Performance Job - Unprocessable Entity (the notification endpoint test fails)', async () => {
    receiver.reply((r) => (r.path === '/nfvo/pm-refuses' ? 404 : 204));
    try {
      const res = await request(t.app).patch(`/vnfpm/v2/pm_jobs/${jobId}`).set(V).set('Content-Type', 'application/merge-patch+json')
        .send(JSON.stringify({ callbackUri: `${receiver.url}/nfvo/pm-refuses` }));
      assert.equal(res.status, 422, res.text);
      assertEtsiValid(schema('/pm_jobs/{pmJobId}', 'patch', '422'), res.body, 'ProblemDetails');
      const job = await request(t.app).get(`/vnfpm/v2/pm_jobs/${jobId}`).set(V);
      assert.equal(job.body.callbackUri, `${receiver.url}/nfvo/pm-moved`, 'the job is not modified');
    } finally {
      receiver.reply(() => 204);
    }
  });

  test('7.3.4.2.3 DELETE Individual VNF Performance Job', async () => {
    assert.equal((await request(t.app).delete(`/vnfpm/v2/pm_jobs/${jobId}`).set(V)).status, 204);
    assert.equal((await request(t.app).get(`/vnfpm/v2/pm_jobs/${jobId}`).set(V)).status, 404);
  });
});

describe('the ETSI definitions as used here', { skip: etsiSkip }, () => {
  test('every correction is needed by some definition (none hides a difference that is not there)', () => {
    const used = new Set([
      ...corrected(responseSchema(PERF_BUNDLE, '/pm_jobs/{pmJobId}/reports/{reportId}', 'get', '200')).applied,
      ...corrected(responseSchema(PERF_BUNDLE, '/pm_jobs/{pmJobId}', 'get', '200')).applied,
      ...corrected(responseSchema(INDICATOR_BUNDLE, '/subscriptions', 'get', '200')).applied,
      ...corrected(notificationSchema('ThresholdCrossedNotification')).applied,
    ]);
    assert.deepEqual([...used].sort(), ETSI_CORRECTIONS.map((c) => c.name).sort());
  });

  test('a body that breaks the definition is rejected (the validation can fail)', () => {
    const report = responseSchema(PERF_BUNDLE, '/pm_jobs/{pmJobId}/reports/{reportId}', 'get', '200');
    assert.throws(() => assertEtsiValid(report, { entries: [{ objectType: 'Vnf', objectInstanceId: 'x', performanceMetric: 'm' }] }, 'report'), /performanceValues/);
    assert.throws(() => assertEtsiValid(notificationSchema('ThresholdCrossedNotification'), { notificationType: 'ThresholdCrossedNotification' }, 'n'), /required/);
  });
});
