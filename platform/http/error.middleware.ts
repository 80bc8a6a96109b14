import type { ErrorRequestHandler, RequestHandler } from 'express';
import { NotFound, ProblemError, problemOf, type ProblemDetails } from './problem-details.ts';

const PROBLEM_JSON = 'application/problem+json';

export function sendProblem(res: import('express').Response, problem: ProblemDetails): void {
  res.status(problem.status).type(PROBLEM_JSON).send(JSON.stringify(problem));
}

/** Unknown routes: 404 ProblemDetails. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFound(`The resource ${req.path} could not be found.`));
};

/** Body-parser errors carry a `type`; map them to the ProblemDetails a client can act on. */
function fromBodyParser(err: { type?: string; status?: number; message?: string; errno?: unknown }): ProblemDetails | undefined {
  // A stream error while reading the body, e.g. a Content-Encoding (gzip, deflate, br)
  // the bytes do not decode with: body-parser makes the zlib error a 400 with no `type`.
  if (err.type === undefined && err.status === 400 && typeof err.errno === 'number') {
    return { title: 'Bad Request', status: 400, detail: 'Request body could not be read; check its Content-Encoding.' };
  }
  switch (err.type) {
    case 'entity.too.large':
      return { title: 'Payload Too Large', status: 413, detail: 'Request body exceeds the size limit.' };
    case 'entity.parse.failed':
      return { title: 'Bad Request', status: 400, detail: 'Request body is not valid JSON.' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { title: 'Unsupported Media Type', status: 415, detail: err.message ?? 'Unsupported encoding.' };
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return { title: 'Bad Request', status: 400, detail: 'Request body could not be read.' };
    default:
      return undefined;
  }
}

/**
 * express-openapi-validator errors: `status` plus `errors[]` with `path` and `message`.
 * A 5xx from it is an invalid response of ours: a bug, left to the generic 500.
 */
function fromValidator(
  err: { status?: number; errors?: { path?: string; message?: string }[]; message?: string },
  req: import('express').Request,
): ProblemDetails | undefined {
  if (!Array.isArray(err.errors) || typeof err.status !== 'number' || err.status >= 500) return undefined;
  const path = req.originalUrl.split('?')[0];
  let detail = err.errors.map((e) => `${e.path ?? ''} ${e.message ?? ''}`.trim()).join('; ') || err.message || 'Invalid request.';
  if (err.status === 404) detail = `The resource ${path} could not be found.`;
  if (err.status === 405) detail = `Method ${req.method} is not supported by the resource ${path}.`;
  const status = err.status >= 400 && err.status < 500 ? err.status : 400;
  const titles: Record<number, string> = {
    400: 'Bad Request',
    404: 'Not Found',
    405: 'Method Not Allowed',
    406: 'Not Acceptable',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
  };
  return { title: titles[status] ?? 'Bad Request', status, detail };
}

/**
 * The one place errors become responses. Known conditions keep their status and
 * detail; anything else is a generic 500 whose stack goes only to the log.
 */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let problem: ProblemDetails | undefined;
  if (err instanceof ProblemError) {
    problem = problemOf(err);
    if (err.headers && !res.headersSent) res.set(err.headers);
  }
  else if (err && typeof err === 'object') problem = fromBodyParser(err) ?? fromValidator(err, req);
  if (!problem) {
    (req.log ?? console).error({ err }, 'unhandled error');
    problem = { title: 'Internal Server Error', status: 500, detail: 'An internal error occurred; see the server log for request ' + req.id + '.' };
  } else if (problem.status >= 500) {
    req.log.error({ err }, problem.detail);
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  if (problem.status === 405 && err?.headers?.Allow) res.setHeader('Allow', err.headers.Allow);
  sendProblem(res, problem);
};
