/** Typed reads of the raw configuration strings, each failing with a ConfigError that names the key. */
import { CONFIG_KEYS, type ConfigKeyName } from './config-keys.ts';

export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
}

export type RawValues = Partial<Record<ConfigKeyName, string>>;

const defaultOf = (name: ConfigKeyName) => CONFIG_KEYS.find((k) => k.name === name)!.default;

export function strOf(raw: RawValues, name: ConfigKeyName): string | undefined {
  return raw[name] ?? defaultOf(name);
}

export function intOf(raw: RawValues, name: ConfigKeyName, min: number): number {
  const text = raw[name] ?? defaultOf(name)!;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer >= ${min}, got '${text}'`);
  return n;
}

/** A finite number in [min, max]. */
export function numberOf(raw: RawValues, name: ConfigKeyName, min: number, max = Infinity): number {
  const text = raw[name] ?? defaultOf(name)!;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a number from ${min}${max === Infinity ? '' : ` to ${max}`}, got '${text}'`);
  }
  return n;
}

export function boolOf(raw: RawValues, name: ConfigKeyName): boolean {
  const text = (raw[name] ?? defaultOf(name)!).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  throw new ConfigError(`${name} must be true or false, got '${text}'`);
}

/** One of the allowed words. */
export function oneOf<T extends string>(raw: RawValues, name: ConfigKeyName, allowed: readonly T[]): T {
  const text = raw[name] ?? defaultOf(name)!;
  if (!allowed.includes(text as T)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got '${text}'`);
  return text as T;
}

export function checkUrl(name: ConfigKeyName, value: string | undefined, protocols: string[]): void {
  if (value === undefined) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(`${name} must use ${protocols.join(' or ')}`);
}

export function parseListen(text: string, key: ConfigKeyName = 'VNFM_LISTEN'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new ConfigError(`${key} must be host:port, got '${text}'`);
  return { host: m[1] ?? m[2], port };
}
