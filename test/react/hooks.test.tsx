// @vitest-environment jsdom
/**
 * The React bindings with @testing-library/react: each hook, re-renders limited to the component
 * whose flag changed, StrictMode (one initialization, one exposure), cleanup on unmount, and the
 * error outside a provider.
 */
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CustomData,
  InvalidArgument,
  KameleoonProvider,
  useFeatureFlag,
  useFeatureVariable,
  useKameleoon,
  useKameleoonStatus,
  useVariation,
  useVariations,
  useVisitorCode,
  type KameleoonClient,
} from '../../react/index.ts';
import { downRequester } from '../support/fakes.ts';
import { fakeBackend, newClient, twoFlags } from './helpers.tsx';

const clients: KameleoonClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  document.cookie.split(';').forEach((c) => (document.cookie = `${c.split('=')[0]}=; max-age=0`));
  localStorage.clear();
});

function keep(client: KameleoonClient): KameleoonClient {
  clients.push(client);
  return client;
}

const renders = new Map<string, number>();
function Flag({ featureKey }: { featureKey: string }) {
  renders.set(featureKey, (renders.get(featureKey) ?? 0) + 1);
  const variation = useVariation(featureKey, { visitorCode: 'v1', track: false });
  return <span data-testid={featureKey}>{variation?.key ?? 'loading'}</span>;
}

/** Two flags, `alpha` delivered only to visitors whose custom data 0 is "premium". */
function premiumAlpha() {
  const backend = fakeBackend(twoFlags('a1', 'b1'));
  const config = backend.config as { segments?: unknown[]; featureFlags: { rules: { segmentId: number | null }[] }[]; customData?: unknown[] };
  config.customData = [{ id: 1, index: 0, name: 'plan', localOnly: false, isMappingIdentifier: false, scope: 'VISITOR' }];
  config.segments = [{ id: 5, name: 'premium', conditionsData: { firstLevelOrOperators: [], firstLevel: [{ orOperators: [], conditions: [{ id: 1, targetingType: 'CUSTOM_DATUM', isInclude: true, weight: 1, customDataIndex: '0', valueMatchType: 'EXACT', value: 'premium' }] }] } }];
  config.featureFlags[0].rules[0].segmentId = 5;
  return backend;
}

describe('hooks', () => {
  it('useVariation shows the variation once initialized, and a configuration update re-renders only the flag that changed', async () => {
    const backend = fakeBackend(twoFlags('a1', 'b1'));
    const client = keep(newClient(backend));
    renders.clear();
    render(
      <KameleoonProvider client={client}>
        <Flag featureKey="alpha" />
        <Flag featureKey="beta" />
      </KameleoonProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('alpha').textContent).toBe('a1'));
    expect(screen.getByTestId('beta').textContent).toBe('b1');
    const before = { alpha: renders.get('alpha')!, beta: renders.get('beta')! };

    backend.config = twoFlags('a1', 'b2');
    await act(async () => backend.push(123));
    await waitFor(() => expect(screen.getByTestId('beta').textContent).toBe('b2'));
    expect(renders.get('alpha')).toBe(before.alpha);
    expect(renders.get('beta')).toBe(before.beta + 1);
  });

  it('useFeatureFlag, useFeatureVariable, useVariations, useVisitorCode and useKameleoonStatus return values', async () => {
    const backend = fakeBackend(twoFlags('a1', 'off'));
    const client = keep(newClient(backend));
    const wrapper = ({ children }: { children: ReactNode }) => <KameleoonProvider client={client} visitorCode="v2">{children}</KameleoonProvider>;
    const { result } = renderHook(
      () => ({
        alpha: useFeatureFlag('alpha', { track: false }),
        beta: useFeatureFlag('beta', { track: false }),
        label: useFeatureVariable('alpha', 'label', { track: false }),
        all: useVariations(undefined, { track: false }),
        visitor: useVisitorCode(),
        status: useKameleoonStatus(),
      }),
      { wrapper },
    );
    expect(result.current.status.status).toBe('loading');
    await waitFor(() => expect(result.current.status.status).toBe('ready'));
    expect(result.current.alpha).toMatchObject({ active: true, status: 'ready', variation: { key: 'a1', id: 31, experimentId: 21 } });
    expect(result.current.beta.active).toBe(false);
    expect(result.current.label).toBe('label-a1');
    expect([...result.current.all.keys()]).toEqual(['alpha', 'beta']);
    expect(result.current.visitor).toBe('v2');
  });

  it('useKameleoonStatus reports an error with its reason', async () => {
    const backend = fakeBackend(twoFlags('a1', 'b1'));
    const client = keep(newClient(backend, { externals: { requester: downRequester } }));
    const { result } = renderHook(() => useKameleoonStatus(), { wrapper: ({ children }) => <KameleoonProvider client={client}>{children}</KameleoonProvider> });
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.reason?.message).toMatch(/HTTP 500/);
  });

  it('useKameleoon().addData re-evaluates the flags on screen', async () => {
    const backend = premiumAlpha();
    const client = keep(newClient(backend));
    const { result } = renderHook(() => ({ alpha: useVariation('alpha', { track: false }), actions: useKameleoon() }), {
      wrapper: ({ children }) => <KameleoonProvider client={client} visitorCode="v3">{children}</KameleoonProvider>,
    });
    await waitFor(() => expect(result.current.alpha?.key).toBe('off'));
    act(() => result.current.actions.addData(new CustomData(0, 'premium')));
    expect(result.current.alpha?.key).toBe('a1');
  });

  it('a change made through the client itself (setForcedVariation, addData) re-evaluates the flags on screen too', async () => {
    const backend = premiumAlpha();
    const client = keep(newClient(backend));
    const { result } = renderHook(() => useVariation('alpha', { track: false }), {
      wrapper: ({ children }) => <KameleoonProvider client={client} visitorCode="v4">{children}</KameleoonProvider>,
    });
    await waitFor(() => expect(result.current?.key).toBe('off'));
    act(() => client.setForcedVariation({ visitorCode: 'v4', experimentId: 21, variationKey: 'a1' }));
    expect(result.current?.key).toBe('a1');
    act(() => client.setForcedVariation({ visitorCode: 'v4', experimentId: 21, variationKey: null }));
    expect(result.current?.key).toBe('off');
    act(() => client.addData('v4', new CustomData(0, 'premium')));
    expect(result.current?.key).toBe('a1');
  });

  it('outside a provider, a hook says so and how to fix it, with a typed error', () => {
    expect(() => renderHook(() => useVariation('alpha'))).toThrow(/useVariation\(\) must be used inside <KameleoonProvider>/);
    expect(() => renderHook(() => useKameleoon())).toThrow(InvalidArgument);
  });
});

describe('lifecycle', () => {
  it('under StrictMode: one initialization and one exposure', async () => {
    const backend = fakeBackend(twoFlags('a1', 'b1', false));
    let renderedClient: KameleoonClient | undefined;
    function Exposed() {
      const { client } = useKameleoon();
      renderedClient = client;
      const variation = useVariation('alpha', { visitorCode: 'strict' });
      return <span data-testid="strict">{variation?.key ?? 'loading'}</span>;
    }
    const view = render(
      <StrictMode>
        <KameleoonProvider sdkParameters={backend.params()}>
          <Exposed />
        </KameleoonProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('strict').textContent).toBe('a1'));
    renderedClient!.flush({ instant: true });
    await waitFor(() => expect(backend.trackingLines.some((l) => l.includes('visitorCode=strict'))).toBe(true));
    // Unmounted, the provider closes its client (a tick later); closing sends all it still holds, so
    // what was sent by then is all it ever sends.
    const close = vi.spyOn(renderedClient!, 'close');
    view.unmount();
    await waitFor(() => expect(close).toHaveBeenCalledOnce());
    await close.mock.results[0]!.value;
    expect(backend.configRequests).toBe(1);
    expect(backend.trackingLines.filter((l) => l.startsWith('eventType=experiment') && l.includes('visitorCode=strict'))).toHaveLength(1);
  });

  it('unmounting closes the client the provider created, with its timers', async () => {
    const backend = fakeBackend(twoFlags('a1', 'b1', false));
    let client: KameleoonClient | undefined;
    function Grab() {
      client = useKameleoon().client;
      return null;
    }
    const view = render(
      <KameleoonProvider sdkParameters={backend.params()}>
        <Grab />
      </KameleoonProvider>,
    );
    await waitFor(() => expect(client?.getConfigurationStatus().status).toBe('ready'));
    view.unmount();
    await waitFor(() => expect(client?.getConfigurationStatus().status).toBe('closed'));
  });

  it('a client passed in is left open', async () => {
    const backend = fakeBackend(twoFlags('a1', 'b1', false));
    const client = keep(newClient(backend));
    const view = render(<KameleoonProvider client={client}>{null}</KameleoonProvider>);
    await waitFor(() => expect(client.isInitialized()).toBe(true));
    // The provider lets go of its client on a timer after unmounting (StrictMode remounts before it
    // fires): unmount under fake timers, and run that timer.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      view.unmount();
      expect(vi.getTimerCount()).toBeGreaterThan(0); // the release timer, or this test would prove nothing
      vi.runOnlyPendingTimers();
    } finally {
      vi.useRealTimers();
    }
    expect(client.getConfigurationStatus().status).toBe('ready');
  });
});
