import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyValues, crossingOf } from '../../fault-mgmt/pm/threshold-crossing.ts';

const details = { thresholdValue: 0.5, hysteresis: 0.1 };

describe('threshold crossing with hysteresis (SOL003 6.5.3.4)', () => {
  test('UP at thresholdValue + hysteresis or above, DOWN at thresholdValue - hysteresis or below', () => {
    assert.equal(crossingOf('DOWN', 0.6, details), 'UP');
    assert.equal(crossingOf('DOWN', 0.59, details), undefined, 'inside the band');
    assert.equal(crossingOf('UP', 0.4, details), 'DOWN');
    assert.equal(crossingOf('UP', 0.41, details), undefined, 'inside the band');
  });

  test('a new threshold starts below: a first high value is an UP crossing, a first low one nothing', () => {
    assert.equal(crossingOf(undefined, 0.9, details), 'UP');
    assert.equal(crossingOf(undefined, 0.1, details), undefined);
  });

  test('a value oscillating around thresholdValue inside the band fires nothing', () => {
    const values = [0.49, 0.52, 0.47, 0.55, 0.45, 0.51].map((value) => ({ key: '', value }));
    assert.deepEqual(applyValues({}, values, details).crossings, []);
  });

  test('exactly one notification per crossing, whatever the number of values on one side', () => {
    const values = [0.2, 0.65, 0.7, 0.9, 0.55, 0.45, 0.3, 0.1, 0.35, 0.61, 0.8].map((value) => ({ key: '', value }));
    const r = applyValues({}, values, details);
    assert.deepEqual(r.crossings.map((c) => [c.direction, c.value]), [['UP', 0.65], ['DOWN', 0.3], ['UP', 0.61]]);
    assert.deepEqual(r.state, { '': 'UP' });
  });

  test('each sub-object (VNFC) crosses on its own', () => {
    const r = applyValues({ a: 'UP' }, [{ key: 'a', value: 0.9 }, { key: 'b', value: 0.9 }, { key: 'a', value: 0.2 }], details);
    assert.deepEqual(r.crossings.map((c) => `${c.key}:${c.direction}`), ['b:UP', 'a:DOWN']);
    assert.deepEqual(r.state, { a: 'DOWN', b: 'UP' });
  });

  test('zero hysteresis: reaching thresholdValue is UP, going below it is DOWN; a value exactly at it does not flap', () => {
    const d = { thresholdValue: 80, hysteresis: 0 };
    const r = applyValues({}, [79, 80, 80, 81, 80, 79].map((value) => ({ key: '', value })), d);
    assert.deepEqual(r.crossings.map((c) => `${c.direction}@${c.value}`), ['UP@80', 'DOWN@79']);
  });

  test('non-finite values are ignored', () => {
    assert.equal(crossingOf('DOWN', Number.NaN, details), undefined);
  });
});
