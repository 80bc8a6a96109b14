import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide, INITIAL_STATE, type DecideInput, type VnfcState } from '../../lcm/decision/decide.ts';
import type { CoreDecision, ScoreInput } from '../../lcm/decision/decision.types.ts';
import type { ProactiveMigrationPolicy } from '../../lcm/vnfd/vnfd.types.ts';
import { policy, ranking, score } from '../support/decision-fixtures.ts';

type Extra = Partial<Omit<DecideInput, 'score' | 'policy' | 'state'>>;

/** Feeds windows one after the other (5 s apart) and returns what each decided. */
function run(p: ProactiveMigrationPolicy, windows: (Partial<ScoreInput> & { extra?: Extra })[], start: VnfcState = INITIAL_STATE) {
  let state = start;
  const out: (CoreDecision | undefined)[] = [];
  windows.forEach(({ extra, ...w }, i) => {
    const r = decide({
      score: score({ ts: 1_800_000_000 + 5 * i, ...w }),
      policy: p,
      state,
      expectedMigrationSeconds: 20,
      lcmInProgress: false,
      scalingInProgress: false,
      migrationsFromHost: 0,
      rank: () => ranking('compute-b', 'compute-c'),
      ...extra,
    });
    state = r.state;
    out.push(r.decision);
  });
  return { out, state };
}

const kinds = (ds: (CoreDecision | undefined)[]) => ds.map((d) => (d ? `${d.outcome.kind}:${d.rule}` : '-'));
const s = (failureScore: number, o: Partial<ScoreInput> & { extra?: Extra } = {}) => ({ failureScore, ...o });

describe('threshold, consecutive windows and hysteresis', () => {
  test('acts on the window that completes consecutiveWindows at or above the threshold', () => {
    const { out } = run(policy({ scoreThreshold: 0.7, consecutiveWindows: 3 }), [s(0.9), s(0.7), s(0.95)]);
    assert.deepEqual(kinds(out), ['-', '-', 'migrate:threshold']);
    assert.deepEqual(out[2]!.outcome, { kind: 'migrate', sourceHost: 'compute-a', destination: 'compute-b' });
  });

  test('a window under the threshold starts the count again', () => {
    const { out } = run(policy({ consecutiveWindows: 2 }), [s(0.9), s(0.69), s(0.9), s(0.9)]);
    assert.deepEqual(kinds(out), ['-', '-', '-', 'migrate:threshold']);
  });

  test('after acting it stays disarmed until the score falls below threshold - hysteresis', () => {
    const p = policy({ scoreThreshold: 0.7, hysteresis: 0.2 });
    // 0.55 is under the threshold but not under 0.5: no re-arm; 0.45 re-arms.
    const { out } = run(p, [s(0.9), s(0.55), s(0.9), s(0.45), s(0.9)]);
    assert.deepEqual(kinds(out), ['migrate:threshold', '-', '-', '-', 'migrate:threshold']);
  });
});

describe('rules that stop a triggered VNFC', () => {
  test('cooldown: re-armed within cooldownSeconds is skipped (recorded once), acted on after it', () => {
    const p = policy({ cooldownSeconds: 30, hysteresis: 0.1 });
    // ts 0 acts; 5 re-arms; 10 and 15 within 30 s; 35 is past it.
    const { out } = run(p, [s(0.9, { ts: 0 }), s(0.1, { ts: 5 }), s(0.9, { ts: 10 }), s(0.9, { ts: 15 }), s(0.9, { ts: 35 })]);
    assert.deepEqual(kinds(out), ['migrate:threshold', '-', 'skip:cooldown', '-', 'migrate:threshold']);
  });

  test('host concurrency: the host at maxConcurrentPerHost is skipped, one below is not', () => {
    const p = policy({ maxConcurrentPerHost: 2 });
    assert.deepEqual(kinds(run(p, [s(0.9, { extra: { migrationsFromHost: 2 } })]).out), ['skip:host-concurrency']);
    assert.deepEqual(kinds(run(p, [s(0.9, { extra: { migrationsFromHost: 1 } })]).out), ['migrate:threshold']);
  });

  test('never during another LCM operation or an NFVO scaling; the VNFC stays armed and acts once they end', () => {
    const { out } = run(policy(), [
      s(0.9, { extra: { lcmInProgress: true } }),
      s(0.9, { extra: { lcmInProgress: true } }),
      s(0.9, { extra: { scalingInProgress: true } }),
      s(0.9),
    ]);
    assert.deepEqual(kinds(out), ['skip:lcm-in-progress', '-', 'skip:scaling-in-progress', 'migrate:threshold']);
  });

  test('lead time: the model horizon must cover the expected migration and the minimum lead', () => {
    const slow = run(policy(), [s(0.9, { horizonSeconds: 60, extra: { expectedMigrationSeconds: 61 } })]).out;
    assert.deepEqual(kinds(slow), ['skip:lead-time']);
    assert.match(slow[0]!.reason, /predicted lead \(60 s\)/);
    assert.deepEqual(kinds(run(policy({ minLeadSeconds: 90 }), [s(0.9, { horizonSeconds: 60 })]).out), ['skip:lead-time']);
    assert.deepEqual(kinds(run(policy({ minLeadSeconds: 60 }), [s(0.9, { horizonSeconds: 60, extra: { expectedMigrationSeconds: 60 } })]).out), ['migrate:threshold']);
  });

  test('long failures only: acts when longProbability reaches the model long threshold, not before', () => {
    const p = policy({ longFailuresOnly: true });
    const { out } = run(p, [s(0.9, { longProbability: 0.59, longThreshold: 0.6 }), s(0.9, { longProbability: 0.6, longThreshold: 0.6 })]);
    assert.deepEqual(kinds(out), ['skip:not-long', 'migrate:threshold']);
    // The same short-looking window is acted on by a policy without the option.
    assert.deepEqual(kinds(run(policy(), [s(0.9, { longProbability: 0.1 })]).out), ['migrate:threshold']);
  });

  test('auto-heal disabled: nothing is ever requested', () => {
    const { out } = run(policy({ autoHealEnabled: false }), [s(0.9), s(0.9), s(0.9, { inFailure: true })]);
    assert.deepEqual(kinds(out), ['skip:auto-heal-disabled', '-', 'skip:auto-heal-disabled']);
  });

  test('no destination: skipped with the ranking that excluded every host', () => {
    const empty = { strategy: 'least-loaded' as const, ranked: [], excluded: [{ host: 'compute-b', rules: ['no-room' as const], reason: 'no room' }] };
    const { out } = run(policy(), [s(0.9, { extra: { rank: () => empty } })]);
    assert.deepEqual(kinds(out), ['skip:no-destination']);
    assert.deepEqual(out[0]!.ranking, empty);
  });

  test('destinations are ranked only when every other rule lets the migration through', () => {
    const rank = () => assert.fail('ranked although a rule stops the migration');
    assert.deepEqual(kinds(run(policy({ cooldownSeconds: 10 }), [s(0.9, { ts: 0, extra: { lcmInProgress: true, rank } })]).out), ['skip:lcm-in-progress']);
    assert.deepEqual(kinds(run(policy(), [s(0.5, { extra: { rank } })]).out), ['-']);
  });
});

describe('when the failure arrives first', () => {
  test('heal (recreate) once per failure, then again for the next failure', () => {
    const { out } = run(policy({ scoreThreshold: 0.95 }), [s(0.9, { inFailure: true }), s(0.9, { inFailure: true }), s(0.1), s(0.9, { inFailure: true })]);
    assert.deepEqual(kinds(out), ['heal:failure-before-migration', '-', '-', 'heal:failure-before-migration']);
    assert.deepEqual(out[0]!.outcome, { kind: 'heal', healType: 'recreate' });
  });

  test('fallback none: recorded as a skip once, no heal', () => {
    const { out } = run(policy({ fallbackAction: 'none' }), [s(0.9, { inFailure: true }), s(0.9, { inFailure: true })]);
    assert.deepEqual(kinds(out), ['skip:failure-under-way', '-']);
  });

  test('a heal blocked by an LCM operation (e.g. the migration in flight) is tried again on the next failing window', () => {
    const { out } = run(policy(), [s(0.9, { inFailure: true, extra: { lcmInProgress: true } }), s(0.9, { inFailure: true })]);
    assert.deepEqual(kinds(out), ['skip:lcm-in-progress', 'heal:failure-before-migration']);
  });

  test('no live migration is started while the failure is under way', () => {
    const { out } = run(policy({ fallbackAction: 'none' }), [s(0.99, { inFailure: true }), s(0.99, { inFailure: true }), s(0.99)]);
    assert.deepEqual(kinds(out), ['skip:failure-under-way', '-', 'migrate:threshold']);
  });
});
