import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { startFmApp, type FmApp } from '../support/fm-app.ts';
import { FM_ENTITIES, OTHER_VNF_ID, scoringRound, SERVER_ID, VNF_ID, VNFC_ID, vmEvents, vnffmAlert } from '../support/fm-inputs.ts';

// SOL003 7.4.2 / 7.4.3 and Tacker vnffm_v1 index/show/update, through the real
// middleware and the response validation against api/openapi/vnffm.yaml.
const V = { Version: '1.3.0' };
const MERGE_PATCH = 'application/merge-patch+json';
let h: FmApp;
const ids: Record<string, string> = {};

before(async () => {
  h = await startFmApp({ entities: FM_ENTITIES, env: { VNFM_PAGE_SIZE: '2' } });
  const c = h.fm.correlation;
  await h.t.db.transaction(async (tx) => {
    await c.onFailureScores(tx, [...scoringRound(0, 0.93), ...scoringRound(0, 0.2, OTHER_VNF_ID)]);
    await c.onMonitoringEvents(tx, vmEvents('s1ap_broken_pipe', [Date.parse('2026-11-25T15:00:03Z') / 1000]));
    await c.onAlert(tx, { ...vnffmAlert({ severity: 'MINOR' }), vnfInstanceId: OTHER_VNF_ID, tacker: { ...vnffmAlert().tacker!, vnfInstanceId: OTHER_VNF_ID, perceivedSeverity: 'MINOR' } });
  });
  const all = await request(h.app).get('/vnffm/v1/alarms?filter=(neq,id,x)').set(V);
  for (const a of all.body) ids[a.probableCause] = a.id;
  const next = await request(h.app).get('/vnffm/v1/alarms?filter=(eq,probableCause,T3413 expired)').set(V);
  ids['T3413 expired'] = next.body[0]?.id;
});
after(async () => {
  await h?.close();
});

const list = (query = '') => request(h.app).get(`/vnffm/v1/alarms${query}`).set(V);
/** Every page of a list request, following Link rel="next". */
async function listAll(query: string): Promise<{ probableCause: string }[]> {
  const out: { probableCause: string }[] = [];
  let path: string | undefined = `/vnffm/v1/alarms${query}`;
  while (path) {
    const res: request.Response = await request(h.app).get(path).set(V);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    out.push(...res.body);
    const next = /<([^>]+)>; rel="next"/.exec(res.headers.link ?? '')?.[1];
    path = next ? new URL(next).pathname + new URL(next).search : undefined;
  }
  return out;
}
const patch = (id: string, body: unknown, type = MERGE_PATCH) =>
  request(h.app).patch(`/vnffm/v1/alarms/${id}`).set(V).set('Content-Type', type).send(JSON.stringify(body));

describe('GET /vnffm/v1/alarms', () => {
  test('lists the alarms the inputs raised, paged with Link rel="next"', async () => {
    const first = await list();
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.version, '1.3.0');
    assert.equal(first.body.length, 2);
    const link = /<([^>]+)>; rel="next"/.exec(first.headers.link ?? '');
    assert.ok(link, `Link header: ${first.headers.link}`);
    const second = await request(h.app).get(new URL(link[1]).pathname + new URL(link[1]).search).set(V);
    assert.equal(second.status, 200);
    assert.deepEqual(
      [...first.body, ...second.body].map((a: { probableCause: string }) => a.probableCause).sort(),
      ['PREDICTED_FAILURE', 'S1AP_BROKEN_PIPE', 'T3413 expired'],
    );
  });

  test('the predicted-failure alarm: CRITICAL for 0.93, the VNFC and its server, links', async () => {
    const res = await list('?filter=(eq,probableCause,PREDICTED_FAILURE)');
    assert.equal(res.body.length, 1);
    const a = res.body[0];
    assert.equal(a.managedObjectId, VNF_ID);
    assert.equal(a.perceivedSeverity, 'CRITICAL');
    assert.equal(a.eventType, 'EQUIPMENT_ALARM');
    assert.equal(a.ackState, 'UNACKNOWLEDGED');
    assert.deepEqual(a.vnfcInstanceIds, [VNFC_ID]);
    assert.deepEqual(a.rootCauseFaultyResource, { faultyResource: { resourceId: SERVER_ID, vimLevelResourceType: 'OS::Nova::Server' }, faultyResourceType: 'COMPUTE' });
    assert.equal(a._links.self.href, `${h.url}/vnffm/v1/alarms/${a.id}`);
    assert.equal(a._links.objectInstance.href, `${h.url}/vnflcm/v2/vnf_instances/${VNF_ID}`);
  });

  test('filters on the attributes SOL003 requires, and others, in the database', async () => {
    const cases: [string, string[]][] = [
      [`(eq,managedObjectId,${VNF_ID})`, ['PREDICTED_FAILURE', 'S1AP_BROKEN_PIPE']],
      [`(eq,id,${ids.S1AP_BROKEN_PIPE})`, ['S1AP_BROKEN_PIPE']],
      ['(eq,perceivedSeverity,CRITICAL)', ['PREDICTED_FAILURE']],
      ['(in,perceivedSeverity,MAJOR,MINOR)', ['S1AP_BROKEN_PIPE', 'T3413 expired']],
      ['(eq,eventType,COMMUNICATIONS_ALARM)', ['S1AP_BROKEN_PIPE']],
      ['(neq,probableCause,PREDICTED_FAILURE)', ['S1AP_BROKEN_PIPE', 'T3413 expired']],
      // The alert's VNFC is not a VNFC of the other VNF in the registry: no faulty resource.
      ['(eq,rootCauseFaultyResource/faultyResourceType,COMPUTE)', ['PREDICTED_FAILURE', 'S1AP_BROKEN_PIPE']],
      [`(eq,vnfcInstanceIds,${VNFC_ID});(eq,ackState,UNACKNOWLEDGED)`, ['PREDICTED_FAILURE', 'S1AP_BROKEN_PIPE', 'T3413 expired']],
      ['(cont,faultDetails,fingerprint)', ['T3413 expired']],
      ['(eq,perceivedSeverity,WARNING)', []],
    ];
    for (const [filter, want] of cases) {
      const items = await listAll(`?filter=${encodeURIComponent(filter)}`);
      assert.deepEqual(items.map((a) => a.probableCause).sort(), want, filter);
    }
  });

  test('invalid filters, unknown parameters and bad markers are 400 ProblemDetails', async () => {
    for (const q of ['?filter=(eq,perceivedSeverity)', '?filter=(foo,a,b)', '?filter=eq,a,b', '?sort=id', '?nextpage_opaque_marker=zzz']) {
      const res = await list(q);
      assert.equal(res.status, 400, `${q}: ${res.text}`);
      assert.match(res.headers['content-type'], /application\/problem\+json/);
      assert.equal(res.body.status, 400);
      assert.ok(res.body.detail);
    }
  });

  test('other methods are 405', async () => {
    for (const method of ['post', 'put', 'delete'] as const) {
      const res = await request(h.app)[method]('/vnffm/v1/alarms').set(V).set('Content-Type', 'application/json').send('{}');
      assert.equal(res.status, 405, `${method}: ${res.text}`);
    }
  });
});

describe('GET /vnffm/v1/alarms/{alarmId}', () => {
  test('200 with the alarm and an ETag', async () => {
    const res = await request(h.app).get(`/vnffm/v1/alarms/${ids.S1AP_BROKEN_PIPE}`).set(V);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, ids.S1AP_BROKEN_PIPE);
    assert.equal(res.body.perceivedSeverity, 'MAJOR');
    assert.match(res.headers.etag, /^"[A-Za-z0-9_-]+"$/);
  });

  test('an unknown id, or one that is not a UUID, is 404 ProblemDetails', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await request(h.app).get(`/vnffm/v1/alarms/${id}`).set(V);
      assert.equal(res.status, 404, res.text);
      assert.equal(res.body.detail, `Alarm ${id} not found.`);
    }
  });
});

describe('PATCH /vnffm/v1/alarms/{alarmId} (acknowledge)', () => {
  test('merge patch ACKNOWLEDGED: 200 with the modifications, then the same state again is 409', async () => {
    const id = ids.PREDICTED_FAILURE;
    const res = await patch(id, { ackState: 'ACKNOWLEDGED' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { ackState: 'ACKNOWLEDGED' });
    const shown = await request(h.app).get(`/vnffm/v1/alarms/${id}`).set(V);
    assert.equal(shown.body.ackState, 'ACKNOWLEDGED');
    assert.ok(!Number.isNaN(Date.parse(shown.body.alarmAcknowledgedTime)));
    assert.equal(res.headers.etag, shown.headers.etag, 'the PATCH answers the new ETag');

    const again = await patch(id, { ackState: 'ACKNOWLEDGED' });
    assert.equal(again.status, 409, again.text);
    assert.match(again.headers['content-type'], /application\/problem\+json/);
    assert.match(again.body.detail, /already ACKNOWLEDGED/);
  });

  test('UNACKNOWLEDGED takes it back and removes alarmAcknowledgedTime; application/json (the Tacker CLI) works too', async () => {
    const id = ids.PREDICTED_FAILURE;
    const res = await patch(id, { ackState: 'UNACKNOWLEDGED' }, 'application/json');
    assert.equal(res.status, 200, res.text);
    const shown = await request(h.app).get(`/vnffm/v1/alarms/${id}`).set(V);
    assert.equal(shown.body.ackState, 'UNACKNOWLEDGED');
    assert.equal(shown.body.alarmAcknowledgedTime, undefined);
  });

  test('If-Match: a stale ETag is 412 and changes nothing; the current one is accepted', async () => {
    const id = ids['T3413 expired'];
    const before = await request(h.app).get(`/vnffm/v1/alarms/${id}`).set(V);
    const stale = await patch(id, { ackState: 'ACKNOWLEDGED' }).set('If-Match', '"stale"');
    assert.equal(stale.status, 412, stale.text);
    assert.equal(stale.body.status, 412);
    const unchanged = await request(h.app).get(`/vnffm/v1/alarms/${id}`).set(V);
    assert.equal(unchanged.body.ackState, 'UNACKNOWLEDGED');
    const ok = await patch(id, { ackState: 'ACKNOWLEDGED' }).set('If-Match', before.headers.etag);
    assert.equal(ok.status, 200, ok.text);
  });

  test('bad bodies are 400, other media types 415, unknown alarms 404; nothing changes', async () => {
    const id = ids.S1AP_BROKEN_PIPE;
    for (const body of [{}, { ackState: 'DONE' }, { ackState: 'ACKNOWLEDGED', perceivedSeverity: 'MINOR' }, ['ACKNOWLEDGED']]) {
      const res = await patch(id, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
    }
    const text = await request(h.app).patch(`/vnffm/v1/alarms/${id}`).set(V).set('Content-Type', 'text/plain').send('ackState=ACKNOWLEDGED');
    assert.equal(text.status, 415, text.text);
    const missing = await patch('00000000-0000-4000-8000-000000000000', { ackState: 'ACKNOWLEDGED' });
    assert.equal(missing.status, 404, missing.text);
    const shown = await request(h.app).get(`/vnffm/v1/alarms/${id}`).set(V);
    assert.equal(shown.body.ackState, 'UNACKNOWLEDGED');
  });

  test('POST, PUT and DELETE on an alarm are 405', async () => {
    for (const method of ['post', 'put', 'delete'] as const) {
      const res = await request(h.app)[method](`/vnffm/v1/alarms/${ids.S1AP_BROKEN_PIPE}`).set(V).set('Content-Type', 'application/json').send('{}');
      assert.equal(res.status, 405, `${method}: ${res.text}`);
    }
  });
});
