import type { Router } from 'express';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { BadRequest } from '../../platform/http/problem-details.ts';

/** One stored alert as GET /alerts returns it (api/openapi/monitoring.yaml Alert). */
export interface AlertView {
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  readonly startsAt: string;
  readonly endsAt: string | null;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly receiver: string | null;
  readonly functionType: string | null;
  readonly vnfInstanceId: string | null;
  readonly timesReceived: number;
  readonly updatedAt: string;
}

export interface AlertListQuery {
  readonly status?: 'firing' | 'resolved';
  readonly vnfInstanceId?: string;
  readonly limit: number;
}

export const DEFAULT_ALERT_LIMIT = 100;
export const MAX_ALERT_LIMIT = 1000;

function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadRequest(`Query parameter ${name} must be given once.`);
  return v;
}

/** `status`, `vnfInstanceId`, `limit` (1-1000, default 100); anything else is refused. */
export function parseAlertListQuery(query: Record<string, unknown>): AlertListQuery {
  for (const name of Object.keys(query)) {
    if (!['status', 'vnfInstanceId', 'limit'].includes(name)) throw new BadRequest(`Unknown query parameter ${name}.`);
  }
  const status = single(query, 'status');
  if (status !== undefined && status !== 'firing' && status !== 'resolved') throw new BadRequest('status must be firing or resolved.');
  const vnfInstanceId = single(query, 'vnfInstanceId');
  if (vnfInstanceId === '') throw new BadRequest('vnfInstanceId must not be empty.');
  const limitText = single(query, 'limit');
  const limit = limitText === undefined ? DEFAULT_ALERT_LIMIT : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '1') || !Number.isInteger(limit) || limit < 1 || limit > MAX_ALERT_LIMIT) {
    throw new BadRequest(`limit must be an integer from 1 to ${MAX_ALERT_LIMIT}.`);
  }
  return { ...(status && { status }), ...(vnfInstanceId !== undefined && { vnfInstanceId }), limit };
}

interface AlertRow {
  fingerprint: string;
  status: 'firing' | 'resolved';
  starts_at: string;
  ends_at: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receiver: string | null;
  function_type: string | null;
  vnf_instance_id: string | null;
  times_received: number;
  updated_at: Date;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/** The alerts, most recently changed first. */
export async function listAlerts(db: Database, q: AlertListQuery): Promise<AlertView[]> {
  const rows = await db.sequelize.query<AlertRow>(
    `SELECT fingerprint, status, to_char(starts_at AT TIME ZONE 'UTC', ${ISO}) AS starts_at,
            to_char(ends_at AT TIME ZONE 'UTC', ${ISO}) AS ends_at, labels, annotations, receiver,
            function_type, vnf_instance_id, times_received, updated_at
     FROM monitoring_alerts
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR vnf_instance_id = $2)
     ORDER BY updated_at DESC, seq DESC
     LIMIT $3`,
    { bind: [q.status ?? null, q.vnfInstanceId ?? null, q.limit], type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    fingerprint: r.fingerprint,
    status: r.status,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    labels: r.labels,
    annotations: r.annotations,
    receiver: r.receiver,
    functionType: r.function_type,
    vnfInstanceId: r.vnf_instance_id,
    timesReceived: r.times_received,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}

/** GET /alerts under the monitoring query API. */
export function alertQueryRoutes(deps: { db: Database }): (router: Router) => void {
  return (router) => {
    router.get('/alerts', async (req, res) => {
      res.json(await listAlerts(deps.db, parseAlertListQuery(req.query as Record<string, unknown>)));
    });
  };
}
