/**
 * The `prediction.failure_scores` event as PM thresholds and the failureScore indicator read
 * it: a JSON array with one entry per scored VNF instance (no vnfcInstanceId) and VNFC. Only
 * the fields used here are named; the producer (online scoring) sends more.
 */
export const FAILURE_SCORES_TOPIC = 'prediction.failure_scores';

export interface FailureScoreEntry {
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId?: string;
  /** P(a failure starts within the model's horizon), 0..1. */
  readonly failureScore: number;
  /** Start of the last window scored, ISO 8601. */
  readonly ts: string;
}

/** The entries of an event payload that are well formed; anything else is ignored. */
export function failureScoreEntries(payload: unknown): FailureScoreEntry[] {
  if (!Array.isArray(payload)) return [];
  return payload.filter(
    (e): e is FailureScoreEntry =>
      typeof e === 'object' && e !== null &&
      typeof e.vnfInstanceId === 'string' &&
      (e.vnfcInstanceId === undefined || typeof e.vnfcInstanceId === 'string') &&
      typeof e.failureScore === 'number' && Number.isFinite(e.failureScore) &&
      typeof e.ts === 'string' && !Number.isNaN(Date.parse(e.ts)),
  );
}
