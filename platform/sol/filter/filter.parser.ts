import { InvalidFilter } from '../../http/problem-details.ts';

/**
 * The `filter` URI query parameter of SOL013 5.2 parsed into a typed tree.
 *
 *   filter     := expression ( ';' expression )*            all must match (AND)
 *   expression := '(' op ',' attribute ',' value ( ',' value )* ')'
 *   attribute  := name ( '/' name )* [ '/@key' ]
 *
 * - `eq neq gt gte lt lte` take exactly one value, `in nin cont ncont` one or more.
 * - In attribute names and unquoted values `~1` is '/', `~a` is ',', `~b` is '@' and
 *   `~0` is '~'; any other '~' is an error. A name that is exactly `@key` (unescaped)
 *   stands for the keys of a map and may only end a path (SOL013 5.2.2).
 * - A value enclosed in single quotes is taken literally, `''` being one quote; it may
 *   hold ',', ';', '(', ')' and '~'. An unquoted value may not hold any of `,;()'` and
 *   may not be empty (write `''` for the empty string).
 * Anything else throws InvalidFilter saying what was wrong and at which position (1-based).
 */

export const ONE_VALUE_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const;
export const MULTI_VALUE_OPS = ['in', 'nin', 'cont', 'ncont'] as const;
export type OneValueOp = (typeof ONE_VALUE_OPS)[number];
export type MultiValueOp = (typeof MULTI_VALUE_OPS)[number];
export type FilterOp = OneValueOp | MultiValueOp;

export interface AttributePath {
  /** Attribute names from the root, unescaped. */
  readonly names: readonly string[];
  /** True when the path ends in `@key`: the keys of the map at `names`. */
  readonly mapKeys: boolean;
}

export interface FilterExpression {
  readonly op: FilterOp;
  readonly attribute: AttributePath;
  readonly values: readonly string[];
}

/** Expressions that must all match. */
export interface Filter {
  readonly expressions: readonly FilterExpression[];
}

const OPS: ReadonlySet<string> = new Set([...ONE_VALUE_OPS, ...MULTI_VALUE_OPS]);
const ONE_VALUE: ReadonlySet<string> = new Set(ONE_VALUE_OPS);
const MAP_KEYS = '@key';
const UNESCAPES: Readonly<Record<string, string>> = { '0': '~', '1': '/', a: ',', b: '@' };
/** Characters that end or may not appear in an unquoted value or a name. */
const RESERVED = new Set([',', ';', '(', ')', "'"]);

export function parseFilter(text: string): Filter {
  return new FilterParser(text).parse();
}

/** The attribute path written back in SOL013 syntax (escaped): used to compare with allow-lists. */
export function attributePathText(path: AttributePath): string {
  const names = path.names.map(escapeName);
  return (path.mapKeys ? [...names, MAP_KEYS] : names).join('/');
}

export function escapeName(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1').replace(/,/g, '~a').replace(/@/g, '~b');
}

/** Index of the first '~' that does not start a valid escape, or -1. */
export function badEscapeIndex(raw: string): number {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '~') continue;
    if (!(raw[i + 1] in UNESCAPES)) return i;
    i++;
  }
  return -1;
}

/** Replaces the SOL013 tilde escapes; check badEscapeIndex first. */
export function unescapeTilde(raw: string): string {
  return raw.replace(/~([01ab])/g, (_m, c: string) => UNESCAPES[c]);
}

class FilterParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): Filter {
    if (this.text.length === 0) this.fail('the filter is empty');
    const nul = this.text.indexOf('\u0000');
    if (nul >= 0) this.fail(`NUL character at position ${nul + 1}`);
    const expressions: FilterExpression[] = [];
    for (;;) {
      expressions.push(this.expression());
      if (this.pos === this.text.length) return { expressions };
      if (this.peek() !== ';') this.fail(`expected ';' or the end of the filter at position ${this.pos + 1}, found ${this.found()}`);
      this.pos++;
      if (this.pos === this.text.length) this.fail(`empty expression after ';' at position ${this.pos}`);
    }
  }

  private expression(): FilterExpression {
    const start = this.pos;
    if (this.peek() !== '(') this.fail(`expected '(' at position ${this.pos + 1}, found ${this.found()}`);
    this.pos++;
    const op = this.op();
    this.expect(',', `after the operator '${op}'`);
    const attribute = this.attribute();
    const values: string[] = [];
    do {
      this.expect(',', 'before a value');
      values.push(this.value());
    } while (this.peek() === ',');
    if (this.peek() !== ')') {
      this.fail(`expected ',' or ')' at position ${this.pos + 1}, found ${this.found()} (expression starting at position ${start + 1})`);
    }
    this.pos++;
    if (ONE_VALUE.has(op) && values.length !== 1) {
      this.fail(`operator '${op}' takes exactly one value, got ${values.length} (expression starting at position ${start + 1})`);
    }
    return { op, attribute, values };
  }

  private op(): FilterOp {
    const start = this.pos;
    while (this.pos < this.text.length && /[a-zA-Z]/.test(this.text[this.pos])) this.pos++;
    const op = this.text.slice(start, this.pos);
    if (op === '') this.fail(`expected an operator at position ${start + 1}, found ${this.found()}`);
    if (!OPS.has(op)) this.fail(`unknown operator '${op}' at position ${start + 1}; use one of ${[...OPS].join(' ')}`);
    return op as FilterOp;
  }

  private attribute(): AttributePath {
    const start = this.pos;
    while (this.pos < this.text.length && !RESERVED.has(this.text[this.pos])) this.pos++;
    const raw = this.text.slice(start, this.pos);
    if (raw === '') this.fail(`empty attribute name at position ${start + 1}`);
    if (this.peek() === "'" || this.peek() === '(' || this.peek() === ';') {
      this.fail(`unexpected ${this.found()} in the attribute name at position ${this.pos + 1}`);
    }
    const names: string[] = [];
    let mapKeys = false;
    let offset = start;
    for (const part of raw.split('/')) {
      if (mapKeys) this.fail(`'@key' must be the last name of the attribute path at position ${offset + 1}`);
      if (part === '') this.fail(`empty attribute name in the path '${raw}' at position ${offset + 1}`);
      if (part === MAP_KEYS) mapKeys = true;
      else if (part.includes('@')) this.fail(`'@' in the attribute name at position ${offset + part.indexOf('@') + 1}; escape it as ~b`);
      else names.push(this.unescape(part, offset, 'an attribute name'));
      offset += part.length + 1;
    }
    if (names.length === 0) this.fail(`'@key' needs the map attribute it refers to, at position ${start + 1}`);
    return { names, mapKeys };
  }

  private value(): string {
    const start = this.pos;
    if (this.peek() === "'") return this.quoted();
    while (this.pos < this.text.length && !RESERVED.has(this.text[this.pos])) this.pos++;
    const raw = this.text.slice(start, this.pos);
    if (raw === '') this.fail(`empty value at position ${start + 1}; write '' for an empty string`);
    const stop = this.peek();
    if (stop === "'" || stop === '(' || stop === ';') {
      this.fail(`unexpected ${this.found()} in a value at position ${this.pos + 1}; quote values holding , ; ( ) or '`);
    }
    return this.unescape(raw, start, 'a value');
  }

  private unescape(raw: string, at: number, what: string): string {
    const bad = badEscapeIndex(raw);
    if (bad >= 0) {
      this.fail(`invalid escape '${raw.slice(bad, bad + 2)}' in ${what} at position ${at + bad + 1}; use ~0 ~1 ~a or ~b`);
    }
    return unescapeTilde(raw);
  }

  private quoted(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail(`unterminated quoted value starting at position ${start + 1}`);
      const c = this.text[this.pos];
      if (c === "'") {
        if (this.text[this.pos + 1] === "'") {
          out += "'";
          this.pos += 2;
          continue;
        }
        this.pos++;
        const next = this.peek();
        if (next !== ',' && next !== ')') {
          this.fail(`expected ',' or ')' after the quoted value at position ${this.pos + 1}, found ${this.found()}`);
        }
        return out;
      }
      out += c;
      this.pos++;
    }
  }

  private expect(c: string, context: string): void {
    if (this.peek() !== c) this.fail(`expected '${c}' ${context} at position ${this.pos + 1}, found ${this.found()}`);
    this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private found(): string {
    const c = this.peek();
    return c === undefined ? 'the end of the filter' : `'${c}'`;
  }

  private fail(message: string): never {
    throw new InvalidFilter(`Invalid filter: ${message}.`);
  }
}
