/**
 * Browser rows of `npm run bench` (issue 7), in a real headless Chromium, our SDK against the
 * official `@kameleoon/javascript-sdk`, both talking HTTP to our dev server on 127.0.0.1:
 *
 * - first variation, warm cache: from the page's first script to the first `getVariation` result
 *   when the previous page load left the configuration in localStorage (each SDK's own cache);
 * - first variation, cold cache: the same on a first visit (empty storage, empty HTTP cache), the
 *   configuration fetched from the dev server;
 * - real-time update: from asking the dev server to change its configuration to `getVariation`
 *   returning the new variation, through each SDK's real-time stream (`/sse`).
 *
 * Each SDK's page (`pages/oursPage.ts`, `pages/officialPage.ts`) is bundled by Vite like an
 * application would (minified, dependencies in, code loaded with import() in its own chunk) and
 * served from a node:http server. An inline script before the bundle's script tag stamps the
 * script start and wraps fetch, EventSource, XMLHttpRequest and sendBeacon to record every request
 * the page starts. Every figure is the median of several page loads, alternating which SDK goes
 * first; one round of each kind runs first and is not counted (Chromium and the servers warm up).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild, type Rollup } from 'vite';
import { messageCodesPlugin, twoStageEntry } from '../../vite.config.ts';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../browser/harness.ts';
import { startDevServer, type DevServer } from '../../src/devserver/server.ts';
import { listenLocally } from '../support/localServer.ts';
import { FEATURE_KEY, oursIsOfficial, visitorCode, type SdkName } from './harness.ts';
import { beforeRevision, checkoutBefore } from './before.ts';

/** The pages: ours, the official SDK's, and ours at the `--before` revision when one is given. */
type PageSdk = SdkName | 'before';
import type { BenchPageResult, BenchPageSettings } from './pages/benchPage.ts';

/** Counted first visits per SDK (a fresh browser context each): one cold figure each. */
export const BROWSER_LOADS = 21;
/** Returning visits after each first visit: one warm figure each. */
export const WARM_VISITS = 3;
/** Counted configuration changes per SDK. */
export const STREAM_UPDATES = 9;
/** The variation key the changed configuration gives every visitor (no variation has it before). */
export const UPDATED_KEY = 'rt_update';

const FIXTURE = fileURLToPath(new URL('./fixtures/sample-config.json', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SITE_CODE = 'bench';
const PAGE_TIMEOUT_MS = 15_000;

/** One SDK's browser figures (medians), and what its pages did. */
export interface BrowserSdkFigures {
  warmMs: number;
  coldMs: number;
  updateMs: number;
  /** Most requests any warm-cache page started before its first variation. */
  warmRequests: number;
  /** Median requests a cold page started before its first variation. */
  coldRequests: number;
  firstKey: string;
  updatedKey: string;
  /** Median time from script start to the SDK's code being fetched, compiled and evaluated. */
  warmEvaluatedMs: number;
  coldEvaluatedMs: number;
  /** Every counted figure (ms), in the order measured. */
  samples: { warm: number[]; cold: number[]; update: number[] };
}

/** What {@link measureBrowser} returns. */
export interface BrowserReport {
  chromium: string;
  /** Cold figures per SDK. */
  loads: number;
  /** Warm figures per SDK. */
  warmLoads: number;
  /** Real-time update figures per SDK. */
  updates: number;
  ours: BrowserSdkFigures;
  official: BrowserSdkFigures;
  /** Ours at the `--before` revision (`label`: its short hash), when one was given. */
  before?: BrowserSdkFigures & { label: string };
}

/** The `q` quantile (0..1) of `values`, interpolated between the nearest ranks. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  return sorted[below] + (sorted[Math.min(below + 1, sorted.length - 1)] - sorted[below]) * (at - below);
}

const median = (values: number[]): number => quantile(values, 0.5);

/** One SDK's page bundle: files by name, and the chunks the entry imports statically. */
export interface PageBundle {
  files: Map<string, string>;
  preload: string[];
}

/**
 * Bundles one SDK's page as a Vite application build does (Rollup, minified, es2022, dependencies
 * in, code loaded with import() in chunks of its own); the page preloads the chunks the entry
 * imports statically, as Vite's HTML does.
 */
export async function bundlePage(sdk: PageSdk, root = ROOT): Promise<PageBundle> {
  const page = sdk === 'official' || oursIsOfficial() ? 'officialPage.ts' : 'oursPage.ts';
  const result = (await viteBuild({
    configFile: false,
    root,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Ours as the standard browser build ships it: message texts behind NODE_ENV (see vite.config.ts).
    plugins: sdk === 'official' ? [] : [messageCodesPlugin(), twoStageEntry(root)],
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      modulePreload: false,
      copyPublicDir: false,
      rollupOptions: { input: join(root, 'test/bench/pages', page), output: { entryFileNames: 'page.js', chunkFileNames: '[name]-[hash].js' } },
    },
  })) as Rollup.RollupOutput;
  const chunks = result.output.filter((item): item is Rollup.OutputChunk => item.type === 'chunk');
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const preload = new Set<string>();
  const visit = (file: string) => {
    for (const imported of byName.get(file)?.imports ?? []) {
      if (preload.has(imported)) continue;
      preload.add(imported);
      visit(imported);
    }
  };
  visit('page.js');
  return { files: new Map(chunks.map((chunk) => [chunk.fileName, chunk.code])), preload: [...preload] };
}

/**
 * The page: settings and request recording inline, then the bundle. The inline script runs while
 * the HTML is parsed, before the bundle is fetched: its stamp is the script start.
 */
function pageHtml(sdk: PageSdk, settings: BenchPageSettings, preload: string[]): string {
  const links = preload.map((file) => `<link rel="modulepreload" href="/${sdk}/${file}">\n`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kameleoon-ts bench: ${sdk}</title><link rel="icon" href="data:,">
<script>
window.__kbenchT0 = performance.now();
window.__kbench = ${JSON.stringify(settings)};
(() => {
  const seen = (window.__kbenchRequests = []);
  const urlOf = (input) => (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const originalFetch = (window.__kbenchFetch = window.fetch.bind(window));
  window.fetch = (input, init) => (seen.push(urlOf(input)), originalFetch(input, init));
  const NativeEventSource = window.EventSource;
  window.EventSource = class extends NativeEventSource {
    constructor(url, options) { seen.push(String(url)); super(url, options); }
  };
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) { seen.push(String(url)); return open.call(this, method, url, ...rest); };
  const beacon = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, data) => (seen.push(String(url)), beacon(url, data));
})();
</script>
${links}<script type="module" src="/${sdk}/page.js"></script>
</head><body></body></html>`;
}

interface PageServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `/<sdk>.html?dev=<origin>&mode=<mode>`, the bundles under `/<sdk>/` (cached by the
 * browser like hashed assets, so a returning visit loads them from its HTTP cache), and
 * `POST /change`, which calls `onChange`.
 */
async function startPageServer(bundles: Partial<Record<PageSdk, PageBundle>>, onChange: () => Promise<void>): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, dir, file] = url.pathname.split('/');
    if (req.method === 'POST' && url.pathname === '/change') {
      onChange().then(
        () => res.writeHead(204).end(),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
      return;
    }
    const page = /^(ours|official|before)\.html$/.exec(dir ?? '');
    if (page && file === undefined && bundles[page[1] as PageSdk]) {
      const sdk = page[1] as PageSdk;
      const mode = url.searchParams.get('mode') === 'stream' ? 'stream' : 'load';
      const settings: BenchPageSettings = { devServer: url.searchParams.get('dev') ?? '', siteCode: SITE_CODE, visitorCode: visitorCode('b', 0), featureKey: FEATURE_KEY, mode };
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(pageHtml(sdk, settings, bundles[sdk]!.preload));
      return;
    }
    const code = file ? bundles[dir as PageSdk]?.files.get(file) : undefined;
    if (code === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'max-age=3600' }).end(code);
  });
  const local = await listenLocally(server);
  return { url: `http://127.0.0.1:${local.port}`, close: () => local.close() };
}

/** Navigates and waits for the page's result; throws the page's error (or its uncaught ones). */
async function visit(page: Page, url: string): Promise<BenchPageResult> {
  const errors: string[] = [];
  const onError = (error: Error) => errors.push(error.stack ?? String(error));
  page.on('pageerror', onError);
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__kbenchResult !== undefined, undefined, { timeout: PAGE_TIMEOUT_MS });
    const result = await page.evaluate(() => window.__kbenchResult!);
    if (result.error) throw new Error(result.error);
    return result;
  } catch (err) {
    throw new Error(`${url}: ${(err as Error).message}${errors.length ? `\npage errors:\n${errors.join('\n')}` : ''}`);
  } finally {
    page.off('pageerror', onError);
  }
}

interface Samples {
  cold: BenchPageResult[];
  warm: BenchPageResult[];
  stream: BenchPageResult[];
}

/** Runs `fn` on a page of a fresh browser context (empty storage, cookies and HTTP cache). */
async function inFreshContext<T>(browser: Browser, fn: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

/**
 * The configurations of the stream rows: the fixture with real time on, and the change the bench
 * makes (the benchmarked flag answers a new variation, {@link UPDATED_KEY}, to everyone).
 */
async function streamConfigurations(): Promise<{ before: unknown; after: unknown }> {
  const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as { configuration: object; featureFlags: Record<string, unknown>[] };
  const before = { ...fixture, configuration: { ...fixture.configuration, realTimeUpdate: true } };
  const featureFlags = fixture.featureFlags.map((flag) => {
    if (flag.featureKey !== FEATURE_KEY) return flag;
    const variations = flag.variations as { key: string }[];
    return { ...flag, defaultVariationKey: UPDATED_KEY, rules: [], variations: [...variations, { ...variations[0], key: UPDATED_KEY, name: 'Updated' }] };
  });
  return { before, after: { ...before, featureFlags } };
}

/** Medians and checks of one SDK's samples. */
function summarize(sdk: PageSdk, s: Samples): BrowserSdkFigures {
  const keys = new Set([...s.cold, ...s.warm, ...s.stream].map((r) => r.firstKey));
  const updated = new Set(s.stream.map((r) => r.updatedKey));
  if (keys.size !== 1 || updated.size !== 1) throw new Error(`browser: ${sdk} answered first keys ${[...keys].join(', ')} and updated keys ${[...updated].join(', ')}`);
  const warm = s.warm.map((r) => r.firstVariationMs);
  const cold = s.cold.map((r) => r.firstVariationMs);
  const update = s.stream.map((r) => r.updateMs!);
  return {
    warmMs: median(warm),
    coldMs: median(cold),
    updateMs: median(update),
    warmRequests: Math.max(...s.warm.map((r) => r.requestsBeforeVariation.length)),
    coldRequests: median(s.cold.map((r) => r.requestsBeforeVariation.length)),
    firstKey: [...keys][0],
    updatedKey: [...updated][0]!,
    warmEvaluatedMs: median(s.warm.map((r) => r.evaluatedMs)),
    coldEvaluatedMs: median(s.cold.map((r) => r.evaluatedMs)),
    samples: { warm, cold, update },
  };
}

/**
 * The three browser figures of both SDKs.
 * @throws Error when a page fails, Chromium is missing, or the SDKs disagree on a variation
 */
export async function measureBrowser(progress: (message: string) => void = () => undefined): Promise<BrowserReport> {
  const tmp = await mkdtemp(join(tmpdir(), 'kameleoon-ts-bench-'));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(tmp, { recursive: true, force: true })];
  try {
    const { before, after } = await streamConfigurations();
    const streamConfig = join(tmp, 'stream-config.json');
    await writeFile(streamConfig, JSON.stringify(before));

    progress('browser: bundling the pages...');
    const bundles: Partial<Record<PageSdk, PageBundle>> = { ours: await bundlePage('ours'), official: await bundlePage('official') };
    const revision = beforeRevision();
    const baseline = revision === undefined ? undefined : checkoutBefore(revision);
    if (baseline) {
      cleanups.push(async () => baseline.close());
      progress(`browser: bundling ours at ${baseline.label}...`);
      bundles.before = await bundlePage('before', baseline.root);
    }
    const sdks = Object.keys(bundles) as PageSdk[];
    // The dev server watches its file (every 200 ms by default) and, on a change, reloads it and
    // sends an update event on /sse. The bench writes the file and calls reload() itself, which is
    // what the watcher does, so the measurement starts at a known instant rather than at the
    // watcher's next look; the watcher is told to look rarely so that it does not reload twice.
    const loadServer = await startDevServer({ config: FIXTURE });
    cleanups.push(() => loadServer.close());
    const streamServer: DevServer = await startDevServer({ config: streamConfig, watchIntervalMs: 3_600_000 });
    cleanups.push(() => streamServer.close());
    const switchTo = async (config: unknown) => {
      await writeFile(streamConfig, JSON.stringify(config));
      if (!streamServer.reload()) throw new Error('the dev server rejected the configuration');
    };
    const pages = await startPageServer(bundles, () => switchTo(after));
    cleanups.push(() => pages.close());
    const browser = await launchBrowser();
    cleanups.push(() => browser.close());

    const samples = Object.fromEntries(sdks.map((sdk) => [sdk, { cold: [], warm: [], stream: [] }])) as unknown as Record<PageSdk, Samples>;
    // Each round starts with another page: none is always first.
    const order = (round: number): PageSdk[] => sdks.map((_, i) => sdks[(i + round) % sdks.length]!);
    const label = (round: number, of: number) => (round === 0 ? 'warm-up' : `round ${round}/${of}`);
    const pageUrl = (sdk: PageSdk, mode: BenchPageSettings['mode'], dev: DevServer) => `${pages.url}/${sdk}.html?mode=${mode}&dev=${encodeURIComponent(dev.url)}`;

    for (let round = 0; round <= BROWSER_LOADS; round++) {
      progress(`browser: cold and warm page loads, ${label(round, BROWSER_LOADS)}...`);
      for (const sdk of order(round)) {
        // A first visit, then returning visits that find the configuration in localStorage.
        const visits = await inFreshContext(browser, async (page) => {
          const all: BenchPageResult[] = [];
          for (let i = 0; i <= WARM_VISITS; i++) all.push(await visit(page, pageUrl(sdk, 'load', loadServer)));
          return all;
        });
        if (round === 0) continue;
        samples[sdk].cold.push(visits[0]);
        samples[sdk].warm.push(...visits.slice(1));
      }
    }
    for (let round = 0; round <= STREAM_UPDATES; round++) {
      progress(`browser: real-time updates, ${label(round, STREAM_UPDATES)}...`);
      for (const sdk of order(round)) {
        await switchTo(before);
        const result = await inFreshContext(browser, (page) => visit(page, pageUrl(sdk, 'stream', streamServer)));
        if (round > 0) samples[sdk].stream.push(result);
      }
    }

    const report: BrowserReport = {
      chromium: browser.version(),
      loads: BROWSER_LOADS,
      warmLoads: BROWSER_LOADS * WARM_VISITS,
      updates: STREAM_UPDATES,
      ours: summarize('ours', samples.ours),
      official: summarize('official', samples.official),
      ...(baseline ? { before: { ...summarize('before', samples.before), label: baseline.label } } : {}),
    };
    if (report.before && report.before.firstKey !== report.ours.firstKey) throw new Error(`browser: first variation '${report.ours.firstKey}' from ours but '${report.before.firstKey}' at ${report.before.label}`);
    if (report.ours.firstKey !== report.official.firstKey) throw new Error(`browser: first variation '${report.ours.firstKey}' from ours but '${report.official.firstKey}' from official`);
    for (const sdk of ['ours', 'official'] as const) {
      if (report[sdk].updatedKey !== UPDATED_KEY) throw new Error(`browser: ${sdk} answered '${report[sdk].updatedKey}' after the change, expected '${UPDATED_KEY}'`);
    }
    return report;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

