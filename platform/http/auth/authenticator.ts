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
      if (err instanceof ProblemError) return next(err);
      log.warn({ err }, 'authentication backend failed');
      res.setHeader('WWW-Authenticate', auth.mode === 'keystone' ? 'Keystone uri="/v3"' : 'Bearer');
      next(new Unauthorized('Authentication failed.'));
    }
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}
