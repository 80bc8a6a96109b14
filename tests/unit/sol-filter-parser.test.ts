import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidFilter } from '../../platform/http/problem-details.ts';
import {
  attributePathText,
  escapeName,
  MULTI_VALUE_OPS,
  ONE_VALUE_OPS,
  parseFilter,
  type FilterExpression,
} from '../../platform/sol/filter/filter.parser.ts';
import { attributeJsonPath, expressionJsonPath, filterToSql, jsonPathString } from '../../platform/sol/filter/filter.sql.ts';

const expr = (op: string, names: string[], values: string[], mapKeys = false) => ({ op, attribute: { names, mapKeys }, values });

/** Asserts the filter is rejected with a 400 InvalidFilter whose detail matches `detail`. */
function rejects(text: string, detail: RegExp): void {
  assert.throws(
    () => parseFilter(text),
    (err: unknown) => {
      assert.ok(err instanceof InvalidFilter, `expected InvalidFilter for ${text}, got ${err}`);
      assert.equal(err.status, 400);
      assert.match(err.detail, detail);
      return true;
    },
  );
}

describe('filter parser: valid filters', () => {
  test('one expression with a nested attribute path', () => {
    assert.deepEqual(parseFilter('(eq,instantiatedVnfInfo/vnfState,STARTED)'), {
      expressions: [expr('eq', ['instantiatedVnfInfo', 'vnfState'], ['STARTED'])],
    });
  });

  test('every one-value operator takes one value', () => {
    for (const op of ONE_VALUE_OPS) {
      assert.deepEqual(parseFilter(`(${op},a,1)`).expressions, [expr(op, ['a'], ['1'])]);
    }
  });

  test('every multi-value operator takes one or more values', () => {
    for (const op of MULTI_VALUE_OPS) {
      assert.deepEqual(parseFilter(`(${op},a,x)`).expressions, [expr(op, ['a'], ['x'])]);
      assert.deepEqual(parseFilter(`(${op},a,x,y,z)`).expressions, [expr(op, ['a'], ['x', 'y', 'z'])]);
    }
  });

  test('expressions joined by ; are kept in order', () => {
    const f = parseFilter('(eq,vnfProvider,Acme);(in,operationState,COMPLETED,FAILED);(gte,size,10)');
    assert.deepEqual(f.expressions, [
      expr('eq', ['vnfProvider'], ['Acme']),
      expr('in', ['operationState'], ['COMPLETED', 'FAILED']),
      expr('gte', ['size'], ['10']),
    ]);
  });

  test('tilde escapes in attribute names', () => {
    const f = parseFilter('(eq,metadata/a~1b~ac~bd~0e,v)');
    assert.deepEqual(f.expressions[0].attribute.names, ['metadata', 'a/b,c@d~e']);
  });

  test('~01 is an escaped tilde followed by 1, not a slash', () => {
    assert.deepEqual(parseFilter('(eq,a~01,v)').expressions[0].attribute.names, ['a~1']);
  });

  test('tilde escapes in unquoted values', () => {
    assert.deepEqual(parseFilter('(eq,a,x~ay~1z~bw~0)').expressions[0].values, ['x,y/z@w~']);
  });

  test('quoted values hold , ; ( ) and ~ literally, and \'\' is one quote', () => {
    const f = parseFilter("(in,a,'x,y','p;q)','it''s','~1(');(eq,b,'')");
    assert.deepEqual(f.expressions, [expr('in', ['a'], ['x,y', 'p;q)', "it's", '~1(']), expr('eq', ['b'], [''])]);
  });

  test("a value that is only a quote is written ''''", () => {
    assert.deepEqual(parseFilter("(eq,a,'''')").expressions[0].values, ["'"]);
  });

  test('quoted and unquoted values mix', () => {
    assert.deepEqual(parseFilter("(cont,a,x,'y,z',w)").expressions[0].values, ['x', 'y,z', 'w']);
  });

  test('@key at the end of a path selects the keys of a map', () => {
    const e = parseFilter('(eq,vimConnectionInfo/@key,vim1)').expressions[0];
    assert.deepEqual(e.attribute, { names: ['vimConnectionInfo'], mapKeys: true });
    assert.equal(attributePathText(e.attribute), 'vimConnectionInfo/@key');
  });

  test('~bkey is an attribute literally named @key', () => {
    const e = parseFilter('(eq,a/~bkey,v)').expressions[0];
    assert.deepEqual(e.attribute, { names: ['a', '@key'], mapKeys: false });
    assert.equal(attributePathText(e.attribute), 'a/~bkey');
  });

  test('values keep spaces, unicode and characters outside the reserved set', () => {
    assert.deepEqual(parseFilter('(eq,vnfInstanceName,my vnf é ü 東京 =+*?&)').expressions[0].values, ['my vnf é ü 東京 =+*?&']);
  });

  test('the escaped attribute text round-trips', () => {
    const names = ['a/b', 'c,d', 'e@f', 'g~h'];
    assert.equal(escapeName(names[0]), 'a~1b');
    const text = names.map(escapeName).join('/');
    const parsed = parseFilter(`(eq,${text},v)`).expressions[0].attribute;
    assert.deepEqual(parsed.names, names);
    assert.equal(attributePathText(parsed), text);
  });
});

describe('filter parser: invalid filters are 400 InvalidFilter', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['eq,a,b', /expected '\(' at position 1/],
    ['(', /expected an operator at position 2/],
    ['()', /expected an operator at position 2, found '\)'/],
    ['(foo,a,b)', /unknown operator 'foo' at position 2/],
    ['(EQ,a,b)', /unknown operator 'EQ'/],
    ['(eq1,a,b)', /expected ',' after the operator 'eq' at position 4, found '1'/],
    ['(eq)', /expected ',' after the operator 'eq' at position 4/],
    ['(eq,a)', /expected ',' before a value at position 6/],
    ['(eq,a,b', /expected ',' or '\)' at position 8, found the end of the filter/],
    ['(eq,,b)', /empty attribute name at position 5/],
    ['(eq,a//b,c)', /empty attribute name in the path 'a\/\/b' at position 7/],
    ['(eq,/a,c)', /empty attribute name in the path/],
    ['(eq,a/,c)', /empty attribute name in the path/],
    ['(eq,a,b,c)', /operator 'eq' takes exactly one value, got 2/],
    ['(gte,a,1,2)', /operator 'gte' takes exactly one value/],
    ['(eq,a,)', /empty value at position 7/],
    ['(in,a,x,)', /empty value at position 9/],
    ['(eq,a,b);', /empty expression after ';' at position 9/],
    ['(eq,a,b);;(eq,c,d)', /expected '\(' at position 10/],
    ['(eq,a,b)(eq,c,d)', /expected ';' or the end of the filter at position 9, found '\('/],
    ['(eq,a,b) ', /expected ';' or the end of the filter at position 9, found ' '/],
    ['(eq,a,b)x', /expected ';' or the end/],
    ["(eq,a,'b)", /unterminated quoted value starting at position 7/],
    ["(eq,a,'b'c)", /expected ',' or '\)' after the quoted value at position 10, found 'c'/],
    ["(eq,a,'b')'", /expected ';' or the end/],
    ["(eq,a,b'c)", /unexpected ''' in a value at position 8/],
    ['(eq,a,b(c)', /unexpected '\(' in a value at position 8/],
    ['(eq,a,b;c)', /unexpected ';' in a value at position 8/],
    ["(eq,a'b,c)", /unexpected ''' in the attribute name at position 6/],
    ['(eq,a(b,c)', /unexpected '\(' in the attribute name/],
    ['(eq,a;b,c)', /unexpected ';' in the attribute name/],
    ['(eq,a~2,b)', /invalid escape '~2' in an attribute name at position 6/],
    ['(eq,a~,b)', /invalid escape '~' in an attribute name at position 6/],
    ['(eq,a,b~x)', /invalid escape '~x' in a value at position 8/],
    ['(eq,a,b~)', /invalid escape '~' in a value at position 8/],
    ['(eq,a@b,c)', /'@' in the attribute name at position 6; escape it as ~b/],
    ['(eq,@key,c)', /'@key' needs the map attribute/],
    ['(eq,a/@key/b,c)', /'@key' must be the last name/],
    ['(eq,a,b\u0000)', /NUL character at position 8/],
    ['((eq,a,b))', /expected an operator at position 2, found '\('/],
  ];
  for (const [text, detail] of cases) {
    test(`rejects ${JSON.stringify(text)}`, () => rejects(text, detail));
  }

  test('the detail starts with a fixed phrase a client can show', () => {
    assert.throws(() => parseFilter('(x,a,b)'), { detail: "Invalid filter: unknown operator 'x' at position 2; use one of eq neq gt gte lt lte in nin cont ncont." });
  });
});

describe('filter to SQL (pure part)', () => {
  const one = (text: string): FilterExpression => parseFilter(text).expressions[0];

  test('jsonpath strings escape quotes, backslashes and control characters', () => {
    assert.equal(jsonPathString('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(jsonPathString('x\ny\u007f'), '"x\\u000ay\\u007f"');
    assert.equal(jsonPathString('東京 $.a ? (@)'), '"東京 $.a ? (@)"');
  });

  test('attribute paths are quoted lax paths with the leaf unwrapped', () => {
    assert.equal(attributeJsonPath(one('(eq,instantiatedVnfInfo/vnfState,X)').attribute), '$."instantiatedVnfInfo"."vnfState"[*]');
    assert.equal(attributeJsonPath(one('(eq,vimConnectionInfo/@key,X)').attribute), '$."vimConnectionInfo".keyvalue()."key"[*]');
    assert.equal(attributeJsonPath(one('(eq,a~1b/c"d,X)').attribute), '$."a/b"."c\\"d"[*]');
  });

  test('values compare as strings, and also as numbers or booleans when they look like one', () => {
    assert.equal(expressionJsonPath(one('(eq,a,x)')), '$."a"[*] ? (@ == "x")');
    assert.equal(expressionJsonPath(one('(eq,a,-1.5e3)')), '$."a"[*] ? (@ == "-1.5e3" || @ == -1.5e3)');
    assert.equal(expressionJsonPath(one('(in,a,true,2)')), '$."a"[*] ? (@ == "true" || @ == true || @ == "2" || @ == 2)');
    assert.equal(expressionJsonPath(one('(gt,a,10)')), '$."a"[*] ? (@ > "10" || @ > 10)');
    assert.equal(expressionJsonPath(one('(lte,a,true)')), '$."a"[*] ? (@ <= "true")');
    assert.equal(expressionJsonPath(one('(cont,a,x.y,"z")')), '$."a"[*] ? (@ like_regex "x.y" flag "q" || @ like_regex "\\"z\\"" flag "q")');
  });

  test('values that are not JSON numbers compare only as strings', () => {
    for (const v of ['010', '1.', '.5', '+1', '1e', '0x10', 'NaN', 'Infinity', '1e999', '1e-20000', '1'.repeat(400), `0.${'0'.repeat(200)}1`]) {
      assert.equal(expressionJsonPath(one(`(eq,a,${v})`)), `$."a"[*] ? (@ == "${v}")`, v);
    }
  });

  test('negated operators are NOT of the positive match, one bind parameter per expression', () => {
    const f = filterToSql(parseFilter('(neq,a,x);(nin,b,y,z);(ncont,c,w);(eq,d,v)'), { firstParam: 3 });
    assert.equal(f.sql, 'NOT (doc @? $3::jsonpath) AND NOT (doc @? $4::jsonpath) AND NOT (doc @? $5::jsonpath) AND doc @? $6::jsonpath');
    assert.deepEqual(f.bind, [
      '$."a"[*] ? (@ == "x")',
      '$."b"[*] ? (@ == "y" || @ == "z")',
      '$."c"[*] ? (@ like_regex "w" flag "q")',
      '$."d"[*] ? (@ == "v")',
    ]);
  });

  test('the column is configurable but must be a plain identifier', () => {
    assert.equal(filterToSql(parseFilter('(eq,a,x)'), { column: 'body' }).sql, 'body @? $1::jsonpath');
    assert.throws(() => filterToSql(parseFilter('(eq,a,x)'), { column: 'doc; DROP TABLE x' }), /invalid column/);
  });

  test('an allow-list rejects other attributes with 400 and accepts subtrees ending in /**', () => {
    const filterable = ['id', 'instantiatedVnfInfo/vnfState', 'metadata/**', 'vimConnectionInfo/@key'];
    for (const ok of ['(eq,id,x)', '(eq,instantiatedVnfInfo/vnfState,x)', '(eq,metadata/a/b,x)', '(eq,vimConnectionInfo/@key,x)']) {
      assert.doesNotThrow(() => filterToSql(parseFilter(ok), { filterable }), ok);
    }
    for (const bad of ['(eq,vnfState,x)', '(eq,instantiatedVnfInfo,x)', '(eq,metadata,x)', '(eq,metadataX/a,x)']) {
      assert.throws(() => filterToSql(parseFilter(bad), { filterable }), (e: unknown) => e instanceof InvalidFilter && /cannot be used/.test(e.detail), bad);
    }
  });
});
