import { LETTERS, SOL013_ALPHABET, type SeededRandom } from './seeded-random.ts';

/**
 * Hostile path parameters, query strings, headers and forms (see bad-input.ts):
 * each invalid by construction, from a seeded generator.
 */

/** A path parameter, percent-encoded as sent, naming nothing: 404, or 400 where noted. */
export interface HostileSegment {
  readonly label: string;
  readonly segment: string;
  readonly status: number;
}

const HEX = '0123456789abcdef';
const uuid = (rng: SeededRandom) => [8, 4, 4, 4, 12].map((n) => rng.text(HEX, n, n)).join('-');

/** Identifiers that are not UUIDs, or UUIDs of nothing; malformed encodings and overlong ones are 400. */
export function badIds(rng: SeededRandom, count = 40): HostileSegment[] {
  const id = uuid(rng);
  const fixed: [string, string, number][] = [
    ['not a UUID', 'not-a-uuid', 404], ['no dashes', id.replace(/-/g, ''), 404], ['braces', `%7B${id}%7D`, 404],
    ['one more character', `${id}a`, 404], ['one less', id.slice(0, -1), 404], ['non-hex digit', `g${id.slice(1)}`, 404],
    ['upper case, unknown', uuid(rng).toUpperCase(), 404], ['SQL', "%27%20OR%20%271%27%3D%271", 404], ['NUL', 'a%00b', 404],
    ['traversal', '..%2F..%2Fetc%2Fpasswd', 404], ['space', '%20', 404], ['emoji', '%F0%9F%92%A9', 404], ['minus one', '-1', 404],
    ['null', 'null', 404], ['dots', '..', 404], ['bad percent-encoding', '%ZZ', 400], ['lone percent', '%', 400],
    ['truncated UTF-8', '%E0%A4%A', 400], ['overlong UTF-8', '%C0%AF', 400], ['256 characters', 'a'.repeat(256), 400],
  ];
  const out = fixed.map(([label, segment, status]) => ({ label, segment, status }));
  for (let i = 0; i < count; i++) {
    const segment = i % 2 ? uuid(rng) : rng.text(`${HEX}-_.~XYZ`, 1, 60);
    out.push({ label: i % 2 ? 'unknown UUID' : 'random', segment, status: 404 });
  }
  return out;
}

/** Percent-encodes what a query value cannot carry, leaving the SOL013 characters readable. */
export function queryValue(text: string): string {
  return [...text].map((c) => (/[A-Za-z0-9(),;'~/._\-!*@:$]/.test(c) ? c : encodeURIComponent(c))).join('');
}

const ONE_VALUE_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'];
const MULTI_VALUE_OPS = ['in', 'nin', 'cont', 'ncont'];
const OPS = [...ONE_VALUE_OPS, ...MULTI_VALUE_OPS];

/**
 * SOL013 5.2 filters that cannot parse, by construction: a filter starts with '(' and
 * ends with the ')' of its last expression, names a known operator with its arity,
 * and escapes '~' as ~0 ~1 ~a ~b. Returned unencoded; send through queryValue().
 */
export function badFilters(rng: SeededRandom, count = 120): string[] {
  const attr = () => rng.text(LETTERS, 1, 8);
  const soup = () => rng.text(SOL013_ALPHABET, 0, 30);
  const notClosing = SOL013_ALPHABET.replace(')', '');
  const unknownOp = () => {
    for (;;) {
      const op = rng.pick([rng.text(LETTERS, 1, 6), rng.pick(OPS).toUpperCase(), `${rng.pick(OPS)}${rng.text(LETTERS, 1, 2)}`]);
      if (!OPS.includes(op)) return op;
    }
  };
  const makers: (() => string)[] = [
    () => `(${soup()}${rng.text(notClosing, 1, 1)}`,
    () => `(${rng.pick(OPS)},${soup()}${rng.text(notClosing, 1, 1)}`,
    () => `${rng.text(SOL013_ALPHABET.replace('(', ''), 1, 1)}${soup()}`,
    () => `(${unknownOp()},${attr()},${attr()})`,
    () => `(${rng.pick(ONE_VALUE_OPS)},${attr()})`,
    () => `(${rng.pick(ONE_VALUE_OPS)},${attr()},${attr()},${attr()})`,
    () => `(${rng.pick(MULTI_VALUE_OPS)},${attr()})`,
    () => `(eq,${attr()}~${rng.text('cdefghz23456789', 1, 1)}${attr()},x)`,
    () => `(eq,${attr()},x~${rng.text('cdefghz23456789', 1, 1)})`,
    () => `(eq,${attr()},'${soup()}`,
    () => `(eq,${attr()},'x'${rng.text(LETTERS, 1, 3)})`,
    () => rng.pick(['(eq,@key,x)', `(eq,${attr()}/@key/${attr()},x)`, `(eq,${attr()}@${attr()},x)`]),
    () => rng.pick(['()', '(eq)', '(eq,)', '(eq,,x)', '(eq,a,)', ';', '(eq,a,b);', ';(eq,a,b)', '(eq,a,b);;(eq,a,b)']),
    () => rng.pick(['(eq,a//b,x)', '(eq,/a,x)', '(eq,a/,x)', '( eq,a,b)', '(eq,a,\u0000)', '(eq,a,b)x', '(eq,a,b))', '((eq,a,b))']),
    () => `(eq,${attr()},${attr()})(eq,${attr()},${attr()})`,
  ];
  return Array.from({ length: count }, (_, i) => makers[i % makers.length]());
}

/** Attribute selectors SOL013 5.3 forbids: illegal combinations, empty or badly escaped paths. Query strings. */
export function badSelectors(rng: SeededRandom, count = 24): string[] {
  const path = () => rng.pick([`${rng.text(LETTERS, 1, 6)}~${rng.text('cdz9', 1, 1)}`, `${rng.text(LETTERS, 1, 6)}//x`, '/a', 'a,,b', '']);
  const fixed = ['all_fields&fields=a', 'all_fields&exclude_fields=a', 'all_fields&exclude_default', 'fields=a&exclude_fields=b',
    'exclude_fields=a&exclude_default', 'fields=', 'exclude_fields=', 'fields=a&fields=b', 'all_fields&all_fields'];
  const random = Array.from({ length: count - fixed.length }, () => `${rng.pick(['fields', 'exclude_fields'])}=${queryValue(path())}`);
  return [...fixed, ...random];
}

/** nextpage_opaque_marker values no server made (SOL013 5.4): not base64url, too long, or not a position. */
export function badMarkers(rng: SeededRandom, count = 16): string[] {
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const fixed = ['x', 'seq:1', b64('seq:-1'), b64('seq:01'), b64('seq:1.5'), b64('seq:'), b64('SEQ:1'), b64('seq:12345678901234567'),
    b64('seq:1 '), Buffer.from('seq:1').toString('base64'), `${b64('seq:1')}=`, '%00', '..'];
  const random = Array.from({ length: count - fixed.length }, () => rng.text(`${LETTERS}0123456789-_`, 41, 80));
  return [...fixed, ...random].map(queryValue);
}

/** Each parameter of a valid query given twice, or as a bracketed name (`?a[]=`, `?a[x]=`). */
export function repeatedParams(valid: Readonly<Record<string, string>>): string[] {
  return Object.entries(valid).flatMap(([k, v]) => [`${k}=${v}&${k}=${v}`, `${k}[]=${v}`, `${k}[x]=${v}`, `${k}=${v}&${k.toUpperCase()}=${v}&${k}=`]);
}

/** Parameters that are none of `known`. */
export function unknownParams(rng: SeededRandom, known: readonly string[], count = 12): string[] {
  const out: string[] = ['__proto__=1', 'constructor=x', 'x=', `${'p'.repeat(2000)}=1`];
  while (out.length < count) {
    const name = rng.text(`${LETTERS}_`, 1, 12);
    if (!known.includes(name)) out.push(`${name}=${queryValue(rng.text(SOL013_ALPHABET, 0, 10))}`);
  }
  return out;
}

/** `Version` headers (SOL013 4.9) that are malformed (400) or not `served` (406). */
export function badVersions(rng: SeededRandom, served: string): { readonly value: string; readonly status: number }[] {
  const [major, minor, patch] = served.split('.').map(Number);
  const malformed = ['', 'x', `${major}`, `${major}.${minor}`, `${served}.0`, `0${served}`, `v${served}`, served.replace(/\./g, ','),
    `${served}-impl`, `${served}-foo:x`, `${served}-impl:a-b`, `${served};${served}`, `${served} ${served}`, `${major}.${minor}.x`, '9'.repeat(400)];
  const unserved = [`${major + 1}.0.0`, `${major}.${minor}.${patch + 1}`, `${major}.${minor + 1}.${patch}`, `${major + 10}.0.0`,
    `${rng.int(major + 1, 99)}.${rng.int(0, 99)}.${rng.int(0, 99)}`];
  return [...malformed.map((value) => ({ value, status: 400 })), ...unserved.map((value) => ({ value, status: 406 }))];
}

/** `Accept` headers that exclude JSON and problem+json (SOL013 4.2): 406. */
export const BAD_ACCEPTS = ['text/html', 'application/xml', 'image/png', 'text/*', 'application/json;q=0',
  'application/problem+json;q=0, text/plain', 'application/jsonx', 'application/*+xml'];

/** `Authorization` headers that carry no valid credentials; `token` (valid) gets tampered with. */
export function badAuthorizations(rng: SeededRandom, token: string): string[] {
  const part = () => rng.text(`${LETTERS}0123456789-_`, 0, 40);
  const flip = (i: number) => `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
  return [
    'Bearer', 'Bearer  ', 'Basic', 'Negotiate abc', `Basic ${Buffer.from('a:b').toString('base64')}`, `Bearer ${token} x`,
    `Bearer ${token.split('.').slice(0, 2).join('.')}`, `Bearer ${token}.`, `Token ${token}`, `Bearer ${'x'.repeat(8000)}`,
    ...Array.from({ length: 8 }, () => `Bearer ${part()}.${part()}.${part()}`),
    ...Array.from({ length: 8 }, () => `Bearer ${flip(rng.int(0, token.length - 1))}`),
  ];
}

/** application/x-www-form-urlencoded bodies that break a valid form: fields missing, repeated, mangled. */
export function hostileForms(rng: SeededRandom, valid: Readonly<Record<string, string>>): { readonly label: string; readonly body: string }[] {
  const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
  const out: { label: string; body: string }[] = [];
  for (const [k, v] of Object.entries(valid)) {
    const rest = Object.fromEntries(Object.entries(valid).filter(([n]) => n !== k));
    out.push({ label: `${k} missing`, body: form(rest) });
    out.push({ label: `${k} twice`, body: `${form(valid)}&${k}=${encodeURIComponent(v)}` });
    out.push({ label: `${k} empty`, body: form({ ...valid, [k]: '' }) });
    out.push({ label: `${k} bracketed`, body: `${form(rest)}&${k}[]=${encodeURIComponent(v)}` });
    for (const junk of ['%ZZ', '%00', '%C0%AF', `%${rng.text(HEX, 1, 1)}`, encodeURIComponent(rng.text(SOL013_ALPHABET, 1, 20))]) {
      out.push({ label: `${k} + ${junk}`, body: `${form(rest)}&${k}=${encodeURIComponent(v)}${junk}` });
    }
  }
  out.push({ label: 'no fields', body: '' }, { label: 'only separators', body: '&&&=&=' });
  return out;
}

/** HTTP Basic client credentials (RFC 6749 2.3.1) that do not authenticate the client `id` with `secret`. */
export function badBasicAuthorizations(rng: SeededRandom, id: string, secret: string): string[] {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
  return [
    basic(`${id}:${secret}x`), basic(`${id}x:${secret}`), basic(`${secret}:${id}`), basic(id), basic(':'), basic(''),
    basic(`${id.toUpperCase()}:${secret}`), basic(`${id}:${secret.slice(0, -1)}`), basic(`%${id}:%ZZ`), basic(`${id}:${secret}\u0000`),
    `Basic ${Buffer.from(`${id}:${secret}`).toString('base64').slice(0, -2)}!`, 'Basic', `Basic ${'A'.repeat(6000)}`,
    ...Array.from({ length: 6 }, () => `Basic ${Buffer.from(rng.text(SOL013_ALPHABET, 0, 30)).toString('base64')}`),
  ];
}
