/**
 * The part of Tacker's v2 APIs the plugin uses, as python-tackerclient calls them: vnflcm v2
 * (`Version: 2.0.0`) for VNF instances, heal and LCM subscriptions, vnffm v1 (`Version: 1.3.0`)
 * for FM subscriptions. Lists follow `Link: <...>; rel="next"` (SOL013 5.4). Credentials travel
 * only in the headers the `headers` function returns (X-Auth-Token from Keystone, or none).
 */
import { ProblemError } from '../../platform/http/problem-details.ts';
import type { TackerLcmSubscription, TackerSubscriptionRequest, TackerVnfInstance } from './tacker.types.ts';

export const VNFLCM_VERSION = '2.0.0';
export const VNFFM_VERSION = '1.3.0';

/** Tacker answered something else than the call expects, or could not be reached. */
export class TackerRequestFailed extends ProblemError {
  constructor(
    readonly call: string,
    readonly upstreamStatus: number | undefined,
    detail: string,
  ) {
    super(502, 'Bad Gateway', `Tacker ${call}: ${detail}`);
  }
}

export interface TackerClientOptions {
  /** Tacker's base URL, e.g. http://127.0.0.1:9890 (no trailing /vnflcm). */
  readonly url: string;
  /** Authentication headers of each call (X-Auth-Token); `retry` after a 401 asks for fresh ones. */
  readonly headers?: (retry: boolean) => Promise<Record<string, string>>;
  readonly timeoutMs: number;
}

export type TackerApi = 'vnflcm' | 'vnffm';

/** What the plugin asks of Tacker (a port: the unit tests fake it). */
export interface TackerApiPort {
  listVnfInstances(): Promise<TackerVnfInstance[]>;
  /** Undefined on 404. */
  getVnfInstance(id: string): Promise<TackerVnfInstance | undefined>;
  /** GET /vnf_lcm_op_occs/{id}: its state now; undefined on 404. */
  getLcmOpOcc(id: string): Promise<{ id: string; operationState: string; stateEnteredTime: string } | undefined>;
  /** POST .../heal: the new op occ's id, from the Location header. */
  heal(vnfInstanceId: string, body: Record<string, unknown>): Promise<string>;
  createSubscription(api: TackerApi, body: TackerSubscriptionRequest): Promise<TackerLcmSubscription>;
  /** Undefined on 404 (the subscription vanished). */
  getSubscription(api: TackerApi, id: string): Promise<TackerLcmSubscription | undefined>;
  listSubscriptions(api: TackerApi): Promise<TackerLcmSubscription[]>;
}

const PREFIX: Record<TackerApi, { path: string; version: string }> = {
  vnflcm: { path: '/vnflcm/v2', version: VNFLCM_VERSION },
  vnffm: { path: '/vnffm/v1', version: VNFFM_VERSION },
};

const LIST_FIELDS = 'instantiatedVnfInfo,vnfConfigurableProperties';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** SOL013 5.4.2.2: the URL of the next page, if the Link header names one. */
export function nextLink(link: string | null, base: string): string | undefined {
  if (!link) return undefined;
  // RFC 8288: link-values are `<URI> *(; param)`; the URI itself may hold commas.
  for (const m of link.matchAll(/<([^>]*)>((?:\s*;\s*[^;,<]*)*)/g)) {
    if (/;\s*rel\s*=\s*"?next"?/i.test(m[2])) return new URL(m[1], base).toString();
  }
  return undefined;
}

function detailOf(body: unknown): string {
  if (body && typeof body === 'object' && typeof (body as { detail?: unknown }).detail === 'string') {
    return (body as { detail: string }).detail.slice(0, 300);
  }
  return typeof body === 'string' ? body.slice(0, 300) : '';
}

export class TackerClient implements TackerApiPort {
  private readonly base: string;

  constructor(private readonly opts: TackerClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
  }

  private async send(api: TackerApi, method: string, pathOrUrl: string, body?: unknown): Promise<Answer> {
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${this.base}${PREFIX[api].path}${pathOrUrl}`;
    const call = `${method} ${new URL(url).pathname}`;
    for (const retry of [false, true]) {
      const auth = (await this.opts.headers?.(retry)) ?? {};
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: {
            Accept: 'application/json',
            Version: PREFIX[api].version,
            ...(body !== undefined && { 'Content-Type': 'application/json' }),
            ...auth,
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          redirect: 'manual',
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
      } catch (err) {
        const c = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
        const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
        throw new TackerRequestFailed(call, undefined, `unreachable (${cause})`);
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // kept as text for the error detail
      }
      if (res.status === 401 && !retry && this.opts.headers) continue;
      return { status: res.status, headers: res.headers, body: parsed };
    }
    throw new TackerRequestFailed(call, 401, 'credentials refused');
  }

  private expect(call: string, a: Answer, ...ok: number[]): void {
    if (!ok.includes(a.status)) throw new TackerRequestFailed(call, a.status, `answered ${a.status} ${detailOf(a.body)}`.trim());
  }

  private async list<T>(api: TackerApi, path: string): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = `${this.base}${PREFIX[api].path}${path}`;
    for (let pages = 0; next && pages < 10_000; pages++) {
      const a = await this.send(api, 'GET', next);
      this.expect(`GET ${PREFIX[api].path}${path}`, a, 200);
      if (!Array.isArray(a.body)) throw new TackerRequestFailed(`GET ${PREFIX[api].path}${path}`, 200, 'answered a body that is not a JSON array');
      out.push(...(a.body as T[]));
      next = nextLink(a.headers.get('link'), next);
    }
    return out;
  }

  listVnfInstances(): Promise<TackerVnfInstance[]> {
    // SOL013 5.3: lists leave instantiatedVnfInfo and vnfConfigurableProperties out unless asked.
    return this.list<TackerVnfInstance>('vnflcm', `/vnf_instances?fields=${LIST_FIELDS}`);
  }

  async getVnfInstance(id: string): Promise<TackerVnfInstance | undefined> {
    const a = await this.send('vnflcm', 'GET', `/vnf_instances/${encodeURIComponent(id)}`);
    if (a.status === 404) return undefined;
    this.expect('GET /vnflcm/v2/vnf_instances/{id}', a, 200);
    return a.body as TackerVnfInstance;
  }

  async getLcmOpOcc(id: string): Promise<{ id: string; operationState: string; stateEnteredTime: string } | undefined> {
    const a = await this.send('vnflcm', 'GET', `/vnf_lcm_op_occs/${encodeURIComponent(id)}`);
    if (a.status === 404) return undefined;
    this.expect('GET /vnflcm/v2/vnf_lcm_op_occs/{id}', a, 200);
    return a.body as { id: string; operationState: string; stateEnteredTime: string };
  }

  async heal(vnfInstanceId: string, body: Record<string, unknown>): Promise<string> {
    const a = await this.send('vnflcm', 'POST', `/vnf_instances/${encodeURIComponent(vnfInstanceId)}/heal`, body);
    this.expect('POST /vnflcm/v2/vnf_instances/{id}/heal', a, 202);
    const location = a.headers.get('location') ?? '';
    const id = location.split('/').filter(Boolean).pop();
    if (!id) throw new TackerRequestFailed('POST /vnflcm/v2/vnf_instances/{id}/heal', 202, 'answered without a Location');
    return decodeURIComponent(id);
  }

  async createSubscription(api: TackerApi, body: TackerSubscriptionRequest): Promise<TackerLcmSubscription> {
    const a = await this.send(api, 'POST', '/subscriptions', body);
    this.expect(`POST ${PREFIX[api].path}/subscriptions`, a, 201);
    return a.body as TackerLcmSubscription;
  }

  async getSubscription(api: TackerApi, id: string): Promise<TackerLcmSubscription | undefined> {
    const a = await this.send(api, 'GET', `/subscriptions/${encodeURIComponent(id)}`);
    if (a.status === 404) return undefined;
    this.expect(`GET ${PREFIX[api].path}/subscriptions/{id}`, a, 200);
    return a.body as TackerLcmSubscription;
  }

  listSubscriptions(api: TackerApi): Promise<TackerLcmSubscription[]> {
    return this.list<TackerLcmSubscription>(api, '/subscriptions');
  }
}
