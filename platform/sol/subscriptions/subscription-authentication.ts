import { BadRequest } from '../../http/problem-details.ts';

/**
 * SubscriptionAuthentication (SOL013 8.3.4 / SOL003 4.5.3.4): how the VNFM
 * authenticates to the subscriber's callbackUri. Stored apart from the
 * resource and never returned, logged or echoed in an error.
 */
export interface SubscriptionAuthentication {
  readonly authType: readonly AuthType[];
  readonly paramsBasic?: { readonly userName: string; readonly password: string };
  readonly paramsOauth2ClientCredentials?: {
    readonly clientId: string;
    readonly clientPassword: string;
    readonly tokenEndpoint: string;
  };
}

export type AuthType = 'BASIC' | 'OAUTH2_CLIENT_CREDENTIALS';
const SUPPORTED: readonly string[] = ['BASIC', 'OAUTH2_CLIENT_CREDENTIALS'];
// Defined by SOL013 but needing client certificates we are not configured with.
const KNOWN_UNSUPPORTED: readonly string[] = ['TLS_CERT', 'OAUTH2_CLIENT_CERT'];

/** The credential a notification is sent with, picked as Tacker does (OAuth 2.0 first). */
export type CallbackCredential =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly userName: string; readonly password: string }
  | { readonly kind: 'oauth2'; readonly clientId: string; readonly clientPassword: string; readonly tokenEndpoint: string };

export function credentialOf(auth: SubscriptionAuthentication | undefined | null): CallbackCredential {
  if (auth?.authType.includes('OAUTH2_CLIENT_CREDENTIALS') && auth.paramsOauth2ClientCredentials) {
    return { kind: 'oauth2', ...auth.paramsOauth2ClientCredentials };
  }
  if (auth?.authType.includes('BASIC') && auth.paramsBasic) return { kind: 'basic', ...auth.paramsBasic };
  return { kind: 'none' };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requiredString(obj: Record<string, unknown>, where: string, key: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.length === 0) throw new BadRequest(`${where}.${key} must be a non-empty string.`);
  return v;
}

/** An absolute http(s) URL, or 400. Used for callbackUri and tokenEndpoint. */
export function checkHttpUrl(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new BadRequest(`${what} must be a non-empty string.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadRequest(`${what} is not an absolute URI.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadRequest(`${what} must be an http or https URI.`);
  // Credentials belong in `authentication`, where they are kept out of every response.
  if (url.username || url.password) throw new BadRequest(`${what} must not contain user information.`);
  return value;
}

/**
 * Validates the request's `authentication` (SOL013 8.3.4: each listed authType
 * needs its params) and keeps only the fields we use. Messages never quote values.
 */
export function parseSubscriptionAuthentication(raw: unknown): SubscriptionAuthentication | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) throw new BadRequest('authentication must be an object.');
  const types = raw.authType;
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string')) {
    throw new BadRequest('authentication.authType must be a non-empty array of strings.');
  }
  for (const t of types as string[]) {
    if (KNOWN_UNSUPPORTED.includes(t)) throw new BadRequest(`authentication.authType ${t} is not supported.`);
    if (!SUPPORTED.includes(t)) throw new BadRequest(`authentication.authType ${JSON.stringify(t)} is not valid.`);
  }
  const authType = [...new Set(types as AuthType[])];
  const out: {
    authType: AuthType[];
    paramsBasic?: SubscriptionAuthentication['paramsBasic'];
    paramsOauth2ClientCredentials?: SubscriptionAuthentication['paramsOauth2ClientCredentials'];
  } = { authType };
  if (authType.includes('BASIC')) {
    const p = raw.paramsBasic;
    if (!isObject(p)) throw new BadRequest('authentication.paramsBasic must be given when authType includes BASIC.');
    out.paramsBasic = {
      userName: requiredString(p, 'authentication.paramsBasic', 'userName'),
      password: requiredString(p, 'authentication.paramsBasic', 'password'),
    };
  }
  if (authType.includes('OAUTH2_CLIENT_CREDENTIALS')) {
    const p = raw.paramsOauth2ClientCredentials;
    if (!isObject(p)) {
      throw new BadRequest(
        'authentication.paramsOauth2ClientCredentials must be given when authType includes OAUTH2_CLIENT_CREDENTIALS.',
      );
    }
    const where = 'authentication.paramsOauth2ClientCredentials';
    out.paramsOauth2ClientCredentials = {
      clientId: requiredString(p, where, 'clientId'),
      clientPassword: requiredString(p, where, 'clientPassword'),
      tokenEndpoint: checkHttpUrl(p.tokenEndpoint, `${where}.tokenEndpoint`),
    };
  }
  return out;
}
