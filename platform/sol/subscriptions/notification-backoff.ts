/** When failed notification deliveries are tried again (VNFM_NOTIFY_* configuration). */
export interface RetryPolicy {
  /** Delay after the first failed attempt; doubles with each further one. */
  readonly backoffMs: number;
  /** Longest delay between two attempts. */
  readonly maxBackoffMs: number;
  /** Attempts before a delivery is given up (kept, marked failed). */
  readonly maxAttempts: number;
}

/** Spread of the random jitter around the nominal delay: ±25 %. */
const JITTER = 0.25;

/**
 * Delay before the next attempt after `failedAttempts` (>= 1) failures:
 * min(backoff * 2^(failedAttempts-1), max), varied by ±25 % so that receivers
 * that came back are not hit by every retry at the same instant, and never
 * above the maximum.
 */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, failedAttempts - 1);
  // 2^exponent overflows to Infinity for very large counts; min() keeps it finite.
  const nominal = Math.min(policy.backoffMs * 2 ** exponent, policy.maxBackoffMs);
  const jittered = nominal * (1 - JITTER + 2 * JITTER * random());
  return Math.round(Math.min(jittered, policy.maxBackoffMs));
}

export type NextStep = { readonly kind: 'retry'; readonly delayMs: number } | { readonly kind: 'give-up' };

/** What happens to a delivery whose attempt number `attempts` just failed. */
export function afterFailedAttempt(attempts: number, policy: RetryPolicy, random?: () => number): NextStep {
  if (attempts >= policy.maxAttempts) return { kind: 'give-up' };
  return { kind: 'retry', delayMs: retryDelayMs(attempts, policy, random) };
}
