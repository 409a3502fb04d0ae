// @vitest-environment node
/**
 * What a Next.js (or any Fetch-API) server needs: the middleware helper sets the visitor-code
 * cookie on a first visit, a server component reads it from the cookie store, the snapshot renders
 * the same with renderToString and renderToPipeableStream, and the built React entry is a client
 * module ('use client' first).
 */
import { PassThrough } from 'node:stream';
import { renderToPipeableStream, renderToString } from 'react-dom/server';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';
import { KameleoonClient, createSnapshot, ensureVisitorCodeCookie, visitorCodeFromCookies } from '../../src/node.ts';
import { KameleoonProvider, useVariation } from '../../react/index.ts';
import { fakeBackend, twoFlags } from './helpers.tsx';

describe('Next.js-style server helpers', () => {
  it('the middleware sets a cookie on a first visit, keeps it afterwards, and a server component reads it', () => {
    const first = new Response(null);
    const code = ensureVisitorCodeCookie({ request: new Request('https://shop.example/'), response: first });
    expect(code).toMatch(/^[a-z0-9]{16}$/);
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^kameleoonVisitorCode=${code}; Max-Age=31536000; Path=/`));

    const returning = new Response(null);
    const again = ensureVisitorCodeCookie({ request: new Request('https://shop.example/', { headers: { cookie: `kameleoonVisitorCode=${code}` } }), response: returning });
    expect(again).toBe(code);
    expect(returning.headers.get('set-cookie')).toBeNull();

    // next/headers cookies(): get(name) -> { value } | undefined
    const cookieStore = { get: (name: string) => (name === 'kameleoonVisitorCode' ? { value: code } : undefined) };
    expect(visitorCodeFromCookies(cookieStore)).toBe(code);
    expect(visitorCodeFromCookies({ get: () => undefined })).toBeUndefined();
  });

  it('renderToPipeableStream renders the snapshot as renderToString does', async () => {
    const config = twoFlags('a1', 'b1', false);
    const server = new KameleoonClient({ ...fakeBackend(config).params(), configuration: { defaultDataFile: config as never } });
    await server.initialize();
    const snapshot = createSnapshot(server, { visitorCode: 'stream-visitor' });
    await server.close();
    function App() {
      return <p id="alpha">{useVariation('alpha')?.key ?? 'loading'}</p>;
    }
    const tree = (
      <KameleoonProvider sdkParameters={{ siteCode: 'react-site' }} snapshot={snapshot}>
        <App />
      </KameleoonProvider>
    );
    const streamed = await new Promise<string>((resolve, reject) => {
      let html = '';
      const sink = new PassThrough();
      sink.on('data', (chunk) => (html += String(chunk)));
      sink.on('end', () => resolve(html));
      const { pipe } = renderToPipeableStream(tree, { onAllReady: () => pipe(sink), onError: reject });
    });
    expect(streamed).toBe(renderToString(tree));
    expect(streamed).toContain('<p id="alpha">a1</p>');
  });
});

describe('the built React entries', () => {
  it("start with 'use client', and the core entries do not", async () => {
    // The two builds of `npm run build`: the standard browser entries, then every other one.
    const entries = new Map<string, string>();
    for (const mode of ['browser', 'production']) {
      const result = (await build({ mode, logLevel: 'silent', build: { write: false, minify: false, sourcemap: false } })) as Rollup.RollupOutput | Rollup.RollupOutput[];
      for (const chunk of (Array.isArray(result) ? result : [result]).flatMap((r) => r.output)) if (chunk.type === 'chunk' && chunk.isEntry) entries.set(chunk.name, chunk.code);
    }
    for (const name of ['react', 'react-sdk', 'react-full', 'react-sdk-full']) expect(/^["']use client["'];/.test(entries.get(name) ?? ''), name).toBe(true);
    for (const name of ['browser', 'node', 'edge', 'full-browser', 'full-node']) expect(entries.get(name)?.includes('use client'), name).toBe(false);
  });
});
