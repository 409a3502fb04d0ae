/**
 * The `SharedStore` port without Redis: any store with its guarantees shares a fleet's visitors
 * (here a Map, standing for another database), and a store that throws, rejects or never answers
 * costs a request its bound and nothing else: no error reaches the application, exposures are
 * still sent (at least once), and the status and one warning say so.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CustomData, KameleoonClient, type SharedStore } from '../../src/node.ts';
import { KameleoonClient as EdgeClient } from '../../src/edge.ts';
import { KameleoonTestServer } from '../delivery/server.ts';
import { fleetConfiguration } from './fleetConfig.ts';
import { mapStore } from './mapStore.ts';

let cdn: KameleoonTestServer;
const clients: KameleoonClient[] = [];

beforeAll(async () => {
  cdn = await new KameleoonTestServer(fleetConfiguration(1)).start();
});
afterAll(async () => {
  await cdn.stop();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function member(store: SharedStore, logs: string[] = []): Promise<KameleoonClient> {
  const client = new KameleoonClient({
    siteCode: 'port',
    configuration: { endpoints: { configuration: cdn.url, tracking: cdn.url }, trackingInterval: 100 },
    externals: { sharedStore: store, logger: { log: (level, message) => logs.push(`${level} ${message}`) } },
    _internals: { minTrackingInterval: 100 },
  });
  clients.push(client);
  await client.initialize();
  return client;
}

let n = 0;
const visitor = () => `port-${process.pid}-${n++}`;
const experimentLines = (code: string) => cdn.trackingLines.filter((line) => line.includes('eventType=experiment') && new RegExp(`visitorCode=${code}(&|$)`).test(line));

describe('the SharedStore port', () => {
  it('shares visitors and exposures through any store with its guarantees', async () => {
    const store = mapStore();
    const [a, b] = [await member(store.member()), await member(store.member())];
    const code = visitor();
    await a.prepareVisitor(code);
    a.addData(code, new CustomData(0, 'premium'));
    const onA = a.getVariation({ visitorCode: code, featureKey: 'pricing' }).key;
    await a.saveVisitors();
    expect(await b.prepareVisitor(code)).toEqual({ source: 'shared' });
    expect(b.getVariation({ visitorCode: code, featureKey: 'pricing' }).key).toBe(onA);
    await Promise.all([a.flushInstant(), b.flushInstant()]);
    expect(experimentLines(code)).toHaveLength(1);
    // One process fetched the configuration; the other read what it published.
    expect([a, b].map((c) => c.getSharedStoreStatus().configurationHolder).sort()).toEqual([false, true]);
  });

  it('absorbs a store that throws, rejects or never answers: requests are served locally, exposures still sent', async () => {
    const never = new Promise<never>(() => undefined);
    const broken: SharedStore = {
      loadTimeout: 20,
      getVisitor: () => never,
      setVisitors: () => Promise.reject(new Error('disk full')),
      claimExposures: () => {
        throw new Error('claims down');
      },
      lockConfiguration: () => Promise.reject(new Error('no lock')),
      getConfiguration: () => never,
      setConfiguration: () => never,
      subscribeConfiguration: () => {
        throw new Error('no pub/sub');
      },
    };
    const logs: string[] = [];
    const client = await member(broken, logs);
    const code = visitor();
    expect(await client.prepareVisitor(code)).toEqual({ source: 'local', reason: 'timeout' });
    client.addData(code, new CustomData(0, 'premium'));
    expect(['gold', 'platinum']).toContain(client.getVariation({ visitorCode: code, featureKey: 'pricing' }).key);
    await client.saveVisitors();
    await client.flushInstant();
    expect(experimentLines(code)).toHaveLength(1);
    const status = client.getSharedStoreStatus();
    expect(status).toMatchObject({ enabled: true, available: false, fallbacks: 1, configurationHolder: false });
    expect(status.failedWrites).toBeGreaterThan(0);
    // One warning for the outage, however many calls failed.
    expect(logs.filter((line) => line.includes("served from this process's memory"))).toHaveLength(1);
  });

  it('without a store, prepareVisitor resolves at once; the edge build warns that it ignores one', async () => {
    const plain = new KameleoonClient({ siteCode: 'port', configuration: { endpoints: { configuration: cdn.url, tracking: cdn.url } } });
    clients.push(plain);
    expect(await plain.prepareVisitor('someone')).toEqual({ source: 'local', reason: 'none' });
    expect(plain.getSharedStoreStatus()).toMatchObject({ enabled: false });
    const logs: string[] = [];
    const edge = new EdgeClient({ siteCode: 'port', externals: { sharedStore: mapStore().member(), logger: { log: (_level, message) => logs.push(message) } } });
    // The check of options runs a moment after construction.
    await vi.waitFor(() => expect(logs.some((line) => line.includes('"externals.sharedStore" ignored'))).toBe(true));
    await edge.close();
  });
});
