// The app every runtime serves, written as the per-request form (issue 19): a client
// built at module scope (no I/O, no timer), initialized by each request with a promise of its
// own, the visitor code from the request's cookie, the exposure flushed inside waitUntil.
import { KameleoonClient } from 'kameleoon-ts';
import { DEV } from './endpoint.mjs';

/** Exported for timing.mjs (the bench's timing route) only; the app itself is the default export. */
export const client = new KameleoonClient({ siteCode: 'demo-site', configuration: { endpoints: { configuration: DEV, tracking: DEV, dataApi: DEV, realTime: DEV } } });

export default {
  /**
   * @param {Request} request
   * @param {unknown} env
   * @param {{ waitUntil(p: Promise<unknown>): void }} ctx
   */
  async fetch(request, env, ctx) {
    await client.initialize();
    ctx.waitUntil(client.refreshDataFileIfStale());
    const headers = new Headers({ 'content-type': 'application/json' });
    const visitorCode = client.getVisitorCode({ request, response: headers });
    const variation = client.getVariation({ visitorCode, featureKey: 'new_design' });
    ctx.waitUntil(client.flushInstant(visitorCode));
    return new Response(JSON.stringify({ visitorCode, variation: variation.key }), { headers });
  },
};
