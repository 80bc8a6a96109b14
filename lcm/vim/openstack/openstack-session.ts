/**
 * Authenticated calls to the services of the catalog: the token in X-Auth-Token, each
 * service's version headers, a new token and one more try when a service answers 401 (the
 * token was revoked or expired early), typed errors for anything else that is not 2xx.
 */
import type { Logger } from '../../../platform/logger.ts';
import { VimAuthenticationFailed } from '../vim-errors.ts';
import type { KeystoneClient } from './keystone-client.ts';
import { errorFor, send, type HttpAnswer, type HttpMethod } from './openstack-http.ts';

export interface SessionOptions {
  readonly timeoutMs: number;
  readonly log: Logger;
  /** Extra headers per service type, e.g. `OpenStack-API-Version: compute 2.88`. */
  readonly serviceHeaders?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Non-2xx statuses that are answers, not errors (e.g. 404 for "gone"). */
  readonly accept?: readonly number[];
}

export class OpenStackSession {
  private readonly log: Logger;

  constructor(
    readonly keystone: KeystoneClient,
    private readonly opts: SessionOptions,
  ) {
    this.log = opts.log;
  }

  /** Calls `path` (relative to the service's endpoint) on the service of catalog type `service`. */
  async request<T = unknown>(service: string, method: HttpMethod, path: string, options: RequestOptions = {}): Promise<HttpAnswer & { body: T }> {
    const base = await this.baseUrl(service);
    const url = `${base}${path}`;
    for (let attempt = 1; ; attempt++) {
      const token = await this.keystone.token();
      const call = {
        method,
        url,
        service,
        timeoutMs: this.opts.timeoutMs,
        body: options.body,
        headers: { ...this.opts.serviceHeaders?.[service], 'X-Auth-Token': token.value.reveal() },
      };
      const started = Date.now();
      const answer = await send(call);
      this.log.debug({ service, method, path, status: answer.status, ms: Date.now() - started }, 'VIM call');
      if (answer.status === 401) {
        this.keystone.invalidate(token);
        if (attempt === 1) continue;
        throw new VimAuthenticationFailed(`${service} refused a new token (401) for ${method} ${path}`, { status: 401, service });
      }
      if ((answer.status >= 200 && answer.status < 300) || options.accept?.includes(answer.status)) {
        return answer as HttpAnswer & { body: T };
      }
      throw errorFor(call, answer);
    }
  }

  /** The service's endpoint; image and network endpoints are unversioned in most catalogs. */
  private async baseUrl(service: string): Promise<string> {
    const url = await this.keystone.endpoint(service);
    if (service === 'image' && !/\/v2(\.\d+)?$/.test(url)) return `${url}/v2`;
    if (service === 'network' && !/\/v2\.0$/.test(url)) return `${url}/v2.0`;
    return url;
  }
}
