/**
 * Registers the plugin in the Keystone catalog under its own service type, with a public and
 * an internal endpoint (Keystone API v3 "Service catalog and endpoints"), as Tacker is under
 * `nfv-orchestration`. Existing entries are kept (run twice, changes nothing); a user who may
 * not create catalog entries (403) gets a report, not a failure.
 */
import type { KeystoneClient } from '../../lcm/vim/openstack/keystone-client.ts';

export const PLUGIN_SERVICE_TYPE = 'vnfm-proactive';

export interface CatalogResult {
  readonly serviceId?: string;
  readonly created: string[];
  readonly existing: string[];
  /** Why nothing (more) was registered, e.g. the user may not. */
  readonly skipped?: string;
}

interface Answer {
  status: number;
  body: any;
}

export async function registerInCatalog(opts: {
  readonly keystone: KeystoneClient;
  readonly keystoneUrl: string;
  readonly url: string;
  readonly internalUrl?: string;
  readonly region?: string;
  readonly timeoutMs: number;
}): Promise<CatalogResult> {
  const base = opts.keystoneUrl.replace(/\/+$/, '');
  const token = (await opts.keystone.token()).value.reveal();
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'X-Auth-Token': token, Accept: 'application/json', ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const created: string[] = [];
  const existing: string[] = [];
  const refused = (a: Answer, what: string): CatalogResult | undefined =>
    a.status === 401 || a.status === 403 ? { created, existing, skipped: `not allowed to ${what} (Keystone answered ${a.status})` } : undefined;

  const services = await call('GET', `/services?type=${encodeURIComponent(PLUGIN_SERVICE_TYPE)}`);
  const r1 = refused(services, 'list services');
  if (r1) return r1;
  let serviceId: string | undefined = services.body?.services?.[0]?.id;
  if (serviceId) existing.push(`service ${PLUGIN_SERVICE_TYPE}`);
  else {
    const made = await call('POST', '/services', {
      service: { type: PLUGIN_SERVICE_TYPE, name: 'vnfm-plugin', description: 'Proactive live migration of VNFs (ETSI NFV-SOL 002/003)', enabled: true },
    });
    const r2 = refused(made, 'create services');
    if (r2) return r2;
    if (made.status !== 201) throw new Error(`Keystone POST /v3/services answered ${made.status}`);
    serviceId = made.body.service.id as string;
    created.push(`service ${PLUGIN_SERVICE_TYPE}`);
  }
  const endpoints = await call('GET', `/endpoints?service_id=${encodeURIComponent(serviceId)}`);
  const have = new Set<string>((endpoints.body?.endpoints ?? []).map((e: { interface: string }) => e.interface));
  for (const [iface, url] of [['public', opts.url], ['internal', opts.internalUrl ?? opts.url]] as const) {
    if (have.has(iface)) {
      existing.push(`${iface} endpoint`);
      continue;
    }
    const made = await call('POST', '/endpoints', {
      endpoint: { service_id: serviceId, interface: iface, url, enabled: true, ...(opts.region && { region_id: opts.region }) },
    });
    const r3 = refused(made, 'create endpoints');
    if (r3) return { ...r3, serviceId };
    if (made.status !== 201) throw new Error(`Keystone POST /v3/endpoints answered ${made.status}`);
    created.push(`${iface} endpoint`);
  }
  return { serviceId, created, existing };
}
