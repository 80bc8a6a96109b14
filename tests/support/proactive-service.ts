/**
 * The whole plugin in-process (vnfm-plugin/service.ts: the real composition root) on the
 * simulated VIM and a fresh test database, for tests that follow a VNF from vnflcm through
 * prediction's failure scores to vnffm, vnfpm and vnfind. RabbitMQ is used when AMQP_URL is
 * set (on an exchange of its own, deleted afterwards), else the in-process bus.
 *
 * Failure scores enter as the online scorer publishes them: a `prediction.failure_scores`
 * event appended to the service's outbox (prediction/scoring/online-scorer.ts), with one
 * entry for the VNF instance and one per VNFC, so every consumer (fault correlation, the
 * decision engine, PM thresholds, indicators) sees exactly what it sees in production.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendToOutbox } from '../../platform/bus/outbox.ts';
import type { FailureScorePayload } from '../../prediction/scoring/failure-score.ts';
import { FAILURE_SCORES_TOPIC } from '../../prediction/scoring/online-scorer.ts';
import { FM_CONSUMERS } from '../../fault-mgmt/fm/fm-consumers.ts';
import { INDICATOR_SCORE_CONSUMER } from '../../fault-mgmt/indicators/index.ts';
import { PM_SCORE_CONSUMER } from '../../fault-mgmt/pm/index.ts';
import { DECISION_CONSUMER } from '../../lcm/decision/failure-scores.consumer.ts';
import { LCM_REGISTRY_CONSUMER } from '../../vnfm-plugin/lcm-registry-sync.ts';
import { deleteTopology } from './bus-fixtures.ts';
import { startMonitoringService, type MonitoringTestService } from './monitoring-service.ts';

export const SRSEPC_AIO = { vnfdId: 'eea26f08-8835-4d85-903b-0bf62837c513', vnfProvider: 'srsRAN', vnfProductName: 'srsEPC all-in-one' };
export const VEPC_SPLIT = { vnfdId: '2676eb93-f5c3-47d3-a6d6-f82403de0cbd', vnfProvider: 'srsRAN', vnfProductName: 'srsEPC split' };

export const API_VERSION = { vnflcm: '2.0.0', vnffm: '1.3.0', vnfpm: '2.1.0', vnfind: '1.3.0' } as const;

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: any;
}

/** A VNFC of an instantiated VNF: where it runs. */
export interface PlacedVnfc {
  readonly vnfcInstanceId: string;
  readonly serverId: string;
  readonly host: string;
}

export interface ProactiveService {
  readonly svc: MonitoringTestService;
  readonly url: string;
  /** A SOL API call; the Version header follows the path's API. */
  api(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /** Creates and instantiates (flavour simple) an instance of the VNFD; its id once COMPLETED. */
  instantiate(vnfdId: string, vnfInstanceName: string): Promise<string>;
  /** The VNFCs of an instance and their hosts, as GET vnf_instances/{id} shows them. */
  vnfcs(vnfInstanceId: string): Promise<PlacedVnfc[]>;
  /** Polls an op occ until it is in one of `states`; returns it. */
  waitForOp(opId: string, states: readonly string[], timeoutMs?: number): Promise<any>;
  /**
   * collectd readings (POST /collectd, as write_http sends them) of each host, one a minute
   * for the last `minutes`: the history the capacity forecast ranks destinations by.
   */
  postHostSamples(hosts: readonly string[], minutes: number, cpu: number, mem: number): Promise<void>;
  /** One scoring round: the instance's score and each VNFC's, for window `ts` (epoch s). */
  publishScores(vnfInstanceId: string, vnfcs: readonly PlacedVnfc[], score: number, ts: number): Promise<void>;
  close(): Promise<void>;
}

const CONSUMERS = [
  ...Object.values(FM_CONSUMERS), INDICATOR_SCORE_CONSUMER, PM_SCORE_CONSUMER, DECISION_CONSUMER, `${DECISION_CONSUMER}.operations`, LCM_REGISTRY_CONSUMER,
];

function versionOf(path: string): string {
  const api = /^\/(vnflcm|vnffm|vnfpm|vnfind)\//.exec(path)?.[1] as keyof typeof API_VERSION | undefined;
  if (!api) throw new Error(`no SOL API in ${path}`);
  return API_VERSION[api];
}

export async function startProactiveService(env: Record<string, string> = {}): Promise<ProactiveService> {
  const exchange = `vnfm.e2e-${randomBytes(4).toString('hex')}`;
  const amqp: Record<string, string> = process.env.AMQP_URL ? { AMQP_URL: process.env.AMQP_URL, AMQP_EXCHANGE: exchange } : {};
  const svc = await startMonitoringService({
    VIM_KIND: 'simulated',
    VIM_SIM_HOSTS: 'compute-a:16:32768:200,compute-b:16:32768:200',
    // Scores come from the test, not from a model; the periodic rounds would only add noise.
    PREDICTION_TICK_SECONDS: '0',
    INDICATOR_TICK_SECONDS: '0',
    LCM_POLL_MS: '50',
    VNFM_OUTBOX_POLL_MS: '50',
    VNFM_NOTIFY_BACKOFF_MS: '100',
    VNFM_BUS_RETRY_BACKOFF_MS: '100',
    VNFM_CALLBACK_TEST_TIMEOUT_MS: '3000',
    VNFM_VALIDATE_RESPONSES: 'true',
    ...amqp,
    ...env,
  });
  const url = svc.url;

  async function api(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const headers: Record<string, string> = { Version: versionOf(path), Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  }

  async function waitForOp(opId: string, states: readonly string[], timeoutMs = 20_000): Promise<any> {
    const end = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < end) {
      last = (await api('GET', `/vnflcm/v2/vnf_lcm_op_occs/${opId}`)).json;
      if (states.includes(last?.operationState)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`op ${opId} did not reach ${states.join('|')} in ${timeoutMs} ms; it is ${last?.operationState}: ${JSON.stringify(last?.error)}`);
  }

  return {
    svc,
    url,
    api,
    waitForOp,
    async instantiate(vnfdId, vnfInstanceName) {
      const created = await api('POST', '/vnflcm/v2/vnf_instances', { vnfdId, vnfInstanceName });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const id = created.json.id as string;
      const started = await api('POST', `/vnflcm/v2/vnf_instances/${id}/instantiate`, { flavourId: 'simple' });
      assert.equal(started.status, 202, JSON.stringify(started.json));
      const opId = /vnf_lcm_op_occs\/([0-9a-f-]{36})$/.exec(started.headers.get('location') ?? '')![1];
      const done = await waitForOp(opId, ['COMPLETED', 'FAILED_TEMP', 'ROLLED_BACK']);
      assert.equal(done.operationState, 'COMPLETED', JSON.stringify(done.error));
      return id;
    },
    async vnfcs(vnfInstanceId) {
      const inst = await api('GET', `/vnflcm/v2/vnf_instances/${vnfInstanceId}`);
      assert.equal(inst.status, 200, JSON.stringify(inst.json));
      const info = inst.json.instantiatedVnfInfo?.vnfcResourceInfo ?? [];
      return info.map((r: any) => ({ vnfcInstanceId: r.id, serverId: r.computeResource.resourceId, host: r.metadata?.host }));
    },
    async postHostSamples(hosts, minutes, cpu, mem) {
      const now = Math.floor(Date.now() / 1000);
      const body = hosts.flatMap((host) =>
        Array.from({ length: minutes }, (_, i) => now - (minutes - i) * 60).flatMap((time) => {
          const g = (plugin: string, type: string, ti: string, value: number) => ({
            values: [value], dstypes: ['gauge'], dsnames: ['value'], time, interval: 60, host, plugin, plugin_instance: plugin === 'cpu' ? '0' : '', type, type_instance: ti,
          });
          return [g('cpu', 'percent', 'user', cpu), g('cpu', 'percent', 'idle', 100 - cpu), g('memory', 'percent', 'used', mem)];
        }),
      );
      const res = await fetch(`${url}/collectd`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(res.status, 204, await res.text());
    },
    async publishScores(vnfInstanceId, vnfcs, score, ts) {
      const entry = (o: Partial<FailureScorePayload>): FailureScorePayload => ({
        vnfInstanceId, host: vnfcs[0]?.host ?? 'compute-a', failureScore: score, longProbability: 0.8, inFailure: false,
        threshold: 0.5, longThreshold: 0.6, horizonSeconds: 120, modelId: 'lstm-e2e', ts: new Date(ts * 1000).toISOString(), ...o,
      });
      const payload = [entry({}), ...vnfcs.map((c) => entry({ vnfcInstanceId: c.vnfcInstanceId, vm: c.serverId, host: c.host }))];
      await svc.db.transaction((tx) => appendToOutbox(tx, [{ topic: FAILURE_SCORES_TOPIC, payload }], svc.service.outbox));
    },
    async close() {
      // The consumers the RabbitMQ adapter declared queues for (modules add some), and the known ones.
      const declared = (svc.service.bus as unknown as { consumers?: Map<string, unknown> }).consumers;
      const consumers = [...new Set([...CONSUMERS, ...(declared?.keys() ?? [])])];
      await svc.close();
      if (amqp.AMQP_URL) await deleteTopology(exchange, consumers).catch(() => undefined);
    },
  };
}
