import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { headroomOf, pagingRateOf, shouldNotify } from '../../fault-mgmt/indicators/indicator-catalogue.ts';
import { matchesIndicatorFilter } from '../../fault-mgmt/indicators/indicator-subscription.ts';

describe('VnfIndicatorValueChangeNotification: deadband and minimum interval', () => {
  const deadband = 0.05;
  const interval = 60;

  test('the first value is notified', () => {
    assert.equal(shouldNotify(undefined, 0.2, 1000, deadband, interval), true);
  });

  test('changes smaller than the deadband are not notified, however many', () => {
    let last = { value: 0.2, at: 0 };
    let sent = 0;
    for (let i = 0; i < 100; i++) {
      const value = 0.2 + (i % 2 ? 0.04 : -0.04); // jitter inside the band
      if (shouldNotify(last, value, 1000 + i * 5, deadband, interval)) {
        sent++;
        last = { value, at: 1000 + i * 5 };
      }
    }
    assert.equal(sent, 0);
  });

  test('a slow drift is notified once it adds up to the deadband (compared with the last NOTIFIED value)', () => {
    const last = { value: 0.2, at: 0 };
    assert.equal(shouldNotify(last, 0.24, 1000, deadband, interval), false);
    assert.equal(shouldNotify(last, 0.25, 1000, deadband, interval), true);
  });

  test('no storms: a flapping value is notified at most once per minimum interval', () => {
    let last: { value: number; at: number } | undefined;
    const sent: number[] = [];
    for (let t = 0; t < 600; t += 5) {
      const value = (t / 5) % 2 ? 0.9 : 0.1; // flaps every 5 s by far more than the deadband
      if (shouldNotify(last, value, t, deadband, interval)) {
        sent.push(t);
        last = { value, at: t };
      }
    }
    assert.equal(sent.length, 10, `sent at ${sent.join(', ')}`);
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i] - sent[i - 1] >= interval);
  });

  test('the same value again is never notified, even with a zero deadband', () => {
    assert.equal(shouldNotify({ value: 3, at: 0 }, 3, 1000, 0, 0), false);
    assert.equal(shouldNotify({ value: 3, at: 0 }, 3.1, 1000, 0, 0), true);
  });
});

describe('indicator values', () => {
  test('hostHeadroom is 100 minus the higher upper forecast at 5 minutes, within 0..100', () => {
    assert.equal(headroomOf({ upper: { cpu: { h5: 70 }, mem: { h5: 40 } } }), 30);
    assert.equal(headroomOf({ upper: { cpu: null, mem: { h5: 120 } } }), 0);
    assert.equal(headroomOf({ upper: { cpu: null, mem: null } }), null);
  });

  test('pagingFailureRate is the mean per minute; minutes without data count as none', () => {
    assert.equal(pagingRateOf([2, 0, null, 4, 4]), 2);
    assert.equal(pagingRateOf([]), 0);
  });
});

describe('VnfIndicatorNotificationsFilter (SOL003 8.5.3.2)', () => {
  const vnfInstance = {
    id: 'v1', vnfInstanceName: 'epc', vnfdId: 'd1', vnfProvider: 'Acme', vnfProductName: 'vEPC', vnfSoftwareVersion: '1.0', vnfdVersion: '2.0',
  };
  const subject = { notificationType: 'VnfIndicatorValueChangeNotification', indicatorId: 'failureScore', vnfInstance } as const;

  test('no filter matches everything; every attribute present must match', () => {
    assert.equal(matchesIndicatorFilter(undefined, subject), true);
    assert.equal(matchesIndicatorFilter({ indicatorIds: ['failureScore', 'x'] }, subject), true);
    assert.equal(matchesIndicatorFilter({ indicatorIds: ['hostHeadroom'] }, subject), false);
    assert.equal(matchesIndicatorFilter({ notificationTypes: ['SupportedIndicatorsChangeNotification'] }, subject), false);
    assert.equal(matchesIndicatorFilter({ vnfInstanceSubscriptionFilter: { vnfInstanceIds: ['v1'] }, indicatorIds: ['failureScore'] }, subject), true);
    assert.equal(matchesIndicatorFilter({ vnfInstanceSubscriptionFilter: { vnfInstanceIds: ['v2'] } }, subject), false);
    assert.equal(matchesIndicatorFilter({ vnfInstanceSubscriptionFilter: { vnfInstanceNames: ['epc'] } }, subject), true);
    assert.equal(matchesIndicatorFilter({ vnfInstanceSubscriptionFilter: { vnfInstanceNames: ['epc'] } }, { ...subject, vnfInstance: { id: 'v1' } }), false);
  });

  test('VNFD and product filters match the facts LCM knows, and nothing for an instance it does not', () => {
    const filter = (f: object) => ({ vnfInstanceSubscriptionFilter: f });
    assert.equal(matchesIndicatorFilter(filter({ vnfdIds: ['d1', 'd9'] }), subject), true);
    assert.equal(matchesIndicatorFilter(filter({ vnfdIds: ['d9'] }), subject), false);
    assert.equal(matchesIndicatorFilter(filter({ vnfProductsFromProviders: [{ vnfProvider: 'Acme', vnfProducts: [{ vnfProductName: 'vEPC' }] }] }), subject), true);
    assert.equal(matchesIndicatorFilter(filter({ vnfProductsFromProviders: [{ vnfProvider: 'Acme', vnfProducts: [{ vnfProductName: 'vIMS' }] }] }), subject), false);
    assert.equal(matchesIndicatorFilter(filter({ vnfdIds: ['d1'] }), { ...subject, vnfInstance: { id: 'v1', vnfInstanceName: 'epc' } }), false);
  });
});
