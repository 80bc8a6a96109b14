import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Frontend messages of the extended query protocol after which the same connection's
 * next message has to run next (PostgreSQL protocol 55.2.3: Parse, Bind, Describe,
 * Execute, Close and Flush up to the closing Sync).
 */
const EXTENDED_QUERY_IN_PROGRESS = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]); // P B D E C H

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueueManager {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: { isInTransaction(): boolean; runExclusive<T>(fn: () => Promise<T>): Promise<T>; execProtocolRawStream(m: Uint8Array, o: { onRawData(d: Uint8Array): void }): Promise<unknown> };
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/**
 * pglite-socket serves every connection from one PGlite backend and interleaves their
 * protocol messages one by one, keeping a connection's messages together only inside a
 * transaction. Outside one, two connections' Parse/Bind/Execute sequences can interleave,
 * and the second Parse replaces the first's unnamed statement ("unnamed prepared
 * statement does not exist"). This keeps a connection's extended query together until its
 * Sync, as one backend per connection would. It also goes on with the queue after a
 * failed message instead of stopping it.
 */
export function keepExtendedQueriesTogether(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue?: QueryQueueManager }).queryQueue;
  if (!q || !Array.isArray(q.queue) || typeof q.processQueue !== 'function' || typeof q.clearQueueForHandler !== 'function') {
    throw new Error('@electric-sql/pglite-socket internals are not as expected; pin the version in package.json');
  }
  let sequenceOpen = false;
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    // A connection that went away mid-sequence must not hold the others back.
    if (handlerId === q.lastHandlerId && sequenceOpen) {
      sequenceOpen = false;
      void q.processQueue();
    }
  };
  q.processQueue = async function processQueue(this: QueryQueueManager) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        let item: QueuedMessage | undefined;
        if (this.lastHandlerId !== null && (sequenceOpen || this.db.isInTransaction())) {
          const i = this.queue.findIndex((m) => m.handlerId === this.lastHandlerId);
          if (i === -1) break; // resumed when that connection sends its next message
          item = this.queue.splice(i, 1)[0];
        } else {
          item = this.queue.shift()!;
        }
        const current = item;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (err) {
          this.lastHandlerId = current.handlerId;
          sequenceOpen = false;
          current.reject(err);
          continue;
        }
        this.lastHandlerId = current.handlerId;
        sequenceOpen = EXTENDED_QUERY_IN_PROGRESS.has(current.message[0]);
        current.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }.bind(q);
}
