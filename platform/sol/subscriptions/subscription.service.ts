import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger.ts';
import { SubscriptionNotFound } from '../../http/problem-details.ts';
import { uriPrefix, type SolApi } from '../../http/sol-api.ts';
import type { ListPage, ListQuery } from '../list-query.ts';
import { testCallbackUri } from './callback-test.ts';
import type { Notifier } from './http-notifier.ts';
import { credentialOf, type SubscriptionAuthentication } from './subscription-authentication.ts';
import type { SubscriptionDoc, SubscriptionRepository } from './subscription.repository.ts';

export interface SubscriptionServiceDeps {
  readonly repository: SubscriptionRepository;
  readonly notifier: Notifier;
  /** Base URL of `_links` and Location headers (config.publicUrl). */
  readonly publicUrl: string;
  readonly callbackTestTimeoutMs: number;
  readonly log: Logger;
}

/** What an API hands over to create one of its subscriptions, already validated. */
export interface NewSubscription {
  readonly callbackUri: string;
  readonly authentication: SubscriptionAuthentication | undefined;
  /** The resource as the API returns it, given its new id and self link. */
  render(id: string, selfHref: string): SubscriptionDoc;
}

/**
 * Subscription use cases shared by every SOL API (LCM, FM, indicator, PM):
 * create after a successful callback test, read, list, delete.
 */
export class SubscriptionService {
  constructor(private readonly deps: SubscriptionServiceDeps) {}

  /** `{publicUrl}/{api}/{major}/subscriptions/{id}` (Tacker subsc_href). */
  selfHref(api: SolApi, id: string): string {
    return `${this.deps.publicUrl}${uriPrefix(api)}/subscriptions/${id}`;
  }

  async create(api: SolApi, request: NewSubscription): Promise<SubscriptionDoc> {
    const target = { uri: request.callbackUri, credential: credentialOf(request.authentication) };
    await testCallbackUri(this.deps.notifier, api, target, this.deps.callbackTestTimeoutMs);
    const id = randomUUID();
    const doc = request.render(id, this.selfHref(api, id));
    await this.deps.repository.insert({ api, doc, authentication: request.authentication });
    this.deps.log.info(
      { api: api.name, subscriptionId: id, callbackUri: doc.callbackUri, authType: request.authentication?.authType ?? [] },
      'subscription created',
    );
    return doc;
  }

  /** The subscription, or SubscriptionNotFound (also for an id that is not a UUID, as Tacker answers). */
  async get(api: SolApi, id: string): Promise<SubscriptionDoc> {
    const doc = await this.deps.repository.findDoc(api, id);
    if (!doc) throw new SubscriptionNotFound(id);
    return doc;
  }

  /** One page of the API's subscriptions (SOL013 5.2 filter, 5.4 paging). */
  list(api: SolApi, query: ListQuery, pageSize: number): Promise<ListPage> {
    return this.deps.repository.listPage(api, query, pageSize);
  }

  /** Deletes it; its notifications not yet delivered are dropped with it. */
  async delete(api: SolApi, id: string): Promise<void> {
    if (!(await this.deps.repository.delete(api, id))) throw new SubscriptionNotFound(id);
    this.deps.log.info({ api: api.name, subscriptionId: id }, 'subscription deleted');
  }
}
