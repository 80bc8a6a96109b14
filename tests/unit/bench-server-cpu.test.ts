import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';
import { processCpu, serverCpuSince } from '../../bench/server-cpu.ts';

// The ingest benchmark's database CPU figure, tried on this very process (Linux /proc).
const procSkip = existsSync('/proc/self/stat') ? false : 'needs Linux /proc';
const name = basename(process.execPath).slice(0, 15); // comm: the executable's name, at most 15 bytes

test('CPU used by processes of a name: this process is found and its busy time counted', { skip: procSkip }, () => {
  const before = processCpu(name);
  assert.ok(before?.has(String(process.pid)), `process ${process.pid} (${name}) is among ${[...(before?.keys() ?? [])].join(', ')}`);
  const end = performance.now() + 300;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  assert.ok(x > 0);
  const used = serverCpuSince(before, name)!;
  assert.ok(used >= 150_000, `300 ms of busy loop counted as ${used} µs`);
  assert.ok(used < 60_000_000);
});

test('no process of the name: undefined, not zero', { skip: procSkip }, () => {
  assert.equal(processCpu('no-such-process-name'), undefined);
  assert.equal(serverCpuSince(undefined), undefined);
});
