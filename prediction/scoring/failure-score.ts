import type { ScoringModelMeta } from '../registry/model-port.ts';

/** One score of one VNF instance or VNFC for one aligned window. */
export interface FailureScore {
  readonly kind: 'vnf' | 'vnfc';
  /** vnfcInstanceId or vnfInstanceId. */
  readonly id: string;
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId?: string;
  readonly vm?: string;
  readonly host: string;
  /** Start of the last window the score saw, epoch seconds. */
  readonly ts: number;
  /** P(a failure starts within the model's horizon). */
  readonly failureScore: number;
  /** P(that failure is long, >= meta.longSteps steps). */
  readonly longProbability: number;
  /** The last window had S1AP broken-pipe events: a failure is under way. */
  readonly inFailure: boolean;
  readonly modelId: string;
}

/** One entry of the `prediction.failure_scores` event (JSON; times ISO 8601). */
export interface FailureScorePayload {
  readonly vnfInstanceId: string;
  readonly vnfcInstanceId?: string;
  readonly vm?: string;
  readonly host: string;
  readonly failureScore: number;
  readonly longProbability: number;
  readonly inFailure: boolean;
  /** The model's own thresholds (chosen on validation data when it was trained). */
  readonly threshold: number;
  readonly longThreshold: number;
  readonly horizonSeconds: number;
  readonly modelId: string;
  readonly ts: string;
}

/** Scores are float32 model outputs: rounded to 6 digits so the JSON stays short. */
const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function toPayload(s: FailureScore, meta: ScoringModelMeta, stepSeconds: number): FailureScorePayload {
  return {
    vnfInstanceId: s.vnfInstanceId,
    ...(s.vnfcInstanceId && { vnfcInstanceId: s.vnfcInstanceId }),
    ...(s.vm && { vm: s.vm }),
    host: s.host,
    failureScore: round(s.failureScore),
    longProbability: round(s.longProbability),
    inFailure: s.inFailure,
    threshold: meta.threshold,
    longThreshold: meta.longThreshold,
    horizonSeconds: meta.horizonSteps * stepSeconds,
    modelId: s.modelId,
    ts: new Date(s.ts * 1000).toISOString(),
  };
}
