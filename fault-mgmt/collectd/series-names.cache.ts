/**
 * The raw series names of value lists (value-list.parser.ts seriesIdentifier, plus
 * `:dsname` for several data sources), remembered per plugin, plugin instance, type and
 * type instance. A collectd body names the same few hundred series every interval: reusing
 * one string per series spares building it per value, and lets the series dictionary find
 * it by a hash V8 computed once. Bounded: past `maxEntries` it starts afresh.
 */
import { inputKey } from './canonical.normaliser.ts';
import { seriesIdentifier, type ValueList } from './value-list.parser.ts';

type Level<T> = Map<string, T>;

interface Names {
  /** `plugin[-plugin_instance]/type[-type_instance]` */
  readonly id: string;
  /** Per data source: `id`, or `id:dsname` when there are several. */
  readonly names: readonly string[];
  /** Per data source: the key of the input in the canonical state (canonical.normaliser.ts inputKey). */
  inputKeys?: readonly string[];
}

export class SeriesNameCache {
  private readonly root: Level<Level<Level<Level<Names>>>> = new Map();
  private entries = 0;

  constructor(readonly maxEntries = 200_000) {}

  /** The raw metric name of each data source of `vl`, in order. */
  namesOf(vl: ValueList): readonly string[] {
    return this.entryOf(vl).names;
  }

  /** The canonical-state key of each data source of `vl`, in order. */
  inputKeysOf(vl: ValueList): readonly string[] {
    const e = this.entryOf(vl);
    return (e.inputKeys ??= vl.dsnames.map((ds) => inputKey(vl.pluginInstance, vl.type, vl.typeInstance, ds)));
  }

  private entryOf(vl: ValueList): Names {
    let byPi = this.root.get(vl.plugin);
    if (!byPi) this.root.set(vl.plugin, (byPi = new Map()));
    let byType = byPi.get(vl.pluginInstance);
    if (!byType) byPi.set(vl.pluginInstance, (byType = new Map()));
    let byTi = byType.get(vl.type);
    if (!byTi) byType.set(vl.type, (byTi = new Map()));
    const known = byTi.get(vl.typeInstance);
    if (known && sameSources(known, vl)) return known;
    const made = namesFor(vl);
    if (!known && ++this.entries > this.maxEntries) {
      this.root.clear();
      this.entries = 0;
      return made;
    }
    byTi.set(vl.typeInstance, made);
    return made;
  }
}

function namesFor(vl: ValueList): Names {
  const id = seriesIdentifier(vl);
  return { id, names: vl.values.length === 1 ? [id] : vl.dsnames.map((ds) => `${id}:${ds}`) };
}

/** A type's data sources are fixed by types.db, but a body is free to name others. */
function sameSources({ id, names }: Names, vl: ValueList): boolean {
  if (names.length !== vl.values.length) return false;
  if (names.length === 1) return true;
  for (let i = 0; i < names.length; i++) {
    const ds = vl.dsnames[i];
    // names[i] starts with `${id}:`, so this is names[i] === `${id}:${ds}`.
    if (names[i].length !== id.length + 1 + ds.length || !names[i].endsWith(ds)) return false;
  }
  return true;
}
