/**
 * Structural comparison of two JSON schemas (ours vs. ETSI's) after $ref inlining:
 * attribute names, types, enumerations and required attributes, recursively.
 * Constraints that only narrow values (format, pattern, lengths, anyOf/not checks)
 * are left to the sample documents.
 */
type Schema = Record<string, unknown>;

export interface Difference {
  readonly at: string;
  readonly kind: 'type' | 'enum-missing' | 'enum-extra' | 'not-in-etsi' | 'missing' | 'extra-required' | 'missing-required';
  readonly values?: readonly string[];
}

interface View {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required: string[];
  items?: Schema;
}

/** Flattens `allOf` into one view; the other combinators only add checks. */
function view(schema: Schema | undefined): View {
  const out: View = { required: [] };
  if (!schema) return out;
  for (const part of [schema, ...((schema.allOf as Schema[]) ?? [])]) {
    if (typeof part.type === 'string') out.type = part.type;
    if (Array.isArray(part.enum)) out.enum = part.enum;
    if (part.properties) out.properties = { ...out.properties, ...(part.properties as Record<string, Schema>) };
    if (Array.isArray(part.required)) out.required.push(...(part.required as string[]));
    if (part.items) out.items = part.items as Schema;
  }
  return out;
}

const minus = (a: readonly unknown[], b: readonly unknown[]) => a.filter((x) => !b.includes(x)).map(String).sort();

export function schemaDifferences(ours: Schema, etsi: Schema, at = ''): Difference[] {
  const o = view(ours);
  const e = view(etsi);
  const out: Difference[] = [];
  if (o.type && e.type && o.type !== e.type) out.push({ at, kind: 'type', values: [o.type, e.type] });
  if (o.enum || e.enum) {
    const missing = minus(e.enum ?? [], o.enum ?? []);
    const extra = minus(o.enum ?? [], e.enum ?? []);
    if (missing.length) out.push({ at, kind: 'enum-missing', values: missing });
    if (extra.length) out.push({ at, kind: 'enum-extra', values: extra });
  }
  if (o.properties || e.properties) {
    const op = o.properties ?? {};
    const ep = e.properties ?? {};
    for (const k of Object.keys(op).sort()) {
      if (!(k in ep)) out.push({ at: `${at}/${k}`, kind: 'not-in-etsi' });
      else out.push(...schemaDifferences(op[k], ep[k], `${at}/${k}`));
    }
    for (const k of Object.keys(ep).sort()) if (!(k in op)) out.push({ at: `${at}/${k}`, kind: 'missing' });
    const extraRequired = minus([...new Set(o.required)], e.required);
    const missingRequired = minus([...new Set(e.required)], o.required);
    if (extraRequired.length) out.push({ at, kind: 'extra-required', values: extraRequired });
    if (missingRequired.length) out.push({ at, kind: 'missing-required', values: missingRequired });
  }
  if (o.items || e.items) out.push(...schemaDifferences(o.items ?? {}, e.items ?? {}, `${at}/items`));
  return out;
}

const URI_NAMES = /^(callbackUri|href|tokenEndpoint|type|instance)$/;

/**
 * The fullest instance an ETSI schema describes: every attribute present, one item
 * per array, the first value of each enumeration, plausible strings per format.
 */
export function fullestInstance(schema: Schema, name = ''): unknown {
  const v = view(schema);
  const type = v.type ?? (v.properties ? 'object' : v.items ? 'array' : 'string');
  if (v.enum) return v.enum[0];
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(v.properties ?? {}).map(([k, s]) => [k, fullestInstance(s, k)]));
    case 'array':
      return [fullestInstance(v.items ?? {}, name)];
    case 'integer':
    case 'number':
      return name === 'status' ? 409 : 1;
    case 'boolean':
      return true;
    default: {
      const format = String(schema.format ?? '').toLowerCase();
      if (format === 'date-time') return '2026-11-25T12:00:00Z';
      if (format === 'uri' || format === 'url' || URI_NAMES.test(name)) return 'https://nfvo.example.com/x';
      if (name === 'version') return '2.0.0';
      return `${name || 'value'}-1`;
    }
  }
}
