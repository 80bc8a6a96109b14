import type { VimDriver } from '../../lcm/vim/vim.port.ts';
import { SimulatedVim } from '../../lcm/vim/simulated/simulated-vim.ts';
import type { SimulatedVimOptions } from '../../lcm/vim/simulated/simulated-vim.types.ts';

export interface VimCall {
  readonly method: string;
  readonly args: unknown[];
}

/** A VimDriver that records every call and can fail chosen calls (tests only). */
export interface RecordingVim {
  readonly vim: VimDriver;
  readonly calls: VimCall[];
  count(method: keyof VimDriver): number;
  /** The next call of `method` throws `err` instead of reaching the VIM. */
  failNext(method: keyof VimDriver, err: Error): void;
}

export function recordingVim(inner: VimDriver): RecordingVim {
  const calls: VimCall[] = [];
  const failures = new Map<string, Error[]>();
  const vim = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        calls.push({ method: String(prop), args });
        const failure = failures.get(String(prop))?.shift();
        if (failure) throw failure;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    vim,
    calls,
    count: (method) => calls.filter((c) => c.method === method).length,
    failNext(method, err) {
      failures.set(method, [...(failures.get(method) ?? []), err]);
    },
  };
}

const HOST = { vcpus: 16, ramMb: 32_768, diskGb: 500 };

/** Three simulated compute hosts, fast boots and migrations (tests only). */
export function fastSimulatedVim(opts: Partial<SimulatedVimOptions> = {}): SimulatedVim {
  return new SimulatedVim({
    hosts: ['compute-a', 'compute-b', 'compute-c'].map((name) => ({ name, capacity: HOST })),
    bootMs: 20,
    rebootMs: 20,
    migrationSetupMs: 20,
    bandwidthMBps: 100_000,
    ...opts,
  });
}
