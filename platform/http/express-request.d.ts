import type { Logger } from 'pino';

declare global {
  namespace Express {
    interface Request {
      /** Request id: the caller's X-Request-Id or a new UUID. */
      id: string;
      /** Logger bound to this request's id. */
      log: Logger;
      /** Who called, once authenticated (never the credential itself). */
      principal?: { readonly subject: string; readonly via: 'none' | 'keystone' | 'oauth2' };
    }
  }
}
export {};
