/** close() lets a Node process exit: no timer, request or stream connection is left running. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KameleoonTestServer, switchConfig } from './server.ts';

let server: KameleoonTestServer;

beforeAll(async () => {
  server = await new KameleoonTestServer(switchConfig('v1', true)).start();
});

afterAll(async () => {
  await server.stop();
});

it('a process whose client was closed exits on its own, with the stream open until close()', async () => {
  const script = new URL('./fixtures/closeAndExit.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, server.url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  // A process that does not exit is killed after 30 s, and the test fails with its output.
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(killer);
  expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'closed' });
  expect(server.streamConnections).toBe(1);
  expect(server.openStreams).toBe(0);
});
