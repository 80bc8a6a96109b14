import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import express, { type Express } from 'express';
import { loadConfig } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { OPENAPI_DIR, openApiDocumentPath } from '../../platform/http/openapi-validation.ts';
import { SOL_APIS, uriPrefix, type SolApi } from '../../platform/http/sol-api.ts';
import { startService, type RunningService } from '../../vnfm-plugin/service.ts';
import { atPointer, loadDocument, operationsOf, refsIn, resolveRef, schemaAt } from '../support/openapi-documents.ts';

const DOCUMENTS = readdirSync(OPENAPI_DIR).filter((f) => f.endsWith('.yaml')).map((f) => path.join(OPENAPI_DIR, f));
const COMMON = path.join(OPENAPI_DIR, 'sol-common.yaml');
const ETSI_DIR = fileURLToPath(new URL('../../../shared/etsi/', import.meta.url));

type Doc = { openapi: string; info: { version: string }; servers?: { url: string }[]; paths: Record<string, Record<string, unknown>> };

describe('our OpenAPI documents', () => {
  test('one per API served, plus the shared components', () => {
    const names = DOCUMENTS.map((f) => path.basename(f)).sort();
    // monitoring.yaml (types in monitoring-common.yaml): our own, non-SOL API; see tests/contract/monitoring-query.test.ts.
    const own = ['monitoring.yaml', 'monitoring-common.yaml', 'decisions.yaml'];
    assert.deepEqual(names, ['sol-common.yaml', ...own, ...SOL_APIS.map((api) => `${api.name}.yaml`)].sort());
  });

  for (const file of DOCUMENTS) {
    const name = path.basename(file);
    test(`${name} parses as OpenAPI 3.0 and every $ref resolves`, () => {
      const doc = loadDocument(file) as Doc;
      assert.match(doc.openapi, /^3\.0\.\d+$/);
      const seen = new Set<string>();
      const visit = (from: string) => {
        if (seen.has(from)) return;
        seen.add(from);
        for (const { ref, at } of refsIn(loadDocument(from))) {
          let target: string;
          try {
            target = resolveRef(from, ref).file;
          } catch (err) {
            assert.fail(`${path.basename(from)}${at}: $ref ${ref} does not resolve (${(err as Error).message})`);
          }
          visit(target);
        }
      };
      visit(file);
    });
  }

  for (const api of SOL_APIS) {
    test(`${api.name}.yaml: version ${api.version}, server ${uriPrefix(api)}, SOL013 rules on every operation`, () => {
      const file = openApiDocumentPath(api);
      const doc = loadDocument(file) as Doc;
      assert.equal(doc.info.version, api.version);
      assert.deepEqual(doc.servers, [{ url: uriPrefix(api) }], 'relative server: the API prefix');
      const ids = new Set<string>();
      for (const { path: p, method, operation, pathItem } of operationsOf(doc)) {
        const where = `${method.toUpperCase()} ${p}`;
        assert.ok(typeof operation.operationId === 'string' && !ids.has(operation.operationId), `${where}: unique operationId`);
        ids.add(operation.operationId as string);
        const responses = operation.responses as Record<string, { $ref?: string }>;
        assert.ok(responses['401'], `${where}: documents 401 (auth on every route)`);
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) < 400) continue;
          const resolved = (response.$ref ? resolveRef(file, response.$ref).value : response) as { content?: Record<string, unknown> };
          assert.deepEqual(Object.keys(resolved.content ?? {}), ['application/problem+json'], `${where} ${status}: ProblemDetails`);
        }
        const params = [...((pathItem.parameters as { $ref?: string }[]) ?? []), ...((operation.parameters as { $ref?: string }[]) ?? [])];
        const takesVersion = params.some((prm) => prm.$ref === './sol-common.yaml#/components/parameters/Version');
        // SOL013 4.9: Version on every request except api_versions (Tacker does not ask for it there).
        assert.equal(takesVersion, p !== '/api_versions', `${where}: Version header parameter`);
      }
    });
  }
});

/** Resources SOL003 V3.3.1/V3.7.1 define per API; whatever we serve among them must be documented. */
const SOL003_RESOURCES: Record<SolApi['name'], string[]> = {
  vnflcm: [
    '/vnf_instances', '/vnf_instances/{id}', '/vnf_instances/{id}/instantiate', '/vnf_instances/{id}/scale',
    '/vnf_instances/{id}/scale_to_level', '/vnf_instances/{id}/change_flavour', '/vnf_instances/{id}/terminate',
    '/vnf_instances/{id}/heal', '/vnf_instances/{id}/operate', '/vnf_instances/{id}/change_ext_conn',
    '/vnf_instances/{id}/change_vnfpkg', '/vnf_instances/{id}/create_snapshot', '/vnf_instances/{id}/revert_to_snapshot',
    '/vnf_lcm_op_occs', '/vnf_lcm_op_occs/{id}', '/vnf_lcm_op_occs/{id}/retry', '/vnf_lcm_op_occs/{id}/rollback',
    '/vnf_lcm_op_occs/{id}/fail', '/vnf_lcm_op_occs/{id}/cancel', '/vnf_snapshots', '/vnf_snapshots/{id}',
  ],
  vnffm: ['/alarms', '/alarms/{id}', '/alarms/{id}/escalate'],
  vnfind: ['/indicators', '/indicators/{id}', '/indicators/{id}/{id}'],
  vnfpm: ['/pm_jobs', '/pm_jobs/{id}', '/pm_jobs/{id}/reports/{id}', '/thresholds', '/thresholds/{id}'],
};
const COMMON_RESOURCES = ['', '/', '/api_versions', '/api_versions/x', '/subscriptions', '/subscriptions/{id}', '/unknown'];
const ETSI_FILES: Record<SolApi['name'], string> = {
  vnflcm: 'sol003_lifecycle_openapi.json',
  vnffm: 'sol003_fault_openapi.json',
  vnfind: 'sol003_indicator_openapi.json',
  vnfpm: 'sol003_perf_openapi.json',
};
const PROBE_ID = '0f6c9d1e-7b1a-4c55-9a53-8d2f2c1e6a10';

function candidatePaths(api: SolApi): string[] {
  const paths = new Set([...COMMON_RESOURCES, ...SOL003_RESOURCES[api.name], ...Object.keys((loadDocument(openApiDocumentPath(api)) as Doc).paths)]);
  const bundle = path.join(ETSI_DIR, 'sol003-v3.3.1-bundled', ETSI_FILES[api.name]);
  if (existsSync(bundle)) for (const p of Object.keys((loadDocument(bundle) as Doc).paths)) paths.add(p);
  return [...paths].map((p) => p.replace(/\{[^}]+\}/g, PROBE_ID));
}

/** The documented operation a concrete path and method hit, if any. */
function documented(api: SolApi, concrete: string, method: string): boolean {
  return operationsOf(loadDocument(openApiDocumentPath(api))).some(
    (op) => op.method === method && new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(concrete),
  );
}

interface ListedRoute {
  path: string | RegExp;
  methods?: string[];
  router?: { listRoutes(): ListedRoute[] };
}

/** Every method + full path registered on the app, walking mounted routers (router 2.x listRoutes). */
function routeTable(router: { listRoutes(): ListedRoute[] }, prefix = ''): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  for (const r of router.listRoutes()) {
    const full = prefix + (typeof r.path === 'string' ? r.path : String(r.path));
    if (r.router) out.push(...routeTable(r.router, full === '/' ? '' : full));
    for (const m of r.methods ?? []) out.push({ method: m.toLowerCase(), path: full });
  }
  return out;
}

describe('the real service serves exactly what is documented', () => {
  let service: RunningService;
  let app: Express | undefined;
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'vnfm-openapi-'));
    const config = loadConfig({ VNFM_LISTEN: '127.0.0.1:0', SYSLOG_LISTEN: '127.0.0.1:0', VNFM_DATA_DIR: dataDir, VNFM_VALIDATE_RESPONSES: 'true' });
    // Catch the app the composition root builds, to read its route table.
    const listen = express.application.listen;
    express.application.listen = function (this: Express, ...args: unknown[]) {
      app = this;
      return (listen as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof listen;
    try {
      service = await startService(config, createLogger('silent'));
    } finally {
      express.application.listen = listen;
    }
  });
  after(async () => {
    await service?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const api of SOL_APIS) {
    test(`${uriPrefix(api)}: every route that answers is in ${api.name}.yaml, nothing answers 500`, async () => {
      const served: string[] = [];
      for (const p of candidatePaths(api)) {
        for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
          const url = `${uriPrefix(api)}${p}`;
          let req = request(service.url)[method as 'get'](url).set('Version', api.version).set('Accept', 'application/json');
          if (method !== 'get' && method !== 'delete') req = req.set('Content-Type', method === 'patch' ? 'application/merge-patch+json' : 'application/json').send('{}');
          const res = await req;
          assert.notEqual(res.status, 500, `${method.toUpperCase()} ${url}: ${res.text}`);
          const routeMissing = res.status === 405 || (res.status === 404 && /could not be found/.test(JSON.parse(res.text).detail));
          if (!routeMissing) served.push(`${method.toUpperCase()} ${p}`);
          if (!routeMissing) assert.ok(documented(api, p, method), `${method.toUpperCase()} ${url} answers ${res.status} but is not documented`);
          // A documented operation without a body is reachable (one with a body stops at validation here).
          if (documented(api, p, method) && !['post', 'put', 'patch'].includes(method)) {
            assert.ok(!routeMissing, `${method.toUpperCase()} ${url} is documented but answers ${res.status}: ${res.text}`);
          }
        }
      }
      assert.ok(served.includes('GET /api_versions'), 'api_versions is served');
    });
  }

  test('every route registered under /{api}/{major} is documented (else the validator makes it unreachable)', () => {
    assert.ok(app, 'the app was caught');
    const table = routeTable(app.router as unknown as { listRoutes(): ListedRoute[] });
    assert.ok(table.some((r) => r.path === '/vnflcm/api_versions'), 'the route table was read');
    const undocumented: string[] = [];
    for (const api of SOL_APIS) {
      for (const { method, path: full } of table) {
        if (!full.startsWith(`${uriPrefix(api)}/`) || method === '*' || method === 'head') continue;
        const relative = full.slice(uriPrefix(api).length).replace(/:(\w+)/g, PROBE_ID);
        if (!documented(api, relative, method)) undocumented.push(`${method.toUpperCase()} ${full}`);
      }
    }
    assert.deepEqual(undocumented, [], 'add these to api/openapi');
  });

  test('api_versions on both paths answers ApiVersionInformation with the Version header', async () => {
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schemaAt(COMMON, '#/components/schemas/ApiVersionInformation'));
    for (const api of SOL_APIS) {
      for (const prefix of [`/${api.name}`, uriPrefix(api)]) {
        const res = await request(service.url).get(`${prefix}/api_versions`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.version, api.version);
        const body = res.body as { uriPrefix: string; apiVersions: { version: string }[] };
        assert.ok(validate(body), `${prefix}/api_versions: ${JSON.stringify(validate.errors)}`);
        assert.equal(body.uriPrefix, prefix);
        assert.deepEqual(body.apiVersions.map((v) => v.version), [api.version]);
      }
      // Documented under the alternative server too (SOL013 9.3.2).
      const servers = atPointer(loadDocument(openApiDocumentPath(api)), '#/paths/~1api_versions/servers') as { url: string }[];
      assert.deepEqual(servers.map((s) => s.url).sort(), [`/${api.name}`, uriPrefix(api)].sort());
    }
  });
});
