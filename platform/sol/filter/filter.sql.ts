import { InvalidFilter } from '../../http/problem-details.ts';
import { attributePathText, type AttributePath, type Filter, type FilterExpression, type FilterOp } from './filter.parser.ts';

/**
 * Compiles a parsed SOL013 filter (5.2) into a SQL WHERE fragment over a jsonb
 * column, evaluated by the database (never in memory).
 *
 * Each expression becomes `doc @? $n::jsonpath`, the jsonpath being one bind
 * parameter built here with every name and value quoted as a jsonpath string:
 *
 *   (eq,instantiatedVnfInfo/vnfState,STARTED)
 *     -> $."instantiatedVnfInfo"."vnfState"[*] ? (@ == "STARTED")
 *
 * Semantics (the same on PGlite and PostgreSQL 15, whatever the database collation):
 * - Lax mode: a missing attribute matches nothing; an array on the way is crossed,
 *   and an array at the end is unwrapped, so an expression matches when ANY element
 *   reached by the path matches (SOL013 5.2.2).
 * - A value is compared as a string with JSON strings; when it is a JSON number
 *   literal (`10`, `-1.5e3`) also numerically with JSON numbers; when it is `true` or
 *   `false` also with JSON booleans (eq/neq/in/nin only). Strings order by Unicode
 *   code point, so ISO 8601 UTC timestamps in the same format order by time.
 * - cont: some string reached contains some value (plain substring, no wildcards).
 * - neq, nin, ncont are the negation of eq, in, cont over the whole document: they
 *   match when NO element reached matches, including when the attribute is absent.
 *   `(neq,vnfcInstanceIds,a)` therefore keeps documents that have no `a` among them.
 * - `@key` compares the keys of a map.
 * Using `@?` (not jsonb_path_exists) lets a GIN jsonb_path_ops index on the column
 * serve eq and in.
 */

export interface SqlFragment {
  readonly sql: string;
  readonly bind: readonly unknown[];
}

export interface FilterSqlOptions {
  /** The jsonb column holding the resource (default `doc`); a trusted identifier from code. */
  readonly column?: string;
  /** Number of the first bind parameter to use (`$n`), default 1. */
  readonly firstParam?: number;
  /** Attribute paths clients may filter on (SOL013 syntax, escaped); absent: any path. */
  readonly filterable?: readonly string[];
}

const NEGATED: Partial<Record<FilterOp, FilterOp>> = { neq: 'eq', nin: 'in', ncont: 'cont' };
const ORDERING: Partial<Record<FilterOp, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** JSON number grammar, bounded so that PostgreSQL's numeric always accepts it; such a value also compares numerically. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d{0,99})(?:\.\d{1,100})?(?:[eE][+-]?\d{1,3})?$/;

export function filterToSql(filter: Filter, opts: FilterSqlOptions = {}): SqlFragment {
  const column = opts.column ?? 'doc';
  if (!IDENTIFIER.test(column)) throw new Error(`filterToSql: invalid column name ${column}`);
  if (opts.filterable) assertFilterable(filter, opts.filterable);
  let n = opts.firstParam ?? 1;
  const parts: string[] = [];
  const bind: string[] = [];
  for (const expr of filter.expressions) {
    const positive = NEGATED[expr.op];
    const path = expressionJsonPath(positive ? { ...expr, op: positive } : expr);
    parts.push(positive ? `NOT (${column} @? $${n}::jsonpath)` : `${column} @? $${n}::jsonpath`);
    bind.push(path);
    n++;
  }
  return { sql: parts.length ? parts.join(' AND ') : 'TRUE', bind };
}

/**
 * Rejects attributes outside the resource's allow-list. An entry matches the same
 * path; an entry ending in `/**` matches every path below its prefix.
 */
export function assertFilterable(filter: Filter, filterable: readonly string[]): void {
  for (const { attribute } of filter.expressions) {
    const text = attributePathText(attribute);
    const allowed = filterable.some((entry) =>
      entry.endsWith('/**') ? text.startsWith(entry.slice(0, -2)) : entry === text,
    );
    if (!allowed) throw new InvalidFilter(`Invalid filter: attribute '${text}' cannot be used in a filter of this resource.`);
  }
}

/** The lax jsonpath that selects the documents an expression (eq, in, cont or an ordering) matches. */
export function expressionJsonPath(expr: FilterExpression): string {
  return `${attributeJsonPath(expr.attribute)} ? (${predicate(expr)})`;
}

/** `$."a"."b"[*]`: every item the attribute path reaches, arrays unwrapped. */
export function attributeJsonPath(attribute: AttributePath): string {
  const steps = attribute.names.map((name) => `.${jsonPathString(name)}`).join('');
  return `$${steps}${attribute.mapKeys ? '.keyvalue()."key"' : ''}[*]`;
}

function predicate(expr: FilterExpression): string {
  const { op, values } = expr;
  if (op === 'cont') return values.map((v) => `@ like_regex ${jsonPathString(v)} flag "q"`).join(' || ');
  const ordering = ORDERING[op];
  if (ordering) return literalsOf(values[0], false).map((lit) => `@ ${ordering} ${lit}`).join(' || ');
  if (op === 'eq' || op === 'in') return values.flatMap((v) => literalsOf(v, true)).map((lit) => `@ == ${lit}`).join(' || ');
  throw new Error(`predicate: unexpected operator ${op}`);
}

/** The jsonpath literals a filter value is compared with: always the string, maybe a number or boolean. */
function literalsOf(value: string, withBoolean: boolean): string[] {
  const out = [jsonPathString(value)];
  if (JSON_NUMBER.test(value) && Number.isFinite(Number(value))) out.push(value);
  if (withBoolean && (value === 'true' || value === 'false')) out.push(value);
  return out;
}

/** A double-quoted jsonpath string: `"` and `\` escaped, control characters as \uXXXX. */
export function jsonPathString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
