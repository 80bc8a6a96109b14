/**
 * The official ETSI definitions the VNF PM and VNF indicator conformance cases validate
 * against: the SOL003 V3.3.1 OpenAPI bundles for response bodies, and (V3.3.1 has no
 * notification files) the SOL003 V3.7.1 notification definitions, whose PM and indicator
 * notifications did not change since. They live beside the repository in ../shared/etsi.
 *
 * The ETSI OpenAPI files contradict the normative tables of SOL003 V3.3.1 in a few places.
 * Those places are corrected before validating, each named here with its clause; anything
 * else in the definitions is used as published. `ETSI_CORRECTIONS` lists them, and
 * `correctionsApplied` tells which ones a schema needed (a test checks each one is needed).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { atPointer, inlineRefs, loadDocument } from './openapi-documents.ts';

export const ETSI_DIR = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/etsi');
const BUNDLES = path.join(ETSI_DIR, 'sol003-v3.3.1-bundled');
const V371 = path.join(ETSI_DIR, 'sol002-sol003-v3.7.1', 'SOL003');
export const PERF_BUNDLE = path.join(BUNDLES, 'sol003_perf_openapi.json');
export const INDICATOR_BUNDLE = path.join(BUNDLES, 'sol003_indicator_openapi.json');
const PM_NOTIFICATIONS = path.join(V371, 'VNFPerformanceManagementNotification/definitions/SOL003VNFPerformanceManagementNotification_def.yaml');
const INDICATOR_NOTIFICATIONS = path.join(V371, 'VNFIndicatorNotification/definitions/SOL003VNFIndicatorNotification_def.yaml');

/** Why the conformance cases are skipped, or false when the ETSI files are there. */
export const etsiSkip: string | false = [PERF_BUNDLE, INDICATOR_BUNDLE, PM_NOTIFICATIONS, INDICATOR_NOTIFICATIONS].every(existsSync)
  ? false
  : `the official ETSI SOL003 definitions are not at ${ETSI_DIR} (../shared/etsi); conformance cases not run`;

type Schema = Record<string, unknown>;

export interface EtsiCorrection {
  readonly name: string;
  /** Why, with the clause of SOL003 V3.3.1 the published OpenAPI file contradicts. */
  readonly reason: string;
  /** Fixes one schema node in place; true when it changed something. */
  readonly fix: (node: Schema) => boolean;
}

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const props = (node: Schema) => (isSchema(node.properties) ? (node.properties as Record<string, Schema>) : undefined);

export const ETSI_CORRECTIONS: readonly EtsiCorrection[] = [
  {
    name: 'performanceValues-required',
    reason: 'SOL003 6.5.2.10 (table 6.5.2.10-1): a report entry has performanceValues (1..N); the OpenAPI file requires a "performanceValue" it does not define',
    fix: (node) => {
      const p = props(node);
      if (!Array.isArray(node.required) || !node.required.includes('performanceValue') || !p?.performanceValues || p.performanceValue) return false;
      node.required = node.required.map((r) => (r === 'performanceValue' ? 'performanceValues' : r));
      return true;
    },
  },
  {
    name: 'any-json-value',
    reason: 'SOL003 6.5.2.10, 6.5.2.4, 8.5.2.2 and 8.5.2.5: value / performanceValue are of type "Object", any JSON value in the unit of the measurement or as the VNFD defines; the OpenAPI files narrow them to a JSON object',
    fix: (node) => {
      const p = props(node);
      let changed = false;
      for (const name of ['value', 'performanceValue']) {
        const v = p?.[name];
        if (v && v.type === 'object' && v.properties === undefined) {
          delete v.type;
          changed = true;
        }
      }
      return changed;
    },
  },
  {
    name: 'pm-job-reports-array',
    reason: 'SOL003 6.5.2.7: PmJob.reports is 0..N (an array); the OpenAPI file types it as one object',
    fix: (node) => {
      const reports = props(node)?.reports;
      if (!reports || reports.type !== 'object' || !props(reports)?.readyTime) return false;
      props(node)!.reports = { type: 'array', items: { ...reports } };
      return true;
    },
  },
  {
    name: 'notification-types-array',
    reason: 'SOL003 8.5.3.2: VnfIndicatorNotificationsFilter.notificationTypes is 0..N (an array); the OpenAPI file types it as one string',
    fix: (node) => {
      const types = props(node)?.notificationTypes;
      if (!types || types.type !== 'string' || !Array.isArray(types.enum)) return false;
      props(node)!.notificationTypes = { type: 'array', items: { ...types } };
      return true;
    },
  },
];

/** Applies the corrections to every node of a schema (a copy); returns it and the names of those applied. */
export function corrected(schema: unknown): { schema: unknown; applied: string[] } {
  const copy = structuredClone(schema);
  const applied = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isSchema(node)) return;
    for (const c of ETSI_CORRECTIONS) if (c.fix(node)) applied.add(c.name);
    Object.values(node).forEach(walk);
  };
  walk(copy);
  return { schema: copy, applied: [...applied] };
}

/** The JSON schema of a response body of a bundle operation, e.g. ('/pm_jobs', 'get', '200'). */
export function responseSchema(bundle: string, pathName: string, method: string, status: string): unknown {
  const doc = loadDocument(bundle);
  let response = atPointer(doc, `#/paths/${pathName.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${status}`) as Schema;
  if (typeof response.$ref === 'string') response = atPointer(doc, response.$ref) as Schema;
  return atPointer(response, '#/content/application~1json/schema');
}

export type NotificationName = 'PerformanceInformationAvailableNotification' | 'ThresholdCrossedNotification' | 'VnfIndicatorValueChangeNotification';

/** A notification's definition (V3.7.1, refs inlined). */
export function notificationSchema(name: NotificationName): unknown {
  const file = name === 'VnfIndicatorValueChangeNotification' ? INDICATOR_NOTIFICATIONS : PM_NOTIFICATIONS;
  return inlineRefs(file, atPointer(loadDocument(file), `#/definitions/${name}`));
}

/** ajv as for the other ETSI checks: ETSI writes formats such as "URI" and "url" that are names, not checks. */
export function etsiAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv, { mode: 'full' });
  for (const f of ['URI', 'url', 'IP', 'MAC', 'float']) ajv.addFormat(f, true);
  return ajv;
}

const ajv = etsiAjv();
const cache = new Map<unknown, ValidateFunction>();

/** Throws, naming every violation, unless `body` is valid for the (corrected) ETSI schema. */
export function assertEtsiValid(schema: unknown, body: unknown, what: string): void {
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(corrected(schema).schema as object);
    cache.set(schema, validate);
  }
  if (!validate(body)) {
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(`${what} is not valid for the ETSI definition: ${errors}\n${JSON.stringify(body)}`);
  }
}
