import { InvalidAttributeSelector } from '../http/problem-details.ts';
import { badEscapeIndex, unescapeTilde } from './filter/filter.parser.ts';

/**
 * Attribute selectors of SOL013 5.3: `all_fields`, `fields`, `exclude_fields`,
 * `exclude_default`, applied to the documents of a list response.
 *
 * Paths use '/' between attribute names with the tilde escapes of filters (5.2.2).
 * A path crosses arrays (`instantiatedVnfInfo/vnfcResourceInfo/computeResource`
 * acts on every element), and a name `*` stands for every key of a map or element
 * of an array (`vimConnectionInfo`, `*`, `accessInfo`: the access info of every VIM).
 *
 * What each combination returns (SOL013 table 5.3.2-2):
 * - none, or exclude_default: all but the resource's default-excluded attributes;
 * - all_fields: everything;
 * - exclude_fields=L: all but the attributes in L;
 * - fields=L: every simple attribute, the resource's mandatory complex attributes
 *   (`_links` unless told otherwise) and the attributes in L; for a nested path
 *   `a/b`, `a` keeps its simple attributes and `b`;
 * - fields=L with exclude_default: all but the default-excluded attributes not in L.
 * Other combinations are illegal: 400 InvalidAttributeSelector. Whatever the
 * selector, the resource's never-returned paths (credentials) are removed.
 */

export type AttrPath = readonly string[];

export type AttributeSelector =
  /** Remove these paths (all_fields: none). */
  | { readonly kind: 'exclude'; readonly paths: readonly AttrPath[] }
  /** Keep simple attributes, `mandatory` and these paths; drop other complex attributes. */
  | { readonly kind: 'fields'; readonly paths: readonly AttrPath[] }
  /** Remove the default-excluded paths except what `fields` asks for. */
  | { readonly kind: 'fieldsOverDefault'; readonly fields: readonly AttrPath[]; readonly defaults: readonly AttrPath[] };

export interface SelectorSpec {
  /** Attributes left out unless asked for (exclude_default set of the resource). */
  readonly defaultExcluded: readonly string[];
  /** Complex attributes always kept by `fields` (lower cardinality bound > 0); default ['_links']. */
  readonly mandatory?: readonly string[];
}

export interface SelectorParams {
  readonly all_fields?: string;
  readonly fields?: string;
  readonly exclude_fields?: string;
  readonly exclude_default?: string;
}

const WILDCARD = '*';

export function parseAttributeSelector(params: SelectorParams, spec: SelectorSpec): AttributeSelector {
  const has = (k: keyof SelectorParams) => params[k] !== undefined;
  const defaults = spec.defaultExcluded.map(splitPath);
  if (has('all_fields')) {
    const others = (['fields', 'exclude_fields', 'exclude_default'] as const).filter(has);
    if (others.length) illegal(`all_fields cannot be combined with ${others.join(', ')}`);
    return { kind: 'exclude', paths: [] };
  }
  if (has('fields')) {
    if (has('exclude_fields')) illegal('fields cannot be combined with exclude_fields');
    const fields = parsePathList('fields', params.fields!);
    return has('exclude_default') ? { kind: 'fieldsOverDefault', fields, defaults } : { kind: 'fields', paths: fields };
  }
  if (has('exclude_fields')) {
    if (has('exclude_default')) illegal('exclude_fields cannot be combined with exclude_default');
    return { kind: 'exclude', paths: parsePathList('exclude_fields', params.exclude_fields!) };
  }
  return { kind: 'exclude', paths: defaults };
}

/** The selection as a new document; `doc` is left untouched. */
export function applyAttributeSelector<T extends object>(doc: T, selector: AttributeSelector, spec: SelectorSpec): T {
  switch (selector.kind) {
    case 'exclude':
      return selector.paths.reduce<unknown>((d, p) => omitPath(d, p), doc) as T;
    case 'fields': {
      const keep = trieOf([...(spec.mandatory ?? ['_links']).map(splitPath), ...selector.paths]);
      return project(doc, keep) as T;
    }
    case 'fieldsOverDefault': {
      let out: unknown = doc;
      for (const d of selector.defaults) {
        if (selector.fields.some((f) => isPrefix(f, d))) continue; // asked for whole, or an ancestor is
        const below = selector.fields.filter((f) => f.length > d.length && isPrefix(d, f)).map((f) => f.slice(d.length));
        out = below.length ? mapAt(out, d, (v) => project(v, trieOf(below))) : omitPath(out, d);
      }
      return out as T;
    }
  }
}

/** Removes every never-returned path (credentials) whatever was selected. */
export function removeNeverReturned<T extends object>(doc: T, neverReturned: readonly string[]): T {
  return neverReturned.reduce<unknown>((d, p) => omitPath(d, splitPath(p)), doc) as T;
}

/** `a/b~1c` -> ['a', 'b/c']; for paths given by code (trusted). */
export function splitPath(text: string): AttrPath {
  return text.split('/').map(unescapeTilde);
}

function parsePathList(param: string, text: string): AttrPath[] {
  if (text === '') illegal(`${param} needs at least one attribute name`);
  return text.split(',').map((entry) => {
    const names = entry.split('/');
    if (names.some((n) => n === '')) illegal(`${param} has an empty attribute name in '${entry}'`);
    const bad = names.find((n) => badEscapeIndex(n) >= 0);
    if (bad !== undefined) illegal(`${param} has an invalid '~' escape in '${entry}'; use ~0 ~1 ~a or ~b`);
    return names.map(unescapeTilde);
  });
}

function illegal(why: string): never {
  throw new InvalidAttributeSelector(`Invalid attribute selector: ${why}.`);
}

function isPrefix(prefix: AttrPath, path: AttrPath): boolean {
  return prefix.length <= path.length && prefix.every((n, i) => n === path[i] || n === WILDCARD || path[i] === WILDCARD);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Complex: an object, or an array holding an object (SOL013 5.3.2 selects complex attributes only). */
function isComplex(v: unknown): boolean {
  return isRecord(v) || (Array.isArray(v) && v.some((e) => isRecord(e) || Array.isArray(e)));
}

/** Applies `fn` to what `path` reaches, crossing arrays; copies only along the way. */
function mapAt(value: unknown, path: AttrPath, fn: (v: unknown) => unknown): unknown {
  if (path.length === 0) return fn(value);
  const [head, ...rest] = path;
  // `*` on an array names its elements; another name is looked up in each element.
  if (Array.isArray(value)) return value.map((e) => (head === WILDCARD ? mapAt(e, rest, fn) : mapAt(e, path, fn)));
  if (!isRecord(value)) return value;
  const keys = head === WILDCARD ? Object.keys(value) : Object.hasOwn(value, head) ? [head] : [];
  if (keys.length === 0) return value;
  const out = { ...value };
  for (const k of keys) out[k] = mapAt(value[k], rest, fn);
  return out;
}

function omitPath(value: unknown, path: AttrPath): unknown {
  if (path.length === 0) return value;
  const parent = path.slice(0, -1);
  const last = path[path.length - 1];
  return mapAt(value, parent, (v) => omitKey(v, last));
}

function omitKey(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return key === WILDCARD ? [] : value.map((e) => omitKey(e, key));
  if (!isRecord(value)) return value;
  if (key === WILDCARD) return {};
  if (!Object.hasOwn(value, key)) return value;
  const { [key]: _removed, ...rest } = value;
  return rest;
}

interface Trie {
  [name: string]: Trie | true;
}

function trieOf(paths: readonly AttrPath[]): Trie {
  const root: Trie = {};
  for (const p of paths) {
    let node = root;
    for (let i = 0; i < p.length; i++) {
      const next = node[p[i]];
      if (next === true) break; // an ancestor is kept whole already
      if (i === p.length - 1) node[p[i]] = true;
      else node = node[p[i]] = next ?? {};
    }
  }
  return root;
}

/** Keeps simple attributes, whole subtrees marked `true`, and recurses into partial ones. */
function project(value: unknown, trie: Trie): unknown {
  if (Array.isArray(value)) return value.map((e) => project(e, trie));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const rule = trie[k] ?? trie[WILDCARD];
    if (rule === true) out[k] = v;
    else if (rule) out[k] = project(v, rule);
    else if (!isComplex(v)) out[k] = v;
  }
  return out;
}
