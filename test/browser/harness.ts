/**
 * Harness for tests that run real pages in headless Chromium: a Vite dev server that serves the
 * repository (so a page can import `/src/browser.ts` and get TypeScript transpiled on the fly),
 * Debian's Chromium driven through playwright-core, and a page wrapper that records console
 * errors, uncaught errors and every request the page makes.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Connect, type Plugin } from 'vite';
import { twoStageEntry } from '../../vite.config.ts';
import { switchConfig } from '../delivery/server.ts';
import { CHROMIUM_ARGS, chromiumPath, missingChromium } from '../../demo/chromium.ts';

/** The repository root, which the page server serves. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const requireFromRoot = createRequire(new URL('../../package.json', import.meta.url));

/**
 * Takes Vite's client script out of served pages. With HMR off it has nothing to do, yet it still
 * opens a WebSocket (which fails, and logs console errors, when the server's WebSocket is off) and
 * reloads the page when the connection comes back: pages under test run only their own code.
 */
const withoutViteClient: Plugin = {
  name: 'browser-tests:without-vite-client',
  transformIndexHtml: {
    order: 'post',
    handler: (html) => html.replace(/<script type="module" src="\/@vite\/client"><\/script>\s*/, ''),
  },
};

/** Runs `middleware` before Vite's own middlewares (a configureServer hook that returns nothing). */
function testMiddleware(middleware: Connect.NextHandleFunction): Plugin {
  return {
    name: 'browser-tests:middleware',
    configureServer(vite) {
      vite.middlewares.use(middleware);
    },
  };
}

/** Options of {@link startPageServer}. */
/**
 * How long a test waits for a page to reach a state it must reach. Generous on purpose: under the
 * full suite on two cores, or two runs side by side, Vite's first transforms and Chromium take
 * seconds; a state never reached still fails, naming what was awaited. No test asserts a duration.
 */
export const PAGE_WAIT_MS = 60_000;

export interface PageServerOptions {
  /**
   * Connect middleware run before Vite's own, for routes a test serves itself (configuration
   * documents, fake APIs). Call `next()` to let Vite handle the request.
   */
  middleware?: Connect.NextHandleFunction;
  /**
   * Dependencies to pre-bundle, by import path. Only CommonJS packages need it (React, for
   * instance): ES-module dependencies such as js-cookie are served as they are.
   */
  prebundle?: string[];
}

/** A running page server. */
export interface PageServer {
  /** Origin of the server, e.g. `http://127.0.0.1:41234`, without a trailing slash. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Starts a Vite dev server on the repository root, on a free port of 127.0.0.1, so that pages
 * under `test/browser/pages/` run the SDK's TypeScript sources unbundled.
 *
 * No config file, no file watching, no HMR, no WebSocket and no Vite client in pages: a test
 * server starts afresh on each run, and the sources may be edited while it runs.
 *
 * Dependency discovery is off (`noDiscovery`). Discovery scans pages at start-up and, when a page
 * imports a dependency the scan missed, re-bundles and reloads the page mid-test. Without it, the
 * ES-module dependencies (js-cookie, eventsource-parser, idb-keyval, zustand) are served from
 * node_modules as they are, offline, and only `prebundle` is bundled, before the first request is
 * answered. Each server bundles into its own temporary directory, removed on close: test files
 * run in parallel, and servers sharing a cache would replace each other's bundles.
 */
export async function startPageServer(options: PageServerOptions = {}): Promise<PageServer> {
  const { middleware, prebundle = [] } = options;
  const cacheDir = await mkdtemp(join(tmpdir(), 'kameleoon-ts-vite-'));
  const removeCacheDir = () => rm(cacheDir, { recursive: true, force: true });
  const server = await createServer({
    root: REPO_ROOT,
    configFile: false,
    envFile: false,
    appType: 'mpa',
    logLevel: 'silent',
    clearScreen: false,
    cacheDir,
    optimizeDeps: { noDiscovery: true, include: prebundle },
    // The repository has a react/ directory (the bindings): the bare specifier 'react' must mean
    // the package, for the dependency optimizer too.
    resolve: { alias: [{ find: /^react$/, replacement: requireFromRoot.resolve('react') }] },
    server: { host: '127.0.0.1', port: 0, hmr: false, ws: false, watch: null },
    // The pages run what a browser bundle of the package runs: the two-stage entry (see vite.config.ts).
    plugins: [withoutViteClient, twoStageEntry(), ...(middleware ? [testMiddleware(middleware)] : [])],
  }).catch(async (err: unknown) => {
    await removeCacheDir();
    throw err;
  });
  const close = () => server.close().finally(removeCacheDir);
  try {
    await server.listen();
    const address = server.httpServer?.address();
    if (address === null || address === undefined || typeof address === 'string') {
      throw new Error(`The page server is not listening on a TCP port (address: ${String(address)}).`);
    }
    return { url: `http://127.0.0.1:${address.port}`, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The page server of the tracking pages: `/cdn/v3/...` serves the `switch` configuration (v1), and
 * `/track/visit/events` gives each request's lines to `onLines` and answers the status it returns
 * (204 by default).
 */
export function startTrackingPageServer(onLines: (lines: string[]) => number | void): Promise<PageServer> {
  return startPageServer({
    middleware(req: IncomingMessage, res: ServerResponse, next: () => void) {
      if (req.url?.startsWith('/cdn/v3/')) {
        res.setHeader('Content-Type', 'application/json');
        return void res.end(JSON.stringify(switchConfig('v1')));
      }
      if (!req.url?.startsWith('/track/visit/events')) return next();
      let body = '';
      req.on('data', (chunk) => (body += String(chunk)));
      req.on('end', () => void res.writeHead(onLines(body.split('\n')) ?? 204).end());
    },
  });
}

/**
 * Launches headless Chromium (`CHROMIUM_PATH`, else Debian's /usr/bin/chromium: the tests never
 * download a browser), with the background services that would reach the internet (component
 * updates, sync, safe-browsing lists) turned off.
 * @throws Error when there is no Chromium at that path, saying how to get one
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) throw new Error(missingChromium(executablePath, 'Browser tests need'));
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** What {@link withPage} gives the test. */
export interface PageSession {
  page: Page;
  /** The page's own context: cookies and storage start empty and are not shared. */
  context: BrowserContext;
  /** Console errors (`console: …`) and uncaught exceptions (`pageerror: …`), in order. */
  errors: string[];
  /** URL of every request the page made, in order. */
  requests: string[];
}

/**
 * Runs `fn` with a fresh page in a fresh context, which it closes afterwards whatever happens.
 * The session records the page's errors and requests, so that a test can assert that a page
 * logged nothing and reached no other host.
 */
export async function withPage<T>(browser: Browser, fn: (session: PageSession) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.stack || String(error)}`));
    page.on('request', (request) => requests.push(request.url()));
    return await fn({ page, context, errors, requests });
  } finally {
    await context.close();
  }
}
