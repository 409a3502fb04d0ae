/**
 * The middleware decides, at the edge, before the page renders (the SDK's edge build: Next's
 * bundler resolves `kameleoon-ts` with the `edge-light` condition here). On every page request it
 * reads the visitor code from the cookie, or makes one and sets the cookie (first visit), evaluates
 * every flag for that visitor, tracks the exposures (sent after the response, in
 * `event.waitUntil(client.flushInstant(visitorCode))`), and hands the code and the decisions to
 * the page in a request header: the page renders what was decided and tracked, and tracks nothing
 * itself; the browser, started from the page's snapshot, does not track them again.
 *
 * The response also says what was decided (`X-Kameleoon-Variations`) and by which build
 * (`X-Kameleoon-Build: edge`), for `curl -i` and the tests.
 */
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { BUILD, createSnapshot, KameleoonClient } from 'kameleoon-ts';
import { encodeHandoff, HANDOFF_HEADER, type Handoff } from './app/handoff.ts';
import { endpoints, siteCode } from './app/settings.ts';

// One client per isolate, built at module scope: no I/O, no timer until a request uses it.
const client = new KameleoonClient({ siteCode: siteCode(), configuration: { endpoints: endpoints() } });

export async function middleware(request: NextRequest, event: NextFetchEvent): Promise<NextResponse> {
  // The first request fetches the configuration; each request awaits a promise of its own.
  const ready = await client.initialize().then(
    () => true,
    (error: unknown) => {
      console.warn(`[kameleoon] no configuration in the middleware, the page decides: ${String(error)}`);
      return false;
    },
  );
  if (ready) event.waitUntil(client.refreshDataFileIfStale().catch(() => false));
  const setCookie = new Headers();
  const visitorCode = client.getVisitorCode({ request, response: setCookie });
  let decisions: Handoff['decisions'] = null;
  if (ready) {
    const { results, tracked } = createSnapshot(client, { visitorCode, track: true, includeConfiguration: false });
    decisions = { results, tracked };
    event.waitUntil(client.flushInstant(visitorCode));
  }
  const handoff: Handoff = { visitorCode, build: BUILD, decisions, engineCode: ready ? client.getEngineTrackingCode(visitorCode) : '' };

  const forwarded = new Headers(request.headers);
  forwarded.set(HANDOFF_HEADER, encodeHandoff(handoff));
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const cookie of setCookie.getSetCookie()) response.headers.append('Set-Cookie', cookie);
  response.headers.set('X-Kameleoon-Build', BUILD);
  if (decisions) response.headers.set('X-Kameleoon-Variations', Object.entries(decisions.results).map(([key, v]) => `${key}=${v.key}`).join(', '));
  return response;
}

export const config = {
  // The edge runtime (Next's default for middleware). Only the page that shows flags: every
  // request the middleware runs for tracks its exposures.
  matcher: ['/'],
};
