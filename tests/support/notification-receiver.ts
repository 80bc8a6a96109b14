import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined. */
  readonly json: any;
}

export type Reply = number | { readonly status: number; readonly json?: unknown; readonly delayMs?: number };

export interface NotificationReceiver {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Changes how it answers from now on. */
  reply(handler: (req: ReceivedRequest) => Reply): void;
  /** Resolves once `predicate` holds over what was received (polls; rejects after `timeoutMs`). */
  waitFor(predicate: (received: ReceivedRequest[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server standing in for a subscriber (an NFVO) and, when the
 * handler says so, for its OAuth 2.0 token endpoint. Answers 204 by default.
 */
export async function startReceiver(handler: (req: ReceivedRequest) => Reply = () => 204): Promise<NotificationReceiver> {
  let current = handler;
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, text, json };
      received.push(r);
      const reply = current(r);
      const { status, json: body, delayMs } = typeof reply === 'number' ? { status: reply, json: undefined, delayMs: 0 } : reply;
      const send = () => {
        if (body === undefined) res.writeHead(status).end();
        else res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      };
      if (delayMs) setTimeout(send, delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    reply(h) {
      current = h;
    },
    async waitFor(predicate, timeoutMs = 15_000, what = 'the expected requests') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`receiver did not get ${what} within ${timeoutMs} ms (got ${received.length})`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
