import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, describeConfig, loadConfig } from '../../platform/config/config.ts';
import { fmSettingsOf, SHIPPED_VNF_PACKAGES, vimSettingsOf, vnfPackageDirsOf } from '../../vnfm-plugin/module-settings.ts';

const OPENSTACK = {
  VIM_KIND: 'openstack',
  VIM_AUTH_URL: 'http://127.0.0.1:5000/v3/',
  VIM_USERNAME: 'admin',
  VIM_PASSWORD: 'adminpass',
  VIM_PROJECT_NAME: 'admin',
};

test('defaults: simulated VIM with two hosts, the shipped VNF packages, local grants, decisions in dry-run', () => {
  const c = loadConfig({});
  const vim = vimSettingsOf(c);
  assert.equal(vim.kind, 'simulated');
  assert.deepEqual(vim.kind === 'simulated' && vim.hosts.map((h) => h.name), ['compute-a', 'compute-b']);
  assert.deepEqual(vnfPackageDirsOf(c), [SHIPPED_VNF_PACKAGES]);
  assert.equal(c.lcm.nfvoUrl, undefined);
  assert.equal(c.decision.mode, 'dry-run');
  assert.deepEqual(fmSettingsOf(c).severityBands.map((b) => b.severity), ['CRITICAL', 'MAJOR', 'MINOR']);
});

test('the OpenStack VIM with password auth maps onto the driver settings', () => {
  const vim = vimSettingsOf(loadConfig({ ...OPENSTACK, VIM_REGION_NAME: 'RegionOne' }));
  assert.equal(vim.kind, 'openstack');
  if (vim.kind !== 'openstack') return;
  assert.equal(vim.authUrl, 'http://127.0.0.1:5000/v3');
  assert.equal(vim.region, 'RegionOne');
  assert.equal(vim.computeMicroversion, '2.88');
  assert.deepEqual(vim.auth, {
    type: 'password', username: 'admin', password: 'adminpass', userDomainName: 'Default', projectName: 'admin', projectDomainName: 'Default',
  });
});

test('incomplete or invalid operations settings fail at load, naming the key', () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ VIM_KIND: 'vmware' }, /VIM_KIND must be one of simulated, openstack/],
    [{ VIM_KIND: 'openstack' }, /VIM_KIND=openstack needs VIM_AUTH_URL/],
    [{ ...OPENSTACK, VIM_PASSWORD: '' , VIM_PROJECT_NAME: 'admin' }, /needs VIM_USERNAME, VIM_PASSWORD and VIM_PROJECT_NAME/],
    [{ ...OPENSTACK, VIM_AUTH_TYPE: 'application_credential' }, /needs VIM_APPLICATION_CREDENTIAL_SECRET/],
    [{ VIM_AUTH_URL: 'ftp://x' }, /VIM_AUTH_URL must use http: or https:/],
    [{ VIM_COMPUTE_MICROVERSION: 'latest' }, /VIM_COMPUTE_MICROVERSION must look like 2.88/],
    [{ NFVO_CLIENT_ID: 'vnfm' }, /NFVO_CLIENT_ID needs NFVO_CLIENT_SECRET and NFVO_TOKEN_URL/],
    [{ NFVO_CLIENT_SECRET: 's' }, /NFVO_CLIENT_SECRET and NFVO_TOKEN_URL need NFVO_CLIENT_ID/],
    [{ NFVO_URL: 'not a url' }, /NFVO_URL is not a valid URL/],
    [{ DECISION_MODE: 'yolo' }, /DECISION_MODE must be one of dry-run, approve, auto/],
    [{ DECISION_RISK_THRESHOLD: '1.5' }, /DECISION_RISK_THRESHOLD must be a number from 0 to 1/],
    [{ INDICATOR_SCORE_DEADBAND: '' + 'x' }, /INDICATOR_SCORE_DEADBAND must be a number/],
    [{ LCM_LEASE_MS: '10' }, /LCM_LEASE_MS must be an integer >= 1000/],
  ];
  for (const [env, message] of bad) assert.throws(() => loadConfig(env), (err: Error) => err instanceof ConfigError && message.test(err.message), JSON.stringify(env));
  assert.throws(() => vimSettingsOf(loadConfig({ VIM_SIM_HOSTS: 'a,a' })), (err: Error) => err instanceof ConfigError && /VIM_SIM_HOSTS/.test(err.message));
  assert.throws(() => fmSettingsOf(loadConfig({ FM_SEVERITY_BANDS: 'MINOR:0.9,MAJOR:0.5' })), (err: Error) => err instanceof ConfigError && /FM settings/.test(err.message));
});

test('VIM and NFVO secrets are masked by `vnfm-plugin config`', () => {
  const shown = describeConfig({
    ...OPENSTACK,
    VIM_APPLICATION_CREDENTIAL_SECRET: 'app-secret-value',
    NFVO_CLIENT_ID: 'vnfm',
    NFVO_CLIENT_SECRET: 'nfvo-secret-value',
    NFVO_TOKEN_URL: 'http://nfvo/token',
  });
  const text = JSON.stringify(shown);
  for (const secret of ['adminpass', 'app-secret-value', 'nfvo-secret-value']) assert.ok(!text.includes(secret), `${secret} is not shown`);
  assert.equal(shown.VIM_USERNAME, 'admin');
});
