import { timingSafeEqual, createHash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { BadRequest, MethodNotAllowed, Unauthorized } from '../../platform/http/problem-details.ts';
import { requireJsonContentType, unstorableTextAt } from '../../platform/http/sol-router.ts';

/** Paths (and everything under them) that belong to the monitoring feeds. */
export const INGEST_PATHS = ['/collectd', '/logs', '/alertmanager'] as const;

function isIngestPath(path: string): boolean {
  return INGEST_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}

export interface IngestRouterOptions {
  /** HTTP Basic credentials collectd (`User`/`Password`), Alertmanager (`basic_auth`) and shippers send; undefined: none. */
  readonly auth: { readonly username: string; readonly password: string } | undefined;
  readonly bodyLimit: string;
  /** Receivers, each adding its POST routes (`/collectd`, `/logs`, ...). */
  readonly receivers: readonly ((router: Router) => void)[];
  /**
   * Paths whose UTF-8 JSON bodies are left as bytes (a Buffer in `req.body`) for the
   * receiver to parse and check itself, as collectd-body.decoder.ts does off the
   * request's thread. Bodies declaring another charset still go through express.json.
   */
  readonly rawBodyPaths?: readonly string[];
}

/** application/json in UTF-8 (no charset parameter means UTF-8, RFC 8259 section 8.1). */
function isUtf8Json(req: Request): boolean {
  if (!req.is('application/json')) return false;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const BACKSLASH_U = Buffer.from('\\u');
const HAS_ESCAPES = Symbol('body has \\u escapes');
type EscapeFlagged = { [HAS_ESCAPES]?: boolean };

/**
 * The edge of the monitoring feeds: no SOL Version header (collectd and Alertmanager do
 * not send one), HTTP Basic auth instead of the API authenticator (what those tools can
 * send), JSON bodies only, strict UTF-8, and the size limit of MONITORING_BODY_LIMIT.
 * Receivers validate the parsed body themselves and store it whole or not at all.
 */
export function createIngestRouter(opts: IngestRouterOptions): Router {
  const router = express.Router();
  // Mounted at the root beside the SOL APIs: leave every other path alone.
  router.use((req, _res, next) => next(isIngestPath(req.path) ? undefined : 'router'));
  if (opts.auth) router.use(basicAuth(opts.auth));
  router.use(requireJsonContentType);
  const raw = new Set(opts.rawBodyPaths ?? []);
  if (raw.size > 0) {
    router.use(express.raw({ limit: opts.bodyLimit, type: (req) => raw.has((req as Request).path) && isUtf8Json(req as Request) }));
  }
  router.use(
    express.json({
      limit: opts.bodyLimit,
      type: ['application/json'],
      strict: true,
      verify: (req, _res, buf) => {
        try {
          utf8.decode(buf);
        } catch {
          throw Object.assign(new Error('invalid UTF-8'), { type: 'entity.parse.failed', status: 400 });
        }
        // Valid UTF-8 JSON holds U+0000 or a lone surrogate only as a \u escape: without
        // one, the parsed body needs no scan (a large collectd body is mostly numbers).
        (req as EscapeFlagged)[HAS_ESCAPES] = buf.includes(BACKSLASH_U);
      },
    }),
  );
  router.use((req, _res, next) => {
    if (req.method === 'POST' && req.body === undefined) throw new BadRequest('A JSON request body is required.');
    if (Buffer.isBuffer(req.body)) return next(); // a raw body: its receiver checks it
    const at = (req as EscapeFlagged)[HAS_ESCAPES] === false ? undefined : unstorableTextAt(req.body);
    if (at !== undefined) {
      throw new BadRequest(`The request body holds U+0000 or an unpaired UTF-16 surrogate at ${at}; such text cannot be stored.`);
    }
    next();
  });
  for (const add of opts.receivers) add(router);
  router.use((req, res) => {
    res.setHeader('Allow', 'POST');
    throw new MethodNotAllowed(`Method ${req.method} is not supported on ${req.path}; monitoring feeds are POSTed.`);
  });
  return router;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** RFC 7617 Basic auth, compared in constant time (digests, so lengths never leak). */
export function basicAuth(expected: { username: string; password: string }): RequestHandler {
  const want = digest(`${expected.username}:${expected.password}`);
  return (req, res, next) => {
    const header = req.header('authorization') ?? '';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const given = m ? Buffer.from(m[1], 'base64').toString('utf8') : undefined;
    if (given === undefined || !timingSafeEqual(digest(given), want)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="vnfm-ingest", charset="UTF-8"');
      throw new Unauthorized('Valid HTTP Basic credentials (MONITORING_INGEST_USERNAME) are required to post monitoring data.');
    }
    next();
  };
}
