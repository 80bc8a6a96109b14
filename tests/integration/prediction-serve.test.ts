// `vnfm-plugin serve` on a fresh data directory activates the shipped model and scores
// what monitoring stores, with no other setting than the entities file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { openTestDatabase } from '../support/test-database.ts';

const work = mkdtempSync(path.join(tmpdir(), 'vnfm-prediction-serve-'));
const shipped = JSON.parse(readFileSync(new URL('../../prediction/models/default/meta.json', import.meta.url), 'utf8')) as { id: string };
const cleanups: (() => Promise<void>)[] = [];
let service: ServiceProcess;

before(async () => {
  const entities = path.join(work, 'entities.yaml');
  writeFileSync(entities, 'vms:\n  - id: vm-1\n    host: compute-a\nvnfs:\n  - id: vnf-1\n    vnfcs:\n      - id: VDU1-vm-1\n        vm: vm-1\n');
  const env: Record<string, string | undefined> = {
    VNFM_DATA_DIR: path.join(work, 'data'),
    MONITORING_ENTITIES_FILE: entities,
    PREDICTION_TICK_SECONDS: '1',
  };
  if (process.env.DATABASE_URL) {
    const t = await openTestDatabase({ migrate: false });
    cleanups.push(() => t.close());
    env.DATABASE_URL = t.url;
  }
  service = await startServiceProcess(env);
  cleanups.push(async () => void (await service.stop('SIGKILL')));
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(work, { recursive: true, force: true });
});

/** Two minutes of collectd cycles of compute-a up to now, 5 s apart. */
function collectdBody(now: number) {
  const body = [];
  for (let t = now - 120; t <= now; t += 5) {
    const g = (plugin: string, type: string, ti: string, v: number) => ({
      values: [v], dstypes: ['gauge'], dsnames: ['value'], time: t, interval: 5, host: 'compute-a', plugin, plugin_instance: plugin === 'cpu' ? '0' : '', type, type_instance: ti,
    });
    body.push(g('cpu', 'percent', 'user', 60), g('cpu', 'percent', 'idle', 40), g('memory', 'percent', 'used', 70), g('swap', 'percent', 'used', 30));
  }
  return body;
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

test('the shipped model is activated at start and every VNFC and VNF with fresh data is scored', async () => {
  const posted = await fetch(`${service.url}/collectd`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(collectdBody(Date.now() / 1000)) });
  assert.equal(posted.status, 204);
  let text = '';
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    text = await (await fetch(`${service.url}/metrics`)).text();
    if (metric(text, 'vnfm_prediction_scored_windows_total') >= 2) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  // One VNFC and its VNF (all of whose VNFCs run on compute-a) per round.
  assert.ok(metric(text, 'vnfm_prediction_scored_windows_total') >= 2, `no windows scored:\n${service.output().slice(-3000)}`);
  assert.match(text, new RegExp(`^vnfm_prediction_model_info\\{model="${shipped.id}"\\} 1$`, 'm'));
  assert.ok(metric(text, 'vnfm_prediction_predict_duration_seconds_count') >= 1);
  const logs = service.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(logs.some((l) => l.msg === 'failure model in use' && l.model === shipped.id));
  // The TensorFlow.js backend choice is logged as a JSON line like every other.
  assert.ok(logs.some((l) => l.component === 'tfjs' && /^tfjs backend: (wasm|tensorflow|cpu)/.test(String(l.msg))));
});
