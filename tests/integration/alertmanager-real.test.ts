import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { startMonitoringService, type MonitoringTestService } from '../support/monitoring-service.ts';
import { freePort } from '../support/service-process.ts';

/**
 * The real Alertmanager (Debian prometheus-alertmanager 0.25) with its webhook pointed at
 * POST /alertmanager of the plugin: an alert with Tacker's labels posted to Alertmanager's
 * API is stored firing, and stored resolved once it is posted again with an endsAt in the past.
 */

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const INGEST = { username: 'alertmanager', password: 'am-secret' };

function alertmanagerSkipReason(): string | false {
  try {
    accessSync(ALERTMANAGER, constants.X_OK);
    return false;
  } catch {
    return `needs ${ALERTMANAGER} (Debian package prometheus-alertmanager; .ci/run installs it)`;
  }
}

const skip = alertmanagerSkipReason();
let service: MonitoringTestService | undefined;
let alertmanager: ChildProcess | undefined;
let amUrl = '';
let dir = '';
let amLog = '';

/** Alertmanager's configuration: one webhook receiver, notified at once and resolved ones too. */
function alertmanagerConfig(webhookUrl: string): string {
  return `route:
  receiver: vnfm
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: vnfm
    webhook_configs:
      - url: ${JSON.stringify(webhookUrl)}
        send_resolved: true
        max_alerts: 1000
        http_config:
          basic_auth:
            username: ${INGEST.username}
            password: ${INGEST.password}
`;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, limitMs = 30_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) assert.fail(`timed out after ${limitMs / 1000} s waiting until ${what}; Alertmanager said:\n${amLog.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  if (skip) return;
  service = await startMonitoringService({ MONITORING_INGEST_USERNAME: INGEST.username, MONITORING_INGEST_PASSWORD: INGEST.password });
  dir = await mkdtemp(path.join(tmpdir(), 'vnfm-alertmanager-'));
  const config = path.join(dir, 'alertmanager.yml');
  await writeFile(config, alertmanagerConfig(`${service.url}/alertmanager`));
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  alertmanager = spawn(
    ALERTMANAGER,
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=', // no gossip: a single instance
      '--log.level=debug',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  alertmanager.stdout?.on('data', (d) => (amLog += d));
  alertmanager.stderr?.on('data', (d) => (amLog += d));
  await until('Alertmanager is ready', async () => ((await fetch(`${amUrl}/-/ready`)).ok ? true : undefined));
});

after(async () => {
  if (alertmanager && alertmanager.exitCode === null) {
    const exited = new Promise((r) => alertmanager!.once('exit', r));
    alertmanager.kill('SIGTERM');
    await exited;
  }
  await service?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function postToAlertmanager(alerts: unknown[]): Promise<void> {
  const res = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(alerts) });
  assert.equal(res.status, 200, await res.text());
}

interface StoredAlert {
  fingerprint: string;
  status: string;
  ends_at: Date | null;
  function_type: string | null;
  vnf_instance_id: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receiver: string;
}

async function stored(alertname: string): Promise<StoredAlert[]> {
  return service!.db.sequelize.query<StoredAlert>(
    `SELECT fingerprint, status, ends_at, function_type, vnf_instance_id, labels, annotations, receiver
     FROM monitoring_alerts WHERE labels->>'alertname' = $1`,
    { bind: [alertname], type: QueryTypes.SELECT },
  );
}

test('an alert posted to the real Alertmanager is stored firing, then resolved', { skip, timeout: 120_000 }, async () => {
  const alertname = `VnfFmAlarm${Date.now()}`;
  const vnfInstanceId = 'c70aaf4f-bc94-44aa-9de5-861909b0efa0';
  const startsAt = new Date(Date.now() - 5_000).toISOString();
  const alert = {
    labels: {
      alertname,
      receiver_type: 'tacker',
      function_type: 'vnffm',
      vnf_instance_id: vnfInstanceId,
      vnfc_info_id: 'VDU1-6f1c7d52-3a5e-4c1b-9a1e-0c8d2f3b4a51',
      perceived_severity: 'CRITICAL',
      event_type: 'PROCESSING_ERROR_ALARM',
    },
    annotations: { probable_cause: 'T3413 expired', fault_type: 'Server Down', fault_details: 'paging failures' },
    startsAt,
    generatorURL: 'http://prometheus.example/graph',
  };
  await postToAlertmanager([alert]);
  const [firing] = await until('the alert is stored firing', async () => {
    const rows = await stored(alertname);
    return rows.length > 0 ? rows : undefined;
  });
  assert.equal(firing.status, 'firing');
  assert.equal(firing.function_type, 'vnffm');
  assert.equal(firing.vnf_instance_id, vnfInstanceId);
  assert.equal(firing.receiver, 'vnfm');
  assert.equal(firing.labels.perceived_severity, 'CRITICAL');
  assert.equal(firing.annotations.probable_cause, 'T3413 expired');
  assert.match(firing.fingerprint, /^[0-9a-f]{16}$/);

  const endsAt = new Date(Date.now() - 1_000);
  await postToAlertmanager([{ ...alert, endsAt: endsAt.toISOString() }]);
  const resolved = await until('the alert is stored resolved', async () => {
    const rows = await stored(alertname);
    return rows.length === 1 && rows[0].status === 'resolved' ? rows[0] : undefined;
  });
  assert.equal(resolved.fingerprint, firing.fingerprint, 'the same alert, not a new row');
  assert.equal(resolved.ends_at?.getTime(), endsAt.getTime());

  const [{ n }] = await service!.db.sequelize.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox_events WHERE topic = 'monitoring.alerts' AND payload->'labels'->>'alertname' = $1`,
    { bind: [alertname], type: QueryTypes.SELECT },
  );
  assert.equal(n, 2, 'one event for the firing, one for the resolved');
});
