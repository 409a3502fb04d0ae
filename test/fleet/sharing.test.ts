/**
 * Sharing through a real redis-server (127.0.0.1, a free port, no persistence), with clients of one
 * test process standing for the processes of a fleet: each has its own memory and its own Redis
 * connection, so they share only what goes through Redis. Data added on one is targeted on
 * another; an exposure evaluated on two is sent once; Redis stopped, stalled and restarted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CustomData, KameleoonClient } from '../../src/node.ts';
import { createRedisStore, type RedisStore } from '../../src/redis.ts';
import { KameleoonTestServer } from '../delivery/server.ts';
import { startRedis, type RedisServer } from '../support/redisServer.ts';
import { fleetConfiguration } from './fleetConfig.ts';
import { expectEachExposureOnce } from './scenarios.ts';
import { Redis } from 'ioredis';
import { InvalidArgument, VisitorCodeInvalid } from '../../src/errors.ts';

let redis: RedisServer;
let cdn: KameleoonTestServer;
const open: { client: KameleoonClient; store: RedisStore | undefined }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  cdn = await new KameleoonTestServer(fleetConfiguration(1)).start();
});

afterAll(async () => {
  await cdn.stop();
  await redis.stop();
});

afterEach(async () => {
  for (const { client, store } of open.splice(0)) {
    await client.close();
    await store?.close();
  }
});

/** A client of the "fleet" (its own store and connection), initialized; `logs` gets its log lines. */
async function member(options: { shared?: boolean; logs?: string[]; loadTimeout?: number; refreshMs?: number; heartbeatMs?: number; ready?: boolean } = {}): Promise<KameleoonClient> {
  const store = options.shared === false ? undefined : createRedisStore({ url: redis.url, keyPrefix: `t${process.pid}`, loadTimeout: options.loadTimeout ?? 1000 });
  if (store && options.ready !== false) expect(await store.ready()).toBe(true);
  const logs = options.logs ?? [];
  const client = new KameleoonClient({
    siteCode: 'fleet',
    configuration: { endpoints: { configuration: cdn.url, tracking: cdn.url }, trackingInterval: 100, requestTimeout: 300 },
    externals: { sharedStore: store, logger: { log: (level, message) => logs.push(`${level} ${message}`) } },
    _internals: { minTrackingInterval: 100, updateIntervalMs: options.refreshMs, lockHeartbeatMs: options.heartbeatMs },
  });
  open.push({ client, store });
  await client.initialize();
  return client;
}

let n = 0;
const visitor = () => `v${process.pid}x${n++}`;

describe('a fleet sharing visitors through Redis', () => {
  it('targets on one process the data added on another, which a process without the store does not see', async () => {
    const [a, b, alone] = [await member(), await member(), await member({ shared: false })];
    const code = visitor();
    expect(await a.prepareVisitor(code)).toEqual({ source: 'shared' });
    a.addData(code, new CustomData(0, 'premium'));
    const onA = a.getVariation({ visitorCode: code, featureKey: 'pricing', track: false }).key;
    expect(['gold', 'platinum']).toContain(onA);
    await a.close(); // its writes are done
    expect(await b.prepareVisitor(code)).toEqual({ source: 'shared' });
    expect(b.getVariation({ visitorCode: code, featureKey: 'pricing', track: false }).key).toBe(onA);
    expect(await alone.prepareVisitor(code)).toEqual({ source: 'local', reason: 'none' });
    expect(alone.getVariation({ visitorCode: code, featureKey: 'pricing', track: false }).key).toBe('off');
  });

  it('loads the anonymous visitor a user id is linked to: the user is decided on another process as where the link was made', async () => {
    const [a, b] = [await member(), await member()];
    const pairs = Array.from({ length: 20 }, () => [visitor(), `user-${visitor()}`] as const);
    const decided = new Map<string, string[]>();
    for (const [anonymous, user] of pairs) {
      await a.prepareVisitor(anonymous);
      a.addData(anonymous, new CustomData(0, 'premium'), new CustomData(1, user));
      decided.set(user, ['pricing', 'layout'].map((featureKey) => a.getVariation({ visitorCode: user, featureKey, track: false }).key));
      expect(['gold', 'platinum']).toContain(decided.get(user)![0]);
    }
    await a.close(); // its writes are done
    for (const [, user] of pairs) {
      expect(await b.prepareVisitor(user)).toEqual({ source: 'shared' });
      expect(['pricing', 'layout'].map((featureKey) => b.getVariation({ visitorCode: user, featureKey, track: false }).key), user).toEqual(decided.get(user));
    }
    // Two loads for each user: its own record and its anonymous visitor's.
    expect(b.getSharedStoreStatus()).toMatchObject({ loads: 2 * pairs.length, fallbacks: 0 });
  });

  it('sends an exposure evaluated on two processes once, from the one that claimed it', async () => {
    const [a, b] = [await member(), await member()];
    const codes = Array.from({ length: 20 }, visitor);
    await expectEachExposureOnce(a, b, codes, cdn);
  });

  it('serves from local memory when Redis is stopped, says so once, and shares again once it is back', async () => {
    const logs: string[] = [];
    const [a, b] = [await member({ logs, loadTimeout: 50 }), await member()];
    const code = visitor();
    await redis.stop();
    const during = await Promise.all([a.prepareVisitor(code), a.prepareVisitor(visitor()), a.prepareVisitor(visitor())]);
    for (const result of during) expect(result.source).toBe('local');
    a.addData(code, new CustomData(0, 'premium'));
    expect(['gold', 'platinum']).toContain(a.getVariation({ visitorCode: code, featureKey: 'pricing', track: false }).key);
    expect(a.getSharedStoreStatus()).toMatchObject({ available: false, fallbacks: 3 });
    expect(logs.filter((line) => line.includes('served from this process'))).toHaveLength(1);
    await redis.start();
    expect(await (open[0]!.store as RedisStore).ready(10_000)).toBe(true);
    expect(await (open[1]!.store as RedisStore).ready(10_000)).toBe(true);
    // Back: the next load is shared, and what is changed now reaches the other process.
    expect(await a.prepareVisitor(code)).toEqual({ source: 'shared' });
    expect(a.getSharedStoreStatus().available).toBe(true);
    a.addData(code, new CustomData(0, 'premium'));
    await a.close();
    expect(await b.prepareVisitor(code)).toEqual({ source: 'shared' });
    expect(['gold', 'platinum']).toContain(b.getVariation({ visitorCode: code, featureKey: 'pricing', track: false }).key);
  });

  it('gives up on a stalled Redis (CLIENT PAUSE) after loadTimeout: the request is served from local memory', async () => {
    const logs: string[] = [];
    const a = await member({ logs, loadTimeout: 30 });
    const code = visitor();
    const admin = new Redis(redis.url);
    // Every client's commands wait from the moment this answers, for 300 ms (Redis stalls them).
    await admin.call('CLIENT', 'PAUSE', '300', 'ALL');
    const result = await a.prepareVisitor(code);
    expect(result).toEqual({ source: 'local', reason: 'timeout' });
    expect(a.getVariation({ visitorCode: code, featureKey: 'layout', track: false }).key).toMatch(/^(off|a|b)$/);
    expect(logs.filter((line) => line.includes('did not answer within 30 ms'))).toHaveLength(1);
    await admin.quit();
    // Once the pause is over, the store answers again.
    await vi.waitFor(async () => expect(await a.prepareVisitor(code)).toEqual({ source: 'shared' }), { timeout: 5000 });
  });

  it('hands the configuration lock over when its holder dies: another process fetches from then on', async () => {
    await redis.stop(); // an empty Redis: no lock left by the other tests' clients
    await redis.start();
    const a = await member({ refreshMs: 100 });
    const b = await member({ refreshMs: 100 });
    await (open[1]!.store as RedisStore).ready();
    await vi.waitFor(() => expect([a, b].map((c) => c.getSharedStoreStatus().configurationHolder)).toEqual([true, false]), { timeout: 5000 });
    // A dies (its timers stop; its lock stays until it expires: two refreshes and a request timeout).
    await a.close();
    const fetched = cdn.configRequests.length;
    await vi.waitFor(() => expect(b.getSharedStoreStatus().configurationHolder).toBe(true), { timeout: 5000 });
    await vi.waitFor(() => expect(cdn.configRequests.length).toBeGreaterThan(fetched), { timeout: 5000 });
  });

  it('releases the configuration lock when its holder closes: a process started next fetches at once', async () => {
    await redis.stop(); // an empty Redis: no lock left by the other tests' clients
    await redis.start();
    // The default refresh interval: the lock of a holder that died would last two hours.
    const a = await member();
    await vi.waitFor(() => expect(a.getSharedStoreStatus().configurationHolder).toBe(true), { timeout: 5000 });
    await a.close();
    const fetched = cdn.configRequests.length;
    const b = await member();
    expect(b.getSharedStoreStatus().configurationHolder).toBe(true);
    expect(cdn.configRequests.length).toBe(fetched + 1);
  });

  it('replaces a holder that died without closing within the lock heartbeats, whatever the refresh interval', async () => {
    await redis.stop(); // an empty Redis: no lock left by the other tests' clients
    await redis.start();
    // The default refresh interval (60 min); heartbeats every 100 ms instead of 10 s, the lock lasting three.
    const a = await member({ heartbeatMs: 100 });
    await vi.waitFor(() => expect(a.getSharedStoreStatus().configurationHolder).toBe(true), { timeout: 5000 });
    // A dies: its connection to Redis is gone, and nothing releases its lock.
    await open[0]!.store!.close();
    const b = await member({ heartbeatMs: 100 });
    const fetched = cdn.configRequests.length;
    await vi.waitFor(() => expect(b.getSharedStoreStatus().configurationHolder).toBe(true), { timeout: 5000 });
    // Taking the lock, it fetched from the CDN at once.
    await vi.waitFor(() => expect(cdn.configRequests.length).toBeGreaterThan(fetched), { timeout: 5000 });
  });

  it('a new process starts when Redis restarted empty under the holder: the holder publishes again, or the process fetches', async () => {
    await redis.stop();
    await redis.start();
    const a = await member({ heartbeatMs: 100 });
    await vi.waitFor(() => expect(a.getSharedStoreStatus().configurationHolder).toBe(true), { timeout: 5000 });
    await redis.stop();
    await redis.start(); // empty: no lock, no configuration
    expect(await (open[0]!.store as RedisStore).ready(10_000)).toBe(true);
    const admin = new Redis(redis.url);
    try {
      // The holder's heartbeat finds no configuration in the store and publishes its own.
      await vi.waitFor(async () => expect(await admin.get(`t${process.pid}:{fleet}:configuration`)).not.toBeNull(), { timeout: 5000 });
    } finally {
      await admin.quit();
    }
    const b = await member({ heartbeatMs: 100 });
    expect(b.isInitialized()).toBe(true);
  });

  it('a fleet started before Redis: the process that takes the lock once Redis is up publishes what it fetched', async () => {
    await redis.stop();
    const a = await member({ heartbeatMs: 100, ready: false }); // fetched from the CDN itself
    expect(a.isInitialized()).toBe(true);
    await redis.start();
    expect(await (open[0]!.store as RedisStore).ready(10_000)).toBe(true);
    await vi.waitFor(() => expect(a.getSharedStoreStatus().configurationHolder).toBe(true), { timeout: 5000 });
    const admin = new Redis(redis.url);
    try {
      await vi.waitFor(async () => expect(await admin.get(`t${process.pid}:{fleet}:configuration`)).not.toBeNull(), { timeout: 5000 });
    } finally {
      await admin.quit();
    }
    const fetched = cdn.configRequests.length;
    const b = await member({ heartbeatMs: 100 });
    expect(b.isInitialized()).toBe(true);
    expect(b.getSharedStoreStatus().configurationHolder).toBe(false);
    expect(cdn.configRequests.length).toBe(fetched); // B read it from Redis
  });

  it('hears configuration notifications subscribed to while Redis was down', async () => {
    await redis.stop();
    const listening = createRedisStore({ url: redis.url, keyPrefix: `t${process.pid}` });
    let heard = 0;
    const stop = listening.subscribeConfiguration('notified', () => heard++);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the SUBSCRIBE waits through reconnections
    await redis.start();
    const publishing = createRedisStore({ url: redis.url, keyPrefix: `t${process.pid}` });
    try {
      expect(await listening.ready(10_000)).toBe(true);
      expect(await publishing.ready()).toBe(true);
      await vi.waitFor(
        async () => {
          await publishing.setConfiguration('notified', '{}');
          expect(heard).toBeGreaterThan(0);
        },
        { timeout: 5000, interval: 100 },
      );
    } finally {
      stop();
      await Promise.all([listening.close(), publishing.close()]);
    }
  });

  it('rejects bad input with typed errors', async () => {
    const a = await member();
    await expect(a.prepareVisitor('')).rejects.toBeInstanceOf(VisitorCodeInvalid);
    expect(() => createRedisStore({ loadTimeout: -1 })).toThrow(InvalidArgument);
    expect(() => createRedisStore('redis://x' as never)).toThrow(InvalidArgument);
    expect(() => createRedisStore({ client: { get() {} } })).toThrow(InvalidArgument);
  });
});
