/**
 * The official API up to JavaScript SDK 4.24 / React SDK 10.28 / Node SDK 5.28 (issue 18): the
 * trackingInterval range (1000 to 5000 ms, clamped with a warning), dataFileRefreshInterval and
 * dataFileCacheTtl, refreshDataFileIfStale(), getDataFile() cached with dateModified, addData's
 * track option, and variation simulation for flags disabled in the environment.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CustomData, FeatureEnvironmentDisabled, KameleoonClient, LogLevel, NotInitialized, type IExternalLogger, type SDKParameters } from '../../src/node.ts';
import { KameleoonClient as BrowserClient } from '../../src/browser.ts';
import { cacheKey } from '../../src/config/delivery.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import { basicConfig, clientFor } from './helpers.ts';

afterEach(() => vi.useRealTimers());

function recordingLogger(): IExternalLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => void lines.push(`${LogLevel[level]}: ${message}`) };
}

/** A requester that serves `config` and records what it was asked; `gate` holds configuration answers back until released. */
function backend(config: object = basicConfig()) {
  const requests: { type: string; body: string }[] = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  return {
    requests,
    hold() {
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => release(),
    requester: {
      sendRequest: async ({ requestType, parameters }: { requestType: string; parameters: RequestInit }) => {
        requests.push({ type: requestType, body: String(parameters.body ?? '') });
        if (requestType === 'configuration') {
          await gate;
          return new Response(JSON.stringify(config), { status: 200, headers: { 'Last-Modified': new Date(0).toUTCString() } });
        }
        return new Response(null, { status: 204 });
      },
    },
  };
}

const configRequests = (b: ReturnType<typeof backend>) => b.requests.filter((r) => r.type === 'configuration').length;

describe('trackingInterval: 1000 to 5000 ms, as the official SDK 4.18', () => {
  async function ticksIn(trackingInterval: number, ms: number): Promise<{ sent: number; lines: string[] }> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const b = backend();
    const logger = recordingLogger();
    const client = new KameleoonClient({ siteCode: 's', configuration: { defaultDataFile: basicConfig() as never, trackingInterval }, externals: { logger, requester: b.requester } });
    await client.initialize();
    client.addData('v1', new CustomData(0, 'a'));
    client.flush('v1'); // for the next tick
    // The tracking code loads (a dynamic import) before its timer starts.
    while (!client.getTrackingStatus().loaded) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(ms);
    const sent = b.requests.filter((r) => r.type === 'tracking').length;
    await client.close();
    return { sent, lines: logger.lines };
  }

  it('5000 ms is kept: nothing is sent before it, without a warning', async () => {
    expect((await ticksIn(5000, 4900)).sent).toBe(0);
    const after = await ticksIn(5000, 5100);
    expect(after.sent).toBe(1);
    expect(after.lines).toEqual([]);
  });

  it('out of range is clamped, with a warning saying the value used', async () => {
    const high = await ticksIn(9000, 5100);
    expect(high.sent).toBe(1);
    expect(high.lines).toContain('WARNING: configuration.trackingInterval 9000 is out of range: 5000 ms is used (1000 to 5000 ms, as the official SDK 4.18).');
    const low = await ticksIn(200, 900);
    expect(low.sent).toBe(0);
    expect(low.lines.some((l) => l.includes('trackingInterval 200 is out of range: 1000 ms is used'))).toBe(true);
  });
});

describe('dataFileRefreshInterval (updateInterval) and dataFileCacheTtl', () => {
  const MINUTE = 60_000;

  /** A browser client over a storage whose cached configuration was fetched `ageMinutes` ago. */
  function cachedClient(ageMinutes: number, configuration: SDKParameters['configuration'] = {}) {
    const b = backend();
    const storage = createMemoryStorage();
    storage.write(cacheKey('cache-site'), { siteCode: 'cache-site', environment: 'production', fetchedAt: Date.now() - ageMinutes * MINUTE, lastModified: undefined, json: basicConfig() });
    const client = new BrowserClient({
      siteCode: 'cache-site',
      configuration,
      externals: { logger: { log() {} }, requester: b.requester, storage },
      _internals: { platformAnalyzer: { getResult: () => ({}) } },
    });
    return { b, client };
  }

  it('younger than the refresh interval: initialize() uses the cache, no request', async () => {
    const { b, client } = cachedClient(30);
    await client.initialize();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.getConfigurationStatus().source).toBe('cache');
    expect(configRequests(b)).toBe(0);
    await client.close();
  });

  it('between the refresh interval and the TTL: initialize() resolves from the cache at once, and refreshes in the background', async () => {
    const { b, client } = cachedClient(75);
    b.hold();
    await client.initialize(); // would hang if it waited for the held request
    expect(client.getConfigurationStatus().source).toBe('cache');
    await vi.waitFor(() => expect(configRequests(b)).toBe(1));
    b.release();
    await vi.waitFor(() => expect(client.getConfigurationStatus().source).toBe('network'));
    await client.close();
  });

  it('past the TTL: initialize() waits for a fresh configuration', async () => {
    const { b, client } = cachedClient(100);
    b.hold();
    let done = false;
    const init = client.initialize().then(() => (done = true));
    await vi.waitFor(() => expect(configRequests(b)).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    b.release();
    await init;
    expect(client.getConfigurationStatus().source).toBe('network');
    await client.close();
  });

  it('a longer TTL keeps serving the cache at once; TTL 0 waits as soon as a refresh is due', async () => {
    const longer = cachedClient(100, { dataFileCacheTtl: 120 });
    longer.b.hold();
    await longer.client.initialize();
    expect(longer.client.getConfigurationStatus().source).toBe('cache');
    longer.b.release();
    await longer.client.close();

    const zero = cachedClient(61, { dataFileCacheTtl: 0 });
    zero.b.hold();
    let done = false;
    const init = zero.client.initialize().then(() => (done = true));
    await vi.waitFor(() => expect(configRequests(zero.b)).toBe(1));
    expect(done).toBe(false);
    zero.b.release();
    await init;
    await zero.client.close();
  });

  it('dataFileRefreshInterval sets the refresh age, and wins over updateInterval', async () => {
    // 20 minutes old: fresh with a 30-minute interval, due with a 10-minute one.
    const fresh = cachedClient(20, { dataFileRefreshInterval: 30, updateInterval: 5 });
    await fresh.client.initialize();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(configRequests(fresh.b)).toBe(0);
    await fresh.client.close();
    const due = cachedClient(20, { dataFileRefreshInterval: 10 });
    await due.client.initialize();
    await vi.waitFor(() => expect(configRequests(due.b)).toBe(1));
    await due.client.close();
  });
});

describe('refreshDataFileIfStale()', () => {
  it('rejects with NotInitialized before initialize(); false while fresh; true with one request once stale', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const b = backend();
    const client = new KameleoonClient({ siteCode: 's', configuration: { updateInterval: 10 }, externals: { logger: { log() {} }, requester: b.requester } });
    await expect(client.refreshDataFileIfStale()).rejects.toBeInstanceOf(NotInitialized);
    await client.initialize();
    expect(configRequests(b)).toBe(1);
    expect(await client.refreshDataFileIfStale()).toBe(false);
    expect(configRequests(b)).toBe(1);
    vi.setSystemTime(Date.now() + 10 * 60_000 + 1);
    const [first, second] = await Promise.all([client.refreshDataFileIfStale(), client.refreshDataFileIfStale()]);
    expect([first, second]).toEqual([true, false]); // the second finds the first's request in flight
    expect(configRequests(b)).toBe(2);
    expect(await client.refreshDataFileIfStale()).toBe(false);
    await client.close();
  });

  it('each call returns a promise of its own', async () => {
    const b = backend();
    const client = new KameleoonClient({ siteCode: 's', configuration: { defaultDataFile: basicConfig() as never }, externals: { logger: { log() {} }, requester: b.requester } });
    await client.initialize();
    b.hold();
    const a = client.refreshDataFileIfStale();
    const c = client.refreshDataFileIfStale();
    expect(a).not.toBe(c);
    b.release();
    expect(await a).toBe(true);
    expect(await c).toBe(false);
    await client.close();
  });
});

describe('getDataFile()', () => {
  it('is the same object until the configuration changes, with the configuration dateModified', async () => {
    const config = { ...basicConfig(), dateModified: 1_767_225_600_000 };
    const client = await clientFor(config);
    const first = client.getDataFile();
    expect(client.getDataFile()).toBe(first);
    expect(first.dateModified).toBe(1_767_225_600_000);
    expect(first.featureFlags.get('ff_50_50')?.environmentEnabled).toBe(true);
    const without = await clientFor(basicConfig());
    expect(without.getDataFile().dateModified).toBe(0);
    await Promise.all([client.close(), without.close()]);
  });
});

describe("addData's track option", () => {
  it('{ track: false } keeps the data for targeting and never sends it; the default sends it', async () => {
    const b = backend();
    const client = new KameleoonClient({ siteCode: 's', configuration: { defaultDataFile: basicConfig() as never }, externals: { logger: { log() {} }, requester: b.requester } });
    await client.initialize();
    client.addData('v1', new CustomData(0, 'local-only-value'), { track: false });
    client.addData('v1', new CustomData(1, 'tracked-value'));
    client.flush({ instant: true });
    await vi.waitFor(() => expect(b.requests.some((r) => r.type === 'tracking')).toBe(true));
    const body = b.requests.filter((r) => r.type === 'tracking').map((r) => r.body).join('\n');
    expect(body).toContain('tracked-value');
    expect(body).not.toContain('local-only-value');
    // The VISITOR-scope resend (index 0 is of VISITOR scope) of a later visit skips it too.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31 * 60_000);
    client.addData('v1', new CustomData(1, 'later-value'));
    await client.flushInstant('v1');
    await client.close();
    const all = b.requests.map((r) => r.body).join('\n');
    expect(all).toContain('later-value');
    expect(all).not.toContain('local-only-value');
  });

  it('in a browser, the mark survives a reload: the next page does not send it either', async () => {
    const b = backend();
    const storage = createMemoryStorage();
    const params = {
      siteCode: 'local-site',
      configuration: { defaultDataFile: basicConfig() as never },
      externals: { logger: { log() {} }, requester: b.requester, storage },
      _internals: { platformAnalyzer: { getResult: () => ({}) } },
    };
    const first = new BrowserClient(params);
    await first.initialize();
    first.addData('v1', new CustomData(0, 'local-only-value'), { track: false });
    await first.close();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31 * 60_000);
    const next = new BrowserClient(params);
    await next.initialize();
    next.addData('v1', new CustomData(1, 'next-page-value'));
    await next.flushInstant('v1');
    await next.close();
    const all = b.requests.map((r) => r.body).join('\n');
    expect(all).toContain('next-page-value');
    expect(all).not.toContain('local-only-value');
  });

  it('options other than { track?: boolean } are an InvalidArgument', async () => {
    const client = await clientFor();
    expect(() => client.addData('v1', new CustomData(0, 'x'), { track: 'no' } as never)).toThrow(/track must be a boolean/);
    expect(() => client.addData('v1', new CustomData(0, 'x'), { trak: false } as never)).toThrow(/nor, last, the options/);
    await client.close();
  });
});

describe('simulation of a flag disabled in the environment (as the official SDK 4.20)', () => {
  function disabledConfig() {
    const config = basicConfig();
    const flag = config.featureFlags.find((f: { featureKey: string }) => f.featureKey === 'ff_50_50');
    flag.environmentEnabled = false;
    return config;
  }

  it('a simulated variation is returned by getVariation, isFeatureFlagActive and getVariations; without the cookie the flag stays disabled', async () => {
    const client = await clientFor(disabledConfig());
    const simulation = encodeURIComponent(JSON.stringify({ ff_50_50: { expId: 2001, varId: 3002 } }));
    const code = client.getVisitorCode({ request: { headers: { cookie: `kameleoonVisitorCode=sim-visitor; kameleoonSimulationFFData=${simulation}` } } });
    const variation = client.getVariation({ visitorCode: code, featureKey: 'ff_50_50' });
    expect(variation.id).toBe(3002);
    expect(client.isFeatureFlagActive(code, 'ff_50_50')).toBe(variation.key !== 'off');
    expect(client.getVariations({ visitorCode: code }).get('ff_50_50')?.id).toBe(3002);
    expect(() => client.getVariation({ visitorCode: 'plain-visitor', featureKey: 'ff_50_50' })).toThrow(FeatureEnvironmentDisabled);
    expect(client.getVariations({ visitorCode: 'plain-visitor' }).has('ff_50_50')).toBe(false);
    await client.close();
  });
});

describe('flushInstant()', () => {
  /** A tracking endpoint answering `statuses` in turn (then 204), each after `delayMs`. */
  function trackingBackend(statuses: number[], delayMs = 30) {
    const bodies: string[] = [];
    const events: string[] = [];
    return {
      bodies,
      events,
      requester: {
        sendRequest: async ({ requestType, parameters }: { requestType: string; parameters: RequestInit }) => {
          if (requestType === 'configuration') return new Response(null, { status: 304 });
          bodies.push(String(parameters.body));
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          const status = statuses.shift() ?? 204;
          events.push(`answered ${status}`);
          return new Response(null, { status });
        },
      },
    };
  }

  it("resolves once the server accepted the visitor's exposure, and not before", async () => {
    const t = trackingBackend([]);
    const client = new KameleoonClient({ siteCode: 's', configuration: { defaultDataFile: basicConfig() as never }, externals: { logger: { log() {} }, requester: t.requester } });
    await client.initialize();
    client.getVariation({ visitorCode: 'v1', featureKey: 'ff_50_50' });
    await client.flushInstant('v1').then(() => t.events.push('resolved'));
    expect(t.events).toEqual(['answered 204', 'resolved']);
    expect(t.bodies.join('\n')).toMatch(/eventType=experiment&id=2001&variationId=300[12]&nonce=\w+&visitorCode=v1/);
    expect(client.getTrackingStatus().queued).toBe(0);
    await client.close();
  });

  it('without a visitor code, sends every visitor; a failure is retried with the same nonces before it resolves', async () => {
    const t = trackingBackend([503], 10);
    const client = new KameleoonClient({
      siteCode: 's',
      configuration: { defaultDataFile: basicConfig() as never },
      externals: { logger: { log() {} }, requester: t.requester },
      _internals: { trackingLimits: { retryBaseMs: 50 } },
    });
    await client.initialize();
    client.getVariation({ visitorCode: 'a', featureKey: 'ff_50_50' });
    client.getVariation({ visitorCode: 'b', featureKey: 'ff_50_50' });
    await client.flushInstant();
    expect(t.events).toEqual(['answered 503', 'answered 204']);
    expect(t.bodies[1]).toBe(t.bodies[0]);
    expect(t.bodies[1]).toMatch(/visitorCode=a[\s\S]*visitorCode=b/);
    await client.close();
  });

  it('resolves at closeTimeout when the server keeps failing; the lines stay queued', async () => {
    const t = trackingBackend(Array(100).fill(500), 5);
    const client = new KameleoonClient({
      siteCode: 's',
      configuration: { defaultDataFile: basicConfig() as never, closeTimeout: 300 },
      externals: { logger: { log() {} }, requester: t.requester },
      _internals: { trackingLimits: { retryBaseMs: 20 } },
    });
    await client.initialize();
    client.getVariation({ visitorCode: 'v1', featureKey: 'ff_50_50' });
    const started = Date.now();
    await client.flushInstant('v1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(t.bodies.length).toBeGreaterThan(1);
    expect(client.getTrackingStatus().queued).toBe(1);
    await client.close();
  });

  it('rejects with NotInitialized before initialize(), and VisitorCodeInvalid for a bad code', async () => {
    const client = new KameleoonClient({ siteCode: 's', configuration: { defaultDataFile: basicConfig() as never }, externals: { logger: { log() {} }, requester: trackingBackend([]).requester } });
    await expect(client.flushInstant()).rejects.toBeInstanceOf(NotInitialized);
    await client.initialize();
    await expect(client.flushInstant('')).rejects.toMatchObject({ type: 'VisitorCodeEmpty' });
    await client.close();
  });
});

describe('the hand-off of server decisions (window.kameleoonQueue), as the official SDK 4.23', () => {
  const page = globalThis as { kameleoonQueue?: unknown; Kameleoon?: unknown };
  afterEach(() => {
    delete page.kameleoonQueue;
    delete page.Kameleoon;
  });

  /** What a server's getEngineTrackingCode wrote for `visitorCode`, run as the page runs it. */
  async function serverHandOff(visitorCode: string): Promise<{ key: string; queue: unknown[] }> {
    const server = await clientFor();
    const { key } = server.getVariation({ visitorCode, featureKey: 'ff_50_50' });
    const window: { kameleoonQueue?: unknown[] } = {};
    new Function('window', server.getEngineTrackingCode(visitorCode))(window);
    await server.close();
    return { key, queue: window.kameleoonQueue! };
  }

  async function browserExposures(visitorCode: string): Promise<{ key: string; lines: string[] }> {
    const b = backend();
    const client = new BrowserClient({
      siteCode: 'handoff-site',
      configuration: { defaultDataFile: basicConfig() as never },
      externals: { logger: { log() {} }, requester: b.requester, storage: createMemoryStorage() },
      _internals: { platformAnalyzer: { getResult: () => ({}) } },
    });
    await client.initialize();
    client.getVisitorCode(visitorCode);
    const { key } = client.getVariation({ visitorCode, featureKey: 'ff_50_50' });
    await client.flushInstant();
    await client.close();
    return { key, lines: b.requests.flatMap((r) => r.body.split('\n')).filter((l) => l.startsWith('eventType=experiment')) };
  }

  it("getVisitorCode() takes the server's assignments as already tracked: the browser does not expose them again", async () => {
    const { key, queue } = await serverHandOff('hybrid-visitor');
    expect(queue).toContainEqual(['Experiments.assignVariation', 2001, expect.any(Number), true]);
    page.kameleoonQueue = queue;
    const browser = await browserExposures('hybrid-visitor');
    expect(browser.key).toBe(key);
    expect(browser.lines).toEqual([]);
    expect(queue.length).toBe(2); // left in place for whatever else reads it
  });

  it('without the queue, or with the engine on the page (it reads the queue itself), the browser tracks its exposure', async () => {
    expect((await browserExposures('plain-visitor')).lines).toHaveLength(1);
    const { queue } = await serverHandOff('engine-visitor');
    page.kameleoonQueue = queue;
    page.Kameleoon = {};
    expect((await browserExposures('engine-visitor')).lines).toHaveLength(1);
  });

  it('entries that are not assignments of a known experiment and variation are ignored', async () => {
    page.kameleoonQueue = [['Experiments.assignVariation', 999999, 1, true], ['Experiments.assignVariation', 2001, 424242, true], ['Experiments.assignVariation', '2001', '3001'], 'junk', null, ['Experiments.trigger', 2001, true]];
    expect((await browserExposures('junk-visitor')).lines).toHaveLength(1);
  });
});

describe('targeting condition fields this SDK does not read', () => {
  it('are warned once per field when a configuration with them is installed', async () => {
    const config = basicConfig();
    config.segments = [
      ...(config.segments ?? []),
      { id: 999, name: 'new', conditionsData: { firstLevelOrOperators: [], firstLevel: [{ orOperators: [], conditions: [{ id: 1, targetingType: 'CONVERSIONS', isInclude: true, weight: 1, goalId: 1, futureSetting: 'x' }] }] } },
    ];
    const logger = recordingLogger();
    const client = await clientFor(config, { externals: { logger } });
    await vi.waitFor(() => expect(logger.lines.filter((l) => l.includes('"CONVERSIONS.futureSetting"'))).toHaveLength(1));
    await client.close();
  });
});

describe('getFeatureList() (deprecated in favour of getDataFile, as the official 4.21)', () => {
  it('lists every flag key of the configuration', async () => {
    const client = await clientFor();
    expect(client.getFeatureList()).toEqual(basicConfig().featureFlags.map((f: { featureKey: string }) => f.featureKey));
    expect(client.getFeatureList()).toEqual([...client.getDataFile().featureFlags.keys()]);
    await client.close();
  });
});
