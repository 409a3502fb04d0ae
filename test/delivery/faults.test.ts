/**
 * Configuration delivery where a review found it went wrong, each case against a real server on
 * 127.0.0.1 under a fake clock: a cached configuration with real-time updates is refreshed; a
 * stream accepted and dropped at once backs off; a closed client does not start again; polling
 * resumes after a page was hidden when a poll was due, storage or not; an invalid
 * defaultDataFile falls back on the network.
 */
import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KameleoonClient } from '../../src/node.ts';
import { cacheKey } from '../../src/config/cache.ts';
import { ConfigurationError } from '../../src/errors.ts';
import { advance, countingRequester, drain, minutes, recordingLogger, serverClient, switchKey, until, useFakeClock } from './helpers.ts';
import { KameleoonTestServer, switchConfig } from './server.ts';
import { listenLocally } from '../support/localServer.ts';

let server: KameleoonTestServer;
const clients: KameleoonClient[] = [];

beforeEach(async () => {
  useFakeClock();
  server = await new KameleoonTestServer(switchConfig('fresh', true)).start();
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await server.stop();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

function memoryStorage(seed: Record<string, unknown> = {}) {
  const map = new Map<string, unknown>(Object.entries(seed));
  return { read: (key: string) => (map.has(key) ? structuredClone(map.get(key)) : null), write: (key: string, value: unknown) => void map.set(key, structuredClone(value)) };
}

describe('configuration delivery, where it went wrong', () => {
  it('refreshes a cached configuration once the stream is up: the stream tells of changes from then on only', async () => {
    const storage = memoryStorage({
      [cacheKey('site-a')]: { siteCode: 'site-a', environment: 'production', fetchedAt: Date.now() - minutes(59.5), lastModified: 'Tue, 31 Dec 2024 00:00:00 GMT', json: switchConfig('cached', true) },
    });
    const client = serverClient(server, { externals: { storage } as never, configuration: { updateInterval: 60 } });
    clients.push(client);
    await client.initialize();
    expect(switchKey(client)).toBe('cached');
    await until(() => client.getConfigurationStatus().streaming, 'the stream');
    await until(() => switchKey(client) === 'fresh', 'the refresh');
    expect(server.configRequests.length).toBe(1);
  });

  it('backs off from a stream that is accepted and ends at once, rather than reconnect and refetch every second', async () => {
    let streams = 0;
    let fetches = 0;
    const local = await listenLocally(
      createServer((req, res) => {
        if (req.url!.startsWith('/sse')) {
          streams++;
          res.writeHead(200, { 'Content-Type': 'text/event-stream' });
          res.end(': bye\n\n');
          return;
        }
        fetches++;
        res.writeHead(200, { 'Content-Type': 'application/json', 'Last-Modified': 'Wed, 01 Jan 2025 00:00:00 GMT' }).end(JSON.stringify(switchConfig('v', true)));
      }),
      0,
    );
    const url = `http://127.0.0.1:${local.port}`;
    const client = new KameleoonClient({ siteCode: 'site-a', configuration: { endpoints: { configuration: url, realTime: url }, updateInterval: 60, requestTimeout: 2000 }, externals: { logger: recordingLogger(), requester: countingRequester }, _internals: { prng: { getRandomNumber: () => 0.5 } } });
    clients.push(client);
    try {
      await client.initialize();
      await until(() => streams >= 1, 'the first stream');
      for (let i = 0; i < 60; i++) {
        await advance(1_000);
        await drain(20);
      }
      // Backoff 1, 2, 4, 8, 16, 32 s: seven connections in a minute at most, not sixty.
      expect(streams).toBeLessThanOrEqual(8);
      expect(fetches).toBeLessThanOrEqual(9);
    } finally {
      await client.close();
      await local.close();
    }
  });

  it('starts nothing again when initialize() is called after close()', async () => {
    server.setConfig(switchConfig('fresh'));
    const withFile = serverClient(server, { configuration: { updateInterval: 1, defaultDataFile: switchConfig('default') as never } });
    clients.push(withFile);
    await withFile.close();
    await expect(withFile.initialize()).rejects.toBeInstanceOf(ConfigurationError);
    await advance(minutes(5));
    expect(server.configRequests.length).toBe(0);
    expect(withFile.getConfigurationStatus().status).toBe('closed');
  });

  it('polls again once a page hidden when a poll came due is shown, with no storage', async () => {
    server.setConfig(switchConfig('v1'));
    const listeners: (() => void)[] = [];
    const page = { visibilityState: 'visible', addEventListener: (_type: string, listener: () => void) => void listeners.push(listener), removeEventListener() {} };
    vi.stubGlobal('document', page);
    const client = serverClient(server, { configuration: { updateInterval: 1 } });
    clients.push(client);
    await client.initialize();
    page.visibilityState = 'hidden';
    await advance(minutes(2));
    page.visibilityState = 'visible';
    server.setConfig(switchConfig('v2'));
    for (const listener of listeners) listener();
    await until(() => switchKey(client) === 'v2', 'the poll after the page is shown');
  });

  it('fetches when defaultDataFile is not a usable configuration, and says why', async () => {
    server.setConfig(switchConfig('fresh'));
    const logger = recordingLogger();
    const client = serverClient(server, { configuration: { defaultDataFile: { featureFlags: 'nope' } as never } }, logger);
    clients.push(client);
    await expect(client.initialize()).resolves.toBe(true);
    expect(switchKey(client)).toBe('fresh');
    expect(logger.lines.some((line) => line.includes('defaultDataFile is not a usable configuration'))).toBe(true);
  });
});
