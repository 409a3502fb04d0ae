/**
 * Issue 22, "Proof": a Next.js App Router app using `flags/next` with the Kameleoon adapter
 * (app/), installed from the packed tarball as a user installs it, built and run against a local
 * configuration server, and driven in headless Chromium:
 *   - the variation a dynamic page shows is the SDK's decision for the visitor of the cookie;
 *   - an override cookie (`vercel-flag-overrides`, encrypted as the toolbar writes it) changes it;
 *   - a precomputed page (/static, rewritten by middleware running the edge build to the static
 *     /static/[code]) serves the variant of its visitor, whose cookie the middleware sets on a
 *     first visit;
 *   - the Flags Explorer's discovery endpoint lists Kameleoon's flags and variations.
 * The project also type-checks against the package's declarations.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAccessProof, encryptOverrides } from 'flags';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, withPage } from '../browser/harness.ts';
import type { KameleoonTestServer } from '../delivery/server.ts';
import { appEnv, nextBuild, nextStart, type AppServer } from '../migration/servers.ts';
import { buildAndPack, formatDiagnostic, linkDependencies, typeCheck, unpack, type Packed } from '../package/harness.ts';
import type { KameleoonClient } from '../../src/node.ts';
import { newClient, startServer } from '../openfeature/fixtures.ts';
import { stepTimer } from '../support/timings.ts';

const SECRET = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'; // FLAGS_SECRET: 32 bytes, base64url
const APP = fileURLToPath(new URL('./app/', import.meta.url));

const started = performance.now();
const { timed, summary } = stepTimer();
let server: KameleoonTestServer;
let oracle: KameleoonClient;
let packed: Packed | undefined;
let project: string;
let next: AppServer | undefined;
let buildStderr: string[] = [];
let browser: Browser | undefined;
let browserLaunch: Promise<Browser> | undefined;

beforeAll(async () => {
  server = await startServer();
  oracle = newClient(server);
  await oracle.initialize();
  browserLaunch = launchBrowser();
  browserLaunch.catch(() => undefined);
  packed = await timed('npm run build + npm pack', buildAndPack());
  project = join(packed.root, 'flags-next');
  cpSync(APP, project, { recursive: true });
  await unpack(packed, join(project, 'node_modules/kameleoon-ts'));
  linkDependencies(join(project, 'node_modules'));
  const env = appEnv({ KAMELEOON_TEST_SERVER: server.url, FLAGS_SECRET: SECRET });
  buildStderr = await timed('next build', nextBuild(project, env));
  next = await timed('next start', nextStart(project, env));
  browser = await browserLaunch;
}, 280_000);

afterAll(async () => {
  await Promise.all([browserLaunch?.then((b) => b.close(), () => undefined), next?.close(), oracle?.close()]);
  await server?.stop();
  packed?.dispose();
  console.log(`[flags-sdk next] ${summary()}; whole file ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

beforeEach(({ onTestFailed }) => {
  const from = next?.output.length ?? 0;
  onTestFailed(() => console.log(`next start output during the test:\n${next?.output.slice(from).join('\n') || '(none)'}`));
});

/** The SDK's variation of ff_50_50 for the visitor (the oracle: the Node build on the same configuration). */
const decided = (visitorCode: string) => oracle.getVariation({ visitorCode, featureKey: 'ff_50_50', track: false }).key;

/** A visitor code the SDK puts in `variation`. */
function visitorIn(variation: string, prefix: string): string {
  for (let i = 0; i < 1000; i++) if (decided(`${prefix}-${i}`) === variation) return `${prefix}-${i}`;
  throw new Error(`no visitor in ${variation}`);
}

async function shown(page: Page): Promise<{ variant: string | null; color: string | null; static: string | null }> {
  const main = page.locator('main[data-variant]');
  await main.waitFor({ timeout: 30_000 });
  return { variant: await main.getAttribute('data-variant'), color: await main.getAttribute('data-color'), static: await main.getAttribute('data-static') };
}

describe('a Next.js App Router app with flags/next and the Kameleoon adapter, in Chromium', () => {
  it('type-checks against the package declarations', async () => {
    const { result, diagnostics } = await typeCheck(project);
    expect(diagnostics.map(formatDiagnostic), result.stdout).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("a dynamic page shows the SDK's decision for the cookie's visitor; an override cookie changes it", async () => {
    await withPage(browser!, async ({ page, context, errors }) => {
      const visitors = [visitorIn('on', 'next-on'), visitorIn('off', 'next-off')];
      for (const visitorCode of visitors) {
        await context.clearCookies();
        await context.addCookies([{ name: 'kameleoonVisitorCode', value: visitorCode, url: next!.url }]);
        const response = await page.goto(`${next!.url}/`);
        expect(response?.status()).toBe(200);
        expect(await shown(page), visitorCode).toMatchObject({ variant: decided(visitorCode), color: decided(visitorCode) === 'on' ? 'blue' : 'none' });
      }

      // The toolbar's override of the flag, for a visitor the SDK puts in `on`.
      const overridden = visitors[0];
      await context.clearCookies();
      await context.addCookies([
        { name: 'kameleoonVisitorCode', value: overridden, url: next!.url },
        { name: 'vercel-flag-overrides', value: await encryptOverrides({ ff_50_50: 'off' }, SECRET), url: next!.url },
      ]);
      await page.goto(`${next!.url}/`);
      expect((await shown(page)).variant).toBe('off');
      expect(errors).toEqual([]);
    });
  });

  it('a precomputed page serves the variant of its visitor, a new one (cookie set by the middleware) or a returning one', async () => {
    await withPage(browser!, async ({ page, context, errors }) => {
      // A first visit: no cookie.
      const response = await page.goto(`${next!.url}/static`);
      expect(response?.status()).toBe(200);
      const first = await shown(page);
      const visitorCode = (await context.cookies(next!.url)).find((c) => c.name === 'kameleoonVisitorCode')?.value;
      expect(visitorCode).toMatch(/^[a-z0-9]{16}$/);
      expect(first).toMatchObject({ static: 'yes', variant: decided(visitorCode!) });

      // Returning visitors of both variations.
      for (const variation of ['on', 'off']) {
        const returning = visitorIn(variation, `static-${variation}`);
        await context.clearCookies();
        await context.addCookies([{ name: 'kameleoonVisitorCode', value: returning, url: next!.url }]);
        await page.goto(`${next!.url}/static`);
        expect(await shown(page)).toMatchObject({ static: 'yes', variant: variation });
      }
      expect(errors).toEqual([]);
    });
    // The page is static: Next.js prerenders /static/[code] on demand and caches it (no dynamic API).
    const manifest = JSON.parse(readFileSync(join(project, '.next/prerender-manifest.json'), 'utf8')) as { dynamicRoutes: Record<string, unknown> };
    expect(Object.keys(manifest.dynamicRoutes)).toContain('/static/[code]');
  });

  it("the Flags Explorer's discovery endpoint lists Kameleoon's flags with their variations", async () => {
    const unauthorized = await fetch(`${next!.url}/.well-known/vercel/flags`);
    expect(unauthorized.status).toBe(401);
    const response = await fetch(`${next!.url}/.well-known/vercel/flags`, { headers: { Authorization: `Bearer ${await createAccessProof(SECRET)}` } });
    expect(response.status).toBe(200);
    const data = (await response.json()) as { definitions: Record<string, { options?: { value: unknown }[]; description?: string }> };
    expect(Object.keys(data.definitions)).toEqual(expect.arrayContaining([...oracle.getDataFile().featureFlags.keys()]));
    expect(data.definitions.ff_values.options?.map((o) => o.value)).toEqual(['off', 'on']);
    expect(data.definitions.ff_50_50.description).toBeDefined();
  });

  it('after all of the above, neither the build nor the server logs an error or a warning (an edge-runtime warning about the package, say)', () => {
    // Webpack's note about its own build cache (a module's source over 128 KiB) is no problem of the app's.
    expect(buildStderr.filter((line) => !line.startsWith('<w> [webpack.cache.PackFileCacheStrategy] Serializing big strings'))).toEqual([]);
    expect(next!.stderr).toEqual([]);
  });
});
