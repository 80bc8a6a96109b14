/**
 * Nova's compute API v2.1 at a fixed microversion (the session sends
 * `OpenStack-API-Version: compute <version>`). One method per call, Nova's own bodies in and
 * out; the driver maps them to the VIM port's types.
 */
import type { OpenStackSession } from './openstack-session.ts';
import type {
  NovaAggregate,
  NovaFlavor,
  NovaHypervisor,
  NovaMigration,
  NovaServer,
  NovaServerMigration,
  NovaService,
} from './nova-types.ts';

export interface NovaServerCreate {
  readonly name: string;
  readonly imageRef: string;
  readonly flavorRef: string;
  /** Network UUIDs; empty: `"networks": "none"` (2.37), so Nova allocates no port. */
  readonly networkIds: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
  readonly availabilityZone?: string;
  readonly serverGroupId?: string;
}

const COMPUTE = 'compute';
const PAGE = 1000;

export class NovaClient {
  constructor(private readonly session: OpenStackSession) {}

  /** POST /servers; answers 202 with the id while the server builds. */
  async createServer(spec: NovaServerCreate): Promise<string> {
    const server: Record<string, unknown> = {
      name: spec.name,
      imageRef: spec.imageRef,
      flavorRef: spec.flavorRef,
      networks: spec.networkIds.length ? spec.networkIds.map((uuid) => ({ uuid })) : 'none',
    };
    if (spec.metadata && Object.keys(spec.metadata).length) server.metadata = spec.metadata;
    if (spec.availabilityZone) server.availability_zone = spec.availabilityZone;
    const body: Record<string, unknown> = { server };
    if (spec.serverGroupId) body['os:scheduler_hints'] = { group: spec.serverGroupId };
    const res = await this.session.request<{ server: { id: string } }>(COMPUTE, 'POST', '/servers', { body });
    return res.body.server.id;
  }

  /** Undefined on 404. */
  async getServer(id: string): Promise<NovaServer | undefined> {
    const res = await this.session.request<{ server: NovaServer }>(COMPUTE, 'GET', `/servers/${enc(id)}`, { accept: [404] });
    return res.status === 404 ? undefined : res.body.server;
  }

  /** Every server of the project, page by page (`limit` and `marker`). */
  async listServers(): Promise<NovaServer[]> {
    const all: NovaServer[] = [];
    let marker: string | undefined;
    for (;;) {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (marker) q.set('marker', marker);
      const res = await this.session.request<{ servers: NovaServer[] }>(COMPUTE, 'GET', `/servers/detail?${q}`);
      all.push(...res.body.servers);
      if (res.body.servers.length < PAGE) return all;
      marker = res.body.servers.at(-1)!.id;
    }
  }

  /** DELETE /servers/{id}; a server already gone counts as deleted. */
  async deleteServer(id: string): Promise<void> {
    await this.session.request(COMPUTE, 'DELETE', `/servers/${enc(id)}`, { accept: [404] });
  }

  async action(serverId: string, body: Record<string, unknown>): Promise<void> {
    await this.session.request(COMPUTE, 'POST', `/servers/${enc(serverId)}/action`, { body });
  }

  /** os-migrateLive with the host we chose; the scheduler still checks it (no `force` since 2.68). */
  liveMigrate(serverId: string, host: string): Promise<void> {
    return this.action(serverId, { 'os-migrateLive': { host, block_migration: 'auto' } });
  }

  reboot(serverId: string, type: 'SOFT' | 'HARD'): Promise<void> {
    return this.action(serverId, { reboot: { type } });
  }

  rebuild(serverId: string, imageId: string): Promise<void> {
    return this.action(serverId, { rebuild: { imageRef: imageId } });
  }

  /** Needs the server's compute service down (or forced down); the scheduler picks a host when none is given. */
  evacuate(serverId: string, host?: string): Promise<void> {
    return this.action(serverId, { evacuate: host ? { host } : {} });
  }

  /** In-progress live migrations of a server, with memory progress (2.23). */
  async listServerMigrations(serverId: string): Promise<NovaServerMigration[]> {
    const res = await this.session.request<{ migrations: NovaServerMigration[] }>(COMPUTE, 'GET', `/servers/${enc(serverId)}/migrations`, {
      accept: [404],
    });
    return res.status === 404 ? [] : res.body.migrations;
  }

  /** Every migration of a server, finished ones included (os-migrations, newest first since 2.59). */
  async listMigrations(serverId: string, type = 'live-migration'): Promise<NovaMigration[]> {
    const q = new URLSearchParams({ instance_uuid: serverId, migration_type: type });
    const res = await this.session.request<{ migrations: NovaMigration[] }>(COMPUTE, 'GET', `/os-migrations?${q}`);
    return res.body.migrations;
  }

  /** DELETE /servers/{id}/migrations/{migration_id} (2.24; queued and preparing ones too since 2.65). */
  async abortMigration(serverId: string, migrationId: string): Promise<void> {
    await this.session.request(COMPUTE, 'DELETE', `/servers/${enc(serverId)}/migrations/${enc(migrationId)}`);
  }

  async listFlavors(): Promise<NovaFlavor[]> {
    const res = await this.session.request<{ flavors: NovaFlavor[] }>(COMPUTE, 'GET', '/flavors/detail?is_public=None');
    return res.body.flavors;
  }

  async createFlavor(name: string, vcpus: number, ramMb: number, diskGb: number): Promise<NovaFlavor> {
    const body = { flavor: { name, vcpus, ram: ramMb, disk: diskGb } };
    const res = await this.session.request<{ flavor: NovaFlavor }>(COMPUTE, 'POST', '/flavors', { body });
    return res.body.flavor;
  }

  /** `policy` (singular) since 2.64. */
  async createServerGroup(name: string, policy: string): Promise<string> {
    const res = await this.session.request<{ server_group: { id: string } }>(COMPUTE, 'POST', '/os-server-groups', {
      body: { server_group: { name, policy } },
    });
    return res.body.server_group.id;
  }

  async deleteServerGroup(id: string): Promise<void> {
    await this.session.request(COMPUTE, 'DELETE', `/os-server-groups/${enc(id)}`, { accept: [404] });
  }

  async listHypervisors(): Promise<NovaHypervisor[]> {
    const res = await this.session.request<{ hypervisors: NovaHypervisor[] }>(COMPUTE, 'GET', '/os-hypervisors/detail?with_servers=true');
    return res.body.hypervisors;
  }

  async listComputeServices(): Promise<NovaService[]> {
    const res = await this.session.request<{ services: NovaService[] }>(COMPUTE, 'GET', '/os-services?binary=nova-compute');
    return res.body.services;
  }

  async listAggregates(): Promise<NovaAggregate[]> {
    const res = await this.session.request<{ aggregates: NovaAggregate[] }>(COMPUTE, 'GET', '/os-aggregates');
    return res.body.aggregates;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
