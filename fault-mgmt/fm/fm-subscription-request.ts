import { BadRequest } from '../../platform/http/problem-details.ts';
import {
  checkHttpUrl,
  parseSubscriptionAuthentication,
  type SubscriptionAuthentication,
} from '../../platform/sol/subscriptions/subscription-authentication.ts';
import type { FmNotificationsFilter } from './alarm.types.ts';

/** SOL003 7.5.2.2 FmSubscriptionRequest, checked. */
export interface FmSubscriptionRequest {
  readonly callbackUri: string;
  readonly filter?: FmNotificationsFilter;
  readonly authentication?: SubscriptionAuthentication;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks an FmSubscriptionRequest body. Attribute types and enumerations are checked at
 * the edge against api/openapi/vnffm.yaml; here what the schema cannot say: an absolute
 * http(s) callbackUri without credentials in it, and each authType with its parameters.
 * Secrets in `authentication` are never quoted.
 */
export function parseFmSubscriptionRequest(body: unknown): FmSubscriptionRequest {
  if (!isObject(body)) throw new BadRequest('The request body must be an object.');
  const callbackUri = checkHttpUrl(body.callbackUri, 'callbackUri');
  if (body.filter !== undefined && !isObject(body.filter)) throw new BadRequest('filter must be an object.');
  const filter = body.filter as FmNotificationsFilter | undefined;
  return {
    callbackUri,
    ...(filter && { filter: JSON.parse(JSON.stringify(filter)) as FmNotificationsFilter }),
    authentication: parseSubscriptionAuthentication(body.authentication),
  };
}
