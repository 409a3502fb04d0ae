/**
 * Messages that help, from the browser build in headless Chromium: a mistyped option warns once,
 * naming the closest known key, and a tracking request the server rejects is logged with its URL
 * and status.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startTrackingPageServer, withPage, PAGE_WAIT_MS, type PageServer } from './harness.ts';

describe('messages in headless Chromium', () => {
  let server: PageServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTrackingPageServer(() => 400), launchBrowser()]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });

  it('a mistyped option warns once with the closest key; a rejected tracking request names its URL and status', async () => {
    await withPage(browser, async ({ page }) => {
      await page.goto(`${server.url}/test/browser/pages/unknownOption.html`);
      await page.waitForFunction(() => window.__ready === true, undefined, { timeout: PAGE_WAIT_MS });
      await page.waitForFunction(() => window.__logs.some((l) => l.includes('Unknown option')), undefined, { timeout: PAGE_WAIT_MS });
      await page.waitForFunction(() => window.__logs.some((l) => l.includes('rejected with HTTP')), undefined, { timeout: PAGE_WAIT_MS });
      const logs = await page.evaluate(() => window.__logs);
      const unknown = logs.filter((l) => l.includes('Unknown option'));
      expect(unknown).toHaveLength(1);
      expect(unknown[0]).toMatch(/^2: Unknown option "configuration\.endpoint" ignored \(did you mean "configuration\.endpoints"\?\)/);
      const rejected = logs.filter((l) => l.includes('rejected with HTTP'));
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toMatch(/^1: Tracking request to (\S+) rejected with HTTP 400: \d+ line\(s\) dropped\.$/);
      const url = new URL(/to (\S+) rejected/.exec(rejected[0])![1]);
      expect(`${url.origin}${url.pathname}`).toBe(`${server.url}/track/visit/events`);
      expect(url.searchParams.get('siteCode')).toBe('chromium-options');
    });
  });
});
