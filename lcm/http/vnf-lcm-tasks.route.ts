import type { Router } from 'express';
import type { LcmOperationsService, StartRequest } from '../op-occs/lcm-operations.service.ts';
import type { LcmOperation } from '../op-occs/lcm-op-occ.types.ts';
import { checkHeal, checkInstantiate, checkScale, checkTerminate } from '../requests/lcm-request-checks.ts';
import { notAllowed } from '../../platform/http/not-allowed.ts';

type Body = Record<string, unknown>;

/** The task resources (SOL003 5.4.4 instantiate, 5.4.5 scale, 5.4.8 terminate, 5.4.9 heal) and their checks. */
const TASKS: Record<string, { operation: LcmOperation; check: (body: Body) => StartRequest['check'] }> = {
  instantiate: { operation: 'INSTANTIATE', check: (body) => (inst, vnfd) => checkInstantiate(inst, vnfd, body) },
  terminate: { operation: 'TERMINATE', check: (body) => (inst) => checkTerminate(inst, body) },
  scale: { operation: 'SCALE', check: (body) => (inst) => checkScale(inst, body) },
  heal: { operation: 'HEAL', check: (body) => (inst) => checkHeal(inst, body) },
};

/**
 * Our convention for a VNFM that heals on another's behalf (the plugin beside Tacker): SOL003's
 * HealVnfRequest has no isAutomaticInvocation, so `additionalParams.isAutomaticInvocation: true`
 * marks the op occ as automatic, as Tacker's own auto-heal is.
 */
function isAutomaticHeal(body: Body): boolean {
  const params = body.additionalParams;
  return typeof params === 'object' && params !== null && (params as Body).isAutomaticInvocation === true;
}

/** POST /vnf_instances/{id}/{task}: 202, Location of the new VnfLcmOpOcc, empty body. */
export function vnfLcmTaskRoutes(operations: LcmOperationsService): (router: Router) => void {
  return (router) => {
    for (const [task, { operation, check }] of Object.entries(TASKS)) {
      const path = `/vnf_instances/:vnfInstanceId/${task}`;
      router.post(path, async (req, res) => {
        const op = await operations.start(req.params.vnfInstanceId as string, {
          operation,
          isAutomaticInvocation: operation === 'HEAL' && isAutomaticHeal((req.body ?? {}) as Body),
          check: check((req.body ?? {}) as Body),
        });
        res.status(202).location(op._links.self.href).end();
      });
      router.all(path, notAllowed('POST'));
    }
  };
}
