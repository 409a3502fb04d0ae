/**
 * Tracking in a real headless Chromium: events queued just before the page is left arrive (by
 * beacon), events of a page left before its tracking code arrived are sent by the next page
 * (kept in localStorage), and events queued while the tracking server is down arrive after a
 * reload once it is back (kept in IndexedDB, recovered by the next page).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchBrowser, startTrackingPageServer, withPage, PAGE_WAIT_MS, type PageServer } from './harness.ts';

describe('tracking in headless Chromium', () => {
  let server: PageServer;
  let browser: Browser;
  let trackingUp = true;
  /** Lines of the tracking requests answered 204, and of those refused. */
  const accepted: string[] = [];
  const refused: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTrackingPageServer((received) => {
        (trackingUp ? accepted : refused).push(...received);
        return trackingUp ? 204 : 503;
      }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });

  const pageUrl = (query = '') => `${server.url}/test/browser/pages/tracking.html${query}`;
  const linesOf = (lines: string[], tag: string) => lines.filter((line) => new RegExp(`&visitorCode=${tag}-\\d$`).test(line));

  async function ready(page: Page): Promise<void> {
    await page.waitForFunction(() => window.__done === true, undefined, { timeout: PAGE_WAIT_MS });
    expect(await page.locator('body').getAttribute('data-error')).toBeNull();
  }

  const eventually = (condition: () => boolean, what: string) =>
    vi.waitUntil(condition, { timeout: PAGE_WAIT_MS, interval: 50 }).catch(() => {
      throw new Error(`timed out waiting for ${what}`);
    });

  it('events queued just before the page is left arrive by beacon', async () => {
    await withPage(browser, async ({ page, errors }) => {
      await page.goto(pageUrl('?tag=leaving'));
      await ready(page);
      expect(linesOf(accepted, 'leaving')).toEqual([]); // the tick is a second away
      // Tracking's code loads once the configuration is in force (a few module requests from Vite
      // here); the beacon needs it. (A page left before it arrives: see the next test.)
      await page.waitForFunction(() => window.__client!.getTrackingStatus().loaded, undefined, { timeout: PAGE_WAIT_MS });
      expect(linesOf(accepted, 'leaving')).toEqual([]);
      await page.goto('about:blank');
      // Per visitor: the exposure, the custom data, and the browser SDK's staticData summary.
      await eventually(() => linesOf(accepted, 'leaving').length >= 15, 'the beacon');
      await page.waitForTimeout(200);
      const kinds = linesOf(accepted, 'leaving').map((line) => line.split('&')[0]).sort();
      expect(kinds).toEqual([...Array(5).fill('eventType=customData'), ...Array(5).fill('eventType=experiment'), ...Array(5).fill('eventType=staticData')]);
      expect(errors.filter((e) => !e.includes('503'))).toEqual([]);
    });
  });

  it('events of a page left before its tracking code arrived are sent by the next page, once', async () => {
    await withPage(browser, async ({ page }) => {
      // The tracking code is held back until the page is gone.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const pipeline = /\/src\/tracking\/pipeline\.ts/;
      await page.route(pipeline, async (route) => {
        await held;
        await route.continue().catch(() => undefined); // the page may be gone
      });
      await page.goto(pageUrl('?tag=early'));
      await ready(page);
      expect(await page.evaluate(() => window.__client!.getTrackingStatus().loaded)).toBe(false);
      await page.goto('about:blank');
      release();
      await page.unroute(pipeline);
      await page.waitForTimeout(300);
      expect(linesOf(accepted, 'early')).toEqual([]);
      await page.goto(pageUrl());
      await ready(page);
      await eventually(() => linesOf(accepted, 'early').length >= 10, 'the lines of the page left early');
      await page.waitForTimeout(1_500); // a tick later: nothing more
      const lines = linesOf(accepted, 'early');
      expect(new Set(lines.map((line) => /&nonce=(\w+)/.exec(line)?.[1])).size).toBe(lines.length);
      // Per visitor: the exposure (its assignment was stored unsent) and the custom data (saved
      // as the page was left); the next page's summary line goes for its own visitors only.
      const kinds = lines.map((line) => line.split('&')[0]).sort();
      expect(kinds.filter((k) => k !== 'eventType=staticData')).toEqual([...Array(5).fill('eventType=customData'), ...Array(5).fill('eventType=experiment')]);
    });
  });

  it('events queued while the tracking server is down arrive after a reload once it is back', async () => {
    await withPage(browser, async ({ page }) => {
      trackingUp = false;
      await page.goto(pageUrl('?tag=offline&instant'));
      await ready(page);
      await eventually(() => linesOf(refused, 'offline').length >= 15, 'the refused request');
      await page.waitForTimeout(300); // the IndexedDB write is coalesced over 100 ms
      // The reload's beacon also meets the server down; the next page recovers the lines.
      await page.goto(pageUrl());
      await ready(page);
      expect(linesOf(accepted, 'offline')).toEqual([]);
      trackingUp = true;
      await eventually(() => linesOf(accepted, 'offline').length >= 15, 'the recovered lines');
      const nonces = new Set(linesOf(accepted, 'offline').map((line) => /&nonce=(\w+)/.exec(line)?.[1]));
      expect(nonces.size).toBe(15);
      const refusedNonces = new Set(linesOf(refused, 'offline').map((line) => /&nonce=(\w+)/.exec(line)?.[1]));
      expect([...nonces].every((n) => refusedNonces.has(n))).toBe(true); // the same events, not new ones
    });
  });

  it('while offline, attempts go on with backoff (offline is a hint); back online, the queue leaves at once', async () => {
    await withPage(browser, async ({ page, context }) => {
      await page.goto(pageUrl());
      await ready(page);
      // The pipeline's attempts are under test: its code is there before the network goes (a load
      // that fails offline is the next test).
      await page.waitForFunction(() => window.__client!.getTrackingStatus().loaded, undefined, { timeout: PAGE_WAIT_MS });
      await context.setOffline(true);
      await page.waitForFunction(() => navigator.onLine === false);
      await page.evaluate(() => {
        const client = window.__client!;
        for (let i = 0; i < 5; i++) {
          client.getVariation({ visitorCode: `online-${i}`, featureKey: 'switch', track: true });
          client.flush({ visitorCode: `online-${i}`, instant: true });
        }
      });
      // Playwright's offline mode fails every request: the SDK still attempts them, and they fail.
      await page.waitForFunction(() => window.__client!.getTrackingStatus().failures >= 1, undefined, { timeout: PAGE_WAIT_MS });
      expect(await page.evaluate(() => window.__client!.getTrackingStatus())).toMatchObject({ queued: 5 }); // five exposures, kept
      expect(linesOf(accepted, 'online')).toEqual([]);
      await context.setOffline(false);
      await eventually(() => linesOf(accepted, 'online').length >= 5, 'the lines after going online');
      // The server has the lines; the page learns it when the answer reaches it.
      await page.waitForFunction(() => window.__client!.getTrackingStatus().queued === 0, undefined, { timeout: PAGE_WAIT_MS });
      expect(new Set(linesOf(accepted, 'online')).size).toBe(5); // each exposure, under one nonce (a retry keeps it)
    });
  });

  it('tracking code that failed to load is loaded again once the browser is back online, and what was held leaves', async () => {
    await withPage(browser, async ({ page, context, errors }) => {
      const pipeline = /\/src\/tracking\/pipeline\.ts/;
      await page.route(pipeline, (route) => route.abort('internetdisconnected'));
      await page.goto(pageUrl('?tag=reload&instant'));
      await ready(page);
      await eventually(() => errors.some((e) => e.includes('The tracking code could not be loaded')), 'the failed load');
      expect(await page.evaluate(() => window.__client!.getTrackingStatus().loaded)).toBe(false);
      await page.unroute(pipeline);
      await page.waitForTimeout(300);
      expect(linesOf(accepted, 'reload')).toEqual([]); // no tracked call since: nothing tried it again
      await context.setOffline(true);
      await context.setOffline(false); // the browser's online event
      await eventually(() => linesOf(accepted, 'reload').length >= 10, 'the held lines');
      const kinds = linesOf(accepted, 'reload').map((line) => line.split('&')[0]).sort();
      expect(kinds.filter((k) => k !== 'eventType=staticData')).toEqual([...Array(5).fill('eventType=customData'), ...Array(5).fill('eventType=experiment')]);
    });
  });
});
