/**
 * `npm run demo -- --check`: opens each demo app in headless Chromium (the API and the Worker over
 * plain HTTP), checks what it shows against the SDK's own decisions for the same visitor and
 * configuration, and prints a summary.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { DevServer } from '../src/devserver/server.ts';
import { sdkDecisions, shownFlags } from './probes.ts';
import { CHROMIUM_ARGS, chromiumPath, missingChromium } from './chromium.ts';

interface Check {
  app: string;
  what: string;
  ok: boolean;
  detail: string;
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

async function checkSpa(browser: Browser, dev: DevServer, spaUrl: string, checks: Check[]): Promise<void> {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(spaUrl);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 15_000 });
  const visitorCode = (await page.textContent('#visitor')) ?? '';
  await page.waitForFunction(() => document.querySelectorAll('#flags [data-flag]').length > 0);
  const shown = await shownFlags(page);
  const expected = await sdkDecisions(dev.configuration(), visitorCode);
  checks.push({ app: 'React SPA', what: 'flags shown = SDK decisions', ok: JSON.stringify(shown) === JSON.stringify(expected), detail: JSON.stringify(shown) });
  await page.click('#buy');
  const converted = await until(() => dev.events().some((e) => e.visitorCode === visitorCode && e.eventType === 'conversion'), 5_000);
  checks.push({ app: 'React SPA', what: 'conversion reached the dev server', ok: converted, detail: visitorCode });
  await page.click('#become-premium');
  const premium = await page
    .waitForFunction(() => document.querySelector('#flags [data-flag="promo_banner"] .variation')?.textContent === 'on', undefined, { timeout: 5_000 })
    .then(() => true, () => false);
  checks.push({ app: 'React SPA', what: '"Become premium" turns promo_banner on', ok: premium, detail: (await page.textContent('#flags [data-flag="promo_banner"] .variation')) ?? '' });
  checks.push({ app: 'React SPA', what: 'no page error', ok: errors.length === 0, detail: errors.join('; ') || 'none' });
  await page.context().close();
}

async function checkApi(dev: DevServer, apiUrl: string, checks: Check[]): Promise<void> {
  const response = await fetch(`${apiUrl}/api/flags`);
  const body = (await response.json()) as { visitorCode: string; flags: Record<string, string> };
  const expected = await sdkDecisions(dev.configuration(), body.visitorCode);
  checks.push({ app: 'Node API', what: 'GET /api/flags = SDK decisions', ok: JSON.stringify(body.flags) === JSON.stringify(expected), detail: JSON.stringify(body.flags) });
  checks.push({ app: 'Node API', what: 'sets the visitor-code cookie', ok: (response.headers.get('set-cookie') ?? '').startsWith('kameleoonVisitorCode='), detail: body.visitorCode });
}

async function checkWorker(dev: DevServer, workerUrl: string, workerLog: readonly string[], checks: Check[]): Promise<void> {
  const app = 'Worker';
  const response = await fetch(`${workerUrl}/api/flags`);
  const body = (await response.json()) as { visitorCode: string; build: string; flags: Record<string, string> };
  const cookie = /^kameleoonVisitorCode=([^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? '';
  checks.push({ app, what: 'sets the visitor-code cookie', ok: cookie !== '' && cookie === body.visitorCode, detail: `${cookie} / ${body.visitorCode}` });
  checks.push({ app, what: 'runs the SDK’s edge build', ok: body.build === 'edge' && response.headers.get('x-kameleoon-build') === 'edge', detail: body.build });
  const expected = await sdkDecisions(dev.configuration(), body.visitorCode);
  checks.push({ app, what: 'GET /api/flags = SDK decisions', ok: Object.keys(expected).length > 0 && JSON.stringify(body.flags) === JSON.stringify(expected), detail: JSON.stringify(body.flags) });
  const again = await fetch(`${workerUrl}/`, { headers: { cookie: `kameleoonVisitorCode=${cookie}` } });
  const html = await again.text();
  const shown = [...html.matchAll(/data-flag="([^"]+)"><code>[^<]*<\/code> <strong class="variation">([^<]*)</g)].map((m) => [m[1], m[2]]);
  checks.push({ app, what: 'the page, with the cookie, shows the same', ok: again.ok && JSON.stringify(Object.fromEntries(shown)) === JSON.stringify(expected), detail: JSON.stringify(shown) });
  const exposures = () => dev.events().filter((e) => e.visitorCode === body.visitorCode && e.eventType === 'experiment').length;
  const reached = await until(() => exposures() > 0, 5_000);
  checks.push({ app, what: 'exposures reached the dev server (waitUntil)', ok: reached, detail: `${exposures()} for ${body.visitorCode}` });
  checks.push({ app, what: 'workerd logged no error', ok: workerLog.length === 0, detail: workerLog.join('; ') });
}

async function checkNext(browser: Browser, dev: DevServer, nextUrl: string, checks: Check[]): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  const response = await page.goto(nextUrl);
  const html = (await response?.text()) ?? '';
  const cookie = (await context.cookies()).find((c) => c.name === 'kameleoonVisitorCode')?.value ?? '';
  const expected = await sdkDecisions(dev.configuration(), cookie);
  const inHtml = Object.values(expected).every((key) => html.includes(key));
  checks.push({ app: 'Next.js', what: 'server HTML has the visitor’s variations', ok: cookie.length > 0 && inHtml, detail: `${cookie} ${JSON.stringify(expected)}` });
  const headers = (await response?.allHeaders()) ?? {};
  checks.push({ app: 'Next.js', what: 'middleware decided them with the edge build', ok: headers['x-kameleoon-build'] === 'edge' && headers['x-kameleoon-variations'] === Object.entries(expected).map(([k, v]) => `${k}=${v}`).join(', '), detail: `${headers['x-kameleoon-build']}: ${headers['x-kameleoon-variations']}` });
  // The page keeps its live-update stream open (it never goes network-idle): wait for hydration.
  await page.waitForFunction(() => {
    const flags = document.getElementById('flags');
    return !!flags && Object.keys(flags).some((key) => key.startsWith('__reactFiber$'));
  }, undefined, { timeout: 15_000 });
  await page.waitForTimeout(300);
  checks.push({ app: 'Next.js', what: 'hydrated without error or warning', ok: errors.length === 0, detail: errors.join('; ') || 'none' });
  await context.close();
}

/** Runs every check; prints a summary; true when all passed. */
export async function checkDemo(apps: { dev: DevServer; spaUrl: string; apiUrl: string; nextUrl: string | undefined; workerUrl: string; workerLog: readonly string[] }): Promise<boolean> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    console.error(missingChromium(executablePath, '--check needs'));
    return false;
  }
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const checks: Check[] = [];
  try {
    await checkSpa(browser, apps.dev, apps.spaUrl, checks);
    await checkApi(apps.dev, apps.apiUrl, checks);
    if (apps.nextUrl) await checkNext(browser, apps.dev, apps.nextUrl, checks);
    await checkWorker(apps.dev, apps.workerUrl, apps.workerLog, checks);
  } catch (err) {
    checks.push({ app: 'demo', what: 'checks ran to the end', ok: false, detail: err instanceof Error ? err.message : String(err) });
  } finally {
    await browser.close();
  }
  for (const c of checks) console.log(`${c.ok ? 'PASS' : 'FAIL'}  ${c.app.padEnd(10)} ${c.what}${c.ok ? '' : `: ${c.detail}`}`);
  const passed = checks.filter((c) => c.ok).length;
  console.log(`${passed}/${checks.length} checks passed; ${apps.dev.events().length} tracking events received by the dev server`);
  return passed === checks.length;
}
