import type { Transaction } from 'sequelize';

/**
 * SOL003 4.4.1.5 VnfInstanceSubscriptionFilter, shared by the LCM, FM and indicator
 * subscriptions: every attribute given must match (AND), any value of a list will do (OR),
 * as Tacker matches it (get_matched_subscs).
 */

export interface VnfInstanceSubscriptionFilter {
  readonly vnfdIds?: readonly string[];
  readonly vnfProductsFromProviders?: readonly {
    readonly vnfProvider: string;
    readonly vnfProducts?: readonly {
      readonly vnfProductName: string;
      readonly versions?: readonly { readonly vnfSoftwareVersion: string; readonly vnfdVersions?: readonly string[] }[];
    }[];
  }[];
  readonly vnfInstanceIds?: readonly string[];
  readonly vnfInstanceNames?: readonly string[];
}

/** What is known about a VNF instance; an attribute the filter names but the facts lack never matches. */
export interface VnfInstanceFacts {
  readonly id: string;
  readonly vnfInstanceName?: string;
  readonly vnfdId?: string;
  readonly vnfProvider?: string;
  readonly vnfProductName?: string;
  readonly vnfSoftwareVersion?: string;
  readonly vnfdVersion?: string;
}

/**
 * Port: the facts of a VNF instance, read in the notifying transaction `tx` (queries must
 * pass it: on the embedded database a second connection would wait for this one). The
 * composition root builds it from the LCM module's VNF instances; undefined: not an
 * instance LCM knows.
 */
export type VnfInstanceFactsLookup = (tx: Transaction, vnfInstanceId: string) => Promise<VnfInstanceFacts | undefined>;

/** The lookup of a module built without LCM: only the id is known. */
export const idOnlyFacts: VnfInstanceFactsLookup = async (_tx, id) => ({ id });

type Products = NonNullable<VnfInstanceSubscriptionFilter['vnfProductsFromProviders']>[number];

function matchesProducts(p: Products, inst: VnfInstanceFacts): boolean {
  if (p.vnfProvider !== inst.vnfProvider) return false;
  if (!p.vnfProducts) return true;
  return p.vnfProducts.some(
    (product) =>
      product.vnfProductName === inst.vnfProductName &&
      (!product.versions ||
        product.versions.some(
          (v) => v.vnfSoftwareVersion === inst.vnfSoftwareVersion && (!v.vnfdVersions || (inst.vnfdVersion !== undefined && v.vnfdVersions.includes(inst.vnfdVersion))),
        )),
  );
}

export function matchesVnfInstanceFilter(f: VnfInstanceSubscriptionFilter, inst: VnfInstanceFacts): boolean {
  if (f.vnfdIds && !(inst.vnfdId !== undefined && f.vnfdIds.includes(inst.vnfdId))) return false;
  if (f.vnfProductsFromProviders && !f.vnfProductsFromProviders.some((p) => matchesProducts(p, inst))) return false;
  if (f.vnfInstanceIds && !f.vnfInstanceIds.includes(inst.id)) return false;
  if (f.vnfInstanceNames && !(inst.vnfInstanceName !== undefined && f.vnfInstanceNames.includes(inst.vnfInstanceName))) return false;
  return true;
}
