import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkApiVersion } from '../../platform/http/api-version.ts';
import {
  APIVersionMissing,
  APIVersionNotSupported,
  InvalidAPIVersionString,
  ProblemError,
} from '../../platform/http/problem-details.ts';

const SERVED = ['2.0.0'];

function statusOf(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ProblemError, `a ProblemError, got ${String(err)}`);
    return err.status;
  }
  assert.fail('expected the version to be rejected');
}

test('a served version is accepted and returned as is', () => {
  assert.equal(checkApiVersion('2.0.0', SERVED), '2.0.0');
});

// SOL013 table 4.2.2-1: `1.2.0-impl:example.com:myProduct:4`; like Tacker, only one dash.
test('an -impl:vendor:product:n suffix is accepted and dropped', () => {
  assert.equal(checkApiVersion('2.0.0-impl:vendor:product:4', SERVED), '2.0.0');
  assert.equal(checkApiVersion('2.0.0-impl:x', SERVED), '2.0.0');
});

test('a missing Version header is 400 APIVersionMissing', () => {
  assert.throws(() => checkApiVersion(undefined, SERVED), APIVersionMissing);
  assert.equal(statusOf(() => checkApiVersion(undefined, SERVED)), 400);
  assert.throws(() => checkApiVersion(undefined, SERVED), { message: "'Version' HTTP header missing." });
});

test('malformed versions are 400 InvalidAPIVersionString', () => {
  for (const bad of ['', '2', '2.0', 'x', 'v2.0.0', '2.0.0.0', '02.0.0', '2.0.x', '2.0.0-foo', '2.0.0-impl', '2.0.0-impl:a-b', '-impl:a']) {
    assert.throws(() => checkApiVersion(bad, SERVED), InvalidAPIVersionString, `'${bad}' is malformed`);
    assert.equal(statusOf(() => checkApiVersion(bad, SERVED)), 400, `'${bad}' -> 400`);
  }
});

test('well-formed but not served versions are 406 APIVersionNotSupported', () => {
  for (const other of ['1.3.0', '2.0.1', '2.1.0', '3.0.0', '1.3.0-impl:v:p:1']) {
    assert.throws(() => checkApiVersion(other, SERVED), APIVersionNotSupported, `'${other}' is not served`);
    assert.equal(statusOf(() => checkApiVersion(other, SERVED)), 406);
  }
});

test('the detail of an unsupported version names it without the impl suffix', () => {
  assert.throws(() => checkApiVersion('1.3.0-impl:v:p:1', SERVED), { message: /Version 1\.3\.0 not supported/ });
});
