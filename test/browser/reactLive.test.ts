/**
 * A live update in a real headless Chromium: a configuration change pushed over the event stream
 * (server-sent events from the test server) re-renders the React component showing the flag.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twoFlags } from '../react/helpers.tsx';
import { launchBrowser, startPageServer, withPage, PAGE_WAIT_MS, type PageServer } from './harness.ts';

describe('React live update in headless Chromium', () => {
  let server: PageServer;
  let browser: Browser;
  let config = twoFlags('a1', 'b1', true);
  const streams = new Set<ServerResponse>();

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startPageServer({
        prebundle: ['react', 'react-dom/client', 'react/jsx-dev-runtime', 'react/jsx-runtime', 'zustand'],
        middleware(req: IncomingMessage, res: ServerResponse, next: () => void) {
          if (req.url?.startsWith('/cdn/v3/')) {
            res.setHeader('Content-Type', 'application/json');
            return void res.end(JSON.stringify(config));
          }
          if (req.url?.startsWith('/stream/sse')) {
            res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
            res.write(': connected\n\n');
            streams.add(res);
            req.on('close', () => streams.delete(res));
            return;
          }
          next();
        },
      }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    for (const res of streams) res.end();
    await Promise.all([browser?.close(), server?.close()]);
  });

  it('a configuration change over the stream re-renders the flag', async () => {
    await withPage(browser, async ({ page, errors }) => {
      await page.goto(`${server.url}/test/browser/pages/reactLive.html`);
      await page.waitForFunction(() => document.getElementById('alpha')?.textContent === 'a1', undefined, { timeout: PAGE_WAIT_MS });
      await page.waitForFunction(() => document.getElementById('alpha')?.dataset.status === 'ready');
      const deadline = Date.now() + 10_000;
      while (streams.size === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(streams.size).toBe(1);

      config = twoFlags('a2', 'b1', true);
      for (const res of streams) res.write(`event: configuration-update-event\ndata: ${JSON.stringify({ siteCode: 'react-site', ts: 42 })}\n\n`);
      await page.waitForFunction(() => document.getElementById('alpha')?.textContent === 'a2', undefined, { timeout: PAGE_WAIT_MS });
      expect(errors).toEqual([]);
    });
  });
});
