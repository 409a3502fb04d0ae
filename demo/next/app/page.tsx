/**
 * The page, a server component: the visitor's flags evaluated on the server by the process's one
 * Node client (tracked there), rendered through the client components from the snapshot, and the
 * hybrid-mode code for the Kameleoon front-end tag written into the page.
 */
import type { ReactNode } from 'react';
import { cookies, headers } from 'next/headers';
import { createSnapshot, visitorCodeFromCookies } from 'kameleoon-ts';
import { endpoints, kameleoonClient, siteCode, VISITOR_CODE_HEADER } from './kameleoon.ts';
import { Providers } from './providers.tsx';
import { Flags } from './flags.tsx';

// Per visitor: never prerendered at build time.
export const dynamic = 'force-dynamic';

/**
 * A stand-in for Kameleoon's front-end tag (which this demo does not load): the calls that the
 * engine tracking code queues are recorded in window.__engineCalls.
 */
const ENGINE_STUB =
  'window.__engineCalls=[];window.kameleoonQueue={push:function(){for(var i=0;i<arguments.length;i++)window.__engineCalls.push(arguments[i]);}};';

export default async function Page(): Promise<ReactNode> {
  // The cookie on a returning visit; on a first visit, the code the middleware has just set.
  const visitorCode = visitorCodeFromCookies(await cookies()) ?? (await headers()).get(VISITOR_CODE_HEADER);
  if (!visitorCode) throw new Error('No visitor code: is middleware.ts running?');
  const client = await kameleoonClient();
  const snapshot = createSnapshot(client, { visitorCode, track: true });
  // The variations returned just now, for the front-end tag (fixed text and numbers only).
  const engineCode = client.getEngineTrackingCode(visitorCode);
  return (
    <main>
      <h1>kameleoon-ts + Next.js App Router</h1>
      <p>Flags evaluated on the server, tracked once there, hydrated in the browser without flicker.</p>
      <Providers siteCode={siteCode()} endpoints={endpoints()} snapshot={snapshot}>
        <Flags featureKeys={Object.keys(snapshot.results)} />
      </Providers>
      <script id="kameleoon-engine" dangerouslySetInnerHTML={{ __html: ENGINE_STUB + engineCode }} />
    </main>
  );
}
