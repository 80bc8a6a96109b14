/**
 * The decode worker: POST /collectd bodies are parsed and validated here, on a thread of
 * their own, so that the thread serving HTTP and driving the store's transactions is not
 * held up by JSON.parse and validation of ~100 KB bodies (see collectd-body.decoder.ts for
 * the checks, collectd-decoder.ts for the caller). Stateless: rates and canonical metrics
 * stay on the caller's thread.
 */
import { parentPort } from 'node:worker_threads';
import { decodeCollectdBody } from './collectd-body.decoder.ts';
import type { DecodeReply, DecodeRequest } from './collectd-decoder.ts';
import { packValueLists, transferablesOf } from './value-list.packing.ts';

const port = parentPort;
if (!port) throw new Error('collectd-decode.worker.ts runs as a worker thread');

port.on('message', (m: DecodeRequest) => {
  let reply: DecodeReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const r = decodeCollectdBody(m.bytes, { now: m.now, maxFutureSeconds: m.maxFutureSeconds });
    if (r.ok) {
      const packed = packValueLists(r.lists);
      reply = { id: m.id, ok: true, packed };
      transfer = transferablesOf(packed);
    } else {
      const { status, title, detail, extensions, headers } = r.problem;
      reply = { id: m.id, ok: false, problem: { status, title, detail, extensions, headers }, stage: r.stage, postedValues: r.postedValues };
    }
  } catch (err) {
    reply = { id: m.id, error: (err as Error)?.stack ?? String(err) };
  }
  port.postMessage(reply, transfer);
});
