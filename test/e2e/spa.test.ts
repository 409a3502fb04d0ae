/**
 * End to end, in headless Chromium: the demo's React SPA against the dev server. The SPA shows
 * the SDK's decisions for its visitor; an edit of the config file reaches the open page through
 * the stream within 2 seconds, without a reload; each exposure and the conversion arrive at the
 * dev server exactly once; a conversion made as the page is left arrives. Screenshot kept in
 * test-artifacts/spa.png.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDevServer, type DevServer } from '../../src/devserver/server.ts';
import { startSpa, type SpaServer } from '../../demo/spaServer.ts';
import { sdkDecisions as decisions, shownFlags as shown } from '../../demo/probes.ts';
import { launchBrowser, withPage } from '../browser/harness.ts';

let dev: DevServer;
let spa: SpaServer;
let browser: Browser;
let configPath: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-e2e-'));
  configPath = join(dir, 'flags.yaml');
  copyFileSync(new URL('../../demo/flags.yaml', import.meta.url), configPath);
  [dev, spa, browser] = await Promise.all([startDevServer({ config: configPath, port: 0, watchIntervalMs: 100 }), startSpa(0), launchBrowser()]);
});

afterAll(async () => {
  await Promise.all([browser?.close(), spa?.close(), dev?.close()]);
});


const eventually = (condition: () => boolean, timeout = 10_000) => vi.waitUntil(condition, { timeout, interval: 50 });

describe('demo React SPA, end to end', () => {
  it('shows the decisions, follows a config edit live, and tracks each event once', async () => {
    await withPage(browser, async ({ page, errors }) => {
      const t0 = Date.now();
      const log: string[] = [];
      const mark = (what: string) => log.push(`${Date.now() - t0} ${what}`);
      page.on('request', (r) => { if (r.url().includes('/visit/events')) mark(`REQ ${r.resourceType()} ${JSON.stringify((r.postData() ?? '').split('\n').map((l) => l.replace(/&visitorCode=.*/, '').replace(/&nonce=/, ' #')))}`); });
      page.on('request', (r) => { if (r.url().includes('tracking/pipeline')) mark('pipeline module requested'); });
      if (process.env.THROTTLE) { const cdp = await page.context().newCDPSession(page); await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.THROTTLE) }); }
      await page.goto(`${spa.url}/?devServer=${encodeURIComponent(dev.url)}`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 20_000 });
      await page.waitForFunction(() => document.querySelectorAll('#flags [data-flag]').length > 0);
      const visitorCode = (await page.textContent('#visitor'))!;
      expect(visitorCode).toMatch(/^[a-z0-9]{16}$/);
      expect(await shown(page)).toEqual(await decisions(dev.configuration(), visitorCode));

      // Edit the config file: every flag's default becomes its rules' first variation... simplest
      // visible change: disable every rule of one flag, so it falls back to its default.
      await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
      const edited = structuredClone(dev.configuration());
      const target = edited.featureFlags.find((f) => (f.rules ?? []).length > 0 && (f.rules ?? []).some((r) => r.variationByExposition.some((v) => v.variationKey !== f.defaultVariationKey)))!;
      target.rules = [];
      mark('config edit');
      writeFileSync(configPath, JSON.stringify(edited));
      const expectedAfter = await decisions(edited, visitorCode);
      expect(expectedAfter[target.featureKey]).toBe(target.defaultVariationKey);
      await page.waitForFunction(
        ([key, value]) => document.querySelector(`#flags [data-flag="${key}"] .variation`)?.textContent === value,
        [target.featureKey, target.defaultVariationKey] as const,
        { timeout: 2_000 },
      );
      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      expect(await shown(page)).toEqual(expectedAfter);

      mark('click');
      await page.click('#buy');
      await eventually(() => dev.events().some((e) => e.visitorCode === visitorCode && e.eventType === 'conversion'));
      await page.waitForTimeout(600); // three more tracking ticks: nothing may arrive twice
      const mine = dev.events().filter((e) => e.visitorCode === visitorCode);
      const byContent = new Map<string, number>();
      for (const e of mine) byContent.set(`${e.eventType}:${JSON.stringify(e.params)}`, (byContent.get(`${e.eventType}:${JSON.stringify(e.params)}`) ?? 0) + 1);
      mark('check'); if ([...byContent.values()].some((n) => n > 1) || process.env.SHOW) console.log(log.join('\n'));
      expect([...byContent.values()].every((n) => n === 1)).toBe(true);
      expect(mine.filter((e) => e.eventType === 'conversion')).toHaveLength(1);
      const experiments = Object.values(await decisions(dev.configuration(), visitorCode)).length;
      expect(mine.filter((e) => e.eventType === 'experiment').length).toBeGreaterThan(0);
      expect(mine.filter((e) => e.eventType === 'experiment').length).toBeLessThanOrEqual(experiments + 1); // + a holdout, if any

      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/spa.png', fullPage: true });

      // A conversion made as the page is left still arrives.
      await page.click('#buy');
      await page.goto('about:blank');
      await eventually(() => dev.events().filter((e) => e.visitorCode === visitorCode && e.eventType === 'conversion').length === 2);
      expect(errors).toEqual([]);

      // The dev server's page lists the flags and the events received.
      await page.goto(dev.url);
      expect(await page.textContent('#flags')).toContain('new_checkout');
      expect(Number((await page.textContent('#count'))?.replace(/\D/g, ''))).toBe(dev.events().length);
      await page.screenshot({ path: 'test-artifacts/dev-server.png', fullPage: true });
    });
  });
});
