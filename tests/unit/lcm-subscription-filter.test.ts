import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadRequest } from '../../platform/http/problem-details.ts';
import {
  lcmSubscriptionMatcher,
  matchesLcmFilter,
  type LcmNotificationSubject,
  type LifecycleChangeNotificationsFilter,
} from '../../lcm/subscriptions/lcm-subscription-filter.ts';
import { parseLccnSubscriptionRequest } from '../../lcm/subscriptions/lcm-subscription-request.ts';
import { credentialOf } from '../../platform/sol/subscriptions/subscription-authentication.ts';

const instance = {
  id: '5b0b3a2e-6d7e-4a5c-9f0e-2a3b4c5d6e7f',
  vnfInstanceName: 'vnf-a',
  vnfdId: 'vnfd-1',
  vnfProvider: 'Company',
  vnfProductName: 'Sample VNF',
  vnfSoftwareVersion: '1.0',
  vnfdVersion: '1.1',
};

function opOcc(operation: string, operationState: string, inst: LcmNotificationSubject['vnfInstance'] = instance): LcmNotificationSubject {
  return { notificationType: 'VnfLcmOperationOccurrenceNotification', operation, operationState, vnfInstance: inst };
}
const creation: LcmNotificationSubject = { notificationType: 'VnfIdentifierCreationNotification', vnfInstance: instance };

const matches = (filter: LifecycleChangeNotificationsFilter | undefined, s: LcmNotificationSubject) => matchesLcmFilter(filter, s);

test('no filter, or an empty one, matches every notification', () => {
  assert.ok(matches(undefined, opOcc('HEAL', 'STARTING')));
  assert.ok(matches({}, creation));
});

test('notificationTypes, operationTypes and operationStates: any listed value, all attributes', () => {
  const f = { notificationTypes: ['VnfLcmOperationOccurrenceNotification'], operationTypes: ['HEAL', 'SCALE'], operationStates: ['COMPLETED'] };
  assert.ok(matches(f, opOcc('HEAL', 'COMPLETED')));
  assert.ok(matches(f, opOcc('SCALE', 'COMPLETED')));
  assert.ok(!matches(f, opOcc('HEAL', 'STARTING')), 'state not listed');
  assert.ok(!matches(f, opOcc('TERMINATE', 'COMPLETED')), 'operation not listed');
  assert.ok(!matches(f, creation), 'notification type not listed');
});

// Tacker get_matched_subscs: operation filters do not apply to identifier notifications.
test('operationTypes/operationStates do not exclude identifier creation/deletion notifications', () => {
  assert.ok(matches({ operationTypes: ['HEAL'], operationStates: ['COMPLETED'] }, creation));
});

test('vnfInstanceSubscriptionFilter: ids, names and vnfdIds', () => {
  assert.ok(matches({ vnfInstanceSubscriptionFilter: { vnfInstanceIds: [instance.id] } }, creation));
  assert.ok(!matches({ vnfInstanceSubscriptionFilter: { vnfInstanceIds: ['other'] } }, creation));
  assert.ok(matches({ vnfInstanceSubscriptionFilter: { vnfInstanceNames: ['x', 'vnf-a'] } }, creation));
  assert.ok(!matches({ vnfInstanceSubscriptionFilter: { vnfInstanceNames: ['x'] } }, creation));
  const unnamed = { ...instance, vnfInstanceName: undefined };
  assert.ok(!matches({ vnfInstanceSubscriptionFilter: { vnfInstanceNames: ['vnf-a'] } }, opOcc('HEAL', 'STARTING', unnamed)));
  assert.ok(matches({ vnfInstanceSubscriptionFilter: { vnfdIds: ['vnfd-1'] } }, creation));
  assert.ok(!matches({ vnfInstanceSubscriptionFilter: { vnfdIds: ['vnfd-2'] } }, creation));
  assert.ok(!matches({ vnfInstanceSubscriptionFilter: { vnfdIds: ['vnfd-1'], vnfInstanceIds: ['other'] } }, creation), 'AND across attributes');
});

test('vnfProductsFromProviders: provider, then product, then software and VNFD versions', () => {
  const m = (p: unknown) => matches({ vnfInstanceSubscriptionFilter: { vnfProductsFromProviders: p as never } }, creation);
  assert.ok(m([{ vnfProvider: 'Company' }]));
  assert.ok(!m([{ vnfProvider: 'Other' }]));
  assert.ok(m([{ vnfProvider: 'Other' }, { vnfProvider: 'Company' }]), 'any provider entry');
  assert.ok(m([{ vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Sample VNF' }] }]));
  assert.ok(!m([{ vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Other VNF' }] }]));
  const product = (versions: unknown) => [{ vnfProvider: 'Company', vnfProducts: [{ vnfProductName: 'Sample VNF', versions }] }];
  assert.ok(m(product([{ vnfSoftwareVersion: '1.0' }])));
  assert.ok(!m(product([{ vnfSoftwareVersion: '2.0' }])));
  assert.ok(m(product([{ vnfSoftwareVersion: '1.0', vnfdVersions: ['1.0', '1.1'] }])));
  assert.ok(!m(product([{ vnfSoftwareVersion: '1.0', vnfdVersions: ['1.0'] }])));
});

test('lcmSubscriptionMatcher reads the filter of a stored subscription', () => {
  const sub = (filter?: unknown) => ({ id: 's', callbackUri: 'http://x', filter, _links: { self: { href: 'h' } } });
  const matcher = lcmSubscriptionMatcher(opOcc('HEAL', 'COMPLETED'));
  assert.ok(matcher(sub()));
  assert.ok(matcher(sub({ operationTypes: ['HEAL'] })));
  assert.ok(!matcher(sub({ operationTypes: ['SCALE'] })));
});

function rejects(body: unknown, detail: RegExp): void {
  assert.throws(() => parseLccnSubscriptionRequest(body), (err: unknown) => err instanceof BadRequest && detail.test(err.detail));
}

test('a LccnSubscriptionRequest is checked: callbackUri, verbosity and filter values', () => {
  const ok = parseLccnSubscriptionRequest({ callbackUri: 'http://127.0.0.1/cb' });
  assert.deepEqual(ok, { callbackUri: 'http://127.0.0.1/cb', filter: undefined, verbosity: 'FULL', authentication: undefined });
  rejects(undefined, /body must be an object/);
  rejects([], /body must be an object/);
  rejects({}, /callbackUri/);
  rejects({ callbackUri: 'not a uri' }, /callbackUri is not an absolute URI/);
  rejects({ callbackUri: 'ftp://host/x' }, /http or https/);
  rejects({ callbackUri: 'http://user:pw@host/x' }, /must not contain user information/);
  rejects({ callbackUri: 'http://h/x', verbosity: 'LONG' }, /verbosity/);
  rejects({ callbackUri: 'http://h/x', filter: { operationTypes: 'HEAL' } }, /filter.operationTypes must be an array/);
  rejects({ callbackUri: 'http://h/x', filter: { operationStates: ['DONE'] } }, /invalid value "DONE"/);
  rejects({ callbackUri: 'http://h/x', filter: { notificationTypes: ['AlarmNotification'] } }, /notificationTypes/);
  rejects(
    { callbackUri: 'http://h/x', filter: { vnfInstanceSubscriptionFilter: { vnfProductsFromProviders: [{}] } } },
    /vnfProductsFromProviders\[0\]\.vnfProvider/,
  );
});

test('unknown filter attributes are not stored', () => {
  const r = parseLccnSubscriptionRequest({ callbackUri: 'http://h/x', filter: { operationTypes: ['HEAL'], junk: 1 } });
  assert.deepEqual(r.filter, { operationTypes: ['HEAL'] });
});

test('authentication: each listed authType needs its params; secrets are never quoted', () => {
  const body = (authentication: unknown) => ({ callbackUri: 'http://h/x', authentication });
  rejects(body({ authType: ['BASIC'] }), /paramsBasic must be given/);
  rejects(body({ authType: ['OAUTH2_CLIENT_CREDENTIALS'], paramsBasic: { userName: 'u', password: 'p' } }), /paramsOauth2ClientCredentials/);
  rejects(body({ authType: [] }), /non-empty array/);
  rejects(body({ authType: ['TLS_CERT'] }), /TLS_CERT is not supported/);
  rejects(body({ authType: ['NONE'] }), /not valid/);
  rejects(body({ authType: ['BASIC'], paramsBasic: { userName: 'u' } }), /paramsBasic.password/);
  rejects(
    body({ authType: ['OAUTH2_CLIENT_CREDENTIALS'], paramsOauth2ClientCredentials: { clientId: 'c', clientPassword: 's3cret', tokenEndpoint: 'nope' } }),
    /tokenEndpoint is not an absolute URI/,
  );
  try {
    parseLccnSubscriptionRequest(body({ authType: ['BASIC'], paramsBasic: { userName: 'u', password: 7 } }));
    assert.fail('accepted a numeric password');
  } catch (err) {
    assert.ok(err instanceof BadRequest && !String(err.detail).includes('7'), 'the value is not echoed');
  }
});

test('with both BASIC and OAUTH2_CLIENT_CREDENTIALS, notifications use OAuth 2.0 (as Tacker)', () => {
  const r = parseLccnSubscriptionRequest({
    callbackUri: 'http://h/x',
    authentication: {
      authType: ['BASIC', 'OAUTH2_CLIENT_CREDENTIALS'],
      paramsBasic: { userName: 'u', password: 'p' },
      paramsOauth2ClientCredentials: { clientId: 'c', clientPassword: 's', tokenEndpoint: 'http://h/token' },
    },
  });
  assert.equal(credentialOf(r.authentication).kind, 'oauth2');
  assert.equal(credentialOf({ authType: ['BASIC'], paramsBasic: { userName: 'u', password: 'p' } }).kind, 'basic');
  assert.equal(credentialOf(undefined).kind, 'none');
});
