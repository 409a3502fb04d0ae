/**
 * The demo's Cloudflare Worker (module syntax), using kameleoon-ts as on any edge runtime: one
 * client per isolate, built at module scope (it does no I/O and starts no timer there); per
 * request, `await client.initialize()` (the first request of the isolate fetches the
 * configuration), the visitor code from the request's cookie (a new one set on the response),
 * the flags evaluated from memory, and the exposures sent after the response with
 * `ctx.waitUntil(client.flushInstant(visitorCode))`. No `nodejs_compat` flag needed.
 *
 *   GET /            the visitor's flags, as an HTML page
 *   GET /api/flags   the same as JSON: { visitorCode, build, flags: { featureKey: variationKey } }
 *
 * Bindings: KAMELEOON_DEV_SERVER (the Kameleoon-compatible server of `npm run demo`; a real site
 * needs none: the SDK's endpoints are Kameleoon's) and KAMELEOON_SITE_CODE (default demo-site).
 * `npm run demo` bundles it (demo/worker/server.ts) and runs it in workerd through miniflare.
 */
import { env } from 'cloudflare:workers';
import { BUILD, KameleoonClient } from 'kameleoon-ts';

/** What the Workers runtime passes as the third argument of `fetch`. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

const devServer = typeof env.KAMELEOON_DEV_SERVER === 'string' ? env.KAMELEOON_DEV_SERVER : undefined;
const client = new KameleoonClient({
  siteCode: typeof env.KAMELEOON_SITE_CODE === 'string' ? env.KAMELEOON_SITE_CODE : 'demo-site',
  configuration: devServer ? { endpoints: { configuration: devServer, realTime: devServer, tracking: devServer, dataApi: devServer } } : {},
});

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The visitor's flags as a page (no script: everything was decided here). */
function page(visitorCode: string, flags: Record<string, string>): string {
  const rows = Object.entries(flags)
    .map(([key, variation]) => `<li data-flag="${escape(key)}"><code>${escape(key)}</code> <strong class="variation">${escape(variation)}</strong></li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kameleoon-ts: Cloudflare Worker demo</title><link rel="icon" href="data:,">
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:46rem;color:#1d2330}li{padding:.4rem .75rem;margin:.3rem 0;background:#f2f4f8;border-radius:6px;list-style:none}ul{padding:0}</style></head>
<body><h1>kameleoon-ts in a Cloudflare Worker</h1><p>Decided in workerd by the SDK's <code id="build">${escape(BUILD)}</code> build for visitor <code id="visitor">${escape(visitorCode)}</code>; the exposures are sent after the response (<code>ctx.waitUntil</code>).</p>
<ul id="flags">${rows}</ul><p><a href="/api/flags">/api/flags</a> gives the same as JSON.</p></body></html>`;
}

export default {
  async fetch(request: Request, _env: unknown, ctx: ExecutionContext): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname !== '/' && pathname !== '/api/flags') return new Response('Not found: try / or /api/flags\n', { status: 404 });
    try {
      await client.initialize();
    } catch (error) {
      return new Response(`No Kameleoon configuration: ${String(error)}\n`, { status: 503, headers: { 'Retry-After': '5' } });
    }
    ctx.waitUntil(client.refreshDataFileIfStale());
    const headers = new Headers({ 'X-Kameleoon-Build': BUILD });
    const visitorCode = client.getVisitorCode({ request, response: headers });
    const flags = Object.fromEntries([...client.getVariations({ visitorCode, track: true })].map(([key, variation]) => [key, variation.key]));
    ctx.waitUntil(client.flushInstant(visitorCode));
    if (pathname === '/api/flags') {
      headers.set('Content-Type', 'application/json');
      return new Response(JSON.stringify({ visitorCode, build: BUILD, flags }), { headers });
    }
    headers.set('Content-Type', 'text/html; charset=utf-8');
    return new Response(page(visitorCode, flags), { headers });
  },
};
