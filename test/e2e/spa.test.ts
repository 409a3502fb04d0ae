/**
 * End to end, in headless Chromium: the demo's React SPA against the dev server. The SPA shows
 * the SDK's decisions for its visitor; an edit of the config file reaches the open page through
 * the stream within 2 seconds, without a reload; each exposure, data line and the conversion
 * arrive at the dev server exactly once; a conversion made as the page is left arrives.
 * Screenshot kept in test-artifacts/spa.png.
 *
 * One line is not an event that arrives once: the browser SDK's `staticData` summary (browser,
 * visit number, time since the previous visit, OS, device), which it appends each time it tracks
 * the visitor, as the official SDK does (its ClientDataManager.getUnsentData), and which stands
 * for the `activity` line (every 60 s after the visitor moved the mouse or scrolled, as the official SDK 4.24). Within a visit its content does not
 * change, so two trackings of the visitor send the same summary under two nonces. The test waits
 * for the exposures before the click, so that the conversion is always another tracking: before,
 * it clicked at once, and the conversion went in the exposures' tracking only when the tracking
 * code (loaded once the configuration is in force) arrived after the click; under load it arrived
 * first, and the check by content counted the summary twice (issue 16).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDevServer, type DevServer } from '../../src/devserver/server.ts';
import type { RecordedEvent } from '../../src/devserver/events.ts';
import { startSpa, type SpaServer } from '../../demo/spaServer.ts';
import { sdkDecisions as decisions, shownFlags as shown } from '../../demo/probes.ts';
import { launchBrowser, withPage } from '../browser/harness.ts';

let dev: DevServer;
let spa: SpaServer;
let browser: Browser;
let configPath: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-e2e-'));
  configPath = join(dir, 'flags.yaml');
  copyFileSync(new URL('../../demo/flags.yaml', import.meta.url), configPath);
  [dev, spa, browser] = await Promise.all([startDevServer({ config: configPath, port: 0, watchIntervalMs: 100 }), startSpa(0), launchBrowser()]);
});

afterAll(async () => {
  await Promise.all([browser?.close(), spa?.close(), dev?.close()]);
  rmSync(dir, { recursive: true, force: true });
});


const eventually = (condition: () => boolean, timeout = 10_000) => vi.waitUntil(condition, { timeout, interval: 50 });

/** A tracking request the page made: its rank, kind (`fetch`; `ping` for a beacon), when (ms after the page was opened), and its lines. */
interface TrackingRequest {
  n: number;
  type: string;
  at: number;
  lines: string[];
}

/** The browser SDK's `staticData` summary line (the only line with a visit number), sent at each tracking of the visitor. */
const isSummary = (e: RecordedEvent) => e.eventType === 'staticData' && 'visitNumber' in e.params;

/**
 * Each content (event type and parameters, nonce aside) that arrived more than once, with the
 * nonce of each copy and the requests that carried that nonce (a nonce in two requests was sent
 * twice, and recorded once), for the failure message.
 */
function repeated(events: readonly RecordedEvent[], requests: readonly TrackingRequest[]): string[] {
  const byContent = new Map<string, RecordedEvent[]>();
  for (const e of events) {
    const key = `${e.eventType} ${JSON.stringify(e.params)}`;
    byContent.set(key, [...(byContent.get(key) ?? []), e]);
  }
  return [...byContent]
    .filter(([, copies]) => copies.length > 1)
    .map(([content, copies]) =>
      [
        `${content} arrived ${copies.length} times:`,
        ...copies.map((e) => {
          const carriers = requests.filter((r) => r.lines.some((line) => line.includes(`&nonce=${e.nonce}&`)));
          return `  nonce ${e.nonce}, in ${carriers.map((r) => `request #${r.n} (${r.type}, +${r.at} ms) of ${r.lines.length} line(s): ${JSON.stringify(r.lines)}`).join('; and in ') || 'no request the page was seen making'}`;
        }),
      ].join('\n'),
    );
}

describe('demo React SPA, end to end', () => {
  it('shows the decisions, follows a config edit live, and tracks each event once', async () => {
    await withPage(browser, async ({ page, errors }) => {
      const opened = Date.now();
      const requests: TrackingRequest[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname !== '/visit/events') return;
        requests.push({ n: requests.length + 1, type: request.resourceType(), at: Date.now() - opened, lines: (request.postData() ?? '').split('\n').filter(Boolean) });
      });
      // The dev server adds a stream to those it tells of changes before it answers it.
      let streaming = false;
      page.on('response', (response) => void (new URL(response.url()).pathname === '/sse' && (streaming = true)));
      await page.goto(`${spa.url}/?devServer=${encodeURIComponent(dev.url)}`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 20_000 });
      await page.waitForFunction(() => document.querySelectorAll('#flags [data-flag]').length > 0);
      const visitorCode = (await page.textContent('#visitor'))!;
      expect(visitorCode).toMatch(/^[a-z0-9]{16}$/);
      expect(await shown(page)).toEqual(await decisions(dev.configuration(), visitorCode));

      // Edit the config file, a change the visitor sees: one flag loses its rules and gets another
      // variation than the visitor's as its default (with the rules removed alone, a visitor who
      // already had the default variation saw no change, and the check passed without an update).
      await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
      const before = await shown(page);
      const edited = structuredClone(dev.configuration());
      const target = edited.featureFlags.find((f) => (f.rules ?? []).length > 0 && f.variations.length > 1 && before[f.featureKey] !== undefined)!;
      target.rules = [];
      target.defaultVariationKey = target.variations.find((v) => v.key !== before[target.featureKey])!.key;
      // Once the page's stream is open: a change made before it opens is told to no stream, and the
      // SDK does not fetch the configuration again as its first connection opens (only after a
      // reconnection), so the page would keep the old one (under load, the stream opened that late).
      await eventually(() => streaming);
      writeFileSync(configPath, JSON.stringify(edited));
      const expectedAfter = await decisions(edited, visitorCode);
      expect(expectedAfter[target.featureKey]).toBe(target.defaultVariationKey);
      expect(before[target.featureKey]).not.toBe(target.defaultVariationKey);
      await page.waitForFunction(
        ([key, value]) => document.querySelector(`#flags [data-flag="${key}"] .variation`)?.textContent === value,
        [target.featureKey, target.defaultVariationKey] as const,
        { timeout: 2_000 },
      );
      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      expect(await shown(page)).toEqual(expectedAfter);

      // The exposures' tracking first: the conversion's is then another one, with its own summary.
      await eventually(() => dev.events().some((e) => e.visitorCode === visitorCode && e.eventType === 'experiment'));
      await page.click('#buy');
      await eventually(() => dev.events().some((e) => e.visitorCode === visitorCode && e.eventType === 'conversion'));
      await page.waitForTimeout(600); // three more tracking ticks: nothing may arrive twice
      const mine = dev.events().filter((e) => e.visitorCode === visitorCode);
      expect(repeated(mine.filter((e) => !isSummary(e)), requests), 'each event arrives once').toEqual([]);
      // The summary: one per tracking of the visitor, the exposures' and the conversion's, and one
      // per 60 s of activity (a test slowed past 60 s, its click moving the mouse), all alike within the visit.
      const summaries = mine.filter(isSummary);
      const trackings = `summary lines:\n${repeated(summaries, requests).join('\n')}`;
      expect(summaries.length, trackings).toBeGreaterThanOrEqual(2);
      expect(summaries.length, trackings).toBeLessThanOrEqual(2 + Math.floor((Date.now() - opened) / 60_000));
      expect(new Set(summaries.map((e) => JSON.stringify(e.params))).size, trackings).toBe(1);
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
      await page.waitForFunction(() => document.body.dataset.live === 'true');
      expect(Number(await page.textContent('#eventCount'))).toBe(dev.events().length);
      // The browser's long summary lines stay within the page, their raw text open too.
      expect(await page.locator('#events tr[data-type="staticData"]').count()).toBeGreaterThan(0);
      await page.locator('#events tr[data-type="staticData"] summary').first().click();
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await page.screenshot({ path: 'test-artifacts/dev-server.png', fullPage: true });
    });
  });

  it('teaches: names and the rule behind each variation, a premium button that turns the targeted flag on, consent only when required', async () => {
    copyFileSync(new URL('../../demo/flags.yaml', import.meta.url), configPath);
    expect(dev.reload()).toBe(true); // the flags file again, after the first test's edit
    await withPage(browser, async ({ page, errors }) => {
      await page.goto(`${spa.url}/?devServer=${encodeURIComponent(dev.url)}`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 20_000 });
      await page.waitForFunction(() => (document.querySelector('[data-flag="dark_mode"] .why')?.textContent ?? '').startsWith('rule 1:'));
      const visitorCode = (await page.textContent('#visitor'))!;
      expect(await page.textContent('#try')).toContain('demo/flags.yaml');
      // Words, not ids: the rule that gave each variation.
      expect(await page.textContent('[data-flag="dark_mode"] .why')).toBe('rule 1: All visitors: all get on.');
      expect(await page.textContent('[data-flag="promo_banner"] .why')).toBe('no rule applies: the default');
      expect(await page.textContent('#flags')).not.toMatch(/\b\d{6,}\b/);
      // The flags file says consent is not required: no consent control.
      expect(await page.locator('#consent').count()).toBe(0);

      // Premium: the custom data that puts the visitor in the segment of promo_banner's rule.
      expect(await page.textContent('[data-flag="promo_banner"] .variation')).toBe('off');
      expect(await page.getAttribute('#premium', 'data-active')).toBe('false');
      await page.click('#become-premium');
      await page.waitForFunction(() => document.querySelector('[data-flag="promo_banner"] .variation')?.textContent === 'on', undefined, { timeout: 10_000 });
      expect(await page.textContent('[data-flag="promo_banner"] .name')).toBe(' Premium promotion');
      expect(await page.textContent('[data-flag="promo_banner"] .why')).toBe('rule 1: Visitors in segment "premium": all get on (Premium promotion).');
      expect(await page.textContent('#premium .banner')).toBe('Free shipping on every order, as a premium member');
      expect(await shown(page)).toEqual({ ...(await decisions(dev.configuration(), visitorCode)), promo_banner: 'on' });
      await eventually(() => dev.events().some((e) => e.visitorCode === visitorCode && e.eventType === 'customData' && e.params.valuesCountMap?.includes('premium')));
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/spa-premium.png', fullPage: true });

      // A flags file that requires consent brings the control, live.
      writeFileSync(configPath, readFileSync(new URL('../../demo/flags.yaml', import.meta.url), 'utf8').replace('consent: notRequired', 'consent: required'));
      await page.waitForSelector('#consent', { timeout: 10_000 });
      expect(await page.textContent('#consent-control')).toContain('consent: required');
      expect(errors).toEqual([]);
    });
  });
});
