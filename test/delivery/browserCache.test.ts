// @vitest-environment jsdom
/**
 * The browser configuration cache in jsdom: usable at once within 90 minutes of its fetch (no
 * request at all within updateInterval, a background refresh past it), a wait for a fresh fetch
 * past 90 minutes with a fall-back to the stale cache, and polling paused while the page is hidden.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KameleoonClient, KameleoonException } from '../../src/browser.ts';
import { cacheKey } from '../../src/config/delivery.ts';
import { advance, minutes, recordingLogger, useFakeClock } from './helpers.ts';
import { switchConfig } from './server.ts';

/** A scripted configuration endpoint: answers with `config`, fails, or holds requests until released. */
class ScriptedCdn {
  config: object = switchConfig('fresh');
  mode: 'ok' | 'fail' | 'hold' = 'ok';
  requests: { url: string; headers: Record<string, string> }[] = [];
  #held: (() => void)[] = [];

  readonly requester = {
    sendRequest: ({ requestType, url, parameters }: { requestType: string; url: string; parameters: RequestInit }) => {
      // Tracking (the current visitor's activity, tracked data) is not the CDN's.
      if (requestType !== 'configuration') return Promise.resolve(new Response(null, { status: 204 }));
      this.requests.push({ url, headers: parameters.headers as Record<string, string> });
      const answer = () => new Response(JSON.stringify(this.config), { status: 200, headers: { 'Last-Modified': 'Wed, 01 Jan 2025 00:00:00 GMT' } });
      if (this.mode === 'fail') return Promise.reject(new TypeError('Failed to fetch'));
      if (this.mode === 'ok') return Promise.resolve(answer());
      return new Promise<Response>((resolve, reject) => {
        this.#held.push(() => resolve(answer()));
        parameters.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    },
  };

  release(): void {
    for (const resolve of this.#held.splice(0)) resolve();
  }
}

const SITE = 'site-b';
let cdn: ScriptedCdn;
const clients: KameleoonClient[] = [];

function seedCache(ageMs: number, variationKey = 'cached', environment = 'production'): void {
  const entry = { siteCode: SITE, environment, fetchedAt: Date.now() - ageMs, lastModified: 'Tue, 31 Dec 2024 00:00:00 GMT', json: switchConfig(variationKey) };
  localStorage.setItem(cacheKey(SITE), JSON.stringify(entry));
}

function pageClient(logger = recordingLogger()): KameleoonClient {
  const client = new KameleoonClient({
    siteCode: SITE,
    configuration: { requestTimeout: 3_000, updateInterval: 60 },
    externals: { requester: cdn.requester, logger },
    _internals: { prng: { getRandomNumber: () => 0.5 } },
  });
  clients.push(client);
  return client;
}

const key = (client: KameleoonClient) => client.getVariation({ visitorCode: 'browser-visitor', featureKey: 'switch', track: false }).key;

/** Whether a promise has settled, after letting microtasks run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

beforeEach(() => {
  useFakeClock();
  localStorage.clear();
  cdn = new ScriptedCdn();
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  vi.useRealTimers();
});

describe('browser configuration cache', () => {
  it('within updateInterval: the cache is used with no request at all, until the poll is due', async () => {
    seedCache(minutes(30));
    const client = pageClient();
    await client.initialize();
    expect(key(client)).toBe('cached');
    expect(cdn.requests).toHaveLength(0);
    expect(client.getConfigurationStatus()).toMatchObject({ status: 'ready', source: 'cache' });
    await advance(minutes(30));
    expect(cdn.requests).toHaveLength(1);
    expect(cdn.requests[0].headers['If-Modified-Since']).toBe('Tue, 31 Dec 2024 00:00:00 GMT');
    expect(key(client)).toBe('fresh');
  });

  it('within 90 minutes: usable at once, refreshed in the background', async () => {
    seedCache(minutes(75));
    cdn.mode = 'hold';
    const client = pageClient();
    await client.initialize(); // microtasks only: no timer has run
    expect(key(client)).toBe('cached');
    expect(cdn.requests).toHaveLength(0); // the refresh starts on the next task, after a first render
    await vi.advanceTimersByTimeAsync(0);
    expect(cdn.requests).toHaveLength(1);
    expect(key(client)).toBe('cached'); // while the request is pending
    cdn.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(key(client)).toBe('fresh');
    expect(client.getConfigurationStatus()).toMatchObject({ status: 'ready', source: 'network' });
  });

  it('past 90 minutes: waits for a fresh fetch', async () => {
    seedCache(minutes(95));
    cdn.mode = 'hold';
    const client = pageClient();
    const init = client.initialize();
    expect(await settled(init)).toBe(false);
    expect(client.isInitialized()).toBe(false);
    cdn.release();
    await init;
    expect(key(client)).toBe('fresh');
  });

  it('past 90 minutes with the network down: falls back to the stale cache and says so', async () => {
    seedCache(minutes(95));
    cdn.mode = 'fail';
    const logger = recordingLogger();
    const client = pageClient(logger);
    await expect(client.initialize()).resolves.toBe(true);
    expect(key(client)).toBe('cached');
    expect(client.getConfigurationStatus()).toMatchObject({ status: 'stale', source: 'cache', lastError: expect.objectContaining({ type: KameleoonException.ClientConfiguration }) });
    expect(logger.lines.join('\n')).toMatch(/cached configuration of .* past dataFileCacheTtl and could not be refreshed/);

    cdn.mode = 'ok';
    await advance(11_000);
    expect(key(client)).toBe('fresh');
    expect(client.getConfigurationStatus().status).toBe('ready');
  });

  it('past 90 minutes with a request that hangs: the stale cache after requestTimeout', async () => {
    seedCache(minutes(95));
    cdn.mode = 'hold';
    const client = pageClient();
    const init = client.initialize();
    await vi.advanceTimersByTimeAsync(2_999);
    expect(await settled(init)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(init).resolves.toBe(true);
    expect(key(client)).toBe('cached');
    expect(client.getConfigurationStatus().lastError?.message).toMatch(/no answer within 3000 ms/);
  });

  it('a fetched configuration is cached for the next page load, which needs no request', async () => {
    const first = pageClient();
    await first.initialize();
    await first.close();
    const stored = JSON.parse(localStorage.getItem(cacheKey(SITE)) ?? 'null');
    expect(stored).toMatchObject({ siteCode: SITE, environment: 'production', fetchedAt: Date.now(), lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' });

    await advance(minutes(10));
    const second = pageClient();
    await second.initialize();
    expect(key(second)).toBe('fresh');
    expect(cdn.requests).toHaveLength(1);
  });

  it('ignores a corrupted cache entry, and one of another environment', async () => {
    localStorage.setItem(cacheKey(SITE), JSON.stringify({ siteCode: SITE, environment: 'production', fetchedAt: Date.now(), json: { featureFlags: 'nope' } }));
    const logger = recordingLogger();
    const client = pageClient(logger);
    await client.initialize();
    expect(cdn.requests).toHaveLength(1);
    expect(logger.lines.join('\n')).toMatch(/Ignored the cached configuration: .*featureFlags/);

    seedCache(minutes(1), 'cached', 'staging');
    const other = pageClient();
    await other.initialize();
    expect(key(other)).toBe('fresh');
    expect(cdn.requests).toHaveLength(2);
  });

  it('does not poll while the page is hidden, and catches up on return', async () => {
    const client = pageClient();
    await client.initialize();
    const setVisibility = (state: 'hidden' | 'visible') => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    setVisibility('hidden');
    cdn.config = switchConfig('while-hidden');
    await advance(minutes(130));
    expect(cdn.requests).toHaveLength(1);
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(0);
    expect(cdn.requests).toHaveLength(2);
    expect(key(client)).toBe('while-hidden');
  });
});
