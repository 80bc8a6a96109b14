import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VimDriver, WaitOptions } from '../../lcm/vim/vim.port.ts';

/**
 * A VIM that outlives the plugin process: the test process holds it (a SimulatedVim) and
 * serves it over HTTP; the plugin process under test talks to it through remoteVim(). So a
 * test can SIGKILL the plugin in the middle of a live migration and find the VIM as a real
 * one would be: the migration still running, or finished, or failed. Tests only.
 */

const METHODS = [
  'listHosts', 'createServerGroup', 'deleteServerGroup', 'createServer', 'getServer', 'findServers', 'waitForServer',
  'deleteServer', 'liveMigrate', 'listMigrations', 'abortMigration', 'reboot', 'rebuild', 'evacuate',
] as const satisfies readonly (keyof VimDriver)[];
type Method = (typeof METHODS)[number];

export interface ServedVim {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveVim(vim: VimDriver): Promise<ServedVim> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body ?? null));
      };
      try {
        const { method, args } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { method: Method; args: unknown[] };
        if (!METHODS.includes(method)) return send(400, { name: 'Error', message: `no method ${method}` });
        const fn = vim[method] as (...a: unknown[]) => Promise<unknown>;
        send(200, { result: await fn.apply(vim, args) });
      } catch (err) {
        send(500, { name: (err as Error).name, message: (err as Error).message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class RemoteVimError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The VimDriver of a VIM served by serveVim() in another process. */
export function remoteVim(url: string, kind: VimDriver['kind'] = 'simulated'): VimDriver {
  const call = async (method: Method, args: unknown[], signal?: AbortSignal): Promise<any> => {
    const res = await fetch(`${url}/rpc`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method, args }),
      signal,
    });
    const body = (await res.json()) as { result?: unknown; name?: string; message?: string };
    if (res.status !== 200) throw new RemoteVimError(body.name ?? 'Error', body.message ?? `VIM answered ${res.status}`);
    return body.result ?? undefined;
  };
  const driver: Record<string, unknown> = { kind };
  for (const m of METHODS) driver[m] = (...args: unknown[]) => call(m, args);
  driver.waitForServer = (id: string, status: string, options: WaitOptions) =>
    call('waitForServer', [id, status, { timeoutMs: options.timeoutMs }], options.signal);
  return driver as unknown as VimDriver;
}
