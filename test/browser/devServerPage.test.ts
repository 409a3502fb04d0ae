/**
 * The dev server's live view in headless Chromium, fed by real SDK clients: each flag's rules in
 * words with their segments; the bars count, per variation, the visitors whose exposures the
 * server received (checked against the SDK's own decisions and against the events recorded), and
 * the conversions per goal and variation; events are named; a broken edit of the flags file brings
 * a banner naming its line and column, which a fixed edit takes away, all pushed to the open page
 * without a reload. Screenshots in test-artifacts/devserver/.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KameleoonClient } from '../../src/node.ts';
import { startDevServer, type DevServer } from '../../src/devserver/server.ts';
import { launchBrowser, withPage, PAGE_WAIT_MS } from './harness.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/devserver/', import.meta.url));
const DEMO_FLAGS = fileURLToPath(new URL('../../demo/flags.yaml', import.meta.url));

let dir: string;
let configPath: string;
let dev: DevServer;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-devpage-'));
  configPath = join(dir, 'flags.yaml');
  copyFileSync(DEMO_FLAGS, configPath);
  [dev, browser] = await Promise.all([startDevServer({ config: configPath, port: 0, watchIntervalMs: 50 }), launchBrowser()]);
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await Promise.all([browser?.close(), dev?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** The bars of a flag's rule: variation key → visitors shown. */
function bars(page: Page, flag: string, rule: number): Promise<Record<string, number>> {
  return page.$$eval(`[data-flag="${flag}"] [data-rule="${rule}"] .bar`, (rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-variation')!, Number(r.getAttribute('data-visitors'))])));
}

describe('dev server live view in headless Chromium', () => {
  it('shows the rules with their segments, counts what arrives, and names the events', async () => {
    await withPage(browser, async ({ page, errors }) => {
      await page.goto(dev.url);
      await page.waitForFunction(() => document.body.dataset.live === 'true', undefined, { timeout: PAGE_WAIT_MS });
      await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

      const words = (flag: string) => page.$$eval(`[data-flag="${flag}"] .rule .words`, (spans) => spans.map((s) => s.textContent));
      expect(await words('promo_banner')).toEqual(['Visitors in segment "premium": all get on (Premium promotion).']);
      expect((await words('search_ranking'))[0]).toBe('Visitors in segment "big_cart_on_mobile": all get personalized.');
      expect((await words('new_checkout'))[0]).toBe('All visitors: 80 % in an experiment, split off 50 %, on (One-page checkout) 50 %. The other 20 % get off (the default).');
      expect(await page.textContent('[data-flag="promo_banner"] .fallback')).toBe('Everyone else: off (the default).');

      // 40 visitors through a real SDK: their exposures, and a purchase from every third one.
      const client = new KameleoonClient({
        siteCode: 'demo-site',
        configuration: { endpoints: { configuration: dev.url, realTime: dev.url, tracking: dev.url, dataApi: dev.url, api: dev.url }, trackingInterval: 100 },
        externals: { logger: { log() {} } },
        _internals: { minTrackingInterval: 100 },
      });
      const expected: Record<string, number> = {};
      const converted: Record<string, number> = {};
      try {
        await client.initialize();
        for (let i = 0; i < 40; i++) {
          const visitorCode = `visitor-${i}`;
          const variation = client.getVariation({ visitorCode, featureKey: 'new_checkout', track: true });
          if (variation.experimentId === null) continue; // outside the test's traffic: no exposure
          expected[variation.key] = (expected[variation.key] ?? 0) + 1;
          if (i % 3 === 0) {
            client.trackConversion({ visitorCode, goalId: 1 });
            converted[variation.key] = (converted[variation.key] ?? 0) + 1;
          }
        }
        await client.flush();
      } finally {
        await client.close();
      }
      expect(Object.keys(expected).sort()).toEqual(['off', 'on']);

      // The server's own record, counted apart from the page's code.
      const recorded: Record<string, Set<string>> = {};
      const keyOf = new Map(dev.configuration().featureFlags.find((f) => f.featureKey === 'new_checkout')!.rules[0].variationByExposition.map((v) => [String(v.variationId), v.variationKey]));
      for (const e of dev.events()) {
        const key = e.eventType === 'experiment' ? keyOf.get(e.params.variationId) : undefined;
        if (key) (recorded[key] ??= new Set()).add(e.visitorCode);
      }
      expect(Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, v.size]))).toEqual(expected);

      await page.waitForFunction(
        (want) => JSON.stringify(Object.fromEntries([...document.querySelectorAll('[data-flag="new_checkout"] [data-rule="1"] .bar')].map((r) => [r.getAttribute('data-variation'), Number(r.getAttribute('data-visitors'))]))) === want,
        JSON.stringify({ off: expected.off, on: expected.on }),
        { timeout: PAGE_WAIT_MS },
      );
      expect(await bars(page, 'new_checkout', 1)).toEqual({ off: expected.off, on: expected.on });
      expect(await page.textContent('#visitors')).toBe(String(new Set(dev.events().map((e) => e.visitorCode)).size));
      const conversions = await page.$$eval('[data-flag="new_checkout"] [data-rule="1"] .conv', (rows) => rows.map((r) => r.textContent));
      expect(conversions).toEqual(
        ['off', 'on'].map((key) => `purchase (goal 1): ${converted[key] ?? 0} converted, ${Math.round(100 * ((converted[key] ?? 0) / expected[key]) * 10) / 10} %`),
      );
      expect(await page.textContent('#goals')).toContain(`purchase (goal 1): ${Object.values(converted).reduce((a, b) => a + b, 0)} conversion(s)`);

      const summaries = await page.$$eval('#events .summary', (spans) => spans.map((s) => s.textContent));
      expect(summaries).toContain(`exposure: new_checkout → on (rule 1)`);
      expect(summaries).toContain('conversion: purchase (goal 1)'); // named in the flags file's goals:
      // The raw line is one click away.
      const raw = page.locator('#events tr[data-type="experiment"] details').first();
      expect(await raw.locator('pre').isVisible()).toBe(false);
      await raw.locator('summary').click();
      expect(await raw.locator('pre').textContent()).toMatch(/^eventType=experiment&id=\d+&variationId=\d+/);
      // Nothing runs past the right edge.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'live-view.png'), fullPage: true });

      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      expect(errors).toEqual([]);
    });
  });

  it('shows the error of a broken edit (line, column) until a good file loads, without a reload', async () => {
    await withPage(browser, async ({ page, errors }) => {
      await page.goto(dev.url);
      await page.waitForFunction(() => document.body.dataset.live === 'true', undefined, { timeout: PAGE_WAIT_MS });
      await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
      expect(await page.isHidden('#error')).toBe(true);
      const good = readFileSync(DEMO_FLAGS, 'utf8');

      // A rule delivering a variation the flag does not have.
      const broken = good.replace('      - deliver: on\n        to: premium', '      - deliver: maybe\n        to: premium');
      expect(broken).not.toBe(good);
      const line = broken.split('\n').findIndex((l) => l.includes('deliver: maybe')) + 1;
      writeFileSync(configPath, broken);
      await page.waitForSelector('#error:not([hidden])', { timeout: PAGE_WAIT_MS });
      const banner = (await page.textContent('#error'))!;
      expect(banner).toContain(`(line ${line}, column 18)`);
      expect(banner).toContain('unknown variation "maybe"');
      // The previous flags stay on screen.
      expect(await page.textContent('[data-flag="promo_banner"] .rule .words')).toBe('Visitors in segment "premium": all get on (Premium promotion).');
      await page.screenshot({ path: join(ARTIFACTS, 'error-banner.png'), fullPage: true });

      // A YAML syntax error, then a fixed file that changes a rule.
      writeFileSync(configPath, good.replace('  premium:\n', '  premium:\n   - x: [\n'));
      await page.waitForFunction(() => /column \d+/.test(document.getElementById('error')?.textContent ?? '') && document.getElementById('error')!.textContent!.includes('invalid YAML'), undefined, { timeout: PAGE_WAIT_MS });
      writeFileSync(configPath, good.replace('        traffic: 80 ', '        traffic: 60 '));
      await page.waitForSelector('#error[hidden]', { state: 'attached', timeout: PAGE_WAIT_MS });
      await page.waitForFunction(() => document.querySelector('[data-flag="new_checkout"] .rule .words')?.textContent?.startsWith('All visitors: 60 %'), undefined, { timeout: PAGE_WAIT_MS });
      expect(await page.isHidden('#error')).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'after-fix.png'), fullPage: true });

      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      expect(errors).toEqual([]);
    });
  });
});
