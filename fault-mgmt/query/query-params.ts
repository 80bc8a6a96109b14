/**
 * Parsing of the query API's parameters. The OpenAPI validator has checked their shape
 * already; these turn them into domain values and say precisely what is wrong otherwise
 * (a handler may also be reached without the validator, e.g. in tests).
 */
import { BadRequest } from '../../platform/http/problem-details.ts';
import type { EntityKind, EntityRef } from '../monitoring.types.ts';

export const ENTITY_KINDS: readonly EntityKind[] = ['host', 'vm', 'vnf'];

type Query = Record<string, unknown>;

/** One value of a query parameter (a repeated parameter is refused). */
export function single(query: Query, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw new BadRequest(`Query parameter ${name} is given more than once.`);
  if (typeof v === 'object' && v !== null) throw new BadRequest(`Query parameter ${name} is not a plain value.`);
  const text = String(v);
  // PostgreSQL text cannot hold U+0000: refused here rather than failing in the query (a 500).
  if (text.includes('\u0000')) throw new BadRequest(`Query parameter ${name} holds U+0000.`);
  return text;
}

export function required(query: Query, name: string): string {
  const v = single(query, name);
  if (v === undefined || v === '') throw new BadRequest(`Query parameter ${name} is required.`);
  return v;
}

/** `<kind>:<id>`, e.g. `host:compute-a`, `vm:0f6c...`, `vnf:<vnfInstanceId>`; the id may hold ':'. */
export function parseEntity(text: string, name = 'entity'): EntityRef {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon) as EntityKind;
  const id = text.slice(colon + 1);
  if (colon < 0 || !ENTITY_KINDS.includes(kind) || id === '') {
    throw new BadRequest(`${name} must be <kind>:<id> with kind host, vm or vnf (e.g. host:compute-a), got '${text}'.`);
  }
  return { kind, id };
}

const EPOCH = /^\d{1,12}(\.\d+)?$/;
// RFC 3339 date-time (ISO 8601 profile): a zone is required so that the instant is unambiguous.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** ISO 8601 (RFC 3339, with zone) or epoch seconds -> epoch seconds. */
export function parseTime(text: string, name: string): number {
  if (EPOCH.test(text)) return Number(text);
  if (ISO.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new BadRequest(
    `${name} must be an ISO 8601 date-time with a zone (2026-11-25T14:55:00Z) or epoch seconds (1795618500), got '${text}'.`,
  );
}

/** A non-negative integer within bounds, or the default when absent. */
export function parseInteger(text: string | undefined, name: string, bounds: { min: number; max: number; default: number }): number {
  if (text === undefined || text === '') return bounds.default;
  const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < bounds.min || n > bounds.max) {
    throw new BadRequest(`${name} must be an integer from ${bounds.min} to ${bounds.max}, got '${text}'.`);
  }
  return n;
}

export function parseChoice<T extends string>(text: string | undefined, name: string, choices: readonly T[], fallback: T): T {
  if (text === undefined || text === '') return fallback;
  if (!choices.includes(text as T)) throw new BadRequest(`${name} must be one of ${choices.join(', ')}, got '${text}'.`);
  return text as T;
}

/** `a,b,c` -> distinct non-empty names, in order. */
export function parseList(text: string, name: string, max: number): string[] {
  const items = [...new Set(text.split(',').map((s) => s.trim()))];
  if (items.some((s) => s === '')) throw new BadRequest(`${name} holds an empty name: '${text}'.`);
  if (items.length > max) throw new BadRequest(`${name} names ${items.length} items; at most ${max} per request.`);
  return items;
}

export function isoOf(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
