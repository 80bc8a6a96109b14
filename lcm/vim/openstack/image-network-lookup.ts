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
  private readonly images = new Map<string, string>();
  private readonly networks = new Map<string, string>();

  constructor(private readonly session: OpenStackSession) {}

  /** The id of the active image with that name (GET /v2/images?name=). */
  async imageId(nameOrId: string): Promise<string> {
    if (isUuid(nameOrId)) return nameOrId;
    const known = this.images.get(nameOrId);
    if (known) return known;
    const q = new URLSearchParams({ name: nameOrId, status: 'active' });
    const res = await this.session.request<{ images: { id: string }[] }>('image', 'GET', `/images?${q}`);
    const id = single(res.body.images, `image named "${nameOrId}"`);
    this.images.set(nameOrId, id);
    return id;
  }

  /** The id of the network with that name (GET /v2.0/networks?name=). */
  async networkId(nameOrId: string): Promise<string> {
    if (isUuid(nameOrId)) return nameOrId;
    const known = this.networks.get(nameOrId);
    if (known) return known;
    const q = new URLSearchParams({ name: nameOrId });
    const res = await this.session.request<{ networks: { id: string }[] }>('network', 'GET', `/networks?${q}`);
    const id = single(res.body.networks, `network named "${nameOrId}"`);
    this.networks.set(nameOrId, id);
    return id;
  }
}

function single(found: readonly { id: string }[], what: string): string {
  if (found.length === 0) throw new VimNotFound(`no ${what}`);
  if (found.length > 1) throw new VimConflict(`${found.length} of ${what}: name it by id`);
  return found[0].id;
}
