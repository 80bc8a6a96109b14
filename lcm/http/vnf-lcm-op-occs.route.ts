import type { Router } from 'express';
import { parseListQuery, sendList, type ResourceQuerySpec } from '../../platform/sol/list-query.ts';
import type { LcmOpOccRepository } from '../op-occs/lcm-op-occ.repository.ts';
import { VNF_LCM_OP_OCC_DEFAULT_EXCLUDED } from '../op-occs/lcm-op-occ.types.ts';
import type { LcmOperationsService } from '../op-occs/lcm-operations.service.ts';
import { notAllowed } from '../../platform/http/not-allowed.ts';

export interface VnfLcmOpOccRoutesDeps {
  readonly operations: LcmOperationsService;
  readonly ops: LcmOpOccRepository;
  readonly pageSize: number;
  readonly publicUrl: string;
}

/** SOL003 5.4.12.3.2: filters, selectors and paging of GET /vnf_lcm_op_occs. */
export const VNF_LCM_OP_OCC_QUERY: ResourceQuerySpec = {
  name: 'VnfLcmOpOcc',
  defaultExcluded: VNF_LCM_OP_OCC_DEFAULT_EXCLUDED,
  neverReturned: ['operationParams/vimConnectionInfo/*/accessInfo/password'],
};

/** SOL003 5.4.12 - 5.4.16: occurrences, one occurrence, and retry / rollback / fail of a FAILED_TEMP one. */
export function vnfLcmOpOccRoutes(deps: VnfLcmOpOccRoutesDeps): (router: Router) => void {
  return (router) => {
    router.get('/vnf_lcm_op_occs', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, VNF_LCM_OP_OCC_QUERY);
      sendList(req, res, await deps.ops.listPage(query, deps.pageSize), deps.publicUrl);
    });
    router.all('/vnf_lcm_op_occs', notAllowed('GET'));

    router.get('/vnf_lcm_op_occs/:vnfLcmOpOccId', async (req, res) => {
      res.json(await deps.operations.get(req.params.vnfLcmOpOccId));
    });
    router.all('/vnf_lcm_op_occs/:vnfLcmOpOccId', notAllowed('GET'));

    // SOL003 5.4.14.3.1 / 5.4.15.3.1: 202, empty body (Tacker sends no Location either).
    router.post('/vnf_lcm_op_occs/:vnfLcmOpOccId/retry', async (req, res) => {
      await deps.operations.retry(req.params.vnfLcmOpOccId);
      res.status(202).end();
    });
    router.post('/vnf_lcm_op_occs/:vnfLcmOpOccId/rollback', async (req, res) => {
      await deps.operations.rollback(req.params.vnfLcmOpOccId);
      res.status(202).end();
    });
    // SOL003 5.4.16.3.1: 200 with the occurrence, now FAILED.
    router.post('/vnf_lcm_op_occs/:vnfLcmOpOccId/fail', async (req, res) => {
      res.status(200).json(await deps.operations.fail(req.params.vnfLcmOpOccId));
    });
    for (const task of ['retry', 'rollback', 'fail']) router.all(`/vnf_lcm_op_occs/:vnfLcmOpOccId/${task}`, notAllowed('POST'));
  };
}
