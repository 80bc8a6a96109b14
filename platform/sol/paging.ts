import { InvalidPagingMarker } from '../http/problem-details.ts';

/**
 * Stateless paging of list responses (SOL013 5.4). Lists are ordered by the
 * table's `seq` column; `nextpage_opaque_marker` encodes the last `seq` of the
 * page, so any replica answers the next page, also after a restart, with no
 * server-side cursor (Tacker kept markers in process memory).
 */

export const MARKER_PARAM = 'nextpage_opaque_marker';
const PREFIX = 'seq:';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The opaque marker for "the items after `seq`". */
export function encodeMarker(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new Error(`encodeMarker: invalid seq ${seq}`);
  return Buffer.from(`${PREFIX}${seq}`, 'utf8').toString('base64url');
}

/** The `seq` a marker stands for; anything not made by encodeMarker -> 400 InvalidPagingMarker. */
export function decodeMarker(marker: string): number {
  if (!BASE64URL.test(marker) || marker.length > 40) throw new InvalidPagingMarker();
  const text = Buffer.from(marker, 'base64url').toString('utf8');
  const m = /^seq:(0|[1-9]\d{0,15})$/.exec(text);
  const seq = m ? Number(m[1]) : NaN;
  // Re-encoding must give the marker back: rejects padding variants and stray bits.
  if (!Number.isSafeInteger(seq) || encodeMarker(seq) !== marker) throw new InvalidPagingMarker();
  return seq;
}

/**
 * The `Link` header value pointing at the next page (SOL013 5.4.2.1): the request's
 * own path and query (any previous marker replaced) under the public base URL.
 * `originalUrl` is the request target as received (path and raw query).
 */
export function nextPageLink(publicBase: string, originalUrl: string, nextMarker: string): string {
  const q = originalUrl.indexOf('?');
  const path = q < 0 ? originalUrl : originalUrl.slice(0, q);
  const params = q < 0 ? [] : originalUrl.slice(q + 1).split('&').filter((p) => p !== '' && !isMarkerParam(p));
  params.push(`${MARKER_PARAM}=${nextMarker}`);
  const url = `${publicBase.replace(/\/+$/, '')}${path}?${params.join('&')}`;
  return `<${safeUriChars(url)}>; rel="next"`;
}

function isMarkerParam(param: string): boolean {
  const name = param.split('=', 1)[0];
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')) === MARKER_PARAM;
  } catch {
    return false;
  }
}

/**
 * The raw request target may hold bytes a header or a `<URI>` cannot carry
 * (non-ASCII, space, `<>"`): percent-encode them. Node gives raw bytes as latin1 chars.
 */
function safeUriChars(url: string): string {
  return url.replace(/[^\x21-\x7e]|[<>"\\^`{|}]/g, (c) => {
    const code = c.charCodeAt(0);
    const bytes = code <= 0xff ? [code] : [...Buffer.from(c, 'utf8')];
    return bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  });
}
