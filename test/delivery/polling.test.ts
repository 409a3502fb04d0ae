/**
 * Configuration delivery on a server, against a real HTTP server on 127.0.0.1: fetching,
 * polling with jitter and backoff, and one test per network fault. Each fault test shows the
 * configuration in force kept, evaluation answering throughout, and recovery once the fault ends.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KameleoonException, type KameleoonClient } from '../../src/node.ts';
import { advance, drain, expectHanging, minutes, recordingLogger, serverClient, switchKey, until, useFakeClock } from './helpers.ts';
import { KameleoonTestServer, switchConfig } from './server.ts';

let server: KameleoonTestServer;
const clients: KameleoonClient[] = [];

function track<T extends KameleoonClient>(client: T): T {
  clients.push(client);
  return client;
}

beforeEach(async () => {
  useFakeClock();
  server = await new KameleoonTestServer(switchConfig('v1')).start();
});

afterEach(async () => {
  expectHanging(false);
  for (const client of clients.splice(0)) await client.close();
  await server.stop();
  vi.useRealTimers();
});

describe('delays past what a timer can wait (2^31 - 1 ms)', () => {
  it('an updateInterval of 40,000 minutes polls once, not in a loop (a longer setTimeout fires at once)', async () => {
    const client = track(serverClient(server, { configuration: { updateInterval: 40_000 } }));
    await client.initialize();
    await advance(5_000);
    expect(server.configRequests).toHaveLength(1);
  });
});

describe('fetching', () => {
  it('sends the SDK headers and environment, then If-Modified-Since; a 304 keeps the configuration', async () => {
    const client = track(serverClient(server, { configuration: { environment: 'staging' } }));
    const updates: number[] = [];
    client.onConfigurationUpdate(({ timestamp }) => updates.push(timestamp));
    await client.initialize();
    const [first] = server.configRequests;
    expect(first.path).toBe('/v3/site-a');
    expect(first.query.get('environment')).toBe('staging');
    expect(first.headers['x-kameleoon-sdk-type']).toBe('nodejs');
    expect(first.headers['x-kameleoon-sdk-version']).toBe('5.17.1');
    expect(first.headers['if-modified-since']).toBeUndefined();

    await advance(minutes(61));
    expect(server.configRequests).toHaveLength(2);
    expect(server.configRequests[1].headers['if-modified-since']).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
    expect(switchKey(client)).toBe('v1');
    expect(updates).toEqual([]);
    expect(client.getConfigurationStatus()).toMatchObject({ status: 'ready', source: 'network', lastUpdate: new Date('2026-11-21T09:00:00Z').getTime() });
  });

  it('polls every updateInterval, spread by jitter, and applies a changed configuration', async () => {
    const early = track(serverClient(server, { _internals: { prng: { getRandomNumber: () => 0 } } }));
    const late = track(serverClient(server, { _internals: { prng: { getRandomNumber: () => 0.999 } } }));
    await early.initialize();
    await late.initialize();
    server.setConfig(switchConfig('v2'));
    await advance(minutes(55)); // 60 min - 10 %: only the early client has polled
    await until(() => switchKey(early) === 'v2', 'the early poll');
    expect(server.configRequests).toHaveLength(3);
    expect(switchKey(late)).toBe('v1');
    await advance(minutes(11)); // past 60 min + 10 %
    await until(() => switchKey(late) === 'v2', 'the late poll');
  });
});

describe('faults', () => {
  it('server down at start: initialize rejects, evaluation says NotInitialized, then recovers in the background', async () => {
    const port = new URL(server.url).port;
    await server.stop();
    const client = track(serverClient(server));
    await expect(client.initialize()).rejects.toMatchObject({ type: KameleoonException.ClientConfiguration });
    expect(await client.waitInit()).toBe(false);
    expect(client.getConfigurationStatus().status).toBe('failed');
    expect(() => switchKey(client)).toThrow(expect.objectContaining({ type: KameleoonException.Initialization }));

    await server.start(Number(port));
    // waitInit() tried again at once: the second failure in a row waits 20 s (± 10 %).
    await advance(22_000);
    await until(() => client.isInitialized(), 'the background retry');
    expect(switchKey(client)).toBe('v1');
    expect(await client.waitInit()).toBe(true);
    expect(client.getConfigurationStatus()).toMatchObject({ status: 'ready', lastError: undefined });
  });

  it('500s: the configuration in force stays, retries back off, and the next success applies', async () => {
    const logger = recordingLogger();
    const client = track(serverClient(server, {}, logger));
    await client.initialize();
    server.configMode = 'error500';
    await advance(minutes(60));
    expect(server.configRequests).toHaveLength(2);
    expect(client.getConfigurationStatus()).toMatchObject({ status: 'stale', lastError: expect.objectContaining({ message: expect.stringContaining('HTTP 500') }) });
    expect(switchKey(client)).toBe('v1');
    expect(logger.lines.at(-1)).toMatch(/HTTP 500.*1 failure\(s\) in a row; the configuration in force stays; next try in about 10 s/);

    // Backoff: 10 s, 20 s, 40 s... (±10 %).
    await advance(10_000);
    expect(server.configRequests).toHaveLength(3);
    await advance(15_000);
    expect(server.configRequests).toHaveLength(3);
    await advance(5_000);
    expect(server.configRequests).toHaveLength(4);

    server.configMode = 'ok';
    server.setConfig(switchConfig('v2'));
    await advance(40_000);
    expect(switchKey(client)).toBe('v2');
    expect(client.getConfigurationStatus().status).toBe('ready');
  });

  it('a response slower than requestTimeout is abandoned; the configuration in force stays', async () => {
    const client = track(serverClient(server));
    await client.initialize();
    server.configMode = 'hang';
    expectHanging(true);
    await advance(minutes(60));
    await until(() => server.configRequests.length === 2, 'the poll');
    expect(client.getConfigurationStatus().status).toBe('ready');
    await advance(2_000); // requestTimeout
    await until(() => client.getConfigurationStatus().status === 'stale', 'the timeout');
    expect(client.getConfigurationStatus().lastError?.message).toMatch(/no answer within 2000 ms/);
    expect(switchKey(client)).toBe('v1');

    server.releaseHung();
    expectHanging(false);
    server.configMode = 'ok';
    server.setConfig(switchConfig('v2'));
    await advance(10_000);
    await until(() => switchKey(client) === 'v2', 'recovery');
  });

  it.each([
    ['malformed JSON', 'malformed', /JSON|Unexpected|parse/i],
    ['a truncated body', 'truncated', /./],
    ['a document that fails validation', 'invalid', /featureFlags\[0\]/],
  ] as const)('%s is rejected as a whole; the configuration in force stays', async (_name, mode, message) => {
    const client = track(serverClient(server));
    await client.initialize();
    server.configMode = mode;
    server.setConfig(switchConfig('v2'));
    await advance(minutes(60));
    await until(() => client.getConfigurationStatus().status === 'stale', 'the failed refresh');
    expect(client.getConfigurationStatus().lastError).toMatchObject({ type: KameleoonException.ClientConfiguration, message: expect.stringMatching(message) });
    expect(switchKey(client)).toBe('v1');

    server.configMode = 'ok';
    await advance(11_000);
    await until(() => switchKey(client) === 'v2', 'recovery');
    expect(client.getConfigurationStatus().status).toBe('ready');
  });
});

describe('lifecycle', () => {
  it('defaultDataFile is used at once and refreshed in the background', async () => {
    const client = track(serverClient(server, { configuration: { defaultDataFile: switchConfig('bundled') as never } }));
    const updates: number[] = [];
    client.onConfigurationUpdate(({ timestamp }) => updates.push(timestamp));
    const ready = client.initialize();
    expect(switchKey(client)).toBe('bundled');
    await ready;
    expect(server.configRequests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    await until(() => switchKey(client) === 'v1', 'the background refresh');
    expect(updates).toEqual([Date.now()]);
    expect(client.getConfigurationStatus().source).toBe('network');
  });

  it('close() stops polling and is idempotent', async () => {
    const client = track(serverClient(server));
    await client.initialize();
    await client.close();
    await client.close();
    await advance(minutes(200));
    await drain();
    expect(server.configRequests).toHaveLength(1);
    expect(client.getConfigurationStatus().status).toBe('closed');
  });
});
