/**
 * One HTTP exchange with an OpenStack service through Node's fetch, and the mapping of its
 * failures to the typed VIM errors. Request bodies and headers never reach an error or a log
 * line: they may hold a password or a token.
 */
import {
  VimBadRequest,
  VimConflict,
  VimError,
  VimForbidden,
  VimNotFound,
  VimRequestFailed,
  VimUnavailable,
  type VimErrorDetails,
} from '../vim-errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpCall {
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs: number;
  /** Service type named in errors: identity, compute, placement, image, network. */
  readonly service: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  readonly body: unknown;
  readonly text: string;
}

/** Sends the call; rejects with VimUnavailable when the service cannot be reached in time. */
export async function send(call: HttpCall): Promise<HttpAnswer> {
  const headers: Record<string, string> = { Accept: 'application/json', ...call.headers };
  let payload: string | undefined;
  if (call.body !== undefined) {
    payload = JSON.stringify(call.body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  let text: string;
  try {
    res = await fetch(call.url, {
      method: call.method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(call.timeoutMs),
      redirect: 'error',
    });
    text = await res.text();
  } catch (err) {
    const why = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${call.timeoutMs} ms` : causeOf(err);
    throw new VimUnavailable(`${call.service} ${call.method} ${pathOf(call.url)}: ${why}`, { service: call.service });
  }
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined; // Glance and proxies answer some errors in text/html
    }
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** The typed error for a non-2xx answer, with the service's own message. */
export function errorFor(call: Pick<HttpCall, 'method' | 'url' | 'service'>, answer: HttpAnswer): VimError {
  const details: VimErrorDetails = {
    status: answer.status,
    service: call.service,
    requestId: answer.headers.get('x-openstack-request-id') ?? answer.headers.get('x-compute-request-id') ?? undefined,
  };
  const message = `${call.service} ${call.method} ${pathOf(call.url)}: ${answer.status} ${openstackMessage(answer)}`;
  switch (answer.status) {
    case 400:
      return new VimBadRequest(message, details);
    case 403:
      return new VimForbidden(message, details);
    case 404:
      return new VimNotFound(message, details);
    case 409:
      return new VimConflict(message, details);
    default:
      return answer.status >= 500 || answer.status === 429
        ? new VimUnavailable(message, details)
        : new VimRequestFailed(message, details);
  }
}

/**
 * The message of an OpenStack error body, whichever service wrote it:
 * Nova `{"itemNotFound": {"code", "message"}}`, Keystone `{"error": {"message"}}`,
 * Placement `{"errors": [{"detail"}]}`, Neutron `{"NeutronError": {"message"}}`, or text.
 */
export function openstackMessage(answer: Pick<HttpAnswer, 'body' | 'text'>): string {
  const body = answer.body;
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (Array.isArray(b.errors) && b.errors.length) {
      const first = b.errors[0] as Record<string, unknown>;
      const m = first.detail ?? first.title;
      if (typeof m === 'string') return oneLine(m);
    }
    if (typeof b.message === 'string') return oneLine(b.message);
    for (const value of Object.values(b)) {
      if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
        return oneLine((value as { message: string }).message);
      }
    }
  }
  const text = answer.text.replace(/<[^>]*>/g, ' ');
  return oneLine(text) || 'no message';
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? `${flat.slice(0, 497)}...` : flat;
}

/** Path and query of a URL, without its origin (and so without any user:password@). */
export function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return '(invalid URL)';
  }
}

function causeOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}
