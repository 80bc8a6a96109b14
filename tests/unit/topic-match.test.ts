import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertConsumerName, topicMatches } from '../../platform/bus/event-bus.port.ts';

// AMQP 0-9-1 topic exchange semantics, as RabbitMQ routes them.
const CASES: [pattern: string, topic: string, matches: boolean][] = [
  ['sol.vnflcm.notification', 'sol.vnflcm.notification', true],
  ['sol.vnflcm.notification', 'sol.vnflcm', false],
  ['sol.vnflcm', 'sol.vnflcm.notification', false],
  ['sol.*.notification', 'sol.vnflcm.notification', true],
  ['sol.*.notification', 'sol.notification', false],
  ['sol.*.notification', 'sol.a.b.notification', false],
  ['sol.*', 'sol', false],
  ['*', 'sol', true],
  ['*', 'sol.vnflcm', false],
  ['sol.#', 'sol', true],
  ['sol.#', 'sol.vnflcm.notification', true],
  ['sol.#', 'solx.vnflcm', false],
  ['#.notification', 'notification', true],
  ['#.notification', 'sol.vnffm.notification', true],
  ['#.notification', 'sol.vnffm.notification.x', false],
  ['sol.#.notification', 'sol.notification', true],
  ['sol.#.notification', 'sol.a.b.c.notification', true],
  ['sol.#.notification', 'sol.a.b.c.alarm', false],
  ['#', 'anything.at.all', true],
  ['#', '', true],
  ['*', '', false],
  ['#.*', '', false],
  ['#.*', 'a', true],
  ['*.#.*', 'a', false],
  ['*.#.*', 'a.b', true],
  ['a.#.#.b', 'a.b', true],
  ['a.#.#.b', 'a.x.y.b', true],
];

for (const [pattern, topic, expected] of CASES) {
  test(`'${pattern}' ${expected ? 'matches' : 'does not match'} '${topic}'`, () => {
    assert.equal(topicMatches(pattern, topic), expected);
  });
}

test('many # wildcards against a long topic stay fast (no backtracking blow-up)', () => {
  const pattern = Array.from({ length: 30 }, () => '#').join('.') + '.z';
  const topic = Array.from({ length: 60 }, () => 'a').join('.');
  assert.equal(topicMatches(pattern, topic), false);
  assert.equal(topicMatches(pattern, `${topic}.z`), true);
});

test('consumer names must be usable in queue names', () => {
  for (const ok of ['notifications', 'lcm.op-occ_1', 'A1']) assert.doesNotThrow(() => assertConsumerName(ok));
  for (const bad of ['', '.x', 'x.', 'a..b', 'a b', 'a/b', 'a#', 'a*']) assert.throws(() => assertConsumerName(bad), /invalid consumer name/);
});
