/**
 * The edge entry (Cloudflare Workers, Vercel Edge and Next.js middleware, Deno, Bun, Netlify Edge):
 * the public API with a client made of Web APIs only (fetch, Request/Response/Headers,
 * crypto.getRandomValues), used per request.
 */
import { KameleoonClientBase } from './client/kameleoonClient.ts';
import type { SDKParameters } from './client/options.ts';
import { serverAssembly } from './client/serverAssembly.ts';
export * from './index.ts';
export * from './server.ts';

/** Which build of the package a runtime resolved (`'edge'` here; `'browser'` and `'node'` in the others). */
export const BUILD = 'edge';

/**
 * The Kameleoon client for edge runtimes. Build it once per isolate (module scope: it does no I/O
 * and starts no timer); per request, `await client.initialize()` (the first request fetches the
 * configuration; each call waits on its own promise, never on another request's),
 * `client.refreshDataFileIfStale()` when it may be stale, `getVisitorCode({ request, response })`
 * with Fetch objects, and tracking handed to the runtime with `ctx.waitUntil(client.flushInstant())`.
 * There is no polling, no tracking tick and no event stream: nothing relies on timers.
 */
export class KameleoonClient extends KameleoonClientBase {
  /**
   * @param params - the site code, and optionally `configuration`, `credentials`, `externals`
   * (requester, storage, visitor code manager, logger) and `_internals`
   * @throws {@link SiteCodeIsEmpty} when `siteCode` is empty; {@link InvalidArgument} for a bad option
   */
  constructor(params: SDKParameters) {
    // The Node SDK's identity, as Kameleoon's own edge kits run it; used per request.
    super(params, { ...serverAssembly(), perRequest: true });
  }

  /**
   * As {@link KameleoonClientBase.flush}, but at once (and so `trackConversion` and
   * `setLegalConsent`, which flush): an edge runtime has no tracking tick. The runtime may cancel
   * the request once the response is sent (what fails stays queued for the next flush): hand
   * `flushInstant()` to `waitUntil` instead, as one warning says.
   * @throws what {@link KameleoonClientBase.flush} throws
   */
  override flush(params?: string | { visitorCode?: string; instant?: boolean }): void {
    super.flush(params); // its checks (and a visitor's schedule)
    super.flush({ visitorCode: typeof params === 'string' ? params : params?.visitorCode, instant: true });
    this.warnOnce('flush.edge', 'In an edge runtime, tracking has no tick: flush() sends at once, but the runtime may cancel the request once the response is sent. Pass client.flushInstant(visitorCode) to waitUntil instead.');
  }
}

/** The zustand store of a client's results (for UI code rendered at the edge). */
export { KameleoonStore } from './store/kameleoonStore.ts';
export type { KameleoonStatus, KameleoonState, StatusInfo } from './store/kameleoonStore.ts';
