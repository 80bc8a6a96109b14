import { BadRequest } from '../../platform/http/problem-details.ts';
import {
  checkHttpUrl,
  parseSubscriptionAuthentication,
  type SubscriptionAuthentication,
} from '../../platform/sol/subscriptions/subscription-authentication.ts';
import {
  LCM_NOTIFICATION_TYPES,
  LCM_OPERATION_STATES,
  LCM_OPERATION_TYPES,
  type LifecycleChangeNotificationsFilter,
  type VnfInstanceSubscriptionFilter,
} from './lcm-subscription-filter.ts';

/** SOL003 5.5.2.15 LccnSubscriptionRequest, checked. */
export interface LccnSubscriptionRequest {
  readonly callbackUri: string;
  readonly filter?: LifecycleChangeNotificationsFilter;
  /** SOL003 5.5.3.23 LcmOpOccNotificationVerbosityType; Tacker defaults to FULL. */
  readonly verbosity: 'FULL' | 'SHORT';
  readonly authentication?: SubscriptionAuthentication;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function object(v: unknown, where: string): Obj {
  if (!isObject(v)) throw new BadRequest(`${where} must be an object.`);
  return v;
}

function strings(v: unknown, where: string, allowed?: readonly string[]): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new BadRequest(`${where} must be an array of strings.`);
  const bad = allowed ? v.find((s) => !allowed.includes(s)) : undefined;
  if (bad !== undefined) throw new BadRequest(`${where} has an invalid value ${JSON.stringify(bad)}.`);
  return v;
}

function requiredString(o: Obj, key: string, where: string): string {
  if (typeof o[key] !== 'string') throw new BadRequest(`${where}.${key} must be a string.`);
  return o[key] as string;
}

function array(v: unknown, where: string): unknown[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new BadRequest(`${where} must be an array.`);
  return v;
}

function instanceFilter(raw: unknown): VnfInstanceSubscriptionFilter {
  const w = 'filter.vnfInstanceSubscriptionFilter';
  const f = object(raw, w);
  const products = array(f.vnfProductsFromProviders, `${w}.vnfProductsFromProviders`)?.map((p, i) => {
    const pw = `${w}.vnfProductsFromProviders[${i}]`;
    const po = object(p, pw);
    return {
      vnfProvider: requiredString(po, 'vnfProvider', pw),
      vnfProducts: array(po.vnfProducts, `${pw}.vnfProducts`)?.map((q, j) => {
        const qw = `${pw}.vnfProducts[${j}]`;
        const qo = object(q, qw);
        return {
          vnfProductName: requiredString(qo, 'vnfProductName', qw),
          versions: array(qo.versions, `${qw}.versions`)?.map((v, k) => {
            const vw = `${qw}.versions[${k}]`;
            const vo = object(v, vw);
            return {
              vnfSoftwareVersion: requiredString(vo, 'vnfSoftwareVersion', vw),
              vnfdVersions: strings(vo.vnfdVersions, `${vw}.vnfdVersions`),
            };
          }),
        };
      }),
    };
  });
  return dropUndefined({
    vnfdIds: strings(f.vnfdIds, `${w}.vnfdIds`),
    vnfProductsFromProviders: products,
    vnfInstanceIds: strings(f.vnfInstanceIds, `${w}.vnfInstanceIds`),
    vnfInstanceNames: strings(f.vnfInstanceNames, `${w}.vnfInstanceNames`),
  });
}

function dropUndefined<T extends object>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

/**
 * Checks a LccnSubscriptionRequest body. Bad input is a 400 naming the
 * attribute; secrets in `authentication` are never quoted.
 */
export function parseLccnSubscriptionRequest(body: unknown): LccnSubscriptionRequest {
  const b = object(body, 'The request body');
  const callbackUri = checkHttpUrl(b.callbackUri, 'callbackUri');
  const verbosity = b.verbosity ?? 'FULL';
  if (verbosity !== 'FULL' && verbosity !== 'SHORT') throw new BadRequest('verbosity must be FULL or SHORT.');
  let filter: LifecycleChangeNotificationsFilter | undefined;
  if (b.filter !== undefined) {
    const f = object(b.filter, 'filter');
    filter = dropUndefined({
      vnfInstanceSubscriptionFilter:
        f.vnfInstanceSubscriptionFilter === undefined ? undefined : instanceFilter(f.vnfInstanceSubscriptionFilter),
      notificationTypes: strings(f.notificationTypes, 'filter.notificationTypes', LCM_NOTIFICATION_TYPES),
      operationTypes: strings(f.operationTypes, 'filter.operationTypes', LCM_OPERATION_TYPES),
      operationStates: strings(f.operationStates, 'filter.operationStates', LCM_OPERATION_STATES),
    });
  }
  return { callbackUri, filter, verbosity, authentication: parseSubscriptionAuthentication(b.authentication) };
}
