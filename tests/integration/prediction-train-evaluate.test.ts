import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { toDataFile } from '../../prediction/dataset/data-file.writer.ts';
import { generateTrace } from '../../prediction/synthetic/trace-generator.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'vnfm-plugin.js');
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 16 << 20, env: { ...process.env, ...env } });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, any>;
const inUnit = (v: unknown) => v === null || (typeof v === 'number' && v >= 0 && v <= 1);

describe('train --quick and evaluate --json on a synthetic trace (bin/vnfm-plugin.js)', () => {
  let dir: string;
  let data: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'prediction-cli-'));
    data = path.join(dir, 'synthetic.txt');
    await writeFile(data, toDataFile(generateTrace({ seed: 11, minRows: 3000 })));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('train writes a model directory and names it on stdout', async () => {
    const r = await cli(['train', '--data', data, '--out', path.join(dir, 'a'), '--quick', '--seed', '3', '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /threshold \d/);
    assert.equal(r.stdout.trim().split('\n').at(-1), path.join(dir, 'a'));
    const meta = JSON.parse(await readFile(path.join(dir, 'a', 'meta.json'), 'utf8'));
    assert.equal(meta.horizonSteps, 12);
    assert.equal(meta.seed, 3);
    assert.ok(!meta.features.includes('scenarioSeconds'));
  });

  test('evaluate --json prints one object on the last line with the documented keys, scores in [0, 1]', async () => {
    const r = await cli(['evaluate', '--model', path.join(dir, 'a'), '--data', data, '--json', '--plot', path.join(dir, 'plot.svg')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1, 'stdout is the one JSON object');
    const j = lastJson(r.stdout);
    for (const key of ['threshold', 'rocAuc', 'prAuc', 'falseAlarmsPerHour', 'events', 'medianLeadSteps', 'baselines']) assert.ok(key in j, key);
    const checkEvents = (e: Record<string, any>) => {
      for (const part of ['all', 'long', 'short']) for (const k of ['total', 'warned2', 'warned6', 'warned12']) assert.equal(typeof e[part][k], 'number', `${part}.${k}`);
      assert.ok('flaggedLong' in e.long);
      assert.ok('alarmed' in e.short && 'flaggedLong' in e.short);
    };
    checkEvents(j.events);
    for (const b of ['rule', 'logistic']) {
      checkEvents(j.baselines[b].events);
      assert.equal(j.baselines[b].threshold, j.threshold);
      assert.ok(inUnit(j.baselines[b].prAuc));
    }
    assert.ok(inUnit(j.threshold) && inUnit(j.rocAuc) && inUnit(j.prAuc));
    assert.ok(j.events.all.total > 0);
    assert.ok(j.falseAlarmsPerHour === null || j.falseAlarmsPerHour >= 0);
    const svg = await readFile(path.join(dir, 'plot.svg'), 'utf8');
    assert.match(svg, /^<svg/);
  });

  test('the same seed gives the same model and the same evaluation', async () => {
    const r = await cli(['train', '--data', data, '--out', path.join(dir, 'b'), '--quick', '--seed', '3', '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await readFile(path.join(dir, 'b', 'weights.bin')), await readFile(path.join(dir, 'a', 'weights.bin')));
    const a = lastJson((await cli(['evaluate', '--model', path.join(dir, 'a'), '--data', data, '--json'])).stdout);
    const b = lastJson((await cli(['evaluate', '--model', path.join(dir, 'b'), '--data', data, '--json'])).stdout);
    delete a.model;
    delete b.model;
    assert.deepEqual(b, a);
  });

  test('the human report holds the 0.5-0.9 sweep and both baselines', async () => {
    const r = await cli(['evaluate', '--model', path.join(dir, 'a'), '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    for (const t of ['0.50', '0.60', '0.70', '0.80', '0.90']) assert.match(r.stdout, new RegExp(`\\s${t.replace('.', '\\.')}[ *]`));
    assert.match(r.stdout, /^rule\s/m);
    assert.match(r.stdout, /^logistic\s/m);
  });

  test('evaluate accepts a file without any failure (nothing to fit the logistic baseline on)', async () => {
    const calm = path.join(dir, 'calm.txt');
    await writeFile(calm, toDataFile(generateTrace({ seed: 4, cycles: 12, failureProbability: 0, longFailureProbability: 0 })));
    const r = await cli(['evaluate', '--model', path.join(dir, 'a'), '--data', calm, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = lastJson(r.stdout);
    assert.equal(j.events.all.total, 0);
    assert.equal(j.prAuc, null);
    assert.match(j.baselineFit, /could not be fitted/);
  });

  test('evaluate without --model: the shipped model on a fresh data directory, else the active one, else PREDICTION_MODEL_DIR', async () => {
    const shipped = JSON.parse(await readFile(path.join(ROOT, 'prediction', 'models', 'default', 'meta.json'), 'utf8'));
    const trained = JSON.parse(await readFile(path.join(dir, 'a', 'meta.json'), 'utf8'));
    // Embedded database in a data directory of its own (an empty DATABASE_URL counts as unset).
    const env = { VNFM_DATA_DIR: path.join(dir, 'fresh'), DATABASE_URL: '', LOG_LEVEL: 'silent' };
    const fresh = await cli(['evaluate', '--data', data, '--json'], env);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.equal(lastJson(fresh.stdout).model, shipped.id);
    assert.ok(!existsSync(path.join(dir, 'fresh', 'pgdata')), 'no database is created just to find no active model');
    const registered = await cli(['models', 'register', path.join(dir, 'a'), '--activate'], env);
    assert.equal(registered.code, 0, registered.stderr);
    const active = await cli(['evaluate', '--data', data, '--json'], env);
    assert.equal(lastJson(active.stdout).model, trained.id);
    const pinned = await cli(['evaluate', '--data', data, '--json'], { ...env, PREDICTION_MODEL_DIR: path.join(ROOT, 'prediction', 'models', 'default') });
    assert.equal(lastJson(pinned.stdout).model, shipped.id);
  });

  test('train --from-store without --entity, and train without --out, exit 2 with the reason', async () => {
    const store = await cli(['train', '--from-store', '--out', path.join(dir, 'c')]);
    assert.equal(store.code, 2);
    assert.match(store.stderr, /--entity host:NAME/);
    const noOut = await cli(['train', '--data', data, '--quick']);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /--out DIR is required/);
  });

  test('train --cv K reports every fold, the spread and the pooled out-of-fold line, and writes no model', async () => {
    const r = await cli(['train', '--data', data, '--cv', '3', '--quick', '--seed', '3', '--no-progress', '--json', '--out', path.join(dir, 'cv')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^3-fold grouped, purged cross-validation/);
    for (const fold of ['1', '2', '3']) assert.match(r.stdout, new RegExp(`^${fold} \\(rows \\d+-\\d+\\)\\s+lstm`, 'm'));
    assert.match(r.stdout, /^ {2}lstm +PR-AUC \d\.\d{3}±\d\.\d{3}/m);
    const j = lastJson(r.stdout);
    assert.equal(j.perFold.length, 3);
    // The test folds cover the file: every failure run is judged exactly once.
    const runs = (await readFile(data, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => l.split('\t')[6])
      .filter((f, i, all) => f === '1' && all[i - 1] !== '1').length;
    assert.equal(j.pooled.model.events.all.total, runs);
    assert.equal(j.perFold.reduce((s: number, f: any) => s + f.scorers.model.events.all.total, 0), runs);
    for (const f of j.perFold) assert.ok(f.test.end > f.test.start && f.validation.end > f.validation.start);
    await assert.rejects(readFile(path.join(dir, 'cv', 'meta.json')));
  });
});
