/** Test HTTP servers on 127.0.0.1, and child scripts: the plumbing every such test shares. */
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A server listening on 127.0.0.1. */
export interface LocalServer {
  readonly port: number;
  /** Connections open right now (server side). */
  readonly openSockets: number;
  /** Cuts every connection (open streams included) and stops listening. */
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1 (port 0: any free port), keeping its sockets so close() can cut them. */
export async function listenLocally(server: Server, port = 0): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
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

/**
 * Runs a TypeScript script in a child Node process to its end; one that has not exited after
 * `killAfterMs` is killed (the caller's assertions then fail with its output).
 */
export async function runScript(script: URL, args: string[], killAfterMs = 30_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script.pathname, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(killer);
  return { code, output };
}
