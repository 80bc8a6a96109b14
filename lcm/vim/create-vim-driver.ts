/**
 * The one place that turns VIM settings into a driver, by kind. The composition root calls
 * it with settings built from the configuration; nothing else picks a driver.
 */
import type { Logger } from '../../platform/logger.ts';
import { OpenStackVimDriver } from './openstack/openstack-vim.driver.ts';
import { SimulatedVim } from './simulated/simulated-vim.ts';
import type { OpenStackVimSettings, SimulatedVimSettings, VimSettings } from './vim-settings.ts';
import type { VimDriver, VimKind } from './vim.port.ts';

type Factories = { readonly [K in VimKind]: (settings: Extract<VimSettings, { kind: K }>, log: Logger) => VimDriver };

const FACTORIES: Factories = {
  openstack: (s: OpenStackVimSettings, log) =>
    new OpenStackVimDriver({
      authUrl: s.authUrl,
      auth: s.auth,
      region: s.region,
      interface: s.interface,
      computeMicroversion: s.computeMicroversion,
      requestTimeoutMs: s.requestTimeoutMs,
      pollIntervalMs: s.pollIntervalMs,
      endpointOverrides: s.endpointOverrides,
      log,
    }),
  simulated: (s: SimulatedVimSettings, log) => new SimulatedVim(s, log),
};

export function createVimDriver(settings: VimSettings, log: Logger): VimDriver {
  const factory = FACTORIES[settings.kind] as (s: VimSettings, log: Logger) => VimDriver;
  return factory(settings, log);
}
