import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, describeConfig, loadConfig } from '../../platform/config/config.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vnfm-prediction-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('prediction defaults: score every 5 s with the registry\'s model over an hour of history', () => {
  const c = loadConfig({});
  assert.deepEqual(c.prediction, { tickSeconds: 5, historySeconds: 3600 });
  assert.ok(Object.isFrozen(c.prediction));
});

test('PREDICTION_* keys set config.prediction; 0 turns scoring off', () => {
  writeFileSync(path.join(dir, 'meta.json'), '{}');
  const c = loadConfig({ PREDICTION_TICK_SECONDS: '0', PREDICTION_MODEL_DIR: dir, PREDICTION_HISTORY_SECONDS: '900' });
  assert.deepEqual(c.prediction, { tickSeconds: 0, modelDir: dir, historySeconds: 900 });
  assert.equal(describeConfig({ PREDICTION_TICK_SECONDS: '30' }).PREDICTION_TICK_SECONDS, '30');
});

test('invalid prediction settings stop the start with a message naming the key', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PREDICTION_TICK_SECONDS: '-1' }, /PREDICTION_TICK_SECONDS must be an integer >= 0, got '-1'/],
    [{ PREDICTION_TICK_SECONDS: '2.5' }, /PREDICTION_TICK_SECONDS must be an integer/],
    [{ PREDICTION_HISTORY_SECONDS: '30' }, /PREDICTION_HISTORY_SECONDS must be an integer >= 60/],
    [{ PREDICTION_HISTORY_SECONDS: '100000' }, /PREDICTION_HISTORY_SECONDS must be at most 86400/],
    [{ PREDICTION_MODEL_DIR: path.join(dir, 'missing') }, /PREDICTION_MODEL_DIR .*missing is not a model directory \(no meta.json/],
  ];
  for (const [env, message] of cases) assert.throws(() => loadConfig(env), (err: Error) => err instanceof ConfigError && message.test(err.message), JSON.stringify(env));
});
