// @vitest-environment jsdom
/**
 * kameleoon-ts/react-sdk in a browser document: each hook method is the provider client's own
 * (arguments forwarded, result returned), memoized per provider; `flush(visitorCode, true)` sends
 * at once; createClient maps `externals.prng` and honours `stubMode`; KameleoonProviderSSR creates
 * one client, also under StrictMode, and closes it on unmount; misuse throws InvalidArgument.
 */
import { act, render, renderHook, waitFor } from '@testing-library/react';
import { StrictMode, useEffect, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BrowserType,
  CustomData,
  EventType,
  InvalidArgument,
  KameleoonContext,
  KameleoonProvider,
  KameleoonProviderSSR,
  LogLevel,
  NotInitialized,
  createClient,
  useData,
  useFeatureFlag,
  useInitialize,
  useKameleoon,
  useLog,
  useVisitorCode,
  type KameleoonClient,
  type SDKParameters,
} from '../../../react/sdk/index.ts';
import { fakeBackend, twoFlags } from '../helpers.tsx';

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

/** React SDK parameters (no `_internals`) around the fake backend. */
function reactParams(backend: ReturnType<typeof fakeBackend>, extra: Partial<SDKParameters> = {}): SDKParameters {
  const { _internals: _, ...params } = backend.params();
  return { ...params, ...extra, externals: { ...params.externals, ...extra.externals } };
}

function allHooks() {
  return { init: useInitialize(), flags: useFeatureFlag(), data: useData(), visitor: useVisitorCode(), log: useLog(), client: useKameleoon() };
}

describe('hooks of kameleoon-ts/react-sdk', () => {
  it('each method calls the provider client\'s method with its arguments and returns its result', async () => {
    const backend = fakeBackend(twoFlags('a1', 'b1'));
    const client = keep(createClient(reactParams(backend)));
    const wrapper = ({ children }: { children: ReactNode }) => <KameleoonProvider client={client}>{children}</KameleoonProvider>;
    const { result } = renderHook(allHooks, { wrapper });
    const { init, flags, data, visitor, log } = result.current;
    expect(result.current.client).toBe(client);
    expect(init.isInitialized()).toBe(false);
    expect(() => flags.getVariation({ visitorCode: 'v1', featureKey: 'alpha' })).toThrow(NotInitialized);
    await expect(init.initialize()).resolves.toBe(true);
    expect(init.isInitialized()).toBe(true);

    // [hook method, client method, arguments]: each call's result must be the client's, for the same arguments.
    const calls: [(...a: any[]) => unknown, keyof KameleoonClient, unknown[]][] = [
      [flags.getVariation, 'getVariation', [{ visitorCode: 'v1', featureKey: 'alpha', track: false }]],
      [flags.getVariations, 'getVariations', [{ visitorCode: 'v1', onlyActive: true, track: false }]],
      [flags.isFeatureFlagActive, 'isFeatureFlagActive', ['v1', 'beta']],
      [flags.isFeatureFlagActive, 'isFeatureFlagActive', [{ visitorCode: 'v1', featureKey: 'alpha', track: false }]],
      [flags.getFeatureFlagVariationKey, 'getFeatureFlagVariationKey', ['v1', 'alpha']],
      [flags.getFeatureFlagVariable, 'getFeatureFlagVariable', [{ visitorCode: 'v1', featureKey: 'alpha', variableKey: 'label' }]],
      [flags.getFeatureFlagVariables, 'getFeatureFlagVariables', ['v1', 'alpha']],
      [flags.getVisitorFeatureFlags, 'getVisitorFeatureFlags', ['v1']],
      [flags.getActiveFeatureFlags, 'getActiveFeatureFlags', ['v1']],
      [flags.getFeatureFlags, 'getFeatureFlags', []],
      [flags.getEngineTrackingCode, 'getEngineTrackingCode', ['v1']],
      [flags.setForcedVariation, 'setForcedVariation', [{ visitorCode: 'v2', experimentId: 21, variationKey: 'a1', forceTargeting: false }]],
      [flags.evaluateAudiences, 'evaluateAudiences', ['v1']],
      [flags.getDataFile, 'getDataFile', []],
      [data.addData, 'addData', ['v1', new CustomData(1, 'x'), new CustomData(2, 'y')]],
      [data.trackConversion, 'trackConversion', [{ visitorCode: 'v1', goalId: 5, revenue: 2 }]],
      [visitor.getVisitorCode, 'getVisitorCode', ['given-code']],
      [visitor.setLegalConsent, 'setLegalConsent', ['v1', true]],
      [log.setLogLevel, 'setLogLevel', [LogLevel.ERROR]],
      [init.isInitialized, 'isInitialized', []],
    ];
    for (const [method, name, args] of calls) {
      const spy = vi.spyOn(client, name as never) as unknown as { mock: { calls: unknown[][]; results: { value: unknown }[] }; mockRestore(): void };
      const returned = method(...args);
      expect({ name, args: spy.mock.calls }).toEqual({ name, args: [args] });
      expect(returned).toBe(spy.mock.results[0]!.value);
      spy.mockRestore();
    }
    expect(flags.getVariation({ visitorCode: 'v1', featureKey: 'alpha', track: false }).key).toBe('a1');
    expect(flags.getFeatureFlagVariable({ visitorCode: 'v1', featureKey: 'alpha', variableKey: 'label' }).value).toBe('label-a1');
    // setLegalConsent('v1', true) above wrote v1 to the visitor-code cookie, which wins over the default.
    expect(visitor.getVisitorCode('given-code')).toBe('v1');

    // onEvent: the client's callback, fired by the client's evaluations.
    const seen: string[] = [];
    init.onEvent(EventType.Evaluation, ({ featureKey, variation }) => seen.push(`${featureKey}=${variation.key}`));
    flags.getVariation({ visitorCode: 'v1', featureKey: 'beta', track: false });
    expect(seen).toEqual(['beta=b1']);

    // The remote-data methods forward too (the fake backend answers 204 with no body: no data).
    for (const [method, name, args] of [
      [data.getRemoteData, 'getRemoteData', ['some-key']],
      [data.getRemoteVisitorData, 'getRemoteVisitorData', [{ visitorCode: 'v1', shouldAddData: false }]],
      [data.getVisitorWarehouseAudience, 'getVisitorWarehouseAudience', [{ visitorCode: 'v1', customDataIndex: 3 }]],
    ] as [(...a: any[]) => Promise<unknown>, keyof KameleoonClient, unknown[]][]) {
      const spy = (vi.spyOn(client, name as never) as unknown as ReturnType<typeof vi.fn>).mockResolvedValue('answer');
      await expect(method(...args)).resolves.toBe('answer');
      expect(spy).toHaveBeenCalledWith(...args);
      spy.mockRestore();
    }
  });

  it('flush forwards the visitor and instant, positional or as an object; flush(visitorCode, true) sends at once', async () => {
    const backend = fakeBackend(twoFlags('a1', 'b1'));
    // A tracking interval of 1 s: what arrives sooner was sent by the instant flush.
    const client = keep(createClient(reactParams(backend, { configuration: { trackingInterval: 1000 } })));
    const wrapper = ({ children }: { children: ReactNode }) => <KameleoonProvider client={client}>{children}</KameleoonProvider>;
    const { result } = renderHook(() => useData(), { wrapper });
    await client.initialize();
    const flush = vi.spyOn(client, 'flush');
    result.current.flush();
    result.current.flush('v1');
    result.current.flush('v1', false);
    result.current.flush({ visitorCode: 'v1', instant: false });
    expect(flush.mock.calls).toEqual([[undefined], ['v1'], [{ visitorCode: 'v1', instant: false }], [{ visitorCode: 'v1', instant: false }]]);
    flush.mockClear();

    // The tracking code loads after the first configuration: wait until tracking runs, with nothing queued.
    await waitFor(() => expect(client.getTrackingStatus()).toMatchObject({ loaded: true }));
    backend.trackingLines.length = 0;
    client.addData('v1', new CustomData(1, 'instant'));
    const started = Date.now();
    result.current.flush('v1', true);
    expect(flush.mock.calls).toEqual([[{ visitorCode: 'v1', instant: true }]]);
    await waitFor(() => expect(backend.trackingLines.join('\n')).toContain('instant'), { timeout: 900, interval: 10 });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('methods keep their identity across renders of one provider, and differ between providers', () => {
    const backend = fakeBackend(twoFlags('a1', 'b1'));
    const first = keep(createClient(reactParams(backend)));
    const second = keep(createClient(reactParams(backend)));
    let client = first;
    const wrapper = ({ children }: { children: ReactNode }) => <KameleoonProvider client={client}>{children}</KameleoonProvider>;
    const { result, rerender } = renderHook(allHooks, { wrapper });
    const before = result.current;
    rerender();
    for (const key of ['init', 'flags', 'data', 'visitor', 'log'] as const) {
      const methods = Object.entries(before[key]) as [string, unknown][];
      expect(methods.length).toBeGreaterThan(0);
      for (const [name, fn] of methods) expect({ key, name, same: (result.current[key] as unknown as Record<string, unknown>)[name] === fn }).toEqual({ key, name, same: true });
    }
    client = second;
    rerender();
    expect(result.current.client).toBe(second);
    expect(result.current.flags.getFeatureFlags).not.toBe(before.flags.getFeatureFlags);
    expect(result.current.init.isInitialized).not.toBe(before.init.isInitialized);
  });

  it('hooks outside a provider throw InvalidArgument saying to wrap the app', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      for (const hook of [useInitialize, useFeatureFlag, useData, useVisitorCode, useLog, useKameleoon] as (() => unknown)[]) {
        let thrown: unknown;
        try {
          renderHook(hook);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(InvalidArgument);
        expect((thrown as Error).message).toContain(`${hook.name}()`);
        expect((thrown as Error).message).toMatch(/must be used within a KameleoonProvider.*Wrap your app/);
      }
    } finally {
      error.mockRestore();
    }
  });

  it('providers without a client or parameters throw InvalidArgument; so does a context holding neither', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() => render(<KameleoonProvider client={undefined as never}>x</KameleoonProvider>)).toThrow(InvalidArgument);
      expect(() => render(<KameleoonProviderSSR sdkParameters={undefined as never}>x</KameleoonProviderSSR>)).toThrow(InvalidArgument);
      const wrapper = ({ children }: { children: ReactNode }) => <KameleoonContext.Provider value={{ kameleoonClient: null, sdkParameters: null }}>{children}</KameleoonContext.Provider>;
      const { result } = renderHook(() => useInitialize(), { wrapper });
      expect(() => result.current.isInitialized()).toThrow(InvalidArgument);
    } finally {
      error.mockRestore();
    }
  });
});

describe('createClient', () => {
  it('maps externals.prng to the tracking nonces and externals.platformAnalyzer to the visitor data', async () => {
    const backend = fakeBackend(twoFlags('a1', 'b1'));
    const prng = { getRandomNumber: vi.fn(() => 0.5) };
    const platformAnalyzer = { getResult: vi.fn(() => ({ browser: { name: BrowserType.Firefox, version: 120 } })) };
    const client = keep(createClient(reactParams(backend, { externals: { prng, platformAnalyzer } })));
    await client.initialize();
    client.getVariation({ visitorCode: 'v1', featureKey: 'alpha' });
    client.flush({ visitorCode: 'v1', instant: true });
    await waitFor(() => expect(backend.trackingLines.some((l) => l.includes('eventType=staticData'))).toBe(true));
    expect(platformAnalyzer.getResult).toHaveBeenCalled();
    expect(prng.getRandomNumber).toHaveBeenCalled();
    // With a constant random source every nonce is the same 16 characters.
    const nonces = new Set(backend.trackingLines.flatMap((l) => /nonce=([^&]+)/.exec(l)?.[1] ?? []));
    expect(nonces.size).toBe(1);
    expect(backend.trackingLines.join('\n')).toMatch(/browser=FIREFOX&browserIndex=2&browserVersion=120/);
  });

  it('stubMode: no request, initialize() resolves false, getVisitorCode() returns \'\', evaluations throw NotInitialized', async () => {
    const backend = fakeBackend(twoFlags('a1', 'b1'));
    const sendRequest = vi.fn(backend.params().externals!.requester!.sendRequest);
    const client = keep(createClient({ siteCode: 'react-site', stubMode: true, externals: { requester: { sendRequest }, logger: { log() {} } } }));
    const wrapper = ({ children }: { children: ReactNode }) => <KameleoonProvider client={client}>{children}</KameleoonProvider>;
    const { result } = renderHook(allHooks, { wrapper });
    const { init, flags, visitor } = result.current;
    await expect(init.initialize()).resolves.toBe(false);
    expect(init.isInitialized()).toBe(false);
    expect(visitor.getVisitorCode()).toBe('');
    expect(() => flags.getVariation({ visitorCode: 'v1', featureKey: 'alpha' })).toThrow(NotInitialized);
    expect(() => flags.getFeatureFlags()).toThrow(NotInitialized);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sendRequest).not.toHaveBeenCalled();
    expect(document.cookie).not.toContain('kameleoonVisitorCode');
  });
});

describe('KameleoonProviderSSR in a browser', () => {
  it('creates one client on the first method call, also under StrictMode, initialized when the app asks, closed on unmount', async () => {
    const backend = fakeBackend(twoFlags('a1', 'b1'));
    const seen = new Set<KameleoonClient>();
    const keys: string[] = [];
    function Flag({ name }: { name: string }) {
      const { initialize } = useInitialize();
      const { getVariation } = useFeatureFlag();
      const client = useKameleoon();
      seen.add(client);
      useEffect(() => {
        void initialize().then(() => keys.push(`${name}:${getVariation({ visitorCode: 'v1', featureKey: 'alpha', track: false }).key}`));
      }, [initialize, getVariation, name]);
      return null;
    }
    const params = reactParams(backend);
    const view = render(
      <StrictMode>
        <KameleoonProviderSSR sdkParameters={params}>
          <Flag name="one" />
          <Flag name="two" />
        </KameleoonProviderSSR>
      </StrictMode>,
    );
    await waitFor(() => expect(keys.length).toBe(4)); // StrictMode runs each effect twice
    expect(keys.sort()).toEqual(['one:a1', 'one:a1', 'two:a1', 'two:a1']);
    expect(seen.size).toBe(1);
    expect(backend.configRequests).toBe(1);
    view.rerender(
      <StrictMode>
        <KameleoonProviderSSR sdkParameters={{ ...params }}>
          <Flag name="one" />
        </KameleoonProviderSSR>
      </StrictMode>,
    );
    expect(seen.size).toBe(1);
    const [client] = seen;
    expect(client!.getConfigurationStatus().status).not.toBe('closed');
    const close = vi.spyOn(client!, 'close');
    await act(async () => view.unmount());
    await waitFor(() => expect(close).toHaveBeenCalledTimes(1));
  });

  it('does not create a client while no hook method is called', () => {
    let reads = 0;
    const params = { siteCode: 'react-site' } as SDKParameters;
    Object.defineProperty(params, 'externals', { get: () => (reads++, undefined), enumerable: true });
    function Holder() {
      useFeatureFlag();
      useData();
      return <p>rendered</p>;
    }
    const view = render(
      <KameleoonProviderSSR sdkParameters={params}>
        <Holder />
      </KameleoonProviderSSR>,
    );
    expect(view.container.textContent).toBe('rendered');
    expect(reads).toBe(0);
    view.unmount();
  });
});
