/**
 * The embedded PostgreSQL of a running `serve`: one process owns it (README, Configuration),
 * so a command run beside `serve` connects to it over loopback instead of opening the data
 * directory a second time. Found only when VNFM_EMBEDDED_DB_PORT is fixed.
 */
import { connect } from 'node:net';

export async function runningEmbeddedDatabase(port: number, timeoutMs = 1000): Promise<string | undefined> {
  if (port === 0) return undefined;
  const open = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(timeoutMs, () => done(false));
  });
  return open ? `postgres://postgres@127.0.0.1:${port}/postgres` : undefined;
}
