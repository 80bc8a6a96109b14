const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the textual form of a UUID (resource, subscription and event ids). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
