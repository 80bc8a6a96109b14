/**
 * A whole write transaction in one round trip: one simple-protocol Query message holding
 * `COPY ... FROM STDIN; <statement>; <statement>`, followed at once by the COPY's data
 * and CopyDone, all in one write to the socket.
 *
 * Why it is safe (PostgreSQL protocol, "Simple Query" and "COPY Operations"):
 * - the statements of one Query message run as one implicit transaction, committed
 *   (durably, as any COMMIT) before the server sends ReadyForQuery: all or nothing;
 * - the server reads the COPY data only once it is in copy-in mode; data sent ahead
 *   simply waits in the socket;
 * - when a statement fails (before or during the COPY), the server rolls the transaction
 *   back, answers ErrorResponse + ReadyForQuery, and ignores the CopyData and CopyDone
 *   messages still in the socket; the connection is then ready for the next query.
 *
 * The explicit alternative (BEGIN, COPY with its CopyInResponse wait, each statement,
 * COMMIT) costs six round trips per transaction, each a wake-up of the server and of this
 * process; under ingest load those wake-ups, not the rows, were most of a transaction's time.
 */
import type pg from 'pg';

/** Message type bytes of the frontend protocol. */
const QUERY = 0x51; // 'Q'
const COPY_DATA = 0x64; // 'd'
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]); // 'c', length 4

export interface CopyScript {
  /** The COPY ... FROM STDIN statement, first in the script. */
  readonly copy: string;
  /** The COPY data (binary or text, as the COPY statement says), in chunks. */
  readonly data: readonly Buffer[];
  /** Statements run after the COPY in the same transaction: literal SQL, no parameters. */
  readonly then: readonly string[];
}

/** What the server answered: the command tags, in order (`COPY 1370`, `INSERT 0 1`, ...). */
export interface CopyScriptResult {
  readonly tags: readonly string[];
  /** Rows the COPY stored (from its tag). */
  readonly copied: number;
}

function header(type: number, bodyLength: number): Buffer {
  const b = Buffer.allocUnsafe(5);
  b[0] = type;
  b.writeUInt32BE(bodyLength + 4, 1);
  return b;
}

/** The frontend messages of a script, as written to the socket. */
export function scriptMessages(script: CopyScript): Buffer[] {
  if (/;\s*$/.test(script.copy) || !/^\s*COPY\s/i.test(script.copy)) throw new Error('the script must start with one COPY statement');
  const text = Buffer.from(`${[script.copy, ...script.then].join(';\n')}\0`, 'utf8');
  const out = [header(QUERY, text.length), text];
  for (const chunk of script.data) {
    if (chunk.length === 0) continue;
    out.push(header(COPY_DATA, chunk.length), chunk);
  }
  out.push(COPY_DONE);
  return out;
}

/**
 * A pg "submittable" (what client.query() accepts besides query text): pg routes the
 * backend's messages for the active query to these handle* methods.
 */
class CopyScriptQuery {
  readonly done: Promise<CopyScriptResult>;
  private readonly tags: string[] = [];
  private resolve!: (r: CopyScriptResult) => void;
  private reject!: (err: unknown) => void;
  private settled = false;

  constructor(
    private readonly messages: Buffer[],
    /** The transaction status of the connection's last ReadyForQuery ('I' idle, 'T' in a block, 'E' failed). */
    private readonly txStatus: () => string | null,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: { stream: NodeJS.WritableStream & { cork(): void; uncork(): void } }): void {
    const stream = connection.stream;
    stream.cork(); // one writev for the query, the data and CopyDone
    for (const m of this.messages) stream.write(m);
    stream.uncork();
  }

  /** pg replaces this with its query_timeout handling when that is configured. */
  callback(): void {}

  handleCopyInResponse(): void {} // the data is on its way already
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  handleCommandComplete(msg: { text?: string }): void {
    if (msg.text) this.tags.push(msg.text);
  }

  /** A statement failed (the server rolled back) or the connection broke. */
  handleError(err: unknown): void {
    this.callback();
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }

  /** The implicit transaction has committed. */
  handleReadyForQuery(): void {
    this.callback();
    if (this.settled) return;
    this.settled = true;
    const status = this.txStatus();
    if (status !== null && status !== 'I') {
      this.reject(new Error(`COPY script: the connection reports transaction status '${status}' after the script: not committed`));
      return;
    }
    const copyTag = /^COPY (\d+)$/.exec(this.tags[0] ?? '');
    if (!copyTag) {
      this.reject(new Error(`COPY script: the server answered ${JSON.stringify(this.tags)}, not a COPY first`));
      return;
    }
    this.resolve({ tags: this.tags, copied: Number(copyTag[1]) });
  }
}

/**
 * Runs the script on `client` (refused inside a transaction block): resolves after the
 * commit, checked in the server's ReadyForQuery; rejects with the server's error
 * (SQLSTATE in `code`) after a rollback, or with the connection's error when it broke.
 */
export function runCopyScript(client: pg.Client, script: CopyScript): Promise<CopyScriptResult> {
  // The status of the connection's last ReadyForQuery; inside a transaction block the
  // script's statements would join it and not commit on their own.
  const status = (): string | null => client.getTransactionStatus();
  if (status() === 'T' || status() === 'E') {
    return Promise.reject(new Error('COPY script: the connection is inside a transaction block, so the script would not commit on its own'));
  }
  const query = new CopyScriptQuery(scriptMessages(script), status);
  (client as unknown as { query(q: CopyScriptQuery): unknown }).query(query);
  return query.done;
}
