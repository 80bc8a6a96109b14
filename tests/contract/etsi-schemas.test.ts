import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { OPENAPI_DIR } from '../../platform/http/openapi-validation.ts';
import { schemaAt } from '../support/openapi-documents.ts';
import { fullestInstance, schemaDifferences, type Difference } from '../support/schema-drift.ts';
import * as samples from './fixtures/sol-samples.ts';

// The official ETSI files live beside the repository (../shared/etsi), never inside it.
const ETSI_DIR = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/etsi');
const BUNDLES = path.join(ETSI_DIR, 'sol003-v3.3.1-bundled');
const skip = existsSync(BUNDLES) ? false : `ETSI SOL003 V3.3.1 OpenAPI bundles not found at ${BUNDLES}; schema conformance not checked`;
if (skip) console.log(`# skipped: ${skip}`);

const COMMON = path.join(OPENAPI_DIR, 'sol-common.yaml');
const VNFLCM = path.join(OPENAPI_DIR, 'vnflcm.yaml');
const LCM_BUNDLE = path.join(BUNDLES, 'sol003_lifecycle_openapi.json');
const JSON_SCHEMA = 'content/application~1json/schema';
const SUBSCRIPTION_REQUEST = `#/components/requestBodies/LccnSubscriptionRequest/${JSON_SCHEMA}`;

/** Where ETSI defines each type we serve (the bundles keep data types inline). */
interface Counterpart {
  readonly name: string;
  readonly ours: [file: string, pointer: string];
  readonly etsi: [file: string, pointer: string][];
  readonly samples: Record<string, unknown>;
  /** Differences we mean to have, each with its reason; anything else is drift. */
  readonly deviations: Difference[];
}

// Tacker v2 serves no snapshot operations; TLS_CERT needs client certificates we are not given;
// credentials cannot be provisioned out of band, so the parameters are mandatory (as in Tacker).
const OPERATION_TYPES: Difference = { at: '/operationTypes/items', kind: 'enum-missing', values: ['CREATE_SNAPSHOT', 'REVERT_TO_SNAPSHOT'] };
const AUTHENTICATION: Difference[] = [
  { at: '/authType/items', kind: 'enum-missing', values: ['TLS_CERT'] },
  { at: '/paramsBasic', kind: 'extra-required', values: ['password', 'userName'] },
  { at: '/paramsOauth2ClientCredentials', kind: 'extra-required', values: ['clientId', 'clientPassword', 'tokenEndpoint'] },
];
const under = (prefix: string, ds: Difference[]) => ds.map((d) => ({ ...d, at: prefix + d.at }));

const COUNTERPARTS: Counterpart[] = [
  {
    name: 'ProblemDetails',
    ours: [COMMON, '#/components/schemas/ProblemDetails'],
    etsi: ['lifecycle', 'fault', 'indicator', 'perf'].map((api) => [
      path.join(BUNDLES, `sol003_${api}_openapi.json`),
      `#/paths/~1${api === 'perf' ? 'api-versions' : 'api_versions'}/get/responses/400/${JSON_SCHEMA}`,
    ]),
    samples: samples.PROBLEM_DETAILS,
    deviations: [],
  },
  {
    name: 'ApiVersionInformation',
    ours: [COMMON, '#/components/schemas/ApiVersionInformation'],
    // The PM bundle spells the resource api-versions (an upstream slip; SOL013 says api_versions).
    etsi: ['lifecycle', 'fault', 'indicator', 'perf'].map((api) => [
      path.join(BUNDLES, `sol003_${api}_openapi.json`),
      `#/paths/~1${api === 'perf' ? 'api-versions' : 'api_versions'}/get/responses/200/${JSON_SCHEMA}`,
    ]),
    samples: samples.API_VERSION_INFORMATION,
    deviations: [],
  },
  {
    name: 'Link',
    ours: [COMMON, '#/components/schemas/Link'],
    etsi: [[LCM_BUNDLE, `#/components/responses/Subscriptions.Post.201/${JSON_SCHEMA}/properties/_links/properties/self`]],
    samples: samples.LINK,
    deviations: [],
  },
  {
    name: 'SubscriptionAuthentication',
    ours: [COMMON, '#/components/schemas/SubscriptionAuthentication'],
    etsi: [[LCM_BUNDLE, `${SUBSCRIPTION_REQUEST}/properties/authentication`]],
    samples: samples.SUBSCRIPTION_AUTHENTICATION,
    deviations: AUTHENTICATION,
  },
  {
    name: 'LifecycleChangeNotificationsFilter',
    ours: [VNFLCM, '#/components/schemas/LifecycleChangeNotificationsFilter'],
    etsi: [[LCM_BUNDLE, `${SUBSCRIPTION_REQUEST}/properties/filter`]],
    samples: samples.LIFECYCLE_CHANGE_NOTIFICATIONS_FILTER,
    deviations: [OPERATION_TYPES],
  },
  {
    name: 'LccnSubscriptionRequest',
    ours: [VNFLCM, '#/components/schemas/LccnSubscriptionRequest'],
    etsi: [[LCM_BUNDLE, SUBSCRIPTION_REQUEST]],
    samples: samples.LCCN_SUBSCRIPTION_REQUEST,
    deviations: [...under('/authentication', AUTHENTICATION), ...under('/filter', [OPERATION_TYPES])],
  },
  {
    name: 'LccnSubscription',
    ours: [VNFLCM, '#/components/schemas/LccnSubscription'],
    etsi: [
      [LCM_BUNDLE, `#/components/responses/Subscriptions.Post.201/${JSON_SCHEMA}`],
      [LCM_BUNDLE, `#/components/responses/IndividualSubscription.Get.200/${JSON_SCHEMA}`],
      // The bundle gives GET /subscriptions one LccnSubscription, not an array (an upstream slip;
      // SOL003 5.4.18.3.2 returns an array). Its element type is what we compare.
      [LCM_BUNDLE, `#/components/responses/Subscriptions.Get.200/${JSON_SCHEMA}`],
    ],
    samples: samples.LCCN_SUBSCRIPTION,
    deviations: under('/filter', [OPERATION_TYPES]),
  },
];

function newAjv(): Ajv {
  // ETSI writes formats such as "URI", "IP" and "MAC" that no validator knows: they are
  // names, not checks. Ours are standard and checked in full.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv, { mode: 'full' });
  for (const f of ['URI', 'url', 'IP', 'MAC', 'float']) ajv.addFormat(f, true);
  return ajv;
}

function explain(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}

describe('our schemas against ETSI GS NFV-SOL 003 V3.3.1', { skip }, () => {
  const ajv = newAjv();

  for (const c of COUNTERPARTS) {
    describe(c.name, () => {
      const ours = schemaAt(...c.ours);

      test('has the same attributes, types, enumerations and mandatory attributes (declared deviations aside)', () => {
        for (const [file, pointer] of c.etsi) {
          const differences = schemaDifferences(ours, schemaAt(file, pointer));
          assert.deepEqual(differences, c.deviations, `${path.basename(file)}${pointer}`);
        }
      });

      for (const [variant, sample] of Object.entries(c.samples)) {
        test(`the ${variant} sample is valid for us and for ETSI`, () => {
          const mine = ajv.compile(ours);
          assert.ok(mine(sample), `ours: ${explain(mine)}`);
          for (const [file, pointer] of c.etsi) {
            const theirs = ajv.compile(schemaAt(file, pointer));
            assert.ok(theirs(sample), `${path.basename(file)}${pointer}: ${explain(theirs)}`);
          }
        });
      }

      test('the fullest ETSI-shaped instance is accepted by our schema', () => {
        for (const [file, pointer] of c.etsi) {
          const instance = fullestInstance(schemaAt(file, pointer));
          const mine = ajv.compile(ours);
          assert.ok(mine(instance), `${JSON.stringify(instance)}: ${explain(mine)}`);
        }
      });
    });
  }

  test('a drifted schema is noticed (the comparison can fail)', () => {
    const etsi = schemaAt(LCM_BUNDLE, `#/components/responses/Subscriptions.Post.201/${JSON_SCHEMA}`);
    const drifted = structuredClone(schemaAt(VNFLCM, '#/components/schemas/LccnSubscription')) as {
      required: string[];
      properties: Record<string, unknown>;
    };
    drifted.required = drifted.required.filter((r) => r !== 'verbosity');
    drifted.properties.callbackUrl = { type: 'string' };
    const kinds = schemaDifferences(drifted, etsi).map((d) => `${d.kind} ${d.at}`);
    assert.ok(kinds.includes('missing-required '), kinds.join(', '));
    assert.ok(kinds.includes('not-in-etsi /callbackUrl'), kinds.join(', '));
  });
});
