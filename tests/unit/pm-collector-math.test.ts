import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextReportAt } from '../../fault-mgmt/pm/pm-collector.ts';
import { firstReportAt } from '../../fault-mgmt/pm/pm-job.service.ts';
import { measuredObjects, metricsOf, parsePmJobRequest } from '../../fault-mgmt/pm/pm-job-request.ts';
import { combineVms, lastValue, performanceValues, windowGrid } from '../../fault-mgmt/pm/pm-values.ts';
import { SAMPLE_TOPOLOGY, VNF_A } from '../support/pm-app.ts';

const grid = windowGrid(600, 900, 100); // 600, 700, 800

describe('VNF values from its VMs (combineVms)', () => {
  const vm1 = { timestamps: grid, values: [10, null, 30] };
  const vm2 = { timestamps: grid, values: [20, 50, null] };

  test('a mean is the mean of the VMs that have a value in the window', () => {
    assert.deepEqual(combineVms([vm1, vm2], 'mean', grid).values, [15, 50, 30]);
  });

  test('a peak is the highest peak of the VMs', () => {
    assert.deepEqual(combineVms([vm1, vm2], 'max', grid).values, [20, 50, 30]);
  });

  test('a window no VM has a value for stays empty; no VMs at all: every window empty', () => {
    assert.deepEqual(combineVms([{ timestamps: grid, values: [null, null, 1] }], 'mean', grid).values, [null, null, 1]);
    assert.deepEqual(combineVms([], 'mean', grid).values, [null, null, null]);
  });
});

describe('performanceValues and lastValue', () => {
  test('one value per collection period that has one, stamped with the end of the period, rounded', () => {
    const values = performanceValues({ timestamps: grid, values: [1 / 3, null, 42] }, 100);
    assert.deepEqual(values, [
      { timeStamp: new Date(700_000).toISOString(), value: 0.333333 },
      { timeStamp: new Date(900_000).toISOString(), value: 42 },
    ]);
  });

  test('lastValue is the last window (null when it has no value)', () => {
    assert.equal(lastValue({ timestamps: grid, values: [1, 2, 3] }), 3);
    assert.equal(lastValue({ timestamps: grid, values: [1, 2, null] }), null);
  });
});

describe('reporting schedule', () => {
  test('the first period ends at the next multiple of the reporting period', () => {
    assert.equal(firstReportAt(1_000_030, 60), 1_000_080);
    assert.equal(firstReportAt(1_000_020, 60, new Date(1_000_079_000).toISOString()), null, 'past the reporting boundary');
  });

  test('the next period follows the last one; after an outage the latest complete one is reported', () => {
    assert.equal(nextReportAt(1200, 60, 1265, 5), 1260);
    assert.equal(nextReportAt(1200, 60, 5000, 5), 4980, 'missed periods are not reported one by one');
    assert.equal(nextReportAt(1200, 60, 1265, 5, new Date(1250_000).toISOString()), null);
  });
});

describe('what a PM job measures', () => {
  const base = { callbackUri: 'http://nfvo.example/cb', criteria: { collectionPeriod: 30, reportingPeriod: 60 } };

  test('metrics and groups expand to the measurements, each once', () => {
    const metrics = metricsOf({ performanceMetric: ['VCpuUsageMeanVnf'], performanceMetricGroup: ['VirtualisedComputeResource', 'VnfFailurePrediction'] });
    assert.deepEqual(metrics.map((m) => m.performanceMetric), [
      'VCpuUsageMeanVnf', 'VCpuUsagePeakVnf', 'VMemoryUsageMeanVnf', 'VMemoryUsagePeakVnf', 'VFailureScoreVnf',
    ]);
  });

  test('a Vnfc job measures the VNFCs listed, or all of them; unknown instances are 422 at creation', () => {
    const all = measuredObjects(SAMPLE_TOPOLOGY, 'Vnfc', [VNF_A], undefined, true);
    assert.deepEqual(all.map((o) => o.subObjectInstanceId), ['VDU1-srv-a1', 'VDU2-srv-a2']);
    const one = measuredObjects(SAMPLE_TOPOLOGY, 'Vnfc', [VNF_A], ['VDU2-srv-a2'], true);
    assert.deepEqual(one.map((o) => o.subObjectInstanceId), ['VDU2-srv-a2']);
    assert.throws(() => measuredObjects(SAMPLE_TOPOLOGY, 'Vnf', ['nope'], undefined, true), { status: 422 });
    assert.deepEqual(measuredObjects(SAMPLE_TOPOLOGY, 'Vnf', ['nope', VNF_A], undefined, false).length, 1, 'gone since: left out');
  });

  test('bad criteria are 400 naming the attribute', () => {
    const bad: [object, RegExp][] = [
      [{ ...base, objectType: 'Vnf', objectInstanceIds: [VNF_A], criteria: { collectionPeriod: 30, reportingPeriod: 60 } }, /performanceMetric or performanceMetricGroup/],
      [{ ...base, objectType: 'Vnf', objectInstanceIds: [VNF_A], criteria: { performanceMetric: ['VDiskUsageMeanVnf'], collectionPeriod: 30, reportingPeriod: 60 } }, /not served/],
      [{ ...base, objectType: 'Vnf', objectInstanceIds: [VNF_A], criteria: { performanceMetricGroup: ['VnfInternalCp'], collectionPeriod: 30, reportingPeriod: 60 } }, /performanceMetricGroup/],
      [{ ...base, objectType: 'Vnf', objectInstanceIds: [VNF_A], criteria: { performanceMetric: ['VCpuUsageMeanVnf'], collectionPeriod: 40, reportingPeriod: 60 } }, /multiple/],
      [{ ...base, objectType: 'Vnf', objectInstanceIds: [VNF_A], subObjectInstanceIds: ['x'], criteria: { performanceMetric: ['VCpuUsageMeanVnf'], collectionPeriod: 30, reportingPeriod: 60 } }, /Vnfc only/],
      [{ ...base, objectType: 'Vnfc', objectInstanceIds: [VNF_A, 'b'], subObjectInstanceIds: ['x'], criteria: { performanceMetric: ['VCpuUsageMeanVnf'], collectionPeriod: 30, reportingPeriod: 60 } }, /exactly one/],
      [{ ...base, objectType: 'Vnf', objectInstanceIds: [VNF_A], criteria: { performanceMetric: ['VCpuUsageMeanVnf.other'], collectionPeriod: 30, reportingPeriod: 60 } }, /not among objectInstanceIds/],
    ];
    for (const [body, message] of bad) assert.throws(() => parsePmJobRequest(body), (err: { status: number; detail: string }) => err.status === 400 && message.test(err.detail), JSON.stringify(body));
  });
});
