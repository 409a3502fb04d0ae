/**
 * A fleet's sharing when the store fails at the wrong moment, or answers late: a store held in a
 * Map (each client its own "connection" to it) whose failures and delays the test sets, so each
 * case happens exactly. The configuration and tracking server is a real one on 127.0.0.1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CustomData, KameleoonClient, type SharedStore } from '../../src/node.ts';
import { KameleoonTestServer } from '../delivery/server.ts';
import { fleetConfiguration } from './fleetConfig.ts';
import { mapStore } from './mapStore.ts';

let cdn: KameleoonTestServer;
let consentCdn: KameleoonTestServer;
const open: KameleoonClient[] = [];

beforeAll(async () => {
  const requiring = fleetConfiguration(1);
  requiring.configuration.consentType = 'REQUIRED';
  [cdn, consentCdn] = await Promise.all([new KameleoonTestServer(fleetConfiguration(1)).start(), new KameleoonTestServer(requiring).start()]);
});

afterAll(async () => {
  await Promise.all([cdn.stop(), consentCdn.stop()]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

/** A client of the fleet on `store`, initialized. */
async function client(store: SharedStore, options: { server?: KameleoonTestServer; refreshMs?: number; heartbeatMs?: number; closeTimeout?: number } = {}): Promise<KameleoonClient> {
  const server = options.server ?? cdn;
  const c = new KameleoonClient({
    siteCode: 'faults',
    configuration: { endpoints: { configuration: server.url, tracking: server.url }, trackingInterval: 100, requestTimeout: 400, closeTimeout: options.closeTimeout },
    externals: { sharedStore: store },
    _internals: { minTrackingInterval: 100, updateIntervalMs: options.refreshMs, lockHeartbeatMs: options.heartbeatMs },
  });
  open.push(c);
  await c.initialize();
  return c;
}

const pricing = (c: KameleoonClient, code: string) => c.getVariation({ visitorCode: code, featureKey: 'pricing', track: false }).key;
const version = (c: KameleoonClient) => c.getFeatureFlagVariable({ visitorCode: 'any', featureKey: 'layout', variableKey: 'version' }).value;

describe('a fleet whose store fails at the wrong moment', () => {
  it('publishes again a configuration whose publish failed: a process started later runs the holder’s', async () => {
    const store = mapStore();
    const holder = await client(store.member(), { refreshMs: 100, heartbeatMs: 100 });
    expect(holder.getSharedStoreStatus().configurationHolder).toBe(true);
    store.faults.failNextPublish = true;
    cdn.setConfig(fleetConfiguration(2));
    try {
      await vi.waitFor(() => expect(version(holder)).toBe(2), { timeout: 5000 });
      // The holder's next fetches are 304s: its heartbeat publishes what failed.
      const later = await client(store.member(), { refreshMs: 100, heartbeatMs: 100 });
      await vi.waitFor(() => expect(version(later)).toBe(2), { timeout: 5000 });
    } finally {
      cdn.setConfig(fleetConfiguration(1));
    }
  });

  it('adopts the fleet’s copy written after a write of its own failed, and keeps its own when the fleet’s is older', async () => {
    const store = mapStore();
    const aStore = store.member();
    const [a, b] = [await client(aStore), await client(store.member())];
    const code = 'visitor-failed-write';
    await a.prepareVisitor(code);
    store.faults.failNextWrite = aStore;
    a.addData(code, new CustomData(0, 'basic'));
    await a.saveVisitors();
    expect(a.getSharedStoreStatus().failedWrites).toBe(1);
    // Nothing written since: A keeps its own copy (the store's is older).
    expect(await a.prepareVisitor(code)).toEqual({ source: 'shared' });
    expect(pricing(a, code)).toBe('off');
    // B upgrades the visitor after A's failure: A reads B's copy.
    await b.prepareVisitor(code);
    b.addData(code, new CustomData(0, 'premium'));
    await b.saveVisitors();
    expect(await a.prepareVisitor(code)).toEqual({ source: 'shared' });
    expect(['gold', 'platinum']).toContain(pricing(a, code));
  });

  it('does not adopt a copy read before a change it made since (two requests of one visitor on one process)', async () => {
    const store = mapStore();
    const a = await client(store.member());
    const code = 'visitor-two-requests';
    await a.prepareVisitor(code);
    a.addData(code, new CustomData(0, 'basic'));
    await a.saveVisitors();
    store.faults.loadDelayMs = 30;
    const first = a.prepareVisitor(code);
    const second = a.prepareVisitor(code); // its copy is read now, and answered after the change below
    await first;
    a.addData(code, new CustomData(0, 'premium'));
    const decided = pricing(a, code);
    expect(['gold', 'platinum']).toContain(decided);
    await a.saveVisitors();
    await second;
    expect(pricing(a, code)).toBe(decided);
  });

  it('sends an exposure held back for consent from the process where consent is given', async () => {
    const store = mapStore();
    const [a, b] = [await client(store.member(), { server: consentCdn }), await client(store.member(), { server: consentCdn })];
    const code = 'visitor-consent-elsewhere';
    const before = consentCdn.trackingLines.length;
    await a.prepareVisitor(code);
    a.getVariation({ visitorCode: code, featureKey: 'layout' }); // no consent: held back
    await a.saveVisitors();
    await a.flushInstant();
    await b.prepareVisitor(code);
    b.setLegalConsent(code, true); // the exposure is sent by the process that has the consent
    await b.saveVisitors();
    await Promise.all([a.flushInstant(), b.flushInstant()]);
    const exposures = () => consentCdn.trackingLines.slice(before).filter((line) => line.includes('eventType=experiment') && line.includes(`visitorCode=${code}`));
    await vi.waitFor(() => expect(exposures()).toHaveLength(1), { timeout: 3000 });
    expect(a.getSharedStoreStatus().claimsLost + b.getSharedStoreStatus().claimsLost).toBe(0);
  });

  it('logs, rather than crash the process, a response.end() that throws once it was deferred for the write', async () => {
    const store = mapStore();
    const logs: string[] = [];
    const c = new KameleoonClient({
      siteCode: 'faults',
      configuration: { endpoints: { configuration: cdn.url, tracking: cdn.url } },
      externals: { sharedStore: store.member(), logger: { log: (level, message) => logs.push(`${level} ${message}`) } },
    });
    open.push(c);
    await c.initialize();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const response = { getHeader: () => undefined, setHeader: () => undefined, end: () => { throw new TypeError('The "chunk" argument must be of type string'); } };
      const { visitorCode } = await c.prepareRequest({ request: { headers: { cookie: 'kameleoonVisitorCode=visitor-end' } }, response });
      c.addData(visitorCode, new CustomData(0, 'premium'));
      expect(() => response.end()).not.toThrow(); // deferred until the write is done
      await vi.waitFor(() => expect(logs.some((line) => line.includes('response.end() threw') && line.includes('"chunk" argument'))).toBe(true), { timeout: 3000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a process started while the store holds no configuration fetches it by itself, within its request timeout', async () => {
    const store = mapStore();
    const holder = await client(store.member());
    expect(holder.getSharedStoreStatus().configurationHolder).toBe(true);
    store.data.delete('faults/configuration'); // as if the holder's publish never reached the store
    const fetched = cdn.configRequests.length;
    const later = await client(store.member());
    expect(later.isInitialized()).toBe(true);
    expect(cdn.configRequests.length).toBe(fetched + 1);
  });

  it('closes within closeTimeout when a write is never answered', async () => {
    const store = mapStore();
    const a = await client(store.member(), { closeTimeout: 200 });
    await a.prepareVisitor('visitor-stalled');
    store.faults.stallWrites = true;
    a.addData('visitor-stalled', new CustomData(0, 'premium'));
    await a.saveVisitors(); // gives up after loadTimeout, as documented
    const closed = await Promise.race([a.close().then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open after 3 s'), 3000))]);
    expect(closed).toBe('closed');
  });
});
