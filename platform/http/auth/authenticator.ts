import type { RequestHandler } from 'express';
import type { Logger } from '../../logger.ts';
import { ProblemError, Unauthorized } from '../problem-details.ts';

/** Who called. Credentials never travel further than the authenticator. */
export interface Principal {
  readonly subject: string;
  readonly via: 'none' | 'keystone' | 'oauth2';
}

/** Port: turns the request's credentials into a principal, or throws Unauthorized. */
export interface Authenticator {
  readonly mode: Principal['via'];
  /** WWW-Authenticate challenge sent with every 401 (RFC 7235 4.1). */
  readonly challenge?: string;
  /** A token endpoint the scheme serves itself (OAuth 2.0 client credentials, RFC 6749 4.4). */
  readonly tokenEndpoint?: RequestHandler;
  authenticate(headers: { get(name: string): string | undefined }): Promise<Principal>;
}

/** No authentication: allowed only on a loopback listener (checked at start-up). */
export const noAuthentication: Authenticator = {
  mode: 'none',
  async authenticate() {
    return { subject: 'anonymous', via: 'none' };
  },
};

/** Express middleware around an Authenticator; failures are 401 ProblemDetails. */
export function authenticateRequests(auth: Authenticator, log: Logger): RequestHandler {
  return async (req, res, next) => {
    try {
      req.principal = await auth.authenticate({ get: (name) => req.header(name) ?? undefined });
      next();
    } catch (err) {
      const challenge = auth.challenge ?? (auth.mode === 'keystone' ? 'Keystone uri="/v3"' : 'Bearer');
      if (err instanceof ProblemError) {
        if (err.status === 401) res.setHeader('WWW-Authenticate', challenge);
        return next(err);
      }
      log.warn({ err }, 'authentication backend failed');
      res.setHeader('WWW-Authenticate', challenge);
      next(new Unauthorized('Authentication failed.'));
    }
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}
