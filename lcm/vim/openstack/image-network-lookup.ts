/**
 * Names to ids: images through Glance v2, networks through Neutron v2.0. VNFDs name their
 * images (`sw_image_data.name`) and virtual links; Nova wants UUIDs. A UUID is used as it is.
 */
import { VimConflict, VimNotFound } from '../vim-errors.ts';
import type { OpenStackSession } from './openstack-session.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

export class ImageNetworkLookup {
  /** Name -> id, or the lookup in flight (concurrent boots ask Glance or Neutron once); a failed lookup is forgotten. */
  private readonly images = new Map<string, Promise<string>>();
  private readonly networks = new Map<string, Promise<string>>();

  constructor(private readonly session: OpenStackSession) {}

  /** The id of the active image with that name (GET /v2/images?name=). */
  imageId(nameOrId: string): Promise<string> {
    return this.cached(this.images, nameOrId, async () => {
      const q = new URLSearchParams({ name: nameOrId, status: 'active' });
      const res = await this.session.request<{ images: { id: string }[] }>('image', 'GET', `/images?${q}`);
      return single(res.body.images, `image named "${nameOrId}"`);
    });
  }

  /** The id of the network with that name (GET /v2.0/networks?name=). */
  networkId(nameOrId: string): Promise<string> {
    return this.cached(this.networks, nameOrId, async () => {
      const q = new URLSearchParams({ name: nameOrId });
      const res = await this.session.request<{ networks: { id: string }[] }>('network', 'GET', `/networks?${q}`);
      return single(res.body.networks, `network named "${nameOrId}"`);
    });
  }

  private cached(cache: Map<string, Promise<string>>, nameOrId: string, look: () => Promise<string>): Promise<string> {
    if (isUuid(nameOrId)) return Promise.resolve(nameOrId);
    let id = cache.get(nameOrId);
    if (!id) {
      id = look();
      cache.set(nameOrId, id);
      id.catch(() => cache.delete(nameOrId));
    }
    return id;
  }
}

function single(found: readonly { id: string }[], what: string): string {
  if (found.length === 0) throw new VimNotFound(`no ${what}`);
  if (found.length > 1) throw new VimConflict(`${found.length} of ${what}: name it by id`);
  return found[0].id;
}
