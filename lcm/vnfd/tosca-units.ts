/**
 * TOSCA scalar-unit values (TOSCA Simple Profile in YAML 1.3, scalar-unit.size and
 * scalar-unit.time): a number, a space and a unit; unit names are case-insensitive.
 * Decimal units are powers of 1000 and binary units powers of 1024, exactly as the
 * profile defines them: `512 MB` is 512,000,000 bytes (488.3 MiB), `512 MiB` is
 * 536,870,912.
 */

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  kib: 2 ** 10,
  mb: 1e6,
  mib: 2 ** 20,
  gb: 1e9,
  gib: 2 ** 30,
  tb: 1e12,
  tib: 2 ** 40,
};

const TIME_UNITS: Readonly<Record<string, number>> = {
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 1e-3,
  us: 1e-6,
  ns: 1e-9,
};

const SCALAR = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$/;

function scalar(value: unknown, units: Readonly<Record<string, number>>): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = SCALAR.exec(value);
  if (!m) return undefined;
  const factor = units[m[2].toLowerCase()];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

/** Bytes of a scalar-unit.size such as `1 GiB`; undefined when it is not one. */
export function sizeInBytes(value: unknown): number | undefined {
  return scalar(value, SIZE_UNITS);
}

/** Seconds of a scalar-unit.time such as `10 m` (TOSCA: m is minutes); undefined when it is not one. */
export function timeInSeconds(value: unknown): number | undefined {
  return scalar(value, TIME_UNITS);
}

export const SIZE_UNIT_NAMES = 'B, kB, KiB, MB, MiB, GB, GiB, TB, TiB';
export const TIME_UNIT_NAMES = 'd, h, m, s, ms, us, ns';

/** Whole MiB (Nova counts RAM in MiB), rounded up: a VDU needs at least what it asks for. */
export function bytesToMiB(bytes: number): number {
  return Math.ceil(bytes / 2 ** 20 - 1e-9);
}

/** Whole GiB (Nova counts disk in GiB), rounded up. */
export function bytesToGiB(bytes: number): number {
  return Math.ceil(bytes / 2 ** 30 - 1e-9);
}
