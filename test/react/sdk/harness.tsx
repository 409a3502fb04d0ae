/**
 * Drives an app through the official React SDK's hooks with either SDK (`@kameleoon/react-sdk`
 * 10.19.1 or `kameleoon-ts/react-sdk`: the same names, so the same component serves both),
 * offline: the requester serves a configuration, records every request and answers 503 to the
 * Data API. What each hook method returns (or throws) is recorded, normalized for comparison.
 */
import { useEffect, type ReactNode } from 'react';
import { mulberry32 } from '../../differential/rng.ts';
import { errorType } from '../../differential/drive.ts';

/** The part of either SDK's module the app uses (both export these names). */
export interface ReactSdkModule {
  createClient(params: any): any;
  KameleoonProvider: (props: { client: any; children: ReactNode }) => ReactNode;
  KameleoonProviderSSR: (props: { sdkParameters: any; children: ReactNode }) => ReactNode;
  useInitialize(): any;
  useFeatureFlag(): any;
  useData(): any;
  useVisitorCode(): any;
  useLog(): any;
  useKameleoon(): any;
  CustomData: new (...args: any[]) => unknown;
  EventType: { Evaluation: any };
  LogLevel: { ERROR: any };
}

/** One request the SDK made. */
export interface SeenRequest {
  requestType: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The offline `externals` of the React SDK (with `prng` and `platformAnalyzer`), and what they saw. */
export function offlineExternals(config: object, seed = 7) {
  const requests: SeenRequest[] = [];
  const store = new Map<string, unknown>();
  const analyzed = { count: 0 };
  const response = (status: number, body: string) => ({ ok: status < 300, status, headers: new Headers(), json: async () => JSON.parse(body || '{}'), text: async () => body });
  const externals = {
    requester: {
      sendRequest: async ({ requestType, url, parameters }: { requestType: string; url: string; parameters?: { headers?: Record<string, string>; body?: unknown } }) => {
        requests.push({ requestType, url, headers: { ...(parameters?.headers ?? {}) }, ...(typeof parameters?.body === 'string' ? { body: parameters.body } : {}) });
        if (requestType === 'configuration') return response(200, JSON.stringify(config));
        return requestType === 'tracking' ? response(204, '') : response(503, '');
      },
    },
    storage: { read: (key: string) => (store.get(key) ?? null) as never, write: (key: string, data: unknown) => void store.set(key, data) },
    visitorCodeManager: { getData: () => null, setData() {} },
    eventSource: { open() {}, close() {}, onError() {} },
    logger: { log() {} },
    prng: { getRandomNumber: mulberry32(seed) },
    platformAnalyzer: {
      getResult: () => {
        analyzed.count++;
        return {};
      },
    },
  };
  return { externals, requests, analyzed };
}

/** Maps as sorted entry lists, objects with sorted keys: what both SDKs' results compare as. */
export function normalize(value: unknown): unknown {
  if (value instanceof Map) return { map: [...value].map(([k, v]) => [normalize(k), normalize(v)]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))) };
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, normalize((value as Record<string, unknown>)[k])]));
  return value;
}

/** `{ value }` of a call, or `{ error: <KameleoonError type> }`. */
export function attempt(fn: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: normalize(fn()) };
  } catch (e) {
    return { error: errorType(e) };
  }
}

/** Same, for a promise. */
export async function attemptAsync(fn: () => Promise<unknown>): Promise<{ value?: unknown; error?: string }> {
  try {
    return { value: normalize(await fn()) };
  } catch (e) {
    return { error: errorType(e) };
  }
}

/** The flags of the sample configuration, with one variable key each (when they have one). */
export const FLAGS = [
  ['new_checkout', 'button_color'],
  ['pricing_banner', 'config'],
  ['search_algo', 'algo'],
  ['search_ui', 'rows'],
  ['multi_variant', 'n'],
  ['kill_switch', 'none'],
  ['no_such_flag', 'none'],
] as const;

/** Visitors and the data each one gets (plan, country, cart value), in the sample configuration's custom data. */
export const VISITORS = Array.from({ length: 24 }, (_, i) => ({
  code: i === 23 ? 'qa_tester' : `visitor-${i}`,
  plan: ['premium', 'free', 'enterprise', undefined][i % 4],
  country: ['FR', 'US', 'DE'][i % 3],
  cart: String((i * 37) % 200),
}));

/** What the app records, keyed by step. */
export type Record_ = Record<string, unknown>;

/**
 * The app: once mounted, initializes the client through `useInitialize`, then calls every hook
 * method for each visitor and hands what it recorded to `done`.
 */
export function ProbeApp({ sdk, done, onClient }: { sdk: ReactSdkModule; done: (out: Record_) => void; onClient?: (client: any) => void }): ReactNode {
  const init = sdk.useInitialize();
  const flags = sdk.useFeatureFlag();
  const data = sdk.useData();
  const visitor = sdk.useVisitorCode();
  const log = sdk.useLog();
  const client = sdk.useKameleoon();
  useEffect(() => {
    onClient?.(client);
    void (async () => {
      const out: Record_ = {};
      const events: unknown[] = [];
      out.beforeInit = init.isInitialized();
      out.initialize = await attemptAsync(() => init.initialize());
      out.afterInit = init.isInitialized();
      out.client = typeof client.getVariation;
      init.onEvent(sdk.EventType.Evaluation, (e: { featureKey: string; variation: { key: string } }) => events.push([e.featureKey, e.variation.key]));
      log.setLogLevel(sdk.LogLevel.ERROR);
      out.getFeatureFlags = attempt(() => flags.getFeatureFlags());
      // dateModified is the official 4.21's addition (4.17.1, the oracle, has none): compared without it.
      out.getDataFile = attempt(() => {
        const { dateModified, ...rest } = flags.getDataFile() as { dateModified?: number };
        return rest;
      });
      for (const v of VISITORS) {
        const r: Record_ = {};
        r.getVisitorCode = attempt(() => visitor.getVisitorCode(v.code));
        r.addData = attempt(() => data.addData(v.code, ...(v.plan ? [new sdk.CustomData(0, v.plan)] : []), new sdk.CustomData(1, v.country), new sdk.CustomData(2, v.cart)));
        for (const [featureKey, variableKey] of FLAGS) {
          r[`getVariation ${featureKey}`] = attempt(() => flags.getVariation({ visitorCode: v.code, featureKey, track: false }));
          r[`isFeatureFlagActive(vc, key) ${featureKey}`] = attempt(() => flags.isFeatureFlagActive(v.code, featureKey));
          r[`isFeatureFlagActive({}) ${featureKey}`] = attempt(() => flags.isFeatureFlagActive({ visitorCode: v.code, featureKey, track: false }));
          r[`getFeatureFlagVariationKey ${featureKey}`] = attempt(() => flags.getFeatureFlagVariationKey(v.code, featureKey));
          r[`getFeatureFlagVariable ${featureKey}`] = attempt(() => flags.getFeatureFlagVariable({ visitorCode: v.code, featureKey, variableKey }));
          r[`getFeatureFlagVariables ${featureKey}`] = attempt(() => flags.getFeatureFlagVariables(v.code, featureKey));
        }
        r.getVariations = attempt(() => flags.getVariations({ visitorCode: v.code, track: false }));
        r.getVariationsActive = attempt(() => flags.getVariations({ visitorCode: v.code, onlyActive: true, track: false }));
        r.getVisitorFeatureFlags = attempt(() => flags.getVisitorFeatureFlags(v.code));
        r.getActiveFeatureFlags = attempt(() => flags.getActiveFeatureFlags(v.code));
        r.getEngineTrackingCode = attempt(() => flags.getEngineTrackingCode(v.code));
        r.setForcedVariation = attempt(() => flags.setForcedVariation({ visitorCode: v.code, experimentId: 7002, variationKey: 'v2', forceTargeting: true }));
        r.forced = attempt(() => flags.getVariation({ visitorCode: v.code, featureKey: 'new_checkout', track: false }).key);
        r.forcedUnknownExperiment = attempt(() => flags.setForcedVariation({ visitorCode: v.code, experimentId: 1, variationKey: 'v2' }));
        r.evaluateAudiences = attempt(() => void flags.evaluateAudiences(v.code));
        r.trackConversion = attempt(() => data.trackConversion({ visitorCode: v.code, goalId: 1000 + (v.cart.length % 3), revenue: 10 }));
        r.setLegalConsent = attempt(() => visitor.setLegalConsent(v.code, true));
        r.flush = attempt(() => data.flush(v.code));
        out[v.code] = r;
      }
      out.errors = {
        emptyVisitor: attempt(() => flags.getVariation({ visitorCode: '', featureKey: 'new_checkout' })),
        longVisitor: attempt(() => flags.getVariation({ visitorCode: 'x'.repeat(256), featureKey: 'new_checkout' })),
        addDataEmpty: attempt(() => data.addData('', new sdk.CustomData(0, 'premium'))),
        trackingCodeEmpty: attempt(() => flags.getEngineTrackingCode('')),
        unknownVariation: attempt(() => flags.setForcedVariation({ visitorCode: 'visitor-1', experimentId: 7002, variationKey: 'nope' })),
      };
      out.remote = {
        getRemoteData: await attemptAsync(() => data.getRemoteData('key')),
        getRemoteVisitorData: await attemptAsync(() => data.getRemoteVisitorData({ visitorCode: 'visitor-1', shouldAddData: false })),
        getVisitorWarehouseAudience: await attemptAsync(() => data.getVisitorWarehouseAudience({ visitorCode: 'visitor-1', customDataIndex: 3 })),
      };
      out.events = events;
      done(out);
    })();
  }, [init, flags, data, visitor, log, client, sdk, done, onClient]);
  return null;
}
