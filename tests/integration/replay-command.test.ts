import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runReplayCommand, type ReplayCommandOptions } from '../../lcm/decision/replay/replay.command.ts';
import { toDataFile } from '../../prediction/dataset/data-file.writer.ts';
import { generateSyntheticTrace } from '../../prediction/synthetic/trace-generator.ts';
import { train } from '../../prediction/training/train-model.ts';

let dir: string;
let data: string;
let model: string;

async function replay(opts: ReplayCommandOptions): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runReplayCommand(opts, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vnfm-replay-'));
  const { trace } = generateSyntheticTrace({ seed: 4, cycles: 40 });
  data = path.join(dir, 'data.txt');
  await writeFile(data, toDataFile(trace));
  const t = await train(trace, { quick: true, epochs: 1, seed: 3 });
  model = path.join(dir, 'model');
  await t.save(model);
  t.model.dispose();
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vnfm-plugin replay', () => {
  test('--json: one object on the last line, in the documented shape, and the plot', async () => {
    const plot = path.join(dir, 'fig5.svg');
    const r = await replay({ data, model, json: true, plot });
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    const j = JSON.parse(lines[lines.length - 1]);
    for (const k of ['oracle', 'noMigration']) {
      assert.equal(typeof j[k].avgMbps, 'number', k);
      assert.ok(Number.isInteger(j[k].migrations), k);
    }
    assert.deepEqual(j.policies.map((p: { threshold: number }) => p.threshold), [0.5, 0.6, 0.7, 0.8, 0.9]);
    for (const p of j.policies) {
      for (const k of ['avgMbps', 'migrations', 'unnecessaryMigrations', 'failuresHit']) assert.equal(typeof p[k], 'number', `${p.threshold} ${k}`);
      assert.ok(p.avgMbps <= j.oracle.avgMbps + 1e-9);
    }
    assert.equal(j.noMigration.migrations, 0);
    assert.equal(j.oracle.failuresHit, 0);
    assert.equal(j.oracle.migrations, j.failures.total);
    const svg = await readFile(plot, 'utf8');
    assert.match(svg, /^<svg /);
    // no migration + 5 thresholds + 10 variants + oracle
    assert.equal(svg.match(/class="bar"/g)?.length, 17);
  });

  test('text: the table with the oracle, no migration, each threshold and the two goals', async () => {
    const r = await replay({ data, model, plot: false });
    assert.equal(r.code, 0, r.err);
    for (const w of ['oracle', 'no migration', 'threshold', 'long-only', 'heal-fallback', 'goal: best policy', 'goal: a policy with']) assert.ok(r.out.includes(w), w);
    for (const t of ['0.50', '0.60', '0.70', '0.80', '0.90']) assert.ok(r.out.includes(` ${t} `), t);
    assert.doesNotMatch(r.out, /plot:/);
  });

  test('any file in the format: one without failures or stress phases replays too', async () => {
    const calm = path.join(dir, 'calm.txt');
    const { trace } = generateSyntheticTrace({ seed: 4, cycles: 3, failureProbability: 0, longFailureProbability: 0 });
    await writeFile(calm, toDataFile({ rows: trace.rows.map((x) => ({ ...x, mem: 0 })) }));
    const r = await replay({ data: calm, model, json: true, plot: false });
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out.trim().split('\n').pop()!);
    assert.equal(j.oracle.migrations, 0);
    assert.equal(j.noMigration.avgMbps, j.oracle.avgMbps);
  });

  test('usage errors exit 2 and say what is wrong', async () => {
    assert.equal((await replay({ model })).code, 2);
    const bad = await replay({ data, model, hosts: '1' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--hosts must be an integer >= 2/);
    assert.match((await replay({ data, model, strategy: 'fixed' })).err, /--strategy must be one of/);
  });
});
