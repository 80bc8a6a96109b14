/**
 * Threshold crossing with hysteresis (SOL003 6.5.3.4 simpleThresholdDetails): an UP crossing
 * is notified when the measured value reaches or exceeds thresholdValue + hysteresis, a DOWN
 * crossing when it reaches or undercuts thresholdValue - hysteresis. The side last notified
 * is remembered, so each crossing is notified exactly once however many values arrive on the
 * same side, and values inside the band change nothing. A threshold starts on the DOWN side:
 * a first value at or above the upper bound is notified as an UP crossing (an NFVO's
 * scale-out policy must hear of it), a first value below the band is not.
 */

export type CrossingDirection = 'UP' | 'DOWN';

export interface SimpleThresholdDetails {
  readonly thresholdValue: number;
  readonly hysteresis: number;
}

/** The crossing `value` makes from the side last notified, if any. */
export function crossingOf(last: CrossingDirection | undefined, value: number, d: SimpleThresholdDetails): CrossingDirection | undefined {
  if (!Number.isFinite(value)) return undefined;
  const side = last ?? 'DOWN';
  if (side === 'DOWN' && value >= d.thresholdValue + d.hysteresis) return 'UP';
  // Strictly below thresholdValue too: with no hysteresis a value exactly at it must not flap UP and DOWN.
  if (side === 'UP' && value <= d.thresholdValue - d.hysteresis && value < d.thresholdValue) return 'DOWN';
  return undefined;
}

/** Per measured sub-object ('' for the object itself): the side last notified. */
export type CrossingState = Record<string, CrossingDirection>;

export interface CrossingResult {
  readonly state: CrossingState;
  /** The crossings to notify, in the order of the values. */
  readonly crossings: readonly { readonly key: string; readonly direction: CrossingDirection; readonly value: number; readonly index: number }[];
}

/** Applies values in order (each with the key of its sub-object) to a threshold's state. */
export function applyValues(state: CrossingState, values: readonly { readonly key: string; readonly value: number }[], d: SimpleThresholdDetails): CrossingResult {
  const next: CrossingState = { ...state };
  const crossings: { key: string; direction: CrossingDirection; value: number; index: number }[] = [];
  values.forEach(({ key, value }, index) => {
    const direction = crossingOf(next[key], value, d);
    if (direction) {
      next[key] = direction;
      crossings.push({ key, direction, value, index });
    }
  });
  return { state: next, crossings };
}
