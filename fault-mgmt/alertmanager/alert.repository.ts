import { QueryTypes, type Transaction } from 'sequelize';
import { sequelizeOf } from '../../platform/db/database.ts';
import type { AlertStatus, NormalisedAlert } from './alertmanager-webhook.parser.ts';
import { alertKey, groupByKey, planRow, type AlertOutcome, type AlertState } from './alert-transition.ts';

/** starts_at / ends_at rendered exactly as the parser normalises them (UTC, microseconds). */
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const isoOf = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${ISO})`;

export interface StoredAlerts {
  /** Outcome of each alert of the body, by index. */
  readonly outcomes: readonly AlertOutcome[];
  /** Alerts that changed state (new firing, resolved), in body order: what to publish. */
  readonly changes: readonly NormalisedAlert[];
}

/**
 * Stores a validated body's alerts inside the caller's transaction. Rows are claimed
 * first with INSERT ... ON CONFLICT DO NOTHING (a concurrent request for the same alert
 * waits on the row instead of failing), then the existing ones are locked and updated
 * according to alert-transition.ts.
 */
export async function storeAlerts(tx: Transaction, alerts: readonly NormalisedAlert[]): Promise<StoredAlerts> {
  const sequelize = sequelizeOf(tx);
  const groups = groupByKey(alerts);
  // Rows are claimed in key order, so two bodies with the same alerts never lock each other crosswise.
  const firsts = [...groups.values()].map((g) => g.alerts[0]).sort((a, b) => (alertKey(a) < alertKey(b) ? -1 : 1));
  const outcomes: AlertOutcome[] = new Array(alerts.length);
  const changes: { index: number; alert: NormalisedAlert }[] = [];
  if (firsts.length === 0) return { outcomes, changes: [] };

  const inserted = await sequelize.query<{ fingerprint: string; starts_at: string }>(
    `INSERT INTO monitoring_alerts (fingerprint, starts_at, status, ends_at, labels, annotations,
                                    receiver, generator_url, function_type, vnf_instance_id)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::jsonb[],
                          $7::text[], $8::text[], $9::text[], $10::text[])
     ON CONFLICT (fingerprint, starts_at) DO NOTHING
     RETURNING fingerprint, ${isoOf('starts_at')} AS starts_at`,
    {
      bind: [
        firsts.map((a) => a.fingerprint),
        firsts.map((a) => a.startsAt),
        firsts.map((a) => a.status),
        firsts.map((a) => a.endsAt),
        firsts.map((a) => JSON.stringify(a.labels)),
        firsts.map((a) => JSON.stringify(a.annotations)),
        firsts.map((a) => a.receiver),
        firsts.map((a) => a.generatorURL),
        firsts.map((a) => a.functionType),
        firsts.map((a) => a.vnfInstanceId),
      ],
      type: QueryTypes.SELECT,
      transaction: tx,
    },
  );
  const insertedKeys = new Set(inserted.map((r) => alertKey({ fingerprint: r.fingerprint, startsAt: r.starts_at })));
  const existing = firsts.filter((a) => !insertedKeys.has(alertKey(a)));
  const stored = new Map<string, AlertState>();
  if (existing.length > 0) {
    const rows = await sequelize.query<{ fingerprint: string; starts_at: string; status: AlertStatus; ends_at: string | null }>(
      `SELECT fingerprint, ${isoOf('starts_at')} AS starts_at, status, ${isoOf('ends_at')} AS ends_at
       FROM monitoring_alerts
       WHERE (fingerprint, starts_at) IN (SELECT * FROM unnest($1::text[], $2::timestamptz[]))
       ORDER BY fingerprint, starts_at
       FOR UPDATE`,
      { bind: [existing.map((a) => a.fingerprint), existing.map((a) => a.startsAt)], type: QueryTypes.SELECT, transaction: tx },
    );
    for (const r of rows) stored.set(alertKey({ fingerprint: r.fingerprint, startsAt: r.starts_at }), { status: r.status, endsAt: r.ends_at });
  }

  const updates: { fingerprint: string; startsAt: string; receipts: number; changed: boolean; status: AlertStatus; endsAt: string | null }[] = [];
  for (const [key, group] of groups) {
    const { plan, outcomes: own } = planRow(group.alerts, stored.get(key), insertedKeys.has(key));
    own.forEach((o, i) => (outcomes[group.indexes[i]] = o));
    for (const alert of plan.changes) changes.push({ index: group.indexes[group.alerts.indexOf(alert)], alert });
    if (plan.receipts > 0) {
      const first = group.alerts[0];
      updates.push({ fingerprint: first.fingerprint, startsAt: first.startsAt, receipts: plan.receipts, changed: plan.changed, ...plan.final });
    }
  }
  if (updates.length > 0) {
    // updated_at moves only with a state change: a repeated notification changes nothing but the count.
    await sequelize.query(
      `UPDATE monitoring_alerts a SET
         times_received = a.times_received + u.receipts,
         status = CASE WHEN u.changed THEN u.status ELSE a.status END,
         ends_at = CASE WHEN u.changed THEN u.ends_at ELSE a.ends_at END,
         updated_at = CASE WHEN u.changed THEN now() ELSE a.updated_at END
       FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::boolean[], $5::text[], $6::timestamptz[])
            AS u(fingerprint, starts_at, receipts, changed, status, ends_at)
       WHERE a.fingerprint = u.fingerprint AND a.starts_at = u.starts_at`,
      {
        bind: [
          updates.map((u) => u.fingerprint),
          updates.map((u) => u.startsAt),
          updates.map((u) => u.receipts),
          updates.map((u) => u.changed),
          updates.map((u) => u.status),
          updates.map((u) => u.endsAt),
        ],
        transaction: tx,
      },
    );
  }
  changes.sort((a, b) => a.index - b.index);
  return { outcomes, changes: changes.map((c) => c.alert) };
}
