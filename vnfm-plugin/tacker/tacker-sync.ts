/**
 * The registration use case shared by `vnfm-plugin register tacker` and the reconcile loop of
 * `serve`: list Tacker's VNF instances and their VNFCs into tacker_vnf_instances and the
 * monitoring registry, and make sure the LCM and FM subscriptions pointing at our callbacks
 * exist on Tacker (reused when they do: running it twice creates nothing twice).
 */
import type { Logger } from '../../platform/logger.ts';
import type { SubscriptionAuthentication } from '../../platform/sol/subscriptions/subscription-authentication.ts';
import { TackerRequestFailed, type TackerApi, type TackerApiPort } from './tacker-client.ts';
import { discoveredInstanceOf, entitiesOfInstances, serversWithoutHost } from './tacker-discovery.ts';
import type { RegistrationInput, TackerStore } from './tacker.repository.ts';
import type { DiscoveredInstance, TackerRegistration } from './tacker.types.ts';
import type { RegistryEntity } from '../../fault-mgmt/registry/entity-registry.ts';

export const CALLBACKS_PREFIX = '/tacker-callbacks/v1';

export function callbackUris(callbackBase: string): Record<TackerApi, string> {
  const base = callbackBase.replace(/\/+$/, '');
  return { vnflcm: `${base}${CALLBACKS_PREFIX}/lcm`, vnffm: `${base}${CALLBACKS_PREFIX}/fm` };
}

/** Replaces the registry's entities discovered on Tacker (a port: serve also refreshes its index). */
export interface DiscoveredEntitiesWriter {
  replace(entities: RegistryEntity[]): Promise<void>;
}

export interface SyncDeps {
  readonly tacker: TackerApiPort;
  readonly hostsOf: (serverIds: readonly string[]) => Promise<Map<string, string>>;
  readonly store: TackerStore;
  readonly registry: DiscoveredEntitiesWriter;
  readonly log: Logger;
}

export interface SubscriptionOutcome {
  readonly id: string;
  /** created: new on Tacker; kept: the stored one still exists; adopted: found on Tacker by its callbackUri. */
  readonly how: 'created' | 'kept' | 'adopted';
}

export interface SyncResult {
  readonly registration: TackerRegistration;
  readonly instances: readonly DiscoveredInstance[];
  readonly removed: readonly string[];
  readonly subscriptions: Readonly<Record<TackerApi, SubscriptionOutcome>>;
}

/** Every instantiated VNF instance on Tacker with its VNFCs and, where Nova tells, their hosts. */
export async function discoverInstances(deps: Pick<SyncDeps, 'tacker' | 'hostsOf'>): Promise<(registrationId: string) => DiscoveredInstance[]> {
  const listed = await deps.tacker.listVnfInstances();
  const hosts = await deps.hostsOf(listed.flatMap(serversWithoutHost));
  return (registrationId) => listed.flatMap((i) => discoveredInstanceOf(registrationId, i, hosts) ?? []);
}

async function ensureSubscription(
  tacker: TackerApiPort,
  api: TackerApi,
  storedId: string | undefined,
  callbackUri: string,
  authentication: SubscriptionAuthentication | undefined,
): Promise<SubscriptionOutcome> {
  if (storedId) {
    const held = await tacker.getSubscription(api, storedId);
    if (held && held.callbackUri === callbackUri) return { id: held.id, how: 'kept' };
  }
  const same = (await tacker.listSubscriptions(api)).find((s) => s.callbackUri === callbackUri);
  if (same) return { id: same.id, how: 'adopted' };
  // Tacker GETs the callbackUri (with these credentials) before it answers 201.
  try {
    const made = await tacker.createSubscription(api, { callbackUri, ...(authentication && { authentication }) });
    return { id: made.id, how: 'created' };
  } catch (err) {
    if (err instanceof TackerRequestFailed && err.upstreamStatus === 422) {
      throw new TackerRequestFailed(err.call, 422, `${err.detail.replace(/^Tacker [^:]*: /, '')} (is serve running, reachable from Tacker at ${callbackUri}, with these callback credentials?)`);
    }
    throw err;
  }
}

/** Discovers, subscribes and stores; `input` is the registration as it should be. */
export async function syncRegistration(
  deps: SyncDeps,
  input: Omit<RegistrationInput, 'lcmSubscriptionId' | 'fmSubscriptionId'> & Partial<Pick<RegistrationInput, 'lcmSubscriptionId' | 'fmSubscriptionId'>>,
  authentication: SubscriptionAuthentication | undefined,
): Promise<SyncResult> {
  const uris = callbackUris(input.callbackBase);
  // Discovery first: when Tacker is unreachable or refuses us, nothing is stored.
  const discovered = await discoverInstances(deps);
  const stored = await deps.store.findRegistration(input.tackerUrl);
  const lcm = await ensureSubscription(deps.tacker, 'vnflcm', input.lcmSubscriptionId ?? stored?.lcmSubscriptionId, uris.vnflcm, authentication);
  const fm = await ensureSubscription(deps.tacker, 'vnffm', input.fmSubscriptionId ?? stored?.fmSubscriptionId, uris.vnffm, authentication);
  const registration = await deps.store.saveRegistration({ ...input, lcmSubscriptionId: lcm.id, fmSubscriptionId: fm.id });
  const instances = discovered(registration.id);
  const known = new Set((await deps.store.listInstances()).filter((i) => i.registrationId === registration.id).map((i) => i.vnfInstanceId));
  const added = instances.filter((i) => !known.has(i.vnfInstanceId)).length;
  const removed = await deps.store.replaceInstances(registration.id, instances);
  await refreshRegistry(deps);
  await deps.store.markReconciled(registration.id);
  for (const [api, s] of Object.entries({ vnflcm: lcm, vnffm: fm })) {
    if (s.how !== 'kept') deps.log.info({ tackerUrl: input.tackerUrl, api, subscriptionId: s.id, how: s.how }, 'Tacker subscription in place');
  }
  // Quiet when a reconcile run finds nothing new.
  const level = added > 0 || removed.length > 0 || !stored ? 'info' : 'debug';
  deps.log[level]({ tackerUrl: input.tackerUrl, instances: instances.length, added, removed: removed.length }, 'Tacker VNF instances discovered');
  return { registration, instances, removed, subscriptions: { vnflcm: lcm, vnffm: fm } };
}

/** The registry's discovered entities follow tacker_vnf_instances (every registration). */
export async function refreshRegistry(deps: Pick<SyncDeps, 'store' | 'registry'>): Promise<void> {
  await deps.registry.replace(entitiesOfInstances(await deps.store.listInstances()));
}
