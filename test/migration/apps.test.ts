/**
 * Switching from the official SDKs is a change of import: five applications written as
 * Kameleoon's documentation and examples write them (apps/, each file beside its official form
 * `<file>.official` where it differs; officialForm.test.ts checks that only import and endpoint
 * lines differ), installed from the packed tarball as a user installs it, run against the dev
 * server, and driven in headless Chromium:
 *   1. route handler, App Router, `getVisitorCode({ cookies })`    apps/next/src/app/route-handler
 *   2. server actions, App Router, `getVisitorCode({ cookies })`   apps/next/src/app/server-action
 *   3. Pages Router, `getServerSideProps`, `{ request, response }` apps/next/src/pages/pages-router.tsx
 *   4. React hooks under `KameleoonProviderSSR`, in an effect      apps/next/src/app/react-hooks
 *   5. plain Node.js `http` server, `{ request, response }`        apps/node-http/server.mjs
 * The four Next.js apps share one project (one `next build`). For each app: the page shows the
 * variation our client computes for the visitor code of the browser's cookie on the same
 * configuration; a reload keeps the visitor and the variation; the dev server receives the
 * exposure exactly once; nothing is logged as an error (console errors, page errors, the app
 * server's stderr). The Next.js project also type-checks against the package's declarations.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KameleoonClient } from '../../src/node.ts';
import { startDevServer, type DevServer } from '../../src/devserver/server.ts';
import { launchBrowser, withPage } from '../browser/harness.ts';
import { buildAndPack, formatDiagnostic, typeCheck, type Packed } from '../package/harness.ts';
import { appEnv, createAppProject, nextBuild, nextStart, startNode, type AppServer } from './servers.ts';
import { NEW_DESIGN_KEY, NEW_DESIGN_YAML } from '../support/newDesignFlags.ts';
import { devServerOracle } from '../support/devServerOracle.ts';
import { stepTimer } from '../support/timings.ts';

const SITE_CODE = 'my_site_code'; // the apps' site code
const FEATURE_KEY = NEW_DESIGN_KEY;
const COOKIE = 'kameleoonVisitorCode';


const started = performance.now();
const { timed, summary } = stepTimer();
let configDir: string | undefined;
let dev: DevServer;
let packed: Packed | undefined;
let nextProject: string;
let next: AppServer | undefined;
let node: AppServer | undefined;
let buildStderr: string[] = [];
let browser: Browser | undefined;
let browserLaunch: Promise<Browser> | undefined;
let oracle: KameleoonClient | undefined;

beforeAll(async () => {
  // A copy of the flags in a folder of this run's own: the dev server watches its file.
  configDir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-migration-'));
  writeFileSync(join(configDir, 'flags.yaml'), NEW_DESIGN_YAML);
  dev = await startDevServer({ config: join(configDir, 'flags.yaml'), port: 0 });
  browserLaunch = launchBrowser(); // meanwhile
  browserLaunch.catch(() => undefined);
  packed = await timed('npm run build + npm pack', buildAndPack());
  const p = packed;
  // The apps read the dev server's URL from the environment; the React app's provider is
  // rendered at build time, so `next build` gets it too.
  const env = appEnv({ KAMELEOON_DEV_SERVER: dev.url });
  const [nextDir, nodeDir] = await Promise.all([createAppProject(p, 'next'), createAppProject(p, 'node-http')]);
  nextProject = nextDir;
  const [nodeStart, build] = await Promise.allSettled([
    timed('node server.mjs', startNode(['server.mjs'], { cwd: nodeDir, env: { ...env, PORT: '0' }, ready: /Listening on (http:\/\/127\.0\.0\.1:\d+)/, url: (m) => m[1] })),
    timed('next build', nextBuild(nextDir, env)),
  ]);
  if (nodeStart.status === 'fulfilled') node = nodeStart.value; // closed in afterAll whatever happens next
  if (build.status === 'rejected') throw build.reason;
  if (nodeStart.status === 'rejected') throw nodeStart.reason;
  buildStderr = build.value;
  next = await timed('next start', nextStart(nextDir, env));
  browser = await browserLaunch;
  oracle = await devServerOracle(dev, SITE_CODE);
}, 280_000);

afterAll(async () => {
  await Promise.all([browserLaunch?.then((b) => b.close(), () => undefined), next?.close(), node?.close(), oracle?.close(), dev?.close()]);
  packed?.dispose();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  console.log(`[migration] ${summary()}; whole file ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

// An app server's output is shown when a test fails (a 500's stack, say).
beforeEach(({ onTestFailed }) => {
  const from = { next: next?.output.length ?? 0, node: node?.output.length ?? 0 };
  onTestFailed(() => {
    console.log(`next start output during the test:\n${next?.output.slice(from.next).join('\n') || '(none)'}`);
    console.log(`node server.mjs output during the test:\n${node?.output.slice(from.node).join('\n') || '(none)'}`);
  });
});

/** What the SDK decides for the visitor, computed here on the dev server's configuration. */
function expected(visitorCode: string): { design: 'new' | 'old'; exposure: string } {
  const variation = oracle!.getVariation({ visitorCode, featureKey: FEATURE_KEY, track: false });
  return { design: variation.key === 'on' ? 'new' : 'old', exposure: `${variation.experimentId}:${variation.id}` };
}

/** The design a page shows, once it shows one (`<main data-design>` of the apps' components). */
async function shownDesign(page: Page): Promise<string | null> {
  const main = page.locator('main[data-design]');
  await main.waitFor({ timeout: 30_000 });
  return main.getAttribute('data-design');
}

/** Experiment events the dev server received for the visitor, as `experimentId:variationId`. */
function exposuresAt(visitorCode: string): string[] {
  return dev
    .events()
    .filter((e) => e.visitorCode === visitorCode && e.eventType === 'experiment')
    .map((e) => `${e.params.id}:${e.params.variationId}`);
}

const eventually = (condition: () => boolean, timeout = 15_000) => vi.waitUntil(condition, { timeout, interval: 50 });

interface App {
  name: string;
  server: () => AppServer;
  path: string;
  /** The second visit: a reload, or the entry again where the entry redirects. */
  again: 'reload' | 'goto';
  /** Checks after the page shows its design (the first visit). */
  check?: (page: Page, design: string) => void;
  /** More of the app, once the visit is checked. */
  more?: (page: Page, visitorCode: string) => Promise<void>;
}

const APPS: App[] = [
  {
    name: '1. App Router route handler: getVisitorCode({ cookies }), isFeatureFlagActive, redirect',
    server: () => next!,
    path: '/route-handler',
    again: 'goto',
    check: (page, design) => expect(new URL(page.url()).pathname).toBe(`/route-handler/${design}design`),
  },
  {
    name: '2. App Router server actions: getVisitorCode({ cookies }) in an action called by the page, and a form whose action tracks a conversion',
    server: () => next!,
    path: '/server-action',
    again: 'reload',
    more: async (page, visitorCode) => {
      await page.getByRole('button', { name: 'Buy' }).click();
      const conversions = () => dev.events().filter((e) => e.visitorCode === visitorCode && e.eventType === 'conversion');
      await eventually(() => conversions().length > 0);
      expect(conversions().map((e) => ({ goalId: e.params.goalId, revenue: Number(e.params.revenue) }))).toEqual([{ goalId: '1234', revenue: 42 }]);
    },
  },
  {
    name: '3. Pages Router getServerSideProps: getVisitorCode({ request: req, response: res })',
    server: () => next!,
    path: '/pages-router',
    again: 'reload',
  },
  {
    name: '4. React hooks under KameleoonProviderSSR: useInitialize, useVisitorCode, useFeatureFlag methods in an effect',
    server: () => next!,
    path: '/react-hooks',
    again: 'reload',
  },
  {
    name: '5. Node.js http server: new KameleoonClient({ siteCode, credentials, configuration }), getVisitorCode({ request, response })',
    server: () => node!,
    path: '/',
    again: 'reload',
  },
];

describe('official-style apps, installed from the tarball, in Chromium', () => {
  it.each(APPS)('$name', async (app) => {
    const server = app.server();
    const entry = `${server.url}${app.path}`;
    const stderrFrom = server.stderr.length;
    await withPage(browser!, async ({ page, context, errors }) => {
      const failed: string[] = [];
      page.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
      });
      const cookie = async () => (await context.cookies(server.url)).find((c) => c.name === COOKIE)?.value;

      // First visit: a new visitor gets a cookie and the design the SDK decides for its code.
      const response = await page.goto(entry);
      expect(response?.status()).toBe(200);
      const design = await shownDesign(page);
      const visitorCode = await cookie();
      expect(visitorCode).toMatch(/^[a-z0-9]{16}$/);
      const exp = expected(visitorCode!);
      expect(design).toBe(exp.design);
      app.check?.(page, design!);
      await eventually(() => exposuresAt(visitorCode!).length > 0);

      // Second visit: the same visitor, the same design.
      const again = app.again === 'reload' ? await page.reload() : await page.goto(entry);
      expect(again?.status()).toBe(200);
      expect(await shownDesign(page)).toBe(exp.design);
      app.check?.(page, design!);
      expect(await cookie()).toBe(visitorCode);

      await app.more?.(page, visitorCode!);

      // The exposure arrived once: two more tracking intervals (1 s) bring nothing more.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(exposuresAt(visitorCode!)).toEqual([exp.exposure]);
      expect(failed).toEqual([]);
      expect(errors).toEqual([]);
    });
    expect(server.stderr.slice(stderrFrom)).toEqual([]);
  });

  // The per-app checks above see what each visit made the servers write; this one also sees
  // what they wrote as they started (a warning of the client's construction, say).
  it('next build, next start and node server.mjs wrote nothing on stderr, from start to end', () => {
    expect({ 'next build': buildStderr, 'next start': next?.stderr, 'node server.mjs': node?.stderr }).toEqual({ 'next build': [], 'next start': [], 'node server.mjs': [] });
  });

  it('the Next.js project type-checks against the package declarations (tsc, strict)', async () => {
    const { result, diagnostics } = await timed('tsc (Next.js project)', typeCheck(nextProject));
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});
