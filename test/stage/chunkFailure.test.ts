// @vitest-environment jsdom
/**
 * The full client's code fails to load (a network blip, here for good): close() still settles,
 * having tried to load it once more.
 */
import { describe, expect, it, vi } from 'vitest';
import * as entry from '../../src/stage/entry.ts';
import { cacheKey } from '../../src/config/cache.ts';
import basic from '../conformance/fixtures/synthetic-configs/basic.json';

vi.mock('../../src/stage/second.ts', () => {
  throw new Error('the chunk failed to load');
});

describe('the full client’s code fails to load', () => {
  it('close() settles all the same', async () => {
    const site = 'chunk-failure';
    const store = new Map<string, unknown>([[cacheKey(site), { siteCode: site, environment: 'production', fetchedAt: Date.now(), lastModified: undefined, json: basic }]]);
    const client = new entry.KameleoonClient({
      siteCode: site,
      externals: {
        requester: { sendRequest: async () => new Response(null, { status: 304 }) },
        storage: { read: (key: string) => structuredClone(store.get(key) ?? null), write: (key: string, data: unknown) => void store.set(key, data) },
        visitorCodeManager: { getData: () => null, setData: () => undefined },
        logger: { log() {} },
      },
    });
    await expect(client.initialize()).rejects.toThrow();
    const closed = await Promise.race([client.close().then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending after 2 s'), 2000))]);
    expect(closed).toBe('settled');
  });
});
