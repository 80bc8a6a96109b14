import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planRow, transition, groupByKey } from '../../fault-mgmt/alertmanager/alert-transition.ts';
import type { NormalisedAlert } from '../../fault-mgmt/alertmanager/alertmanager-webhook.parser.ts';

const alert = (status: 'firing' | 'resolved', over: Partial<NormalisedAlert> = {}): NormalisedAlert => ({
  fingerprint: 'fp1',
  status,
  startsAt: '2026-11-25T15:18:08.255021Z',
  endsAt: status === 'resolved' ? '2026-11-25T15:30:00.000000Z' : null,
  labels: { alertname: 'A' },
  annotations: {},
  receiver: 'vnfm',
  generatorURL: null,
  functionType: null,
  vnfInstanceId: null,
  ...over,
});

test('first notification: a firing alert is new, a resolved one is stored resolved', () => {
  assert.deepEqual(transition(undefined, alert('firing')), { next: { status: 'firing', endsAt: null }, outcome: 'new', changed: true });
  assert.deepEqual(transition(undefined, alert('resolved')), {
    next: { status: 'resolved', endsAt: '2026-11-25T15:30:00.000000Z' },
    outcome: 'resolved',
    changed: true,
  });
});

test('firing again is a duplicate; resolved after firing resolves; nothing re-opens a resolved alert', () => {
  const firing = { status: 'firing' as const, endsAt: null };
  const resolved = { status: 'resolved' as const, endsAt: '2026-11-25T15:30:00.000000Z' };
  assert.deepEqual(transition(firing, alert('firing')), { next: firing, outcome: 'duplicate', changed: false });
  assert.deepEqual(transition(firing, alert('resolved')), { next: resolved, outcome: 'resolved', changed: true });
  assert.deepEqual(transition(resolved, alert('firing')), { next: resolved, outcome: 'duplicate', changed: false });
  const later = alert('resolved', { endsAt: '2026-11-25T16:00:00.000000Z' });
  assert.deepEqual(transition(resolved, later), { next: resolved, outcome: 'duplicate', changed: false });
});

test('several notifications of one alert in a body fold in order', () => {
  const inserted = planRow([alert('firing'), alert('firing'), alert('resolved'), alert('firing')], undefined, true);
  assert.deepEqual(inserted.outcomes, ['new', 'duplicate', 'resolved', 'duplicate']);
  assert.equal(inserted.plan.receipts, 3);
  assert.equal(inserted.plan.changed, true);
  assert.deepEqual(inserted.plan.final, { status: 'resolved', endsAt: '2026-11-25T15:30:00.000000Z' });
  assert.deepEqual(inserted.plan.changes.map((a) => a.status), ['firing', 'resolved']);

  const repeated = planRow([alert('firing')], { status: 'firing', endsAt: null }, false);
  assert.deepEqual(repeated.outcomes, ['duplicate']);
  assert.equal(repeated.plan.receipts, 1);
  assert.equal(repeated.plan.changed, false);
  assert.deepEqual(repeated.plan.changes, []);
});

test('alerts are grouped by fingerprint and startsAt, keeping body indexes', () => {
  const groups = groupByKey([alert('firing'), alert('firing', { fingerprint: 'fp2' }), alert('resolved'), alert('firing', { startsAt: '2026-11-25T16:00:00.000000Z' })]);
  assert.deepEqual([...groups.values()].map((g) => g.indexes), [[0, 2], [1], [3]]);
});
