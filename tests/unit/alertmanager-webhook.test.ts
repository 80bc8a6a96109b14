import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ALERTS_PER_BODY, parseAlertmanagerWebhook, type WebhookParseResult } from '../../fault-mgmt/alertmanager/alertmanager-webhook.parser.ts';
import { parseRfc3339 } from '../../fault-mgmt/alertmanager/rfc3339.ts';
import { CAPTURED_BODIES_MISSING, capturedWebhookBodies, tackerAlert, webhookBody } from '../support/alertmanager-bodies.ts';

function ok(r: WebhookParseResult) {
  assert.ok(r.ok, `expected a valid body, got ${JSON.stringify(!r.ok && r.rejection)}`);
  return r.webhook;
}

function rejected(r: WebhookParseResult) {
  assert.ok(!r.ok, 'expected the body to be rejected');
  return r.rejection;
}

test('every captured Alertmanager 0.25 body parses, with times kept to the microsecond', { skip: CAPTURED_BODIES_MISSING }, () => {
  const bodies = capturedWebhookBodies();
  assert.equal(bodies.length, 3);
  const alerts = bodies.flatMap((b) => ok(parseAlertmanagerWebhook(b)).alerts);
  assert.deepEqual(
    alerts.map((a) => [a.fingerprint, a.status, a.startsAt, a.endsAt, a.receiver]),
    [
      ['5b4750bc8ece9da9', 'firing', '2026-11-25T14:55:33.154895Z', null, 'vnfm'],
      ['fc423d329e759d9e', 'firing', '2026-11-25T15:18:08.255021Z', null, 'vnfm'],
      ['03edfda06a262263', 'firing', '2026-11-25T15:18:08.262950Z', null, 'vnfm'],
    ],
  );
  // The collectd threshold alert is a generic one: no Tacker view, no function type.
  assert.equal(alerts[0].tacker, undefined);
  assert.equal(alerts[0].functionType, null);
  assert.equal(alerts[0].labels.instance, 'compute-a');
  assert.equal(alerts[0].annotations.DataSource, 'shortterm');
});

test("the captured Tacker FM alert is read with Tacker's label conventions", { skip: CAPTURED_BODIES_MISSING }, () => {
  const alert = ok(parseAlertmanagerWebhook(capturedWebhookBodies()[1])).alerts[0];
  assert.equal(alert.functionType, 'vnffm');
  assert.equal(alert.vnfInstanceId, 'c70aaf4f-bc94-44aa-9de5-861909b0efa0');
  assert.deepEqual(alert.tacker, {
    functionType: 'vnffm',
    vnfInstanceId: 'c70aaf4f-bc94-44aa-9de5-861909b0efa0',
    perceivedSeverity: 'WARNING',
    eventType: 'PROCESSING_ERROR_ALARM',
    probableCause: 'T3413 expired',
    faultType: 'Server Down',
    faultDetails: 'x',
  });
});

test('auto_heal and auto_scale alerts keep vnfc_info_id, auto_scale_type and aspect_id', () => {
  const heal = tackerAlert({ labels: { receiver_type: 'tacker', function_type: 'auto_heal', vnf_instance_id: 'v1', vnfc_info_id: 'VDU1-srv1' } });
  const scale = tackerAlert({
    fingerprint: 'aa01',
    labels: { receiver_type: 'tacker', function_type: 'auto_scale', vnf_instance_id: 'v1', auto_scale_type: 'SCALE_OUT', aspect_id: 'VDU1_scale' },
  });
  const [h, s] = ok(parseAlertmanagerWebhook(webhookBody([heal, scale]))).alerts;
  assert.deepEqual(h.tacker, { functionType: 'auto_heal', vnfInstanceId: 'v1', vnfcInfoId: 'VDU1-srv1', probableCause: 'T3413 expired', faultType: 'Server Down', faultDetails: 'paging failures' });
  assert.equal(s.tacker?.autoScaleType, 'SCALE_OUT');
  assert.equal(s.tacker?.aspectId, 'VDU1_scale');
  assert.equal(s.functionType, 'auto_scale');
});

test('a resolved alert carries its endsAt; a firing one never does, whatever Alertmanager guessed', () => {
  const resolved = tackerAlert({ status: 'resolved', endsAt: '2026-11-25T16:00:00.5+01:00' });
  const firing = tackerAlert({ fingerprint: 'f2', endsAt: '2026-11-25T16:05:00Z' });
  const [r, f] = ok(parseAlertmanagerWebhook(webhookBody([resolved, firing]))).alerts;
  assert.equal(r.endsAt, '2026-11-25T15:00:00.500000Z');
  assert.equal(f.endsAt, null);
});

test('invalid alerts reject the whole body and are each named by index', () => {
  const good = tackerAlert();
  const cases: [string, unknown, RegExp][] = [
    ['status', { ...good, status: 'pending' }, /status must be firing or resolved/],
    ['label value', { ...good, labels: { a: 1 } }, /labels\.a must be a string/],
    ['labels array', { ...good, labels: ['a'] }, /labels must be an object/],
    ['annotation value', { ...good, annotations: { x: null } }, /annotations\.x must be a string/],
    ['startsAt', { ...good, startsAt: '2026-11-25 15:18' }, /startsAt/],
    ['startsAt Feb 30', { ...good, startsAt: '2026-02-30T00:00:00Z' }, /startsAt/],
    ['startsAt unset', { ...good, startsAt: '0001-01-01T00:00:00Z' }, /startsAt/],
    ['endsAt', { ...good, endsAt: 17 }, /endsAt/],
    ['empty fingerprint', { ...good, fingerprint: '' }, /fingerprint/],
    ['long fingerprint', { ...good, fingerprint: 'f'.repeat(65) }, /fingerprint/],
    ['function_type', { ...good, labels: { receiver_type: 'tacker', function_type: 'vnfxx' } }, /function_type/],
    ['perceived_severity', { ...good, labels: { receiver_type: 'tacker', function_type: 'vnffm', perceived_severity: 'LOW' } }, /perceived_severity/],
    ['auto_scale_type', { ...good, labels: { receiver_type: 'tacker', function_type: 'auto_scale', auto_scale_type: 'UP' } }, /auto_scale_type/],
    ['not an object', 'alert', /must be an object/],
  ];
  for (const [name, bad, reason] of cases) {
    const r = rejected(parseAlertmanagerWebhook(webhookBody([good, bad as never])));
    assert.equal(r.kind, 'alerts', name);
    if (r.kind !== 'alerts') continue;
    assert.equal(r.total, 1, name);
    assert.equal(r.entries[0].index, 1, name);
    assert.match(r.entries[0].reason, reason, name);
  }
});

test('only the first 20 invalid alerts are listed, with the total', () => {
  const alerts = Array.from({ length: 50 }, (_, i) => tackerAlert({ fingerprint: i % 2 ? '' : `f${i}` }));
  const r = rejected(parseAlertmanagerWebhook(webhookBody(alerts)));
  assert.ok(r.kind === 'alerts');
  assert.equal(r.total, 25);
  assert.deepEqual(r.entries.map((e) => e.index), Array.from({ length: 20 }, (_, i) => 2 * i + 1));
});

test('a body that is not a version 4 webhook is refused as a whole', () => {
  const body = webhookBody([tackerAlert()]);
  const cases: [string, unknown, RegExp][] = [
    ['array', [body], /webhook object/],
    ['version', { ...body, version: '3' }, /version must be "4"/],
    ['no version', { ...body, version: undefined }, /version/],
    ['receiver', { ...body, receiver: 5 }, /receiver must be a string/],
    ['status', { ...body, status: 'ok' }, /status/],
    ['alerts', { ...body, alerts: {} }, /alerts must be an array/],
    ['commonLabels', { ...body, commonLabels: { a: [] } }, /commonLabels\.a must be a string/],
    ['truncatedAlerts', { ...body, truncatedAlerts: -1 }, /truncatedAlerts/],
  ];
  for (const [name, bad, detail] of cases) {
    const r = rejected(parseAlertmanagerWebhook(bad));
    assert.equal(r.kind, 'body', name);
    if (r.kind === 'body') assert.match(r.detail, detail, name);
  }
});

test(`more than ${MAX_ALERTS_PER_BODY} alerts are refused; exactly that many are taken`, () => {
  const many = (n: number) => webhookBody(Array.from({ length: n }, (_, i) => tackerAlert({ fingerprint: `f${i}` })));
  assert.equal(ok(parseAlertmanagerWebhook(many(MAX_ALERTS_PER_BODY))).alerts.length, MAX_ALERTS_PER_BODY);
  const r = rejected(parseAlertmanagerWebhook(many(MAX_ALERTS_PER_BODY + 1)));
  assert.ok(r.kind === 'body' && r.reason === 'too_many_alerts');
});

test('RFC 3339 times: offsets, leap seconds, fractions truncated to microseconds, ranges checked', () => {
  assert.equal(parseRfc3339('2026-11-25T15:18:08.255021036Z')?.iso, '2026-11-25T15:18:08.255021Z');
  assert.equal(parseRfc3339('2026-11-25T16:18:08+01:00')?.iso, '2026-11-25T15:18:08.000000Z');
  assert.equal(parseRfc3339('2026-11-25t15:18:08.1z')?.iso, '2026-11-25T15:18:08.100000Z');
  assert.equal(parseRfc3339('2016-12-31T23:59:60Z')?.iso, '2017-01-01T00:00:00.000000Z');
  assert.equal(parseRfc3339('2024-02-29T00:00:00Z')?.epochSeconds, Date.UTC(2024, 1, 29) / 1000);
  assert.equal(parseRfc3339('0001-01-01T00:00:00Z')?.iso, '0001-01-01T00:00:00.000000Z');
  for (const bad of ['2023-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-25T24:00:00Z', '2026-11-25T15:18:08', '2026-11-25T15:18:08+1:00', '0001-01-01T00:00:00+01:00', 'now']) {
    assert.equal(parseRfc3339(bad), undefined, bad);
  }
});

test('deeply nested values anywhere are refused, never crash the parser', () => {
  let deep: unknown = [];
  for (let i = 0; i < 20_000; i++) deep = [deep];
  const good = tackerAlert();
  for (const key of ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint'] as const) {
    const r = rejected(parseAlertmanagerWebhook(webhookBody([{ ...good, [key]: deep } as never])));
    assert.equal(r.kind, 'alerts', key);
  }
  for (const key of ['version', 'receiver', 'status', 'commonLabels', 'truncatedAlerts']) {
    assert.equal(rejected(parseAlertmanagerWebhook({ ...webhookBody([good]), [key]: deep })).kind, 'body', key);
  }
  assert.equal(rejected(parseAlertmanagerWebhook({ ...webhookBody([good]), alerts: deep })).kind, 'alerts');
});
