import { createHash } from 'node:crypto';
import type { Logger } from '../../logger.ts';
import { ServiceUnavailable, Unauthorized } from '../problem-details.ts';
import type { Authenticator, Principal } from './authenticator.ts';

export interface KeystoneOptions {
  /** Keystone v3 endpoint, e.g. http://127.0.0.1:5000/v3. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly project: string;
  readonly userDomain: string;
  readonly projectDomain: string;
  readonly log: Logger;
  /** Validated tokens kept (least recently used ones go first). */
  readonly cacheSize?: number;
  /** A validated token is trusted until its expires_at, but no longer than this, so revocations take effect. */
  readonly maxCacheSeconds?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

interface CachedToken {
  readonly principal: Principal;
  readonly until: number;
}

interface ServiceToken {
  readonly token: string;
  readonly refreshAt: number;
}

// Fernet and JWS tokens are printable ASCII; anything else never reaches Keystone.
const TOKEN_SYNTAX = /^[\x21-\x7e]{1,8192}$/;

/**
 * Keystone v3 tokens in X-Auth-Token, validated the way keystonemiddleware does:
 * GET /v3/auth/tokens with our service token in X-Auth-Token and the caller's in
 * X-Subject-Token (Keystone API v3 "Validate and show information for token").
 * Tokens are never logged; the cache is keyed by their SHA-256.
 */
export class KeystoneAuthenticator implements Authenticator {
  readonly mode = 'keystone' as const;
  readonly challenge: string;
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();
  private serviceToken: ServiceToken | undefined;
  private serviceTokenRequest: Promise<ServiceToken> | undefined;
  private readonly base: string;
  private readonly origin: string;
  private readonly now: () => number;

  constructor(private readonly opts: KeystoneOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.now = opts.now ?? Date.now;
    this.origin = new URL(this.base).origin; // never the userinfo part
    this.challenge = `Keystone uri="${this.origin}"`;
  }

  async authenticate(headers: { get(name: string): string | undefined }): Promise<Principal> {
    const token = headers.get('x-auth-token');
    if (token === undefined || token === '') throw new Unauthorized('X-Auth-Token header missing.');
    if (!TOKEN_SYNTAX.test(token)) throw new Unauthorized('The X-Auth-Token is not valid.');
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) {
      this.cache.delete(key); // re-insert: Map order is the LRU order
      this.cache.set(key, cached);
      return cached.principal;
    }
    this.cache.delete(key);
    // Concurrent requests with the same token share one validation call.
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.validate(token).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const entry = await pending;
    this.remember(key, entry);
    return entry.principal;
  }

  private remember(key: string, entry: CachedToken): void {
    this.cache.set(key, entry);
    const max = this.opts.cacheSize ?? 1000;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value!);
  }

  private async validate(token: string, retried = false): Promise<CachedToken> {
    const service = await this.getServiceToken();
    const res = await this.call('GET', '/auth/tokens?nocatalog', {
      'X-Auth-Token': service.token,
      'X-Subject-Token': token,
    });
    const body = (await res.json().catch(() => undefined)) as KeystoneTokenBody | undefined;
    if (res.status === 401 && !retried) {
      // Our own token was revoked or expired early: get a new one and try once more.
      this.serviceToken = undefined;
      return this.validate(token, true);
    }
    if (res.status === 401 || res.status === 403) {
      this.opts.log.error({ status: res.status }, 'Keystone refused to validate tokens with the service credentials');
      throw new ServiceUnavailable('Keystone refused the service credentials; tokens cannot be validated now.');
    }
    if (res.status === 404 || res.status === 400) throw new Unauthorized('The X-Auth-Token is not valid or has expired.');
    if (res.status !== 200 && res.status !== 203) throw this.unavailable(`status ${res.status}`);
    const expiresAt = Date.parse(body?.token?.expires_at ?? '');
    if (!Number.isFinite(expiresAt)) throw this.unavailable('no expires_at in the token validation response');
    if (expiresAt <= this.now()) throw new Unauthorized('The X-Auth-Token is not valid or has expired.');
    const user = body!.token!.user;
    const maxCache = (this.opts.maxCacheSeconds ?? 300) * 1000;
    return {
      principal: { subject: user?.id ?? user?.name ?? 'unknown', via: 'keystone' },
      until: Math.min(expiresAt, this.now() + maxCache),
    };
  }

  private async getServiceToken(): Promise<ServiceToken> {
    if (this.serviceToken && this.serviceToken.refreshAt > this.now()) return this.serviceToken;
    this.serviceTokenRequest ??= this.issueServiceToken().finally(() => (this.serviceTokenRequest = undefined));
    return this.serviceTokenRequest;
  }

  /** Password authentication scoped to the service project (Keystone API v3 "Password authentication with scoped authorization"). */
  private async issueServiceToken(): Promise<ServiceToken> {
    const { username, password, project, userDomain, projectDomain } = this.opts;
    const body = {
      auth: {
        identity: { methods: ['password'], password: { user: { name: username, domain: { name: userDomain }, password } } },
        scope: { project: { name: project, domain: { name: projectDomain } } },
      },
    };
    const res = await this.call('POST', '/auth/tokens?nocatalog', { 'Content-Type': 'application/json' }, JSON.stringify(body));
    const parsed = (await res.json().catch(() => undefined)) as KeystoneTokenBody | undefined;
    if (res.status === 401 || res.status === 403) {
      this.opts.log.error({ status: res.status, user: username, project }, 'Keystone rejected the service credentials');
      throw new ServiceUnavailable('Keystone rejected the service credentials; tokens cannot be validated now.');
    }
    const token = res.headers.get('x-subject-token');
    const expiresAt = Date.parse(parsed?.token?.expires_at ?? '');
    if (res.status !== 201 || !token || !Number.isFinite(expiresAt)) throw this.unavailable(`service token request answered ${res.status}`);
    const now = this.now();
    // Renew a minute before expiry (or half-way for short-lived tokens).
    const refreshAt = expiresAt - Math.min(60_000, (expiresAt - now) / 2);
    this.opts.log.info({ expiresAt: new Date(expiresAt).toISOString() }, 'Keystone service token obtained');
    this.serviceToken = { token, refreshAt };
    return this.serviceToken;
  }

  private async call(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Response> {
    try {
      return await fetch(this.base + path, {
        method,
        headers: { Accept: 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
    } catch (err) {
      // The error names the host and the cause (ECONNREFUSED, timeout), never the headers.
      throw this.unavailable((err as Error & { cause?: Error }).cause?.message ?? (err as Error).message);
    }
  }

  /** The caller learns that Keystone is down; where and why goes to the log only. */
  private unavailable(why: string): ServiceUnavailable {
    this.opts.log.warn({ keystone: this.origin, why }, 'Keystone unreachable or failing');
    return new ServiceUnavailable('The identity service (Keystone) is unreachable; the X-Auth-Token cannot be validated now.');
  }
}

interface KeystoneTokenBody {
  token?: { expires_at?: string; user?: { id?: string; name?: string } };
}
