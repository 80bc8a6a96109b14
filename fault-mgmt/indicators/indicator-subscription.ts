/**
 * VNF indicator subscriptions (SOL003 8.5.2.3/8.5.2.4): the request checked, the resource as
 * returned, and which subscriptions a notification goes to (8.5.3.2 VnfIndicatorNotificationsFilter).
 */
import type { components } from '../../api/generated/vnfind.ts';
import { BadRequest } from '../../platform/http/problem-details.ts';
import type { SubscriptionMatcher } from '../../platform/sol/subscriptions/notification-outbox.ts';
import type { SubscriptionDoc } from '../../platform/sol/subscriptions/subscription.repository.ts';
import { matchesVnfInstanceFilter, type VnfInstanceFacts } from '../../platform/sol/subscriptions/vnf-instance-filter.ts';
import {
  checkHttpUrl,
  parseSubscriptionAuthentication,
  type SubscriptionAuthentication,
} from '../../platform/sol/subscriptions/subscription-authentication.ts';
import type { ResourceQuerySpec } from '../../platform/sol/list-query.ts';

export type VnfIndicatorNotificationsFilter = components['schemas']['VnfIndicatorNotificationsFilter'];
export type VnfIndicatorSubscription = components['schemas']['VnfIndicatorSubscription'];

export const INDICATOR_NOTIFICATION_TYPES = ['VnfIndicatorValueChangeNotification', 'SupportedIndicatorsChangeNotification'] as const;

export const INDICATOR_SUBSCRIPTION_QUERY: ResourceQuerySpec = {
  name: 'VnfIndicatorSubscription',
  defaultExcluded: [],
  neverReturned: ['authentication'],
};

export interface IndicatorSubscriptionRequest {
  readonly callbackUri: string;
  readonly filter?: VnfIndicatorNotificationsFilter;
  readonly authentication?: SubscriptionAuthentication;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function strings(v: unknown, where: string, allowed?: readonly string[]): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new BadRequest(`${where} must be an array of strings.`);
  const bad = allowed ? v.find((s) => !allowed.includes(s)) : undefined;
  if (bad !== undefined) throw new BadRequest(`${where} has an invalid value ${JSON.stringify(bad)}.`);
  return v;
}

/** Checks a VnfIndicatorSubscriptionRequest (the OpenAPI validator checked the shape first). */
export function parseIndicatorSubscriptionRequest(body: unknown): IndicatorSubscriptionRequest {
  if (!isObject(body)) throw new BadRequest('The request body must be an object.');
  const callbackUri = checkHttpUrl(body.callbackUri, 'callbackUri');
  let filter: VnfIndicatorNotificationsFilter | undefined;
  if (body.filter !== undefined) {
    if (!isObject(body.filter)) throw new BadRequest('filter must be an object.');
    const f = body.filter;
    const inst = f.vnfInstanceSubscriptionFilter;
    if (inst !== undefined && !isObject(inst)) throw new BadRequest('filter.vnfInstanceSubscriptionFilter must be an object.');
    strings(f.notificationTypes, 'filter.notificationTypes', INDICATOR_NOTIFICATION_TYPES);
    strings(f.indicatorIds, 'filter.indicatorIds');
    if (inst) {
      strings(inst.vnfdIds, 'filter.vnfInstanceSubscriptionFilter.vnfdIds');
      strings(inst.vnfInstanceIds, 'filter.vnfInstanceSubscriptionFilter.vnfInstanceIds');
      strings(inst.vnfInstanceNames, 'filter.vnfInstanceSubscriptionFilter.vnfInstanceNames');
    }
    filter = f as VnfIndicatorNotificationsFilter;
  }
  return { callbackUri, ...(filter && { filter }), authentication: parseSubscriptionAuthentication(body.authentication) };
}

/** SOL003 8.5.2.3 VnfIndicatorSubscription: the request without its credentials, plus id and self link. */
export function indicatorSubscription(id: string, selfHref: string, request: IndicatorSubscriptionRequest): SubscriptionDoc {
  return { id, ...(request.filter && { filter: request.filter }), callbackUri: request.callbackUri, _links: { self: { href: selfHref } } };
}

/** What a VnfIndicatorValueChangeNotification is about. */
export interface IndicatorNotificationSubject {
  readonly notificationType: (typeof INDICATOR_NOTIFICATION_TYPES)[number];
  readonly indicatorId: string;
  /** The VNF instance: its id, and what LCM knows of it (VNFD, product, name). */
  readonly vnfInstance: VnfInstanceFacts;
}

/**
 * Every attribute present must match (and), any value of a list will do (or); the VNF
 * instance part is SOL003 4.4.1.5, matched as for LCM and FM subscriptions. A filter on an
 * attribute the facts lack (an instance LCM does not know) matches nothing.
 */
export function matchesIndicatorFilter(filter: VnfIndicatorNotificationsFilter | undefined, s: IndicatorNotificationSubject): boolean {
  if (!filter) return true;
  if (filter.notificationTypes && !filter.notificationTypes.includes(s.notificationType)) return false;
  if (filter.indicatorIds && !filter.indicatorIds.includes(s.indicatorId)) return false;
  const f = filter.vnfInstanceSubscriptionFilter;
  return !f || matchesVnfInstanceFilter(f, s.vnfInstance);
}

export function indicatorSubscriptionMatcher(subject: IndicatorNotificationSubject): SubscriptionMatcher {
  return (subscription) => matchesIndicatorFilter(subscription.filter as VnfIndicatorNotificationsFilter | undefined, subject);
}
