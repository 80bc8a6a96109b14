/**
 * How the plugin talks to Tacker and to the OpenStack around it: a Keystone v3 token (password
 * or application credential, through lcm/vim's KeystoneClient) in X-Auth-Token, or nothing when
 * Tacker runs without Keystone; Nova's `OS-EXT-SRV-ATTR:host` of a server when the catalog has
 * a compute endpoint and the user may read it (admin). Secrets stay inside the KeystoneClient.
 */
import type { Logger } from '../../platform/logger.ts';
import { KeystoneClient, type KeystoneAuth } from '../../lcm/vim/openstack/keystone-client.ts';
import { TackerClient } from './tacker-client.ts';
import type { TackerAccess } from './tacker.types.ts';

export interface TackerSession {
  readonly tacker: TackerClient;
  /** Keystone, when the access goes through it. */
  readonly keystone?: KeystoneClient;
  /** Compute host of each server Nova tells (empty without Nova or without the right to see hosts). */
  hostsOf(serverIds: readonly string[]): Promise<Map<string, string>>;
}

export class TackerSecretMissing extends Error {
  override readonly name = 'TackerSecretMissing';
}

function keystoneAuthOf(access: TackerAccess, secret: string | undefined): KeystoneAuth | undefined {
  if (access.kind === 'none') return undefined;
  if (!secret) throw new TackerSecretMissing(`the ${access.kind === 'password' ? 'password' : 'application credential secret'} to reach Tacker is not configured`);
  return access.kind === 'password'
    ? { type: 'password', username: access.username, password: secret, userDomainName: access.userDomain, projectName: access.project, projectDomainName: access.projectDomain }
    : { type: 'application_credential', id: access.applicationCredentialId, secret };
}

export function openTackerSession(opts: {
  readonly tackerUrl: string;
  readonly access: TackerAccess;
  readonly secret: string | undefined;
  readonly timeoutMs: number;
  readonly log: Logger;
}): TackerSession {
  const auth = keystoneAuthOf(opts.access, opts.secret);
  const keystone =
    auth && opts.access.kind !== 'none'
      ? new KeystoneClient({ authUrl: opts.access.keystoneUrl, auth, interface: 'public', timeoutMs: opts.timeoutMs, log: opts.log.child({ component: 'tacker-keystone' }) })
      : undefined;
  let held: Awaited<ReturnType<KeystoneClient['token']>> | undefined;
  const tacker = new TackerClient({
    url: opts.tackerUrl,
    timeoutMs: opts.timeoutMs,
    ...(keystone && {
      headers: async (retry: boolean) => {
        if (retry && held) keystone.invalidate(held);
        held = await keystone.token();
        return { 'X-Auth-Token': held.value.reveal() };
      },
    }),
  });
  return {
    tacker,
    ...(keystone && { keystone }),
    async hostsOf(serverIds) {
      const out = new Map<string, string>();
      if (!keystone || serverIds.length === 0) return out;
      let compute: string;
      try {
        compute = await keystone.endpoint('compute');
      } catch {
        return out; // no Nova in the catalog: hosts come from the VNFC metadata only
      }
      const token = (await keystone.token()).value.reveal();
      for (const id of serverIds) {
        try {
          const res = await fetch(`${compute}/servers/${encodeURIComponent(id)}`, {
            headers: { 'X-Auth-Token': token, Accept: 'application/json' },
            signal: AbortSignal.timeout(opts.timeoutMs),
          });
          if (res.status !== 200) {
            await res.body?.cancel();
            continue;
          }
          const host = ((await res.json()) as { server?: Record<string, unknown> }).server?.['OS-EXT-SRV-ATTR:host'];
          if (typeof host === 'string' && host !== '') out.set(id, host);
        } catch (err) {
          opts.log.debug({ serverId: id, err: (err as Error).message }, 'Nova did not tell the host of a server');
        }
      }
      return out;
    },
  };
}
