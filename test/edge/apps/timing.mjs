// The bench's timing route around the app (npm run bench, section edge): GET /__timing?n=N runs
// N x (getVisitorCode + getVariation) for N new visitors inside one request, on the app's own
// client, and answers the time they took by performance.now() in a Server-Timing header (and in
// the body). One call takes microseconds and runtimes coarsen their clock (workerd to 1 ms, and
// in production freezes it between I/O), so the figure is a loop's divided by N. Every other
// request is the app's.
import app, { client } from './app.mjs';

const FEATURE_KEY = 'new_design';

export default {
  /**
   * @param {Request} request
   * @param {unknown} env
   * @param {{ waitUntil(p: Promise<unknown>): void }} ctx
   */
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname !== '/__timing') return app.fetch(request, env, ctx);
    const n = Math.min(Math.max(Number.parseInt(url.searchParams.get('n') ?? '1000', 10) || 0, 0), 100_000);
    await client.initialize();
    // No cookie: each getVisitorCode makes a new visitor and writes its cookie to `written`;
    // track: false, so N exposures do not pile up in the outbox (the app's own route tracks).
    const noCookie = new Headers();
    const written = new Headers();
    const keys = {};
    const from = performance.now();
    for (let i = 0; i < n; i++) {
      const visitorCode = client.getVisitorCode({ request: noCookie, response: written });
      const { key } = client.getVariation({ visitorCode, featureKey: FEATURE_KEY, track: false });
      keys[key] = (keys[key] ?? 0) + 1;
    }
    const ms = performance.now() - from;
    return new Response(JSON.stringify({ n, ms, keys }), {
      headers: { 'content-type': 'application/json', 'server-timing': `eval;dur=${ms};desc="${n} x getVisitorCode + getVariation"` },
    });
  },
};
