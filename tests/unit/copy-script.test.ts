import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scriptMessages } from '../../fault-mgmt/store/copy-script.ts';
import { markPendingLiteral } from '../../fault-mgmt/store/rollup-worker.ts';
import { outboxInsertLiteral } from '../../platform/bus/outbox.ts';

/** Splits frontend protocol bytes into (type, body) messages, checking every length. */
function messages(bytes: Buffer): { type: string; body: Buffer }[] {
  const out = [];
  for (let o = 0; o < bytes.length; ) {
    const type = String.fromCharCode(bytes[o]);
    const len = bytes.readUInt32BE(o + 1);
    assert.ok(len >= 4 && o + 1 + len <= bytes.length, `message ${type} at ${o}: length ${len} runs past the end`);
    out.push({ type, body: bytes.subarray(o + 5, o + 1 + len) });
    o += 1 + len;
  }
  return out;
}

test('a COPY script is one Query with every statement, then a CopyData per chunk, then CopyDone', () => {
  const data = [Buffer.from('1\t2\n'), Buffer.alloc(0), Buffer.from('3\t4\n')];
  const bytes = Buffer.concat(scriptMessages({ copy: 'COPY t (a, b) FROM STDIN', data, then: ['INSERT INTO m VALUES (1)', "SELECT 'é'"] }));
  const m = messages(bytes);
  assert.deepEqual(
    m.map((x) => x.type),
    ['Q', 'd', 'd', 'c'],
    'the empty chunk is not sent',
  );
  assert.equal(m[0].body.toString('utf8'), "COPY t (a, b) FROM STDIN;\nINSERT INTO m VALUES (1);\nSELECT 'é'\0", 'UTF-8, NUL-terminated, length in bytes');
  assert.equal(m[1].body.toString(), '1\t2\n');
  assert.equal(m[2].body.toString(), '3\t4\n');
  assert.equal(m[3].body.length, 0);
});

test('a script must start with exactly one COPY statement', () => {
  assert.throws(() => scriptMessages({ copy: 'INSERT INTO t VALUES (1)', data: [], then: [] }), /start with one COPY/);
  assert.throws(() => scriptMessages({ copy: 'COPY t FROM STDIN;', data: [], then: [] }), /start with one COPY/);
});

test('the minute marks are written into the statement as numbers only', () => {
  const sql = markPendingLiteral([1_795_000_020, 1_795_000_080]);
  assert.match(sql, /unnest\('\{1795000020,1795000080\}'::float8\[\]\)/);
  assert.doesNotMatch(sql, /\$1/);
  assert.throws(() => markPendingLiteral([1.5]), /epoch seconds/);
  assert.throws(() => markPendingLiteral([Number.NaN]), /epoch seconds/);
});

test('the outbox INSERT as literal SQL quotes every value with the connection\'s escaping', () => {
  const quoted: string[] = [];
  const quote = (s: string) => {
    quoted.push(s);
    return `Q(${s.length})`;
  };
  const r = outboxInsertLiteral([{ topic: 'monitoring.samples', payload: [{ metric: "it's", v: 1 }] }], quote)!;
  assert.equal(r.events.length, 1);
  assert.match(r.sql, /^INSERT INTO outbox_events \(id, topic, payload, occurred_at, available_at\) VALUES \(Q\(36\)::uuid, Q\(18\), Q\(\d+\)::jsonb, Q\(24\)::timestamptz, Q\(24\)::timestamptz\)$/);
  assert.ok(quoted.includes(JSON.stringify([{ metric: "it's", v: 1 }])), 'the payload goes through quote, not into the SQL as it is');
  assert.ok(!r.sql.includes("it's"));
  assert.equal(outboxInsertLiteral([], quote), undefined);
  assert.throws(() => outboxInsertLiteral([{ topic: 'bad topic', payload: 1 }], quote), /invalid event topic/);
});
