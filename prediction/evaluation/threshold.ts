/**
 * Threshold choice on validation data, and the fixed sweep the evaluation reports.
 *
 * The operating point that matters for proactive migration is event recall at a lead of at
 * least `minLead` steps (enough for a live migration to start), under a budget of false alarm
 * episodes per hour of healthy time. `chooseThreshold` maximises the former subject to the
 * latter and breaks ties by fewer alarm episodes, then by the higher threshold.
 * Counting episodes alone would reward holding the alarm on (one long episode that happens
 * to end before a failure is "true"), so a threshold is also out of budget when the alarm is
 * on for more than `maxAlarmTimeShare` of the healthy time (default 0.5). Rows in alarm long
 * before an onset are not penalised further: in the vEPC trace a long stress phase announces
 * a long failure well over H steps ahead, and an alarm held through it is a useful one.
 */
import { eventMetrics, resolveEventOptions, type EventInput, type EventMetrics, type EventOptions } from './event-metrics.ts';

export const SWEEP_THRESHOLDS: readonly number[] = [0.5, 0.6, 0.7, 0.8, 0.9];

export interface ThresholdChoiceOptions extends EventOptions {
  /** Budget of false alarm episodes per healthy hour (default 5). */
  maxFalseAlarmsPerHour?: number;
  /** Largest share of healthy time the alarm may be on (default 0.5). */
  maxAlarmTimeShare?: number;
  /** Lead, in steps, at which recall is maximised (default 2). */
  minLead?: number;
  /** Thresholds to try; default `candidateThresholds(score)`. */
  candidates?: readonly number[];
}

export interface ThresholdChoice {
  threshold: number;
  /** false when no candidate met the budget (false alarms per hour, alarm time share): the quietest one was taken instead. */
  feasible: boolean;
  recall: number | null;
  falseAlarmsPerHour: number | null;
  alarmEpisodes: number;
  metrics: EventMetrics;
}

/**
 * Candidate thresholds: a 0.01 grid over (0, 1) plus up to `maxQuantiles` quantiles of the
 * finite scores (so scores squeezed into a narrow band still get usable candidates).
 */
export function candidateThresholds(score: ArrayLike<number>, maxQuantiles = 200): number[] {
  const set = new Set<number>();
  for (let k = 1; k < 100; k++) set.add(k / 100);
  const finite = Array.from(score).filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length > 0) {
    const m = Math.min(maxQuantiles, finite.length);
    for (let q = 0; q < m; q++) set.add(finite[Math.floor((q * (finite.length - 1)) / Math.max(1, m - 1))]);
  }
  return [...set].sort((a, b) => a - b);
}

interface Scored {
  threshold: number;
  recall: number;
  fah: number;
  metrics: EventMetrics;
}

/** Better when: higher recall, then fewer alarm episodes, then higher threshold. */
function better(a: Scored, b: Scored): boolean {
  if (a.recall !== b.recall) return a.recall > b.recall;
  if (a.metrics.alarmEpisodes !== b.metrics.alarmEpisodes) return a.metrics.alarmEpisodes < b.metrics.alarmEpisodes;
  return a.threshold > b.threshold;
}

/** Quieter when: fewer false alarms per hour, then higher recall, then higher threshold. */
function quieter(a: Scored, b: Scored): boolean {
  if (a.fah !== b.fah) return a.fah < b.fah;
  if (a.recall !== b.recall) return a.recall > b.recall;
  return a.threshold > b.threshold;
}

export function chooseThreshold(input: EventInput, options: ThresholdChoiceOptions = {}): ThresholdChoice {
  const { maxFalseAlarmsPerHour = 5, maxAlarmTimeShare = 0.5, minLead = 2, candidates, ...eventOptions } = options;
  const base = resolveEventOptions(eventOptions);
  const leads = [...new Set([...base.leads, minLead])];
  const tried = (candidates ?? candidateThresholds(input.score)).filter(Number.isFinite);
  if (tried.length === 0) throw new RangeError('no candidate thresholds');
  let best: Scored | null = null;
  let quietest: Scored | null = null;
  for (const threshold of tried) {
    const metrics = eventMetrics(input, threshold, { ...base, leads });
    const c = metrics.events.all;
    const s: Scored = { threshold, recall: c.total ? c[`warned${minLead}`] / c.total : 0, fah: metrics.falseAlarmsPerHour ?? 0, metrics };
    const withinBudget = s.fah <= maxFalseAlarmsPerHour && (metrics.alarmTimeShare ?? 0) <= maxAlarmTimeShare;
    if (withinBudget && (!best || better(s, best))) best = s;
    if (!quietest || quieter(s, quietest)) quietest = s;
  }
  const pick = (best ?? quietest) as Scored;
  return {
    threshold: pick.threshold,
    feasible: best !== null,
    recall: pick.metrics.events.all.total ? pick.recall : null,
    falseAlarmsPerHour: pick.metrics.falseAlarmsPerHour,
    alarmEpisodes: pick.metrics.alarmEpisodes,
    metrics: pick.metrics,
  };
}

/** Event metrics at the reporting thresholds (0.5..0.9 by default), plus any extra ones (e.g. the model's own). */
export function thresholdSweep(
  input: EventInput,
  options: EventOptions & { thresholds?: readonly number[]; extra?: readonly number[] } = {},
): EventMetrics[] {
  const { thresholds = SWEEP_THRESHOLDS, extra = [], ...eventOptions } = options;
  const all = [...new Set([...thresholds, ...extra])].sort((a, b) => a - b);
  return all.map((t) => eventMetrics(input, t, eventOptions));
}
