/**
 * Keystone v3 for the VIM driver: a scoped token with its service catalog, renewed before it
 * expires and once more when a service answers 401 (Keystone API v3, "Authentication and token
 * management"). Tokens and passwords are held here and only ever leave in X-Auth-Token headers.
 */
import { inspect } from 'node:util';
import type { Logger } from '../../../platform/logger.ts';
import { VimAuthenticationFailed, VimEndpointNotFound, VimUnavailable } from '../vim-errors.ts';
import { errorFor, send } from './openstack-http.ts';

export type EndpointInterface = 'public' | 'internal' | 'admin';

/** Password authentication, scoped to a project. */
export interface PasswordAuth {
  readonly type: 'password';
  readonly username: string;
  readonly password: string;
  readonly userDomainName: string;
  readonly projectName: string;
  readonly projectDomainName: string;
}

/** Application credential (by id, or by name with its user); the credential carries its own scope. */
export interface ApplicationCredentialAuth {
  readonly type: 'application_credential';
  readonly id?: string;
  readonly name?: string;
  readonly secret: string;
  /** Owner of a credential named by `name`. */
  readonly username?: string;
  readonly userDomainName?: string;
}

export type KeystoneAuth = PasswordAuth | ApplicationCredentialAuth;

export interface KeystoneClientOptions {
  /** Keystone v3 endpoint, e.g. http://127.0.0.1:5000/v3. */
  readonly authUrl: string;
  readonly auth: KeystoneAuth;
  /** Region of the endpoints to use; any region when absent. */
  readonly region?: string;
  readonly interface: EndpointInterface;
  readonly timeoutMs: number;
  /** Endpoint URLs used instead of the catalog's, by service type. */
  readonly endpointOverrides?: Readonly<Record<string, string>>;
  readonly log: Logger;
  readonly now?: () => number;
}

export interface CatalogEndpoint {
  readonly interface: string;
  readonly region?: string;
  readonly region_id?: string;
  readonly url: string;
}
export interface CatalogEntry {
  readonly type: string;
  readonly name?: string;
  readonly endpoints: readonly CatalogEndpoint[];
}

/** A token value that prints as `****` in logs, JSON and util.inspect. */
export class TokenValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '****';
  }
  toString(): string {
    return '****';
  }
  [inspect.custom](): string {
    return 'TokenValue(****)';
  }
}

export interface ScopedToken {
  readonly value: TokenValue;
  readonly expiresAt: number;
  /** When we ask for a new one: a minute before expiry, or half-way for short-lived tokens. */
  readonly refreshAt: number;
  readonly catalog: readonly CatalogEntry[];
  readonly projectId?: string;
}

interface TokenBody {
  token?: { expires_at?: string; catalog?: CatalogEntry[]; project?: { id?: string } };
}

export class KeystoneClient {
  private current: ScopedToken | undefined;
  private pending: Promise<ScopedToken> | undefined;
  private readonly base: string;
  private readonly now: () => number;

  constructor(private readonly opts: KeystoneClientOptions) {
    this.base = opts.authUrl.replace(/\/+$/, '');
    this.now = opts.now ?? Date.now;
  }

  /** A valid token; concurrent callers share one request to Keystone. */
  async token(): Promise<ScopedToken> {
    const held = this.current;
    if (held && held.refreshAt > this.now()) return held;
    this.pending ??= this.issue().finally(() => (this.pending = undefined));
    try {
      return await this.pending;
    } catch (err) {
      // Keystone briefly unreachable while renewing: the old token still works until it expires.
      if (err instanceof VimUnavailable && held && this.current === held && held.expiresAt - 5_000 > this.now()) {
        this.opts.log.warn({ err: err.message }, 'VIM token renewal failed; the current token is used until it expires');
        return held;
      }
      throw err;
    }
  }

  /** Forget `token` after a service refused it (401), so the next call gets a new one. */
  invalidate(token: ScopedToken): void {
    if (this.current === token) this.current = undefined;
  }

  /** The URL of a service, from the overrides or the catalog (type, interface, region). */
  async endpoint(type: string): Promise<string> {
    const override = this.opts.endpointOverrides?.[type];
    if (override) return override.replace(/\/+$/, '');
    const { catalog } = await this.token();
    return findEndpoint(catalog, type, this.opts.interface, this.opts.region).replace(/\/+$/, '');
  }

  private async issue(): Promise<ScopedToken> {
    const call = {
      method: 'POST' as const,
      url: `${this.base}/auth/tokens`,
      headers: {},
      body: authBody(this.opts.auth),
      timeoutMs: this.opts.timeoutMs,
      service: 'identity',
    };
    const answer = await send(call);
    if (answer.status === 401 || answer.status === 403) {
      const who = describeAuth(this.opts.auth);
      this.opts.log.error({ status: answer.status, auth: who }, 'Keystone rejected the VIM credentials');
      throw new VimAuthenticationFailed(`Keystone rejected the VIM credentials (${who}): ${answer.status}`, {
        status: answer.status,
        service: 'identity',
      });
    }
    if (answer.status !== 201) throw errorFor(call, answer);
    const value = answer.headers.get('x-subject-token');
    const body = answer.body as TokenBody | undefined;
    const expiresAt = Date.parse(body?.token?.expires_at ?? '');
    if (!value || !Number.isFinite(expiresAt)) {
      throw new VimUnavailable('Keystone issued a token without X-Subject-Token or expires_at', { service: 'identity' });
    }
    const now = this.now();
    this.current = {
      value: new TokenValue(value),
      expiresAt,
      refreshAt: expiresAt - Math.min(60_000, Math.max(0, (expiresAt - now) / 2)),
      catalog: body?.token?.catalog ?? [],
      projectId: body?.token?.project?.id,
    };
    this.opts.log.info({ expiresAt: new Date(expiresAt).toISOString(), auth: describeAuth(this.opts.auth) }, 'VIM token obtained');
    return this.current;
  }
}

/** The request body of POST /v3/auth/tokens (Keystone API v3 "Password authentication with scoped authorization", "Authenticating with an Application Credential"). */
export function authBody(auth: KeystoneAuth): unknown {
  if (auth.type === 'password') {
    return {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: auth.username, domain: { name: auth.userDomainName }, password: auth.password } },
        },
        scope: { project: { name: auth.projectName, domain: { name: auth.projectDomainName } } },
      },
    };
  }
  const credential: Record<string, unknown> = { secret: auth.secret };
  if (auth.id) credential.id = auth.id;
  else {
    credential.name = auth.name;
    credential.user = { name: auth.username, domain: { name: auth.userDomainName ?? 'Default' } };
  }
  return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
}

/** Who we authenticate as, for logs and errors: never the password or secret. */
export function describeAuth(auth: KeystoneAuth): string {
  return auth.type === 'password'
    ? `user ${auth.username} in project ${auth.projectName}`
    : `application credential ${auth.id ?? `${auth.name} of ${auth.username}`}`;
}

export function findEndpoint(catalog: readonly CatalogEntry[], type: string, iface: EndpointInterface, region?: string): string {
  for (const entry of catalog) {
    if (entry.type !== type) continue;
    const hit = entry.endpoints.find(
      (e) => e.interface === iface && (region === undefined || e.region_id === region || e.region === region),
    );
    if (hit) return hit.url;
  }
  const types = [...new Set(catalog.map((e) => e.type))].sort().join(', ') || 'none';
  throw new VimEndpointNotFound(
    `no ${iface} ${type} endpoint${region ? ` in region ${region}` : ''} in the service catalog (types: ${types})`,
    { service: 'identity' },
  );
}
