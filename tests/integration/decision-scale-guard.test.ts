import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDecisionEngine } from '../../lcm/decision/decision-engine.ts';
import { createDestinationStrategies } from '../../lcm/decision/destination-strategies.ts';
import { lcmGuards } from '../../lcm/decision/lcm-adapters.ts';
import type { VimDriver } from '../../lcm/vim/vim.port.ts';
import { createLogger } from '../../platform/logger.ts';
import { fakeLcm, fakeVnfcs, memoryRepository, monitored, policy, score, vimHost } from '../support/decision-fixtures.ts';
import { startLcmTestApp, type LcmTestApp } from '../support/lcm-app.ts';
import { fastSimulatedVim } from '../support/lcm-vim-recorder.ts';
import { instantiated, SCALE_OUT, task, waitForOp } from '../support/lcm-requests.ts';

const NOW = 1_800_000_000;

/** The simulated VIM with a gate on server creation: a SCALE_OUT stays PROCESSING until it opens. */
function gatedVim(inner: VimDriver) {
  let gate: { opened: Promise<void>; open: () => void } | undefined;
  let waiting = 0;
  const vim = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'createServer') return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        if (gate) {
          waiting++;
          await gate.opened;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    vim,
    waiting: () => waiting,
    close() {
      let open!: () => void;
      gate = { opened: new Promise<void>((r) => (open = r)), open: () => open() };
    },
    open() {
      gate?.open();
      gate = undefined;
    },
  };
}

let app: LcmTestApp;
let gated: ReturnType<typeof gatedVim>;

before(async () => {
  gated = gatedVim(fastSimulatedVim());
  app = await startLcmTestApp({ vim: gated.vim });
});
after(async () => {
  gated?.open();
  await app?.close();
});

describe('a SCALE of our own vnflcm in progress blocks proactive migrations', () => {
  test('skip with scaling-in-progress while the SCALE runs; the migration goes ahead once it completed', async () => {
    const id = await instantiated(app.app);
    gated.close();
    const opId = await task(app.app, id, 'scale', SCALE_OUT);
    const deadline = Date.now() + 10_000;
    while (gated.waiting() === 0) {
      assert.ok(Date.now() < deadline, 'the SCALE_OUT reaches server creation');
      await new Promise((r) => setTimeout(r, 10));
    }
    const engine = createDecisionEngine({
      mode: 'dry-run',
      repository: memoryRepository(),
      lcm: fakeLcm(),
      // The guards as the service builds them: over the LCM operation engine's unfinished operations.
      guards: lcmGuards(app.module.lcm!),
      vnfcs: fakeVnfcs([monitored({ vnfInstanceId: id, policy: policy({ destinationStrategy: 'least-loaded' }) })]),
      vim: { listHosts: async () => [vimHost('compute-a'), vimHost('compute-b')] },
      strategies: createDestinationStrategies(1),
      log: createLogger('silent'),
      clock: () => NOW * 1000,
    });
    const [blocked] = await engine.evaluate([score({ vnfInstanceId: id, ts: NOW })]);
    assert.equal(blocked.outcome.kind, 'skip');
    assert.equal(blocked.rule, 'scaling-in-progress');
    assert.equal(blocked.inputs.scalingInProgress, true);
    assert.match(blocked.reason, /scaling of the VNF is in progress/);

    gated.open();
    const done = await waitForOp(app.app, opId, ['COMPLETED', 'FAILED_TEMP']);
    assert.equal(done.operationState, 'COMPLETED', JSON.stringify(done.error));
    const [resumed] = await engine.evaluate([score({ vnfInstanceId: id, ts: NOW + 5 })]);
    assert.equal(resumed.outcome.kind, 'migrate');
    assert.equal(resumed.rule, 'threshold');
    assert.equal(resumed.inputs.scalingInProgress, false);
  });
});
