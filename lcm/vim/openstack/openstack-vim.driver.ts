/**
 * The VIM port on a real OpenStack: Keystone v3 for tokens and the catalog, Nova for servers
 * and live migration, Placement for capacity, Glance and Neutron for names. Needs an admin
 * (or equivalently privileged) account: hosts, os-migrations and a chosen destination
 * host are admin-only in Nova's default policy.
 */
import type { Logger } from '../../../platform/logger.ts';
import type { VduResources } from '../../vnfd/vnfd.types.ts';
import { pollUntil } from '../poll-until.ts';
import { VimEndpointNotFound, VimNotFound, VimServerFailed } from '../vim-errors.ts';
import type { LiveMigration, ServerSpec, ServerStatus, VimDriver, VimHost, VimServer, WaitOptions } from '../vim.port.ts';
import { ImageNetworkLookup } from './image-network-lookup.ts';
import { KeystoneClient, type EndpointInterface, type KeystoneAuth } from './keystone-client.ts';
import { NovaClient } from './nova-client.ts';
import { newestFirst, toLiveMigration, toVimHosts, toVimServer } from './nova-mapping.ts';
import type { NovaFlavor } from './nova-types.ts';
import { OpenStackSession } from './openstack-session.ts';
import { PlacementClient, type ProviderCapacity } from './placement-client.ts';

export interface OpenStackVimOptions {
  readonly authUrl: string;
  readonly auth: KeystoneAuth;
  readonly region?: string;
  readonly interface: EndpointInterface;
  /** Compute API microversion; 2.88 is what the driver is written and tested for. */
  readonly computeMicroversion: string;
  /** Placement microversion; 1.0 has everything the capacity lookup needs. */
  readonly placementMicroversion?: string;
  /** Timeout of one HTTP call. */
  readonly requestTimeoutMs: number;
  /** How often waits poll Nova. */
  readonly pollIntervalMs: number;
  readonly endpointOverrides?: Readonly<Record<string, string>>;
  readonly log: Logger;
}

export class OpenStackVimDriver implements VimDriver {
  readonly kind = 'openstack' as const;
  private readonly nova: NovaClient;
  private readonly placement: PlacementClient;
  private readonly lookup: ImageNetworkLookup;
  private readonly log: Logger;
  private flavors: NovaFlavor[] | undefined;

  constructor(private readonly opts: OpenStackVimOptions) {
    this.log = opts.log.child({ module: 'vim-openstack' });
    const keystone = new KeystoneClient({
      authUrl: opts.authUrl,
      auth: opts.auth,
      region: opts.region,
      interface: opts.interface,
      timeoutMs: opts.requestTimeoutMs,
      endpointOverrides: opts.endpointOverrides,
      log: this.log,
    });
    const session = new OpenStackSession(keystone, {
      timeoutMs: opts.requestTimeoutMs,
      log: this.log,
      serviceHeaders: {
        compute: {
          'OpenStack-API-Version': `compute ${opts.computeMicroversion}`,
          'X-OpenStack-Nova-API-Version': opts.computeMicroversion,
        },
        placement: { 'OpenStack-API-Version': `placement ${opts.placementMicroversion ?? '1.0'}` },
      },
    });
    this.nova = new NovaClient(session);
    this.placement = new PlacementClient(session);
    this.lookup = new ImageNetworkLookup(session);
  }

  async listHosts(): Promise<VimHost[]> {
    const [hypervisors, services, aggregates] = await Promise.all([
      this.nova.listHypervisors(),
      this.nova.listComputeServices(),
      this.nova.listAggregates(),
    ]);
    const capacity = new Map<string, ProviderCapacity>();
    try {
      const found = await Promise.all(hypervisors.map(async (h) => [h.id, await this.placement.capacity(h.id)] as const));
      for (const [id, c] of found) capacity.set(id, c);
    } catch (err) {
      // A catalog without Placement: fall back to the statistics os-hypervisors had before 2.88.
      if (!(err instanceof VimEndpointNotFound)) throw err;
    }
    return toVimHosts({ hypervisors, services, aggregates, capacity });
  }

  async createServerGroup(name: string, policy: 'anti-affinity' | 'soft-anti-affinity'): Promise<{ id: string }> {
    return { id: await this.nova.createServerGroup(name, policy) };
  }

  deleteServerGroup(id: string): Promise<void> {
    return this.nova.deleteServerGroup(id);
  }

  async createServer(spec: ServerSpec): Promise<VimServer> {
    const [flavorRef, imageRef, networkIds] = await Promise.all([
      this.flavorFor(spec),
      this.lookup.imageId(spec.image),
      Promise.all((spec.networks ?? []).map((n) => this.lookup.networkId(n))),
    ]);
    const id = await this.nova.createServer({
      name: spec.name,
      imageRef,
      flavorRef,
      networkIds,
      metadata: spec.metadata,
      availabilityZone: spec.availabilityZone,
      serverGroupId: spec.serverGroupId,
    });
    this.log.info({ serverId: id, name: spec.name, serverGroupId: spec.serverGroupId }, 'server requested');
    const created = await this.nova.getServer(id);
    return created
      ? toVimServer(created)
      : { id, name: spec.name, status: 'BUILD', resources: spec.resources, metadata: { ...spec.metadata } };
  }

  async getServer(id: string): Promise<VimServer | undefined> {
    const s = await this.nova.getServer(id);
    return s && toVimServer(s);
  }

  async findServers(metadata: Readonly<Record<string, string>>): Promise<VimServer[]> {
    // Nova cannot filter servers by metadata: list the project's servers and filter here.
    const all = await this.nova.listServers();
    const wanted = Object.entries(metadata);
    return all.filter((s) => wanted.every(([k, v]) => s.metadata?.[k] === v)).map(toVimServer);
  }

  /** Polls until `status`; DELETED means "answers 404". ERROR, unless waited for, is VimServerFailed. */
  waitForServer(id: string, status: ServerStatus, options: WaitOptions): Promise<VimServer> {
    return pollUntil(
      `server ${id} ${status}`,
      async () => {
        const s = await this.getServer(id);
        if (!s) {
          if (status === 'DELETED') return { id, name: '', status: 'DELETED', resources: none(), metadata: {} } satisfies VimServer;
          throw new VimNotFound(`server ${id} disappeared while waiting for ${status}`);
        }
        if (s.status === status) return s;
        if (s.status === 'ERROR') throw new VimServerFailed(`server ${id} went to ERROR: ${s.fault ?? 'no fault recorded'}`);
        return undefined;
      },
      { timeoutMs: options.timeoutMs, signal: options.signal, intervalMs: this.opts.pollIntervalMs },
    );
  }

  async deleteServer(id: string): Promise<void> {
    await this.nova.deleteServer(id);
    this.log.info({ serverId: id }, 'server deletion requested');
  }

  async liveMigrate(serverId: string, host: string): Promise<void> {
    await this.nova.liveMigrate(serverId, host);
    this.log.info({ serverId, host }, 'live migration requested');
  }

  async listMigrations(serverId: string): Promise<LiveMigration[]> {
    const [all, inProgress] = await Promise.all([this.nova.listMigrations(serverId), this.nova.listServerMigrations(serverId)]);
    const progress = new Map(inProgress.map((m) => [m.id, m]));
    return newestFirst(all.map((m) => toLiveMigration(m, progress.get(m.id))));
  }

  async abortMigration(serverId: string, migrationId: string): Promise<void> {
    await this.nova.abortMigration(serverId, migrationId);
    this.log.warn({ serverId, migrationId }, 'live migration abort requested');
  }

  async reboot(serverId: string, type: 'SOFT' | 'HARD'): Promise<void> {
    await this.nova.reboot(serverId, type);
    this.log.info({ serverId, type }, 'reboot requested');
  }

  async rebuild(serverId: string, image: string): Promise<void> {
    await this.nova.rebuild(serverId, await this.lookup.imageId(image));
    this.log.info({ serverId, image }, 'rebuild requested');
  }

  async evacuate(serverId: string, host?: string): Promise<void> {
    await this.nova.evacuate(serverId, host);
    this.log.info({ serverId, host }, 'evacuation requested');
  }

  /**
   * The flavor named by the spec; otherwise one with exactly the VDU's resources, created
   * (`vnfm-<vcpus>c-<ram>m-<disk>g`) when none exists.
   */
  private async flavorFor(spec: ServerSpec): Promise<string> {
    const match = (f: NovaFlavor) =>
      spec.flavorName !== undefined
        ? f.name === spec.flavorName
        : f.vcpus === spec.resources.vcpus && f.ram === spec.resources.ramMb && f.disk === spec.resources.diskGb;
    let hit = this.flavors?.find(match);
    if (!hit) {
      this.flavors = await this.nova.listFlavors();
      hit = this.flavors.find(match);
    }
    if (hit) return hit.id;
    if (spec.flavorName !== undefined) throw new VimNotFound(`no flavor named "${spec.flavorName}"`, { service: 'compute' });
    const { vcpus, ramMb, diskGb } = spec.resources;
    const created = await this.nova.createFlavor(`vnfm-${vcpus}c-${ramMb}m-${diskGb}g`, vcpus, ramMb, diskGb);
    (this.flavors ??= []).push(created);
    this.log.info({ flavor: created.name }, 'flavor created for VDU resources');
    return created.id;
  }
}

function none(): VduResources {
  return { vcpus: 0, ramMb: 0, diskGb: 0 };
}
