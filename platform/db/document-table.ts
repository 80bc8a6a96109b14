import { isUuid } from '../ids.ts';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from './database.ts';

/**
 * Helpers for document tables: `seq bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE,
 * doc jsonb NOT NULL` plus optional extra columns. `doc` is the resource exactly as
 * the API returns it (never with secrets). Table and column names come from code,
 * never from requests; they are still checked to be plain identifiers.
 * Inside `db.transaction(...)` pass the transaction: the embedded database
 * serialises transactions, so a query outside it would wait forever.
 */

export interface StoredDocument<T> {
  readonly seq: number;
  readonly id: string;
  readonly doc: T;
}

export interface DocumentWriteOptions {
  readonly tx?: Transaction;
  /** Extra columns to set besides `doc`, by name (trusted identifiers). */
  readonly columns?: Readonly<Record<string, unknown>>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Double-quoted identifier; throws on anything but a plain lower-case name. */
export function sqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export async function insertDocument<T extends object>(
  db: Database,
  table: string,
  id: string,
  doc: T,
  opts: DocumentWriteOptions = {},
): Promise<StoredDocument<T>> {
  if (!isUuid(id)) throw new Error(`insertDocument: id ${JSON.stringify(id)} is not a UUID`);
  const extra = Object.entries(opts.columns ?? {});
  const names = ['id', 'doc', ...extra.map(([k]) => k)].map(sqlIdentifier);
  const bind = [id, JSON.stringify(doc), ...extra.map(([, v]) => v)];
  const values = bind.map((_, i) => (i === 1 ? `$${i + 1}::jsonb` : `$${i + 1}`));
  const rows = await db.sequelize.query<{ seq: number }>(
    `INSERT INTO ${sqlIdentifier(table)} (${names.join(', ')}) VALUES (${values.join(', ')}) RETURNING seq`,
    { bind, type: QueryTypes.SELECT, transaction: opts.tx },
  );
  return { seq: Number(rows[0].seq), id, doc };
}

/**
 * The document with this id, or undefined (also for an id that is not a UUID, so a
 * malformed id in a URL is a 404, never a database error). `lock` takes a row lock
 * (SELECT ... FOR UPDATE) for a read-modify-write in `tx`.
 */
export async function getDocument<T extends object>(
  db: Database,
  table: string,
  id: string,
  opts: { tx?: Transaction; lock?: boolean } = {},
): Promise<StoredDocument<T> | undefined> {
  if (!isUuid(id)) return undefined;
  const rows = await db.sequelize.query<{ seq: number; doc: T }>(
    `SELECT seq, doc FROM ${sqlIdentifier(table)} WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`,
    { bind: [id], type: QueryTypes.SELECT, transaction: opts.tx },
  );
  return rows[0] ? { seq: Number(rows[0].seq), id, doc: rows[0].doc } : undefined;
}

/** Replaces the document (and sets extra columns); false when there is no such id. */
export async function updateDocument<T extends object>(
  db: Database,
  table: string,
  id: string,
  doc: T,
  opts: DocumentWriteOptions = {},
): Promise<boolean> {
  if (!isUuid(id)) return false;
  const extra = Object.entries(opts.columns ?? {});
  const sets = ['doc = $2::jsonb', ...extra.map(([k], i) => `${sqlIdentifier(k)} = $${i + 3}`)];
  const rows = await db.sequelize.query<{ seq: number }>(
    `UPDATE ${sqlIdentifier(table)} SET ${sets.join(', ')} WHERE id = $1 RETURNING seq`,
    { bind: [id, JSON.stringify(doc), ...extra.map(([, v]) => v)], type: QueryTypes.SELECT, transaction: opts.tx },
  );
  return rows.length > 0;
}

/** Deletes the document; false when there is no such id. */
export async function deleteDocument(db: Database, table: string, id: string, opts: { tx?: Transaction } = {}): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db.sequelize.query<{ seq: number }>(`DELETE FROM ${sqlIdentifier(table)} WHERE id = $1 RETURNING seq`, {
    bind: [id],
    type: QueryTypes.SELECT,
    transaction: opts.tx,
  });
  return rows.length > 0;
}
