/**
 * The browser configuration cache in a real headless Chromium: after a first visit, a reload
 * renders its first variation from localStorage with no configuration request before that render
 * (none at all within updateInterval; a background refresh after the render past it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheKey } from '../../src/config/delivery.ts';
import { switchConfig } from '../delivery/server.ts';
import { launchBrowser, startPageServer, withPage, PAGE_WAIT_MS, type PageServer } from './harness.ts';

const SITE = 'chromium-cache';

describe('configuration cache in headless Chromium', () => {
  let server: PageServer;
  let browser: Browser;
  let served = switchConfig('v1');
  const cdnRequests: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startPageServer({
        middleware(req, res, next) {
          if (!req.url?.startsWith(`/cdn/v3/${SITE}`)) return next();
          cdnRequests.push(req.url);
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(served));
        },
      }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });

  async function render(page: Page): Promise<{ variation: string | null; requestsBeforeRender: string | null; source: string | null }> {
    await page.waitForFunction(() => window.__done === true, undefined, { timeout: PAGE_WAIT_MS });
    const body = page.locator('body');
    expect(await body.getAttribute('data-error')).toBeNull();
    return {
      variation: await body.getAttribute('data-variation'),
      requestsBeforeRender: await body.getAttribute('data-requests-before-render'),
      source: await body.getAttribute('data-source'),
    };
  }

  it('renders the first variation of a reload from the cache, before any request', async () => {
    await withPage(browser, async ({ page, errors }) => {
      await page.goto(`${server.url}/test/browser/pages/configCache.html`);
      expect(await render(page)).toEqual({ variation: 'v1', requestsBeforeRender: '1', source: 'network' });
      expect(cdnRequests).toHaveLength(1);

      // The configuration changes on the CDN; within updateInterval the reload does not ask.
      served = switchConfig('v2');
      await page.reload();
      expect(await render(page)).toEqual({ variation: 'v1', requestsBeforeRender: '0', source: 'cache' });
      expect(await page.evaluate(() => window.__issued)).toEqual([]);

      // Cached 75 minutes ago: still rendered from the cache first, then refreshed in the background.
      await page.evaluate(([key, age]) => {
        const entry = JSON.parse(localStorage.getItem(key)!);
        entry.fetchedAt = Date.now() - age;
        localStorage.setItem(key, JSON.stringify(entry));
      }, [cacheKey(SITE), 75 * 60_000] as const);
      await page.reload();
      expect(await render(page)).toEqual({ variation: 'v1', requestsBeforeRender: '0', source: 'cache' });
      await page.waitForFunction(() => window.__currentKey?.() === 'v2', undefined, { timeout: PAGE_WAIT_MS });
      expect(cdnRequests).toHaveLength(2);
      expect(errors).toEqual([]);
    });
  });
});
