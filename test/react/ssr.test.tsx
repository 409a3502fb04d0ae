// @vitest-environment node
/**
 * Server rendering and hydration: `renderToString` on a server (no window: no client, no timer),
 * then `hydrateRoot` in a browser document (jsdom) with the serialized snapshot. The first browser
 * render equals the server HTML (no hydration warning, the DOM unchanged), and the exposures the
 * server tracked are not tracked again.
 */
import { JSDOM } from 'jsdom';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { KameleoonClient, VisitorCodeInvalid, createSnapshot, type KameleoonSnapshot } from '../../src/node.ts';
import { KameleoonProvider, useFeatureFlag, useKameleoon, useVariation } from '../../react/index.ts';
import { replaceGlobals } from '../support/globals.ts';
import { fakeBackend, twoFlags } from './helpers.tsx';

function App() {
  const alpha = useVariation('alpha');
  const beta = useFeatureFlag('beta');
  return (
    <main>
      <p id="alpha">{alpha?.key ?? 'loading'}</p>
      <p id="label">{String(alpha?.variables.get('label')?.value ?? '')}</p>
      <p id="beta">{beta.active ? 'beta on' : 'beta off'}</p>
    </main>
  );
}

async function serverRender(config: object, visitorCode: string, track: boolean): Promise<{ html: string; snapshot: KameleoonSnapshot; serverTracking: string[] }> {
  const backend = fakeBackend(config);
  const server = new KameleoonClient({ ...backend.params(), configuration: { defaultDataFile: config as never } });
  await server.initialize();
  const snapshot = JSON.parse(JSON.stringify(createSnapshot(server, { visitorCode, track }))) as KameleoonSnapshot;
  const html = renderToString(
    <KameleoonProvider sdkParameters={{ siteCode: 'react-site' }} snapshot={snapshot}>
      <App />
    </KameleoonProvider>,
  );
  await server.close();
  return { html, snapshot, serverTracking: backend.trackingLines };
}

/** Hydrates the server HTML in a jsdom document; returns what happened. */
async function hydrate(html: string, snapshot: KameleoonSnapshot, config: object): Promise<{ before: string; after: string; settled: string; errors: string[]; configRequests: number; exposures: string[] }> {
  const dom = new JSDOM(`<!doctype html><html><body><div id="root">${html}</div></body></html>`, { url: 'http://localhost/' });
  const page = dom.window as unknown as Record<string, unknown>;
  const names = ['window', 'document', 'navigator', 'localStorage', 'HTMLElement', 'Node', 'Event'];
  const restoreGlobals = replaceGlobals({ ...Object.fromEntries(names.map((name) => [name, page[name]])), IS_REACT_ACT_ENVIRONMENT: true });
  const errors: string[] = [];
  const originalError = console.error;
  console.error = (...args: unknown[]) => void errors.push(args.map(String).join(' '));
  try {
    const { hydrateRoot } = await import('react-dom/client');
    const { act } = await import('react');
    const backend = fakeBackend(config);
    const container = dom.window.document.getElementById('root')!;
    const before = container.innerHTML;
    let root: ReturnType<typeof hydrateRoot> | undefined;
    let client: ReturnType<typeof useKameleoon>['client'];
    function Client() {
      client = useKameleoon().client; // renders nothing: the hydrated DOM is the server's
      return null;
    }
    await act(async () => {
      root = hydrateRoot(
        container,
        <KameleoonProvider sdkParameters={backend.params()} snapshot={snapshot}>
          <App />
          <Client />
        </KameleoonProvider>,
      );
    });
    const after = container.innerHTML;
    // The client starts from the snapshot's configuration and refreshes it in the background: the
    // page has settled once the fetched configuration is in force.
    await act(() => vi.waitFor(() => expect(client!.getConfigurationStatus().source).toBe('network')));
    const settled = container.innerHTML;
    // Unmounted, the provider closes its client (a tick later); closing sends all it still holds, so
    // what was sent by then is all the browser ever tracks.
    const close = vi.spyOn(client!, 'close');
    await act(async () => root!.unmount());
    await vi.waitFor(() => expect(close).toHaveBeenCalledOnce());
    await close.mock.results[0]!.value;
    return { before, after, settled, errors, configRequests: backend.configRequests, exposures: backend.trackingLines.filter((l) => l.startsWith('eventType=experiment')) };
  } finally {
    console.error = originalError;
    restoreGlobals();
  }
}

describe('createSnapshot', () => {
  it('an invalid visitor code is a typed error, not a snapshot without results', async () => {
    const config = twoFlags('a1', 'b1');
    const server = new KameleoonClient({ ...fakeBackend(config).params(), configuration: { defaultDataFile: config as never } });
    await server.initialize();
    try {
      expect(() => createSnapshot(server, { visitorCode: '' })).toThrow(VisitorCodeInvalid);
      expect(() => createSnapshot(server, { visitorCode: 'x'.repeat(256) })).toThrow(VisitorCodeInvalid);
      expect(Object.keys(createSnapshot(server, { visitorCode: 'x'.repeat(255) }).results)).toEqual(['alpha', 'beta']);
    } finally {
      await server.close();
    }
  });
});

describe('SSR and hydration', () => {
  it('hydrates without a warning, without changing the DOM, and without tracking again', async () => {
    const config = twoFlags('a1', 'b1', false);
    const { html, snapshot, serverTracking } = await serverRender(config, 'ssr-visitor', true);
    expect(html).toContain('<p id="alpha">a1</p>');
    expect(html).toContain('<p id="label">label-a1</p>');
    expect(html).toContain('<p id="beta">beta on</p>');
    expect(serverTracking.filter((l) => l.startsWith('eventType=experiment'))).toHaveLength(2);
    const result = await hydrate(html, snapshot, config);
    expect(result.after).toBe(result.before);
    expect(result.settled).toBe(result.before);
    expect(result.errors).toEqual([]);
    expect(result.configRequests).toBe(1); // the background refresh after the snapshot's configuration, not a wait
    expect(result.exposures).toEqual([]);
  });

  it('when the server did not track, the browser tracks each exposure once after hydration', async () => {
    const config = twoFlags('a1', 'b1', false);
    const { html, snapshot, serverTracking } = await serverRender(config, 'ssr-visitor', false);
    expect(serverTracking).toEqual([]);
    const result = await hydrate(html, snapshot, config);
    expect(result.errors).toEqual([]);
    expect(result.exposures.map((l) => l.replace(/&nonce=\w+/, ''))).toEqual([
      'eventType=experiment&id=21&variationId=31&visitorCode=ssr-visitor',
      'eventType=experiment&id=22&variationId=32&visitorCode=ssr-visitor',
    ]);
  });

  it('a mismatching render would show (the comparison can fail)', async () => {
    const { html } = await serverRender(twoFlags('a1', 'b1', false), 'ssr-visitor', false);
    const wrong = renderToString(
      <KameleoonProvider sdkParameters={{ siteCode: 'react-site' }} snapshot={{ visitorCode: 'other', configuration: undefined, results: {}, tracked: [] }}>
        <App />
      </KameleoonProvider>,
    );
    expect(wrong).not.toBe(html);
  });
});

describe('hydration after the configuration changed', () => {
  /**
   * A part of the page that hydrates late (inside Suspense, as code splitting does) while the
   * client's configuration changes meanwhile: React hydrates it against the server snapshot (what
   * the server rendered), then re-renders it with the new result.
   */
  it('a part hydrated after a configuration update matches the server HTML, then shows the update', async () => {
    const config = twoFlags('a1', 'b1', true);
    const { snapshot } = await serverRender(config, 'ssr-visitor', true);
    const { Suspense, lazy, act } = await import('react');
    function LateFlag() {
      return <p id="late">{useVariation('alpha')?.key ?? 'loading'}</p>;
    }
    // The server renders the late part at once (its code is there); the browser loads it lazily.
    const html = renderToString(
      <KameleoonProvider sdkParameters={{ siteCode: 'react-site' }} snapshot={snapshot}>
        <main>
          <Suspense fallback={<p>wait</p>}>
            <LateFlag />
          </Suspense>
        </main>
      </KameleoonProvider>,
    );
    expect(html).toContain('<p id="late">a1</p>');

    const dom = new JSDOM(`<!doctype html><html><body><div id="root">${html}</div></body></html>`, { url: 'http://localhost/' });
    const globals = dom.window as unknown as Record<string, unknown>;
    const names = ['window', 'document', 'navigator', 'localStorage', 'HTMLElement', 'Node', 'Event'];
    const restoreGlobals = replaceGlobals({ ...Object.fromEntries(names.map((name) => [name, globals[name]])), IS_REACT_ACT_ENVIRONMENT: true });
    const errors: string[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.map(String).join(' '));
    try {
      const { hydrateRoot } = await import('react-dom/client');
      const backend = fakeBackend(config);
      const client = new KameleoonClient(backend.params({ configuration: { defaultDataFile: config as never } }));
      await client.initialize();
      // A second lazy part whose code is still loading when the configuration changes.
      let releaseLate: () => void = () => undefined;
      const lateGate = new Promise<void>((resolve) => (releaseLate = resolve));
      const LateInBrowser = lazy(async () => {
        await lateGate;
        return { default: LateFlag };
      });
      const container = dom.window.document.getElementById('root')!;
      let root: ReturnType<typeof hydrateRoot> | undefined;
      await act(async () => {
        root = hydrateRoot(
          container,
          <KameleoonProvider client={client} snapshot={snapshot}>
            <main>
              <Suspense fallback={<p>wait</p>}>
                <LateInBrowser />
              </Suspense>
            </main>
          </KameleoonProvider>,
          { onRecoverableError: (error) => errors.push(`recoverable: ${String(error)}`) },
        );
      });
      // The configuration changes before the late part's code arrives.
      backend.config = twoFlags('a2', 'b1', true);
      await act(async () => backend.push(456));
      await vi.waitFor(() => expect(client.getVariation({ visitorCode: 'ssr-visitor', featureKey: 'alpha', track: false }).key).toBe('a2'));
      await act(async () => {
        releaseLate();
        await lateGate;
      });
      await act(() => vi.waitFor(() => expect(container.querySelector('#late')?.textContent).toBe('a2')));
      expect(errors).toEqual([]);
      await act(async () => root!.unmount());
      await client.close();
    } finally {
      console.error = originalError;
      restoreGlobals();
    }
  });
});
