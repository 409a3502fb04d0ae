/**
 * The page, a server component: it renders the decisions the middleware made (and tracked) at the
 * edge for this request's visitor, through the client components from a snapshot, and writes the
 * hybrid-mode code for the Kameleoon front-end tag into the page. The process's Node client gives
 * the snapshot its configuration (the browser client starts from it without a request), and
 * decides (and tracks) only when the middleware could not.
 */
import type { ReactNode } from 'react';
import { headers } from 'next/headers';
import { createSnapshot, type KameleoonSnapshot } from 'kameleoon-ts';
import { decodeHandoff, HANDOFF_HEADER } from './handoff.ts';
import { kameleoonClient } from './kameleoon.ts';
import { endpoints, siteCode } from './settings.ts';
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
  const handoff = decodeHandoff((await headers()).get(HANDOFF_HEADER));
  if (!handoff) throw new Error('No visitor code from the middleware: is middleware.ts running?');
  const { visitorCode, decisions } = handoff;
  const client = await kameleoonClient();
  const snapshot: KameleoonSnapshot = decisions
    ? { visitorCode, configuration: client.getConfigurationJson(), ...decisions }
    : createSnapshot(client, { visitorCode, track: true });
  // The variations just decided, for the front-end tag (fixed text and numbers only).
  const engineCode = decisions ? handoff.engineCode : client.getEngineTrackingCode(visitorCode);
  return (
    <main>
      <h1>kameleoon-ts + Next.js App Router</h1>
      <p>
        Flags decided and tracked {decisions ? <>at the edge, in the middleware (the SDK&rsquo;s <code data-build>{handoff.build}</code> build)</> : 'on the server'},
        rendered on the server, hydrated in the browser without flicker.
      </p>
      <p id="try">
        <b>Try this:</b> in <code>demo/flags.yaml</code>, set <code>traffic: 0</code> on the <code>new_checkout</code> rule and save, then
        reload: the middleware decides with the new flags, and <code>new_checkout</code> is <code>off</code>.
      </p>
      <Providers siteCode={siteCode()} endpoints={endpoints()} snapshot={snapshot}>
        <Flags featureKeys={Object.keys(snapshot.results)} />
      </Providers>
      <section>
        <h2>Engine tracking code</h2>
        <p>
          Hybrid mode: the variations decided here, written into the page for Kameleoon&rsquo;s front-end tag
          (<code>getEngineTrackingCode</code>), so that its reports and integrations see them. This demo loads no tag:
          a stand-in records the calls in <code>window.__engineCalls</code>.
        </p>
        <pre id="engine-code" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', background: '#f5f6f8', padding: '8px', fontSize: '12px' }}>
          {engineCode || '(empty: no variation was decided for this visitor)'}
        </pre>
      </section>
      <script id="kameleoon-engine" dangerouslySetInnerHTML={{ __html: ENGINE_STUB + engineCode }} />
    </main>
  );
}
