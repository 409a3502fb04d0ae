/**
 * Browser smoke test: the SDK's browser entry, served from its TypeScript sources, initializes
 * offline in headless Chromium, sets the visitor-code cookie through js-cookie, and decides as the
 * Node entry does for the same visitor, with no error and no request beyond the test server.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomData } from '../../src/node.ts';
import { clientFor } from '../client/helpers.ts';
import { launchBrowser, startPageServer, withPage, PAGE_WAIT_MS, type PageServer } from './harness.ts';
import { offlineRequester } from './pages/offlineRequester.ts';
import { SMOKE_FLAGS, SMOKE_PLAN } from './pages/smokeFlags.ts';

/** The basic synthetic configuration, served to the page as /fixtures/config.json. */
const CONFIG_TEXT = readFileSync(new URL('../conformance/fixtures/synthetic-configs/basic.json', import.meta.url), 'utf8');

describe('browser smoke: the SDK sources in headless Chromium', () => {
  let server: PageServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startPageServer({
        middleware(req, res, next) {
          if (req.url !== '/fixtures/config.json') return next();
          res.setHeader('Content-Type', 'application/json');
          res.end(CONFIG_TEXT);
        },
      }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });

  it('initializes offline, sets the visitor-code cookie and decides as the Node SDK does', async () => {
    await withPage(browser, async ({ page, context, errors, requests }) => {
      await page.goto(`${server.url}/test/browser/pages/smoke.html`);
      await page.waitForFunction(() => window.__done === true, undefined, { timeout: PAGE_WAIT_MS });
      const body = page.locator('body');
      expect(await body.getAttribute('data-error')).toBeNull();

      const visitorCode = await body.getAttribute('data-visitor-code');
      expect(visitorCode).toMatch(/^[a-z0-9]{16}$/);
      const cookies = await context.cookies();
      expect(cookies.filter((c) => c.name === 'kameleoonVisitorCode').map((c) => c.value)).toEqual([visitorCode]);

      // The same decisions from the Node entry, for the visitor code the page drew.
      const node = await clientFor(JSON.parse(CONFIG_TEXT), { siteCode: 'smoke', externals: { requester: offlineRequester(CONFIG_TEXT) } });
      let expected: Record<string, string>;
      try {
        node.addData(visitorCode!, new CustomData(0, SMOKE_PLAN));
        expected = Object.fromEntries(SMOKE_FLAGS.map((featureKey) => [featureKey, node.getVariation({ visitorCode: visitorCode!, featureKey, track: false }).key]));
      } finally {
        await node.close();
      }
      expect(JSON.parse((await body.getAttribute('data-variations'))!)).toEqual(expected);
      expect(expected.ff_segmented).toBe('premium_on');

      expect(errors).toEqual([]);
      expect(requests.filter((url) => !url.startsWith(`${server.url}/`))).toEqual([]);
      expect(requests).toContain(`${server.url}/fixtures/config.json`);
    });
  });
});
