import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MigrationCapacityEntry } from '../../fault-mgmt/migration-capacity.event.ts';
import { alertFingerprint, alertmanagerBody, alertTransition, retryDelayMs, scaleOutLabels, type ScaleOutAlert } from '../../lcm/decision/scale-out-alert.ts';
import { createScaleOutAlertSender } from '../../lcm/decision/scale-out-alert.sender.ts';
import { createLogger } from '../../platform/logger.ts';

const ts = (i: number) => new Date(Date.UTC(2026, 10, 25, 15, 0, 0) + i * 5000).toISOString();
const entry = (i: number, short: number, o: Partial<MigrationCapacityEntry> = {}): MigrationCapacityEntry => ({
  vnfInstanceId: 'vnf-1', vnfcInstanceId: 'VDU1-server-1', host: 'compute-a', needed: { vcpus: 2, ramMb: 4096, diskGb: 20 },
  scaleOut: short > 0, vnfcsWithoutHeadroom: short, aspectId: 'VDU1_scale', failureScore: 0.9, ts: ts(i), reason: 'test', ...o,
});

describe('scale-out alert: when and what', () => {
  test('fires at the first short VNFC, not again while any is, resolves when none is left', () => {
    let alert: ScaleOutAlert | undefined;
    const sends: string[] = [];
    for (const e of [entry(0, 1), entry(1, 2), entry(2, 1), entry(3, 0), entry(4, 0)]) {
      const s = alertTransition(alert, e);
      alert = s.next;
      sends.push(s.send ? s.next!.status : '-');
    }
    assert.deepEqual(sends, ['firing', '-', '-', 'resolved', '-']);
    assert.equal(alert?.startsAt, ts(0));
    assert.equal(alert?.endsAt, ts(3));
  });

  test('without a scaling aspect nothing is sent (Tacker needs aspect_id)', () => {
    const s = alertTransition(undefined, entry(0, 1, { aspectId: undefined }));
    assert.deepEqual(s, { next: undefined, send: false, noAspect: true });
  });

  test("the body is Alertmanager's webhook (version 4) with the labels Tacker's /alert/auto_scaling reads", () => {
    const firing = alertTransition(undefined, entry(0, 1)).next!;
    const body = alertmanagerBody(firing, 'http://vnfm.example:9890');
    assert.equal(body.version, '4');
    assert.equal(body.status, 'firing');
    assert.equal(body.alerts.length, 1);
    const [a] = body.alerts;
    assert.deepEqual(a.labels, {
      alertname: 'VnfmMigrationHeadroomExhausted', receiver_type: 'tacker', function_type: 'auto_scale',
      vnf_instance_id: 'vnf-1', auto_scale_type: 'SCALE_OUT', aspect_id: 'VDU1_scale',
    });
    assert.equal(a.status, 'firing');
    assert.equal(a.startsAt, ts(0));
    assert.equal(a.endsAt, '0001-01-01T00:00:00Z');
    assert.match(a.fingerprint, /^[0-9a-f]{16}$/);
    assert.match(a.annotations.summary, /scale out VDU1_scale/);
    const resolved = alertmanagerBody(alertTransition(firing, entry(1, 0)).next!, 'http://vnfm.example:9890');
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.alerts[0].endsAt, ts(1));
    assert.equal(resolved.alerts[0].fingerprint, a.fingerprint, 'one alert: the same fingerprint firing and resolved');
    assert.notEqual(alertFingerprint(scaleOutLabels('vnf-2', 'VDU1_scale')), a.fingerprint);
  });

  test('retry delays double up to the cap', () => {
    const mid = () => 0.5;
    assert.deepEqual([2, 3, 4, 5, 10].map((n) => retryDelayMs(n, 1000, 5000, mid)), [1000, 2000, 4000, 5000, 5000]);
  });
});

describe('scale-out alert sender', () => {
  const settings = { url: 'http://tacker.test/alert/auto_scaling', timeoutMs: 1000, maxAttempts: 4, backoffMs: 5, maxBackoffMs: 20, externalUrl: 'http://vnfm.test' };

  function fakeTacker(answers: number[] = []) {
    const got: { url: string; body: ReturnType<typeof alertmanagerBody> }[] = [];
    const post = (async (url: string, init: RequestInit) => {
      got.push({ url, body: JSON.parse(String(init.body)) });
      const status = answers.shift() ?? 204;
      return new Response(null, { status });
    }) as typeof fetch;
    return { got, post };
  }

  test('one firing POST per shortage however many entries; resolved once it ends', async () => {
    const tacker = fakeTacker();
    const s = createScaleOutAlertSender(settings, createLogger('silent'), tacker.post);
    s.apply([entry(0, 1)]);
    s.apply([entry(1, 2), entry(1, 2)]);
    await s.idle();
    s.apply([entry(2, 1)]);
    await s.idle();
    assert.deepEqual(tacker.got.map((g) => g.body.status), ['firing']);
    assert.equal(tacker.got[0].url, settings.url);
    s.apply([entry(3, 0)]);
    await s.idle();
    assert.deepEqual(tacker.got.map((g) => g.body.status), ['firing', 'resolved']);
    s.apply([entry(1, 1)]);
    await s.idle();
    assert.equal(tacker.got.length, 2, 'an older, redelivered entry fires nothing');
    await s.stop();
  });

  test('a refused POST is retried with back-off until accepted', async () => {
    const tacker = fakeTacker([500, 503]);
    const s = createScaleOutAlertSender(settings, createLogger('silent'), tacker.post);
    s.apply([entry(0, 1)]);
    await s.idle();
    assert.deepEqual(tacker.got.map((g) => g.body.status), ['firing', 'firing', 'firing']);
    await s.stop();
  });

  test('given up after maxAttempts; its resolve is then not sent', async () => {
    const tacker = fakeTacker([500, 500, 500, 500]);
    const s = createScaleOutAlertSender(settings, createLogger('silent'), tacker.post);
    s.apply([entry(0, 1)]);
    await s.idle();
    assert.equal(tacker.got.length, 4);
    s.apply([entry(1, 0)]);
    await s.idle();
    assert.equal(tacker.got.length, 4, 'Tacker never got the firing alert: nothing to resolve');
    await s.stop();
  });

  test('a shortage that ends while its firing alert is still being retried sends nothing more', async () => {
    const tacker = fakeTacker([500]);
    const s = createScaleOutAlertSender({ ...settings, backoffMs: 50, maxBackoffMs: 50 }, createLogger('silent'), tacker.post);
    s.apply([entry(0, 1)]);
    await new Promise((r) => setTimeout(r, 10));
    s.apply([entry(1, 0)]);
    await s.idle();
    assert.deepEqual(tacker.got.map((g) => g.body.status), ['firing']);
    await s.stop();
  });
});
