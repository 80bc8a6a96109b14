import type { CallbackCredential } from './subscription-authentication.ts';
import { describeFetchError, OAuth2ClientCredentials, TokenEndpointError } from './oauth2-client-credentials.ts';

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
 * Notifications over HTTP with the subscription's credentials: HTTP Basic, or an
 * OAuth 2.0 bearer token from the shared token cache (fetched again once when
 * the receiver answers 401 to a cached token). Redirects are not followed, so
 * credentials only ever go to the callbackUri itself.
 */
export class HttpNotifier implements Notifier {
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

  private async send(
    method: 'GET' | 'POST',
    target: CallbackTarget,
    version: string,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<CallbackOutcome> {
    const cred = target.credential;
    const headers: Record<string, string> = { Version: version, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
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
        const res = await fetch(target.uri, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
        status = res.status;
        await res.body?.cancel();
      } catch (err) {
        return { ok: false, reason: describeFetchError(err) };
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
}
