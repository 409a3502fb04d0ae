/**
 * End to end, in headless Chromium: the demo's Next.js App Router app (demo/next, `next build` +
 * `next start`) against the dev server on demo/flags.yaml. Its middleware runs the SDK's edge
 * build (Next resolves `edge-light`: the response says `X-Kameleoon-Build: edge`), decides every
 * flag for the visitor and tracks the exposures there (`event.waitUntil(client.flushInstant())`);
 * the page renders those decisions. What the middleware decided equals what the server HTML shows
 * and what the Node build decides for the visitor; hydration logs nothing and changes nothing; the
 * hybrid-mode code reaches the (stubbed) front-end tag; each exposure arrives at the dev server
 * exactly once (neither the page nor the browser tracks it again); a first visit gets a
 * visitor-code cookie and the same rendering on both sides; the app logs no error. Screenshot kept
 * in test-artifacts/next.png.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startDevServer, type DevServer } from '../../src/devserver/server.ts';
import { launchBrowser, withPage } from '../browser/harness.ts';
import { removeNextBuild, startNextApp, type NextApp } from '../../demo/nextServer.ts';
import { devServerOracle } from '../support/devServerOracle.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const SITE_CODE = 'demo-site';
const COOKIE = 'kameleoonVisitorCode';

let dev: DevServer;
let app: NextApp;
let browser: Browser;
let browserLaunch: Promise<Browser> | undefined;
const DIST_DIR = `.next-test-${process.pid}-${Date.now()}`;
let configDir: string;
const appOutput: string[] = [];

beforeAll(async () => {
  // A copy of the flags: the dev server watches its file, and demo/flags.yaml may be edited meanwhile.
  configDir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-next-e2e-'));
  const config = join(configDir, 'flags.yaml');
  copyFileSync(fileURLToPath(new URL('../../demo/flags.yaml', import.meta.url)), config);
  dev = await startDevServer({ config, port: 0 });
  browserLaunch = launchBrowser(); // meanwhile
  // A build folder of this run's own: another `npm test` beside this one builds into its own too.
  app = await startNextApp({ devServerUrl: dev.url, siteCode: SITE_CODE, distDir: DIST_DIR, log: (line) => appOutput.push(line) });
  browser = await browserLaunch;
  console.log(`next build ${app.timings.buildMs} ms, next start ${app.timings.startMs} ms`);
}, 180_000);

// The app's own output (a server error behind a 500, say) is shown when a test fails.
let outputFrom = 0;
beforeEach(({ onTestFailed }) => {
  const from = (outputFrom = appOutput.length);
  onTestFailed(() => console.log(`next start output during the test:\n${appOutput.slice(from).join('\n') || '(none)'}`));
});

/** Lines the app wrote during the running test that report an error or a warning (Next marks them ⨯ or ⚠). */
function appProblems(): string[] {
  return appOutput.slice(outputFrom).filter((line) => /error|warn|⨯|⚠|\[kameleoon\]/i.test(line));
}

/**
 * What the middleware says it did: the build that ran it (`X-Kameleoon-Build`) and the variation
 * of each flag it decided and tracked (`X-Kameleoon-Variations: key=variation, ...`).
 */
function middlewareSaid(headers: Headers | Record<string, string>): { build: string | null; keys: Record<string, string> } {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] ?? null));
  const keys = Object.fromEntries(
    (get('x-kameleoon-variations') ?? '')
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => pair.trim().split('=') as [string, string]),
  );
  return { build: get('x-kameleoon-build'), keys };
}

/** The visitor code of a response's Set-Cookie, if it sets the visitor-code cookie. */
function cookieSet(setCookie: string | null | undefined): string | undefined {
  return new RegExp(`^${COOKIE}=([^;]*)`).exec(setCookie ?? '')?.[1];
}

afterAll(async () => {
  await Promise.all([browserLaunch?.then((b) => b.close(), () => undefined), app?.close(), dev?.close()]);
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  removeNextBuild(DIST_DIR);
});

/** One hybrid-mode call queued for the front-end tag. */
type EngineCall = ['Experiments.assignVariation', number, number, boolean] | ['Experiments.trigger', number, boolean];

/** What the SDK decides for the visitor on the dev server's configuration, computed here with no tracking sent anywhere. */
interface Expected {
  /** Variation key by feature key. */
  keys: Record<string, string>;
  /** The hybrid-mode calls after evaluating (and tracking) every flag. */
  engineCalls: EngineCall[];
  /** The hybrid-mode code itself. */
  engineCode: string;
  /** `experimentId:variationId` of each exposure the server must send once. */
  exposures: string[];
}

async function expected(visitorCode: string): Promise<Expected> {
  const client = await devServerOracle(dev, SITE_CODE);
  try {
    const keys: Record<string, string> = {};
    for (const { key } of client.getFeatureFlags()) {
      const { variation } = client.getVariationDetails({ visitorCode, featureKey: key, track: true });
      if (variation) keys[key] = variation.key;
    }
    const engineCalls: EngineCall[] = [];
    const window = { kameleoonQueue: { push: (...calls: EngineCall[]) => engineCalls.push(...calls) } };
    const engineCode = client.getEngineTrackingCode(visitorCode);
    new Function('window', engineCode)(window);
    const exposures = engineCalls.filter((c) => c[0] === 'Experiments.assignVariation').map((c) => `${c[1]}:${c[2]}`);
    return { keys, engineCalls, engineCode, exposures };
  } finally {
    await client.close();
  }
}

/** Variation key by feature key, as rendered in `#flags` of an HTML document. */
function flagsOf(root: ParentNode): Record<string, string> {
  return Object.fromEntries([...root.querySelectorAll('#flags [data-flag]')].map((li) => [li.getAttribute('data-flag'), li.querySelector('[data-variation]')?.textContent ?? '']));
}

/** `#flags` of the server's HTML, as a browser parses it before any script runs. */
function serverFlags(html: string): { outerHTML: string; text: string; keys: Record<string, string>; visitorCode: string | null } {
  const { document } = new JSDOM(html).window;
  const flags = document.getElementById('flags');
  return { outerHTML: flags?.outerHTML ?? '', text: flags?.textContent ?? '', keys: flagsOf(document), visitorCode: document.querySelector('[data-visitor-code]')?.textContent ?? null };
}

const eventually = (condition: () => boolean, timeout = 10_000) => vi.waitUntil(condition, { timeout, interval: 50 });

/** Experiment events the dev server received for the visitor, as `id:variationId`. */
function exposuresAt(visitorCode: string): string[] {
  return dev
    .events()
    .filter((e) => e.visitorCode === visitorCode && e.eventType === 'experiment')
    .map((e) => `${e.params.id}:${e.params.variationId}`);
}

/**
 * Each exposure arrived exactly once: once the expected ones are in, two more tracking intervals
 * (the page's and the browser's clients would flush every second) bring nothing more.
 */
async function expectTrackedOnce(visitorCode: string, exposures: string[]): Promise<void> {
  await eventually(() => exposuresAt(visitorCode).length >= exposures.length);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expect(exposuresAt(visitorCode).sort()).toEqual([...exposures].sort());
  const mine = dev.events().filter((e) => e.visitorCode === visitorCode);
  expect(new Set(mine.map((e) => e.nonce)).size).toBe(mine.length);
  expect(new Set(mine.map((e) => `${e.eventType}?${JSON.stringify(e.params)}`)).size).toBe(mine.length);
}

/**
 * Records `#flags` at DOMContentLoaded and every change made to it afterwards: a hydration that
 * matches the server HTML changes nothing (a mismatch makes React render the tree anew).
 */
const WATCH_FLAGS = `
  window.__flagMutations = [];
  document.addEventListener('DOMContentLoaded', () => {
    const flags = document.getElementById('flags');
    window.__flagsAtDomContentLoaded = flags ? flags.outerHTML : null;
    window.__flagsElement = flags;
    if (flags) new MutationObserver((records) => {
      for (const r of records) window.__flagMutations.push(r.type + ' ' + r.target.nodeName);
    }).observe(flags, { subtree: true, childList: true, characterData: true, attributes: true });
  });
`;

/** Waits until React has hydrated `#flags` (its fiber is attached to the element). */
async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const flags = document.getElementById('flags');
    return flags !== null && Object.keys(flags).some((key) => key.startsWith('__reactFiber$'));
  }, undefined, { timeout: 15_000 });
}

/** What the page shows after hydration, and whether hydration left `#flags` untouched. */
async function afterHydration(page: Page): Promise<{ outerHTML: string; text: string; keys: Record<string, string>; atDomContentLoaded: string | null; mutations: string[]; sameElement: boolean; visitorCode: string | null }> {
  return page.evaluate(() => {
    const w = window as unknown as { __flagsAtDomContentLoaded: string | null; __flagMutations: string[]; __flagsElement: Element | null };
    const flags = document.getElementById('flags')!;
    return {
      outerHTML: flags.outerHTML,
      text: flags.textContent ?? '',
      keys: Object.fromEntries([...flags.querySelectorAll('[data-flag]')].map((li) => [li.getAttribute('data-flag')!, li.querySelector('[data-variation]')?.textContent ?? ''])),
      atDomContentLoaded: w.__flagsAtDomContentLoaded,
      mutations: w.__flagMutations,
      sameElement: w.__flagsElement === flags,
      visitorCode: document.querySelector('[data-visitor-code]')?.textContent ?? null,
    };
  });
}

/** A visitor code (fixed, so runs are reproducible) that gets the one-page checkout and so has variables to show. */
async function visitorWithCheckout(prefix: string): Promise<{ visitorCode: string; expect: Expected }> {
  for (let i = 0; i < 50; i++) {
    const visitorCode = `${prefix}-${i}`;
    const exp = await expected(visitorCode);
    if (exp.keys.new_checkout === 'on' && exp.exposures.length >= 2) return { visitorCode, expect: exp };
  }
  throw new Error('no visitor among 50 gets new_checkout=on');
}

describe('Next.js App Router demo, end to end', () => {
  it('server HTML holds the variations the Node SDK computes for the cookie visitor', async () => {
    const { visitorCode, expect: exp } = await visitorWithCheckout('e2e-next-html');
    const response = await fetch(`${app.url}/`, { headers: { cookie: `${COOKIE}=${visitorCode}` } });
    expect(response.status).toBe(200);
    // A returning visitor keeps the code (the SDK refreshes the cookie's lifetime, as the official Node SDK does).
    expect(cookieSet(response.headers.get('set-cookie')) ?? visitorCode).toBe(visitorCode);
    const said = middlewareSaid(response.headers);
    expect(said.build).toBe('edge');
    const server = serverFlags(await response.text());
    expect(server.visitorCode).toBe(visitorCode);
    expect(Object.keys(exp.keys).length).toBeGreaterThan(0);
    expect(said.keys).toEqual(exp.keys);
    expect(server.keys).toEqual(exp.keys);
    await expectTrackedOnce(visitorCode, exp.exposures);
    expect(appProblems()).toEqual([]);
  });

  it('hydrates without a warning or a change, queues the hybrid-mode calls, and tracks each exposure once', async () => {
    const { visitorCode, expect: exp } = await visitorWithCheckout('e2e-next-page');
    await withPage(browser, async ({ page, context, errors }) => {
      await context.addCookies([{ name: COOKIE, value: visitorCode, url: app.url }]);
      await page.addInitScript(WATCH_FLAGS);
      const response = await page.goto(`${app.url}/`);
      expect(response?.status()).toBe(200);
      const server = serverFlags((await response?.text()) ?? '');
      expect(server.keys).toEqual(exp.keys);
      expect(middlewareSaid(await response!.allHeaders())).toEqual({ build: 'edge', keys: exp.keys });

      await hydrated(page);
      await page.waitForTimeout(1_500); // effects run, the browser client starts and would track now
      expect(errors).toEqual([]); // React reports a hydration mismatch as a console error
      const shown = await afterHydration(page);
      expect(shown.keys).toEqual(exp.keys);
      expect(shown.visitorCode).toBe(visitorCode);
      expect(shown.atDomContentLoaded).toBe(shown.outerHTML);
      expect(shown.outerHTML).toBe(server.outerHTML);
      expect(shown.mutations).toEqual([]);
      expect(shown.sameElement).toBe(true);

      // Hybrid mode: the front-end tag got each experiment's assignment and trigger.
      const engineCalls = await page.evaluate(() => (window as unknown as { __engineCalls: unknown[] }).__engineCalls);
      expect(exp.engineCalls.length).toBeGreaterThanOrEqual(4);
      expect(engineCalls).toEqual(exp.engineCalls);
      // ... and the page shows that code.
      expect(await page.textContent('#engine-code')).toBe(exp.engineCode);
      expect(await page.textContent('#try')).toContain('demo/flags.yaml');

      // Tracked by the middleware, not again by the page or the browser.
      await expectTrackedOnce(visitorCode, exp.exposures);
      expect(errors).toEqual([]);
      expect(appProblems()).toEqual([]);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'next.png'), fullPage: true });
    });
  });

  it('concurrent first visits each get a code of their own, the Node build’s decisions, and each exposure tracked once', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${app.url}/`)));
    const visits = await Promise.all(
      responses.map(async (response) => {
        expect(response.status).toBe(200);
        const visitorCode = cookieSet(response.headers.get('set-cookie')) ?? '';
        return { visitorCode, said: middlewareSaid(response.headers), server: serverFlags(await response.text()) };
      }),
    );
    expect(new Set(visits.map((v) => v.visitorCode)).size).toBe(visits.length);
    const exps = await Promise.all(visits.map(({ visitorCode }) => expected(visitorCode)));
    visits.forEach(({ visitorCode, said, server }, i) => {
      expect(visitorCode).toMatch(/^[a-z0-9]{16}$/);
      expect(said).toEqual({ build: 'edge', keys: exps[i].keys });
      expect(server).toMatchObject({ visitorCode, keys: exps[i].keys });
    });
    await Promise.all(visits.map(({ visitorCode }, i) => expectTrackedOnce(visitorCode, exps[i].exposures)));
    expect(appProblems()).toEqual([]);
  });

  it('a first visit gets a visitor-code cookie and the same rendering on the server and in the browser', async () => {
    await withPage(browser, async ({ page, context, errors }) => {
      await page.addInitScript(WATCH_FLAGS);
      const response = await page.goto(`${app.url}/`);
      expect(response?.status()).toBe(200);
      const visitorCode = (await context.cookies(app.url)).find((c) => c.name === COOKIE)?.value ?? '';
      expect(visitorCode).toMatch(/^[a-z0-9]{16}$/);
      const headers = await response!.allHeaders();
      expect(cookieSet(headers['set-cookie'])).toBe(visitorCode);
      const server = serverFlags((await response?.text()) ?? '');
      expect(server.visitorCode).toBe(visitorCode); // the page rendered for the code the middleware set

      // The middleware decided for that code, with the edge build, what the Node build decides; the page shows it.
      const exp = await expected(visitorCode);
      const said = middlewareSaid(headers);
      expect(said.build).toBe('edge');
      expect(Object.keys(said.keys).length).toBeGreaterThan(0);
      expect(said.keys).toEqual(exp.keys);
      expect(server.keys).toEqual(exp.keys);
      await hydrated(page);
      await page.waitForTimeout(1_500);
      expect(errors).toEqual([]);
      const shown = await afterHydration(page);
      expect(shown.visitorCode).toBe(visitorCode);
      expect(shown.outerHTML).toBe(server.outerHTML);
      expect(shown.mutations).toEqual([]);
      await expectTrackedOnce(visitorCode, exp.exposures);
      expect(errors).toEqual([]);

      // The next request carries the cookie: same visitor, same code.
      const again = await page.goto(`${app.url}/`);
      expect(cookieSet(again?.headers()['set-cookie']) ?? visitorCode).toBe(visitorCode);
      expect(serverFlags((await again?.text()) ?? '').visitorCode).toBe(visitorCode);
      expect(middlewareSaid(await again!.allHeaders()).keys).toEqual(exp.keys);
      expect(appProblems()).toEqual([]);
    });
  });
});
