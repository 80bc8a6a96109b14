/**
 * `vnfm-plugin register tacker --url URL [...]`: sets the plugin up beside a running Tacker.
 * Discovers Tacker's VNF instances and VNFCs into the monitoring registry, creates (or finds)
 * the LCM and FM subscriptions pointing at our callbacks, stores the registration, and with
 * --keystone registers the plugin in the Keystone catalog. Prints one JSON object; running it
 * again changes nothing that is already in place. `serve` must be running: Tacker tests our
 * callback URL before it creates a subscription.
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../platform/config/config.ts';
import { databaseOptionsFrom, openDatabase, type Database } from '../../platform/db/database.ts';
import { migrateUp } from '../../platform/db/migrator.ts';
import { createLogger } from '../../platform/logger.ts';
import { createVnfPackageCatalogue } from '../../lcm/vnfd/vnf-package-catalogue.ts';
import { vnfPackageDirsOf } from '../module-settings.ts';
import { registerInCatalog, type CatalogResult } from './keystone-catalog.ts';
import { openTackerSession } from './tacker-access.ts';
import { runningEmbeddedDatabase } from './running-database.ts';
import { CallbackCredentialsMissing, defaultCallbackAuth, KEYSTONE_SECRET_REF, subscriptionAuthenticationOf } from './tacker-settings.ts';
import { syncRegistration } from './tacker-sync.ts';
import { createTackerStore } from './tacker.repository.ts';
import type { CallbackAuthKind, TackerAccess } from './tacker.types.ts';
import { discoveredEntitiesWriter } from './discovered-entities.ts';

export interface RegisterTackerOptions {
  url?: string;
  keystone?: string;
  username?: string;
  password?: string;
  project?: string;
  userDomain?: string;
  projectDomain?: string;
  applicationCredential?: string;
  applicationCredentialSecret?: string;
  callbackBase?: string;
  auth?: string;
  clientId?: string;
  catalog?: boolean;
  catalogUrl?: string;
  catalogInternalUrl?: string;
  region?: string;
}

interface Out {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

class UsageError extends Error {}

function httpUrl(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    const u = new URL(value);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password) return value.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  throw new UsageError(`${flag} must be an absolute http(s) URL without user information, got '${value}'`);
}

function accessOf(o: RegisterTackerOptions): TackerAccess {
  const keystoneUrl = httpUrl(o.keystone, '--keystone');
  if (!keystoneUrl) {
    if (o.username || o.applicationCredential) throw new UsageError('--username and --application-credential need --keystone URL');
    return { kind: 'none' };
  }
  if (o.applicationCredential) return { kind: 'application_credential', keystoneUrl, applicationCredentialId: o.applicationCredential };
  if (!o.username || !o.project) throw new UsageError('--keystone needs --username and --project, or --application-credential ID');
  return { kind: 'password', keystoneUrl, username: o.username, project: o.project, userDomain: o.userDomain ?? 'Default', projectDomain: o.projectDomain ?? 'Default' };
}

/** The database of the configuration; `ofServe` when it is the embedded one of a running `serve`. */
async function openDb(config: Config, log: ReturnType<typeof createLogger>): Promise<{ db: Database; ofServe: boolean }> {
  const opts = databaseOptionsFrom(config, log);
  // The embedded database belongs to `serve`; when it runs on a known port, use it there.
  const running = opts.url ? undefined : await runningEmbeddedDatabase(config.database.embeddedPort);
  return { db: await openDatabase(running ? { ...opts, url: running } : opts), ofServe: running !== undefined };
}

export async function runRegisterTacker(o: RegisterTackerOptions, out: Out, config: Config = loadConfig()): Promise<number> {
  let access: TackerAccess;
  let callbackAuth: CallbackAuthKind;
  let tackerUrl: string;
  let callbackBase: string;
  try {
    tackerUrl = httpUrl(o.url, '--url') ?? '';
    if (!tackerUrl) throw new UsageError('--url URL (Tacker, e.g. http://127.0.0.1:9890) is required');
    access = accessOf(o);
    callbackBase = httpUrl(o.callbackBase, '--callback-base') ?? config.publicUrl.replace(/\/+$/, '');
    if (o.auth !== undefined && !['none', 'basic', 'oauth2'].includes(o.auth)) throw new UsageError(`--auth must be none, basic or oauth2, got '${o.auth}'`);
    callbackAuth = (o.auth as CallbackAuthKind | undefined) ?? defaultCallbackAuth(config);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    out.stderr(`vnfm-plugin register tacker: ${err.message}\n`);
    return 2;
  }
  const clientId = callbackAuth === 'oauth2' ? (o.clientId ?? (config.auth.oauth2.clients.size === 1 ? [...config.auth.oauth2.clients.keys()][0] : undefined)) : undefined;
  const given = o.password ?? o.applicationCredentialSecret;
  const secret = given ?? config.tacker.keystoneSecret;
  if (access.kind !== 'none' && !secret) {
    out.stderr('vnfm-plugin register tacker: give --password (or --application-credential-secret), or set TACKER_KEYSTONE_SECRET\n');
    return 2;
  }
  if (access.kind !== 'none' && given !== undefined && given !== config.tacker.keystoneSecret) {
    out.stderr('vnfm-plugin register tacker: warning: serve reconciles with TACKER_KEYSTONE_SECRET, which is not this secret; set it there too\n');
  }
  let authentication;
  try {
    authentication = subscriptionAuthenticationOf({ callbackAuth, callbackBase, ...(clientId && { callbackClientId: clientId }) }, config);
  } catch (err) {
    if (!(err instanceof CallbackCredentialsMissing)) throw err;
    out.stderr(`vnfm-plugin register tacker: ${err.message}\n`);
    return 2;
  }

  // stdout carries the result; the log goes to stderr so `| jq` works.
  const log = createLogger(config.log.level, pino.destination(2));
  const { db, ofServe } = await openDb(config, log);
  try {
    // serve has migrated its own database (and its connection multiplexer would queue the lock's transaction).
    if (config.database.migrateOnStart && !ofServe) await migrateUp(db, log);
    const session = openTackerSession({ tackerUrl, access, secret, timeoutMs: config.tacker.requestTimeoutMs, log });
    const result = await syncRegistration(
      { tacker: session.tacker, hostsOf: (ids) => session.hostsOf(ids), store: createTackerStore(db), registry: discoveredEntitiesWriter(db), log },
      {
        tackerUrl, access, credentialsRef: access.kind === 'none' ? undefined : KEYSTONE_SECRET_REF, callbackBase, callbackAuth,
        callbackClientId: clientId,
      },
      authentication,
    );
    let catalog: CatalogResult | { skipped: string } | undefined;
    if (session.keystone && access.kind !== 'none' && o.catalog !== false) {
      catalog = await registerInCatalog({
        keystone: session.keystone, keystoneUrl: access.keystoneUrl, url: o.catalogUrl ?? callbackBase,
        ...(o.catalogInternalUrl && { internalUrl: o.catalogInternalUrl }), ...(o.region && { region: o.region }), timeoutMs: config.tacker.requestTimeoutMs,
      }).catch((err: Error) => ({ skipped: `Keystone catalog not updated: ${err.message}` }));
    }
    const catalogue = await createVnfPackageCatalogue(vnfPackageDirsOf(config));
    out.stdout(
      `${JSON.stringify(
        {
          registrationId: result.registration.id,
          tackerUrl,
          callbackAuth,
          subscriptions: { lcm: result.subscriptions.vnflcm, fm: result.subscriptions.vnffm },
          instances: result.instances.map((i) => ({
            vnfInstanceId: i.vnfInstanceId, vnfdId: i.vnfdId, vnfcs: i.vnfcs.length, watched: catalogue.get(i.vnfdId) !== undefined,
          })),
          removed: result.removed,
          ...(catalog && { catalog }),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

export function registerTackerCommand(program: Command): Command {
  const register = program.command('register').description('Register the plugin with another NFV component');
  return register
    .command('tacker')
    .description("Work beside a running Tacker: discover its VNFs into the registry, subscribe to its LCM and FM notifications, store the registration (serve must be running: Tacker tests our callback URL)")
    .option('--url <url>', "Tacker's base URL, e.g. http://127.0.0.1:9890")
    .option('--keystone <url>', 'Keystone v3 URL Tacker authenticates with (absent: Tacker without Keystone)')
    .option('--username <name>', 'Keystone user')
    .option('--password <password>', 'its password (default: TACKER_KEYSTONE_SECRET; serve reads it there)')
    .option('--project <name>', 'project the token is scoped to')
    .option('--user-domain <name>', 'domain of the user (default Default)')
    .option('--project-domain <name>', 'domain of the project (default Default)')
    .option('--application-credential <id>', 'Keystone application credential id, instead of a user')
    .option('--application-credential-secret <secret>', 'its secret (default: TACKER_KEYSTONE_SECRET)')
    .option('--callback-base <url>', 'our base URL as Tacker reaches it (default VNFM_PUBLIC_URL)')
    .option('--auth <kind>', 'what Tacker sends our callbacks: basic (TACKER_CALLBACK_USERNAME/PASSWORD) | oauth2 (an OAUTH2_CLIENTS client, our POST /token) | none')
    .option('--client-id <id>', 'with --auth oauth2: the OAUTH2_CLIENTS client Tacker gets tokens as')
    .option('--no-catalog', 'do not register the plugin in the Keystone catalog')
    .option('--catalog-url <url>', 'public endpoint put in the catalog (default: the callback base)')
    .option('--catalog-internal-url <url>', 'internal endpoint put in the catalog (default: the public one)')
    .option('--region <id>', 'region of the catalog endpoints')
    .action(async (opts: RegisterTackerOptions) => {
      process.exitCode = await runRegisterTacker(opts, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
    });
}
