import { useMemo } from 'react';
import type { GetVariationParamsType, KameleoonClient, KameleoonDataType } from '../../src/browser.ts';
import { clientOf, useKameleoonContext } from './provider.tsx';
import type { IUseData, IUseFeatureFlag, IUseInitialize, IUseLog, IUseVisitorCode } from './types.ts';

/**
 * Methods built once per provider context: each one finds the context's client when called (so
 * that {@link KameleoonProviderSSR} creates its client only when a method needs it).
 */
function useMethods<T>(hook: string, build: (client: () => KameleoonClient) => T): T {
  const context = useKameleoonContext(hook);
  // `build` is the same code at each render: only the context decides.
  return useMemo(() => build(() => clientOf(context)), [context]);
}

/**
 * The client's setup methods: `initialize`, `isInitialized`, `onEvent`, bound to the provider's client.
 * @throws {@link InvalidArgument} outside a `<KameleoonProvider>` or `<KameleoonProviderSSR>`
 */
export function useInitialize(): IUseInitialize {
  return useMethods('useInitialize', (client) => ({
    initialize: () => client().initialize(),
    isInitialized: () => client().isInitialized(),
    onEvent: (event, callback) => client().onEvent(event, callback),
  }));
}

/**
 * The client's feature-flag methods (`getVariation`, `getVariations`, `isFeatureFlagActive`...),
 * bound to the provider's client. They evaluate when called: call them in effects or handlers,
 * or in render once `isInitialized()` (they throw `NotInitialized` before).
 * @throws {@link InvalidArgument} outside a `<KameleoonProvider>` or `<KameleoonProviderSSR>`
 */
export function useFeatureFlag(): IUseFeatureFlag {
  return useMethods('useFeatureFlag', (client) => ({
    getVariation: (params) => client().getVariation(params),
    getVariations: (params) => client().getVariations(params),
    isFeatureFlagActive: (first: string | GetVariationParamsType, featureKey?: string) =>
      typeof first === 'string' ? client().isFeatureFlagActive(first, featureKey as string) : client().isFeatureFlagActive(first),
    getFeatureFlagVariationKey: (visitorCode, featureKey) => client().getFeatureFlagVariationKey(visitorCode, featureKey),
    getFeatureFlagVariable: (params) => client().getFeatureFlagVariable(params),
    getFeatureFlagVariables: (visitorCode, featureKey) => client().getFeatureFlagVariables(visitorCode, featureKey),
    getVisitorFeatureFlags: (visitorCode) => client().getVisitorFeatureFlags(visitorCode),
    getActiveFeatureFlags: (visitorCode) => client().getActiveFeatureFlags(visitorCode),
    getFeatureFlags: () => client().getFeatureFlags(),
    getEngineTrackingCode: (visitorCode) => client().getEngineTrackingCode(visitorCode),
    setForcedVariation: (params) => client().setForcedVariation(params),
    evaluateAudiences: (visitorCode) => client().evaluateAudiences(visitorCode),
    getDataFile: () => client().getDataFile(),
  }));
}

/**
 * The client's data methods (`addData`, `flush`, `trackConversion`, remote data), bound to the
 * provider's client. `flush(visitorCode, true)` sends at once (the official hook ignores `instant`).
 * @throws {@link InvalidArgument} outside a `<KameleoonProvider>` or `<KameleoonProviderSSR>`
 */
export function useData(): IUseData {
  return useMethods('useData', (client) => ({
    // Both forms of the client's addData (options last or not) go through as they are.
    addData: ((visitorCode: string, ...data: KameleoonDataType[]) => client().addData(visitorCode, ...data)) as IUseData['addData'],
    flush: (first?: string | { visitorCode?: string; instant?: boolean }, instant?: boolean) =>
      client().flush(typeof first === 'object' && first !== null ? first : instant === undefined ? first : { visitorCode: first, instant }),
    flushInstant: (visitorCode) => client().flushInstant(visitorCode),
    trackConversion: (params) => client().trackConversion(params),
    getRemoteData: (params) => client().getRemoteData(params),
    getRemoteVisitorData: (params) => client().getRemoteVisitorData(params),
    getVisitorWarehouseAudience: (params) => client().getVisitorWarehouseAudience(params),
  }));
}

/**
 * The client's `getVisitorCode` and `setLegalConsent`, bound to the provider's client.
 * @throws {@link InvalidArgument} outside a `<KameleoonProvider>` or `<KameleoonProviderSSR>`
 */
export function useVisitorCode(): IUseVisitorCode {
  return useMethods('useVisitorCode', (client) => ({
    getVisitorCode: (defaultVisitorCode) => client().getVisitorCode(defaultVisitorCode),
    setLegalConsent: (visitorCode, consent) => client().setLegalConsent(visitorCode, consent),
  }));
}

/**
 * The client's `setLogLevel`, bound to the provider's client.
 * @throws {@link InvalidArgument} outside a `<KameleoonProvider>` or `<KameleoonProviderSSR>`
 */
export function useLog(): IUseLog {
  return useMethods('useLog', (client) => ({ setLogLevel: (level) => client().setLogLevel(level) }));
}

/**
 * The provider's client (created by {@link KameleoonProviderSSR} on first use: a stub client on
 * a server render).
 * @throws {@link InvalidArgument} outside a `<KameleoonProvider>` or `<KameleoonProviderSSR>`
 */
export function useKameleoon(): KameleoonClient {
  return clientOf(useKameleoonContext('useKameleoon'));
}
