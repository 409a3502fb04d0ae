/**
 * The activity tick of the official SDK 4.24 in a real headless Chromium, shortened to 1.5 s: the
 * open page whose visitor does nothing sends no activity line; after a mouse move (Chromium's own
 * input, through the DevTools protocol), one tick sends one, and the next ticks, without another
 * interaction, none. A scroll of the page counts too.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchBrowser, startTrackingPageServer, withPage, PAGE_WAIT_MS, type PageServer } from './harness.ts';

/** The shortened activity tick, and the tracking tick (the default, 1 s) that sends what it schedules. */
const TICK_MS = 1_500;
const TRACKING_MS = 1_000;

describe('visitor activity in headless Chromium', () => {
  let server: PageServer;
  let browser: Browser;
  /** Lines of every tracking request. */
  const lines: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTrackingPageServer((received) => void lines.push(...received)),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });

  const linesOf = (visitor: string) => lines.filter((line) => line.endsWith(`&visitorCode=${visitor}`)).map((line) => line.split('&')[0]);

  /** The page, once its tracking code (and with it the interaction listeners and the activity tick) runs. */
  async function open(page: Page, visitor: string): Promise<void> {
    await page.goto(`${server.url}/test/browser/pages/activity.html?visitor=${visitor}&tick=${TICK_MS}`);
    await page.waitForFunction(() => window.__done === true, undefined, { timeout: PAGE_WAIT_MS });
    expect(await page.locator('body').getAttribute('data-error')).toBeNull();
    await page.waitForFunction(() => window.__client!.getTrackingStatus().loaded, undefined, { timeout: PAGE_WAIT_MS });
  }

  const eventually = (condition: () => boolean, what: string) =>
    vi.waitUntil(condition, { timeout: PAGE_WAIT_MS, interval: 50 }).catch(() => {
      throw new Error(`timed out waiting for ${what}`);
    });

  /** Three activity ticks and a tracking tick: what a tick would have sent has arrived. */
  const threeTicks = (page: Page) => page.waitForTimeout(3 * TICK_MS + TRACKING_MS);

  it('no activity line while the visitor does nothing; one after a mouse move, and none after it', async () => {
    await withPage(browser, async ({ page, errors }) => {
      await open(page, 'mover');
      await threeTicks(page);
      expect(linesOf('mover')).toEqual([]);
      // Several moves within a tick: one line.
      for (const x of [10, 60, 110]) await page.mouse.move(x, 40);
      await eventually(() => linesOf('mover').length > 0, 'the activity line after the mouse moved');
      await threeTicks(page);
      expect(linesOf('mover')).toEqual(['eventType=activity']);
      expect(errors).toEqual([]);
    });
  });

  it('a scroll counts as an interaction too', async () => {
    await withPage(browser, async ({ page }) => {
      await open(page, 'scroller');
      await threeTicks(page);
      expect(linesOf('scroller')).toEqual([]);
      await page.mouse.wheel(0, 400);
      await eventually(() => linesOf('scroller').length > 0, 'the activity line after the page scrolled');
      expect(linesOf('scroller')).toEqual(['eventType=activity']);
    });
  });
});
