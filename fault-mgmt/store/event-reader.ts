/**
 * Stored events, newest first, by type, entity and time range (the query API's GET /events).
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';

export interface EventFilter {
  readonly type?: string;
  readonly host?: string;
  readonly vm?: string;
  readonly vnfInstanceId?: string;
  /** Epoch seconds, inclusive. */
  readonly start?: number;
  /** Epoch seconds, exclusive. */
  readonly end?: number;
  readonly limit: number;
}

export interface StoredEvent {
  readonly time: string;
  readonly type: string;
  readonly count: number;
  readonly source: string;
  readonly host: string | null;
  readonly vm: string | null;
  readonly vnfInstanceId: string | null;
  readonly vnfcInstanceId: string | null;
  readonly message: string | null;
  readonly attrs: Record<string, string> | null;
}

interface EventRowDb {
  ts: Date;
  type: string;
  count: number;
  source: string;
  host: string | null;
  vm: string | null;
  vnf_instance_id: string | null;
  vnfc_instance_id: string | null;
  message: string | null;
  attrs: Record<string, string> | null;
}

export interface EventReader {
  list(filter: EventFilter): Promise<StoredEvent[]>;
}

export function createEventReader(deps: { db: Database }): EventReader {
  return {
    async list(filter) {
      const where: string[] = [];
      const bind: unknown[] = [];
      const add = (sql: (p: string) => string, value: unknown) => {
        bind.push(value);
        where.push(sql(`$${bind.length}`));
      };
      if (filter.type !== undefined) add((p) => `type = ${p}`, filter.type);
      if (filter.host !== undefined) add((p) => `host = ${p}`, filter.host);
      if (filter.vm !== undefined) add((p) => `vm = ${p}`, filter.vm);
      if (filter.vnfInstanceId !== undefined) add((p) => `vnf_instance_id = ${p}`, filter.vnfInstanceId);
      if (filter.start !== undefined) add((p) => `ts >= to_timestamp(${p})`, filter.start);
      if (filter.end !== undefined) add((p) => `ts < to_timestamp(${p})`, filter.end);
      bind.push(filter.limit);
      const rows = await deps.db.sequelize.query<EventRowDb>(
        `SELECT ts, type, count, source, host, vm, vnf_instance_id, vnfc_instance_id, message, attrs
           FROM monitoring_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY ts DESC LIMIT $${bind.length}`,
        { bind, type: QueryTypes.SELECT },
      );
      return rows.map((r) => ({
        time: new Date(r.ts).toISOString(),
        type: r.type,
        count: Number(r.count),
        source: r.source,
        host: r.host,
        vm: r.vm,
        vnfInstanceId: r.vnf_instance_id,
        vnfcInstanceId: r.vnfc_instance_id,
        message: r.message,
        attrs: r.attrs,
      }));
    },
  };
}
