import { PREDICTED_FAILURE } from './alarm-causes.ts';
import { NO_CHANGE, notablyDifferent, type AlarmFacts, type ConditionState, type Correlation, type FaultyCompute } from './alarm.types.ts';
import { bandOf, type FmSettings } from './fm-settings.ts';

/** The failure score of one VNF instance for one scoring window. */
export interface ScoreObservation {
  readonly managedObjectId: string;
  readonly score: number;
  /** Start of the window, RFC 3339 UTC (scores of one model and step order by it). */
  readonly ts: string;
  /** The VNFCs at risk, riskiest first. */
  readonly vnfcInstanceIds: readonly string[];
  readonly faultyResource?: FaultyCompute;
  readonly details: readonly string[];
}

/** How long after a clear late windows are still recognised as stale. */
export const SCORE_MEMORY_SECONDS = 600;

function factsOf(obs: ScoreObservation, severity: AlarmFacts['perceivedSeverity']): AlarmFacts {
  return {
    perceivedSeverity: severity,
    eventType: PREDICTED_FAILURE.eventType,
    probableCause: PREDICTED_FAILURE.probableCause,
    faultType: PREDICTED_FAILURE.faultType,
    isRootCause: PREDICTED_FAILURE.isRootCause,
    eventTime: obs.ts,
    vnfcInstanceIds: obs.vnfcInstanceIds,
    ...(obs.faultyResource && { faultyResource: obs.faultyResource }),
    faultDetails: obs.details,
  };
}

/**
 * Predicted-failure correlation of one VNF instance. A score in a severity band raises
 * the alarm, or updates it when the band (or the VNFCs at risk) of the newest window
 * changed; the alarm clears only once `clearWindows` windows newer than the last window
 * in a band are under every band (hysteresis), so a score that dips for a window or two
 * does not clear and raise it again. Consumers may see windows out of order (RabbitMQ
 * hands a consumer several events at once): the decision depends on window times, not on
 * arrival; a window seen before, or older than the last clear, changes nothing.
 */
export function correlateScore(
  state: ConditionState | undefined,
  obs: ScoreObservation,
  settings: Pick<FmSettings, 'severityBands' | 'clearWindows'>,
): Correlation {
  const sc = state?.score;
  const unchanged = { state, change: NO_CHANGE };
  if (sc && ((sc.clearedAt !== undefined && obs.ts <= sc.clearedAt) || obs.ts === sc.lastTs || obs.ts === sc.lastAboveTs || sc.below.includes(obs.ts))) {
    return unchanged;
  }
  const newest = !sc || obs.ts > sc.lastTs;
  const lastTs = newest ? obs.ts : sc.lastTs;
  const band = bandOf(obs.score, settings.severityBands);
  if (band) {
    const lastAboveTs = sc?.lastAboveTs !== undefined && sc.lastAboveTs > obs.ts ? sc.lastAboveTs : obs.ts;
    const score = { lastTs, lastAboveTs, below: (sc?.below ?? []).filter((t) => t > lastAboveTs) };
    const facts = factsOf(obs, band.severity);
    if (!state?.active || !state.facts) return { state: { active: true, facts, score }, change: { kind: 'raise', facts } };
    if (newest && notablyDifferent(state.facts, facts)) return { state: { active: true, facts, score }, change: { kind: 'update', facts } };
    return { state: { ...state, score }, change: NO_CHANGE };
  }
  if (!state?.active) {
    // Nothing to remember unless late windows of a cleared alarm must be recognised.
    return sc?.clearedAt !== undefined ? { state: { ...state!, score: { ...sc, lastTs } }, change: NO_CHANGE } : { state: undefined, change: NO_CHANGE };
  }
  if (sc?.lastAboveTs !== undefined && obs.ts <= sc.lastAboveTs) return { state: { ...state, score: { ...sc, lastTs } }, change: NO_CHANGE };
  const below = [...(sc?.below ?? []), obs.ts].sort();
  if (below.length >= settings.clearWindows) {
    const clearedAt = below[below.length - 1];
    return {
      state: { active: false, score: { lastTs, below: [], clearedAt }, forgetAt: Date.parse(clearedAt) / 1000 + SCORE_MEMORY_SECONDS },
      change: { kind: 'clear', clearedAt },
    };
  }
  return { state: { ...state, score: { lastTs, ...(sc?.lastAboveTs && { lastAboveTs: sc.lastAboveTs }), below } }, change: NO_CHANGE };
}
