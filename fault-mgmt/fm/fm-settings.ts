import type { PerceivedSeverity } from './alarm.types.ts';

/** One severity band of the failure score: scores >= `min` get `severity`. */
export interface SeverityBand {
  readonly severity: PerceivedSeverity;
  readonly min: number;
}

/** How alarms are raised and cleared (config: FM_* keys). */
export interface FmSettings {
  /** FM_SEVERITY_BANDS: failure score bands, highest first; a score under the lowest raises nothing. */
  readonly severityBands: readonly SeverityBand[];
  /** FM_CLEAR_WINDOWS: scoring windows in a row under the lowest band before a predicted-failure alarm clears. */
  readonly clearWindows: number;
  /** FM_OOM_STORM_KILLS and FM_OOM_STORM_SECONDS: this many OOM kills of one VNF within this many seconds are a storm. */
  readonly oomStormKills: number;
  readonly oomStormSeconds: number;
  /** FM_EVENT_CLEAR_SECONDS: an S1AP broken-pipe or OOM-storm alarm clears after this long without such events. */
  readonly eventClearSeconds: number;
  /** FM_CLEARED_RETENTION_DAYS: cleared alarms are deleted after this many days (0: kept). */
  readonly clearedRetentionDays: number;
}

export const DEFAULT_SEVERITY_BANDS: readonly SeverityBand[] = [
  { severity: 'CRITICAL', min: 0.9 },
  { severity: 'MAJOR', min: 0.75 },
  { severity: 'MINOR', min: 0.5 },
];

export const FM_DEFAULTS: FmSettings = {
  severityBands: DEFAULT_SEVERITY_BANDS,
  clearWindows: 6,
  oomStormKills: 3,
  oomStormSeconds: 60,
  eventClearSeconds: 300,
  clearedRetentionDays: 30,
};

const BAND_SEVERITIES: readonly PerceivedSeverity[] = ['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE'];

/**
 * Parses FM_SEVERITY_BANDS, `CRITICAL:0.9,MAJOR:0.75,MINOR:0.5`: each severity at most
 * once, thresholds in (0, 1], a more severe band never below a less severe one.
 * Returns the bands highest first, or throws an Error saying what is wrong.
 */
export function parseSeverityBands(text: string): SeverityBand[] {
  const bands = text.split(',').map((part) => {
    const m = /^\s*([A-Z]+)\s*:\s*([0-9]*\.?[0-9]+)\s*$/.exec(part);
    if (!m) throw new Error(`'${part.trim()}' is not SEVERITY:threshold (e.g. MAJOR:0.75)`);
    const severity = m[1] as PerceivedSeverity;
    if (!BAND_SEVERITIES.includes(severity)) throw new Error(`${m[1]} is not one of ${BAND_SEVERITIES.join(', ')}`);
    const min = Number(m[2]);
    if (!(min > 0 && min <= 1)) throw new Error(`the threshold of ${severity} must be in (0, 1], got ${m[2]}`);
    return { severity, min };
  });
  const seen = new Set<string>();
  for (const b of bands) {
    if (seen.has(b.severity)) throw new Error(`${b.severity} is given twice`);
    seen.add(b.severity);
  }
  const byUrgency = [...bands].sort((a, b) => BAND_SEVERITIES.indexOf(a.severity) - BAND_SEVERITIES.indexOf(b.severity));
  for (let i = 1; i < byUrgency.length; i++) {
    if (byUrgency[i].min >= byUrgency[i - 1].min) {
      throw new Error(`${byUrgency[i - 1].severity} (${byUrgency[i - 1].min}) must be above ${byUrgency[i].severity} (${byUrgency[i].min})`);
    }
  }
  return byUrgency;
}

/** The band a score falls in, or undefined under the lowest. */
export function bandOf(score: number, bands: readonly SeverityBand[]): SeverityBand | undefined {
  return bands.find((b) => score >= b.min);
}

/** The lowest band's threshold: the score that raises a predicted-failure alarm. */
export function raiseThreshold(bands: readonly SeverityBand[]): number {
  return Math.min(...bands.map((b) => b.min));
}

/** The defaults with `given` on top, checked; throws an Error naming the bad setting. */
export function resolveFmSettings(given: Partial<FmSettings> = {}): FmSettings {
  const s: FmSettings = { ...FM_DEFAULTS, ...given };
  const positiveInt = (name: string, v: number, min = 1) => {
    if (!Number.isInteger(v) || v < min) throw new Error(`FM setting ${name} must be an integer >= ${min}, got ${v}`);
  };
  if (s.severityBands.length === 0) throw new Error('FM setting severityBands needs at least one band');
  parseSeverityBands(s.severityBands.map((b) => `${b.severity}:${b.min}`).join(','));
  positiveInt('clearWindows', s.clearWindows);
  positiveInt('oomStormKills', s.oomStormKills);
  positiveInt('oomStormSeconds', s.oomStormSeconds);
  positiveInt('eventClearSeconds', s.eventClearSeconds);
  positiveInt('clearedRetentionDays', s.clearedRetentionDays, 0);
  return { ...s, severityBands: [...s.severityBands].sort((a, b) => b.min - a.min) };
}
