/**
 * The code that fetches and polls (config/keeper.ts) loads when the delivery starts, apart from
 * the cached configuration's path. When it cannot load (offline, a redeploy that removed the
 * chunk), a cold start fails as a failed fetch would, and a warm start keeps its cache and loads
 * it again 10 s later.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KameleoonException } from '../../src/errors.ts';
import { cacheKey, ConfigurationDelivery } from '../../src/config/delivery.ts';
import type { ParsedConfig } from '../../src/config/parse.ts';
import { Logger } from '../../src/logging/logger.ts';
import { nativeUserRegExp } from '../../src/targeting/nativeRegex.ts';
import { advance, recordingLogger, until, useFakeClock } from './helpers.ts';
import { switchConfig } from './server.ts';

const SITE = 'site-k';
const deliveries: ConfigurationDelivery[] = [];

/** A delivery whose keeper fails to load while `keeper.fails`, with a map as its cache. */
function delivery(cache: Map<string, unknown>) {
  const keeper = { fails: true, loads: 0 };
  const logger = recordingLogger();
  const installed: string[] = [];
  let requests = 0;
  const d = new ConfigurationDelivery({
    siteCode: SITE,
    environment: 'production',
    configurationUrl: 'http://127.0.0.1:9/config',
    streamUrl: 'http://127.0.0.1:9/sse',
    updateIntervalMs: 60 * 60_000,
    requestTimeoutMs: 3_000,
    defaultDataFile: undefined,
    sdk: { type: 'JAVASCRIPT', version: '0.0.0', isServer: false },
    requester: {
      sendRequest: () => {
        requests++;
        return Promise.resolve(new Response(JSON.stringify(switchConfig('fresh')), { status: 200 }));
      },
    },
    cache: { read: (key) => cache.get(key) ?? null, write: (key, value) => void cache.set(key, value) },
    compileRegex: nativeUserRegExp,
    eventSource: undefined,
    logger: new Logger(logger),
    random: () => 0.5,
    onUpdate: (config: ParsedConfig) => void installed.push(config.flags.get('switch')!.rules[0].variationByExposition[0].variationKey),
    loadKeeper: () => {
      keeper.loads++;
      return keeper.fails ? Promise.reject(new TypeError('Failed to fetch dynamically imported module')) : import('../../src/config/keeper.ts');
    },
  });
  deliveries.push(d);
  return { d, keeper, logger, installed, requests: () => requests };
}

beforeEach(() => useFakeClock());

afterEach(() => {
  for (const d of deliveries.splice(0)) d.close();
  vi.useRealTimers();
});

describe('the code that fetches fails to load', () => {
  it('a cold start rejects with ClientConfiguration, and the next start loads it and fetches', async () => {
    const { d, keeper, installed, requests } = delivery(new Map());
    await expect(d.start()).rejects.toMatchObject({ type: KameleoonException.ClientConfiguration, message: expect.stringContaining('could not be loaded') });
    expect(d.state).toMatchObject({ status: 'failed', lastError: { type: KameleoonException.ClientConfiguration } });
    expect(requests()).toBe(0);
    keeper.fails = false;
    await d.start();
    expect(requests()).toBe(1);
    expect(installed).toEqual(['fresh']);
    expect(d.state).toMatchObject({ status: 'ready', source: 'network' });
  });

  it('a warm start serves its cache, says why it cannot refresh, and loads the code again 10 s later', async () => {
    const cache = new Map<string, unknown>([[cacheKey(SITE), { siteCode: SITE, environment: 'production', fetchedAt: Date.now() - 61 * 60_000, json: switchConfig('cached') }]]);
    const { d, keeper, logger, installed, requests } = delivery(cache);
    await d.start();
    expect(installed).toEqual(['cached']);
    await until(() => d.state.status === 'stale', 'the failed load');
    expect(logger.lines).toEqual([expect.stringMatching(/could not be loaded: .* \(tried again in 10 s\)$/)]);
    keeper.fails = false;
    await advance(9_000);
    expect(keeper.loads).toBe(1);
    await advance(1_000);
    expect(keeper.loads).toBe(2);
    // The code loads in real time while the clock is fake: the clock moves on a second at a time
    // until the refresh it schedules has run.
    const deadline = performance.now() + 10_000;
    while (requests() === 0 && performance.now() < deadline) await advance(1_000);
    expect(requests()).toBe(1);
    expect(installed).toEqual(['cached', 'fresh']);
    expect(d.state).toMatchObject({ status: 'ready', source: 'network' });
  });
});
