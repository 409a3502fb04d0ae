// @vitest-environment jsdom
/**
 * Browsers keep each visitor in storage, shared by every page (and tab) of the site. What a page
 * owes must leave once: data added and never flushed goes with the page when it is left (by
 * beacon), not to the next page, which could not tell whether another tab sent it already; and an
 * exposure a page sent is not sent again by the next page. Each "page" is a client on one storage
 * that copies through JSON, as localStorage does; a page is left without close(), as a closed tab is.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { CustomData, KameleoonClient } from '../../src/browser.ts';
import type { IExternalStorage } from '../../src/platform/platform.ts';
import { switchConfig } from '../delivery/server.ts';

const pages: KameleoonClient[] = [];
/** Lines sent, by request or by beacon, with their nonces. */
const sent: string[] = [];

beforeEach(() => {
  sent.length = 0;
  const sendBeacon = (_url: string, body: Blob) => {
    void body.text().then((text) => sent.push(...text.split('\n')));
    return true;
  };
  vi.stubGlobal('navigator', { ...navigator, sendBeacon });
});
afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.close()));
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A storage that keeps JSON text, as localStorage does: nothing is shared between pages but what was written. */
function jsonStorage(): IExternalStorage {
  const entries = new Map<string, string>();
  return { read: (key) => (entries.has(key) ? JSON.parse(entries.get(key)!) : null), write: (key, value) => void entries.set(key, JSON.stringify(value)) };
}

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
          sent.push(...String(parameters.body).split('\n'));
          return new Response(null, { status: 204 });
        },
      },
    },
    // The user agent's data would add lines of its own; this file counts the app's.
    _internals: { platformAnalyzer: { getResult: () => ({}) }, minTrackingInterval: 100 },
  });
  pages.push(page);
  await page.initialize();
  return page;
}

/** Distinct lines of a kind that were sent (a line sent by beacon, then by request, keeps its nonce). */
const distinct = (eventType: string) => new Set(sent.filter((line) => line.startsWith(`eventType=${eventType}&`)).map((line) => /nonce=(\w+)/.exec(line)?.[1])).size;

/** Flushes the visitor now and waits for the request. */
async function flushNow(page: KameleoonClient, visitorCode: string): Promise<void> {
  const before = page.getTrackingStatus().sentLines;
  page.flush({ visitorCode, instant: true });
  await vi.waitFor(() => expect(page.getTrackingStatus().sentLines).toBeGreaterThan(before));
}

it('data added and never flushed leaves with the page, and only then', async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }); // the tracking tick's
  const storage = jsonStorage();
  const first = await openPage(storage);
  first.getVariation({ visitorCode: 'v1', featureKey: 'switch', track: false });
  await vi.waitFor(() => expect(first.getTrackingStatus().loaded).toBe(true));
  first.addData('v1', new CustomData(1, 'left behind'));
  await vi.advanceTimersByTimeAsync(300); // three ticks (trackingInterval 100 ms)
  expect(distinct('customData')).toBe(0); // not flushed: it waits

  dispatchEvent(new Event('pagehide'));
  await vi.waitFor(() => expect(distinct('customData')).toBe(1));
  expect(sent.find((line) => line.startsWith('eventType=customData'))).toMatch(/^eventType=customData&index=1&valuesCountMap=%7B%22left%20behind%22%3A1%7D&overwrite=true&nonce=/);

  // The next page (or another tab) has nothing of it to send.
  const second = await openPage(storage);
  second.getVariation({ visitorCode: 'v1', featureKey: 'switch' });
  await flushNow(second, 'v1');
  expect(distinct('customData')).toBe(1);
});

it('an exposure sent by one page is not sent again by the next', async () => {
  const storage = jsonStorage();
  const first = await openPage(storage);
  first.getVariation({ visitorCode: 'v2', featureKey: 'switch' });
  await vi.waitFor(() => expect(distinct('experiment')).toBe(1));

  const second = await openPage(storage);
  expect(second.getVariation({ visitorCode: 'v2', featureKey: 'switch' }).key).toBe('on');
  await flushNow(second, 'v2');
  expect(distinct('experiment')).toBe(1);
});
