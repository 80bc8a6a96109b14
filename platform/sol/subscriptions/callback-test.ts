import { CallbackTestFailed } from '../../http/problem-details.ts';
import type { SolApi } from '../../http/sol-api.ts';
import type { CallbackTarget, Notifier } from './http-notifier.ts';

/**
 * SOL003 5.4.18.3.1 (and SOL002, SOL013 for FM/PM): before a subscription is
 * created the VNFM tests the notification endpoint with a GET, which must answer
 * 204 No Content; otherwise the subscription is refused with 422 (Tacker
 * TestNotificationFailed) and nothing is stored. callbackUri carries no user
 * information (checked when the request is parsed), so it may be quoted.
 */
export async function testCallbackUri(
  notifier: Notifier,
  api: SolApi,
  target: CallbackTarget,
  timeoutMs: number,
): Promise<void> {
  const outcome = await notifier.testCallback(target, api.version, timeoutMs);
  if (!outcome.ok) throw new CallbackTestFailed(target.uri, outcome.reason);
}
