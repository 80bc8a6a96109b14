import { TextDecoder } from 'node:util';
import express, { type RequestHandler, type Router } from 'express';
import { checkApiVersion } from './api-version.ts';
import { BadRequest, MethodNotAllowed, NotAcceptable, UnsupportedMediaType } from './problem-details.ts';
import { uriPrefix, type SolApi } from './sol-api.ts';

export interface SolRouterOptions {
  readonly api: SolApi;
  /** Authenticates every request of this API (api_versions included). */
  readonly authenticate: RequestHandler;
  readonly bodyLimit: string;
  /** Request validation against our OpenAPI document, run after body parsing. */
  readonly validate?: RequestHandler[];
  /** Adds the API's resource routes, relative to `/{api}/{major}`. */
  readonly routes?: (router: Router) => void;
}

const JSON_TYPES = ['application/json'];
const PATCH_TYPES = ['application/merge-patch+json', 'application/json'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** ApiVersionInformation (SOL013 9.3.1): only the version we serve. */
export function apiVersionInformation(api: SolApi, prefix: string) {
  return { uriPrefix: prefix, apiVersions: [{ version: api.version, isDeprecated: false }] };
}

/**
 * The router of one SOL API, mounted at `/{api}`: api_versions without a Version
 * header, then for everything under `/{api}/{major}` the SOL013 protocol rules
 * (Version, Accept, Content-Type, body size and JSON), validation and the routes.
 */
export function solApiRouter(opts: SolRouterOptions): Router {
  const { api } = opts;
  const outer = express.Router();
  outer.use((_req, res, next) => {
    // SOL013 4.9: every response carries the API version; Tacker also says no ranges.
    res.setHeader('Version', api.version);
    res.setHeader('Accept-Ranges', 'none');
    next();
  });
  outer.use(opts.authenticate);
  outer.get('/api_versions', requireJsonAccept, (_req, res) => {
    res.json(apiVersionInformation(api, `/${api.name}`));
  });
  outer.get(`/${api.major}/api_versions`, requireJsonAccept, (_req, res) => {
    res.json(apiVersionInformation(api, uriPrefix(api)));
  });
  // api_versions is read-only (SOL013 9.3.3): other methods are 405, with or without Version.
  outer.all(['/api_versions', `/${api.major}/api_versions`], (req, res) => {
    res.setHeader('Allow', 'GET');
    throw new MethodNotAllowed(`Method ${req.method} is not supported on ${req.originalUrl.split('?')[0]}; use GET.`);
  });

  const inner = express.Router();
  inner.use((req, _res, next) => {
    checkApiVersion(req.header('version'), [api.version]);
    next();
  });
  inner.use(requireJsonAccept);
  inner.use(requireJsonContentType);
  inner.use(
    express.json({
      limit: opts.bodyLimit,
      type: [...new Set([...JSON_TYPES, ...PATCH_TYPES])],
      strict: true,
      verify: (_req, _res, buf) => {
        try {
          utf8.decode(buf);
        } catch {
          throw Object.assign(new Error('invalid UTF-8'), { type: 'entity.parse.failed', status: 400 });
        }
      },
    }),
  );
  inner.use(rejectUnstorableText);
  for (const v of opts.validate ?? []) inner.use(v);
  opts.routes?.(inner);
  outer.use(`/${api.major}`, inner);
  return outer;
}

/** U+0000, or a UTF-16 surrogate without its pair: JSON allows them as \u escapes. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * JSON pointer (RFC 6901) of the first string or member name of a parsed body that
 * PostgreSQL text and jsonb cannot hold, or undefined. Iterative: bodies may nest deeply.
 */
export function unstorableTextAt(body: unknown): string | undefined {
  const stack: [unknown, string][] = [[body, '']];
  while (stack.length > 0) {
    const [value, at] = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return at || '/';
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${at}/${i}`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) {
        if (UNSTORABLE.test(name)) return at || '/';
        stack.push([item, `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
      }
    }
  }
  return undefined;
}

/** Refuses such a body before anything is done with it, rather than failing on INSERT (a 500). */
const rejectUnstorableText: RequestHandler = (req, _res, next) => {
  const at = unstorableTextAt(req.body);
  if (at !== undefined) {
    throw new BadRequest(`The request body holds U+0000 or an unpaired UTF-16 surrogate at ${at}; such text cannot be stored.`);
  }
  next();
};

/** SOL013 4.2: the client must accept JSON (problem+json for errors). */
export const requireJsonAccept: RequestHandler = (req, _res, next) => {
  if (req.header('accept') && !req.accepts(['application/json', 'application/problem+json'])) {
    throw new NotAcceptable(`Cannot produce a response of type ${req.header('accept')}; application/json is offered.`);
  }
  next();
};

function hasBody(req: express.Request): boolean {
  const length = req.header('content-length');
  return (length !== undefined && length !== '0') || req.header('transfer-encoding') !== undefined;
}

/** Bodies are JSON (merge-patch+json for PATCH, as Tacker accepts); anything else: 415. */
export const requireJsonContentType: RequestHandler = (req, _res, next) => {
  if (!hasBody(req)) return next();
  const allowed = req.method === 'PATCH' ? PATCH_TYPES : JSON_TYPES;
  if (!req.is(allowed)) {
    throw new UnsupportedMediaType(
      `Content-Type ${req.header('content-type') ?? '(none)'} is not supported; use ${allowed.join(' or ')}.`,
    );
  }
  next();
};
