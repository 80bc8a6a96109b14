import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Database } from '../../db/database.ts';
import { isUuid } from '../../ids.ts';
import type { SolApi } from '../../http/sol-api.ts';
import { listResources, type ListPage, type ListQuery } from '../list-query.ts';
import type { SubscriptionAuthentication } from './subscription-authentication.ts';

/** A subscription resource as its API returns it (LccnSubscription, FmSubscription, ...). */
export interface SubscriptionDoc {
  readonly id: string;
  readonly callbackUri: string;
  readonly filter?: unknown;
  readonly _links: { readonly self: { readonly href: string } };
  readonly [attribute: string]: unknown;
}

export interface NewSubscriptionRow {
  readonly api: SolApi;
  readonly doc: SubscriptionDoc;
  readonly authentication: SubscriptionAuthentication | undefined;
}

/**
 * Storage of the subscriptions of every SOL API, one table told apart by `api`.
 * Callers get the resource (`doc`); the credentials column is written here and
 * read only by the delivery side (notification-delivery.repository.ts).
 */
export class SubscriptionRepository {
  constructor(private readonly db: Database) {}

  async insert(row: NewSubscriptionRow): Promise<void> {
    await this.db.sequelize.query(
      `INSERT INTO subscriptions (id, api, doc, callback_uri, authentication) VALUES ($1, $2, $3::jsonb, $4, $5::jsonb)`,
      {
        bind: [
          row.doc.id,
          row.api.name,
          JSON.stringify(row.doc),
          row.doc.callbackUri,
          row.authentication ? JSON.stringify(row.authentication) : null,
        ],
      },
    );
  }

  /** The subscription, or undefined (also for an id that is not a UUID). */
  async findDoc(api: SolApi, id: string): Promise<SubscriptionDoc | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = await this.db.sequelize.query<{ doc: SubscriptionDoc }>(
      'SELECT doc FROM subscriptions WHERE api = $1 AND id = $2',
      { bind: [api.name, id], type: QueryTypes.SELECT },
    );
    return rows[0]?.doc;
  }

  /** One page of the API's subscriptions for a list request (SOL013 filter and paging). */
  listPage(api: SolApi, query: ListQuery, pageSize: number): Promise<ListPage> {
    return listResources(this.db, 'subscriptions', query, {
      pageSize,
      extraWhere: { sql: 'api = $1', bind: [api.name] },
    });
  }

  /** Deletes the subscription (and, by cascade, its undelivered notifications); false when unknown. */
  async delete(api: SolApi, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await this.db.sequelize.query<{ id: string }>(
      'DELETE FROM subscriptions WHERE api = $1 AND id = $2 RETURNING id',
      { bind: [api.name, id], type: QueryTypes.SELECT },
    );
    return rows.length > 0;
  }
}

/**
 * The subscriptions of the API a notification is matched against, inside the
 * producer's transaction. FOR KEY SHARE makes a concurrent DELETE of one of them
 * wait for that transaction (so the deliveries it inserts never reference a
 * subscription deleted meanwhile), while other producers are not held up.
 */
export async function subscriptionsToNotify(sequelize: Sequelize, tx: Transaction, api: SolApi): Promise<SubscriptionDoc[]> {
  const rows = await sequelize.query<{ doc: SubscriptionDoc }>(
    'SELECT doc FROM subscriptions WHERE api = $1 ORDER BY seq FOR KEY SHARE',
    { bind: [api.name], type: QueryTypes.SELECT, transaction: tx },
  );
  return rows.map((r) => r.doc);
}
