import type { Router } from 'express';
import { parseListQuery, sendList, type ResourceQuerySpec } from '../../platform/sol/list-query.ts';
import type { VnfInstanceService, CreateVnfRequest } from '../instances/vnf-instance.service.ts';
import { VNF_INSTANCE_DEFAULT_EXCLUDED } from '../instances/vnf-instance.types.ts';
import type { LcmOperationsService } from '../op-occs/lcm-operations.service.ts';
import { checkModify } from '../requests/lcm-request-checks.ts';
import { notAllowed } from '../../platform/http/not-allowed.ts';

export interface VnfInstanceRoutesDeps {
  readonly instances: VnfInstanceService;
  readonly operations: LcmOperationsService;
  readonly pageSize: number;
  readonly publicUrl: string;
}

/** SOL003 5.4.2.3.2: filters, selectors and paging of GET /vnf_instances. */
export const VNF_INSTANCE_QUERY: ResourceQuerySpec = {
  name: 'VnfInstance',
  defaultExcluded: VNF_INSTANCE_DEFAULT_EXCLUDED,
  // Never stored (withoutVimSecrets); removed again in case an older document holds one.
  neverReturned: ['vimConnectionInfo/*/accessInfo/password'],
};

/** SOL003 5.4.2 VNF instances and 5.4.3 Individual VNF instance. */
export function vnfInstanceRoutes(deps: VnfInstanceRoutesDeps): (router: Router) => void {
  return (router) => {
    router.post('/vnf_instances', async (req, res) => {
      const doc = await deps.instances.create(req.body as CreateVnfRequest);
      res.status(201).location(doc._links.self.href).json(doc);
    });
    router.get('/vnf_instances', async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>, VNF_INSTANCE_QUERY);
      sendList(req, res, await deps.instances.list(query, deps.pageSize), deps.publicUrl);
    });
    router.all('/vnf_instances', notAllowed('GET, POST'));

    router.get('/vnf_instances/:vnfInstanceId', async (req, res) => {
      res.json(await deps.instances.get(req.params.vnfInstanceId));
    });
    // SOL003 5.4.3.3.4: a MODIFY_INFO operation; 202 with the Location of its occurrence.
    router.patch('/vnf_instances/:vnfInstanceId', async (req, res) => {
      const body = req.body as Record<string, unknown>;
      const op = await deps.operations.start(req.params.vnfInstanceId, {
        operation: 'MODIFY_INFO',
        isAutomaticInvocation: false,
        vnfdId: typeof body.vnfdId === 'string' ? body.vnfdId : undefined,
        check: (inst) => checkModify(inst, body),
      });
      res.status(202).location(op._links.self.href).end();
    });
    router.delete('/vnf_instances/:vnfInstanceId', async (req, res) => {
      await deps.instances.delete(req.params.vnfInstanceId);
      res.status(204).end();
    });
    router.all('/vnf_instances/:vnfInstanceId', notAllowed('GET, PATCH, DELETE'));
  };
}
