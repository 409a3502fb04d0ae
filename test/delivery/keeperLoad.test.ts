// @vitest-environment jsdom
/**
 * The code that fetches and polls (config/keeper.ts) loads when the client starts, apart from the
 * cached configuration's path. When it cannot load (offline, a redeploy that removed the chunk),
 * a cold start fails as a failed fetch would, and a warm start keeps its cache and loads it again
 * later.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KameleoonClient, KameleoonException } from '../../src/browser.ts';
import { cacheKey } from '../../src/config/delivery.ts';
import { advance, recordingLogger, switchKey, until, useFakeClock } from './helpers.ts';
import { switchConfig } from './server.ts';

const SITE = 'site-k';
const KEEPER = '../../src/config/keeper.ts';
let requests = 0;
const clients: KameleoonClient[] = [];

function pageClient(logger = recordingLogger()): KameleoonClient {
  const client = new KameleoonClient({
    siteCode: SITE,
    configuration: { requestTimeout: 3_000, updateInterval: 60 },
    externals: {
      logger,
      requester: {
        sendRequest: ({ requestType }: { requestType: string }) => {
          if (requestType === 'configuration') requests++;
          const body = requestType === 'configuration' ? JSON.stringify(switchConfig('fresh')) : null;
          return Promise.resolve(new Response(body, { status: requestType === 'configuration' ? 200 : 204 }));
        },
      },
    },
    _internals: { prng: { getRandomNumber: () => 0.5 } },
  });
  clients.push(client);
  return client;
}

beforeEach(() => {
  useFakeClock();
  localStorage.clear();
  requests = 0;
  vi.doMock(KEEPER, () => {
    throw new TypeError('Failed to fetch dynamically imported module');
  });
});

afterEach(async () => {
  vi.doUnmock(KEEPER);
  for (const client of clients.splice(0)) await client.close();
  vi.useRealTimers();
});

describe('the fetching code fails to load', () => {
  it('a cold start rejects with ClientConfiguration, and the next initialize() loads it', async () => {
    const client = pageClient();
    await expect(client.initialize()).rejects.toMatchObject({ type: KameleoonException.ClientConfiguration, message: expect.stringContaining('could not be loaded') });
    expect(client.getConfigurationStatus()).toMatchObject({ status: 'failed', lastError: { type: KameleoonException.ClientConfiguration } });
    expect(requests).toBe(0);
    vi.doUnmock(KEEPER);
    await client.initialize();
    expect(requests).toBe(1);
    expect(switchKey(client)).toBe('fresh');
  });

  it('a warm start serves its cache, says why it cannot refresh, and loads the code again later', async () => {
    localStorage.setItem(cacheKey(SITE), JSON.stringify({ siteCode: SITE, environment: 'production', fetchedAt: Date.now() - 61 * 60_000, json: switchConfig('cached') }));
    const logger = recordingLogger();
    const client = pageClient(logger);
    await client.initialize();
    expect(switchKey(client)).toBe('cached');
    await until(() => logger.lines.some((line) => line.includes('could not be loaded') && line.endsWith('(tried again in 10 s)')), 'the load failure logged');
    expect(client.getConfigurationStatus()).toMatchObject({ status: 'stale', source: 'cache' });
    vi.doUnmock(KEEPER);
    await advance(10_000);
    // The code loads for real (the clock is fake): the poll it schedules then runs.
    for (let second = 0; second < 20 && requests === 0; second++) {
      await vi.dynamicImportSettled();
      await advance(1_000);
    }
    expect(requests).toBe(1);
    expect(switchKey(client)).toBe('fresh');
    expect(client.getConfigurationStatus()).toMatchObject({ status: 'ready', source: 'network' });
  });
});
