import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { jsonText, pathsOf, RawJson, SeededRandom, valueAt, withValue, type Json } from '../support/bad-input.ts';
import { tackerAlert, webhookBody } from '../support/alertmanager-bodies.ts';
import { collectdCycle, collectdValueCount, logsBody, type LogsBody } from '../support/monitoring-bodies.ts';
import { startMonitoringService, type MonitoringTestService } from '../support/monitoring-service.ts';

/**
 * 1,000 fuzzed bodies per monitoring endpoint. Whatever arrives, the answer is never a
 * 5xx, the process lives, and a batch is stored whole (2xx) or not at all (4xx): after
 * each request the stored counts grew by exactly the whole body, or not at all.
 */
const PER_ENDPOINT = 1000;
const LIMIT = 64 * 1024;

interface Endpoint {
  readonly path: string;
  /** A valid body, unique to request `i` (hosts, fingerprints), so nothing collides. */
  valid(i: number): Json;
  /** The array whose entries a mixed batch mixes. */
  readonly entries: (body: any) => Json[];
  readonly withEntries: (body: any, entries: Json[]) => Json;
  /** An entry that is invalid whatever else the batch holds. */
  readonly badEntry: Json;
  /** What a stored body adds to `stored()`. */
  expected(body: any): number;
  stored(svc: MonitoringTestService): Promise<number>;
}

const now = () => Math.floor(Date.now() / 1000);
const count = async (svc: MonitoringTestService, sql: string) =>
  Number((await svc.db.sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT }))[0].n);

const ENDPOINTS: Endpoint[] = [
  {
    path: '/collectd',
    valid: (i) => collectdCycle(`fz-${i}`, now() - 600 + (i % 500), { cpus: 1 }) as unknown as Json,
    entries: (b) => b,
    withEntries: (_b, e) => e,
    badEntry: { values: [1], dstypes: ['bogus'], dsnames: ['value'], time: now(), interval: 2, host: 'fz-bad', plugin: 'cpu', plugin_instance: '', type: 'percent', type_instance: 'idle' },
    expected: (b) => collectdValueCount(b),
    stored: (svc) =>
      count(svc, 'SELECT count(*) AS n FROM monitoring_samples s JOIN monitoring_series r ON r.id = s.series_id WHERE NOT r.canonical'),
  },
  {
    path: '/logs',
    valid: (i) => logsBody(`fz-${i}`, now() - 600, 4) as unknown as Json,
    entries: (b: LogsBody) => b.lines as unknown as Json[],
    withEntries: (b, e) => ({ ...b, lines: e }),
    badEntry: { time: 'yesterday', message: 'T3413 expired -- Could not page the ue.' },
    // Lines no pattern matches are counted, not stored.
    expected: (b: LogsBody) => b.lines.filter((l) => /T3413 expired|Broken pipe/.test(l.message)).length,
    stored: (svc) => count(svc, 'SELECT count(*) AS n FROM monitoring_events'),
  },
  {
    path: '/alertmanager',
    valid: (i) => {
      const startsAt = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
      return webhookBody([0, 1].map((n) => tackerAlert({ fingerprint: `fz${i}-${n}`, startsAt }))) as Json;
    },
    entries: (b) => b.alerts,
    withEntries: (b, e) => ({ ...b, alerts: e }),
    badEntry: { status: 'burning', labels: { a: 'b' }, annotations: {}, startsAt: 'now', endsAt: '', generatorURL: '', fingerprint: 'x' },
    expected: (b) => b.alerts.length,
    stored: (svc) => count(svc, 'SELECT count(*) AS n FROM monitoring_alerts'),
  },
];

interface Case {
  /** The kind of mutation, for the summary. */
  readonly kind: string;
  readonly label: string;
  readonly body: Buffer;
}

const HUGE = ['1e400', '-1e400', '1e308', '-1.7976931348623157e308', '123456789012345678901234567890', '-0', '4e-324'];
const OTHER_TYPES: Json[] = [null, true, 0, -1, 'x', '', [], {}, [null], { a: 1 }];
const BAD_UTF8 = [Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xff]), Buffer.from([0xe2, 0x82])];

function mutate(rng: SeededRandom, ep: Endpoint, body: Json): Case {
  const text = () => jsonText(body);
  const paths = pathsOf(body);
  const kind = rng.int(0, 10);
  switch (kind) {
    case 0:
      return { kind: 'valid', label: 'valid', body: Buffer.from(text()) };
    case 1: {
      const t = text();
      return { kind: 'truncated', label: 'truncated', body: Buffer.from(t.slice(0, rng.int(0, t.length - 1))) };
    }
    case 2: {
      const at = rng.pick(paths);
      return { kind: 'wrong-type', label: `wrong type at ${at.join('.')}`, body: Buffer.from(jsonText(withValue(body, at, rng.pick(OTHER_TYPES)))) };
    }
    case 3: {
      const numeric = paths.filter((p) => typeof valueAt(body, p) === 'number');
      const at = numeric.length ? rng.pick(numeric) : rng.pick(paths);
      const token = rng.pick(HUGE);
      return { kind: 'huge-number', label: `${token} at ${at.join('.')}`, body: Buffer.from(jsonText(withValue(body, at, new RawJson(token)))) };
    }
    case 4: {
      const depth = rng.int(100, 20_000);
      const at = rng.pick(paths);
      const nest = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      return { kind: 'deep-nesting', label: `${depth} nested arrays at ${at.join('.')}`, body: Buffer.from(jsonText(withValue(body, at, new RawJson(nest)))) };
    }
    case 5: {
      const strings = paths.filter((p) => typeof valueAt(body, p) === 'string');
      const at = rng.pick(strings);
      const [head, tail] = jsonText(withValue(body, at, 'zzMARKzz')).split('zzMARKzz');
      return { kind: 'invalid-utf8', label: `invalid UTF-8 in ${at.join('.')}`, body: Buffer.concat([Buffer.from(head), rng.pick(BAD_UTF8), Buffer.from(tail)]) };
    }
    case 6: {
      const strings = paths.filter((p) => typeof valueAt(body, p) === 'string');
      const at = rng.pick(strings);
      return { kind: 'unstorable-text', label: `U+0000 in ${at.join('.')}`, body: Buffer.from(jsonText(withValue(body, at, 'a\u0000b'))) };
    }
    case 7: {
      const entries = [...ep.entries(body)];
      entries.splice(rng.int(0, entries.length), 0, ep.badEntry);
      return { kind: 'mixed-batch', label: 'mixed batch', body: Buffer.from(jsonText(ep.withEntries(body, entries))) };
    }
    case 8: {
      const entries = ep.entries(body);
      const many: Json[] = [];
      while (jsonText(many).length <= LIMIT) many.push(...entries);
      return { kind: 'oversized', label: 'oversized', body: Buffer.from(jsonText(ep.withEntries(body, many))) };
    }
    case 9: {
      const at = rng.pick(paths);
      return { kind: 'member-removed', label: `${at.join('.')} removed`, body: Buffer.from(jsonText(withValue(body, at, undefined))) };
    }
    default: {
      const bytes = Buffer.alloc(rng.int(1, 300));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
      return { kind: 'random-bytes', label: 'random bytes', body: bytes };
    }
  }
}

function parsed(c: Case): any {
  try {
    return JSON.parse(c.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

describe('monitoring endpoints under fuzzed input', () => {
  let svc: MonitoringTestService;
  before(async () => {
    svc = await startMonitoringService({ MONITORING_BODY_LIMIT: `${LIMIT}b`, SYSLOG_LISTEN: 'off' });
  });
  after(async () => {
    await svc?.close();
  });

  for (const [n, ep] of ENDPOINTS.entries()) {
    test(`${PER_ENDPOINT} fuzzed bodies to POST ${ep.path}: no 5xx, each kept whole or not at all`, async (t) => {
      const rng = new SeededRandom(0xf022 + n);
      const outcomes = new Map<string, number>();
      let storedBefore = await ep.stored(svc);
      for (let i = 0; i < PER_ENDPOINT; i++) {
        const c = mutate(rng, ep, ep.valid(i));
        const res = await fetch(`${svc.url}${ep.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(c.body) });
        const answer = await res.text();
        assert.ok(res.status < 500, `#${i} ${c.label}: ${res.status} ${answer}`);
        const storedNow = await ep.stored(svc);
        if (res.ok) {
          assert.equal(storedNow - storedBefore, ep.expected(parsed(c)), `#${i} ${c.label}: accepted, so stored whole`);
        } else {
          assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/, `#${i} ${c.label}`);
          assert.equal(storedNow, storedBefore, `#${i} ${c.label}: refused with ${res.status}, so nothing stored`);
        }
        if (c.label === 'valid') assert.ok(res.ok, `#${i} a valid body is accepted: ${res.status} ${answer}`);
        if (c.label === 'mixed batch') assert.equal(res.status, 400, `#${i} a mixed batch is refused whole: ${answer}`);
        if (c.label === 'oversized') assert.equal(res.status, 413, `#${i} oversized`);
        const key = `${c.kind} ${res.status}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        storedBefore = storedNow;
      }
      t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`);
      const health = await fetch(`${svc.url}/healthz`);
      assert.equal(health.status, 200);
    });
  }
});
