/**
 * The browser build's two stages in headless Chromium (the pages run the two-stage entry, see
 * harness.ts): a page left before the full client took over keeps what its first stage tracked for
 * the next page, which sends it once; the full client's code that failed to load (a network blip)
 * is loaded again by the next initialize().
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchBrowser, startTrackingPageServer, withPage, PAGE_WAIT_MS, type PageServer } from './harness.ts';

describe('the two stages in headless Chromium', () => {
  let server: PageServer;
  let browser: Browser;
  /** Lines of the tracking requests. */
  const accepted: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTrackingPageServer((received) => void accepted.push(...received)),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });

  const pageUrl = (query = '') => `${server.url}/test/browser/pages/tracking.html${query}`;
  const linesOf = (tag: string) => accepted.filter((line) => new RegExp(`&visitorCode=${tag}-\\d$`).test(line));
  const SECOND_STAGE = /\/src\/stage\/second\.ts/;

  async function ready(page: Page): Promise<void> {
    await page.waitForFunction(() => window.__done === true, undefined, { timeout: PAGE_WAIT_MS });
  }

  it('a page left before the full client took over: the next page sends what its first stage tracked, once', async () => {
    await withPage(browser, async ({ page }) => {
      // A first page fills the configuration cache; the next one answers from it with its first stage.
      await page.goto(pageUrl());
      await ready(page);
      await page.waitForFunction(() => window.__client!.isInitialized(), undefined, { timeout: PAGE_WAIT_MS });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route(SECOND_STAGE, async (route) => {
        await held;
        await route.continue().catch(() => undefined); // the page may be gone
      });
      await page.goto(pageUrl('?tag=staged&first&convert&consent'));
      await ready(page);
      // Answered by the first stage alone: the full client's code is held back.
      expect(await page.evaluate(() => [window.__client!.getTrackingStatus().loaded, document.body.dataset.error ?? null])).toEqual([false, null]);
      await page.goto('about:blank');
      release();
      await page.unroute(SECOND_STAGE);
      await page.waitForTimeout(300);
      expect(linesOf('staged')).toEqual([]);
      await page.goto(pageUrl());
      await ready(page);
      await vi.waitUntil(() => linesOf('staged').length >= 10, { timeout: PAGE_WAIT_MS, interval: 50 }).catch(() => {
        throw new Error(`timed out waiting for the lines of the page left early; got ${JSON.stringify(linesOf('staged'))}`);
      });
      await page.waitForTimeout(500);
      const lines = linesOf('staged');
      expect(new Set(lines.map((line) => /&nonce=(\w+)/.exec(line)?.[1])).size).toBe(lines.length);
      // Per visitor: the exposure (stored unsent in its record), the custom data and the conversion (the early-tracking list).
      const kinds = lines.map((line) => line.split('&')[0]).sort();
      expect(kinds.filter((k) => k !== 'eventType=staticData')).toEqual([...Array(5).fill('eventType=conversion'), ...Array(5).fill('eventType=customData'), ...Array(5).fill('eventType=experiment')]);
      expect(lines.filter((line) => line.startsWith('eventType=conversion')).map((line) => /&goalId=(\d+)/.exec(line)?.[1])).toEqual(Array(5).fill('11'));
      // The consent given before the takeover is in each visitor's stored record, with the conversion for targeting.
      const records = await page.evaluate(() => [0, 1, 2, 3, 4].map((i) => JSON.parse(localStorage.getItem(`kameleoonTs.visitor.staged-${i}`) ?? 'null') as { c?: string; d?: { cv: unknown[] } } | null));
      expect(records.map((r) => [r?.c, r?.d?.cv.length])).toEqual(Array(5).fill(['given', 1]));
    });
  });

  it("the full client's code that failed to load is loaded again by the next initialize()", async () => {
    await withPage(browser, async ({ page }) => {
      await page.route(SECOND_STAGE, (route) => route.abort('internetdisconnected'));
      await page.goto(pageUrl());
      await ready(page);
      // The page's own initialize() failed, and so does the next one while the chunk cannot load.
      expect(await page.locator('body').getAttribute('data-error')).toMatch(/Failed to fetch dynamically imported module/);
      const first = await page.evaluate(() => window.__client!.initialize().then(String, (e: Error) => `rejected ${e.message}`));
      expect(first).toMatch(/^rejected /);
      await page.unroute(SECOND_STAGE);
      const second = await page.evaluate(() => window.__client!.initialize().then(String, (e: Error) => `rejected ${e.message}`));
      expect(second).toBe('true');
      // The full client took over: a method the first stage leaves to it answers.
      expect(await page.evaluate(() => window.__client!.getVariations({ visitorCode: 'retried', track: false }).size)).toBeGreaterThan(0);
    });
  });
});
