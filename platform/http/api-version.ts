import { APIVersionMissing, APIVersionNotSupported, InvalidAPIVersionString } from './problem-details.ts';

const VERSION = /^([1-9]\d*|0)\.([1-9]\d*|0)\.([1-9]\d*|0)$/;

/**
 * Checks a `Version` request header (SOL013 4.9): `X.Y.Z`, optionally followed by
 * `-impl:vendor:product:n`. Missing or malformed -> 400; not served -> 406.
 * Returns the version identifier without the impl suffix.
 */
export function checkApiVersion(header: string | undefined, supported: readonly string[]): string {
  if (header === undefined) throw new APIVersionMissing();
  let id = header.trim();
  const dash = id.indexOf('-');
  if (dash >= 0) {
    const suffix = id.slice(dash + 1);
    if (!suffix.startsWith('impl:') || suffix.includes('-')) throw new InvalidAPIVersionString(header);
    id = id.slice(0, dash);
  }
  if (!VERSION.test(id)) throw new InvalidAPIVersionString(header);
  if (!supported.includes(id)) throw new APIVersionNotSupported(id);
  return id;
}
