import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../logger.ts';
import { Unauthorized } from '../problem-details.ts';
import type { Authenticator, Principal } from './authenticator.ts';
import { oauth2TokenRoute } from './oauth2-token.route.ts';

export const TOKEN_KEY_FILE = 'oauth2-token.key';

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

/**
 * Stateless bearer tokens: compact JWTs (RFC 7519) signed with HMAC-SHA256 (RFC 7518 3.2),
 * so any replica holding the key validates them and they survive restarts.
 */
export class BearerTokens {
  constructor(
    private readonly key: Buffer,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(clientId: string): IssuedToken {
    const iat = Math.floor(this.now() / 1000);
    const payload = base64url(JSON.stringify({ sub: clientId, iat, exp: iat + this.ttlSeconds, jti: randomUUID() }));
    return { accessToken: `${HEADER}.${payload}.${this.sign(`${HEADER}.${payload}`)}`, expiresIn: this.ttlSeconds };
  }

  /** The client id the token was issued to, or undefined when the token is forged, altered or expired. */
  verify(token: string): string | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return undefined; // only HS256: no "alg":"none" tricks
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`), 'base64url');
    const given = Buffer.from(parts[2], 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: { sub?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
    if (claims.exp * 1000 <= this.now()) return undefined;
    return claims.sub;
  }

  private sign(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('base64url');
  }
}

/**
 * The signing key: OAUTH2_TOKEN_SECRET when set; otherwise a random key generated once
 * and kept, readable by the owner only, in VNFM_DATA_DIR so tokens survive restarts.
 */
export async function loadTokenKey(secret: string | undefined, dataDir: string, log: Logger): Promise<Buffer> {
  if (secret) return Buffer.from(secret, 'utf8');
  const file = path.join(dataDir, TOKEN_KEY_FILE);
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    log.info({ file }, 'generated the bearer token signing key');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (((await stat(file)).mode & 0o077) !== 0) {
    log.warn({ file }, 'bearer token key file was readable by others; restricting it to the owner');
    await chmod(file, 0o600);
  }
  const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
  if (key.length < 32) throw new Error(`${file} does not hold a signing key of at least 32 bytes`);
  return key;
}

// RFC 6750 2.1: b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export interface OAuth2Options {
  readonly clients: ReadonlyMap<string, string>;
  readonly tokenSecret: string | undefined;
  readonly tokenTtlSeconds: number;
  readonly dataDir: string;
  readonly log: Logger;
  readonly now?: () => number;
}

/** OAuth 2.0 bearer tokens (RFC 6750) that the plugin's own token endpoint issued. */
export async function createOAuth2Authenticator(opts: OAuth2Options): Promise<Authenticator> {
  const tokens = new BearerTokens(await loadTokenKey(opts.tokenSecret, opts.dataDir, opts.log), opts.tokenTtlSeconds, opts.now);
  return {
    mode: 'oauth2',
    challenge: 'Bearer realm="vnfm-plugin"',
    tokenEndpoint: oauth2TokenRoute({ tokens, clients: opts.clients, log: opts.log }),
    async authenticate(headers): Promise<Principal> {
      const header = headers.get('authorization');
      if (!header) throw new Unauthorized('Authorization header with a Bearer token missing.');
      const match = BEARER.exec(header);
      const subject = match ? tokens.verify(match[1]) : undefined;
      // A client removed from OAUTH2_CLIENTS loses access at once, not when its tokens expire.
      if (subject === undefined || !opts.clients.has(subject)) throw new Unauthorized('The bearer token is not valid or has expired.');
      return { subject, via: 'oauth2' };
    },
  };
}
