import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ModelScores } from '../../lcm/decision/replay/replay-run.ts';
import { replayTrace, REPLAY_DEFAULTS, type ReplayReport } from '../../lcm/decision/replay/replay.ts';
import { generateSyntheticTrace, type SyntheticTrace } from '../../prediction/synthetic/trace-generator.ts';

// Expectations here come from the trace itself (rows, labels, times), not from the replay's code.
const RATE = REPLAY_DEFAULTS.rateMbps;
const HEAL = 60;
let synth: SyntheticTrace;
let runs: { onset: number; end: number; long: boolean }[];
let totalSeconds: number;

/** Failure runs as row ranges [onset, end). */
function failureRuns(s: SyntheticTrace) {
  const rows = s.trace.rows;
  const out: { onset: number; end: number; long: boolean }[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].failure === 1 && (i === 0 || rows[i - 1].failure === 0)) {
      let j = i;
      while (j < rows.length && rows[j].failure === 1) j++;
      out.push({ onset: i, end: j, long: j - i >= 100 });
    }
  }
  return out;
}

/** Scores: 1 on the two rows before each onset the predicate picks, 0 elsewhere; long 1 before long runs. */
function scores(pick: (r: { long: boolean }) => boolean = () => true, value?: number): ModelScores {
  const n = synth.trace.rows.length;
  const failure = new Float32Array(n).fill(value ?? 0);
  const long = new Float32Array(n);
  if (value === undefined) {
    for (const r of runs) {
      if (!pick(r)) continue;
      for (const i of [r.onset - 3, r.onset - 2]) {
        failure[i] = 1;
        long[i] = r.long ? 1 : 0;
      }
    }
  }
  return { failure, long, threshold: 0.8, longThreshold: 0.5, horizonSeconds: 60, modelId: 'crafted' };
}

// The simulated VIM's clock counts whole milliseconds: a few ms over hours, far below one row (~5 s = 0.007 Mbit/s here).
const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-4, `${what}: ${a} != ${b}`);

before(() => {
  synth = generateSyntheticTrace({ seed: 11, cycles: 60 });
  runs = failureRuns(synth);
  const t = synth.trace.rows.map((r) => r.time);
  const gaps = t.slice(1).map((v, i) => v - t[i]);
  assert.ok(gaps.every((g) => g > 0 && g < 60), 'the synthetic trace has no pause over the 60 s cap');
  const median = [...gaps].sort((a, b) => a - b)[gaps.length >> 1];
  totalSeconds = t[t.length - 1] - t[0] + median;
  assert.ok(runs.length >= 8 && runs.some((r) => r.long) && runs.some((r) => !r.long), `enough failures of both kinds (${runs.length})`);
});

describe('replay on a synthetic trace with crafted scores', () => {
  let perfect: ReplayReport;
  before(async () => {
    perfect = await replayTrace(synth.trace, scores(), { thresholds: [0.5, 0.9] });
  });

  test('no migration loses exactly the failure rows', () => {
    const rows = synth.trace.rows;
    const lost = rows.reduce((a, r, i) => a + (r.failure && i > 0 ? r.time - rows[i - 1].time : 0), 0);
    near(perfect.noMigration.avgMbps, (RATE * (totalSeconds - lost)) / totalSeconds, 'no-migration average');
    assert.equal(perfect.noMigration.failuresHit, runs.length);
    assert.equal(perfect.noMigration.migrations, 0);
  });

  test('the oracle migrates once per failure and loses only the pauses', () => {
    assert.equal(perfect.oracle.migrations, runs.length);
    assert.equal(perfect.oracle.failuresHit, 0);
    assert.equal(perfect.oracle.unnecessaryMigrations, 0);
    const pause = perfect.migration.downtimeMs / 1000;
    assert.ok(pause > 0 && pause < 1);
    near(perfect.oracle.avgMbps, (RATE * (totalSeconds - runs.length * pause)) / totalSeconds, 'oracle average');
  });

  test('a warning two rows ahead is enough for a 4.4 s migration: the policy equals the oracle', () => {
    assert.ok(perfect.migration.seconds > 3 && perfect.migration.seconds < 6, `migration ${perfect.migration.seconds} s`);
    for (const p of perfect.policies) {
      assert.equal(p.migrations, runs.length, `threshold ${p.threshold}`);
      assert.equal(p.failuresHit, 0);
      assert.equal(p.unnecessaryMigrations, 0);
      near(p.avgMbps, perfect.oracle.avgMbps, `threshold ${p.threshold}`);
    }
  });

  test('long-only migrates for the long failures alone and is hit by every short one', () => {
    const long = runs.filter((r) => r.long).length;
    for (const v of perfect.variants.filter((x) => x.variant === 'long-only')) {
      assert.equal(v.migrations, long);
      assert.equal(v.failuresHit, runs.length - long);
      assert.ok(v.migrations <= perfect.oracle.migrations);
    }
  });

  test('the oracle is never beaten', () => {
    for (const p of [...perfect.policies, ...perfect.variants]) assert.ok(p.avgMbps <= perfect.oracle.avgMbps + 1e-9, `${p.variant} ${p.threshold}`);
  });
});

describe('replay with uninformative scores', () => {
  test('scores of 0: the policy does nothing and equals no migration', async () => {
    const r = await replayTrace(synth.trace, scores(undefined, 0), { thresholds: [0.5] });
    assert.equal(r.policies[0].migrations, 0);
    near(r.policies[0].avgMbps, r.noMigration.avgMbps, 'policy vs no migration');
  });

  test('scores of 0 with the heal fallback: each failure costs its first row plus the heal', async () => {
    const r = await replayTrace(synth.trace, scores(undefined, 0), { thresholds: [0.5], world: { ...REPLAY_DEFAULTS.world, healSeconds: HEAL } });
    const heal = r.variants.find((v) => v.variant === 'heal-fallback')!;
    assert.equal(heal.heals, runs.length);
    assert.equal(heal.migrations, 0);
    const rows = synth.trace.rows;
    // Down from the start of the onset row's interval; the heal starts when that row's score arrives.
    const lost = runs.reduce((a, f) => a + (rows[f.onset].time - rows[f.onset - 1].time) + HEAL, 0);
    near(heal.avgMbps, (RATE * (totalSeconds - lost)) / totalSeconds, 'heal-fallback average');
  });

  test('scores of 1 everywhere: a migration per episode, none of the failures hit, the rest unnecessary', async () => {
    const r = await replayTrace(synth.trace, scores(undefined, 1), { thresholds: [0.5] });
    const p = r.policies[0];
    assert.equal(p.failuresHit, 0);
    assert.equal(p.unnecessaryMigrations, p.migrations - runs.length);
    assert.ok(p.migrations > 2 * runs.length, `${p.migrations} migrations for ${runs.length} failures`);
    assert.ok(p.avgMbps < r.oracle.avgMbps);
  });
});
