import { OOM_KILL_STORM, S1AP_BROKEN_PIPE, type CauseProfile } from './alarm-causes.ts';
import { NO_CHANGE, notablyDifferent, type AlarmFacts, type ConditionState, type Correlation, type FaultyCompute } from './alarm.types.ts';
import type { FmSettings } from './fm-settings.ts';

/** Occurrences of one reactive event type for one VNF instance, from one bus event. */
export interface EventObservation {
  readonly managedObjectId: string;
  /** [epoch seconds, count], in any order. */
  readonly occurrences: readonly (readonly [number, number])[];
  readonly vnfcInstanceIds: readonly string[];
  readonly faultyResource?: FaultyCompute;
  readonly details: readonly string[];
}

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

type EventSettings = Pick<FmSettings, 'oomStormKills' | 'oomStormSeconds' | 'eventClearSeconds'>;

function factsOf(profile: CauseProfile, obs: EventObservation, eventTime: number, previous: AlarmFacts | undefined, details: readonly string[]): AlarmFacts {
  const vnfcs = [...new Set([...(previous?.vnfcInstanceIds ?? []), ...obs.vnfcInstanceIds])];
  const faultyResource = previous?.faultyResource ?? obs.faultyResource;
  return {
    perceivedSeverity: profile.severity ?? 'MAJOR',
    eventType: profile.eventType,
    probableCause: profile.probableCause,
    faultType: profile.faultType,
    isRootCause: profile.isRootCause,
    eventTime: iso(eventTime),
    vnfcInstanceIds: vnfcs,
    ...(faultyResource && { faultyResource }),
    faultDetails: details,
  };
}

/** Raises on `trigger`, updates when the VNFCs involved grew, remembers the newest time. */
function onEvents(state: ConditionState | undefined, recent: [number, number][], lastAt: number, trigger: AlarmFacts | undefined): Correlation {
  const events = { recent, lastAt };
  if (state?.active && state.facts) {
    if (trigger && notablyDifferent(state.facts, trigger)) return { state: { active: true, facts: trigger, events }, change: { kind: 'update', facts: trigger } };
    return { state: { ...state, events }, change: NO_CHANGE };
  }
  if (trigger) return { state: { active: true, facts: trigger, events }, change: { kind: 'raise', facts: trigger } };
  return { state: recent.length > 0 ? { active: false, events } : undefined, change: NO_CHANGE };
}

/** S1AP broken pipe: every occurrence means the failure is under way; raised at the first. */
export function correlateS1apBrokenPipe(state: ConditionState | undefined, obs: EventObservation): Correlation {
  if (obs.occurrences.length === 0) return { state, change: NO_CHANGE };
  const newest = Math.max(...obs.occurrences.map(([t]) => t));
  const lastAt = Math.max(newest, state?.events?.lastAt ?? -Infinity);
  const count = obs.occurrences.reduce((n, [, c]) => n + c, 0);
  const trigger = factsOf(S1AP_BROKEN_PIPE, obs, newest, state?.facts, [`occurrences: ${count}`, ...obs.details]);
  return onEvents(state, [], lastAt, trigger);
}

/**
 * OOM kill storm: `oomStormKills` kills within a sliding window of `oomStormSeconds`
 * (by event time) raise the alarm; single kills are only counted.
 */
export function correlateOomKills(state: ConditionState | undefined, obs: EventObservation, settings: EventSettings): Correlation {
  if (obs.occurrences.length === 0) return { state, change: NO_CHANGE };
  const all = [...(state?.events?.recent ?? []), ...obs.occurrences].map(([t, c]) => [t, c] as [number, number]).sort((a, b) => a[0] - b[0]);
  const lastAt = Math.max(all[all.length - 1][0], state?.events?.lastAt ?? -Infinity);
  const recent = all.filter(([t]) => t > lastAt - settings.oomStormSeconds);
  // The storm is looked for in every window ending at a new occurrence, so a late batch still counts.
  let stormAt: number | undefined;
  let kills = 0;
  for (const [end] of obs.occurrences) {
    const n = all.filter(([t]) => t <= end && t > end - settings.oomStormSeconds).reduce((s, [, c]) => s + c, 0);
    if (n >= settings.oomStormKills && (stormAt === undefined || end > stormAt)) {
      stormAt = end;
      kills = n;
    }
  }
  const trigger =
    stormAt === undefined
      ? undefined
      : factsOf(OOM_KILL_STORM, obs, stormAt, state?.facts, [`kills: ${kills} within ${settings.oomStormSeconds} s`, ...obs.details]);
  return onEvents(state, recent, lastAt, trigger);
}

/**
 * What time does to an event condition: an active one clears `eventClearSeconds` after its
 * last occurrence (at that moment); an inactive one forgets occurrences that left the
 * storm window, and itself once none is left.
 */
export function expireEvents(state: ConditionState, nowSeconds: number, settings: EventSettings): Correlation {
  const events = state.events;
  if (!events) return { state: undefined, change: NO_CHANGE };
  if (state.active) {
    const clearAt = events.lastAt + settings.eventClearSeconds;
    return nowSeconds >= clearAt ? { state: undefined, change: { kind: 'clear', clearedAt: iso(clearAt) } } : { state, change: NO_CHANGE };
  }
  const recent = events.recent.filter(([t]) => t > nowSeconds - settings.oomStormSeconds);
  return { state: recent.length > 0 ? { active: false, events: { ...events, recent } } : undefined, change: NO_CHANGE };
}

/** When the sweep should look at a condition again (epoch s), or undefined. */
export function reviewAt(state: ConditionState | undefined, settings: EventSettings): number | undefined {
  if (!state) return undefined;
  const events = state.events;
  if (!events) return state.active ? undefined : state.forgetAt;
  if (state.active) return events.lastAt + settings.eventClearSeconds;
  if (events.recent.length === 0) return undefined;
  return Math.min(...events.recent.map(([t]) => t)) + settings.oomStormSeconds;
}

/** What time alone does to a condition: event conditions expire; inactive states kept for late inputs are forgotten. */
export function expireCondition(state: ConditionState, nowSeconds: number, settings: EventSettings): Correlation {
  if (state.events) return expireEvents(state, nowSeconds, settings);
  if (!state.active && (state.forgetAt === undefined || nowSeconds >= state.forgetAt)) return { state: undefined, change: NO_CHANGE };
  return { state, change: NO_CHANGE };
}
