import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import type { MeasurementReader } from '../../fault-mgmt/pm/measurement.reader.ts';
import { windowGrid } from '../../fault-mgmt/pm/pm-values.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { PM_PUBLIC_URL, startPmTestApp, VNF_A, VNF_B, type PmTestApp } from '../support/pm-app.ts';

// SOL003 6.4.2-6.4.4 and Tacker vnfpm_v2 create/index/show/delete/report_get.
const V = { Version: '2.1.0' };
const PASSWORD = 'pm-p4ssw0rd';
const T0 = 1_795_618_800; // a multiple of 60 and 300

/** Values by metric: CPU mean 10 + window index, peaks 90, memory 40, score 0.25. */
const fakeMeasurements: MeasurementReader = {
  async read(_object, measurement, start, end, step) {
    const grid = windowGrid(start, end, step);
    const value = (i: number) =>
      ({ VCpuUsageMeanVnf: 10 + i, VCpuUsagePeakVnf: 90, VMemoryUsageMeanVnf: 40, VMemoryUsagePeakVnf: 45, VFailureScoreVnf: 0.25 })[measurement.name] ?? null;
    return { timestamps: grid, values: grid.map((_, i) => value(i)) };
  },
};

let t: PmTestApp;
let receiver: NotificationReceiver;

before(async () => {
  receiver = await startReceiver();
  t = await startPmTestApp({ measurements: fakeMeasurements, now: T0 + 10, env: { VNFM_PAGE_SIZE: '2' } });
  t.subscriptions.worker.start();
});
after(async () => {
  await t?.close();
  await receiver?.close();
});

const jobBody = (over: Record<string, unknown> = {}) => ({
  objectType: 'Vnf',
  objectInstanceIds: [VNF_A],
  criteria: { performanceMetric: ['VCpuUsageMeanVnf', 'VFailureScoreVnf'], collectionPeriod: 30, reportingPeriod: 60 },
  callbackUri: `${receiver.url}/nfvo/pm`,
  ...over,
});
const createJob = (body: object) => request(t.app).post('/vnfpm/v2/pm_jobs').set(V).send(body);

async function count(table: string): Promise<number> {
  const rows = await t.db.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, { type: QueryTypes.SELECT });
  return rows[0].n;
}

describe('POST /vnfpm/v2/pm_jobs', () => {
  test('201 with Location and the PmJob, after a GET to callbackUri answered 204; credentials kept, never returned', async () => {
    const seen = receiver.received.length;
    const res = await createJob(jobBody({ authentication: { authType: ['BASIC'], paramsBasic: { userName: 'nfvo', password: PASSWORD } } }));
    assert.equal(res.status, 201, res.text);
    const id = res.body.id as string;
    assert.equal(res.headers.location, `${PM_PUBLIC_URL}/vnfpm/v2/pm_jobs/${id}`);
    assert.equal(res.headers.version, '2.1.0');
    assert.deepEqual(res.body, {
      id,
      objectType: 'Vnf',
      objectInstanceIds: [VNF_A],
      criteria: { performanceMetric: ['VCpuUsageMeanVnf', 'VFailureScoreVnf'], collectionPeriod: 30, reportingPeriod: 60 },
      callbackUri: `${receiver.url}/nfvo/pm`,
      reports: [],
      _links: { self: { href: res.headers.location }, objects: [{ href: `${PM_PUBLIC_URL}/vnflcm/v2/vnf_instances/${VNF_A}` }] },
    });
    assert.ok(!res.text.includes(PASSWORD));
    const probe = receiver.received.slice(seen).find((r) => r.path === '/nfvo/pm');
    assert.equal(probe?.method, 'GET');
    assert.equal(probe?.headers.version, '2.1.0');
    assert.equal(probe?.headers.authorization, `Basic ${Buffer.from(`nfvo:${PASSWORD}`).toString('base64')}`);
    const show = await request(t.app).get(`/vnfpm/v2/pm_jobs/${id}`).set(V);
    assert.equal(show.status, 200);
    assert.deepEqual(show.body, res.body);
  });

  test('a callbackUri not answering 204 is 422 and nothing is stored', async () => {
    receiver.reply((r) => (r.path === '/refuse' ? 500 : 204));
    const before = await count('pm_jobs');
    const res = await createJob(jobBody({ callbackUri: `${receiver.url}/refuse` }));
    assert.equal(res.status, 422, res.text);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.equal(await count('pm_jobs'), before);
    receiver.reply(() => 204);
  });

  test('objects the plugin does not know are 422', async () => {
    const before = await count('pm_jobs');
    for (const body of [jobBody({ objectInstanceIds: ['no-such-vnf'] }), jobBody({ objectType: 'Vnfc', subObjectInstanceIds: ['VDU9-x'] })]) {
      const res = await createJob(body);
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.status, 422);
    }
    assert.equal(await count('pm_jobs'), before);
  });

  test('bad requests are 400 ProblemDetails and store nothing', async () => {
    const before = await count('pm_jobs');
    const criteria = { performanceMetric: ['VCpuUsageMeanVnf'], collectionPeriod: 30, reportingPeriod: 60 };
    for (const body of [
      {},
      jobBody({ objectType: 'VnfIntCp' }),
      jobBody({ objectInstanceIds: [] }),
      jobBody({ criteria: { collectionPeriod: 30, reportingPeriod: 60 } }),
      jobBody({ criteria: { ...criteria, performanceMetric: ['VDiskUsageMeanVnf'] } }),
      jobBody({ criteria: { ...criteria, collectionPeriod: '30' } }),
      jobBody({ criteria: { ...criteria, collectionPeriod: 25 } }),
      jobBody({ callbackUri: '/nfvo/notify/job' }),
      jobBody({ subObjectInstanceIds: ['VDU1-srv-a1'] }),
      jobBody({ authentication: { authType: ['BASIC'] } }),
    ]) {
      const res = await createJob(body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
      assert.equal(typeof res.body.detail, 'string');
    }
    assert.equal(await count('pm_jobs'), before);
  });
});

describe('GET /vnfpm/v2/pm_jobs', () => {
  test('lists jobs without reports by default, all_fields includes them, filters select, paging links', async () => {
    const vnfc = await createJob(jobBody({ objectType: 'Vnfc', objectInstanceIds: [VNF_B], criteria: { performanceMetricGroup: ['VirtualisedComputeResource'], collectionPeriod: 60, reportingPeriod: 60 } }));
    assert.equal(vnfc.status, 201, vnfc.text);
    assert.equal((await createJob(jobBody())).status, 201);
    const first = await request(t.app).get('/vnfpm/v2/pm_jobs').set(V);
    assert.equal(first.status, 200);
    assert.equal(first.body.length, 2, 'a page of VNFM_PAGE_SIZE');
    assert.ok(first.body.every((j: object) => !('reports' in j)));
    assert.match(first.headers.link, /^<http:\/\/vnfm\.example\.net:9890\/vnfpm\/v2\/pm_jobs\?nextpage_opaque_marker=[^>]+>; rel="next"$/);
    const next = await request(t.app).get(first.headers.link.slice(PM_PUBLIC_URL.length + 1, first.headers.link.indexOf('>'))).set(V);
    assert.equal(next.status, 200);
    assert.ok(next.body.length >= 1 && !next.body.some((j: { id: string }) => first.body.some((f: { id: string }) => f.id === j.id)));
    const all = await request(t.app).get('/vnfpm/v2/pm_jobs?all_fields').set(V);
    assert.ok(all.body.every((j: { reports?: unknown }) => Array.isArray(j.reports)));
    const filtered = await request(t.app).get('/vnfpm/v2/pm_jobs').query({ filter: '(eq,objectType,Vnfc)' }).set(V);
    assert.deepEqual(filtered.body.map((j: { id: string }) => j.id), [vnfc.body.id]);
    const none = await request(t.app).get('/vnfpm/v2/pm_jobs').query({ filter: `(eq,objectInstanceIds,${VNF_B});(eq,objectType,Vnf)` }).set(V);
    assert.deepEqual(none.body, []);
  });

  test('a bad filter or selector is 400, a missing Version header 400, an unknown query parameter 400', async () => {
    for (const [q, headers] of [['filter=(eq,objectType', V], ['all_fields&fields=criteria', V], ['', {}], ['foo=bar', V]] as const) {
      const res = await request(t.app).get(`/vnfpm/v2/pm_jobs?${q}`).set(headers);
      assert.equal(res.status, 400, `${q}: ${res.text}`);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
    }
  });
});

describe('reports', () => {
  test('the collector reports each ended period: PerformanceInformationAvailableNotification, GET report, job.reports', async () => {
    const job = (await createJob(jobBody({ callbackUri: `${receiver.url}/nfvo/reports` }))).body as { id: string };
    t.clock.now = T0 + 60 + 6; // the period [T0, T0+60) ended, and the report delay passed
    const round = await t.pm.collector.tick();
    assert.ok(round.reports >= 1, JSON.stringify(round));
    await receiver.waitFor((rs) => rs.some((r) => r.path === '/nfvo/reports' && r.method === 'POST'), 10_000, 'the notification');
    const n = receiver.received.find((r) => r.path === '/nfvo/reports' && r.method === 'POST')!;
    assert.equal(n.headers.version, '2.1.0');
    assert.equal(n.json.notificationType, 'PerformanceInformationAvailableNotification');
    assert.equal(n.json.pmJobId, job.id);
    assert.equal(n.json.objectInstanceId, VNF_A);
    assert.equal(n.json.subscriptionId, undefined, 'PM 2.x notifications belong to the job, not to a subscription');
    const href = n.json._links.performanceReport.href as string;
    assert.ok(href.startsWith(`${PM_PUBLIC_URL}/vnfpm/v2/pm_jobs/${job.id}/reports/`), href);
    const report = await request(t.app).get(href.slice(PM_PUBLIC_URL.length)).set(V);
    assert.equal(report.status, 200, report.text);
    assert.deepEqual(report.body, {
      entries: [
        {
          objectType: 'Vnf', objectInstanceId: VNF_A, performanceMetric: 'VCpuUsageMeanVnf',
          performanceValues: [
            { timeStamp: new Date((T0 + 30) * 1000).toISOString(), value: 10 },
            { timeStamp: new Date((T0 + 60) * 1000).toISOString(), value: 11 },
          ],
        },
        {
          objectType: 'Vnf', objectInstanceId: VNF_A, performanceMetric: 'VFailureScoreVnf',
          performanceValues: [
            { timeStamp: new Date((T0 + 30) * 1000).toISOString(), value: 0.25 },
            { timeStamp: new Date((T0 + 60) * 1000).toISOString(), value: 0.25 },
          ],
        },
      ],
    });
    const shown = await request(t.app).get(`/vnfpm/v2/pm_jobs/${job.id}`).set(V);
    assert.deepEqual(shown.body.reports.map((r: { href: string }) => r.href), [href]);
    const again = await t.pm.collector.tick();
    assert.equal(again.reports, 0, 'a period is reported once');
    // Readable until its expiryTime by the service's clock (PM_REPORT_RETENTION_HOURS, 24 h here), then gone.
    const expiry = Date.parse(shown.body.reports[0].expiryTime) / 1000;
    t.clock.now = expiry - 1;
    assert.equal((await request(t.app).get(href.slice(PM_PUBLIC_URL.length)).set(V)).status, 200);
    t.clock.now = expiry;
    const expired = await request(t.app).get(href.slice(PM_PUBLIC_URL.length)).set(V);
    assert.equal(expired.status, 404, expired.text);
  });

  test('an unknown report or job is 404 ProblemDetails', async () => {
    const job = (await createJob(jobBody())).body as { id: string };
    for (const path of [`/pm_jobs/${job.id}/reports/0f6c9d1e-7b1a-4c55-9a53-8d2f2c1e6a10`, '/pm_jobs/0f6c9d1e-7b1a-4c55-9a53-8d2f2c1e6a10', '/pm_jobs/not-a-uuid']) {
      const res = await request(t.app).get(`/vnfpm/v2${path}`).set(V);
      assert.equal(res.status, 404, res.text);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
    }
  });
});

describe('DELETE /vnfpm/v2/pm_jobs/{id}', () => {
  test('204, then the job, its reports and its pending notifications are gone; again: 404', async () => {
    receiver.reply((r) => (r.path === '/nfvo/down' && r.method === 'POST' ? 503 : 204));
    const job = (await createJob(jobBody({ callbackUri: `${receiver.url}/nfvo/down` }))).body as { id: string };
    t.clock.now += 60;
    await t.pm.collector.tick();
    const pending = () => t.db.sequelize.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM notification_deliveries WHERE subscription_id = $1', { bind: [job.id], type: QueryTypes.SELECT });
    assert.ok((await pending())[0].n >= 1, 'a notification waits for the receiver');
    const res = await request(t.app).delete(`/vnfpm/v2/pm_jobs/${job.id}`).set(V);
    assert.equal(res.status, 204, res.text);
    assert.equal((await pending())[0].n, 0);
    assert.equal((await request(t.app).get(`/vnfpm/v2/pm_jobs/${job.id}`).set(V)).status, 404);
    const reports = await t.db.sequelize.query('SELECT 1 FROM pm_reports WHERE pm_job_id = $1', { bind: [job.id], type: QueryTypes.SELECT });
    assert.equal(reports.length, 0);
    assert.equal((await request(t.app).delete(`/vnfpm/v2/pm_jobs/${job.id}`).set(V)).status, 404);
    receiver.reply(() => 204);
  });
});
