/**
 * Messages that help, from the browser build in headless Chromium: a mistyped option warns once,
 * naming the closest known key; a tracking request the server rejects is logged with its URL
 * and status, and one that reaches no server with its method and URL after the browser's reason.
 */
import { createServer } from 'node:net';
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

  it('a tracking request that reaches no server names its method and URL after the reason', async () => {
    // A port that was free a moment ago: nothing listens there, so the browser's fetch fails.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const dead = `http://127.0.0.1:${port}`;
    await withPage(browser, async ({ page }) => {
      await page.goto(`${server.url}/test/browser/pages/unknownOption.html?tracking=${encodeURIComponent(dead)}`);
      await page.waitForFunction(() => window.__logs.some((l) => l.includes('Tracking request failed')), undefined, { timeout: PAGE_WAIT_MS });
      const failed = (await page.evaluate(() => window.__logs)).filter((l) => l.includes('Tracking request failed'));
      expect(failed[0]).toMatch(/^1: Tracking request failed: .+ \(POST (\S+)\)$/);
      const url = new URL(/\(POST (\S+)\)$/.exec(failed[0])![1]);
      expect(`${url.origin}${url.pathname}`).toBe(`${dead}/visit/events`);
      expect(url.searchParams.get('siteCode')).toBe('chromium-options');
    });
  });
});
