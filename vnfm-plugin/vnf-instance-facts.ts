/**
 * Adapter of the VNF instance facts port (platform/sol/subscriptions/vnf-instance-filter.ts)
 * to the LCM module's VNF instances: what the FM and indicator subscriptions match
 * vnfInstanceSubscriptionFilter against (SOL003 4.4.1.5: vnfdIds, vnfProductsFromProviders,
 * vnfInstanceNames). Built here, in the composition root, so fault-mgmt/ never imports lcm/.
 */
import type { Database } from '../platform/db/database.ts';
import type { VnfInstanceFacts, VnfInstanceFactsLookup } from '../platform/sol/subscriptions/vnf-instance-filter.ts';
import { VnfInstanceRepository } from '../lcm/instances/vnf-instance.repository.ts';
import type { VnfInstance } from '../lcm/instances/vnf-instance.types.ts';

export function factsOfVnfInstance(inst: VnfInstance): VnfInstanceFacts {
  return {
    id: inst.id,
    ...(inst.vnfInstanceName !== undefined && { vnfInstanceName: inst.vnfInstanceName }),
    vnfdId: inst.vnfdId,
    vnfProvider: inst.vnfProvider,
    vnfProductName: inst.vnfProductName,
    vnfSoftwareVersion: inst.vnfSoftwareVersion,
    vnfdVersion: inst.vnfdVersion,
  };
}

/** Reads the instance in the caller's transaction; undefined for an id LCM does not hold. */
export function lcmInstanceFacts(db: Database): VnfInstanceFactsLookup {
  const instances = new VnfInstanceRepository(db);
  return async (tx, vnfInstanceId) => {
    const inst = await instances.get(vnfInstanceId, { tx });
    return inst && factsOfVnfInstance(inst);
  };
}
