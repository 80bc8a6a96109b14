/**
 * In-memory stand-ins for the Tacker side of the plugin's unit tests: a Tacker API (its VNF
 * instances, subscriptions and heal requests) and the tacker_* store, each satisfying the
 * port the use cases take.
 */
import { randomUUID } from 'node:crypto';
import type { TackerApi, TackerApiPort } from '../../vnfm-plugin/tacker/tacker-client.ts';
import type { RegistrationInput, TackerStore } from '../../vnfm-plugin/tacker/tacker.repository.ts';
import type { DiscoveredInstance, TackerLcmSubscription, TackerOperation, TackerRegistration, TackerVnfInstance } from '../../vnfm-plugin/tacker/tacker.types.ts';

export const VNFD_IN_CATALOGUE = 'eea26f08-8835-4d85-903b-0bf62837c513'; // vnfd-samples/srsepc-aio

export function tackerInstance(id: string, servers: { vnfc: string; server: string; host?: string }[], vnfdId = VNFD_IN_CATALOGUE): TackerVnfInstance {
  return {
    id,
    vnfInstanceName: `vnf-${id}`,
    vnfdId,
    instantiationState: 'INSTANTIATED',
    vnfConfigurableProperties: { isAutohealEnabled: true },
    instantiatedVnfInfo: {
      flavourId: 'simple',
      vnfcResourceInfo: servers.map((s) => ({
        id: s.vnfc,
        vduId: 'VDU1',
        computeResource: { resourceId: s.server, vimLevelResourceType: 'OS::Nova::Server' },
        ...(s.host && { metadata: { host: s.host } }),
      })),
    },
  };
}

export class FakeTacker implements TackerApiPort {
  readonly instances = new Map<string, TackerVnfInstance>();
  readonly subscriptions: Record<TackerApi, Map<string, TackerLcmSubscription & { authentication?: unknown }>> = { vnflcm: new Map(), vnffm: new Map() };
  readonly heals: { vnfInstanceId: string; body: Record<string, unknown> }[] = [];
  created = 0;
  healStatus: number | undefined;

  async listVnfInstances() {
    return [...this.instances.values()];
  }
  async getVnfInstance(id: string) {
    return this.instances.get(id);
  }
  readonly opOccs = new Map<string, { id: string; operationState: string; stateEnteredTime: string }>();
  async getLcmOpOcc(id: string) {
    return this.opOccs.get(id);
  }
  async heal(vnfInstanceId: string, body: Record<string, unknown>) {
    if (this.healStatus) {
      const { TackerRequestFailed } = await import('../../vnfm-plugin/tacker/tacker-client.ts');
      throw new TackerRequestFailed('POST heal', this.healStatus, `answered ${this.healStatus}`);
    }
    this.heals.push({ vnfInstanceId, body });
    return randomUUID();
  }
  async createSubscription(api: TackerApi, body: { callbackUri: string; authentication?: unknown }) {
    this.created++;
    const s = { id: randomUUID(), callbackUri: body.callbackUri, ...(body.authentication !== undefined && { authentication: body.authentication }) };
    this.subscriptions[api].set(s.id, s);
    return { id: s.id, callbackUri: s.callbackUri };
  }
  async getSubscription(api: TackerApi, id: string) {
    const s = this.subscriptions[api].get(id);
    return s && { id: s.id, callbackUri: s.callbackUri };
  }
  async listSubscriptions(api: TackerApi) {
    return [...this.subscriptions[api].values()].map((s) => ({ id: s.id, callbackUri: s.callbackUri }));
  }
}

export class MemoryTackerStore implements TackerStore {
  readonly registrations = new Map<string, TackerRegistration>();
  readonly instances = new Map<string, DiscoveredInstance>();
  readonly operations = new Map<string, TackerOperation>();

  async findRegistration(url: string) {
    return [...this.registrations.values()].find((r) => r.tackerUrl === url);
  }
  async listRegistrations() {
    return [...this.registrations.values()];
  }
  async saveRegistration(input: RegistrationInput) {
    const held = await this.findRegistration(input.tackerUrl);
    const now = new Date().toISOString();
    const r: TackerRegistration = { ...input, id: held?.id ?? randomUUID(), createdAt: held?.createdAt ?? now, updatedAt: now, reconciledAt: held?.reconciledAt };
    this.registrations.set(r.id, r);
    return r;
  }
  async markReconciled(id: string) {
    const r = this.registrations.get(id)!;
    this.registrations.set(id, { ...r, reconciledAt: new Date().toISOString() });
  }
  async replaceInstances(registrationId: string, instances: readonly DiscoveredInstance[]) {
    const keep = new Set(instances.map((i) => i.vnfInstanceId));
    const gone = [...this.instances.values()].filter((i) => i.registrationId === registrationId && !keep.has(i.vnfInstanceId)).map((i) => i.vnfInstanceId);
    for (const id of gone) this.instances.delete(id);
    for (const i of instances) this.instances.set(i.vnfInstanceId, i);
    return gone;
  }
  async upsertInstance(i: DiscoveredInstance) {
    this.instances.set(i.vnfInstanceId, i);
  }
  async deleteInstance(id: string) {
    return this.instances.delete(id);
  }
  async getInstance(id: string) {
    return this.instances.get(id);
  }
  async listInstances() {
    return [...this.instances.values()];
  }
  async recordOperation(op: TackerOperation) {
    const held = this.operations.get(op.vnfLcmOpOccId);
    if (!held || held.stateEnteredTime <= op.stateEnteredTime) this.operations.set(op.vnfLcmOpOccId, op);
  }
  async getOperation(id: string) {
    return this.operations.get(id);
  }
  async listUnfinishedOperations() {
    return [...this.operations.values()].filter((o) => ['STARTING', 'PROCESSING', 'ROLLING_BACK', 'FAILED_TEMP'].includes(o.operationState));
  }
  async unfinishedOperation(vnfInstanceId: string) {
    return [...this.operations.values()].find(
      (o) => o.vnfInstanceId === vnfInstanceId && ['STARTING', 'PROCESSING', 'ROLLING_BACK', 'FAILED_TEMP'].includes(o.operationState),
    );
  }
}
