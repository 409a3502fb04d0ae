// @vitest-environment jsdom
/**
 * Browsers keep each visitor in storage, so what one page owes the Data API goes to the next:
 * data added and never flushed on a page that is then left is sent by the next page's first
 * flush of that visitor, once; an exposure a page sent is not sent again by the next page.
 * Each "page" is a client on the same storage; a page is left without close(), as a closed tab is.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { CustomData, KameleoonClient } from '../../src/browser.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import type { IExternalStorage } from '../../src/platform/platform.ts';
import { switchConfig } from '../delivery/server.ts';

const pages: KameleoonClient[] = [];
afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.close()));
});

/** Lines received, without their nonce and identifier. */
const lines: string[] = [];

async function openPage(storage: IExternalStorage): Promise<KameleoonClient> {
  const page = new KameleoonClient({
    siteCode: 'next-page-site',
    configuration: { defaultDataFile: switchConfig('on') as never, trackingInterval: 100 },
    externals: {
      storage,
      logger: { log() {} },
      requester: {
        sendRequest: async ({ requestType, parameters }) => {
          if (requestType === 'configuration') return new Response('', { status: 500 });
          lines.push(...String(parameters.body).split('\n').map((line) => line.replace(/&nonce=.*/, '')));
          return new Response(null, { status: 204 });
        },
      },
    },
    // The user agent's data would add lines of its own; this file counts the app's.
    _internals: { platformAnalyzer: { getResult: () => ({}) } },
  });
  pages.push(page);
  await page.initialize();
  return page;
}

/** Flushes the visitor now and waits for the request. */
async function flushNow(page: KameleoonClient, visitorCode: string): Promise<void> {
  const sent = page.getTrackingStatus().sentLines;
  page.flush({ visitorCode, instant: true });
  await vi.waitFor(() => expect(page.getTrackingStatus().sentLines).toBeGreaterThan(sent));
}

it('data added and never flushed on a left page is sent by the next page, once', async () => {
  lines.length = 0;
  const storage = createMemoryStorage();
  const first = await openPage(storage);
  first.getVariation({ visitorCode: 'v1', featureKey: 'switch', track: false });
  await vi.waitFor(() => expect(first.getTrackingStatus().loaded).toBe(true));
  first.addData('v1', new CustomData(1, 'left behind'));
  await Promise.resolve(); // the store writes changed visitors on a microtask

  const second = await openPage(storage);
  await flushNow(second, 'v1');
  expect(lines.filter((line) => line.startsWith('eventType=customData'))).toEqual(['eventType=customData&index=1&valuesCountMap=%7B%22left%20behind%22%3A1%7D&overwrite=true']);

  const third = await openPage(storage);
  await flushNow(third, 'v1');
  expect(lines.filter((line) => line.startsWith('eventType=customData'))).toHaveLength(1);
});

it('an exposure sent by one page is not sent again by the next', async () => {
  lines.length = 0;
  const storage = createMemoryStorage();
  const first = await openPage(storage);
  first.getVariation({ visitorCode: 'v2', featureKey: 'switch' });
  await vi.waitFor(() => expect(lines.filter((line) => line.startsWith('eventType=experiment'))).toHaveLength(1));
  await Promise.resolve();

  const second = await openPage(storage);
  expect(second.getVariation({ visitorCode: 'v2', featureKey: 'switch' }).key).toBe('on');
  await flushNow(second, 'v2');
  expect(lines.filter((line) => line.startsWith('eventType=experiment'))).toHaveLength(1);
});
