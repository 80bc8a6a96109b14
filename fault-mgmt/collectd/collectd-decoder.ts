/**
 * Port of the POST /collectd body decoding (bytes -> validated value lists) and its two
 * adapters: on the request's thread, and in a worker thread (collectd-decode.worker.ts),
 * which lets parsing use the second CPU while the request's thread serves HTTP and the
 * store's transactions. One worker, first in first out, so bodies come back in the order
 * they arrived and the rate tracker sees them in that order, as on one thread.
 */
import { Worker } from 'node:worker_threads';
import { ProblemError, ServiceUnavailable } from '../../platform/http/problem-details.ts';
import type { Logger } from '../../platform/logger.ts';
import { decodeCollectdBody, type DecodedBody } from './collectd-body.decoder.ts';
import type { ParseOptions } from './value-list.parser.ts';
import { unpackValueLists, type PackedValueLists } from './value-list.packing.ts';

export interface CollectdBodyDecoder {
  decode(bytes: Uint8Array, opts: ParseOptions): Promise<DecodedBody>;
  close(): Promise<void>;
}

/** @internal Messages between the decoder and its worker. */
export interface DecodeRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly now: number;
  readonly maxFutureSeconds: number;
}

interface ProblemShape {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

/** @internal */
export type DecodeReply =
  | { readonly id: number; readonly ok: true; readonly packed: PackedValueLists }
  | { readonly id: number; readonly ok: false; readonly problem: ProblemShape; readonly stage: 'body' | 'entries'; readonly postedValues: number }
  | { readonly id: number; readonly error: string };

/** Decodes on the calling thread (tests, and where a worker is not wanted). */
export const inlineBodyDecoder: CollectdBodyDecoder = {
  decode: async (bytes, opts) => decodeCollectdBody(bytes, opts),
  close: async () => undefined,
};

/** The decode worker stopped with this body in it: nothing was stored, the client may retry. */
export class CollectdDecoderRestarted extends ServiceUnavailable {
  constructor() {
    super('The collectd body decoder restarted while reading this body; nothing of it was stored. Retry.');
    this.headers = { 'Retry-After': '1' };
  }
}

function problemFrom(p: ProblemShape): ProblemError {
  const err = new ProblemError(p.status, p.title, p.detail);
  if (p.extensions) err.extensions = p.extensions;
  if (p.headers) err.headers = p.headers;
  return err;
}

/** The bytes as a buffer the worker may own: moved when the body has its own memory, else copied. */
function ownBytes(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? bytes : new Uint8Array(bytes);
}

export function createWorkerBodyDecoder(deps: { log: Logger }): CollectdBodyDecoder {
  const log = deps.log.child({ component: 'collectd-decoder' });
  const waiting = new Map<number, { resolve(d: DecodedBody): void; reject(err: unknown): void }>();
  let worker: Worker | undefined;
  let ids = 0;
  let closed = false;

  const failAll = (err: unknown) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };

  const start = (): Worker => {
    const w = new Worker(new URL('./collectd-decode.worker.mjs', import.meta.url));
    w.unref(); // never what keeps the process alive
    w.on('message', (r: DecodeReply) => {
      const p = waiting.get(r.id);
      if (!p) return;
      waiting.delete(r.id);
      if ('error' in r) p.reject(new Error(`collectd decode worker: ${r.error}`));
      else if (r.ok) p.resolve({ ok: true, lists: unpackValueLists(r.packed) });
      else p.resolve({ ok: false, problem: problemFrom(r.problem), stage: r.stage, postedValues: r.postedValues });
    });
    w.on('error', (err) => log.error({ err }, 'collectd decode worker failed'));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined; // started again by the next body
      if (!closed) log.warn({ code, pending: waiting.size }, 'collectd decode worker exited');
      failAll(new CollectdDecoderRestarted());
    });
    return w;
  };

  return {
    decode(bytes, opts) {
      if (closed) return Promise.resolve(decodeCollectdBody(bytes, opts));
      worker ??= start();
      const id = ++ids;
      const own = ownBytes(bytes);
      const msg: DecodeRequest = { id, bytes: own, now: opts.now, maxFutureSeconds: opts.maxFutureSeconds };
      return new Promise<DecodedBody>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker!.postMessage(msg, [own.buffer as ArrayBuffer]);
      });
    },
    async close() {
      closed = true;
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
