// @vitest-environment node
/**
 * Server rendering with kameleoon-ts/react-sdk (no `window`): `renderToString` of an app that uses
 * every hook and calls every hook method during render, under `<KameleoonProviderSSR>` and under
 * `<KameleoonProvider client={createClient({ stubMode: true })}>`, does not throw (the official
 * SSR provider throws `ReferenceError: navigator is not defined` there). The methods act on a stub
 * client: `initialize()` resolves false, `getVisitorCode()` is '', evaluations throw
 * NotInitialized; no request is made and no timer is left.
 */
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as official from '@kameleoon/react-sdk';
import {
  CustomData,
  EventType,
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
import { captureTimers } from '../../support/officialSdk.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** Calls every hook method during render and prints what each gave: its value, or its error's type. */
function EveryHook({ results }: { results: Map<string, string> }) {
  const init = useInitialize();
  const flags = useFeatureFlag();
  const data = useData();
  const visitor = useVisitorCode();
  const log = useLog();
  const client: KameleoonClient = useKameleoon();
  const call = (name: string, fn: () => unknown) => {
    try {
      const value = fn();
      results.set(name, value instanceof Promise ? 'promise' : JSON.stringify(value ?? null));
      if (value instanceof Promise) value.then((v) => results.set(name, `resolved ${JSON.stringify(v)}`), (e: { type?: string }) => results.set(name, `rejected ${e.type}`));
    } catch (e) {
      results.set(name, `threw ${(e as { type?: string }).type ?? String(e)}`);
    }
  };
  const visitorCode = 'server-visitor';
  call('client.isInitialized', () => client.isInitialized());
  call('isInitialized', () => init.isInitialized());
  call('initialize', () => init.initialize());
  call('onEvent', () => init.onEvent(EventType.Evaluation, () => {}));
  call('getVisitorCode', () => visitor.getVisitorCode());
  call('setLegalConsent', () => visitor.setLegalConsent(visitorCode, true));
  call('setLogLevel', () => log.setLogLevel(LogLevel.ERROR));
  call('getVariation', () => flags.getVariation({ visitorCode, featureKey: 'alpha' }));
  call('getVariations', () => flags.getVariations({ visitorCode }));
  call('isFeatureFlagActive', () => flags.isFeatureFlagActive(visitorCode, 'alpha'));
  call('isFeatureFlagActive({})', () => flags.isFeatureFlagActive({ visitorCode, featureKey: 'alpha' }));
  call('getFeatureFlagVariationKey', () => flags.getFeatureFlagVariationKey(visitorCode, 'alpha'));
  call('getFeatureFlagVariable', () => flags.getFeatureFlagVariable({ visitorCode, featureKey: 'alpha', variableKey: 'v' }));
  call('getFeatureFlagVariables', () => flags.getFeatureFlagVariables(visitorCode, 'alpha'));
  call('getVisitorFeatureFlags', () => flags.getVisitorFeatureFlags(visitorCode));
  call('getActiveFeatureFlags', () => flags.getActiveFeatureFlags(visitorCode));
  call('getFeatureFlags', () => flags.getFeatureFlags());
  call('getEngineTrackingCode', () => flags.getEngineTrackingCode(visitorCode));
  call('setForcedVariation', () => flags.setForcedVariation({ visitorCode, experimentId: 1, variationKey: 'on' }));
  call('evaluateAudiences', () => flags.evaluateAudiences(visitorCode));
  call('getDataFile', () => flags.getDataFile());
  call('addData', () => data.addData(visitorCode, new CustomData(1, 'x')));
  call('flush', () => data.flush(visitorCode, true));
  call('trackConversion', () => data.trackConversion({ visitorCode, goalId: 1 }));
  call('getRemoteData', () => data.getRemoteData('key'));
  call('getRemoteVisitorData', () => data.getRemoteVisitorData({ visitorCode }));
  call('getVisitorWarehouseAudience', () => data.getVisitorWarehouseAudience({ visitorCode, customDataIndex: 1 }));
  return <p>{`visitor [${visitor.getVisitorCode()}] initialized ${String(init.isInitialized())}`}</p>;
}

function recordingParams(requests: string[]): SDKParameters {
  return {
    siteCode: 'ssr-site',
    externals: {
      requester: {
        sendRequest: async ({ url }) => {
          requests.push(url);
          return new Response(null, { status: 503 });
        },
      },
      logger: { log() {} },
    },
  };
}

/** What the stub client gives each method (NotInitialized is the official SDK's `Initialization`). */
function expectStubResults(results: Map<string, string>) {
  const notInitialized = new NotInitialized('x').type;
  expect(Object.fromEntries(results)).toMatchObject({
    'client.isInitialized': 'false',
    isInitialized: 'false',
    initialize: 'resolved false',
    getVisitorCode: '""',
    getVariation: `threw ${notInitialized}`,
    getVariations: `threw ${notInitialized}`,
    isFeatureFlagActive: `threw ${notInitialized}`,
    'isFeatureFlagActive({})': `threw ${notInitialized}`,
    getFeatureFlags: `threw ${notInitialized}`,
    getDataFile: `threw ${notInitialized}`,
    // Settled before any module or request could load: stub mode makes no request, the Data API's none either.
    getRemoteData: `rejected ${notInitialized}`,
    getRemoteVisitorData: `rejected ${notInitialized}`,
    getVisitorWarehouseAudience: `rejected ${notInitialized}`,
  });
  expect(results.size).toBe(27);
  // Nothing is a ReferenceError or any other non-Kameleoon error.
  for (const [name, result] of results) expect({ name, result }).not.toMatchObject({ result: expect.stringMatching(/Error|undefined$/) });
}

describe('server rendering with kameleoon-ts/react-sdk', () => {
  it.each(['KameleoonProviderSSR', 'KameleoonProvider with a stubMode client'] as const)(
    '%s: renderToString calls every hook method without throwing, no request, no timer',
    async (provider) => {
      expect(typeof window).toBe('undefined');
      vi.useFakeTimers();
      const requests: string[] = [];
      const results = new Map<string, string>();
      const app = <EveryHook results={results} />;
      const html = renderToString(
        provider === 'KameleoonProviderSSR' ? (
          <KameleoonProviderSSR sdkParameters={recordingParams(requests)}>{app}</KameleoonProviderSSR>
        ) : (
          <KameleoonProvider client={createClient({ ...recordingParams(requests), stubMode: typeof window === 'undefined' })}>{app}</KameleoonProvider>
        ),
      );
      expect(html).toBe('<p>visitor [] initialized false</p>');
      await vi.advanceTimersByTimeAsync(0); // the promises settle
      expect(vi.getTimerCount()).toBe(0);
      expectStubResults(results);
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(requests).toEqual([]);
    },
  );

  it('the official SSR provider, by contrast, throws during the same server render (ReferenceError: navigator)', () => {
    expect(typeof navigator).toBe('undefined');
    function OfficialVisitor() {
      return <p>{official.useVisitorCode().getVisitorCode()}</p>;
    }
    const timers = captureTimers();
    // Its storage (localStorage, absent here) logs through the console before the logger is set.
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() =>
        renderToString(
          <official.KameleoonProviderSSR sdkParameters={{ siteCode: 'ssr-site', externals: { logger: { log() {} } } }}>
            <OfficialVisitor />
          </official.KameleoonProviderSSR>,
        ),
      ).toThrow(ReferenceError);
    } finally {
      consoleError.mockRestore();
      timers.release();
    }
  });

  it('each server render of KameleoonProviderSSR has a client of its own', () => {
    const clients = new Set<KameleoonClient>();
    function Grab() {
      clients.add(useKameleoon());
      return null;
    }
    for (let i = 0; i < 3; i++) {
      renderToString(
        <KameleoonProviderSSR sdkParameters={{ siteCode: 'ssr-site' }}>
          <Grab />
          <Grab />
        </KameleoonProviderSSR>,
      );
    }
    expect(clients.size).toBe(3);
  });
});
