import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../platform/config/config.ts';
import { decisionSettingsOf } from '../../vnfm-plugin/module-settings.ts';

test('DECISION_SCALE_OUT_ALERT_URL is off by default', () => {
  const c = loadConfig({});
  assert.equal(c.decision.scaleOutAlertUrl, undefined);
  assert.equal(decisionSettingsOf(c).scaleOutAlert, undefined);
  assert.equal(decisionSettingsOf(c).mode, 'dry-run');
});

test('set, it is delivered with the notifications timeout and retries', () => {
  const c = loadConfig({
    DECISION_SCALE_OUT_ALERT_URL: 'http://tacker.example:9890/alert/auto_scaling',
    VNFM_NOTIFY_TIMEOUT_MS: '3000',
    VNFM_NOTIFY_MAX_ATTEMPTS: '5',
    VNFM_NOTIFY_BACKOFF_MS: '200',
    VNFM_NOTIFY_MAX_BACKOFF_MS: '9000',
  });
  assert.deepEqual(decisionSettingsOf(c).scaleOutAlert, {
    url: 'http://tacker.example:9890/alert/auto_scaling', timeoutMs: 3000, maxAttempts: 5, backoffMs: 200, maxBackoffMs: 9000,
  });
});

test('a URL that is not http(s), or that carries credentials, stops the start naming the key', () => {
  for (const bad of ['ftp://tacker/alert/auto_scaling', 'not a url', 'http://admin:secret@tacker:9890/alert/auto_scaling']) {
    assert.throws(() => loadConfig({ DECISION_SCALE_OUT_ALERT_URL: bad }), (err: Error) => err instanceof ConfigError && err.message.startsWith('DECISION_SCALE_OUT_ALERT_URL'));
  }
});
