import { ConfigError } from '../../platform/config/config.ts';
import { parse as parseYaml } from 'yaml';

/**
 * What the entity registry knows: compute hosts, VMs (Nova server id and current host),
 * VNF instances and their VNFCs (vnfcInstanceId -> server id). Filled from
 * MONITORING_ENTITIES_FILE now, and by the LCM module and OpenStack discovery later.
 */
export type RegistryEntity = HostEntity | VmEntity | VnfEntity | VnfcEntity;

export interface HostEntity {
  readonly kind: 'host';
  /** As collectd's `host` and syslog's HOSTNAME give it (case preserved). */
  readonly name: string;
}
export interface VmEntity {
  readonly kind: 'vm';
  /** Nova server id. */
  readonly id: string;
  readonly name?: string;
  /** Other names feeds use for it, e.g. the libvirt domain `instance-0000000a`. */
  readonly aliases?: readonly string[];
  /** Compute host it runs on now. */
  readonly host?: string;
}
export interface VnfEntity {
  readonly kind: 'vnf';
  /** vnfInstanceId. */
  readonly id: string;
  readonly name?: string;
}
export interface VnfcEntity {
  readonly kind: 'vnfc';
  /** vnfcInstanceId (Tacker: `{vduId}-{server id}`). */
  readonly id: string;
  readonly vnfInstanceId: string;
  /** Server id of the VM the VNFC runs in. */
  readonly vm: string;
}

export type EntitySource = 'config' | 'lcm' | 'discovery';

export interface RegisteredEntity {
  readonly entity: RegistryEntity;
  readonly source: string;
}

/** The registry key: kind + id (a host's id is its name). */
export function entityId(e: RegistryEntity): string {
  return e.kind === 'host' ? e.name : e.id;
}

const MAX_TEXT = 255;
const CONTROL = /[\u0000-\u001f\u007f]/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textError(v: unknown, field: string, required: boolean): string | undefined {
  if (v === undefined || v === null) return required ? `${field} is required` : undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_TEXT || CONTROL.test(v) || v.trim() !== v) {
    return `${field} must be a non-empty string of at most ${MAX_TEXT} characters without control characters or surrounding blanks`;
  }
  return undefined;
}

function unknownKeys(v: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(v).filter((k) => !allowed.includes(k));
  return extra.length ? `unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (allowed: ${allowed.filter((k) => k !== 'kind').join(', ')})` : undefined;
}

/** The entity, or why it is invalid. `kind` comes from the caller (file section) or the value. */
export function validateEntity(raw: unknown): RegistryEntity | string {
  if (!isObject(raw)) return 'must be a mapping';
  const s = (k: string) => raw[k] as string;
  const opt = (k: string) => (raw[k] === undefined || raw[k] === null ? {} : { [k]: raw[k] });
  switch (raw.kind) {
    case 'host': {
      const e = unknownKeys(raw, ['kind', 'name']) ?? textError(raw.name, 'name', true);
      return e ?? { kind: 'host', name: s('name') };
    }
    case 'vm': {
      let e = unknownKeys(raw, ['kind', 'id', 'name', 'aliases', 'host']) ?? textError(raw.id, 'id', true);
      e ??= textError(raw.name, 'name', false) ?? textError(raw.host, 'host', false);
      if (!e && raw.aliases !== undefined && raw.aliases !== null) {
        if (!Array.isArray(raw.aliases)) e = 'aliases must be a list of names';
        else raw.aliases.forEach((a, i) => (e ??= textError(a, `aliases[${i}]`, true)));
      }
      if (e) return e;
      const aliases = Array.isArray(raw.aliases) && raw.aliases.length > 0 ? { aliases: [...new Set(raw.aliases as string[])] } : {};
      return { kind: 'vm', id: s('id'), ...opt('name'), ...aliases, ...opt('host') } as VmEntity;
    }
    case 'vnf': {
      const e = unknownKeys(raw, ['kind', 'id', 'name']) ?? textError(raw.id, 'id', true) ?? textError(raw.name, 'name', false);
      return e ?? ({ kind: 'vnf', id: s('id'), ...opt('name') } as VnfEntity);
    }
    case 'vnfc': {
      const e =
        unknownKeys(raw, ['kind', 'id', 'vnfInstanceId', 'vm']) ??
        textError(raw.id, 'id', true) ??
        textError(raw.vnfInstanceId, 'vnfInstanceId', true) ??
        textError(raw.vm, 'vm', true);
      return e ?? { kind: 'vnfc', id: s('id'), vnfInstanceId: s('vnfInstanceId'), vm: s('vm') };
    }
    default:
      return 'kind must be host, vm, vnf or vnfc';
  }
}

/** A ConfigError: `serve` stops with exit code 2 and the file and entry named. */
export class EntitiesFileError extends ConfigError {
  override readonly name: string = 'EntitiesFileError';
}

/**
 * MONITORING_ENTITIES_FILE: `{hosts: [{name}], vms: [{id, name, aliases, host}],
 * vnfs: [{id, name, vnfcs: [{id, vm}]}]}`. Every problem names the file and the entry.
 */
export function parseEntitiesFile(text: string, file: string): RegistryEntity[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new EntitiesFileError(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return [];
  if (!isObject(doc)) throw new EntitiesFileError(`${file}: expected a mapping with hosts, vms and vnfs lists`);
  const extra = unknownKeys(doc, ['hosts', 'vms', 'vnfs']);
  if (extra) throw new EntitiesFileError(`${file}: ${extra}`);
  const out: RegistryEntity[] = [];
  const seen = new Map<string, string>();
  const add = (raw: unknown, where: string) => {
    const e = validateEntity(raw);
    if (typeof e === 'string') throw new EntitiesFileError(`${file}: ${where}: ${e}`);
    const key = `${e.kind}:${entityId(e)}`;
    const before = seen.get(key);
    if (before) throw new EntitiesFileError(`${file}: ${where}: ${e.kind} ${entityId(e)} is already listed at ${before}`);
    seen.set(key, where);
    out.push(e);
  };
  const list = (section: string): unknown[] => {
    const v = doc[section];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new EntitiesFileError(`${file}: ${section} must be a list`);
    return v;
  };
  list('hosts').forEach((h, i) => add(isObject(h) ? { ...h, kind: 'host' } : h, `hosts[${i}]`));
  list('vms').forEach((v, i) => add(isObject(v) ? { ...v, kind: 'vm' } : v, `vms[${i}]`));
  list('vnfs').forEach((v, i) => {
    const where = `vnfs[${i}]`;
    if (!isObject(v)) throw new EntitiesFileError(`${file}: ${where}: must be a mapping`);
    const { vnfcs, ...vnf } = v;
    add({ ...vnf, kind: 'vnf' }, where);
    if (vnfcs === undefined || vnfcs === null) return;
    if (!Array.isArray(vnfcs)) throw new EntitiesFileError(`${file}: ${where}.vnfcs must be a list`);
    vnfcs.forEach((c, j) => {
      if (isObject(c) && c.vnfInstanceId !== undefined) {
        throw new EntitiesFileError(`${file}: ${where}.vnfcs[${j}]: vnfInstanceId is not set here; it is the enclosing vnf's id`);
      }
      add(isObject(c) ? { ...c, kind: 'vnfc', vnfInstanceId: vnf.id } : c, `${where}.vnfcs[${j}]`);
    });
  });
  return out;
}
