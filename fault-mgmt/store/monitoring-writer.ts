import pg from 'pg';
import { QueryTypes, type Transaction } from 'sequelize';
import type { OutboxRelay } from '../../platform/bus/outbox.ts';
import { appendToOutbox, outboxInsertLiteral, type NewEvent } from '../../platform/bus/outbox.ts';
import type { Config } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { ServiceUnavailable, TemporarilyOverloaded } from '../../platform/http/problem-details.ts';
import type { Logger } from '../../platform/logger.ts';
import type { PlatformMetrics } from '../../platform/metrics.ts';
import type { EventRow, IngestBatch, IngestReceipt, MonitoringSink } from '../monitoring.types.ts';
import { monitoringWriterMetrics, type MonitoringWriterMetrics } from './monitoring-writer.metrics.ts';
import { EVENTS_SQL, eventColumns } from './monitoring-writer.sql.ts';
import { runCopyScript } from './copy-script.ts';
import { createRollupWorker, MARK_PENDING_SQL, markPendingLiteral, minutesOf, type RollupWorker, type RollupWorkerOptions } from './rollup-worker.ts';
import { COPY_SQL, copyBinary, CopyRefused, copyRefusal, copySamples, copySupported, insertSamples, sqlState, type SampleColumns } from './sample-writes.ts';
import { createPartitionManager, type PartitionManager } from './partition-manager.ts';
import { createSeriesDictionary, type SeriesDictionary } from './series-dictionary.ts';

export interface MonitoringWriter extends MonitoringSink {
  /** Starts partition maintenance (created ahead, dropped after the retention, hourly). */
  start(): Promise<void>;
  /** Writes what is queued, then stops; later writes are refused. */
  stop(): Promise<void>;
  /** Recomputes the 1-minute rollups of the minutes written (started and stopped with the writer). */
  readonly rollups: RollupWorker;
}

/** The write queue stayed full for writeWaitMs: the client should retry shortly (RFC 9110 15.6.4). */
export class IngestOverloaded extends TemporarilyOverloaded {
  constructor(detail: string) {
    super(detail, 1);
  }
}

/** The store cannot be reached (or the transaction was a deadlock victim): retry later. */
export class MonitoringStoreUnavailable extends ServiceUnavailable {
  constructor(detail: string) {
    super(detail);
    this.headers = { 'Retry-After': '5' };
  }
}

/** write() after stop(): the service is shutting down. */
export class MonitoringWriterStopped extends ServiceUnavailable {
  constructor() {
    super('The monitoring store is shutting down; retry against a running instance.');
  }
}

interface Pending {
  readonly batch: IngestBatch;
  readonly rows: number;
  resolve(receipt: IngestReceipt): void;
  reject(err: unknown): void;
}

interface Waiter {
  readonly pending: Pending;
  readonly timer: NodeJS.Timeout | undefined;
}

/** SQLSTATEs after which the same transaction may well succeed a moment later. */
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '57P01', '57P03', '53300', '08000', '08003', '08006']);

export function createMonitoringWriter(deps: {
  db: Database;
  log: Logger;
  metrics: PlatformMetrics;
  config: Config['monitoring'];
  relay?: Pick<OutboxRelay, 'nudge'>;
  /**
   * Write transactions at once, each on its own connection (default 1). With 2, the next
   * group is written while the server works on one.
   */
  transactionsInFlight?: number;
  /** The rollup worker's options (default: a minute is recomputed as soon as it has ended). */
  rollup?: RollupWorkerOptions;
}): MonitoringWriter {
  const { db, config } = deps;
  const log = deps.log.child({ component: 'monitoring-writer' });
  const metrics: MonitoringWriterMetrics = monitoringWriterMetrics(deps.metrics.registry);
  const partitions: PartitionManager = createPartitionManager({
    db,
    log: deps.log,
    retentionDays: config.retentionDays,
    aheadDays: config.partitionsAheadDays,
  });
  const dictionary: SeriesDictionary = createSeriesDictionary({ db });
  const batchMax = Math.max(1, config.writeBatchMax);
  const rollups = createRollupWorker({ db, log: deps.log, options: deps.rollup });
  /** Whether COPY is used: asked of the server on the first flush (sample-writes.copySupported). */
  let copyUsable: boolean | undefined;

  let queue: Pending[] = [];
  let queuedRows = 0;
  const waiters: Waiter[] = [];
  let stopping = false;
  /** Write loops waiting for work. */
  const idle: (() => void)[] = [];
  const wake = () => {
    for (const resolve of idle.splice(0)) resolve();
  };

  const setGauge = () => metrics.queueRows.set(queuedRows);

  /** Room for `rows`: under the maximum, or anything at all when the queue is empty (never a deadlock). */
  const fits = (rows: number) => queuedRows === 0 || queuedRows + rows <= config.writeQueueMax;

  const enqueue = (p: Pending) => {
    queue.push(p);
    queuedRows += p.rows;
    setGauge();
    wake();
  };

  /** First come, first served: a waiting batch is never overtaken by a later one. */
  const admitWaiters = () => {
    while (waiters.length > 0 && fits(waiters[0].pending.rows)) {
      const w = waiters.shift()!;
      if (w.timer) clearTimeout(w.timer);
      enqueue(w.pending);
    }
  };

  const overloaded = (rows: number) =>
    new IngestOverloaded(
      `The monitoring write queue is full (${queuedRows} of ${config.writeQueueMax} rows waiting); ` +
        `${rows} rows not accepted within ${config.writeWaitMs} ms. Retry later.`,
    );

  const wait = (p: Pending) => {
    if (config.writeWaitMs <= 0) {
      p.reject(overloaded(p.rows));
      return;
    }
    const waiter: Waiter = {
      pending: p,
      timer: setTimeout(() => {
        const i = waiters.indexOf(waiter);
        if (i < 0) return;
        waiters.splice(i, 1);
        metrics.overloaded.inc();
        p.reject(overloaded(p.rows));
        admitWaiters(); // the one that timed out may have been the big one at the head
      }, config.writeWaitMs),
    };
    waiters.push(waiter);
  };

  /** Rejection of a batch that failed on its own: transient conditions are 503, the rest stays as it is (500). */
  const failure = (err: unknown): unknown => {
    const e = err as { name?: string; message?: string };
    const code = sqlState(err);
    // sequelize's connection errors; from the pg client itself (COPY scripts), a broken socket.
    const connection =
      (typeof e.name === 'string' && /^Sequelize(Connection|.*Timeout)/.test(e.name)) ||
      (code !== undefined && /^E[A-Z]+$/.test(code)) ||
      /^Connection terminated|not queryable/.test(e.message ?? '');
    if (connection || (code && TRANSIENT_CODES.has(code))) {
      const out = new MonitoringStoreUnavailable('The monitoring store is unavailable; nothing of the batch was stored. Retry later.');
      out.cause = err;
      return out;
    }
    return err;
  };

  /** Days (as epoch seconds of their start) touched by the group, for the partition manager. */
  const daysOf = (group: readonly Pending[]): number[] => {
    const days = new Set<number>();
    let last = NaN;
    for (const { batch } of group) {
      for (const rows of [batch.samples, batch.events]) {
        for (let i = 0; i < rows.length; i++) {
          const d = Math.floor(rows[i].ts / 86_400);
          if (d !== last) days.add((last = d));
        }
      }
    }
    return [...days].filter(Number.isFinite).map((d) => d * 86_400);
  };

  /** Marks the batch ids as stored; true at index i when batch i had been stored before (or twice in the group). */
  const claimBatchIds = async (tx: Transaction, group: readonly Pending[]): Promise<boolean[]> => {
    const ids = group.map((p) => p.batch.batchId).filter((id): id is string => id !== undefined);
    if (ids.length === 0) return group.map(() => false);
    const rows = await db.sequelize.query<{ batch_id: string }>(
      `INSERT INTO monitoring_ingest_batches (batch_id) SELECT DISTINCT unnest($1::text[])
       ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id`,
      { bind: [ids], type: QueryTypes.SELECT, transaction: tx },
    );
    const fresh = new Set(rows.map((r) => r.batch_id));
    return group.map((p) => {
      const id = p.batch.batchId;
      if (id === undefined) return false;
      return !fresh.delete(id); // a second batch with the same id in the group is a duplicate too
    });
  };

  /** The samples of the batches not skipped, as columns, and the minutes they touch. */
  const sampleColumns = (group: readonly Pending[], skip: boolean[], ids: number[]) => {
    const cols: SampleColumns = { sid: [], ts: [], value: [] };
    let offset = 0;
    for (let b = 0; b < group.length; b++) {
      const samples = group[b].batch.samples;
      if (!skip[b]) {
        for (let i = 0; i < samples.length; i++) {
          const s = samples[i];
          cols.sid.push(ids[offset + i]);
          cols.ts.push(s.ts);
          cols.value.push(s.value);
        }
      }
      offset += samples.length;
    }
    return cols;
  };

  /**
   * COPY where the server allows it (a CopyRefused aborts the transaction), else INSERT ...
   * ON CONFLICT DO NOTHING; then the touched minutes are marked for the rollup worker, in
   * the same transaction. Resolves to the rows stored.
   */
  const writeSamples = async (tx: Transaction, group: readonly Pending[], skip: boolean[], ids: number[], copy: boolean): Promise<number> => {
    const cols = sampleColumns(group, skip, ids);
    if (cols.sid.length === 0) return 0;
    let written: number;
    if (copy && (await copySamples(tx, cols))) {
      written = cols.sid.length;
      metrics.sampleWrites.inc({ method: 'copy' });
    } else {
      written = await insertSamples(db, tx, cols, batchMax);
      metrics.sampleWrites.inc({ method: 'insert' });
    }
    await db.sequelize.query(MARK_PENDING_SQL, { bind: [minutesOf(cols.ts)], transaction: tx });
    return written;
  };

  const writeEvents = async (tx: Transaction, group: readonly Pending[], skip: boolean[]): Promise<number> => {
    const events = group.flatMap((p, b) => (skip[b] ? [] : p.batch.events));
    for (let i = 0; i < events.length; i += batchMax) {
      await db.sequelize.query(EVENTS_SQL, { bind: eventColumns(events, i, Math.min(i + batchMax, events.length)), transaction: tx });
    }
    return events.length;
  };

  /** The canonical samples and the events, for prediction: one outbox event per topic. */
  const published = (group: readonly Pending[], skip: boolean[]): NewEvent[] => {
    const samples: { entity: { kind: string; id: string }; metric: string; ts: number; value: number }[] = [];
    const events: EventRow[] = [];
    for (let b = 0; b < group.length; b++) {
      if (skip[b]) continue;
      for (const s of group[b].batch.samples) {
        if (s.canonical) samples.push({ entity: { kind: s.entity.kind, id: s.entity.id }, metric: s.metric, ts: s.ts, value: s.value });
      }
      for (const e of group[b].batch.events) events.push(e);
    }
    const out: NewEvent[] = [];
    if (samples.length) out.push({ topic: 'monitoring.samples', payload: samples });
    if (events.length) out.push({ topic: 'monitoring.events', payload: events });
    return out;
  };

  /** Groups of samples alone, none with a batch id to claim first, go as one COPY script. */
  const scriptable = (group: readonly Pending[]) =>
    group.every((p) => p.batch.batchId === undefined && p.batch.events.length === 0) && group.some((p) => p.batch.samples.length > 0);

  /**
   * The group in one round trip (copy-script.ts): COPY of the samples, the outbox row, the
   * minute marks (last: the marks' row locks are held only until the commit), as one
   * implicit transaction. A sample stored before fails it whole: CopyRefused.
   */
  const writeScript = async (group: readonly Pending[], ids: number[]) => {
    const skip = group.map(() => false);
    const cols = sampleColumns(group, skip, ids);
    // Built before a connection is borrowed: it is held only for the round trip.
    const outbox = outboxInsertLiteral(published(group, skip), pg.escapeLiteral);
    const script = { copy: COPY_SQL, data: copyBinary(cols), then: [...(outbox ? [outbox.sql] : []), markPendingLiteral(minutesOf(cols.ts))] };
    let copied: number;
    try {
      ({ copied } = await db.withConnection((client) => runCopyScript(client, script)));
    } catch (err) {
      throw copyRefusal(err) ?? err; // outside withConnection: after an ERROR the connection is reused
    }
    if (outbox) deps.relay?.nudge(); // committed
    metrics.sampleWrites.inc({ method: 'copy' });
    return { skip, samples: copied, events: 0 };
  };

  /** One transaction for the whole group; resolves to the receipts, or throws and stores nothing. */
  const writeGroup = async (group: readonly Pending[]): Promise<IngestReceipt[]> => {
    // Outside the transaction, each in its own statement: created partitions and series ids
    // stay valid whatever the transaction does.
    await partitions.ensureDays(daysOf(group));
    const ids = await dictionary.idsOf(group.map((p) => p.batch.samples));
    const done = metrics.flushSeconds.startTimer();
    const attempt = (copy: boolean) =>
      db.transaction(async (tx) => {
        const skip = await claimBatchIds(tx, group);
        const samples = await writeSamples(tx, group, skip, ids, copy);
        const events = await writeEvents(tx, group, skip);
        await appendToOutbox(tx, published(group, skip), deps.relay);
        return { skip, samples, events };
      });
    copyUsable ??= await copySupported(db);
    let result;
    try {
      result = copyUsable && scriptable(group) ? await writeScript(group, ids) : await attempt(copyUsable);
    } catch (err) {
      if (!(err instanceof CopyRefused)) throw err;
      // Rolled back whole: the same group again, with INSERT ... ON CONFLICT DO NOTHING.
      if (err.reason === 'unsupported') copyUsable = false;
      result = await attempt(false);
    }
    const { skip, samples, events } = result;
    done();
    metrics.rowsWritten.inc({ kind: 'sample' }, samples);
    metrics.rowsWritten.inc({ kind: 'event' }, events);
    return group.map((p, i) =>
      skip[i]
        ? { samples: 0, events: 0, duplicate: true }
        : { samples: p.batch.samples.length, events: p.batch.events.length, duplicate: false },
    );
  };

  /** Never splits a batch; when a group fails, each batch is tried on its own so one bad batch fails alone. */
  const flush = async (group: Pending[]): Promise<void> => {
    try {
      const receipts = await writeGroup(group);
      // Answered on the next turn of the event loop: the write loop first sends the next
      // group to the server, then the requests of this one are answered while it works.
      setImmediate(() => group.forEach((p, i) => p.resolve(receipts[i])));
    } catch (err) {
      if (group.length === 1) {
        metrics.failures.inc();
        log.warn({ err, rows: group[0].rows, batchId: group[0].batch.batchId }, 'monitoring batch not stored');
        group[0].reject(failure(err));
        return;
      }
      log.warn({ err, batches: group.length }, 'monitoring group write failed; writing its batches one by one');
      for (const p of group) await flush([p]);
    }
  };

  /** One write loop: takes everything queued, writes it in one transaction, and again. */
  const writeLoop = async () => {
    for (;;) {
      if (queue.length === 0) {
        if (stopping && waiters.length === 0) return wake();
        await new Promise<void>((resolve) => idle.push(resolve));
        continue;
      }
      const group = queue;
      queue = [];
      queuedRows = 0;
      setGauge();
      admitWaiters(); // they fill the queue while this group is written: the next group commit
      await flush(group);
    }
  };
  const loops = Promise.all(Array.from({ length: Math.max(1, deps.transactionsInFlight ?? 1) }, writeLoop));

  return {
    write(batch) {
      if (stopping) return Promise.reject(new MonitoringWriterStopped());
      const rows = batch.samples.length + batch.events.length;
      if (rows === 0 && batch.batchId === undefined) return Promise.resolve({ samples: 0, events: 0, duplicate: false });
      return new Promise<IngestReceipt>((resolve, reject) => {
        const p: Pending = { batch, rows, resolve, reject };
        if (waiters.length === 0 && fits(rows)) enqueue(p);
        else wait(p);
      });
    },
    rollups,
    async start() {
      partitions.start();
      rollups.start();
    },
    async stop() {
      stopping = true;
      partitions.stop();
      wake();
      await loops;
      await new Promise((resolve) => setImmediate(resolve)); // after the last group's answers
      await rollups.stop();
    },
  };
}
