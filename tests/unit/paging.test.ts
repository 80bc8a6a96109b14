import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequest, InvalidPagingMarker, InvalidAttributeSelector, InvalidFilter } from '../../platform/http/problem-details.ts';
import { parseListQuery, type ResourceQuerySpec } from '../../platform/sol/list-query.ts';
import { decodeMarker, encodeMarker, nextPageLink } from '../../platform/sol/paging.ts';

describe('paging marker', () => {
  test('round-trips any seq and is URL-safe', () => {
    for (const seq of [0, 1, 99, 50_000, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      const m = encodeMarker(seq);
      assert.match(m, /^[A-Za-z0-9_-]+$/);
      assert.equal(decodeMarker(m), seq);
    }
  });

  test('is the same whichever process makes it (no server state)', () => {
    assert.equal(encodeMarker(1234), Buffer.from('seq:1234').toString('base64url'));
  });

  test('refuses to encode what is not a row position', () => {
    for (const bad of [-1, 1.5, NaN, 2 ** 60]) assert.throws(() => encodeMarker(bad), /invalid seq/);
  });

  const invalid = [
    '',
    'abc',
    '12',
    'seq:12',
    Buffer.from('seq:').toString('base64url'),
    Buffer.from('seq:-1').toString('base64url'),
    Buffer.from('seq:01').toString('base64url'),
    Buffer.from('seq:1x').toString('base64url'),
    Buffer.from('seq:99999999999999999').toString('base64url'),
    Buffer.from('SEQ:1').toString('base64url'),
    Buffer.from('seq:1').toString('base64'), // padded: not the canonical form
    encodeMarker(5) + '=',
    encodeMarker(5) + 'A',
    encodeMarker(5).replace(/.$/, (c) => (c === 'x' ? 'y' : 'x')), // last char changed
    'a'.repeat(100),
    'c2VxOjE/',
  ];
  for (const m of invalid) {
    test(`rejects ${JSON.stringify(m)} with 400 InvalidPagingMarker`, () => {
      assert.throws(() => decodeMarker(m), (e: unknown) => e instanceof InvalidPagingMarker && e.status === 400);
    });
  }
});

describe('Link to the next page', () => {
  const m = encodeMarker(100);

  test('adds the marker to the same path and query under the public URL', () => {
    assert.equal(
      nextPageLink('https://vnfm.example:9890/', '/vnflcm/v2/vnf_instances?filter=(eq,vnfProvider,Acme)&fields=metadata', m),
      `<https://vnfm.example:9890/vnflcm/v2/vnf_instances?filter=(eq,vnfProvider,Acme)&fields=metadata&nextpage_opaque_marker=${m}>; rel="next"`,
    );
  });

  test('without a query the marker is the only parameter', () => {
    assert.equal(nextPageLink('http://h', '/vnflcm/v2/vnf_lcm_op_occs', m), `<http://h/vnflcm/v2/vnf_lcm_op_occs?nextpage_opaque_marker=${m}>; rel="next"`);
  });

  test('replaces the previous marker, also when it was percent-encoded', () => {
    const prev = encodeMarker(50);
    assert.equal(
      nextPageLink('http://h', `/x?nextpage_opaque_marker=${prev}&all_fields&next%70age_opaque_marker=${prev}`, m),
      `<http://h/x?all_fields&nextpage_opaque_marker=${m}>; rel="next"`,
    );
  });

  test('keeps the client encoding and percent-encodes what a header cannot carry', () => {
    assert.equal(
      nextPageLink('http://h', "/x?filter=(eq,a,'b%2Cc')&q=a b<>\"\u00e9", m),
      `<http://h/x?filter=(eq,a,'b%2Cc')&q=a%20b%3C%3E%22%E9&nextpage_opaque_marker=${m}>; rel="next"`,
    );
  });
});

describe('list query parameters', () => {
  const spec: ResourceQuerySpec = { name: 'VnfInstance', defaultExcluded: ['metadata'], neverReturned: [], filterable: ['vnfProvider'] };

  test('parses filter, selector and marker together', () => {
    const q = parseListQuery({ filter: '(eq,vnfProvider,Acme)', fields: 'metadata', nextpage_opaque_marker: encodeMarker(7), other: 'x' }, spec);
    assert.equal(q.filter?.expressions[0].values[0], 'Acme');
    assert.deepEqual(q.selector, { kind: 'fields', paths: [['metadata']] });
    assert.equal(q.afterSeq, 7);
  });

  test('nothing given: no filter, the default exclusions, the first page', () => {
    const q = parseListQuery({}, spec);
    assert.equal(q.filter, undefined);
    assert.deepEqual(q.selector, { kind: 'exclude', paths: [['metadata']] });
    assert.equal(q.afterSeq, undefined);
  });

  test('repeated or structured parameters are 400', () => {
    for (const name of ['filter', 'fields', 'exclude_fields', 'all_fields', 'exclude_default', 'nextpage_opaque_marker']) {
      assert.throws(() => parseListQuery({ [name]: ['a', 'b'] }, spec), (e: unknown) => e instanceof BadRequest && /more than once/.test(e.detail), name);
      assert.throws(() => parseListQuery({ [name]: { a: 'b' } }, spec), (e: unknown) => e instanceof BadRequest && /plain string/.test(e.detail), name);
    }
  });

  test('each part reports its own 400', () => {
    assert.throws(() => parseListQuery({ filter: '(eq,vnfProvider' }, spec), InvalidFilter);
    assert.throws(() => parseListQuery({ filter: '(eq,vnfdId,x)' }, spec), InvalidFilter);
    assert.throws(() => parseListQuery({ all_fields: '', fields: 'a' }, spec), InvalidAttributeSelector);
    assert.throws(() => parseListQuery({ nextpage_opaque_marker: 'nope' }, spec), InvalidPagingMarker);
  });
});
