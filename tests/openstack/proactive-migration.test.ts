/**
 * The whole loop on the real OpenStack test bed: `vnfm-plugin serve` (VIM_KIND=openstack,
 * DECISION_MODE=auto) creates and instantiates the srsepc-aio sample through vnflcm (its server
 * boots on a fake compute host), a failure trace for that host is fed through POST /collectd
 * and POST /logs, and before the trace's failure onset: the decision engine's HEAL operation
 * (isAutomaticInvocation, the prediction and the destination in its parameters), the Nova live
 * migration to the other host (asked of Nova directly), COMPLETED, and the
 * VnfLcmOperationOccurrenceNotifications STARTING, PROCESSING and COMPLETED at a subscriber.
 * Starts and stops the test bed itself (a running one is used and left running).
 *
 * The trace: the shipped synthetic generator (seed 1), its first failure after a 500 s stress
 * phase, rows 5 s apart. The rows before the stress phase are backfilled at once with
 * timestamps ending now; the stress rows then follow in real time, one per 5 s window, until
 * the HEAL operation appears. The failure onset is the onset row mapped to wall time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateSyntheticTrace } from '../../prediction/synthetic/trace-generator.ts';
import type { TraceRow } from '../../prediction/dataset/trace.ts';
import { T3413_LINE } from '../support/monitoring-bodies.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { startTestbed, testbedSkipReason, type Testbed, type TestbedInfo } from '../support/testbed-openstack.ts';

const VNFD_ID = 'eea26f08-8835-4d85-903b-0bf62837c513'; // vnfd-samples/srsepc-aio
const STEP = 5;
const V = { Version: '2.0.0', 'Content-Type': 'application/json', Accept: 'application/json' };

let tb: Testbed | undefined;
let service: ServiceProcess | undefined;
let receiver: NotificationReceiver | undefined;
let work: string | undefined;
let nova: NovaDirect | undefined;
let instanceId: string | undefined;
let subscriptionId: string | undefined;
const timings: Record<string, number> = {};

/** Nova asked directly with the test bed's admin account (not through our driver). */
interface NovaDirect {
  server(id: string): Promise<{ status: string; host: string | null } | undefined>;
  liveMigrations(id: string): Promise<{ status: string; source_compute: string; dest_compute: string }[]>;
  deleteServersOf(vnfInstanceId: string): Promise<void>;
}

async function novaDirect(info: TestbedInfo): Promise<NovaDirect> {
  const a = info.admin;
  const res = await fetch(`${info.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: a.username, domain: { name: a.userDomainName }, password: a.password } } },
        scope: { project: { name: a.projectName, domain: { name: a.projectDomainName } } },
      },
    }),
  });
  assert.equal(res.status, 201, `Keystone token: ${res.status}`);
  const token = res.headers.get('x-subject-token')!;
  const { token: body } = (await res.json()) as { token: { catalog: { type: string; endpoints: { interface: string; region: string; url: string }[] }[] } };
  const endpoint = body.catalog
    .find((s) => s.type === 'compute')
    ?.endpoints.find((e) => e.interface === 'public' && (!info.region || e.region === info.region))?.url;
  assert.ok(endpoint, 'compute endpoint in the catalog');
  const get = async (p: string) => {
    const r = await fetch(`${endpoint}${p}`, { headers: { 'X-Auth-Token': token, 'OpenStack-API-Version': `compute ${info.computeMicroversion}` } });
    return r.status === 404 ? undefined : ((await r.json()) as any);
  };
  return {
    async server(id) {
      const s = (await get(`/servers/${id}`))?.server;
      return s && { status: s.status, host: s['OS-EXT-SRV-ATTR:host'] ?? null };
    },
    async liveMigrations(id) {
      return (await get(`/os-migrations?instance_uuid=${id}&migration_type=live-migration`))?.migrations ?? [];
    },
    async deleteServersOf(vnfInstanceId) {
      const servers = ((await get('/servers/detail?all_tenants=1'))?.servers ?? []) as { id: string; metadata?: Record<string, string> }[];
      for (const s of servers.filter((x) => x.metadata?.vnfInstanceId === vnfInstanceId)) {
        await fetch(`${endpoint}/servers/${s.id}`, { method: 'DELETE', headers: { 'X-Auth-Token': token } });
      }
    },
  };
}

async function api(method: string, p: string, body?: unknown): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(`${service!.url}${p}`, { method, headers: V, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

async function post(p: string, body: unknown, expected: number): Promise<void> {
  const res = await fetch(`${service!.url}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  assert.equal(res.status, expected, `POST ${p}: ${res.status} ${text}`);
}

async function task(name: string, body: unknown): Promise<string> {
  const res = await api('POST', `/vnflcm/v2/vnf_instances/${instanceId}/${name}`, body);
  assert.equal(res.status, 202, `${name}: ${JSON.stringify(res.json)}`);
  return /vnf_lcm_op_occs\/([0-9a-f-]{36})$/.exec(res.headers.get('location') ?? '')![1];
}

async function waitForOp(opId: string, states: string[], deadlineMs: number): Promise<any> {
  let last: any;
  while (Date.now() < deadlineMs) {
    last = (await api('GET', `/vnflcm/v2/vnf_lcm_op_occs/${opId}`)).json;
    if (states.includes(last?.operationState)) return last;
    await sleep(250);
  }
  assert.fail(`op ${opId} did not reach ${states.join('|')} in time; it is ${last?.operationState}: ${JSON.stringify(last?.error)}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (s: number) => new Date(s * 1000).toISOString();

/** collectd write_http value lists of one read cycle of `host`. */
function collectd(host: string, time: number, row: Pick<TraceRow, 'cpu' | 'mem' | 'swap'>) {
  const g = (plugin: string, pi: string, type: string, ti: string, value: number) => ({
    values: [value], dstypes: ['gauge'], dsnames: ['value'], time, interval: STEP, host, plugin, plugin_instance: pi, type, type_instance: ti,
  });
  return [
    g('cpu', '0', 'percent', 'user', row.cpu),
    g('cpu', '0', 'percent', 'idle', 100 - row.cpu),
    g('memory', '', 'percent', 'used', row.mem),
    g('swap', '', 'percent', 'used', row.swap),
  ];
}

describe('proactive live migration on the OpenStack test bed', { skip: testbedSkipReason() }, () => {
  before(async () => {
    let t0 = performance.now();
    tb = await startTestbed();
    timings.testbed = Math.round(performance.now() - t0) / 1000;
    nova = await novaDirect(tb.info);
    receiver = await startReceiver();
    work = mkdtempSync(path.join(tmpdir(), 'vnfm-proactive-'));
    const info = tb.info;
    t0 = performance.now();
    service = await startServiceProcess({
      VNFM_DATA_DIR: path.join(work, 'data'),
      VNFM_VALIDATE_RESPONSES: 'true',
      VIM_KIND: 'openstack',
      VIM_AUTH_URL: info.authUrl,
      VIM_USERNAME: info.admin.username,
      VIM_PASSWORD: info.admin.password,
      VIM_PROJECT_NAME: info.admin.projectName,
      VIM_USER_DOMAIN_NAME: info.admin.userDomainName,
      VIM_PROJECT_DOMAIN_NAME: info.admin.projectDomainName,
      VIM_REGION_NAME: info.region,
      VIM_COMPUTE_MICROVERSION: info.computeMicroversion,
      VIM_POLL_INTERVAL_MS: '500',
      LCM_POLL_MS: '500',
      DECISION_MODE: 'auto',
      PREDICTION_TICK_SECONDS: '1',
      VNFM_NOTIFY_BACKOFF_MS: '200',
    });
    timings.serviceStart = Math.round(performance.now() - t0) / 1000;
  }, { timeout: 25 * 60_000 });

  after(async () => {
    try {
      if (service && instanceId) {
        const inst = (await api('GET', `/vnflcm/v2/vnf_instances/${instanceId}`)).json;
        if (inst?.instantiationState === 'INSTANTIATED') {
          const res = await api('POST', `/vnflcm/v2/vnf_instances/${instanceId}/terminate`, { terminationType: 'FORCEFUL' });
          const op = /vnf_lcm_op_occs\/([0-9a-f-]{36})$/.exec(res.headers.get('location') ?? '')?.[1];
          if (op) await waitForOp(op, ['COMPLETED', 'FAILED_TEMP'], Date.now() + 120_000).catch(() => undefined);
        }
        await api('DELETE', `/vnflcm/v2/vnf_instances/${instanceId}`).catch(() => undefined);
      }
      if (service && subscriptionId) await api('DELETE', `/vnflcm/v2/subscriptions/${subscriptionId}`).catch(() => undefined);
      // Whatever the API could not remove.
      if (nova && instanceId) await nova.deleteServersOf(instanceId).catch(() => undefined);
    } finally {
      await service?.stop();
      await receiver?.close();
      if (work) rmSync(work, { recursive: true, force: true });
      await tb?.stop();
      console.log(`# proactive migration timings (s): ${JSON.stringify({ ...tb?.timings, ...timings })}`);
    }
  }, { timeout: 5 * 60_000 });

  test('a predicted failure of the VNF\'s host live-migrates it to the other host before the onset', { timeout: 15 * 60_000 }, async (t) => {
    const started = performance.now();
    const mark = (what: string) => {
      timings[what] = Math.round(performance.now() - started) / 1000;
      t.diagnostic(`${what}: ${timings[what]} s`);
    };
    try {
      // A subscriber for every LCM operation occurrence notification.
      const sub = await api('POST', '/vnflcm/v2/subscriptions', {
        filter: { notificationTypes: ['VnfLcmOperationOccurrenceNotification'] },
        callbackUri: `${receiver!.url}/notify`,
      });
      assert.equal(sub.status, 201, JSON.stringify(sub.json));
      subscriptionId = sub.json.id;

      // Create and instantiate the srsEPC all-in-one VNF (flavour simple: image tiny, m1.tiny).
      const created = await api('POST', '/vnflcm/v2/vnf_instances', { vnfdId: VNFD_ID, vnfInstanceName: 'proactive-epc' });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      instanceId = created.json.id as string;
      const inst = await task('instantiate', { flavourId: 'simple', vnfConfigurableProperties: { isAutohealEnabled: true } });
      const instOp = await waitForOp(inst, ['COMPLETED', 'FAILED_TEMP', 'ROLLED_BACK'], Date.now() + 180_000);
      assert.equal(instOp.operationState, 'COMPLETED', JSON.stringify(instOp.error));
      mark('instantiated');
      const vnf = (await api('GET', `/vnflcm/v2/vnf_instances/${instanceId}`)).json;
      const vnfcs = vnf.instantiatedVnfInfo.vnfcResourceInfo as any[];
      assert.equal(vnfcs.length, 1, JSON.stringify(vnfcs));
      const serverId = vnfcs[0].computeResource.resourceId as string;
      const source = (await nova!.server(serverId))?.host;
      assert.ok(source && tb!.info.hosts.includes(source), `server ${serverId} on a test-bed host, not ${source}`);
      assert.equal(vnfcs[0].metadata?.host, source);
      const dest = tb!.info.hosts.find((h) => h !== source)!;
      t.diagnostic(`server ${serverId} booted on ${source}`);

      // The trace: a failure after a 500 s stress phase, rows 5 s apart.
      const { trace, cycles } = generateSyntheticTrace({ seed: 1, cycles: 40 });
      const cycle = cycles.find((c) => c.outcome === 'failure' && c.scenarioSeconds === 500);
      assert.ok(cycle?.failureStart !== undefined, 'the generator gives a failure after a 500 s stress phase');
      const rows = trace.rows;
      const first = cycle.stressStart;
      const onsetRow = cycle.failureStart;
      // Row `first` goes into the first whole window after now; row i sits 1 s into its window.
      const base = (Math.floor(Date.now() / 1000 / STEP) + 2) * STEP;
      const at = (i: number) => base + (i - first) * STEP;
      const onset = at(onsetRow);
      const calm = { cpu: 6, mem: 22, swap: 0 };
      const feed = async (from: number, to: number) => {
        const lines = [];
        for (let i = from; i < to; i++) {
          const ts = at(i) + 1;
          // One body per read cycle, as collectd flushes them: the canonical cpu/mem/swap of a
          // host are computed once per body, from its newest cycle.
          await post('/collectd', [...collectd(source, ts, rows[i]), ...collectd(dest, ts, calm)], 204);
          for (let k = 0; k < rows[i].paging; k++) lines.push({ time: ts + 0.1 * (k + 1), message: `2021-06-05T00:01:23.595575 [NAS    ] [I] ${T3413_LINE}` });
        }
        if (lines.length) await post('/logs', { source: 'srsepc', vm: serverId, lines }, 200);
      };
      // The history before the stress phase (the previous cycles), backfilled at once.
      await feed(0, first);
      mark('history backfilled');
      t.diagnostic(`failure onset at ${iso(onset)} (row ${onsetRow}; stress from row ${first} at ${iso(at(first))})`);

      // Then the stress phase in real time, until the decision engine's HEAL appears.
      let heal: any;
      for (let i = first; i < onsetRow && !heal; i++) {
        while (Date.now() / 1000 < at(i) + 1) await sleep(100);
        await feed(i, i + 1);
        // Look for the HEAL during the rest of this window.
        do {
          const ops = (await api('GET', `/vnflcm/v2/vnf_lcm_op_occs?filter=(eq,operation,HEAL)`)).json as any[];
          heal = ops.find((o) => o.vnfInstanceId === instanceId);
          if (!heal) await sleep(250);
        } while (!heal && Date.now() / 1000 < at(i + 1) + 1);
      }
      if (!heal) {
        const decisions = (await api('GET', '/decisions/v1/decisions?all_fields')).json;
        const metrics = (await (await fetch(`${service!.url}/metrics`)).text()).split('\n').filter((l) => /^vnfm_(prediction|decision)/.test(l));
        assert.fail(`no HEAL before the onset; decisions: ${JSON.stringify(decisions)}\n${metrics.join('\n')}`);
      }
      const healSeenAt = Date.now() / 1000;
      mark('heal seen');
      t.diagnostic(`HEAL ${heal.id} seen ${(onset - healSeenAt).toFixed(1)} s before the onset`);

      // The operation: automatic, with the prediction and the destination.
      const done = await waitForOp(heal.id, ['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK'], onset * 1000);
      const completedAt = Date.now() / 1000;
      mark('heal completed');
      assert.equal(done.operationState, 'COMPLETED', JSON.stringify(done.error));
      assert.equal(done.isAutomaticInvocation, true);
      const params = done.operationParams;
      assert.equal(params.additionalParams.healType, 'live-migrate');
      assert.equal(params.additionalParams.targetHost, dest);
      assert.deepEqual(params.vnfcInstanceId, [vnf.instantiatedVnfInfo.vnfcInfo[0].id]);
      const prediction = params.additionalParams.prediction;
      assert.equal(prediction.host, source);
      assert.ok(prediction.score >= 0.7, `score ${prediction.score} at or over the VNFD's threshold 0.7`);
      assert.equal(typeof prediction.modelVersion, 'string');
      assert.equal(prediction.horizonSeconds, 60);
      assert.equal(params.additionalParams.destination.host, dest);
      assert.equal(params.additionalParams.destination.strategy, 'forecast');

      // Nova: the server runs on the other host, after a completed live migration there.
      const server = await nova!.server(serverId);
      assert.deepEqual(server, { status: 'ACTIVE', host: dest });
      const migrations = await nova!.liveMigrations(serverId);
      assert.equal(migrations.length, 1, JSON.stringify(migrations));
      assert.deepEqual([migrations[0].status, migrations[0].source_compute, migrations[0].dest_compute], ['completed', source, dest]);
      const novaCheckedAt = Date.now() / 1000;

      // The subscriber: STARTING, PROCESSING and COMPLETED of this occurrence, automatic.
      const ofHeal = () => receiver!.received.filter((r) => r.method === 'POST' && r.json?.vnfLcmOpOccId === heal.id);
      await receiver!.waitFor(
        () => ofHeal().some((r) => r.json.operationState === 'COMPLETED'),
        Math.max(1000, onset * 1000 - Date.now()),
        'the COMPLETED notification of the HEAL before the onset',
      );
      const notifiedAt = Date.now() / 1000;
      const notes = ofHeal().map((r) => r.json);
      assert.deepEqual(notes.map((n) => n.operationState), ['STARTING', 'PROCESSING', 'COMPLETED']);
      for (const n of notes) {
        assert.equal(n.notificationType, 'VnfLcmOperationOccurrenceNotification');
        assert.equal(n.operation, 'HEAL');
        assert.equal(n.isAutomaticInvocation, true);
        assert.equal(n.vnfInstanceId, instanceId);
      }
      mark('notified');

      // The decision behind it.
      const decisions = (await api('GET', `/decisions/v1/decisions?filter=(eq,opOccId,${heal.id})`)).json as any[];
      assert.equal(decisions.length, 1, JSON.stringify(decisions));
      assert.deepEqual([decisions[0].rule, decisions[0].outcome.kind, decisions[0].outcome.destination], ['threshold', 'migrate', dest]);

      // Everything before the trace's failure onset.
      for (const [what, when] of [['HEAL seen', healSeenAt], ['COMPLETED', completedAt], ['Nova checked', novaCheckedAt], ['notified', notifiedAt]] as const) {
        assert.ok(when < onset, `${what} at ${iso(when)}, not before the onset ${iso(onset)}`);
      }
      t.diagnostic(`all observed ${(onset - notifiedAt).toFixed(1)} s before the onset`);
    } catch (err) {
      const logs = (service?.output() ?? '').split('\n').filter((l) => !l.includes('"msg":"request"'));
      t.diagnostic(`service output (tail, without request lines):\n${logs.slice(-60).join('\n')}`);
      throw err;
    }
  });
});
