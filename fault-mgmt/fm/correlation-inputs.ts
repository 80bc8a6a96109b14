import type { NormalisedAlert } from '../alertmanager/alertmanager-webhook.parser.ts';
import type { EntityResolver, EventRow } from '../monitoring.types.ts';
import { alertCause, OOM_KILL_STORM, S1AP_BROKEN_PIPE } from './alarm-causes.ts';
import { EVENT_TYPES, type EventType, type FaultyCompute, type PerceivedSeverity } from './alarm.types.ts';
import type { AlertObservation } from './alert-correlation.ts';
import type { EventObservation } from './event-correlation.ts';
import type { ScoreObservation } from './score-correlation.ts';

/**
 * One entry of a `prediction.failure_scores` event, as far as fault management reads it.
 * fault-mgmt/ does not import prediction/ (data flows the other way): the event is the
 * contract, see FailureScorePayload in prediction/scoring/failure-score.ts.
 */
export interface FailureScoreEntry {
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId?: string;
  readonly vm?: string;
  readonly host: string;
  readonly failureScore: number;
  readonly longProbability?: number;
  readonly threshold?: number;
  readonly horizonSeconds?: number;
  readonly modelId?: string;
  readonly ts: string;
}

export const FAILURE_SCORES_TOPIC = 'prediction.failure_scores';
export const MONITORING_EVENTS_TOPIC = 'monitoring.events';

/** A Nova server as SOL003 names it in a ResourceHandle. */
export function novaServer(serverId: string): FaultyCompute {
  return { resourceId: serverId, vimLevelResourceType: 'OS::Nova::Server' };
}

function isScoreEntry(e: unknown): e is FailureScoreEntry {
  const o = e as FailureScoreEntry;
  return (
    typeof o === 'object' && o !== null && typeof o.vnfInstanceId === 'string' && o.vnfInstanceId !== '' &&
    typeof o.failureScore === 'number' && Number.isFinite(o.failureScore) && typeof o.ts === 'string' && !Number.isNaN(Date.parse(o.ts))
  );
}

/**
 * One observation per VNF instance of a scoring round. The instance's own score is used
 * when there is one, else the riskiest VNFC's (the scorer derives VNF scores the same
 * way for VNFs spread over hosts). The VNFCs at risk are those at or over `threshold`,
 * or the riskiest one; the riskiest VNFC's server is the faulty resource.
 */
export function scoreObservations(payload: unknown, threshold: number): ScoreObservation[] {
  const entries = (Array.isArray(payload) ? payload : []).filter(isScoreEntry);
  const byVnf = new Map<string, FailureScoreEntry[]>();
  for (const e of entries) byVnf.set(e.vnfInstanceId, [...(byVnf.get(e.vnfInstanceId) ?? []), e]);
  return [...byVnf.entries()].map(([vnfInstanceId, group]) => {
    const own = group.find((e) => !e.vnfcInstanceId);
    const vnfcs = group.filter((e) => e.vnfcInstanceId).sort((a, b) => b.failureScore - a.failureScore);
    const lead = own ?? vnfcs[0];
    const score = own ? own.failureScore : vnfcs[0].failureScore;
    const atRisk = vnfcs.filter((e) => e.failureScore >= threshold);
    const riskiest = atRisk[0] ?? vnfcs[0];
    const details = [
      `failureScore: ${score}`,
      `host: ${lead.host}`,
      ...(lead.threshold !== undefined ? [`modelThreshold: ${lead.threshold}`] : []),
      ...(lead.horizonSeconds !== undefined ? [`horizonSeconds: ${lead.horizonSeconds}`] : []),
      ...(lead.longProbability !== undefined ? [`longFailureProbability: ${lead.longProbability}`] : []),
      ...(lead.modelId ? [`modelId: ${lead.modelId}`] : []),
    ];
    return {
      managedObjectId: vnfInstanceId,
      score,
      ts: new Date(group.map((e) => e.ts).sort().at(-1)!).toISOString(),
      vnfcInstanceIds: (atRisk.length ? atRisk : vnfcs.slice(0, 1)).map((e) => e.vnfcInstanceId!),
      ...(riskiest?.vm && { faultyResource: novaServer(riskiest.vm) }),
      details,
    };
  });
}

/** The event types that raise alarms, and the cause each one feeds. */
const EVENT_CAUSES: Readonly<Record<string, string>> = { s1ap_broken_pipe: S1AP_BROKEN_PIPE.cause, oom_kill: OOM_KILL_STORM.cause };

/**
 * The S1AP broken-pipe and OOM-kill occurrences of a `monitoring.events` batch, per VNF
 * instance and cause. An event without a VNF instance is placed through its VM; one that
 * no VNF instance can be found for (a host's own kernel log) raises nothing.
 */
export function eventObservations(payload: unknown, resolver: EntityResolver): { cause: string; obs: EventObservation }[] {
  const rows = (Array.isArray(payload) ? payload : []) as EventRow[];
  const groups = new Map<string, { cause: string; vnf: string; occ: [number, number][]; vnfcs: Set<string>; vm?: string; details: Set<string> }>();
  for (const r of rows) {
    const cause = r && EVENT_CAUSES[r.type];
    if (!cause || typeof r.ts !== 'number' || !Number.isFinite(r.ts)) continue;
    const placed = !r.vnfInstanceId && r.vm ? resolver.resolve(r.vm, 'vm') : undefined;
    const vnf = r.vnfInstanceId ?? placed?.vnfInstanceId;
    if (!vnf) continue;
    const key = `${vnf}\u0000${cause}`;
    const g = groups.get(key) ?? { cause, vnf, occ: [], vnfcs: new Set<string>(), details: new Set<string>() };
    g.occ.push([r.ts, Math.max(1, Math.floor(r.count ?? 1))]);
    const vnfc = r.vnfcInstanceId ?? placed?.vnfcInstanceId;
    if (vnfc) g.vnfcs.add(vnfc);
    g.vm ??= r.vm;
    if (r.attrs?.process) g.details.add(`process: ${r.attrs.process}`);
    if (r.host) g.details.add(`host: ${r.host}`);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({
    cause: g.cause,
    obs: {
      managedObjectId: g.vnf,
      occurrences: g.occ,
      vnfcInstanceIds: [...g.vnfcs],
      ...(g.vm && { faultyResource: novaServer(g.vm) }),
      details: [...g.details].slice(0, 10),
    },
  }));
}

/** Alertmanager keeps microseconds; alarms carry milliseconds, like every other time here. */
const rfc3339 = (t: string) => new Date(t).toISOString();

const SEVERITIES: readonly PerceivedSeverity[] = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE'];

/** The server of a Tacker vnfcInfo id (`{vduId}-{server id}`), among the VNF's VMs. */
function serverOf(resolver: EntityResolver, vnfInstanceId: string, vnfcInfoId: string): string | undefined {
  return resolver
    .vmsOfVnf(vnfInstanceId)
    .find((vm) => vnfcInfoId === vm || vnfcInfoId.endsWith(`-${vm}`) || resolver.resolve(vm, 'vm').vnfcInstanceId === vnfcInfoId);
}

/**
 * A Tacker-style FM alert (labels receiver_type: tacker, function_type: vnffm,
 * vnf_instance_id, vnfc_info_id, perceived_severity, event_type; annotations
 * probable_cause, fault_type, fault_details) as a correlation input; undefined for any
 * other alert. A firing alert with severity CLEARED counts as resolved.
 */
export function alertObservation(
  payload: unknown,
  resolver: EntityResolver,
  nowIso: string,
): { cause: string; obs: AlertObservation } | undefined {
  const a = payload as NormalisedAlert;
  const t = a?.tacker;
  if (!t || t.functionType !== 'vnffm' || !t.vnfInstanceId || typeof a.fingerprint !== 'string') return undefined;
  const probableCause = t.probableCause ?? a.labels?.alertname ?? 'Alertmanager alert';
  const eventType = (EVENT_TYPES as readonly string[]).includes(t.eventType ?? '') ? (t.eventType as EventType) : 'PROCESSING_ERROR_ALARM';
  const severity = SEVERITIES.includes(t.perceivedSeverity as PerceivedSeverity) ? (t.perceivedSeverity as PerceivedSeverity) : 'INDETERMINATE';
  const server = t.vnfcInfoId ? serverOf(resolver, t.vnfInstanceId, t.vnfcInfoId) : undefined;
  const details = [
    `fingerprint: ${a.fingerprint}`,
    ...(t.faultDetails !== undefined ? [`detail: ${t.faultDetails}`] : []),
    ...(t.eventType !== undefined && t.eventType !== eventType ? [`event_type: ${t.eventType}`] : []),
  ];
  const resolved = a.status === 'resolved' || t.perceivedSeverity === 'CLEARED';
  return {
    cause: alertCause(probableCause),
    obs: {
      managedObjectId: t.vnfInstanceId,
      probableCause,
      alertKey: `${a.fingerprint}@${a.startsAt}`,
      status: resolved ? 'resolved' : 'firing',
      ...(resolved && { endsAt: a.endsAt ? rfc3339(a.endsAt) : nowIso }),
      alert: {
        severity,
        eventType,
        faultType: t.faultType ?? '',
        startsAt: rfc3339(a.startsAt),
        ...(t.vnfcInfoId && { vnfcInstanceId: t.vnfcInfoId }),
        ...(server && { faultyResource: novaServer(server) }),
        details,
      },
    },
  };
}
