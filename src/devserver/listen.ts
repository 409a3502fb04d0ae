import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A server listening on a local address. */
export interface LocalServer {
  readonly port: number;
  /** Connections open right now (server side). */
  readonly openSockets: number;
  /** Cuts every connection (open streams included) and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts `server` on `host` (port 0: any free port), keeping its sockets so close() can cut them.
 * When the port is taken it rejects with the `EADDRINUSE` error and leaves `server` as it was, so
 * it can be tried on another port ({@link listenFirstFree}).
 */
export async function listenLocally(server: Server, port = 0, host = '127.0.0.1'): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  await new Promise<void>((resolve, reject) => {
    const onListening = () => {
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      resolve();
    };
    server.once('error', (err) => {
      server.off('listening', onListening); // a failed attempt leaves nothing behind
      reject(err);
    });
    server.once('listening', onListening);
    server.listen(port, host);
  });
  return {
    port: (server.address() as AddressInfo).port,
    get openSockets() {
      return sockets.size;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** True when `err` says a port is taken (a listen's `EADDRINUSE`). */
export function isPortTaken(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EADDRINUSE';
}

/**
 * The first free port from `port` upward: calls `bind(port)`, then `bind(port + 1)`, and so on
 * while it rejects with `EADDRINUSE` (any other error is thrown at once), for at most `tries` ports
 * and never past 65535. `bind` must really listen and keep listening (bind and hold): the port is
 * then ours from the moment it is found, where probing a port and binding it later would race with
 * any other process. Port 0 is any free port: `bind(0)`, once.
 * @returns what `bind` resolved with, e.g. the server and the port it holds
 * @throws the last `EADDRINUSE` error when every port tried is taken
 */
export async function bindFirstFree<T>(port: number, bind: (port: number) => Promise<T>, tries = 100): Promise<T> {
  if (port === 0) return bind(0);
  const last = Math.min(port + tries - 1, 65_535);
  for (let candidate = port; ; candidate++) {
    try {
      return await bind(candidate);
    } catch (err) {
      if (!isPortTaken(err) || candidate >= last) throw err;
    }
  }
}

/** {@link listenLocally} on the first free port from `port` upward ({@link bindFirstFree}). */
export function listenFirstFree(server: Server, port = 0, host = '127.0.0.1'): Promise<LocalServer> {
  return bindFirstFree(port, (candidate) => listenLocally(server, candidate, host));
}
