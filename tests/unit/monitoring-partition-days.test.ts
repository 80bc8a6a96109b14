import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayOf, dayOfPartition, daysAhead, daysOf, dayStamp, expiredDays, partitionName } from '../../fault-mgmt/store/partition-manager.ts';

const at = (iso: string) => Date.parse(iso) / 1000;

test('a partition holds one UTC day [00:00, 24:00) and is named after it', () => {
  assert.equal(partitionName('monitoring_samples', dayOf(at('2026-11-25T00:00:00Z'))), 'monitoring_samples_p20261125');
  assert.equal(dayStamp(dayOf(at('2026-11-25T23:59:59.999Z'))), '20261125');
  assert.equal(dayStamp(dayOf(at('2026-11-26T00:00:00Z'))), '20261126');
  // Before the epoch: floor, not truncation toward zero.
  assert.equal(dayStamp(dayOf(at('1969-12-31T23:00:00Z'))), '19691231');
  assert.equal(dayStamp(dayOf(at('2028-02-29T12:00:00Z'))), '20280229');
});

test('partition names are read back into days; other names are not partitions of ours', () => {
  const day = dayOf(at('2026-11-25T10:00:00Z'));
  assert.equal(dayOfPartition('monitoring_events', 'monitoring_events_p20261125'), day);
  assert.equal(dayOfPartition('monitoring_events', 'monitoring_samples_p20261125'), undefined);
  assert.equal(dayOfPartition('monitoring_events', 'monitoring_events_default'), undefined);
  assert.equal(dayOfPartition('monitoring_events', 'monitoring_events_p20261332'), undefined);
  assert.equal(dayOfPartition('monitoring_events', 'monitoring_events_p20270229'), undefined);
});

test('the days of a batch: distinct, ascending, non-finite times ignored', () => {
  const d = dayOf(at('2026-11-25T10:00:00Z'));
  const times = [at('2026-11-25T23:59:59Z'), at('2026-11-24T01:00:00Z'), at('2026-11-25T00:00:00Z'), NaN, Infinity, at('2026-11-24T02:00:00Z')];
  assert.deepEqual(daysOf(times), [d - 1, d]);
  assert.deepEqual(daysOf([]), []);
});

test('a day is dropped only when all of it is older than now - retention; 0 keeps everything', () => {
  const now = at('2026-11-25T12:00:00Z');
  const today = dayOf(now);
  const days = [today - 9, today - 8, today - 7, today - 6, today, today + 1];
  // now - 7 d = 2026-11-18T12:00Z: the 18th still has data within the retention.
  assert.deepEqual(expiredDays(days, now, 7), [today - 9, today - 8]);
  assert.deepEqual(expiredDays(days, at('2026-11-26T00:00:00Z'), 7), [today - 9, today - 8, today - 7]);
  assert.deepEqual(expiredDays(days, now, 0), []);
});

test('maintenance keeps today and the days ahead', () => {
  const now = at('2026-11-25T23:30:00Z');
  assert.deepEqual(daysAhead(now, 2).map(dayStamp), ['20261125', '20261126', '20261127']);
  assert.deepEqual(daysAhead(now, 0).map(dayStamp), ['20261125']);
});
