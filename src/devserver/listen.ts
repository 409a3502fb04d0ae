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

/** Starts `server` on `host` (port 0: any free port), keeping its sockets so close() can cut them. */
export async function listenLocally(server: Server, port = 0, host = '127.0.0.1'): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
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
