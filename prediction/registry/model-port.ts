/**
 * What the registry and online scoring need of a trained failure model: a subset of
 * `ModelMeta` / `FailureModel` (prediction/model/failure-model.ts), so any model that
 * loader returns fits, and tests can use a fake that `satisfies ScoringModel`.
 */
import type { FeatureOptions } from '../features/feature-windows.ts';

export interface ScoringModelMeta {
  readonly id: string;
  readonly kind: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly horizonSteps: number;
  readonly windowSteps: number;
  /** featureNames(featureOptions), in the order the model takes them. */
  readonly features: readonly string[];
  readonly featureOptions: FeatureOptions;
  /** scalerToJSON output, parsed. */
  readonly scaler: unknown;
  readonly threshold: number;
  readonly longThreshold: number;
  readonly dataHash: string;
  readonly metrics?: Record<string, unknown>;
}

export interface ScoringModel {
  readonly meta: ScoringModelMeta;
  /** windows: [count, windowSteps, features.length], scaled. Per window P(failure within H) and P(long). */
  predict(windows: Float32Array, count: number): Promise<{ failure: Float32Array; long: Float32Array }>;
  dispose(): void;
}

/** Loads the model stored in a directory (model.json, weights, meta.json). */
export type ModelLoader = (dir: string) => Promise<ScoringModel>;

/** Model ids become directory names: letters, digits, '.', '_', '-'. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class InvalidModelMeta extends Error {
  override readonly name = 'InvalidModelMeta';
}

/** Checks the fields the registry and scoring rely on; returns the meta typed, or throws naming the field. */
export function validateModelMeta(raw: unknown, where = 'meta.json'): ScoringModelMeta {
  const fail = (why: string): never => {
    throw new InvalidModelMeta(`${where}: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('not a JSON object');
  const m = raw as Record<string, unknown>;
  if (typeof m.id !== 'string' || !MODEL_ID.test(m.id)) {
    fail('id must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  if (typeof m.kind !== 'string' || m.kind === '') fail('kind must be a non-empty string');
  if (typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt))) fail('createdAt must be an ISO 8601 time');
  if (typeof m.dataHash !== 'string' || m.dataHash === '') fail('dataHash must be a non-empty string');
  for (const key of ['horizonSteps', 'windowSteps'] as const) {
    if (!Number.isInteger(m[key]) || (m[key] as number) < 1) fail(`${key} must be a positive integer`);
  }
  for (const key of ['threshold', 'longThreshold'] as const) {
    const v = m[key];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(`${key} must be a number from 0 to 1`);
  }
  if (!Array.isArray(m.features) || m.features.length === 0 || m.features.some((f) => typeof f !== 'string')) {
    fail('features must be a non-empty list of feature names');
  }
  if (m.featureOptions !== undefined && (typeof m.featureOptions !== 'object' || m.featureOptions === null)) {
    fail('featureOptions must be an object');
  }
  if (typeof m.scaler !== 'object' || m.scaler === null) fail('scaler must be an object');
  return { ...(m as unknown as ScoringModelMeta), featureOptions: (m.featureOptions ?? {}) as FeatureOptions };
}
