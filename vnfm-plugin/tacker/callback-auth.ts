/**
 * Who may POST to our Tacker callbacks: Tacker with the credentials its subscriptions carry
 * (SOL013 8.3.4). HTTP Basic (TACKER_CALLBACK_USERNAME/PASSWORD, compared in constant time),
 * or an OAuth 2.0 bearer token from our own token endpoint, checked by the API authenticator
 * (platform/http/auth). Without Basic credentials configured, the API authenticator decides
 * alone (VNFM_AUTH=none: loopback only, as for every API).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Unauthorized } from '../../platform/http/problem-details.ts';

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i;
const CHALLENGE = 'Basic realm="vnfm-tacker-callbacks", charset="UTF-8"';

export function callbackAuthentication(opts: {
  readonly basic: BasicCredentials | undefined;
  /** The API authenticator's middleware (bearer tokens with VNFM_AUTH=oauth2). */
  readonly authenticate: RequestHandler;
  /** VNFM_AUTH: with `none`, configured Basic credentials are the only way in. */
  readonly apiMode: 'none' | 'keystone' | 'oauth2';
}): RequestHandler {
  const want = opts.basic && digest(`${opts.basic.username}:${opts.basic.password}`);
  return (req, res, next) => {
    const header = req.header('authorization') ?? '';
    const m = BASIC.exec(header);
    const refuse = (detail: string) => {
      res.setHeader('WWW-Authenticate', CHALLENGE);
      throw new Unauthorized(detail);
    };
    if (m) {
      if (!want) return refuse('HTTP Basic is not accepted here: no callback credentials are configured.');
      if (!timingSafeEqual(digest(Buffer.from(m[1], 'base64').toString('utf8')), want)) return refuse('The callback credentials are not valid.');
      return next();
    }
    if (want && opts.apiMode === 'none') return refuse('Valid HTTP Basic credentials are required on the Tacker callbacks.');
    return opts.authenticate(req, res, next);
  };
}
