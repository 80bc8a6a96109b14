/**
 * The configuration sections of VNF lifecycle management, the VIM, decisions, fault and
 * performance management: plain typed values, checked here; the modules map them onto their
 * own settings in the composition root (vnfm-plugin/module-settings.ts).
 */
import path from 'node:path';
import { checkUrl, ConfigError, intOf, numberOf, oneOf, strOf, type RawValues } from './raw-values.ts';

export interface OperationsConfig {
  /** VNF_PACKAGE_DIRS; undefined: the shipped vnfd-samples. */
  readonly vnfPackageDirs: readonly string[] | undefined;
  readonly vim: {
    readonly kind: 'simulated' | 'openstack';
    readonly authUrl: string | undefined;
    readonly authType: 'password' | 'application_credential';
    readonly username: string | undefined;
    readonly password: string | undefined;
    readonly projectName: string | undefined;
    readonly userDomainName: string;
    readonly projectDomainName: string;
    readonly applicationCredentialId: string | undefined;
    readonly applicationCredentialName: string | undefined;
    readonly applicationCredentialSecret: string | undefined;
    readonly region: string | undefined;
    readonly interface: 'public' | 'internal' | 'admin';
    readonly computeMicroversion: string;
    readonly requestTimeoutMs: number;
    readonly pollIntervalMs: number;
    readonly simHosts: string;
    readonly simBandwidthMBps: number;
    readonly simDirtyRateMBps: number;
  };
  readonly lcm: {
    readonly nfvoUrl: string | undefined;
    readonly nfvoOAuth2: { readonly clientId: string; readonly clientPassword: string; readonly tokenEndpoint: string } | undefined;
    readonly grantTimeoutMs: number;
    readonly pollMs: number;
    readonly migrationTimeoutMs: number;
    readonly serverActiveTimeoutMs: number;
    readonly migrationStartGraceMs: number;
    readonly leaseMs: number;
  };
  readonly decision: {
    readonly mode: 'dry-run' | 'approve' | 'auto';
    readonly seed: number;
    readonly maxUtilisation: number;
    readonly riskThreshold: number;
    /** DECISION_SCALE_OUT_ALERT_URL; undefined: no Tacker scale-out alerts. */
    readonly scaleOutAlertUrl: string | undefined;
  };
  readonly fm: {
    /** FM_SEVERITY_BANDS as written; parsed by the FM module at start. */
    readonly severityBands: string;
    readonly clearWindows: number;
    readonly oomStormKills: number;
    readonly oomStormSeconds: number;
    readonly eventClearSeconds: number;
    readonly clearedRetentionDays: number;
  };
  readonly pm: { readonly tickSeconds: number; readonly reportDelaySeconds: number; readonly reportRetentionHours: number };
  readonly indicators: {
    readonly tickSeconds: number;
    readonly minIntervalSeconds: number;
    readonly deadbands: { readonly failureScore: number; readonly pagingFailureRate: number; readonly hostHeadroom: number };
  };
  /** Beside a running Tacker (`vnfm-plugin register tacker`). */
  readonly tacker: {
    readonly reconcileSeconds: number;
    readonly requestTimeoutMs: number;
    readonly keystoneSecret: string | undefined;
    /** HTTP Basic credentials Tacker sends to our callbacks; undefined: none configured. */
    readonly callbackBasic: { readonly username: string; readonly password: string } | undefined;
  };
}

export function operationsConfig(raw: RawValues): OperationsConfig {
  const dirs = strOf(raw, 'VNF_PACKAGE_DIRS');
  return {
    vnfPackageDirs: dirs === undefined ? undefined : dirs.split(',').map((d) => d.trim()).filter(Boolean).map((d) => path.resolve(d)),
    vim: vimConfig(raw),
    lcm: lcmConfig(raw),
    decision: {
      mode: oneOf(raw, 'DECISION_MODE', ['dry-run', 'approve', 'auto'] as const),
      seed: intOf(raw, 'DECISION_RANDOM_SEED', 0),
      maxUtilisation: numberOf(raw, 'DECISION_MAX_UTILISATION', 1, 100),
      riskThreshold: numberOf(raw, 'DECISION_RISK_THRESHOLD', 0, 1),
      scaleOutAlertUrl: scaleOutAlertUrlOf(raw),
    },
    fm: {
      severityBands: strOf(raw, 'FM_SEVERITY_BANDS')!,
      clearWindows: intOf(raw, 'FM_CLEAR_WINDOWS', 1),
      oomStormKills: intOf(raw, 'FM_OOM_STORM_KILLS', 1),
      oomStormSeconds: intOf(raw, 'FM_OOM_STORM_SECONDS', 1),
      eventClearSeconds: intOf(raw, 'FM_EVENT_CLEAR_SECONDS', 1),
      clearedRetentionDays: intOf(raw, 'FM_CLEARED_RETENTION_DAYS', 0),
    },
    pm: {
      tickSeconds: intOf(raw, 'PM_TICK_SECONDS', 0),
      reportDelaySeconds: intOf(raw, 'PM_REPORT_DELAY_SECONDS', 0),
      reportRetentionHours: intOf(raw, 'PM_REPORT_RETENTION_HOURS', 1),
    },
    indicators: {
      tickSeconds: intOf(raw, 'INDICATOR_TICK_SECONDS', 0),
      minIntervalSeconds: intOf(raw, 'INDICATOR_MIN_INTERVAL_SECONDS', 0),
      deadbands: {
        failureScore: numberOf(raw, 'INDICATOR_SCORE_DEADBAND', 0, 1),
        pagingFailureRate: numberOf(raw, 'INDICATOR_PAGING_DEADBAND', 0),
        hostHeadroom: numberOf(raw, 'INDICATOR_HEADROOM_DEADBAND', 0, 100),
      },
    },
    tacker: tackerConfig(raw),
  };
}

function tackerConfig(raw: RawValues): OperationsConfig['tacker'] {
  const username = strOf(raw, 'TACKER_CALLBACK_USERNAME');
  const password = strOf(raw, 'TACKER_CALLBACK_PASSWORD');
  if (Boolean(username) !== Boolean(password)) throw new ConfigError('TACKER_CALLBACK_USERNAME and TACKER_CALLBACK_PASSWORD go together');
  return {
    reconcileSeconds: intOf(raw, 'TACKER_RECONCILE_SECONDS', 0),
    requestTimeoutMs: intOf(raw, 'TACKER_REQUEST_TIMEOUT_MS', 100),
    keystoneSecret: strOf(raw, 'TACKER_KEYSTONE_SECRET'),
    callbackBasic: username && password ? { username, password } : undefined,
  };
}

/** Tacker's alert endpoints take no credentials; a URL carrying some would put them in logs and `config` output. */
function scaleOutAlertUrlOf(raw: RawValues): string | undefined {
  const url = strOf(raw, 'DECISION_SCALE_OUT_ALERT_URL');
  checkUrl('DECISION_SCALE_OUT_ALERT_URL', url, ['http:', 'https:']);
  if (url !== undefined && (new URL(url).username || new URL(url).password)) {
    throw new ConfigError('DECISION_SCALE_OUT_ALERT_URL must not carry user:password@ (Tacker\'s /alert/auto_scaling takes no credentials)');
  }
  return url;
}

function vimConfig(raw: RawValues): OperationsConfig['vim'] {
  const kind = oneOf(raw, 'VIM_KIND', ['simulated', 'openstack'] as const);
  const authType = oneOf(raw, 'VIM_AUTH_TYPE', ['password', 'application_credential'] as const);
  const authUrl = strOf(raw, 'VIM_AUTH_URL');
  checkUrl('VIM_AUTH_URL', authUrl, ['http:', 'https:']);
  const vim = {
    kind,
    authUrl: authUrl?.replace(/\/+$/, ''),
    authType,
    username: strOf(raw, 'VIM_USERNAME'),
    password: strOf(raw, 'VIM_PASSWORD'),
    projectName: strOf(raw, 'VIM_PROJECT_NAME'),
    userDomainName: strOf(raw, 'VIM_USER_DOMAIN_NAME')!,
    projectDomainName: strOf(raw, 'VIM_PROJECT_DOMAIN_NAME')!,
    applicationCredentialId: strOf(raw, 'VIM_APPLICATION_CREDENTIAL_ID'),
    applicationCredentialName: strOf(raw, 'VIM_APPLICATION_CREDENTIAL_NAME'),
    applicationCredentialSecret: strOf(raw, 'VIM_APPLICATION_CREDENTIAL_SECRET'),
    region: strOf(raw, 'VIM_REGION_NAME'),
    interface: oneOf(raw, 'VIM_INTERFACE', ['public', 'internal', 'admin'] as const),
    computeMicroversion: strOf(raw, 'VIM_COMPUTE_MICROVERSION')!,
    requestTimeoutMs: intOf(raw, 'VIM_REQUEST_TIMEOUT_MS', 100),
    pollIntervalMs: intOf(raw, 'VIM_POLL_INTERVAL_MS', 10),
    simHosts: strOf(raw, 'VIM_SIM_HOSTS')!,
    simBandwidthMBps: numberOf(raw, 'VIM_SIM_BANDWIDTH_MBPS', 1),
    simDirtyRateMBps: numberOf(raw, 'VIM_SIM_DIRTY_RATE_MBPS', 0),
  };
  if (!/^2\.\d+$/.test(vim.computeMicroversion)) {
    throw new ConfigError(`VIM_COMPUTE_MICROVERSION must look like 2.88, got '${vim.computeMicroversion}'`);
  }
  if (kind === 'openstack') {
    if (!vim.authUrl) throw new ConfigError('VIM_KIND=openstack needs VIM_AUTH_URL');
    if (authType === 'password' && !(vim.username && vim.password && vim.projectName)) {
      throw new ConfigError('VIM_AUTH_TYPE=password needs VIM_USERNAME, VIM_PASSWORD and VIM_PROJECT_NAME');
    }
    if (authType === 'application_credential') {
      if (!vim.applicationCredentialSecret) throw new ConfigError('VIM_AUTH_TYPE=application_credential needs VIM_APPLICATION_CREDENTIAL_SECRET');
      if (!vim.applicationCredentialId && !(vim.applicationCredentialName && vim.username)) {
        throw new ConfigError('VIM_AUTH_TYPE=application_credential needs VIM_APPLICATION_CREDENTIAL_ID, or VIM_APPLICATION_CREDENTIAL_NAME with VIM_USERNAME');
      }
    }
  }
  return vim;
}

function lcmConfig(raw: RawValues): OperationsConfig['lcm'] {
  const nfvoUrl = strOf(raw, 'NFVO_URL');
  checkUrl('NFVO_URL', nfvoUrl, ['http:', 'https:']);
  const clientId = strOf(raw, 'NFVO_CLIENT_ID');
  const clientPassword = strOf(raw, 'NFVO_CLIENT_SECRET');
  const tokenEndpoint = strOf(raw, 'NFVO_TOKEN_URL');
  checkUrl('NFVO_TOKEN_URL', tokenEndpoint, ['http:', 'https:']);
  if (clientId && !(clientPassword && tokenEndpoint)) throw new ConfigError('NFVO_CLIENT_ID needs NFVO_CLIENT_SECRET and NFVO_TOKEN_URL');
  if (!clientId && (clientPassword || tokenEndpoint)) throw new ConfigError('NFVO_CLIENT_SECRET and NFVO_TOKEN_URL need NFVO_CLIENT_ID');
  return {
    nfvoUrl: nfvoUrl?.replace(/\/+$/, ''),
    nfvoOAuth2: clientId && clientPassword && tokenEndpoint ? { clientId, clientPassword, tokenEndpoint } : undefined,
    grantTimeoutMs: intOf(raw, 'NFVO_GRANT_TIMEOUT_MS', 100),
    pollMs: intOf(raw, 'LCM_POLL_MS', 10),
    migrationTimeoutMs: intOf(raw, 'LCM_MIGRATION_TIMEOUT_MS', 1000),
    serverActiveTimeoutMs: intOf(raw, 'LCM_SERVER_ACTIVE_TIMEOUT_MS', 1000),
    migrationStartGraceMs: intOf(raw, 'LCM_MIGRATION_START_GRACE_MS', 0),
    leaseMs: intOf(raw, 'LCM_LEASE_MS', 1000),
  };
}
