import { randomUUID } from 'node:crypto';
import type { Grant, GrantPort, GrantRequest } from './grant.port.ts';

/**
 * Grants every request, as an NFVO that has no objection would: used when no NFVO is
 * configured (Tacker's local NFVO mode). The grant lists every resource of the request.
 */
export class LocalGrant implements GrantPort {
  readonly local = true;

  async request(req: GrantRequest): Promise<Grant> {
    const ids = (list: GrantRequest['addResources']) => list?.map((r) => ({ resourceDefinitionId: r.id }));
    return {
      id: randomUUID(),
      vnfInstanceId: req.vnfInstanceId,
      vnfLcmOpOccId: req.vnfLcmOpOccId,
      ...(req.addResources?.length && { addResources: ids(req.addResources) }),
      ...(req.removeResources?.length && { removeResources: ids(req.removeResources) }),
      ...(req.updateResources?.length && { updateResources: ids(req.updateResources) }),
    };
  }
}
