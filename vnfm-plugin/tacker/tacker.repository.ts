/**
 * tacker_registrations, tacker_vnf_instances and tacker_lcm_op_occs: one method per query,
 * plain domain types out. Secrets are never written here (only the config key that holds them).
 */
import { randomUUID } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import type { DiscoveredInstance, TackerOperation, TackerRegistration } from './tacker.types.ts';

type Row = Record<string, any>;
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

function registrationOf(r: Row): TackerRegistration {
  return {
    id: r.id,
    tackerUrl: r.tacker_url,
    access: r.access,
    credentialsRef: r.credentials_ref ?? undefined,
    callbackBase: r.callback_base,
    callbackAuth: r.callback_auth,
    callbackClientId: r.callback_client_id ?? undefined,
    lcmSubscriptionId: r.lcm_subscription_id ?? undefined,
    fmSubscriptionId: r.fm_subscription_id ?? undefined,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    reconciledAt: r.reconciled_at ? iso(r.reconciled_at) : undefined,
  };
}

export type RegistrationInput = Omit<TackerRegistration, 'id' | 'createdAt' | 'updatedAt' | 'reconciledAt'>;

/** The store the registration, reconcile and notification use cases need (a port: unit tests fake it). */
export interface TackerStore {
  findRegistration(tackerUrl: string): Promise<TackerRegistration | undefined>;
  listRegistrations(): Promise<TackerRegistration[]>;
  /** Inserts or updates the registration of `tackerUrl`; its id stays the same. */
  saveRegistration(input: RegistrationInput): Promise<TackerRegistration>;
  markReconciled(id: string): Promise<void>;
  /** Makes the stored instances of the registration exactly `instances`; the ids removed. */
  replaceInstances(registrationId: string, instances: readonly DiscoveredInstance[]): Promise<string[]>;
  upsertInstance(instance: DiscoveredInstance): Promise<void>;
  deleteInstance(vnfInstanceId: string): Promise<boolean>;
  getInstance(vnfInstanceId: string): Promise<DiscoveredInstance | undefined>;
  listInstances(): Promise<DiscoveredInstance[]>;
  /** Keeps the newest state of the op occ (by stateEnteredTime). */
  recordOperation(op: TackerOperation): Promise<void>;
  getOperation(id: string): Promise<TackerOperation | undefined>;
  unfinishedOperation(vnfInstanceId: string): Promise<TackerOperation | undefined>;
  /** Every op occ still STARTING, PROCESSING, ROLLING_BACK or FAILED_TEMP. */
  listUnfinishedOperations(): Promise<TackerOperation[]>;
}

export function createTackerStore(db: Database): TackerStore {
  const q = (sql: string, bind: unknown[], tx?: Transaction) =>
    db.sequelize.query(sql, { bind, type: QueryTypes.SELECT, ...(tx && { transaction: tx }) }) as Promise<Row[]>;
  const exec = (sql: string, bind: unknown[], tx?: Transaction) => db.sequelize.query(sql, { bind, ...(tx && { transaction: tx }) });
  const upsertInstance = (i: DiscoveredInstance, tx?: Transaction) =>
    exec(
      `INSERT INTO tacker_vnf_instances (vnf_instance_id, registration_id, vnfd_id, doc) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (vnf_instance_id) DO UPDATE SET registration_id = EXCLUDED.registration_id, vnfd_id = EXCLUDED.vnfd_id,
         doc = EXCLUDED.doc, updated_at = now()`,
      [i.vnfInstanceId, i.registrationId, i.vnfdId, JSON.stringify(i)],
      tx,
    );

  return {
    async findRegistration(url) {
      const [r] = await q('SELECT * FROM tacker_registrations WHERE tacker_url = $1', [url]);
      return r && registrationOf(r);
    },
    async listRegistrations() {
      return (await q('SELECT * FROM tacker_registrations ORDER BY created_at', [])).map(registrationOf);
    },
    async saveRegistration(i) {
      const [r] = await q(
        `INSERT INTO tacker_registrations (id, tacker_url, access, credentials_ref, callback_base, callback_auth, callback_client_id,
           lcm_subscription_id, fm_subscription_id)
         VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tacker_url) DO UPDATE SET access = EXCLUDED.access, credentials_ref = EXCLUDED.credentials_ref,
           callback_base = EXCLUDED.callback_base, callback_auth = EXCLUDED.callback_auth, callback_client_id = EXCLUDED.callback_client_id,
           lcm_subscription_id = EXCLUDED.lcm_subscription_id, fm_subscription_id = EXCLUDED.fm_subscription_id, updated_at = now()
         RETURNING *`,
        [
          randomUUID(), i.tackerUrl, JSON.stringify(i.access), i.credentialsRef ?? null, i.callbackBase, i.callbackAuth,
          i.callbackClientId ?? null, i.lcmSubscriptionId ?? null, i.fmSubscriptionId ?? null,
        ],
      );
      return registrationOf(r);
    },
    async markReconciled(id) {
      await exec('UPDATE tacker_registrations SET reconciled_at = now() WHERE id = $1', [id]);
    },
    replaceInstances(registrationId, instances) {
      return db.transaction(async (tx) => {
        const gone = await q(
          `DELETE FROM tacker_vnf_instances WHERE registration_id = $1 AND NOT (vnf_instance_id = ANY($2::text[])) RETURNING vnf_instance_id`,
          [registrationId, instances.map((i) => i.vnfInstanceId)],
          tx,
        );
        for (const i of instances) await upsertInstance(i, tx);
        return gone.map((r) => r.vnf_instance_id as string);
      });
    },
    async upsertInstance(i) {
      await upsertInstance(i);
    },
    async deleteInstance(id) {
      const gone = await q('DELETE FROM tacker_vnf_instances WHERE vnf_instance_id = $1 RETURNING vnf_instance_id', [id]);
      return gone.length > 0;
    },
    async getInstance(id) {
      const [r] = await q('SELECT doc FROM tacker_vnf_instances WHERE vnf_instance_id = $1', [id]);
      return r?.doc as DiscoveredInstance | undefined;
    },
    async listInstances() {
      return (await q('SELECT doc FROM tacker_vnf_instances ORDER BY vnf_instance_id', [])).map((r) => r.doc as DiscoveredInstance);
    },
    async recordOperation(given) {
      // One format, so that the newest state wins by string comparison.
      const op = { ...given, stateEnteredTime: new Date(given.stateEnteredTime).toISOString() };
      await exec(
        `INSERT INTO tacker_lcm_op_occs (id, vnf_instance_id, operation, operation_state, doc) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (id) DO UPDATE SET operation_state = EXCLUDED.operation_state, doc = EXCLUDED.doc, updated_at = now()
         WHERE tacker_lcm_op_occs.doc->>'stateEnteredTime' <= EXCLUDED.doc->>'stateEnteredTime'`,
        [op.vnfLcmOpOccId, op.vnfInstanceId, op.operation, op.operationState, JSON.stringify(op)],
      );
    },
    async getOperation(id) {
      const [r] = await q('SELECT doc FROM tacker_lcm_op_occs WHERE id = $1', [id]);
      return r?.doc as TackerOperation | undefined;
    },
    async listUnfinishedOperations() {
      const rows = await q(`SELECT doc FROM tacker_lcm_op_occs WHERE operation_state IN ('STARTING', 'PROCESSING', 'ROLLING_BACK', 'FAILED_TEMP')`, []);
      return rows.map((r) => r.doc as TackerOperation);
    },
    async unfinishedOperation(vnfInstanceId) {
      const [r] = await q(
        `SELECT doc FROM tacker_lcm_op_occs WHERE vnf_instance_id = $1
           AND operation_state IN ('STARTING', 'PROCESSING', 'ROLLING_BACK', 'FAILED_TEMP')
         ORDER BY doc->>'stateEnteredTime' DESC LIMIT 1`,
        [vnfInstanceId],
      );
      return r?.doc as TackerOperation | undefined;
    },
  };
}
