import type { Router } from 'express';
import { parseListQuery, sendList } from '../../platform/sol/list-query.ts';
import { PM_JOB_QUERY, type PmJobService } from './pm-job.service.ts';
import { THRESHOLD_QUERY, type ThresholdService } from './threshold.service.ts';

export interface PmRoutesDeps {
  readonly jobs: PmJobService;
  readonly thresholds: ThresholdService;
  /** Items per page of lists (0: paging off). */
  readonly pageSize: number;
  readonly publicUrl: string;
}

/** SOL003 6.4.2-6.4.6 under /vnfpm/v2 (PATCH included); shapes were checked by the OpenAPI validator. */
export function pmRoutes(deps: PmRoutesDeps): (router: Router) => void {
  return (router) => {
    router.post('/pm_jobs', async (req, res) => {
      const job = await deps.jobs.create(req.body);
      res.status(201).location(job._links.self.href).json(job);
    });
    router.get('/pm_jobs', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, PM_JOB_QUERY);
      sendList(req, res, await deps.jobs.list(query, deps.pageSize), deps.publicUrl);
    });
    router.get('/pm_jobs/:pmJobId', async (req, res) => {
      res.json(await deps.jobs.get(req.params.pmJobId));
    });
    // SOL003 6.4.3.3.4: a merge patch; the answer is the modifications (PmJobModifications).
    router.patch('/pm_jobs/:pmJobId', async (req, res) => {
      res.json(await deps.jobs.modify(req.params.pmJobId, req.body));
    });
    router.delete('/pm_jobs/:pmJobId', async (req, res) => {
      await deps.jobs.delete(req.params.pmJobId);
      res.status(204).end();
    });
    router.get('/pm_jobs/:pmJobId/reports/:reportId', async (req, res) => {
      res.json(await deps.jobs.report(req.params.pmJobId, req.params.reportId));
    });

    router.post('/thresholds', async (req, res) => {
      const threshold = await deps.thresholds.create(req.body);
      res.status(201).location(threshold._links.self.href).json(threshold);
    });
    router.get('/thresholds', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, THRESHOLD_QUERY);
      sendList(req, res, await deps.thresholds.list(query, deps.pageSize), deps.publicUrl);
    });
    router.get('/thresholds/:thresholdId', async (req, res) => {
      res.json(await deps.thresholds.get(req.params.thresholdId));
    });
    // SOL003 6.4.6.3.4: a merge patch; the answer is the modifications (ThresholdModifications).
    router.patch('/thresholds/:thresholdId', async (req, res) => {
      res.json(await deps.thresholds.modify(req.params.thresholdId, req.body));
    });
    router.delete('/thresholds/:thresholdId', async (req, res) => {
      await deps.thresholds.delete(req.params.thresholdId);
      res.status(204).end();
    });
  };
}
