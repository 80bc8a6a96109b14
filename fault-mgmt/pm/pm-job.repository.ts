/** SQL of tables pm_jobs and pm_reports: PM jobs as returned, their schedule and their reports. */
import { QueryTypes, type Transaction } from 'sequelize';
import type { components } from '../../api/generated/vnfpm.ts';
import type { Database } from '../../platform/db/database.ts';
import { deleteDocument, getDocument, insertDocument } from '../../platform/db/document-table.ts';
import { isUuid } from '../../platform/ids.ts';
import { listResources, type ListPage, type ListQuery } from '../../platform/sol/list-query.ts';

export type PmJob = components['schemas']['PmJob'];
export type PerformanceReport = components['schemas']['PerformanceReport'];
type ReportRef = NonNullable<PmJob['reports']>[number];

export interface DueJob {
  readonly job: PmJob;
  /** End of the reporting period to report now, epoch seconds. */
  readonly periodEnd: number;
}

export interface NewReport {
  readonly id: string;
  readonly jobId: string;
  readonly doc: PerformanceReport;
  readonly ref: ReportRef;
}

/** Writes doc.callbackUri of one row of a document table (pm_jobs, pm_thresholds); the new doc. */
export async function setCallbackUri<T>(db: Database, tx: Transaction, table: 'pm_jobs' | 'pm_thresholds', id: string, callbackUri: string): Promise<T | undefined> {
  if (!isUuid(id)) return undefined;
  const rows = await db.sequelize.query<{ doc: T }>(
    `UPDATE ${table} SET doc = jsonb_set(doc, '{callbackUri}', to_jsonb($2::text)) WHERE id = $1 RETURNING doc`,
    { bind: [id, callbackUri], type: QueryTypes.SELECT, transaction: tx },
  );
  return rows[0]?.doc;
}

const toSeconds = (v: Date | string) => new Date(v).getTime() / 1000;
const toDate = (s: number | null) => (s === null ? null : new Date(s * 1000));

export class PmJobRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: Transaction, job: PmJob, nextReportAt: number | null): Promise<void> {
    await insertDocument(this.db, 'pm_jobs', job.id, job, { tx, columns: { next_report_at: toDate(nextReportAt) } });
  }

  async get(id: string): Promise<PmJob | undefined> {
    return (await getDocument<PmJob>(this.db, 'pm_jobs', id))?.doc;
  }

  listPage(query: ListQuery, pageSize: number): Promise<ListPage> {
    return listResources(this.db, 'pm_jobs', query, { pageSize });
  }

  /**
   * Sets the job's callbackUri (SOL003 6.4.3.3.4) and returns the job, or undefined when it
   * is gone; only that attribute is written, so a report listed meanwhile is kept.
   */
  async setCallbackUri(tx: Transaction, id: string, callbackUri: string): Promise<PmJob | undefined> {
    return setCallbackUri<PmJob>(this.db, tx, 'pm_jobs', id, callbackUri);
  }

  /** Deletes the job and, by cascade, its reports; false when unknown. */
  delete(tx: Transaction, id: string): Promise<boolean> {
    return deleteDocument(this.db, 'pm_jobs', id, { tx });
  }

  /** Jobs whose next reporting period ended at or before `before` (epoch s), oldest first. */
  async due(before: number, limit = 100): Promise<DueJob[]> {
    const rows = await this.db.sequelize.query<{ doc: PmJob; next_report_at: Date }>(
      `SELECT doc, next_report_at FROM pm_jobs WHERE next_report_at <= to_timestamp($1) ORDER BY next_report_at LIMIT $2`,
      { bind: [before, limit], type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({ job: r.doc, periodEnd: toSeconds(r.next_report_at) }));
  }

  /**
   * Moves the job's schedule from `periodEnd` to `next` (NULL: reporting ended). False when
   * another replica did it first (or the job is gone): then this one reports nothing.
   */
  async advance(tx: Transaction, id: string, periodEnd: number, next: number | null): Promise<boolean> {
    const rows = await this.db.sequelize.query(
      `UPDATE pm_jobs SET next_report_at = $3 WHERE id = $1 AND next_report_at = to_timestamp($2) RETURNING id`,
      { bind: [id, periodEnd, toDate(next)], type: QueryTypes.SELECT, transaction: tx },
    );
    return rows.length > 0;
  }

  /** Stores a report and lists it in the job's `reports` (SOL003 6.5.2.7). */
  async insertReport(tx: Transaction, r: NewReport): Promise<void> {
    await this.db.sequelize.query(
      `INSERT INTO pm_reports (id, pm_job_id, doc, ready_at, expires_at) VALUES ($1, $2, $3::jsonb, $4, $5)`,
      { bind: [r.id, r.jobId, JSON.stringify(r.doc), r.ref.readyTime, r.ref.expiryTime ?? r.ref.readyTime], transaction: tx },
    );
    await this.updateReportRefs(tx, r.jobId, (refs) => [...refs, r.ref]);
  }

  /**
   * The report, unless it expired by `now` (epoch seconds): the clock its expiryTime was
   * set by and reports are purged by, not the database's.
   */
  async getReport(jobId: string, reportId: string, now: number): Promise<PerformanceReport | undefined> {
    if (!isUuid(jobId) || !isUuid(reportId)) return undefined;
    const rows = await this.db.sequelize.query<{ doc: PerformanceReport }>(
      'SELECT doc FROM pm_reports WHERE pm_job_id = $1 AND id = $2 AND expires_at > to_timestamp($3)',
      { bind: [jobId, reportId, now], type: QueryTypes.SELECT },
    );
    return rows[0]?.doc;
  }

  /** Deletes reports past their expiryTime and takes them out of their jobs' `reports`; returns how many. */
  async purgeExpired(now: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const gone = await this.db.sequelize.query<{ pm_job_id: string }>(
        'DELETE FROM pm_reports WHERE expires_at <= to_timestamp($1) RETURNING pm_job_id',
        { bind: [now], type: QueryTypes.SELECT, transaction: tx },
      );
      for (const jobId of new Set(gone.map((g) => g.pm_job_id))) {
        await this.updateReportRefs(tx, jobId, (refs) => refs.filter((ref) => toSeconds(ref.expiryTime ?? ref.readyTime) > now));
      }
      return gone.length;
    });
  }

  private async updateReportRefs(tx: Transaction, jobId: string, change: (refs: ReportRef[]) => ReportRef[]): Promise<void> {
    const rows = await this.db.sequelize.query<{ doc: PmJob }>('SELECT doc FROM pm_jobs WHERE id = $1 FOR UPDATE', {
      bind: [jobId],
      type: QueryTypes.SELECT,
      transaction: tx,
    });
    if (!rows[0]) return;
    const doc = { ...rows[0].doc, reports: change(rows[0].doc.reports ?? []) };
    await this.db.sequelize.query('UPDATE pm_jobs SET doc = $2::jsonb WHERE id = $1', {
      bind: [jobId, JSON.stringify(doc)],
      transaction: tx,
    });
  }
}
