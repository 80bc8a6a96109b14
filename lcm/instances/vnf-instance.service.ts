import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/db/database.ts';
import type { ListPage, ListQuery } from '../../platform/sol/list-query.ts';
import type { LcmLinks } from '../lcm-links.ts';
import { OtherOperationInProgress, VnfdIdNotEnabled, VnfInstanceIsInstantiated, VnfInstanceNotFound } from '../lcm-errors.ts';
import { enqueueIdentifierNotification } from '../notifications/lcm-notifications.ts';
import type { LcmOpOccRepository } from '../op-occs/lcm-op-occ.repository.ts';
import type { VnfdLookup } from '../engine/operation-engine.ts';
import type { VnfInstanceRepository } from './vnf-instance.repository.ts';
import { vnfInstanceLinks, type VnfInstance } from './vnf-instance.types.ts';

/** SOL003 5.5.2.3 CreateVnfRequest (validated against the OpenAPI document). */
export interface CreateVnfRequest {
  readonly vnfdId: string;
  readonly vnfInstanceName?: string;
  readonly vnfInstanceDescription?: string;
  readonly metadata?: Record<string, unknown>;
}

export interface VnfInstanceServiceDeps {
  readonly db: Database;
  readonly instances: VnfInstanceRepository;
  readonly ops: LcmOpOccRepository;
  readonly vnfds: VnfdLookup;
  readonly links: LcmLinks;
  readonly clock: () => Date;
}

/** VNF instance resource use cases (SOL003 5.4.2, 5.4.3): create, read, list, delete. */
export class VnfInstanceService {
  constructor(private readonly deps: VnfInstanceServiceDeps) {}

  /** 201: a NOT_INSTANTIATED instance of a known VNFD, announced by VnfIdentifierCreationNotification. */
  async create(req: CreateVnfRequest): Promise<VnfInstance> {
    const vnfd = await this.deps.vnfds.get(req.vnfdId);
    if (!vnfd) throw new VnfdIdNotEnabled(req.vnfdId);
    const id = randomUUID();
    // Tacker takes vnfConfigurableProperties from the VNFD (SOL001 configurable_properties).
    const defaults = vnfd.flavours.find((f) => f.configurableProperties)?.configurableProperties;
    const doc: VnfInstance = {
      id,
      ...(req.vnfInstanceName && { vnfInstanceName: req.vnfInstanceName }),
      ...(req.vnfInstanceDescription && { vnfInstanceDescription: req.vnfInstanceDescription }),
      vnfdId: vnfd.vnfdId,
      vnfProvider: vnfd.provider,
      vnfProductName: vnfd.productName,
      vnfSoftwareVersion: vnfd.softwareVersion,
      vnfdVersion: vnfd.descriptorVersion,
      ...(defaults && { vnfConfigurableProperties: { ...defaults } }),
      instantiationState: 'NOT_INSTANTIATED',
      ...(req.metadata && Object.keys(req.metadata).length && { metadata: req.metadata }),
      _links: vnfInstanceLinks(this.deps.links.vnfInstance(id), 'NOT_INSTANTIATED'),
    };
    await this.deps.db.transaction(async (tx) => {
      await this.deps.instances.insert(tx, doc);
      await enqueueIdentifierNotification(tx, 'VnfIdentifierCreationNotification', doc, this.deps.links, this.deps.clock());
    });
    return doc;
  }

  async get(id: string): Promise<VnfInstance> {
    const doc = await this.deps.instances.get(id);
    if (!doc) throw new VnfInstanceNotFound(id);
    return doc;
  }

  list(query: ListQuery, pageSize: number): Promise<ListPage> {
    return this.deps.instances.listPage(query, pageSize);
  }

  /** 204: only NOT_INSTANTIATED and with no operation holding it; announced by VnfIdentifierDeletionNotification. */
  async delete(id: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const doc = await this.deps.instances.get(id, { tx, lock: true });
      if (!doc) throw new VnfInstanceNotFound(id);
      if (doc.instantiationState !== 'NOT_INSTANTIATED') throw new VnfInstanceIsInstantiated(id);
      const holding = await this.deps.ops.unfinishedOf(id, tx);
      if (holding) throw new OtherOperationInProgress(id, holding.id, holding.operationState === 'FAILED_TEMP');
      await this.deps.instances.delete(tx, id);
      await enqueueIdentifierNotification(tx, 'VnfIdentifierDeletionNotification', doc, this.deps.links, this.deps.clock());
    });
  }
}
