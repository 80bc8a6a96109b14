import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { schemaAt } from './openapi-documents.ts';

// The official ETSI files live beside the repository (../shared/etsi), never inside it.
const ETSI_DIR = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/etsi');
const FAULT_BUNDLE = path.join(ETSI_DIR, 'sol003-v3.3.1-bundled', 'sol003_fault_openapi.json');
// V3.3.1 has no notification documents; the FM notification types did not change in
// structure up to V3.7.1 (same attributes and mandatory ones), so V3.7.1's are used.
const FM_NOTIFICATIONS = path.join(ETSI_DIR, 'sol002-sol003-v3.7.1', 'SOL003', 'VNFFaultManagementNotification', 'definitions', 'SOL003VNFFaultManagementNotification_def.yaml');

/** Why the ETSI conformance checks cannot run here, or false. Printed once by each file that uses it. */
export const ETSI_SKIP: string | false =
  existsSync(FAULT_BUNDLE) && existsSync(FM_NOTIFICATIONS)
    ? false
    : `ETSI SOL003 definitions not found under ${ETSI_DIR} (../shared absent); VNF FM conformance not checked`;

const JSON_SCHEMA = 'content/application~1json/schema';

/**
 * The ETSI definitions of what VNF FM returns and sends. The V3.3.1 bundle gives
 * GET /alarms and GET /subscriptions one element, not an array (an upstream slip: SOL003
 * 7.4.2.3.2 and 7.4.4.3.2 return arrays); lists are checked element by element. (The bundle
 * names the 201 of POST /subscriptions `Subscriptions.Post.200`.)
 */
export const ETSI_FM = {
  alarm: [FAULT_BUNDLE, `#/components/responses/IndividualAlarm.Get.200/${JSON_SCHEMA}`],
  alarmListElement: [FAULT_BUNDLE, `#/components/responses/Alarms.Get.200/${JSON_SCHEMA}`],
  alarmModifications: [FAULT_BUNDLE, `#/components/responses/IndividualAlarm.Patch.200/${JSON_SCHEMA}`],
  subscriptionCreated: [FAULT_BUNDLE, `#/components/responses/Subscriptions.Post.200/${JSON_SCHEMA}`],
  subscriptionListElement: [FAULT_BUNDLE, `#/components/responses/Subscriptions.Get.200/${JSON_SCHEMA}`],
  subscription: [FAULT_BUNDLE, `#/components/responses/IndividualSubscription.Get.200/${JSON_SCHEMA}`],
  problemDetails: [FAULT_BUNDLE, `#/paths/~1alarms/get/responses/400/${JSON_SCHEMA}`],
  AlarmNotification: [FM_NOTIFICATIONS, '#/definitions/AlarmNotification'],
  AlarmClearedNotification: [FM_NOTIFICATIONS, '#/definitions/AlarmClearedNotification'],
  AlarmListRebuiltNotification: [FM_NOTIFICATIONS, '#/definitions/AlarmListRebuiltNotification'],
} as const;

export type EtsiFmType = keyof typeof ETSI_FM;

let ajv: Ajv | undefined;
const compiled = new Map<EtsiFmType, ValidateFunction>();

function validator(type: EtsiFmType): ValidateFunction {
  let v = compiled.get(type);
  if (!v) {
    if (!ajv) {
      // ETSI writes formats such as "URI" that no validator knows: names, not checks.
      ajv = new Ajv({ strict: false, allErrors: true, logger: false });
      addFormats.default(ajv, { mode: 'full' });
      for (const f of ['URI', 'url', 'IP', 'MAC', 'float']) ajv.addFormat(f, true);
    }
    const [file, pointer] = ETSI_FM[type];
    v = ajv.compile(schemaAt(file, pointer));
    compiled.set(type, v);
  }
  return v;
}

/** Asserts that `body` is valid for the ETSI definition of `type` (each element when `list`). */
export function assertEtsiValid(type: EtsiFmType, body: unknown, list = false): void {
  const items = list ? body : [body];
  assert.ok(Array.isArray(items), `expected an array, got ${JSON.stringify(body)?.slice(0, 200)}`);
  const validate = validator(type);
  items.forEach((item, i) => {
    const ok = validate(item);
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    assert.ok(ok, `${type}${list ? `[${i}]` : ''} is not valid for ETSI: ${why}\n${JSON.stringify(item)}`);
  });
}
