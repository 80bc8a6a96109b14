/**
 * Event metrics: does the score warn early enough for a live migration, and how often
 * does it fire for nothing? All distances are in rows (monitoring steps).
 *
 * Definitions (the evaluation report relies on them; keep them in sync with the README):
 * - Failure run: a maximal run of rows with failure = 1; onset o, last row e, length e-o+1.
 *   Long when length >= `longRunSteps` (default 100), short otherwise.
 * - Alarm row: a healthy row (failure = 0) whose score is >= threshold (NaN is no alarm).
 * - Pre-onset window of a run: rows [max(o-H, p+1, 0), o-1], where p is the last row of the
 *   previous failure run (an alarm raised before an earlier failure does not count for this one).
 * - Lead of a run: o - f, f the first alarm row of its pre-onset window (null when none).
 *   "Warned at lead L": lead >= L, i.e. an alarm was raised in [o-H, o-L]: at least L steps
 *   before onset, and not earlier than the horizon H the score predicts over.
 *   With L = H only row o-H qualifies; with L > H no run can be warned.
 * - Alarmed (short runs): lead >= 1, an alarm somewhere in the pre-onset window; each such
 *   alarm would start a migration that the short failure did not need.
 * - Flagged long: long probability >= its threshold on some row from the start of the
 *   pre-onset window to min(o+2, e), i.e. no later than 2 steps after onset.
 * - Alarm episode: a maximal run of alarm rows, also broken where the time to the next row
 *   exceeds `maxGapSeconds`. It is a true alarm when a failure starts within H rows after its
 *   last row e (e < o <= e+H), a false alarm otherwise (also when the trace ends before H
 *   more rows: an outcome that cannot be seen is not credited).
 * - Healthy time: sum of `rowDurations` (gaps capped at `maxGapSeconds`) over healthy rows.
 * Episodes alone can be gamed by holding the alarm on; `falseAlarmWindowRate` (share of
 * healthy rows with no onset within H that are alarm rows) and `alarmTimeShare` (share of
 * healthy time spent in alarm) are reported beside them for that reason.
 */
import { assertSteps, findRuns, median, rowDurations, type Run } from './failure-runs.ts';

export interface EventInput {
  /** Row times, epoch seconds, non-decreasing. */
  time: ArrayLike<number>;
  /** 1 while the host is failing, else 0. */
  failure: ArrayLike<number>;
  /** Failure score per row (probability that a failure starts within H steps). */
  score: ArrayLike<number>;
  /** Probability that a failure which starts will be long; omitted for models without one. */
  longProbability?: ArrayLike<number>;
}

export interface EventOptions {
  horizon?: number;
  leads?: readonly number[];
  longRunSteps?: number;
  longThreshold?: number;
  maxGapSeconds?: number;
  flagLongWithinSteps?: number;
}

export const DEFAULT_EVENT_OPTIONS = {
  horizon: 12,
  leads: [2, 6, 12] as readonly number[],
  longRunSteps: 100,
  longThreshold: 0.5,
  maxGapSeconds: 60,
  flagLongWithinSteps: 2,
} as const;

export type EventCounts = { total: number } & { [k: `warned${number}`]: number };
export type LeadRecall = { [k: `warned${number}`]: number | null };

export interface RunOutcome {
  onset: number;
  end: number;
  length: number;
  long: boolean;
  onsetTime: number;
  leadSteps: number | null;
  leadSeconds: number | null;
  flaggedLong: boolean | null;
}

export interface EventMetrics {
  threshold: number;
  longThreshold: number | null;
  horizon: number;
  leads: number[];
  longRunSteps: number;
  events: {
    all: EventCounts;
    long: EventCounts & { flaggedLong: number | null };
    short: EventCounts & { alarmed: number; flaggedLong: number | null };
  };
  recall: { all: LeadRecall; long: LeadRecall; short: LeadRecall };
  falseAlarmsPerHour: number | null;
  medianLeadSteps: number | null;
  medianLeadSeconds: number | null;
  alarmEpisodes: number;
  falseAlarmEpisodes: number;
  /** Healthy rows in alarm with no onset within H after them (numerator of falseAlarmWindowRate). */
  falseAlarmRows: number;
  healthyHours: number;
  falseAlarmWindowRate: number | null;
  alarmTimeShare: number | null;
  runs: RunOutcome[];
}

function checkInput(input: EventInput): void {
  const n = input.time.length;
  for (const [name, arr] of [['failure', input.failure], ['score', input.score], ['longProbability', input.longProbability]] as const) {
    if (arr && arr.length !== n) throw new RangeError(`${name} (${arr.length}) and time (${n}) differ in length`);
  }
  for (let i = 0; i < n; i++) {
    const f = input.failure[i];
    if (f !== 0 && f !== 1) throw new RangeError(`failure at row ${i} is ${f}, expected 0 or 1`);
  }
}

function isAlarm(input: EventInput, i: number, threshold: number): boolean {
  return !input.failure[i] && input.score[i] >= threshold;
}

function runOutcome(input: EventInput, run: Run, prevEnd: number, threshold: number, o: Required<EventOptions>): RunOutcome {
  const onset = run.start;
  const from = Math.max(onset - o.horizon, prevEnd + 1, 0);
  let first = -1;
  for (let i = from; i < onset; i++) {
    if (isAlarm(input, i, threshold)) {
      first = i;
      break;
    }
  }
  let flaggedLong: boolean | null = null;
  if (input.longProbability) {
    flaggedLong = false;
    const to = Math.min(onset + o.flagLongWithinSteps, run.end);
    for (let i = from; i <= to; i++) if (input.longProbability[i] >= o.longThreshold) flaggedLong = true;
  }
  const length = run.end - run.start + 1;
  return {
    onset,
    end: run.end,
    length,
    long: length >= o.longRunSteps,
    onsetTime: input.time[onset],
    leadSteps: first < 0 ? null : onset - first,
    leadSeconds: first < 0 ? null : input.time[onset] - input.time[first],
    flaggedLong,
  };
}

function counts(runs: RunOutcome[], leads: readonly number[]): EventCounts {
  const c: EventCounts = { total: runs.length };
  for (const l of leads) c[`warned${l}`] = runs.filter((r) => r.leadSteps !== null && r.leadSteps >= l).length;
  return c;
}

function recall(c: EventCounts, leads: readonly number[]): LeadRecall {
  const r: LeadRecall = {};
  for (const l of leads) r[`warned${l}`] = c.total ? c[`warned${l}`] / c.total : null;
  return r;
}

function countFlagged(runs: RunOutcome[], hasLong: boolean): number | null {
  return hasLong ? runs.filter((r) => r.flaggedLong).length : null;
}

interface EpisodeStats {
  episodes: number;
  falseEpisodes: number;
  healthySeconds: number;
  alarmSeconds: number;
  negativeRows: number;
  negativeAlarmRows: number;
}

function episodeStats(input: EventInput, onsets: number[], threshold: number, o: Required<EventOptions>): EpisodeStats {
  const n = input.time.length;
  const dt = rowDurations(input.time, o.maxGapSeconds);
  const s: EpisodeStats = { episodes: 0, falseEpisodes: 0, healthySeconds: 0, alarmSeconds: 0, negativeRows: 0, negativeAlarmRows: 0 };
  let k = 0; // index of the first onset after row i
  let inEpisode = false;
  for (let i = 0; i < n; i++) {
    while (k < onsets.length && onsets[k] <= i) k++;
    if (input.failure[i]) continue;
    const alarm = isAlarm(input, i, threshold);
    const onsetAhead = k < onsets.length && onsets[k] - i <= o.horizon;
    s.healthySeconds += dt[i];
    if (!onsetAhead) s.negativeRows++;
    if (alarm) {
      s.alarmSeconds += dt[i];
      if (!onsetAhead) s.negativeAlarmRows++;
      if (!inEpisode) s.episodes++;
      inEpisode = true;
      const gapAfter = i + 1 < n && !(input.time[i + 1] - input.time[i] <= o.maxGapSeconds);
      const endsHere = i + 1 >= n || gapAfter || !isAlarm(input, i + 1, threshold);
      if (endsHere) {
        if (!onsetAhead) s.falseEpisodes++;
        inEpisode = false;
      }
    }
  }
  return s;
}

/** Defaults filled in; an option given as `undefined` keeps its default. */
export function resolveEventOptions(options: EventOptions = {}): Required<EventOptions> {
  const o: Required<EventOptions> = { ...DEFAULT_EVENT_OPTIONS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) Object.assign(o, { [k]: v });
  return o;
}

/** Event metrics of one score series at one threshold. */
export function eventMetrics(input: EventInput, threshold: number, options: EventOptions = {}): EventMetrics {
  checkInput(input);
  const o = resolveEventOptions(options);
  assertSteps('horizon', o.horizon);
  for (const l of o.leads) assertSteps('lead', l);
  const failureRuns = findRuns(input.failure);
  const runs = failureRuns.map((r, j) => runOutcome(input, r, j > 0 ? failureRuns[j - 1].end : -1, threshold, o));
  const long = runs.filter((r) => r.long);
  const short = runs.filter((r) => !r.long);
  const hasLong = input.longProbability !== undefined;
  const all = counts(runs, o.leads);
  const longCounts = counts(long, o.leads);
  const shortCounts = counts(short, o.leads);
  const ep = episodeStats(input, failureRuns.map((r) => r.start), threshold, o);
  const healthyHours = ep.healthySeconds / 3600;
  const warnedRuns = runs.filter((r) => r.leadSteps !== null);
  return {
    threshold,
    longThreshold: hasLong ? o.longThreshold : null,
    horizon: o.horizon,
    leads: [...o.leads],
    longRunSteps: o.longRunSteps,
    events: {
      all,
      long: { ...longCounts, flaggedLong: countFlagged(long, hasLong) },
      short: { ...shortCounts, alarmed: short.filter((r) => r.leadSteps !== null).length, flaggedLong: countFlagged(short, hasLong) },
    },
    recall: { all: recall(all, o.leads), long: recall(longCounts, o.leads), short: recall(shortCounts, o.leads) },
    falseAlarmsPerHour: healthyHours > 0 ? ep.falseEpisodes / healthyHours : null,
    medianLeadSteps: median(warnedRuns.map((r) => r.leadSteps as number)),
    medianLeadSeconds: median(warnedRuns.map((r) => r.leadSeconds as number)),
    alarmEpisodes: ep.episodes,
    falseAlarmEpisodes: ep.falseEpisodes,
    falseAlarmRows: ep.negativeAlarmRows,
    healthyHours,
    falseAlarmWindowRate: ep.negativeRows > 0 ? ep.negativeAlarmRows / ep.negativeRows : null,
    alarmTimeShare: ep.healthySeconds > 0 ? ep.alarmSeconds / ep.healthySeconds : null,
    runs,
  };
}

/** The same metrics at several thresholds (e.g. 0.5..0.9 and the model's own). */
export function eventMetricsAt(input: EventInput, thresholds: readonly number[], options: EventOptions = {}): EventMetrics[] {
  return thresholds.map((t) => eventMetrics(input, t, options));
}
