import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlignedSeries as StoredSeries } from '../../fault-mgmt/store/window-reader.ts';
import type { RegistryEntity } from '../../fault-mgmt/registry/registry-entity.ts';
import { featureNames } from '../../prediction/features/feature-windows.ts';
import { InvalidModelMeta, validateModelMeta } from '../../prediction/registry/model-port.ts';
import { planScoring } from '../../prediction/scoring/scoring-targets.ts';
import { buildScoringBatch, ModelFeatureMismatch, toModelSeries } from '../../prediction/scoring/score-windows.ts';
import { fakeMeta } from '../support/prediction-models.ts';

function stored(metric: string, values: (number | null)[], start = 1000, step = 5): StoredSeries {
  return {
    entity: { kind: 'host', id: 'compute-a' },
    metric,
    start,
    step,
    timestamps: values.map((_, i) => start + i * step),
    values,
    quality: values.map((v) => (v === null ? 'gap' : 'observed')),
  };
}

describe('planScoring', () => {
  const entities: RegistryEntity[] = [
    { kind: 'host', name: 'compute-a' },
    { kind: 'vm', id: 'vm-1', host: 'compute-a' },
    { kind: 'vm', id: 'vm-2', host: 'compute-b' },
    { kind: 'vm', id: 'vm-3', host: 'compute-a' },
    { kind: 'vm', id: 'vm-4' },
    { kind: 'vnf', id: 'vnf-a' },
    { kind: 'vnf', id: 'vnf-b' },
    { kind: 'vnf', id: 'vnf-empty' },
    { kind: 'vnfc', id: 'a1', vnfInstanceId: 'vnf-a', vm: 'vm-1' },
    { kind: 'vnfc', id: 'b1', vnfInstanceId: 'vnf-b', vm: 'vm-2' },
    { kind: 'vnfc', id: 'b2', vnfInstanceId: 'vnf-b', vm: 'vm-3' },
    { kind: 'vnfc', id: 'c1', vnfInstanceId: 'vnf-c', vm: 'vm-4' },
  ];
  const plan = planScoring(entities);

  test('a VNFC is scored with its VM events and the metrics of the host its VM runs on', () => {
    const a1 = plan.targets.find((t) => t.id === 'a1');
    assert.deepEqual(a1, { kind: 'vnfc', id: 'a1', vnfInstanceId: 'vnf-a', vnfcInstanceId: 'a1', vm: 'vm-1', host: 'compute-a', events: { kind: 'vm', id: 'vm-1' } });
  });

  test('a VNF on one host gets its own window; one spread over hosts takes its VNFCs', () => {
    assert.deepEqual(plan.targets.find((t) => t.id === 'vnf-a'), {
      kind: 'vnf', id: 'vnf-a', vnfInstanceId: 'vnf-a', host: 'compute-a', events: { kind: 'vnf', id: 'vnf-a' },
    });
    assert.equal(plan.targets.find((t) => t.id === 'vnf-b'), undefined);
    assert.deepEqual(plan.derived, [{ vnfInstanceId: 'vnf-b', vnfcIds: ['b1', 'b2'] }]);
  });

  test('what has no known host is skipped and said so', () => {
    assert.deepEqual(plan.skipped, [
      { kind: 'vnfc', id: 'c1', reason: 'no-host' },
      { kind: 'vnf', id: 'vnf-c', reason: 'no-host' },
      { kind: 'vnf', id: 'vnf-empty', reason: 'no-host' },
    ]);
    assert.deepEqual(plan.targets.map((t) => t.id), ['a1', 'vnf-a', 'b1', 'b2']);
  });
});

describe('toModelSeries', () => {
  test('windows with a host gap are left out; events are counts (0 when none)', () => {
    const s = toModelSeries({
      cpu: stored('cpu_util', [10, null, 30, 40]),
      mem: stored('mem_util', [1, 2, null, 4]),
      swap: stored('swap_util', [0, 0, 0, 5]),
      paging: stored('events:paging_timeout', [0, 3, 1, 2]),
      oom: stored('events:oom_kill', [0, 0, 0, 1]),
    });
    assert.deepEqual(s, { time: [1000, 1015], cpu: [10, 40], mem: [1, 4], swap: [0, 5], paging: [0, 2], oom: [0, 1] });
  });

  test('no value in the last window means no recent data: nothing to score', () => {
    const s = toModelSeries({
      cpu: stored('cpu_util', [10, 20, null]),
      mem: stored('mem_util', [1, 2, 3]),
      swap: stored('swap_util', [0, 0, 0]),
      paging: stored('events:paging_timeout', [0, 0, 0]),
      oom: stored('events:oom_kill', [0, 0, 0]),
    });
    assert.equal(s, undefined);
  });
});

describe('buildScoringBatch', () => {
  test('one [count, windowSteps, features] buffer; each window ends at its series\' last row, scaled', () => {
    const features = featureNames({});
    const meta = fakeMeta({
      windowSteps: 3,
      scaler: { kind: 'standard', names: features, offset: features.map(() => 1), scale: features.map(() => 2) },
    });
    const a = { time: [0, 5, 10, 15], cpu: [1, 2, 3, 4], mem: [5, 5, 5, 9], swap: [0, 0, 0, 0], paging: [0, 0, 0, 7], oom: [0, 0, 0, 0] };
    const b = { time: [0], cpu: [11], mem: [5], swap: [0], paging: [0], oom: [0] };
    const batch = buildScoringBatch(meta, [a, b]);
    const w = features.length;
    assert.equal(batch.length, 2 * 3 * w);
    const at = (win: number, row: number, name: string) => batch[(win * 3 + row) * w + features.indexOf(name)];
    assert.equal(at(0, 2, 'paging'), (7 - 1) / 2);
    assert.equal(at(0, 2, 'cpu'), (4 - 1) / 2);
    assert.equal(at(0, 0, 'cpu'), (2 - 1) / 2);
    // A series shorter than the window repeats its first row.
    assert.deepEqual([at(1, 0, 'cpu'), at(1, 1, 'cpu'), at(1, 2, 'cpu')], [5, 5, 5]);
  });

  test('a model trained on other features is refused rather than fed shifted columns', () => {
    const features = ['cpu', 'mem'];
    const meta = fakeMeta({ features, scaler: { kind: 'standard', names: features, offset: [0, 0], scale: [1, 1] } });
    assert.throws(() => buildScoringBatch(meta, [{ time: [0], cpu: [1], mem: [1], swap: [0], paging: [0], oom: [0] }]), ModelFeatureMismatch);
  });
});

describe('validateModelMeta', () => {
  test('accepts the trainer\'s meta and names the first wrong field', () => {
    assert.equal(validateModelMeta(fakeMeta()).id, 'lstm-h12-test');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ id: 'a/b' }, /id must be/],
      [{ createdAt: 'yesterday' }, /createdAt/],
      [{ threshold: 1.5 }, /threshold must be a number from 0 to 1/],
      [{ features: [] }, /features must be a non-empty list/],
      [{ scaler: null }, /scaler must be an object/],
      [{ dataHash: '' }, /dataHash/],
    ];
    for (const [change, why] of cases) {
      assert.throws(() => validateModelMeta({ ...fakeMeta(), ...change }), (err: Error) => err instanceof InvalidModelMeta && why.test(err.message));
    }
    assert.throws(() => validateModelMeta([]), /not a JSON object/);
  });
});
