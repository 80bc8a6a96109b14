import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFmApp, type FmApp } from '../support/fm-app.ts';
import { FM_ENTITIES, OTHER_VNF_ID, scoringRound, VNF_ID, vmEvents } from '../support/fm-inputs.ts';
import { startReceiver, type NotificationReceiver } from '../support/notification-receiver.ts';

// The real Tacker CLI (python3-tackerclient 1.12) against the VNF FM API served in this
// process; the CLI runs as a child process so that this process can answer it.

function openstackEnv(endpoint?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OS_')) env[k] = v;
  if (endpoint) Object.assign(env, { OS_AUTH_TYPE: 'none', OS_ENDPOINT: `${endpoint}/` });
  return env;
}

/** `openstack --os-tacker-api-version 2 vnffm ...args` against `endpoint`, without blocking this process. */
function vnffm(endpoint: string, args: string[]): Promise<{ status: number | null; stdout: string; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('openstack', ['--os-tacker-api-version', '2', 'vnffm', ...args], { env: openstackEnv(endpoint) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, output: stdout + stderr });
    });
  });
}

function cliMissing(): string | false {
  const r = spawnSync('openstack', ['--os-tacker-api-version', '2', 'vnffm', 'alarm', 'list', '--help'], { env: openstackEnv(), encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return 'needs the openstack CLI: apt-get install python3-openstackclient python3-tackerclient';
  if (r.status !== 0) return `needs the Tacker plugin of the openstack CLI (python3-tackerclient): ${`${r.stdout}${r.stderr}`.trim().split('\n').pop()}`;
  return false;
}

const skip = cliMissing();

describe('openstack vnffm CLI against the plugin', { skip }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'vnfm-fm-cli-'));
  let h: FmApp;
  let receiver: NotificationReceiver;
  let critical: string;
  before(async () => {
    h = await startFmApp({ listen: true, entities: FM_ENTITIES });
    receiver = await startReceiver();
    await h.t.db.transaction(async (tx) => {
      await h.fm.correlation.onFailureScores(tx, [...scoringRound(0, 0.95), ...scoringRound(0, 0.1, OTHER_VNF_ID)]);
      await h.fm.correlation.onMonitoringEvents(tx, vmEvents('s1ap_broken_pipe', [Date.parse('2026-11-25T15:00:02Z') / 1000]));
    });
  });
  after(async () => {
    await receiver?.close();
    await h?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('vnffm alarm list shows every alarm, and --filter selects', async () => {
    const all = await vnffm(h.url, ['alarm', 'list', '-f', 'json']);
    assert.equal(all.status, 0, all.output);
    const rows = JSON.parse(all.stdout) as Record<string, string>[];
    assert.deepEqual(rows.map((r) => r['Probable Cause']).sort(), ['PREDICTED_FAILURE', 'S1AP_BROKEN_PIPE']);
    assert.deepEqual(Object.keys(rows[0]).sort(), ['Ack State', 'Event Type', 'ID', 'Managed Object Id', 'Perceived Severity', 'Probable Cause']);
    const filtered = await vnffm(h.url, ['alarm', 'list', '--filter', '(eq,perceivedSeverity,CRITICAL)', '-f', 'json']);
    assert.equal(filtered.status, 0, filtered.output);
    const crit = JSON.parse(filtered.stdout) as Record<string, string>[];
    assert.equal(crit.length, 1);
    assert.equal(crit[0]['Managed Object Id'], VNF_ID);
    assert.equal(crit[0]['Event Type'], 'EQUIPMENT_ALARM');
    critical = crit[0].ID;
  });

  test('vnffm alarm show prints the alarm; an unknown id prints our detail and exits 1', async () => {
    const r = await vnffm(h.url, ['alarm', 'show', critical, '-f', 'json']);
    assert.equal(r.status, 0, r.output);
    const shown = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(shown.ID, critical);
    assert.equal(shown['Perceived Severity'], 'CRITICAL');
    assert.equal(shown['Ack State'], 'UNACKNOWLEDGED');
    assert.equal((shown['Root Cause Faulty Resource'] as { faultyResourceType: string }).faultyResourceType, 'COMPUTE');
    const unknown = '00000000-0000-4000-8000-000000000000';
    const missing = await vnffm(h.url, ['alarm', 'show', unknown]);
    assert.equal(missing.status, 1, missing.output);
    assert.ok(missing.output.includes(`Alarm ${unknown} not found.`), missing.output);
  });

  test('vnffm alarm update --ack-state ACKNOWLEDGED acknowledges; the same again fails with the 409 detail', async () => {
    const r = await vnffm(h.url, ['alarm', 'update', critical, '--ack-state', 'ACKNOWLEDGED', '-f', 'json']);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual(JSON.parse(r.stdout), { 'Ack State': 'ACKNOWLEDGED' });
    const shown = JSON.parse((await vnffm(h.url, ['alarm', 'show', critical, '-f', 'json'])).stdout) as Record<string, unknown>;
    assert.equal(shown['Ack State'], 'ACKNOWLEDGED');
    assert.ok(shown['Alarm Acknowledged Time'], 'alarmAcknowledgedTime is set');
    const again = await vnffm(h.url, ['alarm', 'update', critical, '--ack-state', 'ACKNOWLEDGED']);
    assert.equal(again.status, 1, again.output);
    assert.ok(again.output.includes('already ACKNOWLEDGED'), again.output);
  });

  test('vnffm sub create | list | show | delete', async () => {
    const file = path.join(work, 'fm-sub.json');
    const filter = { perceivedSeverities: ['CRITICAL'], probableCauses: ['PREDICTED_FAILURE'] };
    writeFileSync(file, JSON.stringify({ callbackUri: `${receiver.url}/fm`, filter }));
    const created = await vnffm(h.url, ['sub', 'create', file, '-f', 'json']);
    assert.equal(created.status, 0, created.output);
    const sub = JSON.parse(created.stdout) as Record<string, unknown>;
    assert.equal(sub['Callback Uri'], `${receiver.url}/fm`);
    assert.deepEqual(sub.Filter, filter);
    const id = String(sub.ID);
    assert.ok(receiver.received.some((r) => r.method === 'GET' && r.path === '/fm'), 'the callback was tested');

    const listed = await vnffm(h.url, ['sub', 'list', '-f', 'json']);
    assert.equal(listed.status, 0, listed.output);
    assert.deepEqual((JSON.parse(listed.stdout) as Record<string, string>[]).map((s) => s.ID), [id]);
    const shown = await vnffm(h.url, ['sub', 'show', id, '-f', 'json']);
    assert.equal(shown.status, 0, shown.output);
    assert.equal((JSON.parse(shown.stdout) as Record<string, unknown>).ID, id);

    const deleted = await vnffm(h.url, ['sub', 'delete', id]);
    assert.equal(deleted.status, 0, deleted.output);
    assert.match(deleted.output, /deleted successfully/);
    const gone = await vnffm(h.url, ['sub', 'show', id]);
    assert.equal(gone.status, 1, gone.output);
    assert.ok(gone.output.includes(`Subscription ${id} not found.`), gone.output);
  });
});
