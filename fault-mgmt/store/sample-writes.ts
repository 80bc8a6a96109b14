/**
 * The two ways the writer stores samples inside its flush transaction:
 * - COPY FROM STDIN (text format) on the transaction's own connection, behind a SAVEPOINT:
 *   about twice as cheap per row for PostgreSQL as INSERT ... SELECT FROM unnest. COPY has
 *   no ON CONFLICT, so a sample already stored (same series and time) fails it with
 *   unique_violation; the writer then rolls back to the savepoint and takes the INSERT.
 * - INSERT ... ON CONFLICT (series_id, ts) DO NOTHING: duplicates skipped row by row.
 * Either way a sample is stored at most once (UNIQUE (series_id, ts)).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { SAMPLES_SQL } from './monitoring-writer.sql.ts';

/** Samples of one flush as parallel columns: series id, epoch seconds, value. */
export interface SampleColumns {
  readonly sid: number[];
  readonly ts: number[];
  readonly value: number[];
}

export type SampleWriteMethod = 'copy' | 'insert';

const COPY_SQL = 'COPY monitoring_samples (series_id, ts, value) FROM STDIN';
/** Characters of COPY text per chunk written to the connection. */
const CHUNK_CHARS = 256 * 1024;

/**
 * ISO 8601 UTC with microseconds, as to_timestamp(float8) rounds the INSERT path's epoch
 * seconds (both store the same instant). JavaScript's Date has milliseconds only.
 */
export function isoMicros(epochSeconds: number): string {
  const micros = Math.round(epochSeconds * 1e6);
  const ms = Math.floor(micros / 1000);
  const rest = micros - ms * 1000;
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ (4-digit years)
  return rest === 0 ? iso : `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

/**
 * COPY text format lines (PostgreSQL "COPY", File Formats: tab-separated, newline-ended);
 * numbers and ISO times need no escaping. Consecutive equal times (one body's value lists
 * share them) are formatted once.
 */
export function* copyText(cols: SampleColumns): Generator<string> {
  let chunk = '';
  let lastTs = NaN;
  let lastIso = '';
  for (let i = 0; i < cols.sid.length; i++) {
    const t = cols.ts[i];
    if (t !== lastTs) {
      lastTs = t;
      lastIso = isoMicros(t);
    }
    chunk += `${cols.sid[i]}\t${lastIso}\t${cols.value[i]}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** SQLSTATE of a sequelize or pg error. */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; original?: { code?: unknown }; parent?: { code?: unknown } };
  const code = e.original?.code ?? e.parent?.code ?? e.code;
  return typeof code === 'string' ? code : undefined;
}

/** The pg client a sequelize transaction runs on (sequelize keeps it as `connection`). */
interface CopyClient {
  query(stream: ReturnType<typeof copyFrom>): ReturnType<typeof copyFrom>;
}

function clientOf(tx: Transaction): CopyClient | undefined {
  const c = (tx as unknown as { connection?: { query?: unknown } }).connection;
  return c && typeof c.query === 'function' ? (c as CopyClient) : undefined;
}

/**
 * Whether the server takes COPY FROM STDIN on a client connection: not the embedded
 * PostgreSQL (PGlite), also when it is reached over its socket server by URL, whose
 * handling of the COPY sub-protocol cannot be relied on.
 */
export async function copySupported(db: Database, tx: Transaction): Promise<boolean> {
  if (db.embedded || !clientOf(tx)) return false;
  const [row] = await db.sequelize.query<{ version: string }>('SELECT version() AS version', {
    type: QueryTypes.SELECT,
    transaction: tx,
  });
  return !/PGlite|emscripten/i.test(row?.version ?? '');
}

/** INSERT ... ON CONFLICT DO NOTHING, at most `batchMax` rows per statement; rows inserted. */
export async function insertSamples(db: Database, tx: Transaction, cols: SampleColumns, batchMax: number): Promise<number> {
  let written = 0;
  for (let i = 0; i < cols.sid.length; i += batchMax) {
    const to = Math.min(i + batchMax, cols.sid.length);
    const whole = i === 0 && to === cols.sid.length;
    const [row] = await db.sequelize.query<{ n: number }>(SAMPLES_SQL, {
      bind: whole ? [cols.sid, cols.ts, cols.value] : [cols.sid.slice(i, to), cols.ts.slice(i, to), cols.value.slice(i, to)],
      type: QueryTypes.SELECT,
      transaction: tx,
    });
    written += Number(row.n);
  }
  return written;
}

/**
 * COPY behind a savepoint. Resolves true when every row was stored, false when a row was
 * stored before (unique_violation: the savepoint is rolled back, nothing of the COPY
 * remains, the caller takes the INSERT) or when the connection or server cannot COPY. Other errors
 * are thrown (the transaction fails as a whole).
 */
export async function copySamples(db: Database, tx: Transaction, cols: SampleColumns): Promise<boolean> {
  const client = clientOf(tx);
  if (!client) return false;
  await db.sequelize.query('SAVEPOINT monitoring_copy', { transaction: tx });
  try {
    await pipeline(Readable.from(copyText(cols)), client.query(copyFrom(COPY_SQL)));
  } catch (err) {
    const code = sqlState(err);
    if (code !== '23505' && code !== '0A000') throw err; // 0A000: this server cannot COPY here
    await db.sequelize.query('ROLLBACK TO SAVEPOINT monitoring_copy', { transaction: tx });
    return false;
  }
  // The savepoint is left to the COMMIT (one round trip less than RELEASE).
  return true;
}
