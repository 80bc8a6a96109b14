import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** A parsed JSON or YAML document, cached by absolute path. */
type Json = unknown;
const documents = new Map<string, Json>();

export function loadDocument(file: string): Json {
  const abs = path.resolve(file);
  let doc = documents.get(abs);
  if (doc === undefined) {
    const text = readFileSync(abs, 'utf8');
    doc = abs.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    documents.set(abs, doc);
  }
  return doc;
}

/** The node at a JSON pointer (RFC 6901; `#` prefix optional), or an Error naming the missing step. */
export function atPointer(doc: Json, pointer: string): Json {
  let node: Json = doc;
  const steps = pointer.replace(/^#/, '').split('/').slice(1);
  for (const raw of steps) {
    const step = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(step in (node as object))) {
      throw new Error(`${pointer}: no "${step}"`);
    }
    node = (node as Record<string, Json>)[step];
  }
  return node;
}

/** Resolves `other.yaml#/a/b` or `#/a/b` as written in `fromFile`. */
export function resolveRef(fromFile: string, ref: string): { file: string; value: Json } {
  const [target, pointer = ''] = ref.split('#');
  const file = target ? path.resolve(path.dirname(fromFile), target) : path.resolve(fromFile);
  return { file, value: atPointer(loadDocument(file), pointer) };
}

/** Every `$ref` in a document, with where it sits. */
export function refsIn(doc: Json, at = '#'): { ref: string; at: string }[] {
  if (doc === null || typeof doc !== 'object') return [];
  const out: { ref: string; at: string }[] = [];
  for (const [k, v] of Object.entries(doc as Record<string, Json>)) {
    if (k === '$ref' && typeof v === 'string') out.push({ ref: v, at });
    else out.push(...refsIn(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  return out;
}

/**
 * A self-contained copy of a schema: every `$ref` (in this file or another) replaced
 * by what it points to, so ajv can compile it alone. Cycles are an error: our
 * documents have none and the ETSI bundles are inline.
 */
export function inlineRefs(file: string, node: Json, trail: string[] = []): Json {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(file, n, trail));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, Json>;
  if (typeof obj.$ref === 'string') {
    const { file: target, value } = resolveRef(file, obj.$ref);
    const key = `${target}#${obj.$ref.split('#')[1] ?? ''}`;
    if (trail.includes(key)) throw new Error(`circular $ref ${obj.$ref}`);
    return inlineRefs(target, value, [...trail, key]);
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, inlineRefs(file, v, trail)]));
}

/** The schema at `pointer` of `file`, with its references inlined. */
export function schemaAt(file: string, pointer: string): Record<string, unknown> {
  return inlineRefs(file, atPointer(loadDocument(file), pointer)) as Record<string, unknown>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface DocumentedOperation {
  readonly path: string;
  readonly method: string;
  readonly operation: Record<string, unknown>;
  readonly pathItem: Record<string, unknown>;
}

/** The operations of an OpenAPI document. */
export function operationsOf(doc: Json): DocumentedOperation[] {
  const paths = ((doc as { paths?: Record<string, Record<string, unknown>> }).paths ?? {}) as Record<string, Record<string, unknown>>;
  const out: DocumentedOperation[] = [];
  for (const [p, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      if (item[method]) out.push({ path: p, method, operation: item[method] as Record<string, unknown>, pathItem: item });
    }
  }
  return out;
}
