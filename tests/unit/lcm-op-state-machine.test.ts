import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsFrom, IllegalTransition, isFinal, nextState, transition, type LcmEvent } from '../../lcm/engine/op-state-machine.ts';
import type { LcmOperationState } from '../../lcm/engine/lcm.port.ts';

const STATES: LcmOperationState[] = ['STARTING', 'PROCESSING', 'COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLING_BACK', 'ROLLED_BACK'];
const EVENTS: LcmEvent[] = ['granted', 'grantRefused', 'succeeded', 'stepFailed', 'retry', 'rollback', 'fail', 'compensated', 'compensationFailed'];

// SOL003 figure 5.4.1.2-1 as Tacker's conductor runs it: every allowed (state, event) pair.
const ALLOWED: [LcmOperationState, LcmEvent, LcmOperationState][] = [
  ['STARTING', 'granted', 'PROCESSING'],
  ['STARTING', 'grantRefused', 'ROLLED_BACK'],
  ['PROCESSING', 'succeeded', 'COMPLETED'],
  ['PROCESSING', 'stepFailed', 'FAILED_TEMP'],
  ['FAILED_TEMP', 'retry', 'PROCESSING'],
  ['FAILED_TEMP', 'rollback', 'ROLLING_BACK'],
  ['FAILED_TEMP', 'fail', 'FAILED'],
  ['ROLLING_BACK', 'compensated', 'ROLLED_BACK'],
  ['ROLLING_BACK', 'compensationFailed', 'FAILED_TEMP'],
];

test('every transition of the table, and nothing else', () => {
  for (const from of STATES) {
    for (const event of EVENTS) {
      const expected = ALLOWED.find(([f, e]) => f === from && e === event)?.[2];
      assert.equal(nextState(from, event), expected, `${from} --${event}-->`);
      if (expected) assert.equal(transition(from, event), expected);
      else assert.throws(() => transition(from, event), IllegalTransition, `${from} --${event}--> must be refused`);
    }
  }
});

test('COMPLETED, FAILED and ROLLED_BACK are final; the others are not', () => {
  assert.deepEqual(STATES.filter(isFinal), ['COMPLETED', 'FAILED', 'ROLLED_BACK']);
  assert.deepEqual(eventsFrom('FAILED_TEMP').sort(), ['fail', 'retry', 'rollback']);
});

test('a FAILED_TEMP operation cannot complete or start over without an operator (retry)', () => {
  assert.equal(nextState('FAILED_TEMP', 'succeeded'), undefined);
  assert.equal(nextState('FAILED_TEMP', 'granted'), undefined);
  assert.equal(nextState('COMPLETED', 'retry'), undefined);
  assert.equal(nextState('ROLLED_BACK', 'rollback'), undefined);
});
