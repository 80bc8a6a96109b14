import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { createIngestRouter } from '../../fault-mgmt/http/ingest-router.ts';
import { logRoutes } from '../../fault-mgmt/logs/logs.routes.ts';
import { loadPatternCatalogue } from '../../fault-mgmt/logs/pattern-catalogue.ts';
import type { EntityResolver, IngestBatch, IngestReceipt, MonitoringSink, ResolvedEntity } from '../../fault-mgmt/monitoring.types.ts';
import { notFoundHandler, problemHandler } from '../../platform/http/error.middleware.ts';
import { requestContext } from '../../platform/http/request-context.middleware.ts';
import { createMetrics, type PlatformMetrics } from '../../platform/metrics.ts';
import { testLog } from '../support/test-database.ts';

const NOW = Date.UTC(2026, 10, 25, 19) / 1000;
const T3413 = '2021-06-05T00:01:23.595575 [NAS    ] [I] T3413 expired -- Could not page the ue.';
const PIPE = '2021-06-05T00:05:01.000123 [S1AP   ] [E] Failed to send S1AP PDU. Error: Broken pipe ';

/** A sink that remembers batches and their ids, as the store does. */
function fakeSink() {
  const batches: IngestBatch[] = [];
  const ids = new Set<string>();
  const sink = {
    async write(batch: IngestBatch): Promise<IngestReceipt> {
      if (batch.batchId && ids.has(batch.batchId)) return { samples: 0, events: 0, duplicate: true };
      if (batch.batchId) ids.add(batch.batchId);
      batches.push(batch);
      return { samples: batch.samples.length, events: batch.events.length, duplicate: false };
    },
  } satisfies MonitoringSink;
  return { sink, batches };
}

/** Knows VM `epc-vm-1` (server id uuid-1 on compute-1, VNF vnf-1, VNFC vnfc-1). */
const resolver = {
  resolve(name: string, hint: 'host' | 'vm' = 'host'): ResolvedEntity {
    if (name === 'epc-vm-1' || name === 'uuid-1') {
      return { entity: { kind: 'vm', id: 'uuid-1' }, host: 'compute-1', vm: 'uuid-1', vnfInstanceId: 'vnf-1', vnfcInstanceId: 'vnfc-1', known: true };
    }
    return hint === 'vm' ? { entity: { kind: 'vm', id: name }, vm: name, known: false } : { entity: { kind: 'host', id: name }, host: name, known: false };
  },
  vmsOfVnf: () => [],
} satisfies EntityResolver;

let app: express.Express;
let sink: ReturnType<typeof fakeSink>;
let metrics: PlatformMetrics;

beforeEach(() => {
  sink = fakeSink();
  metrics = createMetrics();
  app = express();
  app.use(requestContext(testLog, metrics));
  app.use(
    createIngestRouter({
      auth: undefined,
      bodyLimit: '20mb',
      receivers: [
        logRoutes({ sink: sink.sink, resolver, catalogue: loadPatternCatalogue(), config: { maxFutureSeconds: 300 }, metrics, log: testLog, now: () => NOW }),
      ],
    }),
  );
  app.use(notFoundHandler);
  app.use(problemHandler);
});

const post = (body: unknown) => request(app).post('/logs').set('content-type', 'application/json').send(JSON.stringify(body));

describe('POST /logs', () => {
  test('matched lines become events of the resolved entity; unmatched lines are counted only', async () => {
    const res = await post({
      batchId: 'b1',
      host: 'compute-9',
      lines: [
        { time: NOW - 10, message: T3413 },
        { time: '2026-11-25T18:59:55.250+09:00', message: PIPE, vm: 'epc-vm-1' },
        { time: NOW - 5, message: 'Received Service Request' },
      ],
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { received: 3, events: 2, unmatched: 1, duplicate: false });
    assert.equal(sink.batches.length, 1);
    const [a, b] = sink.batches[0].events;
    assert.deepEqual(a, { ts: NOW - 10, type: 'paging_timeout', count: 1, source: 'log', host: 'compute-9', message: T3413 });
    assert.deepEqual(b, {
      ts: NOW - 5 - 9 * 3600 + 0.25,
      type: 's1ap_broken_pipe',
      count: 1,
      source: 'log',
      host: 'compute-1',
      vm: 'uuid-1',
      vnfInstanceId: 'vnf-1',
      vnfcInstanceId: 'vnfc-1',
      message: PIPE,
    });
    const text = await metrics.registry.metrics();
    assert.match(text, /vnfm_monitoring_log_lines_total\{result="event"\} 2/);
    assert.match(text, /vnfm_monitoring_log_lines_total\{result="unmatched"\} 1/);
  });

  test('a repeated batchId is answered duplicate', async () => {
    const body = { batchId: 'same', source: 'srsepc', vnfInstanceId: 'vnf-7', lines: [{ time: NOW, message: T3413 }] };
    assert.deepEqual((await post(body)).body, { received: 1, events: 1, unmatched: 0, duplicate: false });
    assert.deepEqual((await post(body)).body, { received: 1, events: 0, unmatched: 0, duplicate: true });
    assert.equal(sink.batches[0].events[0].vnfInstanceId, 'vnf-7');
    assert.equal(sink.batches[0].events[0].source, 'srsepc');
  });

  test('one invalid line rejects the whole body, with every reason indexed, and nothing is written', async () => {
    const res = await post({
      host: 'h',
      lines: [
        { time: NOW, message: T3413 },
        { time: NOW + 301, message: T3413 },
        { time: 946_684_799, message: T3413 },
        { time: '2026-11-25T18:00:00', message: T3413 },
        { time: NOW, message: 'x'.repeat(8193) },
        { time: NOW, message: 42 },
        'not an object',
        { time: NOW, message: T3413, vm: '' },
        { time: Number.MAX_VALUE, message: T3413 },
      ],
    });
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.match(res.body.detail, /^8 invalid log lines; nothing of the batch was stored \(first: #/);
    assert.equal(res.body.invalidCount, 8);
    assert.deepEqual(
      res.body.invalidEntries.map((e: { index: number }) => e.index),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.match(res.body.invalidEntries[2].reason, /ISO 8601 date-time with a zone/);
    assert.match(res.body.invalidEntries[3].reason, /longer than 8192/);
    assert.equal(sink.batches.length, 0);
    assert.match(await metrics.registry.metrics(), /vnfm_monitoring_rejected_total\{endpoint="logs",reason="invalid_entries"\} 1/);
  });

  test('lines without any entity are invalid; a line entity replaces the body entity', async () => {
    const res = await post({ lines: [{ time: NOW, message: T3413 }] });
    assert.equal(res.status, 400);
    assert.match(res.body.invalidEntries[0].reason, /no entity/);
    const ok = await post({ host: 'body-host', vnfInstanceId: 'vnf-body', lines: [{ time: NOW, message: T3413, host: 'line-host' }] });
    assert.equal(ok.status, 200);
    const e = sink.batches[0].events[0];
    assert.deepEqual([e.host, e.vnfInstanceId], ['line-host', undefined]);
  });

  test('malformed bodies are 400 ProblemDetails', async () => {
    for (const body of [[], { lines: 'x' }, { lines: [], batchId: 7 }, { lines: [], source: 'Bad Source' }, { lines: [], host: 5 }]) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(typeof res.body.detail, 'string');
    }
    const tooMany = await post({ host: 'h', lines: new Array(100_001).fill(0) });
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.detail, /at most 100000/);
    assert.equal(sink.batches.length, 0);
  });

  test('an empty batch without id writes nothing and answers zeros', async () => {
    const res = await post({ host: 'h', lines: [{ time: NOW, message: 'nothing to see' }] });
    assert.deepEqual(res.body, { received: 1, events: 0, unmatched: 1, duplicate: false });
    assert.equal(sink.batches.length, 0);
  });
});
