/**
 * The plugin beside a running Tacker, as `serve` runs it: the callback endpoints
 * (/tacker-callbacks/v1), the reconcile loop, and the composite LcmPort the decision engine
 * gets (our VNFs and Tacker's). Wired by vnfm-plugin/operations.ts; does nothing visible
 * until `vnfm-plugin register tacker` has stored a registration.
 */
import type { RequestHandler, Router } from 'express';
import type { Config } from '../../platform/config/config.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import { appendToOutbox, type OutboxRelay } from '../../platform/bus/outbox.ts';
import type { EntityRegistry } from '../../fault-mgmt/registry/entity-registry.ts';
import { LCM_OPOCC_TOPIC_PREFIX, type LcmOperationStatus, type LcmPort } from '../../lcm/engine/lcm.port.ts';
import type { VimDriver } from '../../lcm/vim/vim.port.ts';
import type { VnfPackageCatalogue } from '../../lcm/vnfd/vnf-package-catalogue.ts';
import { createCompositeLcmPort, followNovaMigration } from './composite-lcm.port.ts';
import { openTackerSession, TackerSecretMissing } from './tacker-access.ts';
import { createTackerCallbacks, type TackerLink } from './tacker-callbacks.service.ts';
import { tackerCallbacksRouter } from './tacker-callbacks.routes.ts';
import { startReconcileLoop } from './tacker-reconcile.ts';
import { secretOf, subscriptionAuthenticationOf } from './tacker-settings.ts';
import { CALLBACKS_PREFIX, refreshRegistry } from './tacker-sync.ts';
import { discoveredEntitiesWriter } from './discovered-entities.ts';
import { createTackerStore } from './tacker.repository.ts';
import type { TackerRegistration } from './tacker.types.ts';

export { CALLBACKS_PREFIX } from './tacker-sync.ts';
export { registerTackerCommand } from './register-tacker.command.ts';

export interface TackerModuleDeps {
  readonly db: Database;
  readonly config: Config;
  readonly log: Logger;
  readonly registry: Pick<EntityRegistry, 'load'>;
  /** Our own LCM's port, wrapped by the composite one. */
  readonly lcm: LcmPort;
  readonly catalogue: Pick<VnfPackageCatalogue, 'get'>;
  readonly vim: VimDriver;
  readonly relay: OutboxRelay;
}

export interface TackerModule {
  /** Our LCM plus the VNFs discovered on Tacker: what the decision engine calls. */
  readonly lcm: LcmPort;
  readonly ownApi: { readonly path: string; readonly router: (authenticate: RequestHandler) => Router };
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createTackerModule(deps: TackerModuleDeps): TackerModule {
  const { db, config } = deps;
  const log = deps.log.child({ component: 'tacker' });
  const store = createTackerStore(db);
  const registry = discoveredEntitiesWriter(db, deps.registry);
  const links = new Map<string, { key: string; link: TackerLink | undefined }>();
  const warned = new Set<string>();

  function linkOf(reg: TackerRegistration): TackerLink | undefined {
    const key = JSON.stringify([reg.tackerUrl, reg.access, reg.credentialsRef]);
    const held = links.get(reg.id);
    if (held?.key === key) return held.link;
    let link: TackerLink | undefined;
    try {
      link = openTackerSession({ tackerUrl: reg.tackerUrl, access: reg.access, secret: secretOf(reg.credentialsRef, config), timeoutMs: config.tacker.requestTimeoutMs, log: deps.log });
    } catch (err) {
      if (!(err instanceof TackerSecretMissing)) throw err;
      if (!warned.has(reg.id)) log.warn({ tackerUrl: reg.tackerUrl }, `Tacker cannot be reached: ${err.message} (TACKER_KEYSTONE_SECRET)`);
      warned.add(reg.id);
    }
    links.set(reg.id, { key, link });
    return link;
  }

  const announce = async (op: LcmOperationStatus) => {
    await db.transaction((tx) =>
      appendToOutbox(tx, [{ topic: `${LCM_OPOCC_TOPIC_PREFIX}.${op.operationState.toLowerCase()}`, payload: op }], deps.relay),
    );
  };
  const callbacks = createTackerCallbacks({ store, registry, linkOf, announce, log });
  const nova = { store, vim: deps.vim, registry, announce, migration: { timeoutMs: config.lcm.migrationTimeoutMs, intervalMs: config.lcm.pollMs }, log };
  const lcm = createCompositeLcmPort({
    ...nova,
    own: deps.lcm,
    catalogue: deps.catalogue,
    async tackerOf(inst) {
      const reg = (await store.listRegistrations()).find((r) => r.id === inst.registrationId);
      return reg && linkOf(reg)?.tacker;
    },
  });
  let stopLoop: (() => Promise<void>) | undefined;

  return {
    lcm,
    ownApi: {
      path: CALLBACKS_PREFIX,
      router: (authenticate) =>
        tackerCallbacksRouter({ callbacks, basic: config.tacker.callbackBasic, apiMode: config.auth.mode, bodyLimit: config.http.bodyLimit }, authenticate),
    },
    async start() {
      // What `register tacker` wrote while we were not running becomes visible at once.
      try {
        if ((await store.listRegistrations()).length > 0) await refreshRegistry({ store, registry });
        // Live migrations of Tacker VNFCs that were running when we stopped are followed again.
        for (const op of await store.listUnfinishedOperations()) if (op.migration) void followNovaMigration(nova, op);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'Tacker registrations not read at start; the reconcile loop tries again');
      }
      if (config.tacker.reconcileSeconds > 0) {
        stopLoop = startReconcileLoop(
          { store, registry, linkOf, authenticationOf: (reg) => subscriptionAuthenticationOf(reg, config), log },
          config.tacker.reconcileSeconds,
        );
      }
    },
    async stop() {
      await stopLoop?.();
    },
  };
}
