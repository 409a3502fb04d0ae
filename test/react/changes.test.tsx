// @vitest-environment jsdom
/**
 * What a page shows as it changes, with the standard browser build's first stage and with a
 * snapshot: a variation that changes (new visitor data) is a new exposure, tracked; the hooks
 * render the cached configuration's results as soon as the first stage has it (not once the full
 * client has loaded); useVariations() lists a snapshot's flags on a client-side mount; a
 * snapshot's configuration newer than the browser's cache is the one in force (as the official
 * SDK's defaultDataFile), so the page tracks what it shows.
 */
import { act, render, screen, waitFor } from '@testing-library/react';
import { Activity } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CustomData, KameleoonClient as BrowserClient, KameleoonProvider, useFeatureFlag, useKameleoon, useVariation, useVariations, type KameleoonClient } from '../../react/index.ts';
import { KameleoonClient as NodeClient, createSnapshot, type KameleoonSnapshot } from '../../src/node.ts';
import { cacheKey } from '../../src/config/cache.ts';
import { fakeBackend, twoFlags } from './helpers.tsx';

afterEach(() => {
  localStorage.clear();
  for (const cookie of document.cookie.split(';')) document.cookie = `${cookie.split('=')[0]}=; max-age=0`;
});

/** alpha's experiment (21) targets premium visitors (custom data 0). */
function premiumAlpha() {
  const backend = fakeBackend(twoFlags('a1', 'b1', false));
  const config = backend.config as { customData: unknown[]; segments: unknown[]; featureFlags: { rules: { segmentId: number | null }[] }[] };
  config.customData = [{ id: 1, index: 0, name: 'plan', localOnly: false, isMappingIdentifier: false, scope: 'VISITOR' }];
  config.segments = [{ id: 5, name: 'premium', conditionsData: { firstLevelOrOperators: [], firstLevel: [{ orOperators: [], conditions: [{ id: 1, targetingType: 'CUSTOM_DATUM', isInclude: true, weight: 1, customDataIndex: '0', valueMatchType: 'EXACT', value: 'premium' }] }] } }];
  config.featureFlags[0]!.rules[0]!.segmentId = 5;
  return backend;
}

describe('a page as it changes', () => {
  it('tracks the exposure of a variation that appears after new visitor data', async () => {
    const backend = premiumAlpha();
    let actions: ReturnType<typeof useKameleoon> | undefined;
    function Checkout() {
      actions = useKameleoon();
      const { variation } = useFeatureFlag('alpha');
      return <span data-testid="alpha">{variation?.key ?? 'loading'}</span>;
    }
    render(
      <KameleoonProvider sdkParameters={backend.params()} visitorCode="v-premium">
        <Checkout />
      </KameleoonProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('alpha').textContent).toBe('off'));
    act(() => actions!.addData(new CustomData(0, 'premium')));
    await waitFor(() => expect(screen.getByTestId('alpha').textContent).toBe('a1'));
    const client = actions!.client as KameleoonClient;
    await act(async () => client.flushInstant('v-premium'));
    expect(backend.trackingLines.filter((line) => line.startsWith('eventType=experiment') && line.includes('id=21'))).toHaveLength(1);
  });

  it('renders the cached configuration’s variation as soon as the first stage has it', async () => {
    vi.resetModules();
    let arrived = false;
    vi.doMock('../../src/stage/second.ts', async (importOriginal) => {
      await new Promise((resolve) => setTimeout(resolve, 300)); // the full client's code comes late
      arrived = true;
      return importOriginal();
    });
    const entry = await import('../../src/stage/entry.ts');
    const site = 'react-first-stage';
    const store = new Map<string, unknown>([[cacheKey(site), { siteCode: site, environment: 'production', fetchedAt: Date.now(), lastModified: undefined, json: twoFlags('a1', 'b1', false) }]]);
    const client = new entry.KameleoonClient({
      siteCode: site,
      externals: {
        requester: { sendRequest: async ({ requestType }) => new Response(null, { status: requestType === 'configuration' ? 304 : 204 }) },
        storage: { read: (key: string) => structuredClone(store.get(key) ?? null), write: (key: string, data: unknown) => void store.set(key, data) },
        visitorCodeManager: { getData: () => null, setData: () => undefined },
        logger: { log() {} },
      },
    });
    function Alpha() {
      const { variation } = useFeatureFlag('alpha', { track: false });
      return <span data-testid="first-stage">{variation?.key ?? 'loading'}</span>;
    }
    const view = render(
      <KameleoonProvider client={client as unknown as KameleoonClient} visitorCode="v1">
        <Alpha />
      </KameleoonProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('first-stage').textContent).toBe('a1'), { timeout: 200 });
    expect(arrived).toBe(false);
    view.unmount();
    await client.close();
    vi.doUnmock('../../src/stage/second.ts');
  });

  it('lists the flags of a snapshot on a client-side mount, from the first render', async () => {
    const config = twoFlags('a1', 'b1', false);
    const server = new NodeClient({ ...fakeBackend(config).params(), configuration: { defaultDataFile: config } } as never);
    await server.initialize();
    const snapshot = JSON.parse(JSON.stringify(createSnapshot(server, { visitorCode: 'navigated', track: true }))) as KameleoonSnapshot;
    await server.close();
    const renders: string[] = [];
    function Flags() {
      const all = useVariations();
      const text = [...all].map(([key, variation]) => `${key}=${variation.key}`).join(',') || 'none';
      renders.push(text);
      return <p>{text}</p>;
    }
    const view = render(
      <KameleoonProvider sdkParameters={fakeBackend(config).params()} snapshot={snapshot}>
        <Flags />
      </KameleoonProvider>,
    );
    await act(async () => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(renders[0]).toBe('alpha=a1,beta=b1');
    expect(renders).not.toContain('none');
    view.unmount();
  });

  it('starts from a snapshot whose configuration is newer than the browser’s cache: it tracks what it shows', async () => {
    // An earlier page cached the old configuration (experiment 21); the server has a newer one (23).
    const old = { ...twoFlags('a1', 'b1', false), dateModified: 1_000 };
    const earlier = new BrowserClient(fakeBackend(old).params());
    await earlier.initialize();
    await earlier.close();
    const newer = JSON.parse(JSON.stringify({ ...twoFlags('a2', 'b1', false), dateModified: 2_000 })) as ReturnType<typeof twoFlags> & { featureFlags: { rules: { experimentId: number; variationByExposition: { variationId: number }[] }[] }[] };
    newer.featureFlags[0]!.rules[0]!.experimentId = 23;
    newer.featureFlags[0]!.rules[0]!.variationByExposition[0]!.variationId = 33;
    const server = new NodeClient({ ...fakeBackend(newer).params(), configuration: { defaultDataFile: newer } } as never);
    await server.initialize();
    const snapshot = JSON.parse(JSON.stringify(createSnapshot(server, { visitorCode: 'returning', track: false }))) as KameleoonSnapshot;
    await server.close();

    const browser = fakeBackend(newer);
    let client: KameleoonClient | undefined;
    function Alpha() {
      client = useKameleoon().client as KameleoonClient;
      return <span data-testid="snapshot-alpha">{useVariation('alpha')?.key ?? 'loading'}</span>;
    }
    const view = render(
      <KameleoonProvider sdkParameters={browser.params()} snapshot={snapshot}>
        <Alpha />
      </KameleoonProvider>,
    );
    await waitFor(() => expect(client?.isInitialized()).toBe(true));
    expect(screen.getByTestId('snapshot-alpha').textContent).toBe('a2');
    await act(async () => client!.flushInstant());
    expect(browser.trackingLines.filter((line) => line.startsWith('eventType=experiment')).map((line) => /id=(\d+)&variationId=(\d+)/.exec(line)?.slice(1).join('/'))).toEqual(['23/33']);
    view.unmount();
  });

  it('works again once shown, after React’s <Activity> hid the provider (its client closed, a new one made)', async () => {
    const backend = premiumAlpha();
    let actions: ReturnType<typeof useKameleoon> | undefined;
    function Checkout() {
      actions = useKameleoon();
      return <span data-testid="activity-alpha">{useFeatureFlag('alpha', { track: false }).variation?.key ?? 'loading'}</span>;
    }
    const app = (mode: 'visible' | 'hidden') => (
      <Activity mode={mode}>
        <KameleoonProvider sdkParameters={backend.params()} visitorCode="v-activity">
          <Checkout />
        </KameleoonProvider>
      </Activity>
    );
    const view = render(app('visible'));
    await waitFor(() => expect(screen.getByTestId('activity-alpha').textContent).toBe('off'));
    const first = actions!.client as KameleoonClient;
    view.rerender(app('hidden'));
    await act(async () => new Promise((resolve) => setTimeout(resolve, 50)));
    view.rerender(app('visible'));
    await waitFor(() => expect((actions!.client as KameleoonClient).isInitialized()).toBe(true));
    expect(actions!.client).not.toBe(first);
    act(() => actions!.addData(new CustomData(0, 'premium')));
    await waitFor(() => expect(screen.getByTestId('activity-alpha').textContent).toBe('a1'));
    view.unmount();
  });
});
