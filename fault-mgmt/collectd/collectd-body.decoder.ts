/**
 * The bytes of a POST /collectd body -> validated value lists. The checks the ingest edge
 * makes on every other JSON body (ingest-router.ts: strict UTF-8, an object or array as
 * express.json's strict mode wants, no U+0000 or unpaired surrogate) are made here on the
 * raw bytes, then the value lists are validated (value-list.parser.ts). Pure, so that it
 * runs on the request's thread or in the decode worker (collectd-decode.worker.ts) alike.
 */
import { isUtf8 } from 'node:buffer';
import { BadRequest, ProblemError } from '../../platform/http/problem-details.ts';
import { unstorableTextAt } from '../../platform/http/sol-router.ts';
import { countPostedValues, parseCollectdBody, type ParseOptions, type ValueList } from './value-list.parser.ts';

export type DecodedBody =
  | { readonly ok: true; readonly lists: ValueList[] }
  | {
      readonly ok: false;
      readonly problem: ProblemError;
      /** `body`: not JSON the edge accepts (not counted as collectd values); `entries`: not value lists. */
      readonly stage: 'body' | 'entries';
      /** Values the rejected body held, for vnfm_monitoring_collectd_values_total{result="rejected"}. */
      readonly postedValues: number;
    };

/** What express.json answers (error.middleware.ts, entity.parse.failed) for bytes that are not strict UTF-8 JSON. */
const notJson = (): DecodedBody => ({ ok: false, problem: new BadRequest('Request body is not valid JSON.'), stage: 'body', postedValues: 0 });

/** JSON whitespace (RFC 8259 section 2). */
function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** An object or an array, as express.json's strict mode requires (the empty body reads as `{}`, as there). */
function parseStrict(text: string): unknown {
  if (text.length === 0) return {};
  let i = 0;
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  const first = text.charCodeAt(i);
  if (first !== 0x7b && first !== 0x5b) throw new SyntaxError('not an object or array');
  return JSON.parse(text);
}

export function decodeCollectdBody(bytes: Uint8Array, opts: ParseOptions): DecodedBody {
  if (!isUtf8(bytes)) return notJson();
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a BOM, dropped as body-parser's decoder does
  let body: unknown;
  try {
    body = parseStrict(text);
  } catch {
    return notJson();
  }
  // Valid UTF-8 JSON holds U+0000 or a lone surrogate only as a \u escape.
  if (text.includes('\\u')) {
    const at = unstorableTextAt(body);
    if (at !== undefined) {
      const problem = new BadRequest(`The request body holds U+0000 or an unpaired UTF-16 surrogate at ${at}; such text cannot be stored.`);
      return { ok: false, problem, stage: 'body', postedValues: 0 };
    }
  }
  try {
    return { ok: true, lists: parseCollectdBody(body, opts) };
  } catch (err) {
    if (!(err instanceof ProblemError)) throw err;
    return { ok: false, problem: err, stage: 'entries', postedValues: countPostedValues(body) };
  }
}
