/**
 * A training trace from the monitoring store (`train --from-store`): the aligned windows of one
 * host, VNF instance or VNFC read through monitoring's window reader, one row per window in
 * which the host's cpu, mem and swap utilisation are all known (like the dataset's rows, which
 * exist only while the host was monitored), with the window's paging-failure and OOM-kill
 * counts and the failure label "S1AP broken pipe logged in this window". The signals are the
 * ones online scoring reads for the same target (scoring-targets.ts), so a model trained here
 * sees what it will be scored on.
 */
import type { EntityRef } from '../../fault-mgmt/monitoring.types.ts';
import type { RegistryEntity } from '../../fault-mgmt/registry/registry-entity.ts';
import type { AlignedSeries, WindowReader } from '../../fault-mgmt/store/window-reader.ts';
import type { Trace, TraceRow } from '../dataset/trace.ts';
import { planScoring } from '../scoring/scoring-targets.ts';

/** What `--entity` names: a compute host, a VNF instance or a VNFC. */
export interface StoreEntity {
  kind: 'host' | 'vnf' | 'vnfc';
  id: string;
}

export interface StoreTraceQuery {
  entity: StoreEntity;
  /** Epoch seconds, [since, until). */
  since: number;
  until: number;
  step: number;
}

/** Windows per read (the reader refuses more than 100,000 per series). */
export const READ_CHUNK_WINDOWS = 20_000;

export class StoreTraceError extends Error {
  override readonly name = 'StoreTraceError';
}

/** `host:NAME`, `vnf:ID` or `vnfc:ID`. */
export function parseStoreEntity(text: string): StoreEntity {
  const m = /^(host|vnf|vnfc):(.+)$/.exec(text.trim());
  if (!m) throw new StoreTraceError(`--entity must be host:NAME, vnf:ID or vnfc:ID, got '${text}'`);
  return { kind: m[1] as StoreEntity['kind'], id: m[2] };
}

/** Whose gauges and whose events make up the trace of an entity. */
export function traceSources(entity: StoreEntity, entities: readonly RegistryEntity[]): { host: string; events: EntityRef } {
  if (entity.kind === 'host') return { host: entity.id, events: { kind: 'host', id: entity.id } };
  const plan = planScoring(entities);
  const target = plan.targets.find((t) => t.kind === entity.kind && t.id === entity.id);
  if (target) return { host: target.host, events: target.events };
  if (plan.derived.some((d) => d.vnfInstanceId === entity.id)) {
    throw new StoreTraceError(`VNF ${entity.id} runs on several hosts: train on one of its VNFCs (vnfc:ID) or hosts (host:NAME)`);
  }
  throw new StoreTraceError(`${entity.kind} ${entity.id} is not in the entity registry, or its VM has no host`);
}

const GAUGES = ['cpu_util', 'mem_util', 'swap_util'] as const;
const EVENTS = ['events:paging_timeout', 'events:oom_kill', 'events:s1ap_broken_pipe'] as const;

/** Rows of one chunk of windows (the series all come from the same grid). */
export function rowsOfWindows(series: Record<(typeof GAUGES)[number] | (typeof EVENTS)[number], AlignedSeries>): TraceRow[] {
  const [cpu, mem, swap] = GAUGES.map((m) => series[m]);
  const [paging, oom, broken] = EVENTS.map((m) => series[m]);
  const rows: TraceRow[] = [];
  cpu.timestamps.forEach((ts, i) => {
    const c = cpu.values[i];
    const m = mem.values[i];
    const s = swap.values[i];
    if (c === null || m === null || s === null) return;
    rows.push({
      time: ts + cpu.step, // the end of the window, as the dataset stamps its rows
      cpu: c,
      mem: m,
      swap: s,
      paging: paging.values[i] ?? 0,
      oom: oom.values[i] ?? 0,
      failure: (broken.values[i] ?? 0) > 0 ? 1 : 0,
    });
  });
  return rows;
}

export async function readStoreTrace(reader: WindowReader, entities: readonly RegistryEntity[], q: StoreTraceQuery): Promise<Trace> {
  if (!(q.until > q.since)) throw new StoreTraceError('--until must be later than --since');
  const { host, events } = traceSources(q.entity, entities);
  const hostRef: EntityRef = { kind: 'host', id: host };
  const rows: TraceRow[] = [];
  const first = Math.floor(q.since / q.step) * q.step;
  for (let start = first; start < q.until; start += READ_CHUNK_WINDOWS * q.step) {
    const end = Math.min(q.until, start + READ_CHUNK_WINDOWS * q.step);
    const read = (entity: EntityRef, metric: string) => reader.read({ entity, metric, start, end, step: q.step });
    const [cpu, mem, swap, paging, oom, broken] = await Promise.all([
      ...GAUGES.map((m) => read(hostRef, m)),
      ...EVENTS.map((m) => read(events, m)),
    ]);
    rows.push(
      ...rowsOfWindows({
        cpu_util: cpu, mem_util: mem, swap_util: swap,
        'events:paging_timeout': paging, 'events:oom_kill': oom, 'events:s1ap_broken_pipe': broken,
      }),
    );
  }
  return { rows, source: `store ${q.entity.kind}:${q.entity.id} (host ${host})` };
}
