/**
 * Validated value lists in a compact form for postMessage between the decode worker and
 * the request's thread: a string table and typed arrays, whose buffers are transferred,
 * not copied; structured-cloning hundreds of small objects per body would cost about as
 * much as parsing the JSON again. `null` (NaN posted by collectd) travels as NaN, which a
 * validated value never is.
 */
import type { DsType, ValueList } from './value-list.parser.ts';

export interface PackedValueLists {
  readonly strings: string[];
  /** Per value list: host, plugin, plugin_instance, type, type_instance (indexes into `strings`). */
  readonly names: Uint32Array;
  readonly time: Float64Array;
  readonly interval: Float64Array;
  /** Value list i holds the data sources [dsStart[i], dsStart[i + 1]). */
  readonly dsStart: Uint32Array;
  readonly values: Float64Array;
  readonly dstypes: Uint8Array;
  readonly dsnames: Uint32Array;
}

const DS_TYPES: readonly DsType[] = ['gauge', 'derive', 'counter', 'absolute'];
const DS_CODE: Readonly<Record<DsType, number>> = { gauge: 0, derive: 1, counter: 2, absolute: 3 };
const NAMES = 5;

export function packValueLists(lists: readonly ValueList[]): PackedValueLists {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const ref = (s: string) => {
    let i = index.get(s);
    if (i === undefined) index.set(s, (i = strings.push(s) - 1));
    return i;
  };
  // Consecutive value lists mostly repeat their host, plugin, instance and type: compare
  // with the previous list's before hashing.
  const last = ['', '', '', '', ''];
  const lastRef = [ref(''), 0, 0, 0, 0];
  const name = (field: number, s: string) => {
    if (s === last[field]) return lastRef[field];
    last[field] = s;
    return (lastRef[field] = ref(s));
  };
  const n = lists.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += lists[i].values.length;
  const p: PackedValueLists = {
    strings,
    names: new Uint32Array(n * NAMES),
    time: new Float64Array(n),
    interval: new Float64Array(n),
    dsStart: new Uint32Array(n + 1),
    values: new Float64Array(total),
    dstypes: new Uint8Array(total),
    dsnames: new Uint32Array(total),
  };
  let d = 0;
  for (let i = 0; i < n; i++) {
    const vl = lists[i];
    const o = i * NAMES;
    p.names[o] = name(0, vl.host);
    p.names[o + 1] = name(1, vl.plugin);
    p.names[o + 2] = name(2, vl.pluginInstance);
    p.names[o + 3] = name(3, vl.type);
    p.names[o + 4] = name(4, vl.typeInstance);
    p.time[i] = vl.time;
    p.interval[i] = vl.interval;
    p.dsStart[i] = d;
    for (let k = 0; k < vl.values.length; k++, d++) {
      const v = vl.values[k];
      p.values[d] = v === null ? NaN : v;
      p.dstypes[d] = DS_CODE[vl.dstypes[k]];
      p.dsnames[d] = ref(vl.dsnames[k]);
    }
  }
  p.dsStart[n] = d;
  return p;
}

/** The buffers postMessage can move instead of copying. */
export function transferablesOf(p: PackedValueLists): ArrayBuffer[] {
  return [p.names, p.time, p.interval, p.dsStart, p.values, p.dstypes, p.dsnames].map((a) => a.buffer as ArrayBuffer);
}

export function unpackValueLists(p: PackedValueLists): ValueList[] {
  const n = p.time.length;
  const lists: ValueList[] = new Array(n);
  const s = p.strings;
  // One-source lists (most of collectd's) share their dstypes and dsnames arrays.
  const single = new Map<number, { dstypes: DsType[]; dsnames: string[] }>();
  for (let i = 0; i < n; i++) {
    const from = p.dsStart[i];
    const to = p.dsStart[i + 1];
    const values: (number | null)[] = new Array(to - from);
    for (let d = from; d < to; d++) {
      const v = p.values[d];
      values[d - from] = Number.isNaN(v) ? null : v;
    }
    let dstypes: DsType[];
    let dsnames: string[];
    if (to - from === 1) {
      const key = p.dsnames[from] * 4 + p.dstypes[from];
      let shared = single.get(key);
      if (!shared) single.set(key, (shared = { dstypes: [DS_TYPES[p.dstypes[from]]], dsnames: [s[p.dsnames[from]]] }));
      ({ dstypes, dsnames } = shared);
    } else {
      dstypes = new Array(to - from);
      dsnames = new Array(to - from);
      for (let d = from; d < to; d++) {
        dstypes[d - from] = DS_TYPES[p.dstypes[d]];
        dsnames[d - from] = s[p.dsnames[d]];
      }
    }
    const o = i * NAMES;
    lists[i] = {
      values,
      dstypes,
      dsnames,
      time: p.time[i],
      interval: p.interval[i],
      host: s[p.names[o]],
      plugin: s[p.names[o + 1]],
      pluginInstance: s[p.names[o + 2]],
      type: s[p.names[o + 3]],
      typeInstance: s[p.names[o + 4]],
    };
  }
  return lists;
}
