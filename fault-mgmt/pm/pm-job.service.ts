/** PM job use cases (SOL003 6.4.2-6.4.4): create, read, list, modify, delete, and read a report. */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ListPage, ListQuery, ResourceQuerySpec } from '../../platform/sol/list-query.ts';
import { PerformanceReportNotFound, PmJobNotFound, type PmLinks } from './pm-errors.ts';
import { measuredObjects, parsePmJobRequest } from './pm-job-request.ts';
import type { PerformanceReport, PmJob, PmJobRepository } from './pm-job.repository.ts';
import { modifyCallback, type CallbackModificationsResult } from './pm-modifications.ts';
import type { PmNotificationTargets } from './pm-notification-target.ts';
import type { VnfTopologySource } from './vnf-topology.ts';

/**
 * SOL003 6.4.2.3.2: `reports` is left out of lists unless asked for; credentials never
 * returned; `fields` keeps the mandatory complex attributes (SOL013 5.3.2).
 */
export const PM_JOB_QUERY: ResourceQuerySpec = {
  name: 'PmJob',
  defaultExcluded: ['reports'],
  neverReturned: ['authentication'],
  mandatory: ['objectInstanceIds', 'criteria', '_links'],
};

export interface PmJobServiceDeps {
  readonly db: Database;
  readonly jobs: PmJobRepository;
  readonly targets: PmNotificationTargets;
  readonly topology: VnfTopologySource;
  readonly links: PmLinks;
  readonly log: Logger;
  /** Epoch seconds now. */
  readonly clock: () => number;
}

/**
 * End of the first reporting period to report: periods are aligned to multiples of the
 * reporting period (so every replica computes the same ones); none past reportingBoundary.
 */
export function firstReportAt(now: number, reportingPeriod: number, boundary?: string): number | null {
  const end = Math.floor(now / reportingPeriod) * reportingPeriod + reportingPeriod;
  return boundary !== undefined && end > Date.parse(boundary) / 1000 ? null : end;
}

export class PmJobService {
  constructor(private readonly deps: PmJobServiceDeps) {}

  async create(body: unknown): Promise<PmJob> {
    const { deps } = this;
    const req = parsePmJobRequest(body);
    measuredObjects(await deps.topology.vnfs(), req.objectType, req.objectInstanceIds, req.subObjectInstanceIds, true);
    await deps.targets.test(req.callbackUri, req.authentication);
    const id = randomUUID();
    const job: PmJob = {
      id,
      objectType: req.objectType,
      objectInstanceIds: [...req.objectInstanceIds],
      ...(req.subObjectInstanceIds && { subObjectInstanceIds: [...req.subObjectInstanceIds] }),
      criteria: req.criteria,
      callbackUri: req.callbackUri,
      reports: [],
      _links: {
        self: { href: deps.links.pmJob(id) },
        objects: req.objectInstanceIds.map((o) => ({ href: deps.links.vnfInstance(o) })),
      },
    };
    const next = firstReportAt(deps.clock(), req.criteria.reportingPeriod, req.criteria.reportingBoundary);
    await deps.db.transaction(async (tx) => {
      await deps.jobs.insert(tx, job, next);
      await deps.targets.insert(tx, { id, callbackUri: req.callbackUri, authentication: req.authentication, selfHref: job._links.self.href });
    });
    deps.log.info({ pmJobId: id, objectType: job.objectType, objects: job.objectInstanceIds, callbackUri: job.callbackUri }, 'PM job created');
    return job;
  }

  async get(id: string): Promise<PmJob> {
    const job = await this.deps.jobs.get(id);
    if (!job) throw new PmJobNotFound(id);
    return job;
  }

  list(query: ListQuery, pageSize: number): Promise<ListPage> {
    return this.deps.jobs.listPage(query, pageSize);
  }

  /** SOL003 6.4.3.3.4: a new callbackUri and/or credentials, after the callback test (pm-modifications.ts). */
  modify(id: string, body: unknown): Promise<CallbackModificationsResult> {
    const { deps } = this;
    return modifyCallback(deps, {
      kind: 'pmJobId',
      id,
      get: () => this.get(id),
      setCallbackUri: (tx, uri) => deps.jobs.setCallbackUri(tx, id, uri),
      notFound: () => new PmJobNotFound(id),
    }, body);
  }

  /** SOL003 6.4.3.3.5: the job, its reports and its notifications not yet delivered. */
  async delete(id: string): Promise<void> {
    const { deps } = this;
    const deleted = await deps.db.transaction(async (tx) => {
      if (!(await deps.jobs.delete(tx, id))) return false;
      await deps.targets.delete(tx, id);
      return true;
    });
    if (!deleted) throw new PmJobNotFound(id);
    deps.log.info({ pmJobId: id }, 'PM job deleted');
  }

  async report(jobId: string, reportId: string): Promise<PerformanceReport> {
    const report = await this.deps.jobs.getReport(jobId, reportId, this.deps.clock());
    if (!report) throw new PerformanceReportNotFound(jobId, reportId);
    return report;
  }
}
