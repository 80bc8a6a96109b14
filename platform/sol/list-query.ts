import type { Request, Response } from 'express';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/database.ts';
import { sqlIdentifier } from '../db/document-table.ts';
import { BadRequest } from '../http/problem-details.ts';
import {
  applyAttributeSelector,
  parseAttributeSelector,
  removeNeverReturned,
  type AttributeSelector,
  type SelectorParams,
} from './attribute-selector.ts';
import { parseFilter, type Filter } from './filter/filter.parser.ts';
import { assertFilterable, filterToSql } from './filter/filter.sql.ts';
import { decodeMarker, encodeMarker, MARKER_PARAM, nextPageLink } from './paging.ts';

/**
 * The SOL013 query layer of every list API (GET on a collection): filter (5.2),
 * attribute selectors (5.3) and paging (5.4), one parse and one query.
 *
 *   const q = parseListQuery(req.query, VNF_INSTANCE_QUERY);          // 400s here
 *   const page = await listResources(db, 'vnf_instances', q, { pageSize });
 *   sendList(req, res, page, config.publicUrl);
 */

export interface ResourceQuerySpec {
  /** Resource name, for messages (e.g. 'VnfInstance'). */
  readonly name: string;
  /** Left out of list responses unless asked for (SOL003 defines the sets). */
  readonly defaultExcluded: readonly string[];
  /** Removed whatever is asked for: credentials (`authentication`; `*` names every map key or array element). */
  readonly neverReturned: readonly string[];
  /** Attribute paths clients may filter on; absent: any. `prefix/**` allows a subtree. */
  readonly filterable?: readonly string[];
  /** Complex attributes kept by `fields` (lower cardinality bound > 0); default ['_links']. */
  readonly mandatory?: readonly string[];
}

export interface ListQuery {
  readonly resource: ResourceQuerySpec;
  readonly filter?: Filter;
  readonly selector: AttributeSelector;
  /** `seq` after which the page starts (decoded nextpage_opaque_marker). */
  readonly afterSeq?: number;
}

export interface ListPage {
  readonly items: object[];
  /** Marker of the next page, when there is one. */
  readonly nextMarker?: string;
}

export interface ListOptions {
  /** Items per page; 0 turns paging off (everything in one response). */
  readonly pageSize: number;
  readonly tx?: Transaction;
  /** A condition of the route (e.g. `vnf_instance_id = $1`), numbered from $1. */
  readonly extraWhere?: { readonly sql: string; readonly bind: readonly unknown[] };
}

const SELECTOR_PARAMS = ['all_fields', 'fields', 'exclude_fields', 'exclude_default'] as const;

/** Validates the SOL013 query parameters of a list request; anything invalid is a 400. */
export function parseListQuery(query: Record<string, unknown>, resource: ResourceQuerySpec): ListQuery {
  const filterText = single(query, 'filter');
  const filter = filterText === undefined ? undefined : parseFilter(filterText);
  if (filter && resource.filterable) assertFilterable(filter, resource.filterable);
  const selectorParams: Record<string, string> = {};
  for (const k of SELECTOR_PARAMS) {
    const v = single(query, k);
    if (v !== undefined) selectorParams[k] = v;
  }
  const selector = parseAttributeSelector(selectorParams as SelectorParams, resource);
  const marker = single(query, MARKER_PARAM);
  return { resource, filter, selector, afterSeq: marker === undefined ? undefined : decodeMarker(marker) };
}

/** A parameter given at most once, as a plain string (`?a=1&a=2` or `?a[b]=1` are 400). */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw new BadRequest(`Query parameter ${name} is given more than once.`);
  if (typeof v !== 'string') throw new BadRequest(`Query parameter ${name} must be a plain string.`);
  return v;
}

/**
 * How many rows, in pages, a filtered list first examines in `seq` order. Documents
 * wider than 1 kB get no column statistics, so the planner takes any `@?` filter
 * for very selective and sorts a full scan, even when most rows match. Walking the
 * `seq` index for a bounded window fills the page quickly when matches are dense;
 * only a sparse filter goes on to the planner, whose selective guess is then right
 * (and a GIN jsonb_path_ops index on `doc`, if the table has one, serves it).
 */
const WINDOW_PAGES = 20;

type Row = { seq: number; doc: object };

/**
 * One page of the documents of `table` matching the query, ordered by `seq`, with
 * the selector applied. Reads pageSize + 1 rows to know whether a next page exists.
 */
export async function listResources(db: Database, table: string, q: ListQuery, opts: ListOptions): Promise<ListPage> {
  if (!Number.isInteger(opts.pageSize) || opts.pageSize < 0) throw new Error(`listResources: invalid pageSize ${opts.pageSize}`);
  const from = sqlIdentifier(table);
  // Bind parameters: those of extraWhere ($1..), the start marker, then the filter's.
  const bind: unknown[] = [...(opts.extraWhere?.bind ?? [])];
  const base = opts.extraWhere ? [`(${opts.extraWhere.sql})`] : [];
  if (q.afterSeq !== undefined) {
    bind.push(q.afterSeq);
    base.push(`seq > $${bind.length}`);
  }
  const filter = q.filter ? filterToSql(q.filter, { firstParam: bind.length + 1 }) : undefined;
  if (filter) bind.push(...filter.bind);
  const run = (sql: string, extra: unknown[]) =>
    db.sequelize.query<Row>(sql, { bind: [...bind, ...extra], type: QueryTypes.SELECT, transaction: opts.tx });
  const next = bind.length + 1; // first parameter number free for each statement
  const where = (parts: string[]) => (parts.length ? ` WHERE ${parts.join(' AND ')}` : '');
  const wanted = opts.pageSize + 1;

  let rows: Row[];
  if (opts.pageSize === 0) {
    rows = await run(`SELECT seq, doc FROM ${from}${where(filter ? [...base, filter.sql] : base)} ORDER BY seq`, []);
  } else if (!filter) {
    rows = await run(`SELECT seq, doc FROM ${from}${where(base)} ORDER BY seq LIMIT $${next}`, [wanted]);
  } else {
    // The LIMIT inside keeps the filter from being pushed down: a walk of the seq index.
    rows = await run(
      `SELECT seq, doc FROM (SELECT seq, doc FROM ${from}${where(base)} ORDER BY seq LIMIT $${next}) w` +
        ` WHERE ${filter.sql} ORDER BY seq LIMIT $${next + 1}`,
      [wanted * WINDOW_PAGES, wanted],
    );
    if (rows.length < wanted) {
      // Sparse: the rest after the last match (re-reading part of the window is harmless).
      const after = rows.length ? [`seq > $${next}`] : [];
      const rest = await run(
        `SELECT seq, doc FROM ${from}${where([...base, filter.sql, ...after])} ORDER BY seq LIMIT $${next + after.length}`,
        rows.length ? [rows[rows.length - 1].seq, wanted - rows.length] : [wanted],
      );
      rows = [...rows, ...rest];
    }
  }
  const more = opts.pageSize > 0 && rows.length > opts.pageSize;
  const page = more ? rows.slice(0, opts.pageSize) : rows;
  const items = page.map((r) => selectAttributes(r.doc, q));
  return more ? { items, nextMarker: encodeMarker(Number(page[page.length - 1].seq)) } : { items };
}

/** The selector of the query, then the never-returned paths, applied to one document. */
export function selectAttributes<T extends object>(doc: T, q: ListQuery): T {
  return removeNeverReturned(applyAttributeSelector(doc, q.selector, q.resource), q.resource.neverReturned);
}

/** 200 with the JSON array, and `Link: <...>; rel="next"` when there is a next page (SOL013 5.4.2.1). */
export function sendList(req: Request, res: Response, result: ListPage, publicUrl: string): void {
  if (result.nextMarker) res.setHeader('Link', nextPageLink(publicUrl, req.originalUrl, result.nextMarker));
  res.status(200).json(result.items);
}
