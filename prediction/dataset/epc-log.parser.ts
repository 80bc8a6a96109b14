/**
 * Raw EPC log extracts: the dataset's `epc_failure_log/*.log` lines are `<epoch seconds UTC>\t<message>`.
 * Messages are matched on their body (dataset README, "epc_failure_log"), so real srsEPC lines
 * with a `[NAS    ] [I]` prefix and Open5GS / kernel wording classify the same way.
 */
import type { Trace } from './trace.ts';

export type EpcLogKind = 'paging' | 'failure' | 'oom' | 'other';

export interface EpcLogEvent {
  /** Epoch seconds UTC. */
  time: number;
  kind: EpcLogKind;
  message: string;
}

// srsEPC NAS paging timer expiry, and Open5GS's equivalent. srsEPC's MME GTPC logger also writes
// `Downlink Data Notification Failure Indication` at the same moment: not counted, it would double.
const PAGING = [/T3413 expired -- Could not page the ue/i, /Paging to IMSI\[[^\]]*\] failed\. Stop paging/i];
const FAILURE = [/Failed to send S1AP PDU\. Error: Broken pipe/i];
// Linux OOM killer, current (`Killed process`) and older (`Kill process ... or sacrifice child`) wording.
const OOM = [/Out of memory: Kill(?:ed)? process \d+/i];

export function classifyEpcMessage(message: string): EpcLogKind {
  if (PAGING.some((re) => re.test(message))) return 'paging';
  if (FAILURE.some((re) => re.test(message))) return 'failure';
  if (OOM.some((re) => re.test(message))) return 'oom';
  return 'other';
}

/** Lines that are not `<epoch>\t<message>` are skipped (log extracts may carry stray text). */
export function parseEpcLog(text: string): EpcLogEvent[] {
  const events: EpcLogEvent[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const tab = raw.indexOf('\t');
    if (tab <= 0) continue;
    const time = Number(raw.slice(0, tab));
    if (!Number.isFinite(time)) continue;
    const message = raw.slice(tab + 1).trim();
    events.push({ time, kind: classifyEpcMessage(message), message });
  }
  return events;
}

export interface EventCounts {
  paging: Int32Array;
  failure: Int32Array;
  oom: Int32Array;
}

/**
 * Count events per trace row: row i covers (time[i-1], time[i]]; row 0 covers the
 * `firstIntervalSeconds` before it. Events outside every row's interval are not counted.
 */
export function countEventsPerRow(trace: Trace, events: readonly EpcLogEvent[], firstIntervalSeconds = 5): EventCounts {
  const n = trace.rows.length;
  const counts: EventCounts = { paging: new Int32Array(n), failure: new Int32Array(n), oom: new Int32Array(n) };
  const sorted = [...events].sort((a, b) => a.time - b.time);
  let row = 0;
  for (const e of sorted) {
    if (e.kind === 'other') continue;
    while (row < n && trace.rows[row].time < e.time) row++;
    if (row >= n) break;
    const lower = row === 0 ? trace.rows[0].time - firstIntervalSeconds : trace.rows[row - 1].time;
    if (e.time > lower) counts[e.kind][row]++;
  }
  return counts;
}
