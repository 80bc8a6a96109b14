import type { EntityResolver, EventRow, ResolvedEntity } from '../monitoring.types.ts';
import type { LogMatch } from './log-pattern.catalogue.ts';

/** EventRow.message holds at most 2 KiB (monitoring.types.ts). */
export const MAX_EVENT_MESSAGE_CHARS = 2048;

export interface EventEntity {
  readonly host?: string;
  readonly vm?: string;
  readonly vnfInstanceId?: string;
  readonly vnfcInstanceId?: string;
}

/** Names given with a line (or its batch), before resolution. */
export interface GivenEntity {
  readonly host?: string;
  readonly vm?: string;
  readonly vnfInstanceId?: string;
  readonly vnfcInstanceId?: string;
}

/** The entity columns of an event for what the registry made of a name. */
export function entityOf(r: ResolvedEntity): EventEntity {
  return {
    host: r.host ?? (r.entity.kind === 'host' ? r.entity.id : undefined),
    vm: r.vm ?? (r.entity.kind === 'vm' ? r.entity.id : undefined),
    vnfInstanceId: r.vnfInstanceId ?? (r.entity.kind === 'vnf' ? r.entity.id : undefined),
    vnfcInstanceId: r.vnfcInstanceId,
  };
}

/**
 * Resolves the names given with a line: a VM name (or server id) resolves to its server
 * id, host and VNF(C); a host name to itself. Explicitly given host and VNF(C) ids win over
 * what the registry says, the VM becomes its server id. Memoised per batch by the caller.
 */
export function resolveGiven(resolver: EntityResolver, given: GivenEntity): EventEntity {
  const r = given.vm !== undefined ? entityOf(resolver.resolve(given.vm, 'vm')) : given.host !== undefined ? entityOf(resolver.resolve(given.host, 'host')) : {};
  return {
    host: given.host ?? r.host,
    vm: r.vm ?? given.vm,
    vnfInstanceId: given.vnfInstanceId ?? r.vnfInstanceId,
    vnfcInstanceId: given.vnfcInstanceId ?? r.vnfcInstanceId,
  };
}

/** The event one matched line makes. */
export function eventOf(ts: number, match: LogMatch, source: string, entity: EventEntity, message: string, extraAttrs?: Record<string, string>): EventRow {
  const attrs = extraAttrs ? { ...extraAttrs, ...match.attrs } : match.attrs;
  return {
    ts,
    type: match.type,
    count: 1,
    source,
    ...definedOnly(entity),
    message: message.length > MAX_EVENT_MESSAGE_CHARS ? message.slice(0, MAX_EVENT_MESSAGE_CHARS) : message,
    ...(Object.keys(attrs).length > 0 ? { attrs } : {}),
  };
}

function definedOnly(e: EventEntity): EventEntity {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined) out[k] = v;
  return out;
}
