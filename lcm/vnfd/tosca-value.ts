import type { VnfdProblems } from './vnfd-error.ts';
import { locate, type DefinitionFile, type YamlPath } from './yaml-file.ts';

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * A value of a package file with where it is. Typed reads report what is wrong at the
 * value's exact path and return undefined, so one pass lists every problem.
 */
export class ToscaValue {
  constructor(
    readonly file: DefinitionFile,
    readonly path: YamlPath,
    readonly value: unknown,
    readonly problems: VnfdProblems,
  ) {}

  static root(file: DefinitionFile, problems: VnfdProblems): ToscaValue {
    return new ToscaValue(file, [], file.data, problems);
  }

  /** Absent keys and empty values (`key:`) are both "not given". */
  get exists(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  get isMapping(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  get where(): string {
    return locate(this.file.relPath, this.path);
  }

  at(key: string | number): ToscaValue {
    let child: unknown;
    if (typeof key === 'number' && Array.isArray(this.value)) child = this.value[key];
    else if (typeof key === 'string' && this.isMapping) child = (this.value as Record<string, unknown>)[key];
    return new ToscaValue(this.file, [...this.path, key], child, this.problems);
  }

  /** Follows several keys: `v.dig('properties', 'vdu_profile')`. */
  dig(...keys: (string | number)[]): ToscaValue {
    let v: ToscaValue = this;
    for (const k of keys) v = v.at(k);
    return v;
  }

  problem(message: string): undefined {
    this.problems.add(this.where, message, this.file.lineOf(this.path));
    return undefined;
  }

  required(): boolean {
    if (!this.exists) this.problem('is required');
    return this.exists;
  }

  /** The entries of a mapping ([] when absent or, with a problem, when not a mapping). */
  entries(): [string, ToscaValue][] {
    if (!this.exists) return [];
    if (!this.isMapping) {
      this.problem(`must be a mapping, not ${describe(this.value)}`);
      return [];
    }
    return Object.keys(this.value as object).map((k) => [k, this.at(k)]);
  }

  /** The items of a list ([] when absent or, with a problem, when not a list). */
  items(): ToscaValue[] {
    if (!this.exists) return [];
    if (!Array.isArray(this.value)) {
      this.problem(`must be a list, not ${describe(this.value)}`);
      return [];
    }
    return this.value.map((_, i) => this.at(i));
  }

  /** Reports keys of a mapping that are not in `known`, each at its own path. */
  onlyKeys(known: readonly string[], what = 'property'): void {
    if (!this.isMapping) return;
    for (const k of Object.keys(this.value as object)) {
      if (!known.includes(k)) this.at(k).problem(`unknown ${what} ${k} (known: ${known.join(', ')})`);
    }
  }

  string(options: { required?: boolean } = {}): string | undefined {
    if (!this.exists) return options.required ? this.problem('is required') : undefined;
    if (typeof this.value !== 'string') return this.problem(`must be a string, not ${describe(this.value)}`);
    if (options.required && this.value.trim() === '') return this.problem('must not be empty');
    return this.value;
  }

  oneOf<T extends string>(allowed: readonly T[], options: { required?: boolean } = {}): T | undefined {
    const s = this.string(options);
    if (s === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(s)) return this.problem(`must be one of ${allowed.join(', ')}, not "${s}"`);
    return s as T;
  }

  integer(options: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    if (!this.exists) return options.required ? this.problem('is required') : undefined;
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.problem(`must be an integer, not ${describe(v)}`);
    return this.inRange(v, options.min, options.max);
  }

  number(options: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    if (!this.exists) return options.required ? this.problem('is required') : undefined;
    const v = this.value;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.problem(`must be a number, not ${describe(v)}`);
    return this.inRange(v, options.min, options.max);
  }

  boolean(options: { required?: boolean } = {}): boolean | undefined {
    if (!this.exists) return options.required ? this.problem('is required') : undefined;
    if (typeof this.value !== 'boolean') return this.problem(`must be true or false, not ${describe(this.value)}`);
    return this.value;
  }

  /** A list of strings, e.g. policy targets. */
  strings(options: { required?: boolean } = {}): string[] | undefined {
    if (!this.exists) return options.required ? this.problem('is required') : undefined;
    if (!Array.isArray(this.value)) return this.problem(`must be a list, not ${describe(this.value)}`);
    const out: string[] = [];
    for (const item of this.items()) {
      const s = item.string({ required: true });
      if (s !== undefined) out.push(s);
    }
    return out.length === this.value.length ? out : undefined;
  }

  private inRange(v: number, min?: number, max?: number): number | undefined {
    if (min !== undefined && max !== undefined && (v < min || v > max)) return this.problem(`must be between ${min} and ${max}, not ${v}`);
    if (min !== undefined && v < min) return this.problem(`must be at least ${min}, not ${v}`);
    if (max !== undefined && v > max) return this.problem(`must be at most ${max}, not ${v}`);
    return v;
  }
}
