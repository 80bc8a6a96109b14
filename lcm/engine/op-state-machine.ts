import type { LcmOperationState } from './lcm.port.ts';

/**
 * The operation occurrence state machine of SOL003 5.4.1.2 (figure 5.4.1.2-1) as Tacker's
 * conductor runs it: an explicit transition table, pure. The engine and the API ask it
 * before every state change; anything not in the table is a programming error or a 409.
 *
 *   STARTING --granted--> PROCESSING --succeeded--> COMPLETED
 *      |                      |
 *      grantRefused           stepFailed
 *      v                      v
 *   ROLLED_BACK <--compensated-- ROLLING_BACK <--rollback-- FAILED_TEMP --fail--> FAILED
 *                                     |                     ^   |
 *                                     +-compensationFailed--+   +--retry--> PROCESSING
 */
export type LcmEvent =
  | 'granted'
  | 'grantRefused'
  | 'succeeded'
  | 'stepFailed'
  | 'retry'
  | 'rollback'
  | 'fail'
  | 'compensated'
  | 'compensationFailed';

const TRANSITIONS: Readonly<Record<LcmOperationState, Partial<Record<LcmEvent, LcmOperationState>>>> = {
  STARTING: { granted: 'PROCESSING', grantRefused: 'ROLLED_BACK' },
  PROCESSING: { succeeded: 'COMPLETED', stepFailed: 'FAILED_TEMP' },
  FAILED_TEMP: { retry: 'PROCESSING', rollback: 'ROLLING_BACK', fail: 'FAILED' },
  ROLLING_BACK: { compensated: 'ROLLED_BACK', compensationFailed: 'FAILED_TEMP' },
  COMPLETED: {},
  FAILED: {},
  ROLLED_BACK: {},
};

export class IllegalTransition extends Error {
  override readonly name = 'IllegalTransition';
  constructor(
    readonly from: LcmOperationState,
    readonly event: LcmEvent,
  ) {
    super(`no transition from ${from} on ${event}`);
  }
}

/** The state `event` leads to from `from`, or undefined when the table has no such transition. */
export function nextState(from: LcmOperationState, event: LcmEvent): LcmOperationState | undefined {
  return TRANSITIONS[from][event];
}

/** Like nextState, but a missing transition throws IllegalTransition. */
export function transition(from: LcmOperationState, event: LcmEvent): LcmOperationState {
  const to = nextState(from, event);
  if (!to) throw new IllegalTransition(from, event);
  return to;
}

/** COMPLETED, FAILED and ROLLED_BACK: nothing leaves them. */
export function isFinal(state: LcmOperationState): boolean {
  return Object.keys(TRANSITIONS[state]).length === 0;
}

/** The events the table allows from a state (for tests and messages). */
export function eventsFrom(state: LcmOperationState): LcmEvent[] {
  return Object.keys(TRANSITIONS[state]) as LcmEvent[];
}
