/**
 * The ways the writer stores samples:
 * - COPY FROM STDIN (binary format): about twice as cheap per row for PostgreSQL as
 *   INSERT ... SELECT FROM unnest. A group of samples alone goes as one COPY script
 *   (copy-script.ts: COPY, outbox row and minute marks in one round trip); a group with
 *   events or batch ids COPYs inside its explicit transaction (copySamples). COPY has no
 *   ON CONFLICT, so a sample already stored (same series and time) fails it with
 *   unique_violation, which aborts the transaction; the writer then writes the whole
 *   group again with the INSERT. (No SAVEPOINT to fall back to: one round trip less for
 *   every transaction, at the price of one rolled-back transaction for a retried body.)
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

export const COPY_SQL = 'COPY monitoring_samples (series_id, ts, value) FROM STDIN (FORMAT binary)';

/*
 * PostgreSQL binary COPY (File Formats, "Binary Format"): a header, then per row the field
 * count and each field as length + value in network byte order, then a -1 trailer. Binary
 * rather than text spares both sides the number and time formatting: the server parses no
 * ISO 8601 time and no decimal, and the writer formats none (about a quarter of the COPY's
 * cost on the server, four fifths of it here, as measured for the ingest benchmark).
 */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8; // + flags (int32 0) + header extension length (int32 0)
/** int16 field count, int32 length + int4 series_id, int32 length + int8 timestamptz, int32 length + float8 value. */
const ROW_BYTES = 2 + 4 + 4 + 4 + 8 + 4 + 8;
/** Rows per chunk written to the connection (about 280 KB). */
const CHUNK_ROWS = 8192;
/** 2000-01-01T00:00:00Z, the origin of timestamptz (microseconds, int64). */
const PG_EPOCH_MICROS = 946_684_800_000_000;
const TWO_32 = 4_294_967_296;

/**
 * The rows as binary COPY data, in chunks. Times are rounded to the microsecond, as
 * to_timestamp(float8) rounds the INSERT path's epoch seconds (both store the same instant).
 */
export function copyBinary(cols: SampleColumns): Buffer[] {
  const n = cols.sid.length;
  const chunks: Buffer[] = [];
  for (let from = 0; ; from += CHUNK_ROWS) {
    const to = Math.min(from + CHUNK_ROWS, n);
    const first = from === 0;
    const last = to === n;
    const buf = Buffer.allocUnsafe((first ? HEADER_BYTES : 0) + (to - from) * ROW_BYTES + (last ? 2 : 0));
    let o = 0;
    if (first) {
      SIGNATURE.copy(buf, 0);
      buf.writeInt32BE(0, SIGNATURE.length);
      buf.writeInt32BE(0, SIGNATURE.length + 4);
      o = HEADER_BYTES;
    }
    let lastTs = NaN;
    let hi = 0;
    let lo = 0;
    for (let i = from; i < to; i++) {
      const t = cols.ts[i];
      if (t !== lastTs) {
        // One body's samples share their time: split it into int64 halves once per run. Exact below 2^53 µs.
        lastTs = t;
        const micros = Math.round(t * 1e6) - PG_EPOCH_MICROS;
        hi = Math.floor(micros / TWO_32);
        lo = micros - hi * TWO_32;
      }
      buf.writeInt16BE(3, o);
      buf.writeInt32BE(4, o + 2);
      buf.writeInt32BE(cols.sid[i], o + 6);
      buf.writeInt32BE(8, o + 10);
      buf.writeInt32BE(hi, o + 14);
      buf.writeUInt32BE(lo, o + 18);
      buf.writeInt32BE(8, o + 22);
      buf.writeDoubleBE(cols.value[i], o + 26);
      o += ROW_BYTES;
    }
    if (last) {
      buf.writeInt16BE(-1, o);
      chunks.push(buf);
      return chunks;
    }
    chunks.push(buf);
  }
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
export async function copySupported(db: Database): Promise<boolean> {
  if (db.embedded) return false;
  const [row] = await db.sequelize.query<{ version: string }>('SELECT version() AS version', { type: QueryTypes.SELECT });
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
 * COPY could not store the rows and the transaction is aborted: a row was stored before
 * (`duplicate`, unique_violation) or the server cannot COPY on this connection
 * (`unsupported`, 0A000). The caller writes the group again with INSERT.
 */
export class CopyRefused extends Error {
  override readonly name = 'CopyRefused';
  constructor(
    readonly reason: 'duplicate' | 'unsupported',
    options: { cause: unknown },
  ) {
    super(`COPY refused (${reason})`, options);
  }
}

/**
 * COPY into the transaction. Resolves true when every row was stored, false when the
 * transaction has no connection to COPY on; throws CopyRefused (see there) or, for any
 * other error, the error itself (the transaction fails as a whole).
 */
export async function copySamples(tx: Transaction, cols: SampleColumns): Promise<boolean> {
  const client = clientOf(tx);
  if (!client) return false;
  try {
    await pipeline(Readable.from(copyBinary(cols)), client.query(copyFrom(COPY_SQL)));
  } catch (err) {
    throw copyRefusal(err) ?? err;
  }
  return true;
}

/** The CopyRefused a failed COPY means, if any (see there). */
export function copyRefusal(err: unknown): CopyRefused | undefined {
  const code = sqlState(err);
  if (code === '23505') return new CopyRefused('duplicate', { cause: err });
  if (code === '0A000') return new CopyRefused('unsupported', { cause: err });
  return undefined;
}
