import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { deleteDocument, getDocument, insertDocument, updateDocument } from '../../platform/db/document-table.ts';
import { problemHandler } from '../../platform/http/error.middleware.ts';
import { listResources, parseListQuery, sendList, type ResourceQuerySpec } from '../../platform/sol/list-query.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

// SOL013 5.2-5.4 evaluated by the database itself: run on embedded PGlite and,
// with DATABASE_URL, on the real PostgreSQL (the same assertions on both).
const TABLE = 'scratch_list_items';
const SPEC: ResourceQuerySpec = {
  name: 'ScratchItem',
  defaultExcluded: ['metadata', 'instantiatedVnfInfo', 'vimConnectionInfo'],
  neverReturned: ['vimConnectionInfo/*/accessInfo/password'],
};

/** Hand-made documents covering strings, numbers, booleans, arrays, maps and awkward characters. */
const DOCS: Record<string, object> = {
  alpha: {
    vnfProvider: 'Acme', size: 10, enabled: true, startTime: '2026-01-01T00:00:00Z', tags: ['red', 'blue'],
    note: "it's, (fine); ~ok",
    instantiatedVnfInfo: {
      vnfState: 'STARTED',
      vnfcResourceInfo: [
        { vduId: 'VDU1', computeResource: { resourceId: 's-1' } },
        { vduId: 'VDU2', computeResource: { resourceId: 's-2' } },
      ],
    },
    vimConnectionInfo: { vim1: { vimId: 'v1', accessInfo: { username: 'u', password: 'secret' } } },
    metadata: { 'a/b': 'slash', 'c,d': 'comma', 'e@f': 'at', 'g~h': 'tilde' },
  },
  beta: { vnfProvider: 'Acme', size: 2, enabled: false, startTime: '2026-02-01T00:00:00Z', tags: ['green'], note: 'plain', code: '10' },
  Gamma: {
    vnfProvider: 'Other', size: 10.5, enabled: true, startTime: '2025-12-31T23:59:59Z', tags: [], note: '100% sure_',
    instantiatedVnfInfo: { vnfState: 'STOPPED', vnfcResourceInfo: [{ vduId: 'VDU1', computeResource: { resourceId: 's-3' } }] },
  },
  'délta': { vnfProvider: 'acme', size: -1, code: 10, note: 'back\\slash "quoted"' },
  '東京': { vnfProvider: 'Acme', size: 1000, enabled: 'true', vimConnectionInfo: { vim2: { vimId: 'v2' } } },
};
const ALL = Object.keys(DOCS);
const except = (...names: string[]) => ALL.filter((n) => !names.includes(n));

let t: TestDatabase;
const app = express();
app.set('query parser', 'simple'); // as the plugin's HTTP edge does
app.get('/items', async (req, res) => {
  const q = parseListQuery(req.query as Record<string, unknown>, SPEC);
  const pageSize = Number(req.header('x-page-size') ?? 0);
  const kind = req.header('x-kind');
  const extraWhere = kind ? { sql: 'kind = $1', bind: [kind] } : undefined;
  sendList(req, res, await listResources(t.db, TABLE, q, { pageSize, extraWhere }), 'http://vnfm.test');
});
app.use(problemHandler);

before(async () => {
  t = await openTestDatabase({ migrate: false });
  await t.db.sequelize.query(
    `CREATE TABLE ${TABLE} (seq bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE, doc jsonb NOT NULL, kind text NOT NULL)`,
  );
  for (const [name, doc] of Object.entries(DOCS)) {
    const id = randomUUID();
    await insertDocument(t.db, TABLE, id, { id, vnfInstanceName: name, ...doc }, { columns: { kind: 'sample' } });
  }
  for (let i = 0; i < 25; i++) {
    const id = randomUUID();
    await insertDocument(t.db, TABLE, id, { id, vnfInstanceName: `page-${i}`, group: i % 2 ? 'odd' : 'even', n: i }, { columns: { kind: 'paged' } });
  }
});
after(async () => {
  await t?.close();
});

async function names(filter: string): Promise<string[]> {
  const res = await request(app).get('/items').query({ filter }).set('x-kind', 'sample');
  assert.equal(res.status, 200, `${filter}: ${res.text}`);
  return (res.body as { vnfInstanceName: string }[]).map((d) => d.vnfInstanceName);
}

describe(`SOL013 filters evaluated in SQL (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded'})`, () => {
  const cases: [string, string[]][] = [
    ['(eq,vnfProvider,Acme)', ['alpha', 'beta', '東京']],
    ['(neq,vnfProvider,Acme)', ['Gamma', 'délta']],
    ['(in,vnfProvider,Other,acme)', ['Gamma', 'délta']],
    ['(nin,vnfProvider,Other,acme)', ['alpha', 'beta', '東京']],
    // nested path, and the negation also keeps documents without the attribute
    ['(eq,instantiatedVnfInfo/vnfState,STARTED)', ['alpha']],
    ['(neq,instantiatedVnfInfo/vnfState,STARTED)', except('alpha')],
    // crossing arrays of objects: any element matches
    ['(eq,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU2)', ['alpha']],
    ['(eq,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU1)', ['alpha', 'Gamma']],
    ['(neq,instantiatedVnfInfo/vnfcResourceInfo/vduId,VDU2)', except('alpha')],
    ['(in,instantiatedVnfInfo/vnfcResourceInfo/computeResource/resourceId,s-2,s-3)', ['alpha', 'Gamma']],
    // arrays of strings
    ['(eq,tags,green)', ['beta']],
    ['(in,tags,red,green)', ['alpha', 'beta']],
    ['(nin,tags,red,green)', ['Gamma', 'délta', '東京']],
    ['(cont,tags,ee)', ['beta']],
    // numbers compare numerically with JSON numbers, as text with JSON strings
    ['(gt,size,2)', ['alpha', 'Gamma', '東京']],
    ['(gte,size,10)', ['alpha', 'Gamma', '東京']],
    ['(lt,size,2)', ['délta']],
    ['(lte,size,2)', ['beta', 'délta']],
    ['(eq,size,10.0)', ['alpha']],
    ['(eq,size,1e3)', ['東京']],
    ['(in,size,-1,2)', ['beta', 'délta']],
    ['(eq,code,10)', ['beta', 'délta']],
    ['(eq,code,10.0)', ['délta']],
    ['(gt,size,abc)', []],
    // booleans, and the string "true" as a string
    ['(eq,enabled,true)', ['alpha', 'Gamma', '東京']],
    ['(neq,enabled,true)', ['beta', 'délta']],
    ['(eq,enabled,false)', ['beta']],
    // strings order by code point, whatever the database collation
    ['(gt,vnfInstanceName,beta)', ['délta', '東京']],
    ['(lt,vnfInstanceName,alpha)', ['Gamma']],
    ['(gte,startTime,2026-01-01T00:00:00Z)', ['alpha', 'beta']],
    ['(lt,startTime,2026-01-01T00:00:00Z)', ['Gamma']],
    // cont is a plain substring match: LIKE and regex characters are literal
    ['(cont,vnfInstanceName,et)', ['beta']],
    ['(cont,vnfInstanceName,ph,東)', ['alpha', '東京']],
    ['(cont,note,%)', ['Gamma']],
    ['(cont,note,_)', ['Gamma']],
    ['(cont,note,.)', []],
    ['(cont,note,~a)', ['alpha']],
    ['(ncont,note,%,plain)', ['alpha', 'délta', '東京']],
    ['(cont,size,1)', []],
    // escapes in attribute names and values, quoting
    ['(eq,metadata/a~1b,slash)', ['alpha']],
    ['(eq,metadata/c~ad,comma)', ['alpha']],
    ['(eq,metadata/e~bf,at)', ['alpha']],
    ['(eq,metadata/g~0h,tilde)', ['alpha']],
    ["(eq,note,'it''s, (fine); ~ok')", ['alpha']],
    ['(eq,note,back\\slash "quoted")', ['délta']],
    ["(eq,vnfInstanceName,'x'' OR ''1''=''1')", []],
    [`(eq,vnfInstanceName,'x" || @ like_regex "" flag "q" || "')`, []],
    ['(eq,a"~1\\b,x)', []],
    ['(eq,vnfInstanceName,東京)', ['東京']],
    // keys of a map
    ['(eq,vimConnectionInfo/@key,vim1)', ['alpha']],
    ['(neq,vimConnectionInfo/@key,vim1)', except('alpha')],
    // a path through a string finds nothing
    ['(eq,vnfInstanceName/x,alpha)', []],
    // expressions are ANDed
    ['(eq,vnfProvider,Acme);(eq,enabled,true)', ['alpha', '東京']],
    ['(eq,vnfProvider,Acme);(eq,enabled,true);(gt,size,100)', ['東京']],
  ];
  for (const [filter, expected] of cases) {
    test(filter, async () => {
      assert.deepEqual(await names(filter), expected);
    });
  }
});

describe('attribute selectors over stored documents', () => {
  const first = async (query: Record<string, string>) => {
    const res = await request(app).get('/items').query({ filter: '(eq,vnfInstanceName,alpha)', ...query });
    assert.equal(res.status, 200, res.text);
    return res.body[0] as Record<string, unknown>;
  };

  test('default-excluded attributes are left out of lists', async () => {
    const doc = await first({});
    assert.equal(doc.vnfProvider, 'Acme');
    for (const k of SPEC.defaultExcluded) assert.equal(doc[k], undefined, k);
  });

  test('all_fields brings them back, but never the password', async () => {
    const doc = await first({ all_fields: '' });
    assert.deepEqual(doc.vimConnectionInfo, { vim1: { vimId: 'v1', accessInfo: { username: 'u' } } });
    assert.equal((doc.instantiatedVnfInfo as { vnfState: string }).vnfState, 'STARTED');
  });

  test('fields with a nested path', async () => {
    const doc = await first({ fields: 'instantiatedVnfInfo/vnfcResourceInfo/computeResource' });
    assert.deepEqual(doc.instantiatedVnfInfo, {
      vnfState: 'STARTED',
      vnfcResourceInfo: [{ vduId: 'VDU1', computeResource: { resourceId: 's-1' } }, { vduId: 'VDU2', computeResource: { resourceId: 's-2' } }],
    });
    assert.equal(doc.metadata, undefined);
  });
});

describe('paging', () => {
  async function walk(query: Record<string, string>, pageSize: number) {
    const pages: string[][] = [];
    let path = `/items?${new URLSearchParams(query)}`;
    for (let guard = 0; guard < 20; guard++) {
      const res = await request(app).get(path).set('x-page-size', String(pageSize)).set('x-kind', 'paged');
      assert.equal(res.status, 200, res.text);
      pages.push((res.body as { vnfInstanceName: string }[]).map((d) => d.vnfInstanceName));
      const link = res.headers.link as string | undefined;
      if (!link) return pages;
      const m = /^<http:\/\/vnfm\.test(\/items\?[^>]+)>; rel="next"$/.exec(link);
      assert.ok(m, `Link header: ${link}`);
      path = m[1];
    }
    assert.fail('paging did not end');
  }

  test('a filtered list is cut into pages that follow each other without gaps or repeats', async () => {
    const pages = await walk({ filter: '(eq,group,even)' }, 4);
    const even = Array.from({ length: 13 }, (_, i) => `page-${i * 2}`);
    assert.deepEqual(pages, [even.slice(0, 4), even.slice(4, 8), even.slice(8, 12), even.slice(12)]);
  });

  test('the Link keeps the query and the last page has no Link', async () => {
    const res = await request(app).get('/items?filter=(eq,group,odd)&fields=x').set('x-page-size', '11').set('x-kind', 'paged');
    assert.equal(res.body.length, 11);
    assert.match(res.headers.link, /^<http:\/\/vnfm\.test\/items\?filter=\(eq,group,odd\)&fields=x&nextpage_opaque_marker=[\w-]+>; rel="next"$/);
    const next = await request(app).get(/<http:\/\/vnfm\.test([^>]+)>/.exec(res.headers.link)![1]).set('x-page-size', '11').set('x-kind', 'paged');
    assert.deepEqual((next.body as { n: number }[]).map((d) => d.n), [23]);
    assert.equal(next.headers.link, undefined);
  });

  test('an exact fit gives no Link, page size 0 turns paging off', async () => {
    assert.equal((await walk({ filter: '(eq,group,odd)' }, 12)).length, 1);
    const all = await walk({}, 0);
    assert.deepEqual(all, [Array.from({ length: 25 }, (_, i) => `page-${i}`)]);
  });

  test('matches far apart are found beyond the first rows examined', async () => {
    for (let n = 0; n < 120; n++) {
      const id = randomUUID();
      await insertDocument(t.db, TABLE, id, { id, vnfInstanceName: `sparse-${n}`, n }, { columns: { kind: 'sparse' } });
    }
    const walkSparse = async (filter: string, pageSize: number) => {
      const seen: number[][] = [];
      let path: string | undefined = `/items?filter=${encodeURIComponent(filter)}`;
      while (path && seen.length < 10) {
        const res: request.Response = await request(app).get(path).set('x-page-size', String(pageSize)).set('x-kind', 'sparse');
        assert.equal(res.status, 200, res.text);
        seen.push((res.body as { n: number }[]).map((d) => d.n));
        path = res.headers.link ? /<http:\/\/vnfm\.test([^>]+)>/.exec(res.headers.link)![1] : undefined;
      }
      return seen;
    };
    assert.deepEqual(await walkSparse('(in,n,3,97,98,119)', 1), [[3], [97], [98], [119]]);
    assert.deepEqual(await walkSparse('(eq,n,110)', 1), [[110]]);
    assert.deepEqual(await walkSparse('(gte,n,115)', 2), [[115, 116], [117, 118], [119]]);
    assert.deepEqual(await walkSparse('(neq,n,0);(lt,n,4)', 1), [[1], [2], [3]]);
  });

  test('a marker stays valid after the row it points at is deleted', async () => {
    const res = await request(app).get('/items?filter=(in,n,20,21,22,23,24)').set('x-page-size', '2').set('x-kind', 'paged');
    const link = /<http:\/\/vnfm\.test([^>]+)>/.exec(res.headers.link)![1];
    const lastId = (res.body as { id: string }[])[1].id;
    assert.equal(await deleteDocument(t.db, TABLE, lastId), true);
    const next = await request(app).get(link).set('x-page-size', '2').set('x-kind', 'paged');
    assert.deepEqual((next.body as { n: number }[]).map((d) => d.n), [22, 23]);
  });
});

describe('bad queries are 400 ProblemDetails and touch nothing', () => {
  const bad: [string, RegExp][] = [
    ['/items?filter=(eq,a', /Invalid filter/],
    ['/items?filter=(xx,a,b)', /unknown operator/],
    ['/items?filter=', /empty/],
    ['/items?filter=(eq,a,b)&filter=(eq,c,d)', /more than once/],
    ['/items?all_fields&fields=a', /all_fields cannot be combined/],
    ['/items?exclude_fields=a&exclude_default', /cannot be combined/],
    ['/items?nextpage_opaque_marker=garbage', /nextpage_opaque_marker is not valid/],
    ['/items?nextpage_opaque_marker=a&nextpage_opaque_marker=b', /more than once/],
  ];
  for (const [url, detail] of bad) {
    test(url, async () => {
      const res = await request(app).get(url);
      assert.equal(res.status, 400, res.text);
      assert.match(res.headers['content-type'], /^application\/problem\+json/);
      assert.match(JSON.parse(res.text).detail, detail);
    });
  }
});

test('random filters are answered 200 or 400, never an error of the database', async () => {
  // A fixed-seed generator over the characters that matter to the parser, jsonpath and SQL.
  let state = 42;
  const rand = (n: number) => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);
  const atoms = ['(', ')', ',', ';', "'", "''", '~', '~0', '~1', '~a', '~b', '@key', '/', '"', '\\', '$', '@', '?', '%', '_', ' ',
    'eq', 'gt', 'in', 'cont', 'nin', 'ncont', 'a', 'size', 'tags', '10', '-1.5e3', '1e-20000', 'true', '東', '\u0001', '\u2028'];
  let ok = 0;
  for (let i = 0; i < 300; i++) {
    const op = ['eq', 'neq', 'gt', 'lte', 'in', 'nin', 'cont', 'ncont'][rand(8)];
    const noise = Array.from({ length: 1 + rand(6) }, () => atoms[rand(atoms.length)]).join('');
    const filter = rand(3) === 0 ? noise : `(${op},${rand(2) ? 'size' : noise},${noise})`;
    const res = await request(app).get('/items').query({ filter });
    assert.ok(res.status === 200 || res.status === 400, `${JSON.stringify(filter)}: ${res.status} ${res.text}`);
    if (res.status === 200) ok++;
  }
  assert.ok(ok > 30, `enough random filters were valid to reach the database (${ok})`);
});

describe('document table helpers', () => {
  test('insert, get, update and delete return plain objects', async () => {
    const id = randomUUID();
    const stored = await insertDocument(t.db, TABLE, id, { id, v: 1 }, { columns: { kind: 'crud' } });
    assert.ok(stored.seq > 0);
    assert.deepEqual(await getDocument(t.db, TABLE, id), { seq: stored.seq, id, doc: { id, v: 1 } });
    assert.equal(await updateDocument(t.db, TABLE, id, { id, v: 2 }, { columns: { kind: 'crud2' } }), true);
    assert.deepEqual((await getDocument(t.db, TABLE, id))?.doc, { id, v: 2 });
    assert.equal(await deleteDocument(t.db, TABLE, id), true);
    assert.equal(await getDocument(t.db, TABLE, id), undefined);
    assert.equal(await deleteDocument(t.db, TABLE, id), false);
    assert.equal(await updateDocument(t.db, TABLE, id, { id }), false);
  });

  test('an id that is not a UUID is simply not found', async () => {
    assert.equal(await getDocument(t.db, TABLE, "x' OR 1=1 --"), undefined);
    assert.equal(await deleteDocument(t.db, TABLE, 'nope'), false);
    await assert.rejects(insertDocument(t.db, TABLE, 'nope', {}), /not a UUID/);
  });

  test('work inside a transaction is undone by a rollback', async () => {
    const id = randomUUID();
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await insertDocument(t.db, TABLE, id, { id }, { tx, columns: { kind: 'tx' } });
        assert.ok(await getDocument(t.db, TABLE, id, { tx, lock: true }));
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await getDocument(t.db, TABLE, id), undefined);
  });

  test('table names are identifiers from code', async () => {
    await assert.rejects(getDocument(t.db, 'x; DROP TABLE y', randomUUID()), /not a plain SQL identifier/);
  });
});
