/**
 * collectd readings -> the canonical metrics of a host or VM (CANONICAL_METRICS).
 *
 * collectd sends one value list per CPU state, memory state, disk and interface, and a
 * write_http buffer may split one reading cycle over two bodies, so the normaliser keeps
 * the latest value of every input per entity and, for each entity and plugin group a
 * body touched, computes the canonical values from the inputs that are fresh (no older
 * than 1.5 of their interval behind the group's newest input). A body that holds several
 * cycles of a group yields the group's canonical values once per cycle. Each canonical
 * value is stamped with the newest time among the inputs it was computed from.
 * Derive/counter inputs arrive here as per-second rates (`undefined` while the rate
 * tracker is still priming). Pure apart from the state object passed in.
 */
import type { EntityRef, SampleRow } from '../monitoring.types.ts';
import type { CanonicalMetric } from '../monitoring.types.ts';

/** One data source of one value list, as the normaliser needs it. */
export interface CanonicalInput {
  readonly entity: EntityRef;
  /** `virt` for libvirt readings of a VM, else the collectd plugin (cpu, memory, ...). */
  readonly group: string;
  readonly pluginInstance: string;
  readonly type: string;
  readonly typeInstance: string;
  readonly dsname: string;
  /** Gauge value or rate; undefined while priming; null = NaN (forget the input). */
  readonly value: number | undefined | null;
  readonly time: number;
  readonly interval: number;
  /** inputKey(pluginInstance, type, typeInstance, dsname), when the caller has it at hand. */
  readonly key?: string;
}

/** The key of an input among its entity's and group's inputs. */
export function inputKey(pluginInstance: string, type: string, typeInstance: string, dsname: string): string {
  return `${pluginInstance}\u0000${type}\u0000${typeInstance}\u0000${dsname}`;
}

interface InputState {
  readonly pluginInstance: string;
  readonly type: string;
  readonly typeInstance: string;
  readonly dsname: string;
  readonly value: number | undefined;
  readonly time: number;
  readonly interval: number;
}

/** An input as the state keeps it: its reading is replaced in place by the next one. */
type StoredInput = { -readonly [K in keyof InputState]: InputState[K] };

interface Out {
  readonly metric: CanonicalMetric;
  readonly value: number;
  readonly time: number;
}

type Calculator = (fresh: readonly InputState[]) => Out[];

/** How far behind its group's newest input an input may be and still count. */
export const FRESHNESS_INTERVALS = 1.5;

/** Latest inputs per entity and group; bounded (least recently updated entity forgotten first). */
export class CanonicalState {
  readonly entities = new Map<string, Map<string, Map<string, StoredInput>>>();
  constructor(readonly maxEntities = 100_000) {}

  /** @internal The groups of one entity, marked as most recently used. */
  groupsOf(key: string): Map<string, Map<string, StoredInput>> {
    let groups = this.entities.get(key);
    if (groups) this.entities.delete(key);
    else groups = new Map();
    this.entities.set(key, groups);
    if (this.entities.size > this.maxEntities) {
      const oldest = this.entities.keys().next().value;
      if (oldest !== undefined) this.entities.delete(oldest);
    }
    return groups;
  }
}

/** Groups (collectd plugins) that feed canonical metrics, and how. */
export const CANONICAL_GROUPS: Readonly<Record<string, Calculator>> = {
  cpu: cpuUtil,
  memory: memUtil,
  swap: swapUtil,
  load: load1,
  disk: (fresh) => sumPair(fresh, 'disk_octets', 'read', 'write', 'disk_read_bps', 'disk_write_bps'),
  interface: (fresh) =>
    sumPair(fresh.filter((e) => e.pluginInstance !== 'lo'), 'if_octets', 'rx', 'tx', 'net_rx_bps', 'net_tx_bps'),
  virt: virtMetrics,
};

/** Whether a reading of `group`/`type` can contribute to a canonical metric (others are not kept). */
export function feedsCanonical(group: string, type: string): boolean {
  switch (group) {
    case 'cpu':
      return type === 'percent' || type === 'cpu';
    case 'memory':
      return type === 'percent' || type === 'memory';
    case 'swap':
      return type === 'percent' || type === 'swap';
    case 'load':
      return type === 'load';
    case 'disk':
      return type === 'disk_octets';
    case 'interface':
      return type === 'if_octets';
    case 'virt':
      return ['virt_cpu_total', 'virt_vcpu', 'memory', 'disk_octets', 'if_octets'].includes(type);
    default:
      return false;
  }
}

/** Updates the state with a body's inputs and returns the canonical samples they yield. */
export function normalise(state: CanonicalState, inputs: readonly CanonicalInput[]): SampleRow[] {
  const touched = new Map<string, Touched>();
  // A value list's inputs come one after another: look their entity and group up once per run.
  let t: Touched | undefined;
  const rows: SampleRow[] = [];
  for (const i of inputs) {
    if (t === undefined || i.entity !== t.entity || i.group !== t.group) t = touch(state, touched, i);
    // A body may hold several reading cycles of one group (write_http buffering more than one
    // Interval, or a backfill): the cycle read so far yields its samples before the next begins.
    if (t.pending && i.time > t.cycleTime + NEW_CYCLE_INTERVALS * i.interval) {
      emit(t, rows);
      t.pending = false;
    }
    if (!t.pending || i.time > t.cycleTime) t.cycleTime = i.time;
    t.pending = true;
    const key = i.key ?? inputKey(i.pluginInstance, i.type, i.typeInstance, i.dsname);
    if (i.value === null) {
      t.inputs.delete(key);
      continue;
    }
    const prev = t.inputs.get(key);
    if (!prev) {
      t.inputs.set(key, {
        pluginInstance: i.pluginInstance,
        type: i.type,
        typeInstance: i.typeInstance,
        dsname: i.dsname,
        value: i.value,
        time: i.time,
        interval: i.interval,
      });
    } else if (prev.time <= i.time) {
      // Updated in place (the calculators keep no reference); a reordered older reading never replaces a newer one.
      prev.value = i.value;
      prev.time = i.time;
      prev.interval = i.interval;
    }
  }
  for (const g of touched.values()) if (g.pending) emit(g, rows);
  return rows;
}

/** An input this many of its intervals after the newest one of its group in the body starts a new cycle. */
const NEW_CYCLE_INTERVALS = 0.5;

/** The canonical samples of one group from its fresh inputs. */
function emit({ entity, group, inputs: g }: Touched, rows: SampleRow[]): void {
  const calc = CANONICAL_GROUPS[group];
  if (!calc || g.size === 0) return;
  for (const out of calc(freshInputs([...g.values()]))) {
    if (Number.isFinite(out.value)) rows.push({ entity, metric: out.metric, ts: out.time, value: out.value, canonical: true });
  }
}

interface Touched {
  readonly entity: EntityRef;
  readonly group: string;
  readonly inputs: Map<string, StoredInput>;
  /** Newest input time of the cycle being read in this body, and whether it is still to be emitted. */
  cycleTime: number;
  pending: boolean;
}

function touch(state: CanonicalState, touched: Map<string, Touched>, i: CanonicalInput): Touched {
  const entityKey = `${i.entity.kind}\u0000${i.entity.id}`;
  const touchKey = `${entityKey}\u0000${i.group}`;
  let t = touched.get(touchKey);
  if (!t) {
    const groups = state.groupsOf(entityKey);
    let g = groups.get(i.group);
    if (!g) groups.set(i.group, (g = new Map()));
    touched.set(touchKey, (t = { entity: i.entity, group: i.group, inputs: g, cycleTime: -Infinity, pending: false }));
  }
  return t;
}

export function freshInputs(all: readonly InputState[]): InputState[] {
  let newest = -Infinity;
  for (const e of all) if (e.time > newest) newest = e.time;
  return all.filter((e) => e.time >= newest - FRESHNESS_INTERVALS * e.interval);
}

function valued(es: readonly InputState[]): (InputState & { value: number })[] {
  return es.filter((e): e is InputState & { value: number } => e.value !== undefined);
}

function newest(es: readonly InputState[]): number {
  return Math.max(...es.map((e) => e.time));
}

function mean(es: readonly { value: number }[]): number {
  return es.reduce((s, e) => s + e.value, 0) / es.length;
}

function sum(es: readonly { value: number }[]): number {
  return es.reduce((s, e) => s + e.value, 0);
}

/** 100 - idle %, averaged over CPUs (cpu plugin ValuesPercentage); else from jiffies rates. */
function cpuUtil(fresh: readonly InputState[]): Out[] {
  const percent = valued(fresh.filter((e) => e.type === 'percent'));
  const idle = percent.filter((e) => e.typeInstance === 'idle');
  if (idle.length) return [{ metric: 'cpu_util', value: 100 - mean(idle), time: newest(idle) }];
  // ReportByState false: one `active` percentage per CPU.
  const active = percent.filter((e) => e.typeInstance === 'active');
  if (active.length) return [{ metric: 'cpu_util', value: mean(active), time: newest(active) }];
  const jiffies = valued(fresh.filter((e) => e.type === 'cpu'));
  const total = sum(jiffies);
  const idleJiffies = jiffies.filter((e) => e.typeInstance === 'idle');
  if (!idleJiffies.length || !(total > 0)) return [];
  return [{ metric: 'cpu_util', value: 100 * (1 - sum(idleJiffies) / total), time: newest(jiffies) }];
}

/** memory plugin: percent/used (ValuesPercentage), else used / sum of all memory states. */
function memUtil(fresh: readonly InputState[]): Out[] {
  const pct = valued(fresh.filter((e) => e.type === 'percent' && e.typeInstance === 'used'));
  if (pct.length) return [{ metric: 'mem_util', value: pct[0].value, time: pct[0].time }];
  const states = valued(fresh.filter((e) => e.type === 'memory'));
  const used = states.find((e) => e.typeInstance === 'used');
  // Without `free` the states seen are a part of a reading (split over two bodies): no ratio.
  const free = states.find((e) => e.typeInstance === 'free');
  const total = sum(states);
  if (!used || !free || !(total > 0)) return [];
  return [{ metric: 'mem_util', value: (100 * used.value) / total, time: newest(states) }];
}

/**
 * swap plugin: percent/used, else used / (used + free + cached). A host without swap
 * reports 0 bytes everywhere (and NaN percentages): 0 % of its swap is in use.
 */
function swapUtil(fresh: readonly InputState[]): Out[] {
  const pct = valued(fresh.filter((e) => e.type === 'percent' && e.typeInstance === 'used'));
  if (pct.length) return [{ metric: 'swap_util', value: pct[0].value, time: pct[0].time }];
  const states = valued(fresh.filter((e) => e.type === 'swap' && ['used', 'free', 'cached'].includes(e.typeInstance)));
  const used = states.find((e) => e.typeInstance === 'used');
  if (!used || !states.some((e) => e.typeInstance === 'free')) return [];
  const total = sum(states);
  return [{ metric: 'swap_util', value: total > 0 ? (100 * used.value) / total : 0, time: newest(states) }];
}

function load1(fresh: readonly InputState[]): Out[] {
  const s = valued(fresh.filter((e) => e.type === 'load' && e.dsname === 'shortterm'));
  return s.length ? [{ metric: 'load1', value: s[0].value, time: s[0].time }] : [];
}

/** Rates of a two-source type (disk_octets read/write, if_octets rx/tx) summed over instances. */
function sumPair(
  fresh: readonly InputState[],
  type: string,
  ds0: string,
  ds1: string,
  m0: CanonicalMetric,
  m1: CanonicalMetric,
): Out[] {
  const out: Out[] = [];
  for (const [ds, metric] of [
    [ds0, m0],
    [ds1, m1],
  ] as const) {
    const es = valued(fresh.filter((e) => e.type === type && e.dsname === ds));
    if (es.length) out.push({ metric, value: sum(es), time: newest(es) });
  }
  return out;
}

/**
 * libvirt readings of one VM (collectd virt plugin, src/virt.c): virt_cpu_total is the
 * domain's CPU time in ns (so its rate / 1e9 is busy vCPUs), one virt_vcpu per vCPU,
 * memory/<tag> in bytes (total = current allocation, and the balloon statistics
 * available, usable, unused, rss, ...), if_octets and disk_octets per device.
 */
function virtMetrics(fresh: readonly InputState[]): Out[] {
  const out: Out[] = [];
  const cpu = valued(fresh.filter((e) => e.type === 'virt_cpu_total'));
  if (cpu.length) {
    const vcpus = new Set(fresh.filter((e) => e.type === 'virt_vcpu').map((e) => e.typeInstance)).size || 1;
    out.push({ metric: 'cpu_util', value: (cpu[0].value / 1e9) * (100 / vcpus), time: cpu[0].time });
  }
  const mem = new Map(valued(fresh.filter((e) => e.type === 'memory')).map((e) => [e.typeInstance, e]));
  const available = mem.get('available');
  const free = mem.get('usable') ?? mem.get('unused');
  if (available && free && available.value > 0) {
    out.push({ metric: 'mem_util', value: 100 * (1 - free.value / available.value), time: Math.max(available.time, free.time) });
  } else {
    const rss = mem.get('rss');
    const total = mem.get('total');
    if (rss && total && total.value > 0) {
      out.push({ metric: 'mem_util', value: (100 * rss.value) / total.value, time: Math.max(rss.time, total.time) });
    }
  }
  out.push(...sumPair(fresh, 'disk_octets', 'read', 'write', 'disk_read_bps', 'disk_write_bps'));
  out.push(...sumPair(fresh, 'if_octets', 'rx', 'tx', 'net_rx_bps', 'net_tx_bps'));
  return out;
}
