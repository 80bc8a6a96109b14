/** Simulated VIMs on a ManualClock for the vim-* unit tests. */
import { ManualClock } from '../../lcm/vim/simulated/manual-clock.ts';
import { SimulatedVim } from '../../lcm/vim/simulated/simulated-vim.ts';
import type { SimulatedVimOptions, SimVimEvent } from '../../lcm/vim/simulated/simulated-vim.types.ts';
import type { ServerSpec, VimDriver } from '../../lcm/vim/vim.port.ts';

export const SMALL = { vcpus: 1, ramMb: 1024, diskGb: 10 };

export function simulatedVim(overrides: Partial<SimulatedVimOptions> = {}) {
  const clock = new ManualClock(Date.UTC(2024, 0, 1));
  const vim = new SimulatedVim({
    hosts: [
      { name: 'compute-a', capacity: { vcpus: 8, ramMb: 8192, diskGb: 100 } },
      { name: 'compute-b', capacity: { vcpus: 8, ramMb: 8192, diskGb: 100 } },
    ],
    clock,
    bandwidthMBps: 1000,
    migrationSetupMs: 1000,
    bootMs: 1000,
    ...overrides,
  });
  const events: SimVimEvent[] = [];
  vim.onEvent((e) => events.push(e));
  return { vim: vim satisfies VimDriver, clock, events };
}

export function spec(name: string, more: Partial<ServerSpec> = {}): ServerSpec {
  return { name, resources: SMALL, image: 'tiny', ...more };
}

/** Creates a server and lets it boot. */
export async function activeServer(sim: ReturnType<typeof simulatedVim>, name: string, more: Partial<ServerSpec> = {}) {
  const s = await sim.vim.createServer(spec(name, more));
  await sim.clock.advance(1000);
  const now = await sim.vim.getServer(s.id);
  if (now?.status !== 'ACTIVE') throw new Error(`${name} is ${now?.status}, not ACTIVE`);
  return now;
}
