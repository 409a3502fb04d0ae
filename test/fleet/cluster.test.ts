/**
 * Sharing through a real Redis Cluster (three redis-server masters on 127.0.0.1), with an ioredis
 * `Cluster` client given to createRedisStore, and clients of one test process standing for the
 * processes of a fleet. Visitors' keys spread over every node while each visitor's keys stay in
 * one slot; data added on one process is targeted on another; an exposure evaluated on two is
 * sent once; one process holds the configuration lock (its Lua script on a Cluster) and its
 * PUBLISH reaches the others' subscriptions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Cluster, Redis } from 'ioredis';
import { CustomData, KameleoonClient } from '../../src/node.ts';
import { createRedisStore, type RedisStore } from '../../src/redis.ts';
import { KameleoonTestServer } from '../delivery/server.ts';
import { startRedisCluster, type RedisCluster } from '../support/redisServer.ts';
import { fleetConfiguration } from './fleetConfig.ts';
import { expectEachExposureOnce } from './scenarios.ts';

let cluster: RedisCluster;
let cdn: KameleoonTestServer;
const open: { client: KameleoonClient; store: RedisStore; connection: Cluster }[] = [];

beforeAll(async () => {
  [cluster, cdn] = await Promise.all([startRedisCluster(), new KameleoonTestServer(fleetConfiguration(1)).start()]);
});

afterAll(async () => {
  await cdn?.stop();
  await cluster?.stop();
});

afterEach(async () => {
  for (const { client, store, connection } of open.splice(0)) {
    await client.close();
    await store.close();
    await connection.quit();
  }
});

/** A Cluster connection set up as the store's documentation asks (commands fail at once while the cluster is unreachable). */
const connect = () => new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })), { enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1 } });

/** A process of the "fleet": its own Cluster connection and store, initialized. */
async function member(refreshMs?: number): Promise<KameleoonClient> {
  const connection = connect();
  const store = createRedisStore({ client: connection, keyPrefix: `c${process.pid}`, loadTimeout: 1000 });
  expect(await store.ready(10_000)).toBe(true);
  const client = new KameleoonClient({
    siteCode: 'fleet',
    configuration: { endpoints: { configuration: cdn.url, tracking: cdn.url }, trackingInterval: 100, requestTimeout: 300 },
    externals: { sharedStore: store },
    _internals: { minTrackingInterval: 100, updateIntervalMs: refreshMs },
  });
  open.push({ client, store, connection });
  await client.initialize();
  return client;
}

let n = 0;
const visitor = () => `cl${process.pid}x${n++}`;

describe('a fleet sharing visitors through a Redis Cluster', () => {
  it('targets on one process the data added on another, with visitors spread over every node', async () => {
    const [a, b] = [await member(), await member()];
    const codes = Array.from({ length: 60 }, visitor);
    for (const code of codes) {
      expect(await a.prepareVisitor(code)).toEqual({ source: 'shared' });
      a.addData(code, new CustomData(0, 'premium'));
      a.getVariation({ visitorCode: code, featureKey: 'pricing', track: false });
    }
    await a.close(); // its writes are done
    for (const code of codes) {
      expect(await b.prepareVisitor(code)).toEqual({ source: 'shared' });
      expect(['gold', 'platinum']).toContain(b.getVariation({ visitorCode: code, featureKey: 'pricing', track: false }).key);
    }
    // Every master holds some of the visitors: the hash tags spread them, one slot per visitor.
    for (const port of cluster.ports) {
      const node = new Redis({ host: '127.0.0.1', port });
      const keys = await node.keys(`c${process.pid}:{fleet:*`);
      await node.quit();
      expect(keys.length, `keys on the node of port ${port}`).toBeGreaterThan(0);
    }
    expect(b.getSharedStoreStatus()).toMatchObject({ available: true, fallbacks: 0, failedWrites: 0 });
  });

  it('sends an exposure evaluated on two processes once, from the one that claimed it', async () => {
    const [a, b] = [await member(), await member()];
    const codes = Array.from({ length: 20 }, visitor);
    await expectEachExposureOnce(a, b, codes, cdn);
  });

  it('has one process fetch the configuration, and its change reach the other through PUBLISH', async () => {
    const [a, b] = [await member(100), await member(100)];
    const version = (client: KameleoonClient) => client.getFeatureFlagVariable({ visitorCode: 'any', featureKey: 'layout', variableKey: 'version' }).value;
    await vi.waitFor(() => expect([a, b].map((c) => c.getSharedStoreStatus().configurationHolder).sort()).toEqual([false, true]), { timeout: 5000 });
    const holder = a.getSharedStoreStatus().configurationHolder ? a : b;
    const other = holder === a ? b : a;
    const fetched = cdn.configRequests.length;
    cdn.setConfig(fleetConfiguration(2));
    try {
      await vi.waitFor(() => expect([version(a), version(b)]).toEqual([2, 2]), { timeout: 10_000 });
    } finally {
      cdn.setConfig(fleetConfiguration(1));
    }
    // The other process read the change from Redis: it made no CDN request since it started.
    expect(other.getSharedStoreStatus().configurationHolder).toBe(false);
    expect(cdn.configRequests.length).toBeGreaterThan(fetched);
    expect(holder.getSharedStoreStatus()).toMatchObject({ available: true, failedWrites: 0 });
  });
});
