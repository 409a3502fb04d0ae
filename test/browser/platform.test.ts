/**
 * Differential test of the browser's automatic platform data, in a real headless Chromium: the
 * official SDK and ours run in the same page (pages/platform.ts) on flags that target the browser,
 * device, operating system, page URL, title, page views, previous page and visits, for three
 * visitors taking turns, with a navigation and a new visit midway. Under several user agents, both
 * SDKs must decide every flag alike and send the same tracking lines for each visitor.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchBrowser, startPageServer, PAGE_WAIT_MS, type PageServer } from './harness.ts';
import type { PlatformResults } from './pages/platform.ts';
import { byVisitor } from '../support/browserMode.ts';

/** Label, user agent (undefined: headless Chromium's own), and the flags that must be on for the first visitor. */
const USER_AGENTS: [string, string | undefined, string[]][] = [
  ['headless Chromium on Linux', undefined, ['browser_chrome', 'browser_chrome_over_100', 'os_linux', 'device_desktop']],
  ['Safari on an iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1', ['browser_safari_17', 'os_ios', 'device_phone']],
  ['Safari on an iPad', 'Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1', ['browser_safari_17', 'os_ios', 'device_tablet']],
  ['Chrome on an Android phone', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36', ['browser_chrome', 'os_android', 'device_phone']],
  ['Firefox on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0', ['browser_firefox', 'os_windows', 'device_desktop']],
  ['Safari on a Mac', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15', ['browser_safari_17', 'os_mac', 'device_desktop']],
  ['Internet Explorer 11', 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko', ['browser_ie', 'os_windows', 'device_desktop']],
  ['a bot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', ['browser_other']],
];

describe('platform data in headless Chromium: the official SDK and ours decide and track alike', () => {
  let server: PageServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startPageServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });

  it.each(USER_AGENTS)('%s', async (_label, userAgent, expectedOn) => {
    const context = await browser.newContext(userAgent ? { userAgent } : {});
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/test/browser/pages/platform.html`);
      await page.waitForFunction(() => window.__done === true, undefined, { timeout: PAGE_WAIT_MS });
      expect(await page.locator('body').getAttribute('data-error')).toBeNull();
      const decisions = (await page.evaluate(() => window.__results!.decisions)) as PlatformResults['decisions'];
      expect(decisions.ours).toEqual(decisions.official);
      // The test is real: the platform decides flags, and the pages, views and visits change them.
      const flags = await page.evaluate(() => window.__results!.flags);
      const on = (round: number, visitor: string) => flags.filter((flag) => decisions.official.includes(`${round} visitor-${visitor} ${flag} → on`));
      expect(on(0, 'a')).toEqual(expect.arrayContaining([...expectedOn, 'url_exact', 'url_contains', 'title_exact', 'page_views_1', 'new_visitor']));
      expect(on(2, 'a')).toEqual(expect.arrayContaining(['url_second_page', 'title_contains', 'previous_page', 'page_views_over_2']));
      expect(on(3, 'a')).toEqual(expect.arrayContaining(['returning_visitor', 'visits_over_1']));

      // The flushes are sent once each SDK's tracking runs: lines for every visitor, from both.
      await page.waitForFunction(
        () => (['official', 'ours'] as const).every((sdk) => ['a', 'b', 'c'].every((v) => window.__results!.lines[sdk].some((l) => l.endsWith(`visitorCode=visitor-${v}`)))),
        undefined,
        { timeout: PAGE_WAIT_MS },
      );
      // Lines still on their way settle: wait until both SDKs' lines agree (or time out on the difference).
      const sentLines = async () => (await page.evaluate(() => window.__results!.lines)) as PlatformResults['lines'];
      await vi.waitFor(async () => {
        const { ours, official } = await sentLines();
        expect(byVisitor(ours)).toEqual(byVisitor(official));
      }, { timeout: PAGE_WAIT_MS, interval: 100 });

      const lines = await sentLines();
      const official = byVisitor(lines.official);
      expect(Object.keys(official).sort()).toEqual(['visitor-a', 'visitor-b', 'visitor-c']);
      expect(byVisitor(lines.ours)).toEqual(official);
      expect(official['visitor-a'].map((line) => line.split('&')[0] + (line.includes('visitNumber=') ? ' (summary)' : ''))).toEqual(
        expect.arrayContaining(['eventType=page', 'eventType=staticData (summary)']),
      );
    } finally {
      await context.close();
    }
  });
});
