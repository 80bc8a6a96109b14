import { randomBytes, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { openDatabase, type Database } from '../platform/db/database.ts';
import { createLogger } from '../platform/logger.ts';
import { listResources, parseListQuery, type ResourceQuerySpec } from '../platform/sol/list-query.ts';

/**
 * Filtered list latency over 50,000 stored VnfInstance-like documents: the SOL013
 * query layer end to end (parse, SQL, selector) with page size 100, on the database
 * of DATABASE_URL or, without it, the embedded one in memory. Prints p50/p99 per
 * filter, first with no index on `doc`, then with a GIN jsonb_path_ops index.
 */

const ROWS = 50_000;
const BATCH = 1_000;
const PAGE_SIZE = 100;
const REQUESTS = 200;
/** A slow case stops early rather than hold the bench for minutes (at least 20 requests). */
const MAX_MS_PER_FILTER = 10_000;

const VNF_INSTANCE: ResourceQuerySpec = {
  name: 'VnfInstance',
  defaultExcluded: ['vnfConfigurableProperties', 'vimConnectionInfo', 'instantiatedVnfInfo', 'metadata', 'extensions'],
  neverReturned: ['vimConnectionInfo/*/accessInfo'],
};

const VDUS = ['VDU1', 'VDU2', 'VDU3'];
const PROVIDERS = ['Acme', 'Globex', 'Initech', 'Umbrella'];

function pick<T>(items: readonly T[], i: number): T {
  return items[i % items.length];
}

/** Roughly what Tacker stores for an instantiated VNF with a few VNFCs (~2.5 kB of JSON). */
function vnfInstance(i: number): Record<string, unknown> {
  const id = randomUUID();
  const instantiated = i % 10 < 8;
  const vimId = `vim-${i % 5}`;
  const doc: Record<string, unknown> = {
    id,
    vnfInstanceName: `vnf-${String(i).padStart(6, '0')}`,
    vnfInstanceDescription: 'sample VNF for list latency',
    vnfdId: `b1bb0ce7-ebca-4fa7-95ed-4840d70a${String(1000 + (i % 50)).padStart(4, '0')}`,
    vnfProvider: pick(PROVIDERS, i),
    vnfProductName: 'Sample VNF',
    vnfSoftwareVersion: '1.0',
    vnfdVersion: '1.0',
    instantiationState: instantiated ? 'INSTANTIATED' : 'NOT_INSTANTIATED',
    vimConnectionInfo: {
      [vimId]: { vimId, vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3', interfaceInfo: { endpoint: 'http://keystone:5000/v3' } },
    },
    metadata: { tenant: `tenant-${i % 20}`, zone: `az-${i % 3}` },
    _links: { self: { href: `http://127.0.0.1:9890/vnflcm/v2/vnf_instances/${id}` } },
  };
  if (instantiated) {
    const vnfcs = Array.from({ length: 2 + (i % 3) }, (_, k) => ({
      id: `${pick(VDUS, k)}-${randomUUID()}`,
      vduId: pick(VDUS, k),
      computeResource: { vimConnectionId: vimId, resourceId: `server-${i}-${k}`, vimLevelResourceType: 'OS::Nova::Server' },
      storageResourceIds: [`storage-${i}-${k}`],
      vnfcCpInfo: [{ id: `cp-${i}-${k}`, cpdId: 'VDU_CP1', vnfExtCpId: `ext-${i}` }],
      metadata: { creation_time: '2026-01-01T00:00:00Z', stack_id: `stack-${i}` },
    }));
    doc.instantiatedVnfInfo = {
      flavourId: 'simple',
      vnfState: i % 10 === 7 ? 'STOPPED' : 'STARTED',
      scaleStatus: [{ aspectId: 'VDU1_scale', scaleLevel: i % 3 }],
      extCpInfo: [{ id: `ext-${i}`, cpdId: 'VDU_CP1', cpConfigId: 'cfg', cpProtocolInfo: [{ layerProtocol: 'IP_OVER_ETHERNET' }] }],
      vnfcResourceInfo: vnfcs,
      vnfcInfo: vnfcs.map((c) => ({ id: c.id, vduId: c.vduId, vnfcResourceInfoId: c.id, vnfcState: 'STARTED' })),
    };
    doc.vnfConfigurableProperties = { isAutohealEnabled: i % 2 === 0, isAutoscaleEnabled: false };
  }
  return doc;
}

const FILTERS: [label: string, filter: string | undefined][] = [
  ['no filter', undefined],
  ['top-level eq, common (80%)', '(eq,instantiationState,INSTANTIATED)'],
  ['nested eq, 10%', '(eq,instantiatedVnfInfo/vnfState,STOPPED)'],
  ['two expressions, 5%', '(eq,vnfProvider,Acme);(eq,metadata/tenant,tenant-4)'],
  ['array crossing eq, 1 row', '(eq,instantiatedVnfInfo/vnfcResourceInfo/computeResource/resourceId,server-31337-1)'],
  ['array crossing cont, rare', '(cont,instantiatedVnfInfo/vnfcResourceInfo/computeResource/resourceId,-1234)'],
  ['neq nested, 90%', '(neq,instantiatedVnfInfo/vnfState,STOPPED)'],
];

async function seed(db: Database, table: string): Promise<void> {
  await db.sequelize.query(`CREATE TABLE ${table} (seq bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE, doc jsonb NOT NULL)`);
  for (let start = 0; start < ROWS; start += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, ROWS - start) }, (_, k) => vnfInstance(start + k));
    await db.sequelize.query(
      `INSERT INTO ${table} (id, doc) SELECT (e->>'id')::uuid, e FROM jsonb_array_elements($1::jsonb) e`,
      { bind: [JSON.stringify(docs)] },
    );
  }
  await db.sequelize.query(`ANALYZE ${table}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(db: Database, table: string, heading: string): Promise<void> {
  console.log(`  ${heading}`);
  for (const [label, filter] of FILTERS) {
    const q = parseListQuery(filter ? { filter } : {}, VNF_INSTANCE);
    const first = await listResources(db, table, q, { pageSize: PAGE_SIZE }); // warm-up, and the page size seen
    const times: number[] = [];
    const began = performance.now();
    while (times.length < REQUESTS && (times.length < 20 || performance.now() - began < MAX_MS_PER_FILTER)) {
      const t0 = performance.now();
      await listResources(db, table, parseListQuery(filter ? { filter } : {}, VNF_INSTANCE), { pageSize: PAGE_SIZE });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50).toFixed(1).padStart(7);
    const p99 = percentile(times, 99).toFixed(1).padStart(7);
    console.log(`    ${label.padEnd(28)} p50 ${p50} ms  p99 ${p99} ms  (${times.length} requests, ${first.items.length} items/page)`);
  }
}

export async function benchListLatency(): Promise<void> {
  const log = createLogger('silent');
  const url = process.env.DATABASE_URL;
  const db = await openDatabase({ url, embeddedDataDir: undefined, embeddedPort: 0, poolMax: 4, log });
  const table = `bench_list_${randomBytes(4).toString('hex')}`;
  try {
    const t0 = performance.now();
    await seed(db, table);
    const [[{ count, size }]] = (await db.sequelize.query(
      `SELECT count(*)::int AS count, pg_size_pretty(pg_total_relation_size('${table}')) AS size FROM ${table}`,
    )) as [{ count: number; size: string }[], unknown];
    console.log(
      `list latency (${url ? 'PostgreSQL at DATABASE_URL' : 'embedded PGlite in memory'}): ${count} rows, ${size}, ` +
        `seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s, page size ${PAGE_SIZE}`,
    );
    await measure(db, table, 'no index on doc:');
    await db.sequelize.query(`CREATE INDEX ${table}_doc ON ${table} USING gin (doc jsonb_path_ops)`);
    await db.sequelize.query(`ANALYZE ${table}`);
    await measure(db, table, 'with a GIN (doc jsonb_path_ops) index:');
  } finally {
    await db.sequelize.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchListLatency().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
