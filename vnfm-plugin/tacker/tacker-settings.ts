/**
 * Where the secrets of a registration come from: the configuration only (never the
 * database). `credentialsRef` names the config key; the callback credentials Tacker is given
 * are the ones `serve` checks (TACKER_CALLBACK_USERNAME/PASSWORD, or an OAUTH2_CLIENTS client
 * that gets tokens from our POST /token).
 */
import type { Config } from '../../platform/config/config.ts';
import type { SubscriptionAuthentication } from '../../platform/sol/subscriptions/subscription-authentication.ts';
import type { CallbackAuthKind } from './tacker.types.ts';

export const KEYSTONE_SECRET_REF = 'config:TACKER_KEYSTONE_SECRET';

export class CallbackCredentialsMissing extends Error {
  override readonly name = 'CallbackCredentialsMissing';
}

export function secretOf(ref: string | undefined, config: Pick<Config, 'tacker'>): string | undefined {
  return ref === KEYSTONE_SECRET_REF ? config.tacker.keystoneSecret : undefined;
}

/** The SubscriptionAuthentication (SOL013 8.3.4) Tacker sends our callbacks with. */
export function subscriptionAuthenticationOf(
  reg: { readonly callbackAuth: CallbackAuthKind; readonly callbackClientId?: string; readonly callbackBase: string },
  config: Pick<Config, 'tacker' | 'auth'>,
): SubscriptionAuthentication | undefined {
  if (reg.callbackAuth === 'none') return undefined;
  if (reg.callbackAuth === 'basic') {
    const basic = config.tacker.callbackBasic;
    if (!basic) throw new CallbackCredentialsMissing('--auth basic needs TACKER_CALLBACK_USERNAME and TACKER_CALLBACK_PASSWORD (serve checks the callbacks with them)');
    return { authType: ['BASIC'], paramsBasic: { userName: basic.username, password: basic.password } };
  }
  const clientId = reg.callbackClientId;
  const clientPassword = clientId === undefined ? undefined : config.auth.oauth2.clients.get(clientId);
  if (!clientId || !clientPassword) throw new CallbackCredentialsMissing('--auth oauth2 needs --client-id naming a client of OAUTH2_CLIENTS');
  if (config.auth.mode !== 'oauth2') throw new CallbackCredentialsMissing('--auth oauth2 needs VNFM_AUTH=oauth2 (our token endpoint, POST /token)');
  return {
    authType: ['OAUTH2_CLIENT_CREDENTIALS'],
    paramsOauth2ClientCredentials: { clientId, clientPassword, tokenEndpoint: `${reg.callbackBase.replace(/\/+$/, '')}/token` },
  };
}

/** The kind picked when `--auth` is not given: Basic when configured, else our OAuth 2.0, else none. */
export function defaultCallbackAuth(config: Pick<Config, 'tacker' | 'auth'>): CallbackAuthKind {
  if (config.tacker.callbackBasic) return 'basic';
  return config.auth.mode === 'oauth2' ? 'oauth2' : 'none';
}
