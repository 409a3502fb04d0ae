/** close() lets a Node process exit: no timer, request or stream connection is left running. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runScript } from '../support/localServer.ts';
import { KameleoonTestServer, switchConfig } from './server.ts';

let server: KameleoonTestServer;

beforeAll(async () => {
  server = await new KameleoonTestServer(switchConfig('v1', true)).start();
});

afterAll(async () => {
  await server.stop();
});

it('a process whose client was closed exits on its own, with the stream open until close()', async () => {
  // A process that does not exit is killed after 30 s, and the test fails with its output.
  const { code, output } = await runScript(new URL('./fixtures/closeAndExit.ts', import.meta.url), [server.url]);
  expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'closed' });
  expect(server.streamConnections).toBe(1);
  expect(server.openStreams).toBe(0);
});
