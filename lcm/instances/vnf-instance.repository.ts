import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../platform/db/database.ts';
import { deleteDocument, getDocument, insertDocument, updateDocument } from '../../platform/db/document-table.ts';
import { listResources, type ListPage, type ListQuery } from '../../platform/sol/list-query.ts';
import type { VnfInstance } from './vnf-instance.types.ts';

const TABLE = 'vnf_instances';

/** The vnf_instances table; rows never leave it, only VnfInstance documents. */
export class VnfInstanceRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: Transaction, doc: VnfInstance): Promise<void> {
    await insertDocument(this.db, TABLE, doc.id, doc, { tx });
  }

  /** The instance, or undefined; `lock` holds its row until `tx` ends (one operation start at a time). */
  async get(id: string, opts: { tx?: Transaction; lock?: boolean } = {}): Promise<VnfInstance | undefined> {
    return (await getDocument<VnfInstance>(this.db, TABLE, id, opts))?.doc;
  }

  async update(tx: Transaction, doc: VnfInstance): Promise<void> {
    if (!(await updateDocument(this.db, TABLE, doc.id, doc, { tx }))) throw new Error(`vnf instance ${doc.id} vanished`);
  }

  async delete(tx: Transaction, id: string): Promise<boolean> {
    return deleteDocument(this.db, TABLE, id, { tx });
  }

  listPage(query: ListQuery, pageSize: number): Promise<ListPage> {
    return listResources(this.db, TABLE, query, { pageSize });
  }

  async listInstantiated(): Promise<VnfInstance[]> {
    const rows = await this.db.sequelize.query<{ doc: VnfInstance }>(
      `SELECT doc FROM ${TABLE} WHERE doc->>'instantiationState' = 'INSTANTIATED' ORDER BY seq`,
      { type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.doc);
  }
}
