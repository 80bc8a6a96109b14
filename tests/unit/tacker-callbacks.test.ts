/**
 * Our callback endpoints for Tacker: the GET test answers 204; Basic credentials or our own
 * OAuth 2.0 bearer tokens are checked (401 otherwise, with a challenge); a bad notification is
 * a 400 ProblemDetails and changes nothing; a good one updates op states, instances and the
 * registry, and an operation's end is announced for the decision engine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import express, { type Express } from 'express';
import request from 'supertest';
import { authenticateRequests, noAuthentication } from '../../platform/http/auth/authenticator.ts';
import { createOAuth2Authenticator } from '../../platform/http/auth/oauth2.authenticator.ts';
import { problemHandler } from '../../platform/http/error.middleware.ts';
import { createLogger } from '../../platform/logger.ts';
import type { LcmOperationStatus } from '../../lcm/engine/lcm.port.ts';
import { createTackerCallbacks } from '../../vnfm-plugin/tacker/tacker-callbacks.service.ts';
import { tackerCallbacksRouter } from '../../vnfm-plugin/tacker/tacker-callbacks.routes.ts';
import { FakeTacker, MemoryTackerStore, tackerInstance } from '../support/tacker-fakes.ts';

const log = createLogger('silent');
const BASIC = { username: 'tacker', password: 'cb-s3cret' };
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const work = mkdtempSync(path.join(tmpdir(), 'vnfm-tacker-cb-'));
after(() => rmSync(work, { recursive: true, force: true }));

function world() {
  const tacker = new FakeTacker();
  const store = new MemoryTackerStore();
  const announced: LcmOperationStatus[] = [];
  const callbacks = createTackerCallbacks({
    store,
    registry: { replace: async () => undefined },
    linkOf: () => ({ tacker, hostsOf: async () => new Map() }),
    announce: async (op) => void announced.push(op),
    log,
  });
  return { tacker, store, announced, callbacks };
}

function app(w: ReturnType<typeof world>, opts: { basic?: typeof BASIC; authenticate?: express.RequestHandler; apiMode?: 'none' | 'oauth2' } = {}): Express {
  const a = express();
  a.use(
    '/tacker-callbacks/v1',
    tackerCallbacksRouter(
      { callbacks: w.callbacks, basic: opts.basic, apiMode: opts.apiMode ?? 'none', bodyLimit: '1mb' },
      opts.authenticate ?? authenticateRequests(noAuthentication, log),
    ),
  );
  a.use(problemHandler);
  return a;
}

const opNotification = (state: string, over: Record<string, unknown> = {}) => ({
  id: `n-${state}`,
  notificationType: 'VnfLcmOperationOccurrenceNotification',
  subscriptionId: 'sub-1',
  timeStamp: new Date(Date.UTC(2026, 10, 26, 5, 0, ['STARTING', 'PROCESSING', 'COMPLETED'].indexOf(state))).toISOString(),
  notificationStatus: state === 'STARTING' ? 'START' : 'RESULT',
  operationState: state,
  vnfInstanceId: 'i1',
  operation: 'SCALE',
  isAutomaticInvocation: false,
  vnfLcmOpOccId: 'op-1',
  verbosity: 'FULL',
  _links: { vnfInstance: { href: 'http://tacker/vnflcm/v2/vnf_instances/i1' }, subscription: { href: 'x' } },
  ...over,
});

describe('Basic-authenticated callbacks', () => {
  test('GET test: 204 with the credentials, 401 without or with wrong ones', async () => {
    const a = app(world(), { basic: BASIC });
    await request(a).get('/tacker-callbacks/v1/lcm').set('Authorization', basic('tacker', 'cb-s3cret')).expect(204);
    await request(a).get('/tacker-callbacks/v1/fm').set('Authorization', basic('tacker', 'cb-s3cret')).expect(204);
    const none = await request(a).get('/tacker-callbacks/v1/lcm').expect(401);
    assert.match(none.headers['www-authenticate'], /^Basic /);
    assert.match(none.headers['content-type'], /application\/problem\+json/);
    const wrong = await request(a).post('/tacker-callbacks/v1/lcm').set('Authorization', basic('tacker', 'nope')).send(opNotification('STARTING')).expect(401);
    assert.ok(!JSON.stringify(wrong.body).includes('cb-s3cret'));
    await request(a).get('/tacker-callbacks/v1/lcm').set('Authorization', 'Bearer abc').expect(401);
  });

  test('bad notifications are 400 and change nothing; other methods 405, other media types 415', async () => {
    const w = world();
    const a = app(w, { basic: BASIC });
    const auth = basic('tacker', 'cb-s3cret');
    for (const body of [
      { ...opNotification('STARTING'), operationState: 'DONE' },
      { ...opNotification('STARTING'), vnfInstanceId: 7 },
      { ...opNotification('STARTING'), timeStamp: 'yesterday' },
      { ...opNotification('STARTING'), notificationType: 'AlarmNotification' },
      [opNotification('STARTING')],
    ]) {
      const r = await request(a).post('/tacker-callbacks/v1/lcm').set('Authorization', auth).send(body).expect(400);
      assert.equal(r.body.status, 400);
      assert.ok(r.body.detail);
    }
    await request(a).post('/tacker-callbacks/v1/lcm').set('Authorization', auth).set('Content-Type', 'application/json').send('{"id":').expect(400);
    await request(a).post('/tacker-callbacks/v1/fm').set('Authorization', auth).send({ notificationType: 'AlarmNotification', id: 'n', timeStamp: '2026-11-26T05:00:00Z', alarm: { id: 'a1' } }).expect(400);
    await request(a).post('/tacker-callbacks/v1/lcm').set('Authorization', auth).set('Content-Type', 'text/plain').send('hello').expect(415);
    await request(a).put('/tacker-callbacks/v1/lcm').set('Authorization', auth).send({}).expect(405);
    assert.equal(w.store.operations.size, 0);
    assert.equal(w.announced.length, 0);
  });

  test('an operation followed from START to RESULT; its end re-reads the instance and is announced', async () => {
    const w = world();
    const a = app(w, { basic: BASIC });
    const auth = basic('tacker', 'cb-s3cret');
    await w.store.saveRegistration({ tackerUrl: 'http://tacker', access: { kind: 'none' }, credentialsRef: undefined, callbackBase: 'http://p', callbackAuth: 'basic', callbackClientId: undefined, lcmSubscriptionId: 'sub-1', fmSubscriptionId: 'sub-2' });
    w.tacker.instances.set('i1', tackerInstance('i1', [{ vnfc: 'VDU1-s1', server: 's1', host: 'compute-a' }, { vnfc: 'VDU1-s2', server: 's2', host: 'compute-b' }]));
    await request(a).post('/tacker-callbacks/v1/lcm').set('Authorization', auth).send(opNotification('STARTING')).expect(204);
    assert.equal((await w.store.unfinishedOperation('i1'))?.operation, 'SCALE', 'a Tacker SCALE holds the instance');
    await request(a).post('/tacker-callbacks/v1/lcm').set('Authorization', auth).send(opNotification('COMPLETED')).expect(204);
    // A late PROCESSING does not bring the operation back.
    await request(a).post('/tacker-callbacks/v1/lcm').set('Authorization', auth).send(opNotification('PROCESSING')).expect(204);
    assert.equal(await w.store.unfinishedOperation('i1'), undefined);
    assert.deepEqual((await w.store.getInstance('i1'))?.vnfcs.map((c) => c.serverId), ['s1', 's2']);
    assert.deepEqual(w.announced.map((o) => [o.vnfLcmOpOccId, o.operationState]), [['op-1', 'COMPLETED']]);

    await request(a).post('/tacker-callbacks/v1/lcm').set('Authorization', auth)
      .send({ id: 'n-del', notificationType: 'VnfIdentifierDeletionNotification', subscriptionId: 'sub-1', timeStamp: '2026-11-26T05:01:00Z', vnfInstanceId: 'i1' }).expect(204);
    assert.equal(await w.store.getInstance('i1'), undefined);

    const alarm = { id: 'n-a', notificationType: 'AlarmNotification', subscriptionId: 'sub-2', timeStamp: '2026-11-26T05:02:00Z', alarm: { id: 'a1', managedObjectId: 'i1', perceivedSeverity: 'MAJOR' } };
    await request(a).post('/tacker-callbacks/v1/fm').set('Authorization', auth).send(alarm).expect(204);
    assert.ok(await w.store.getInstance('i1'), 'an alarm about an instance we did not know makes us read it');
    await request(a).post('/tacker-callbacks/v1/fm').set('Authorization', auth)
      .send({ id: 'n-c', notificationType: 'AlarmClearedNotification', timeStamp: '2026-11-26T05:03:00Z', alarmId: 'a1', alarmClearedTime: '2026-11-26T05:03:00Z' }).expect(204);
  });
});

test('OAuth 2.0: bearer tokens of our token endpoint pass; Basic is refused when not configured', async () => {
  const oauth2 = await createOAuth2Authenticator({ clients: new Map([['tacker', 'client-s3cret']]), tokenSecret: 'k'.repeat(32), tokenTtlSeconds: 60, dataDir: work, log });
  const a = app(world(), { authenticate: authenticateRequests(oauth2, log), apiMode: 'oauth2' });
  const tokenApp = express().use(oauth2.tokenEndpoint!);
  const token = (await request(tokenApp).post('/token').set('Authorization', basic('tacker', 'client-s3cret')).type('form').send({ grant_type: 'client_credentials' }).expect(200)).body.access_token;
  await request(a).get('/tacker-callbacks/v1/lcm').set('Authorization', `Bearer ${token}`).expect(204);
  await request(a).get('/tacker-callbacks/v1/lcm').set('Authorization', `Bearer ${token}x`).expect(401);
  await request(a).get('/tacker-callbacks/v1/lcm').expect(401);
  await request(a).get('/tacker-callbacks/v1/lcm').set('Authorization', basic('tacker', 'client-s3cret')).expect(401);
});
