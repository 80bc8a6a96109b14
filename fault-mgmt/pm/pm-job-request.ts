/**
 * CreatePmJobRequest (SOL003 6.5.2.6) and CreateThresholdRequest (6.5.2.8): what the OpenAPI
 * validator cannot check. The shape was checked at the edge; these functions check meaning
 * and answer 400 naming the attribute (Tacker PMJobInvalidRequest). Whether the objects exist
 * is checked against the VNF topology (checkObjects, 422).
 */
import type { components } from '../../api/generated/vnfpm.ts';
import { BadRequest, UnprocessableEntity } from '../../platform/http/problem-details.ts';
import {
  checkHttpUrl,
  parseSubscriptionAuthentication,
  type SubscriptionAuthentication,
} from '../../platform/sol/subscriptions/subscription-authentication.ts';
import {
  appliesTo,
  measurementsOfGroup,
  MEASUREMENT_GROUPS,
  parsePerformanceMetric,
  PM_OBJECT_TYPES,
  type PmObjectType,
  type RequestedMetric,
} from './pm-measurements.ts';
import type { VnfTopology } from './vnf-topology.ts';

type Schemas = components['schemas'];
export type PmJobCriteria = Schemas['PmJobCriteria'];
export type ThresholdCriteria = Schemas['ThresholdCriteria'];

export interface PmJobRequest {
  readonly objectType: PmObjectType;
  readonly objectInstanceIds: readonly string[];
  readonly subObjectInstanceIds?: readonly string[];
  readonly criteria: PmJobCriteria;
  readonly metrics: readonly RequestedMetric[];
  readonly callbackUri: string;
  readonly authentication?: SubscriptionAuthentication;
}

export interface ThresholdRequest {
  readonly objectType: PmObjectType;
  readonly objectInstanceId: string;
  readonly subObjectInstanceIds?: readonly string[];
  readonly criteria: ThresholdCriteria;
  readonly metric: RequestedMetric;
  readonly callbackUri: string;
  readonly authentication?: SubscriptionAuthentication;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function object(v: unknown, where: string): Obj {
  if (!isObject(v)) throw new BadRequest(`${where} must be an object.`);
  return v;
}

function strings(v: unknown, where: string, minItems = 0): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.length > 0)) {
    throw new BadRequest(`${where} must be an array of non-empty strings.`);
  }
  if (v.length < minItems) throw new BadRequest(`${where} must not be empty.`);
  return [...new Set(v as string[])];
}

function objectType(v: unknown): PmObjectType {
  if (!PM_OBJECT_TYPES.includes(v as PmObjectType)) throw new BadRequest(`objectType must be one of ${PM_OBJECT_TYPES.join(', ')}.`);
  return v as PmObjectType;
}

function period(v: unknown, where: string): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 86_400) {
    throw new BadRequest(`${where} must be a whole number of seconds from 1 to 86400.`);
  }
  return v as number;
}

/** SOL003 6.5.2.6: subObjectInstanceIds only with one object instance, and only where sub-objects exist (VNFCs). */
function subObjects(type: PmObjectType, objectCount: number, raw: unknown): string[] | undefined {
  const subs = strings(raw, 'subObjectInstanceIds');
  if (subs === undefined) return undefined;
  if (type !== 'Vnfc') throw new BadRequest('subObjectInstanceIds apply to objectType Vnfc only.');
  if (objectCount !== 1) throw new BadRequest('subObjectInstanceIds need exactly one objectInstanceIds entry.');
  return subs;
}

/** The metrics criteria ask for: named ones and the members of named groups, each once. */
export function metricsOf(criteria: Obj): RequestedMetric[] {
  const metrics = strings(criteria.performanceMetric, 'criteria.performanceMetric');
  const groups = strings(criteria.performanceMetricGroup, 'criteria.performanceMetricGroup');
  if (!metrics?.length && !groups?.length) {
    throw new BadRequest('criteria needs performanceMetric or performanceMetricGroup (SOL003 6.5.3.3).');
  }
  const out = new Map<string, RequestedMetric>();
  for (const text of metrics ?? []) {
    const m = parsePerformanceMetric(text);
    if (typeof m === 'string') throw new BadRequest(`criteria.${m}.`);
    out.set(m.performanceMetric, m);
  }
  for (const group of groups ?? []) {
    const ms = measurementsOfGroup(group);
    if (!ms) throw new BadRequest(`criteria.performanceMetricGroup ${JSON.stringify(group)} is not served; use ${MEASUREMENT_GROUPS.join(' or ')}.`);
    for (const m of ms) if (!out.has(m.performanceMetric)) out.set(m.performanceMetric, m);
  }
  return [...out.values()];
}

/** Checks a CreatePmJobRequest body. */
export function parsePmJobRequest(body: unknown): PmJobRequest {
  const b = object(body, 'The request body');
  const type = objectType(b.objectType);
  const objectInstanceIds = strings(b.objectInstanceIds, 'objectInstanceIds', 1);
  if (!objectInstanceIds) throw new BadRequest('objectInstanceIds is required.');
  const subObjectInstanceIds = subObjects(type, objectInstanceIds.length, b.subObjectInstanceIds);
  const c = object(b.criteria, 'criteria');
  const collectionPeriod = period(c.collectionPeriod, 'criteria.collectionPeriod');
  const reportingPeriod = period(c.reportingPeriod, 'criteria.reportingPeriod');
  // SOL003 6.5.3.3: the values of the collection periods within a reporting period are reported together.
  if (reportingPeriod % collectionPeriod !== 0) {
    throw new BadRequest('criteria.reportingPeriod must be a multiple of criteria.collectionPeriod.');
  }
  if (c.reportingBoundary !== undefined && (typeof c.reportingBoundary !== 'string' || Number.isNaN(Date.parse(c.reportingBoundary)))) {
    throw new BadRequest('criteria.reportingBoundary must be an RFC 3339 date-time.');
  }
  const metrics = metricsOf(c);
  const ids = [...objectInstanceIds, ...(subObjectInstanceIds ?? [])];
  for (const m of metrics) {
    if (m.onlyFor !== undefined && !ids.includes(m.onlyFor) && type === 'Vnf') {
      throw new BadRequest(`criteria.performanceMetric ${m.performanceMetric} names an instance that is not among objectInstanceIds.`);
    }
  }
  const criteria: PmJobCriteria = {
    ...(c.performanceMetric !== undefined && { performanceMetric: c.performanceMetric as string[] }),
    ...(c.performanceMetricGroup !== undefined && { performanceMetricGroup: c.performanceMetricGroup as string[] }),
    collectionPeriod,
    reportingPeriod,
    ...(c.reportingBoundary !== undefined && { reportingBoundary: c.reportingBoundary as string }),
  };
  return {
    objectType: type,
    objectInstanceIds,
    ...(subObjectInstanceIds && { subObjectInstanceIds }),
    criteria,
    metrics,
    callbackUri: checkHttpUrl(b.callbackUri, 'callbackUri'),
    authentication: parseSubscriptionAuthentication(b.authentication),
  };
}

/** Checks a CreateThresholdRequest body (SOL003 6.5.2.8, 6.5.3.4). */
export function parseThresholdRequest(body: unknown): ThresholdRequest {
  const b = object(body, 'The request body');
  const type = objectType(b.objectType);
  if (typeof b.objectInstanceId !== 'string' || b.objectInstanceId === '') throw new BadRequest('objectInstanceId must be a non-empty string.');
  const subObjectInstanceIds = subObjects(type, 1, b.subObjectInstanceIds);
  const c = object(b.criteria, 'criteria');
  if (c.thresholdType !== 'SIMPLE') throw new BadRequest('criteria.thresholdType must be SIMPLE.');
  if (typeof c.performanceMetric !== 'string') throw new BadRequest('criteria.performanceMetric must be a string.');
  const metric = parsePerformanceMetric(c.performanceMetric);
  if (typeof metric === 'string') throw new BadRequest(`criteria.${metric}.`);
  const d = object(c.simpleThresholdDetails, 'criteria.simpleThresholdDetails');
  const { thresholdValue, hysteresis } = d;
  if (typeof thresholdValue !== 'number' || !Number.isFinite(thresholdValue)) {
    throw new BadRequest('criteria.simpleThresholdDetails.thresholdValue must be a number.');
  }
  if (typeof hysteresis !== 'number' || !Number.isFinite(hysteresis) || hysteresis < 0) {
    throw new BadRequest('criteria.simpleThresholdDetails.hysteresis must be a number of at least 0.');
  }
  return {
    objectType: type,
    objectInstanceId: b.objectInstanceId,
    ...(subObjectInstanceIds && { subObjectInstanceIds }),
    criteria: { performanceMetric: c.performanceMetric, thresholdType: 'SIMPLE', simpleThresholdDetails: { thresholdValue, hysteresis } },
    metric,
    callbackUri: checkHttpUrl(b.callbackUri, 'callbackUri'),
    authentication: parseSubscriptionAuthentication(b.authentication),
  };
}

/** A measured object: a VNF instance and, for objectType Vnfc, one of its VNFCs. */
export interface MeasuredObject {
  readonly vnf: VnfTopology;
  readonly subObjectInstanceId?: string;
}

/**
 * The objects a job or threshold measures now: its VNF instances, or their VNFCs (those
 * listed, or all of them). Unknown instances are a 422 when `strict` (creation), and left
 * out otherwise (a VNF terminated since).
 */
export function measuredObjects(
  vnfs: readonly VnfTopology[],
  type: PmObjectType,
  objectInstanceIds: readonly string[],
  subObjectInstanceIds: readonly string[] | undefined,
  strict: boolean,
): MeasuredObject[] {
  const byId = new Map(vnfs.map((v) => [v.vnfInstanceId, v]));
  const out: MeasuredObject[] = [];
  for (const id of objectInstanceIds) {
    const vnf = byId.get(id);
    if (!vnf) {
      if (strict) throw new UnprocessableEntity(`VNF instance ${id} is not known to the plugin.`);
      continue;
    }
    if (type === 'Vnf') {
      out.push({ vnf });
      continue;
    }
    const known = new Set(vnf.vnfcs.map((c) => c.id));
    const wanted = subObjectInstanceIds ?? [...known];
    for (const sub of wanted) {
      if (known.has(sub)) out.push({ vnf, subObjectInstanceId: sub });
      else if (strict) throw new UnprocessableEntity(`VNFC ${sub} is not a VNFC of VNF instance ${id}.`);
    }
  }
  return out;
}

/** Whether a requested metric is measured for this object. */
export function metricAppliesTo(metric: RequestedMetric, object: MeasuredObject): boolean {
  return appliesTo(metric, object.vnf.vnfInstanceId, object.subObjectInstanceId);
}
