import http from 'node:http';
import https from 'node:https';
import type { CallbackCredential } from './subscription-authentication.ts';
import { OAuth2ClientCredentials, TokenEndpointError } from './oauth2-client-credentials.ts';

/** Where a notification goes and how the VNFM proves who it is there. */
export interface CallbackTarget {
  readonly uri: string;
  readonly credential: CallbackCredential;
}

/** 204 is the only success (SOL013 5.2 / SOL003 5.4.20.3.2); the reason never holds secrets. */
export type CallbackOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Port: sends to a subscriber's callbackUri. Adapter: HttpNotifier. */
export interface Notifier {
  /** POSTs a notification body (JSON text) with the API's Version header. */
  notify(target: CallbackTarget, version: string, body: string): Promise<CallbackOutcome>;
  /** The GET a new subscription's callbackUri must answer with 204 (SOL003 5.4.18.3.1). */
  testCallback(target: CallbackTarget, version: string, timeoutMs: number): Promise<CallbackOutcome>;
}

/**
 * Idle connections are closed after this long: below the 5 s keep-alive
 * timeout of common HTTP servers (Node, Apache), so a connection is seldom
 * reused just as the receiver closes it.
 */
const IDLE_CONNECTION_MS = 4000;

/**
 * Notifications over HTTP with the subscription's credentials: HTTP Basic, or an
 * OAuth 2.0 bearer token from the shared token cache (fetched again once when
 * the receiver answers 401 to a cached token). Redirects are not followed, so
 * credentials only ever go to the callbackUri itself.
 *
 * Connections to a receiver are kept open between notifications (one TCP and
 * TLS handshake per connection, not per POST), through node:http, which costs
 * a fraction of fetch per request: at hundreds of notifications a second the
 * client, not the network, would otherwise be the limit.
 */
export class HttpNotifier implements Notifier {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_CONNECTION_MS }),
    'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_CONNECTION_MS }),
  };

  constructor(
    private readonly timeoutMs: number,
    private readonly tokens: OAuth2ClientCredentials = new OAuth2ClientCredentials(timeoutMs),
  ) {}

  notify(target: CallbackTarget, version: string, body: string): Promise<CallbackOutcome> {
    return this.send('POST', target, version, body, this.timeoutMs);
  }

  testCallback(target: CallbackTarget, version: string, timeoutMs: number): Promise<CallbackOutcome> {
    return this.send('GET', target, version, undefined, timeoutMs);
  }

  /** Closes the idle connections (in-flight requests finish). */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }

  private async send(
    method: 'GET' | 'POST',
    target: CallbackTarget,
    version: string,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<CallbackOutcome> {
    let url: URL;
    try {
      url = new URL(target.uri);
    } catch {
      return { ok: false, reason: 'callbackUri is not a URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `unsupported scheme ${url.protocol}` };
    const cred = target.credential;
    const headers: Record<string, string> = { Version: version, Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    if (cred.kind === 'basic') {
      headers.Authorization = `Basic ${Buffer.from(`${cred.userName}:${cred.password}`).toString('base64')}`;
    }
    for (let fresh = false; ; fresh = true) {
      if (cred.kind === 'oauth2') {
        try {
          headers.Authorization = await this.tokens.authorization(cred);
        } catch (err) {
          if (err instanceof TokenEndpointError) return { ok: false, reason: err.message };
          throw err;
        }
      }
      let status: number;
      try {
        status = await this.exchange(url, method, headers, body, timeoutMs);
      } catch (err) {
        return { ok: false, reason: describeRequestError(err) };
      }
      if (status === 204) return { ok: true };
      // RFC 6750 3.1: 401 means the token expired or was revoked; one fresh token is worth a try.
      if (status === 401 && cred.kind === 'oauth2' && !fresh) {
        this.tokens.invalidate(cred);
        continue;
      }
      return { ok: false, reason: `answered ${status} instead of 204` };
    }
  }

  /** One request within `timeoutMs`; resolves with the status once the response has been read. */
  private async exchange(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request(url, method, headers, body, Math.max(1, deadline - Date.now()));
      } catch (err) {
        // A kept-alive connection the receiver closed just before we reused it: nothing was
        // received, so the request is sent once more on a new connection (Node http docs,
        // "request.reusedSocket").
        if (!(err instanceof StaleConnection) || attempt > 1) throw err instanceof StaleConnection ? err.cause : err;
      }
    }
  }

  private request(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<number> {
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      let status: number | undefined;
      const timer = setTimeout(() => req.destroy(new RequestTimedOut()), timeoutMs);
      const done = (err?: Error) => {
        clearTimeout(timer);
        if (status !== undefined) resolve(status);
        else if (req.reusedSocket && isConnectionReset(err)) reject(new StaleConnection(err));
        else reject(err ?? new Error('no response'));
      };
      const req = client.request(url, { method, headers, agent: this.agents[url.protocol as 'http:' | 'https:'] }, (res) => {
        status = res.statusCode ?? 0;
        res.resume(); // the body is not needed; reading it frees the connection for the next request
        res.once('end', done).once('error', done).once('close', done);
      });
      req.once('error', done);
      req.end(body);
    });
  }
}

class RequestTimedOut extends Error {
  override readonly name = 'TimeoutError';
}

class StaleConnection extends Error {
  constructor(override readonly cause: unknown) {
    super('connection closed by the receiver');
  }
}

function isConnectionReset(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** Why a request got no answer, without the URL (which may hold a token in its query). */
function describeRequestError(err: unknown): string {
  if (err instanceof RequestTimedOut) return 'timed out';
  const e = err as { code?: string; message?: string };
  return e?.code ?? 'request failed';
}
