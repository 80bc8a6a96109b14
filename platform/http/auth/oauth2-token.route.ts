import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logger.ts';
import { MethodNotAllowed } from '../problem-details.ts';
import type { IssuedToken } from './oauth2.authenticator.ts';

export interface TokenRouteDeps {
  readonly tokens: { issue(clientId: string): IssuedToken };
  /** client id -> client secret (OAUTH2_CLIENTS). */
  readonly clients: ReadonlyMap<string, string>;
  readonly log: Logger;
}

type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';

/** RFC 6749 5.2: errors are JSON with `error`; invalid_client is 401 with a challenge. */
function sendError(res: Response, error: OAuthError, description: string): void {
  const status = error === 'invalid_client' ? 401 : 400;
  if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="vnfm-plugin"');
  res.status(status).json({ error, error_description: description });
}

/** RFC 6749 2.3.1: id and secret are form-encoded before the Basic encoding. */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const m = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(req.header('authorization') ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { id: formDecode(text.slice(0, i)), secret: formDecode(text.slice(i + 1)) };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares in constant time, also for unknown clients, so timing tells nothing about ids. */
function secretMatches(clients: ReadonlyMap<string, string>, id: string, secret: string): boolean {
  const expected = clients.get(id);
  const same = timingSafeEqual(digest(expected ?? ''), digest(secret));
  return expected !== undefined && same;
}

/**
 * The plugin's own token endpoint, `POST /token`: OAuth 2.0 client credentials grant
 * (RFC 6749 4.4) for the clients of OAUTH2_CLIENTS, authenticated by HTTP Basic or by
 * client_id/client_secret form fields (2.3.1). Issues stateless bearer tokens.
 */
export function oauth2TokenRoute(deps: TokenRouteDeps): Router {
  const router = express.Router();
  router.post('/token', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    // RFC 6749 5.1: token responses are never cached.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    if (!req.is('application/x-www-form-urlencoded')) {
      return sendError(res, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
    }
    const form = (req.body ?? {}) as Record<string, string | string[]>;
    if (Object.values(form).some(Array.isArray)) {
      return sendError(res, 'invalid_request', 'A parameter is given more than once.');
    }
    const fields = form as Record<string, string>;
    if (!fields.grant_type) return sendError(res, 'invalid_request', 'grant_type is missing.');
    const basic = basicCredentials(req);
    if (basic && (fields.client_secret !== undefined || (fields.client_id !== undefined && fields.client_id !== basic.id))) {
      return sendError(res, 'invalid_request', 'Use one client authentication method, not both.');
    }
    const client = basic ?? (fields.client_id !== undefined ? { id: fields.client_id, secret: fields.client_secret ?? '' } : undefined);
    if (!client || !secretMatches(deps.clients, client.id, client.secret)) {
      deps.log.warn({ clientId: client?.id }, 'token request rejected: invalid client');
      return sendError(res, 'invalid_client', 'Client authentication failed.');
    }
    if (fields.grant_type !== 'client_credentials') {
      return sendError(res, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
    }
    const issued = deps.tokens.issue(client.id);
    deps.log.info({ clientId: client.id, expiresIn: issued.expiresIn }, 'bearer token issued');
    res.json({ access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn });
  });
  router.all('/token', (_req, _res, next) => {
    next(Object.assign(new MethodNotAllowed('The token endpoint accepts POST only.'), { headers: { Allow: 'POST' } }));
  });
  // Unreadable bodies get an OAuth error too, not a ProblemDetails, since clients here speak RFC 6749.
  // body-parser gives each a 4xx status; a bad Content-Encoding one has no `type`.
  const bodyErrors: ErrorRequestHandler = (err, req, res, next) => {
    const clientError = typeof err?.status === 'number' && err.status >= 400 && err.status < 500;
    if (req.path !== '/token' || req.method !== 'POST' || !clientError) return next(err);
    res.setHeader('Cache-Control', 'no-store');
    sendError(res, 'invalid_request', err.type === 'entity.too.large' ? 'The body is too large.' : 'The body cannot be read.');
  };
  router.use(bodyErrors);
  return router;
}
