/**
 * Maps the checked configuration onto the settings each module takes. Kept apart from the
 * modules so that lcm/ and fault-mgmt/ never read the configuration's shape themselves.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError, type Config } from '../platform/config/config.ts';
import { parseSimulatedHosts, type VimSettings } from '../lcm/vim/vim-settings.ts';
import type { EngineSettings, GrantSettings } from '../lcm/index.ts';
import { parseSeverityBands, resolveFmSettings, type FmSettings } from '../fault-mgmt/fm/fm-settings.ts';
import type { DecisionSettings } from '../lcm/decision/index.ts';

/** The VNF packages shipped with the plugin, read when VNF_PACKAGE_DIRS is unset. */
export const SHIPPED_VNF_PACKAGES = fileURLToPath(new URL('../vnfd-samples/', import.meta.url));

export function vnfPackageDirsOf(config: Pick<Config, 'vnfPackageDirs'>): readonly string[] {
  return config.vnfPackageDirs ?? [SHIPPED_VNF_PACKAGES];
}

export function vimSettingsOf(config: Pick<Config, 'vim'>): VimSettings {
  const v = config.vim;
  if (v.kind === 'simulated') {
    let hosts;
    try {
      hosts = parseSimulatedHosts(v.simHosts);
    } catch (err) {
      throw new ConfigError(`VIM_SIM_HOSTS: ${(err as Error).message}`);
    }
    return { kind: 'simulated', hosts, bandwidthMBps: v.simBandwidthMBps, defaultDirtyRateMBps: v.simDirtyRateMBps };
  }
  // operationsConfig() has checked that the chosen auth type has what it needs.
  const auth =
    v.authType === 'password'
      ? { type: 'password' as const, username: v.username!, password: v.password!, userDomainName: v.userDomainName, projectName: v.projectName!, projectDomainName: v.projectDomainName }
      : v.applicationCredentialId
        ? { type: 'application_credential' as const, id: v.applicationCredentialId, secret: v.applicationCredentialSecret! }
        : { type: 'application_credential' as const, name: v.applicationCredentialName!, username: v.username!, userDomainName: v.userDomainName, secret: v.applicationCredentialSecret! };
  return {
    kind: 'openstack',
    authUrl: v.authUrl!,
    auth,
    ...(v.region && { region: v.region }),
    interface: v.interface,
    computeMicroversion: v.computeMicroversion,
    requestTimeoutMs: v.requestTimeoutMs,
    pollIntervalMs: v.pollIntervalMs,
  };
}

export function grantSettingsOf(config: Pick<Config, 'lcm'>): GrantSettings {
  return { nfvoUrl: config.lcm.nfvoUrl, oauth2: config.lcm.nfvoOAuth2, timeoutMs: config.lcm.grantTimeoutMs };
}

export function engineSettingsOf(config: Pick<Config, 'lcm'>): EngineSettings {
  const l = config.lcm;
  return {
    leaseMs: l.leaseMs,
    pollMs: l.pollMs,
    serverActiveTimeoutMs: l.serverActiveTimeoutMs,
    migrationTimeoutMs: l.migrationTimeoutMs,
    migrationStartGraceMs: l.migrationStartGraceMs,
  };
}

export function fmSettingsOf(config: Pick<Config, 'fm'>): FmSettings {
  try {
    return resolveFmSettings({ ...config.fm, severityBands: parseSeverityBands(config.fm.severityBands) });
  } catch (err) {
    throw new ConfigError(`FM settings: ${(err as Error).message}`);
  }
}

/** DECISION_* keys; a scale-out alert is delivered with the notifications' timeout and retries (VNFM_NOTIFY_*). */
export function decisionSettingsOf(config: Pick<Config, 'decision' | 'notifications'>): Partial<DecisionSettings> {
  const { scaleOutAlertUrl, ...decision } = config.decision;
  const n = config.notifications;
  return {
    ...decision,
    ...(scaleOutAlertUrl && {
      scaleOutAlert: { url: scaleOutAlertUrl, timeoutMs: n.timeoutMs, maxAttempts: n.maxAttempts, backoffMs: n.backoffMs, maxBackoffMs: n.maxBackoffMs },
    }),
  };
}
