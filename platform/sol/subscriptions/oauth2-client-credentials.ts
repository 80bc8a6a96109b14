import { createHash } from 'node:crypto';

/** Client credentials of one subscription (SOL013 8.3.4 paramsOauth2ClientCredentials). */
export interface OAuth2Client {
  readonly clientId: string;
  readonly clientPassword: string;
  readonly tokenEndpoint: string;
}

interface CachedToken {
  readonly accessToken: string;
  /** Epoch ms after which the token is fetched again; Infinity when the server gave no expiry. */
  readonly refreshAt: number;
}

/** A token is refreshed this long before it expires, so a request never carries a stale one. */
const EXPIRY_MARGIN_MS = 30_000;

export class TokenEndpointError extends Error {
  override readonly name = 'TokenEndpointError';
}

/**
 * Access tokens obtained with the OAuth 2.0 client credentials grant (RFC 6749
 * 4.4), cached per client until shortly before they expire. Concurrent callers
 * share one token request. Tokens and secrets never leave this object except as
 * the Authorization header value handed to the caller.
 */
export class OAuth2ClientCredentials {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `Bearer <token>` for the client, from the cache or a new token request. */
  async authorization(client: OAuth2Client): Promise<string> {
    return `Bearer ${await this.token(client)}`;
  }

  /** Drops the cached token, e.g. after the receiver answered 401 to it. */
  invalidate(client: OAuth2Client): void {
    this.cache.delete(keyOf(client));
  }

  private async token(client: OAuth2Client): Promise<string> {
    const key = keyOf(client);
    const cached = this.cache.get(key);
    if (cached && this.now() < cached.refreshAt) return cached.accessToken;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetchToken(client)
        .then((t) => {
          this.cache.set(key, t);
          return t.accessToken;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetchToken(client: OAuth2Client): Promise<CachedToken> {
    // RFC 6749 2.3.1: id and secret are form-urlencoded, then sent as HTTP Basic.
    const basic = Buffer.from(`${formEncode(client.clientId)}:${formEncode(client.clientPassword)}`).toString('base64');
    let res: Response;
    try {
      res = await fetch(client.tokenEndpoint, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${basic}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new TokenEndpointError(`token endpoint unreachable: ${describeFetchError(err)}`);
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new TokenEndpointError(`token endpoint answered ${res.status}`);
    }
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new TokenEndpointError('token endpoint answered with a body that is not JSON');
    }
    if (typeof body?.access_token !== 'string' || body.access_token.length === 0) {
      throw new TokenEndpointError('token endpoint answered without an access_token');
    }
    const expiresIn = Number(body.expires_in);
    const refreshAt =
      Number.isFinite(expiresIn) && expiresIn > 0
        ? this.now() + Math.max(expiresIn * 1000 - EXPIRY_MARGIN_MS, (expiresIn * 1000) / 2)
        : Infinity; // RFC 6749 5.1: expires_in is optional; then only a 401 refreshes it
    return { accessToken: body.access_token, refreshAt };
  }
}

function keyOf(client: OAuth2Client): string {
  // The secret is part of the key (a changed password must not reuse a token) but only as a hash.
  const secret = createHash('sha256').update(client.clientPassword).digest('base64url');
  return JSON.stringify([client.tokenEndpoint, client.clientId, secret]);
}

function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+');
}

/** A fetch failure in words that carry no URL credentials or secrets. */
export function describeFetchError(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  return e?.cause?.code ?? e?.cause?.message ?? 'request failed';
}
