import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConditionState } from '../../fault-mgmt/fm/alarm.types.ts';
import { correlateCapacity } from '../../fault-mgmt/fm/capacity-correlation.ts';
import { expireCondition, reviewAt } from '../../fault-mgmt/fm/event-correlation.ts';
import { FM_DEFAULTS } from '../../fault-mgmt/fm/fm-settings.ts';
import { migrationCapacityEntries, type MigrationCapacityEntry } from '../../fault-mgmt/migration-capacity.event.ts';

const ts = (i: number) => new Date(Date.UTC(2026, 10, 25, 15, 0, 0) + i * 5000).toISOString();
const entry = (i: number, vnfc: string, scaleOut: boolean, o: Partial<MigrationCapacityEntry> = {}): MigrationCapacityEntry => ({
  vnfInstanceId: 'vnf-1', vnfcInstanceId: vnfc, vduId: 'VDU1', serverId: `server-${vnfc}`, host: 'compute-a',
  needed: { vcpus: 2, ramMb: 4096, diskGb: 20 }, scaleOut, vnfcsWithoutHeadroom: scaleOut ? 1 : 0, aspectId: 'VDU1_scale',
  failureScore: 0.9, ts: ts(i), reason: 'test', ...o,
});

function run(batches: MigrationCapacityEntry[][], start?: ConditionState) {
  let state = start;
  const changes: string[] = [];
  for (const b of batches) {
    const r = correlateCapacity(state, b);
    state = r.state;
    changes.push(r.change.kind === 'none' ? '-' : r.change.kind);
  }
  return { state, changes };
}

describe('no-migration-headroom alarm correlation', () => {
  test('raised with the VNFC, what it needs and the aspect; held; cleared at the window that ended it', () => {
    const raised = correlateCapacity(undefined, [entry(0, 'a', true)]);
    assert.equal(raised.change.kind, 'raise');
    const facts = raised.change.kind === 'raise' ? raised.change.facts : undefined;
    assert.deepEqual(facts, {
      perceivedSeverity: 'MAJOR',
      eventType: 'PROCESSING_ERROR_ALARM',
      probableCause: 'No host headroom for proactive migration: scale out',
      faultType: 'Migration capacity exhausted',
      isRootCause: false,
      eventTime: ts(0),
      vnfcInstanceIds: ['a'],
      faultyResource: { resourceId: 'server-a', vimLevelResourceType: 'OS::Nova::Server' },
      faultDetails: ['VNFC a on compute-a needs 2 vCPU, 4096 MB RAM, 20 GB disk; no other host has room (scale out aspect VDU1_scale)'],
    });
    const { state, changes } = run([[entry(1, 'a', true)], [entry(2, 'a', false)]], raised.state);
    assert.deepEqual(changes, ['-', 'clear']);
    assert.deepEqual(correlateCapacity(raised.state, [entry(2, 'a', false)]).change, { kind: 'clear', clearedAt: ts(2) });
    assert.equal(state?.active, false);
    assert.equal(reviewAt(state, FM_DEFAULTS), state?.forgetAt, 'the sweep forgets the cleared state later');
    assert.equal(expireCondition(state!, state!.forgetAt!, FM_DEFAULTS).state, undefined);
  });

  test('one alarm per VNF instance: a second VNFC updates it, the first leaving updates it, the last clears it', () => {
    const { changes, state } = run([[entry(0, 'a', true)], [entry(1, 'b', true)], [entry(2, 'a', false)], [entry(3, 'b', false)]]);
    assert.deepEqual(changes, ['raise', 'update', 'update', 'clear']);
    assert.equal(state?.active, false);
  });

  test('several entries of one event are applied in order: one change', () => {
    assert.deepEqual(run([[entry(0, 'a', true), entry(0, 'b', true)]]).changes, ['raise']);
    assert.deepEqual(run([[entry(0, 'a', true), entry(1, 'a', false)]]).changes, ['-'], 'raised and gone in one event: no alarm at all');
  });

  test('an entry older than the newest seen for its VNFC (out of order, redelivered) changes nothing', () => {
    const { state } = run([[entry(0, 'a', true)], [entry(2, 'a', false)]]);
    assert.deepEqual(run([[entry(1, 'a', true)]], state).changes, ['-'], 'a late raise does not come back');
    assert.deepEqual(run([[entry(3, 'a', true)]], state).changes, ['raise'], 'a newer one does');
  });

  test('a clear without an alarm (after a restart of the engine) keeps nothing', () => {
    assert.deepEqual(correlateCapacity(undefined, [entry(0, 'a', false)]), { state: undefined, change: { kind: 'none' } });
  });

  test('malformed entries are ignored', () => {
    const good = entry(0, 'a', true);
    assert.deepEqual(migrationCapacityEntries([good, { ...good, needed: null }, { ...good, ts: 'yesterday' }, 'x', null]), [good]);
    assert.deepEqual(migrationCapacityEntries({ not: 'an array' }), []);
  });
});
