import { gzipSync } from 'node:zlib';
import { LETTERS, type SeededRandom } from './seeded-random.ts';

export * from './seeded-random.ts';
export * from './bad-input-params.ts';

/**
 * Hostile HTTP input for contract tests: request bodies, path parameters, query
 * strings and headers that an API must refuse with a 4xx ProblemDetails, never a
 * 500, changing nothing. Every case is invalid by construction (not by chance), and
 * generation is deterministic: the same seed gives the same requests.
 *
 *   const rng = new SeededRandom(seed);
 *   const model = { example, required: ['callbackUri'], closed: [['verbosity']] };
 *   for (const c of hostileBodies(rng, model, byteSize(config.http.bodyLimit))) ...  // c.status: 400, 413, 415...
 *
 * Path parameters, filters, selectors, markers and headers: bad-input-params.ts.
 */

export type Json = null | boolean | number | string | Json[] | { [name: string]: Json };
export type JsonObject = { [name: string]: Json };
/** Where a value sits in a body: member names and array indexes from the root. */
export type JsonPath = readonly (string | number)[];

/** One hostile request body. `status` is the one answer possible, when a single one is. */
export interface HostileBody {
  readonly label: string;
  readonly body: Buffer;
  /** Default application/json; null: no Content-Type header at all. */
  readonly contentType?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent with Transfer-Encoding: chunked instead of Content-Length. */
  readonly chunked?: boolean;
  readonly status?: number;
}

/** What a JSON request body looks like, for the generator to break it. */
export interface BodyModel {
  /** A valid body; every value in it gets replaced. The schema must type each of them. */
  readonly example: JsonObject;
  /** Top-level members the body cannot do without: dropping one makes any body invalid. */
  readonly required: readonly string[];
  /** Paths whose strings are closed (enumerations, URIs): any hostile string there is refused. */
  readonly closed: readonly JsonPath[];
}

/** JSON numbers JavaScript mangles (1e400 is Infinity), plus tokens JSON does not have. */
const NUMBER_TOKENS = ['1e400', '-1e400', '-0', '0', '1.5e-400', '123456789012345678901234567890', '-1'];
const NOT_JSON_TOKENS = ['NaN', 'Infinity', '-Infinity', '0x10', '+1', '01', '.5', '1.', 'undefined', "'x'", 'tru'];
/** Strings PostgreSQL cannot store (U+0000, unpaired surrogates) or that unsettle parsers. */
const UNSTORABLE = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800'];
const HOSTILE_NAMES = ['__proto__', 'constructor', 'prototype', '$where', '../..', '', ' ', '\u202e', 'a'.repeat(1000), '0'];
/** Byte sequences that are not UTF-8: overlong, surrogate, truncated, out of range. */
const BAD_UTF8 = [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xf4, 0x90, 0x80, 0x80]];

/** JSON text, where a RawJson is written as is (tokens JSON.stringify cannot produce). */
export class RawJson {
  constructor(readonly text: string) {}
}

export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Every path in the value below the root, parents before children. */
export function pathsOf(value: Json, at: JsonPath = []): JsonPath[] {
  const children: [string | number, Json][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : value !== null && typeof value === 'object'
      ? Object.entries(value)
      : [];
  return children.flatMap(([k, v]) => [[...at, k], ...pathsOf(v, [...at, k])]);
}

export function valueAt(value: Json, path: JsonPath): Json {
  return path.reduce<Json>((v, k) => (v as Record<string, Json>)[k as string], value);
}

/** A copy with the value at `path` replaced (by anything, RawJson included) or, for `undefined`, removed. */
export function withValue(root: Json, path: JsonPath, value: unknown): any {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  if (rest.length === 0 && value === undefined) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else {
    // defineProperty: `__proto__` and friends become members, not prototypes.
    Object.defineProperty(copy, head, { value: withValue(copy[head], rest, value), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

function kindOf(v: Json): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

const name = (path: JsonPath) => path.join('.') || '(root)';
const json = (label: string, text: string | Buffer, status?: number): HostileBody => ({
  label,
  body: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'),
  status,
});

/** The body without one of its required members: invalid whatever else it holds. */
function dropRequired(rng: SeededRandom, model: BodyModel, body: JsonObject): JsonObject {
  return withValue(body, [rng.pick(model.required)], undefined);
}

/** A string of the example to put hostile bytes into. */
function stringPaths(model: BodyModel): JsonPath[] {
  return pathsOf(model.example).filter((p) => typeof valueAt(model.example, p) === 'string');
}

/** Malformed JSON text: truncations of the example and tokens or syntax JSON does not have. */
export function malformedJson(rng: SeededRandom, model: BodyModel, count = 24): HostileBody[] {
  const text = jsonText(model.example);
  const out: HostileBody[] = [];
  // A strict prefix of an object's text never balances its braces.
  for (let i = 0; i < count; i++) out.push(json(`truncated at ${i}`, text.slice(0, rng.int(1, text.length - 1)), 400));
  const paths = pathsOf(model.example);
  for (const token of NOT_JSON_TOKENS) {
    const at = rng.pick(paths);
    out.push(json(`${token} at ${name(at)}`, jsonText(withValue(model.example, at, new RawJson(token))), 400));
  }
  const [first, ...others] = Object.keys(model.example);
  for (const [label, bad] of [
    ['trailing comma', text.replace(/}$/, ',}')],
    ['single quotes', text.replace(/"/g, "'")],
    ['unquoted member name', text.replace(`"${first}"`, first)],
    ['comment', text.replace('{', '{/* c */')],
    ['two documents', `${text}${text}`],
    ['raw control character in a string', jsonText(withValue(model.example, rng.pick(stringPaths(model)), new RawJson('"a\u0001b"')))],
    ['raw NUL between tokens', text.replace('{', '{\u0000')],
    ['BOM between tokens', text.replace('{', '{\ufeff')],
    ['two BOMs', `\ufeff\ufeff${text}`],
    ['null', 'null'],
    ['a string', '"x"'],
    ['a number', '1'],
    ['whitespace', ' \n\t '],
    ['lone brace', '}'],
    ['missing value', `{"${first}":}`],
    ['missing colon', `{"${first}" 1}`],
    ['unterminated string', `{"${others[0] ?? first}":"abc`],
    ['100,000 unclosed arrays', '['.repeat(100_000)],
  ] as const) {
    out.push(json(label, bad, 400));
  }
  return out;
}

/** Each value of the example replaced by one of each other JSON type (null, number, string, ...). */
export function wrongTypes(rng: SeededRandom, model: BodyModel): HostileBody[] {
  const out: HostileBody[] = [];
  for (const path of pathsOf(model.example)) {
    const kind = kindOf(valueAt(model.example, path));
    const replacements: [string, unknown][] = [
      ['null', null],
      ['number', new RawJson(rng.pick(NUMBER_TOKENS))],
      ['string', rng.pick(['', 'x', 'true', '0', '[]'])],
      ['boolean', rng.pick([true, false])],
      ['array', rng.pick([[], ['x'], [[]], [null]])],
      ['object', rng.pick([{}, { x: 1 }])],
    ];
    for (const [k, v] of replacements) {
      if (k === kind) continue;
      const shown = v instanceof RawJson ? v.text : JSON.stringify(v);
      out.push(json(`${name(path)} = ${shown}`, jsonText(withValue(model.example, path, v)), 400));
    }
  }
  return out;
}

/** Hostile text inside strings: not UTF-8, U+0000, unpaired surrogates, very long, a BOM with a broken body. */
export function hostileText(rng: SeededRandom, model: BodyModel): HostileBody[] {
  const out: HostileBody[] = [];
  const strings = stringPaths(model);
  for (const path of strings) {
    const marker = '\u0001MARK\u0001';
    const [before, after] = jsonText(withValue(model.example, path, marker)).split(JSON.stringify(marker));
    const bytes = rng.pick(BAD_UTF8);
    const original = JSON.stringify(valueAt(model.example, path)).slice(1, -1);
    const cut = rng.int(0, original.length);
    out.push(json(`invalid UTF-8 ${Buffer.from(bytes).toString('hex')} in ${name(path)}`,
      Buffer.concat([Buffer.from(`${before}"${original.slice(0, cut)}`), Buffer.from(bytes), Buffer.from(`${original.slice(cut)}"${after}`)]), 400));
    // Valid JSON with text that cannot be stored: refused before any side effect.
    const bad = rng.pick(UNSTORABLE);
    out.push(json(`${JSON.stringify(bad)} in ${name(path)}`, jsonText(withValue(model.example, path, `${valueAt(model.example, path)}${bad}`)), 400));
  }
  for (const path of model.closed) {
    out.push(json(`very long string at ${name(path)}`, jsonText(withValue(model.example, path, rng.text(LETTERS, 70_000, 90_000))), 400));
    out.push(json(`control characters at ${name(path)}`, jsonText(withValue(model.example, path, '\u0007\b\f\u001b\u007f\u0085')), 400));
  }
  for (const path of strings.filter((p) => !model.closed.some((c) => name(c) === name(p)))) {
    const long = withValue(model.example, path, rng.text(LETTERS, 70_000, 90_000));
    out.push(json(`very long string at ${name(path)}, required member missing`, jsonText(dropRequired(rng, model, long)), 400));
  }
  out.push(json('unstorable member name', jsonText({ ...model.example, [`a${rng.pick(UNSTORABLE)}`]: 1 }), 400));
  out.push(json('BOM, then a wrong type', `\ufeff${jsonText(withValue(model.example, [model.required[0]], 1))}`, 400));
  out.push(json('UTF-16 with its BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(jsonText(model.example), 'utf16le')]), 400));
  return out;
}

/** Unknown members (odd names, deep or huge values) in a body that also misses a required member. */
export function unknownMembers(rng: SeededRandom, model: BodyModel, count = 12): HostileBody[] {
  const objects = [[], ...pathsOf(model.example)].filter((p) => kindOf(valueAt(model.example, p)) === 'object');
  const values = [() => new RawJson(nested(rng.int(100, 2000))), () => rng.text(LETTERS, 1, 40), () => new RawJson('1e400'), () => null];
  const out: HostileBody[] = [];
  for (let i = 0; i < count; i++) {
    const at = rng.pick(objects);
    const member = rng.pick(HOSTILE_NAMES);
    const body = dropRequired(rng, model, withValue(model.example, [...at, member], rng.pick(values)()));
    out.push(json(`unknown member ${JSON.stringify(member.slice(0, 20))} in ${name(at)}, required member missing`, jsonText(body), 400));
  }
  return out;
}

function nested(depth: number, open = '[', close = ']'): string {
  return `${open.repeat(depth)}${close.repeat(depth)}`;
}

/** 10,000 levels of valid JSON arrays or objects, as the body or as a member: refused, and the process lives. */
export function deepNesting(rng: SeededRandom, model: BodyModel, depth = 10_000): HostileBody[] {
  const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const first = model.required[0];
  return [
    json(`${depth} nested arrays as the body`, nested(depth), 400),
    json(`${depth} nested objects as the body`, objects, 400),
    json(`${depth} nested arrays in ${first}`, jsonText(withValue(model.example, [first], new RawJson(nested(depth)))), 400),
    json(`${depth} nested objects unknown, ${first} missing`, jsonText(withValue(dropRequired(rng, model, model.example), ['x'], new RawJson(objects))), 400),
  ];
}

/** Members given twice, both values of another type: whichever a parser keeps, the body is invalid. */
export function duplicateMembers(rng: SeededRandom, model: BodyModel): HostileBody[] {
  const tokens: [string, string][] = [['null', 'null'], ['number', '1e400'], ['number', '-0'], ['array', '[]'], ['object', '{}'], ['boolean', 'true'], ['string', '"x"']];
  return Object.keys(model.example).map((member) => {
    const others = tokens.filter(([kind]) => kind !== kindOf(model.example[member])).map(([, token]) => token);
    const a = rng.pick(others);
    const b = rng.pick(others.filter((token) => token !== a));
    const rest = jsonText(withValue(model.example, [member], undefined)).slice(1);
    return json(`${member} twice: ${a}, ${b}`, `{"${member}":${a},"${member}":${b}${rest === '}' ? '}' : `,${rest}`}`, 400);
  });
}

/** No body, an empty one, or one with a type that is not JSON; and encodings it does not decode with. */
export function wrongMediaTypes(model: BodyModel): HostileBody[] {
  const text = jsonText(model.example);
  const types = [
    'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    'application/octet-stream', 'application/merge-patch+json', 'application/json-patch+json', 'text/json',
    'application/jsonx', '*/*', 'application/*', '', 'application/json; charset=latin1', 'application/json; charset=bogus',
  ];
  return [
    ...types.map((t) => ({ ...json(`Content-Type ${JSON.stringify(t)}`, text, 415), contentType: t })),
    { ...json('no Content-Type', text, 415), contentType: null },
    json('empty body', ''),
    { ...json('no body and no Content-Type', ''), contentType: null },
    { ...json('Content-Encoding: gzip, not gzipped', text, 400), headers: { 'Content-Encoding': 'gzip' } },
    { ...json('Content-Encoding: deflate, truncated', gzipSync(text).subarray(0, 12), 400), headers: { 'Content-Encoding': 'deflate' } },
    { ...json('Content-Encoding: br, not compressed', text, 400), headers: { 'Content-Encoding': 'br' } },
    { ...json('Content-Encoding: unknown', text, 415), headers: { 'Content-Encoding': 'x-unknown' } },
  ];
}

/** `VNFM_BODY_LIMIT`-style sizes (`1mb`, `100kb`, `512`) in bytes, as body-parser reads them. */
export function byteSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!m) throw new Error(`not a byte size: ${text}`);
  const unit = { b: 0, kb: 1, mb: 2, gb: 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * 1024 ** unit);
}

/** Bodies just above the limit: by Content-Length, chunked, and decompressing beyond it. */
export function oversizedBodies(model: BodyModel, limitBytes: number): HostileBody[] {
  const sized = (bytes: number) => {
    const text = jsonText({ ...model.example, padding: '' });
    return Buffer.from(text.replace('"padding":""', `"padding":"${'x'.repeat(bytes - Buffer.byteLength(text))}"`));
  };
  return [
    json('limit + 1 bytes', sized(limitBytes + 1), 413),
    json('limit + 1 KiB', sized(limitBytes + 1024), 413),
    { ...json('limit + 1 bytes, chunked', sized(limitBytes + 1), 413), chunked: true },
    { ...json('limit + 1 bytes of whitespace, chunked', Buffer.alloc(limitBytes + 1, 0x20), 413), chunked: true },
    { ...json('gzip inflating beyond the limit', gzipSync(sized(limitBytes * 2)), 413), headers: { 'Content-Encoding': 'gzip' } },
  ];
}

/** All of the above for one body model. */
export function hostileBodies(rng: SeededRandom, model: BodyModel, limitBytes: number): HostileBody[] {
  return [
    ...malformedJson(rng, model),
    ...wrongTypes(rng, model),
    ...hostileText(rng, model),
    ...unknownMembers(rng, model),
    ...deepNesting(rng, model),
    ...duplicateMembers(rng, model),
    ...wrongMediaTypes(model),
    ...oversizedBodies(model, limitBytes),
  ];
}
