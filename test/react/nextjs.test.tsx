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

describe('the built React entry', () => {
  it("starts with 'use client', and the core entries do not", async () => {
    const result = (await build({ logLevel: 'silent', build: { write: false, minify: false, sourcemap: false } })) as Rollup.RollupOutput | Rollup.RollupOutput[];
    const chunks = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output).filter((o): o is Rollup.OutputChunk => o.type === 'chunk' && o.isEntry);
    const byName = new Map(chunks.map((c) => [c.name, c.code]));
    expect(byName.get('react')?.startsWith('"use client";') || byName.get('react')?.startsWith("'use client';")).toBe(true);
    expect(byName.get('browser')?.includes('use client')).toBe(false);
    expect(byName.get('node')?.includes('use client')).toBe(false);
  });
});
