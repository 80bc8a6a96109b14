/**
 * PATCH of a PM job or a threshold (SOL003 6.4.3.3.4 / 6.4.6.3.4): PmJobModifications and
 * ThresholdModifications (6.5.2.12 / 6.5.2.11) change where the notifications go and how
 * they are authorized, nothing else. As Tacker (vnfpm_v2 update, update_threshold):
 * the notification endpoint is tested again (6.4.9.3.2: GET, 204 expected) with the
 * resulting callbackUri and credentials before anything is stored, 422 when it fails; the
 * answer is the resulting callbackUri, never the credentials.
 */
import type { Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { BadRequest } from '../../platform/http/problem-details.ts';
import type { Logger } from '../../platform/logger.ts';
import {
  checkHttpUrl,
  parseSubscriptionAuthentication,
  type SubscriptionAuthentication,
} from '../../platform/sol/subscriptions/subscription-authentication.ts';
import type { PmNotificationTargets } from './pm-notification-target.ts';

export interface CallbackModifications {
  readonly callbackUri?: string;
  readonly authentication?: SubscriptionAuthentication;
}

/** What a PATCH answers (SOL003 6.5.2.11/6.5.2.12 in a response body). */
export interface CallbackModificationsResult {
  readonly callbackUri: string;
}

const MODIFIABLE = ['callbackUri', 'authentication'];

/** Checks a merge patch of callbackUri and authentication (the shape was checked at the edge). */
export function parseCallbackModifications(body: unknown): CallbackModifications {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('The request body must be an object.');
  const b = body as Record<string, unknown>;
  const other = Object.keys(b).filter((k) => !MODIFIABLE.includes(k));
  if (other.length > 0) throw new BadRequest(`Only callbackUri and authentication can be modified, not ${other.join(', ')}.`);
  if (b.callbackUri === undefined && b.authentication === undefined) {
    throw new BadRequest('The modifications need callbackUri or authentication (SOL003 6.5.2.11, 6.5.2.12).');
  }
  if (b.callbackUri === null) throw new BadRequest('callbackUri cannot be null.');
  return {
    ...(b.callbackUri !== undefined && { callbackUri: checkHttpUrl(b.callbackUri, 'callbackUri') }),
    ...(b.authentication !== undefined && { authentication: parseSubscriptionAuthentication(b.authentication) }),
  };
}

export interface ModifyCallbackDeps {
  readonly db: Database;
  readonly targets: PmNotificationTargets;
  readonly log: Logger;
}

/** The resource whose callback is modified: a PM job or a threshold. */
export interface CallbackOwner<T extends { callbackUri: string; _links: { self: { href: string } } }> {
  readonly kind: 'pmJobId' | 'thresholdId';
  readonly id: string;
  /** The resource now; throws its NotFound when there is none. */
  get(): Promise<T>;
  /** Writes the new callbackUri in `tx`; undefined when the resource went meanwhile. */
  setCallbackUri(tx: Transaction, callbackUri: string): Promise<T | undefined>;
  /** The NotFound of this resource. */
  notFound(): Error;
}

/**
 * Applies the modifications: the resulting endpoint is tested first (422, nothing stored),
 * then the resource and its delivery target change in one transaction.
 */
export async function modifyCallback<T extends { callbackUri: string; _links: { self: { href: string } } }>(
  deps: ModifyCallbackDeps,
  owner: CallbackOwner<T>,
  body: unknown,
): Promise<CallbackModificationsResult> {
  const mods = parseCallbackModifications(body);
  const current = await owner.get();
  const callbackUri = mods.callbackUri ?? current.callbackUri;
  const authentication = mods.authentication ?? (await deps.targets.authenticationOf(owner.id));
  await deps.targets.test(callbackUri, authentication);
  await deps.db.transaction(async (tx) => {
    const updated = await owner.setCallbackUri(tx, callbackUri);
    if (!updated) throw owner.notFound();
    await deps.targets.update(tx, { id: owner.id, callbackUri, authentication, selfHref: updated._links.self.href });
  });
  deps.log.info(
    { [owner.kind]: owner.id, callbackUri, authenticationChanged: mods.authentication !== undefined },
    owner.kind === 'pmJobId' ? 'PM job modified' : 'threshold modified',
  );
  return { callbackUri };
}
