import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { SolApi } from './sol-api.ts';

/** Our OpenAPI documents: the contract of every API we serve (one `<api>.yaml` each). */
export const OPENAPI_DIR = fileURLToPath(new URL('../../api/openapi/', import.meta.url));

export function openApiDocumentPath(api: SolApi, dir: string = OPENAPI_DIR): string {
  return path.join(dir, `${api.name}.yaml`);
}

export interface OpenApiValidationOptions {
  /** Check our own responses too (tests and staging); an invalid one becomes a logged 500. */
  readonly validateResponses?: boolean;
  readonly documentsDir?: string;
}

/**
 * Validation of one SOL API at the edge against our OpenAPI document, run inside
 * the router mounted at `/{api}/{major}` after body parsing. The validator matches
 * req.originalUrl against the document's server (`/{api}/{major}`) + path, so:
 * undocumented paths -> 404, undocumented methods -> 405 with Allow, bad parameters
 * or bodies -> 400. Its errors carry `status` and `errors[]`, which problemHandler
 * renders as ProblemDetails. Authentication is not its business (validateSecurity off).
 */
export function openApiValidation(api: SolApi, opts: OpenApiValidationOptions = {}): RequestHandler[] {
  return OpenApiValidator.middleware({
    apiSpec: openApiDocumentPath(api, opts.documentsDir),
    validateApiSpec: true,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, removeAdditional: false },
    validateResponses: opts.validateResponses ? { removeAdditional: false, coerceTypes: false } : false,
    validateSecurity: false,
    ignoreUndocumented: false,
    // 'full' checks date-time and uri strictly (RFC 3339, RFC 3986), not by a loose regex.
    ajvFormats: { mode: 'full' },
    fileUploader: false,
    $refParser: { mode: 'dereference' },
  }) as RequestHandler[];
}
