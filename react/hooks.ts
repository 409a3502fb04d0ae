import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore, type MutableRefObject } from 'react';
import { useStore } from 'zustand';
import { VisitorCodeInvalid, type KameleoonClient } from '../src/browser.ts';
import type { Variable, Variation } from '../src/client/types.ts';
import type { KameleoonDataType, CustomData } from '../src/visitor/data.ts';
import type { StatusInfo } from '../src/store/kameleoonStore.ts';
import { useKameleoonContext } from './provider.tsx';
import { msg } from '../src/logging/msg.ts';

/** Options of the flag hooks. */
export interface FlagOptions {
  /** Visitor to evaluate for (default: the provider's visitor). */
  visitorCode?: string;
  /** Track the exposure (once, after the component is shown). Default true. */
  track?: boolean;
}

/** What {@link useFeatureFlag} returns. */
export interface FeatureFlagResult {
  /** Whether the visitor gets a variation other than `off`. */
  active: boolean;
  /** The variation, or null while loading or when the flag cannot be evaluated. */
  variation: Variation | null;
  /** The variation's variables by key; empty while there is no variation. */
  variables: ReadonlyMap<string, Variable>;
  /** The client's status (see {@link useKameleoonStatus}). */
  status: StatusInfo['status'];
}

const NO_VARIABLES: ReadonlyMap<string, Variable> = new Map();

function useVisitor(hook: string, explicit: string | undefined): { visitorCode: string | undefined; context: ReturnType<typeof useKameleoonContext> } {
  const context = useKameleoonContext(hook);
  return { visitorCode: explicit ?? context.visitorCode, context };
}

/**
 * The visitor's variation of `featureKey`: re-renders when it changes (a configuration update,
 * new visitor data), and only then. Null while loading, without a visitor code, or when the flag
 * cannot be evaluated (unknown, disabled...). With `track` (default true), the exposure is
 * tracked once per provider, after the component rendered a variation.
 * @throws {@link InvalidArgument} when used outside a `<KameleoonProvider>`
 */
export function useVariation(featureKey: string, options: FlagOptions = {}): Variation | null {
  const { visitorCode, context } = useVisitor('useVariation', options.visitorCode);
  const { store } = context;
  // Rendering reads without side effects; hydration reads what the server rendered.
  const variation = useSyncExternalStore(
    store.state.subscribe,
    () => (visitorCode === undefined ? null : store.variation(visitorCode, featureKey)),
    () => (visitorCode === undefined ? null : store.serverVariation(visitorCode, featureKey)),
  );
  const track = options.track ?? true;
  useEffect(() => {
    if (visitorCode !== undefined && variation) store.trackExposure(visitorCode, featureKey, track, variation.key);
  }, [store, track, visitorCode, featureKey, variation]);
  return variation;
}

/**
 * Whether the flag is on for the visitor (a variation other than `off`), with its variation,
 * variables and the client's status. Tracks as {@link useVariation}.
 * @throws {@link InvalidArgument} when used outside a `<KameleoonProvider>`
 */
export function useFeatureFlag(featureKey: string, options: FlagOptions = {}): FeatureFlagResult {
  const variation = useVariation(featureKey, options);
  const { store } = useKameleoonContext('useFeatureFlag');
  const status = useStore(store.state, (s) => s.status.status);
  return useMemo(
    () => ({ active: variation !== null && variation.key !== 'off', variation, variables: variation?.variables ?? NO_VARIABLES, status }),
    [variation, status],
  );
}

/**
 * The value of one variable of the visitor's variation of `featureKey` (undefined when absent or
 * while there is no variation). Tracks as {@link useVariation}.
 * @throws {@link InvalidArgument} when used outside a `<KameleoonProvider>`
 */
export function useFeatureVariable(featureKey: string, variableKey: string, options: FlagOptions = {}): Variable['value'] | undefined {
  return useVariation(featureKey, options)?.variables.get(variableKey)?.value;
}

interface VariationsCache {
  keys: string;
  values: (Variation | null)[];
  map: ReadonlyMap<string, Variation>;
}

/** The variations of `keys` as a Map, rebuilt only when one of them (all stable objects) or the key list changes. */
function variationsOf(cache: MutableRefObject<VariationsCache | null>, keys: readonly string[], variation: (key: string) => Variation | null): ReadonlyMap<string, Variation> {
  const values = keys.map(variation);
  const signature = keys.join('\u0000');
  const previous = cache.current;
  if (previous && previous.keys === signature && previous.values.every((v, i) => v === values[i])) return previous.map;
  const map = new Map<string, Variation>();
  keys.forEach((key, i) => {
    const value = values[i];
    if (value) map.set(key, value);
  });
  cache.current = { keys: signature, values, map };
  return map;
}

/**
 * The visitor's variations of several flags (default: every flag of the configuration), as a Map;
 * flags that cannot be evaluated are left out. Re-renders when any of them changes. With `track`
 * (default true), each exposure is tracked once per provider.
 * @throws {@link InvalidArgument} when used outside a `<KameleoonProvider>`
 */
export function useVariations(featureKeys?: readonly string[], options: FlagOptions = {}): ReadonlyMap<string, Variation> {
  const { visitorCode, context } = useVisitor('useVariations', options.visitorCode);
  const { store } = context;
  const cache = useRef<VariationsCache | null>(null);
  const serverCache = useRef<VariationsCache | null>(null);
  // Before the client has a configuration, the flags a server snapshot holds for the visitor.
  const allKeys = () => (store.client?.isInitialized() ? store.client.getFeatureFlags().map((f) => f.key) : (store.serverFeatureKeys(visitorCode) ?? []));
  const result = useSyncExternalStore(
    store.state.subscribe,
    () => variationsOf(cache, featureKeys ?? allKeys(), (key) => (visitorCode === undefined ? null : store.variation(visitorCode, key))),
    () => variationsOf(serverCache, featureKeys ?? store.serverFeatureKeys(visitorCode) ?? allKeys(), (key) => (visitorCode === undefined ? null : store.serverVariation(visitorCode, key))),
  );
  const track = options.track ?? true;
  useEffect(() => {
    if (visitorCode === undefined) return;
    for (const [key, variation] of result) store.trackExposure(visitorCode, key, track, variation.key);
  }, [store, track, visitorCode, result]);
  return result;
}

/**
 * The provider's visitor code: its `visitorCode` prop, else the snapshot's, else (in a browser)
 * the client's `getVisitorCode()`; undefined on a server render without either.
 * @throws {@link InvalidArgument} when used outside a `<KameleoonProvider>`
 */
export function useVisitorCode(): string | undefined {
  return useKameleoonContext('useVisitorCode').visitorCode;
}

/**
 * The client's status: loading, ready, stale or error, with the reason of the last two (see {@link KameleoonStatus}).
 * @throws {@link InvalidArgument} when used outside a `<KameleoonProvider>`
 */
export function useKameleoonStatus(): StatusInfo {
  const { store } = useKameleoonContext('useKameleoonStatus');
  return useStore(store.state, (s) => s.status);
}

/** What {@link useKameleoon} returns: the client and actions that re-render the flags they affect. */
export interface KameleoonActions {
  /** The provider's client; undefined on a server render. */
  client: KameleoonClient | undefined;
  /** The provider's visitor code (see {@link useVisitorCode}). */
  visitorCode: string | undefined;
  /**
   * `client.addData` for the provider's visitor.
   * @throws {@link VisitorCodeInvalid} when the provider has no visitor code; what `client.addData` throws
   * (`NotInitialized` before the configuration is loaded...)
   */
  addData(...data: KameleoonDataType[]): void;
  /**
   * `client.trackConversion` for `visitorCode` (default the provider's visitor).
   * @throws {@link VisitorCodeInvalid} when there is no visitor code; what `client.trackConversion` throws
   */
  trackConversion(params: { goalId: number; revenue?: number; negative?: boolean; metadata?: CustomData[]; visitorCode?: string }): void;
  /**
   * `client.flush` for `visitorCode` (default the provider's visitor; every visitor when there is
   * none); `instant` sends at once.
   * @throws what `client.flush` throws (`NotInitialized` before the configuration is loaded...)
   */
  flush(options?: { visitorCode?: string; instant?: boolean }): void;
  /**
   * `client.setLegalConsent` for `visitorCode` (default the provider's visitor).
   * @throws {@link VisitorCodeInvalid} when there is no visitor code; what `client.setLegalConsent` throws
   */
  setLegalConsent(consent: boolean, visitorCode?: string): void;
}

/**
 * The client and the provider visitor's actions. What changes a visitor's data (`addData`,
 * `trackConversion`, `setLegalConsent`, or the client's own methods) re-evaluates the flags on
 * screen; on a server render (no client) the actions do nothing.
 * @throws {@link InvalidArgument} when used outside a `<KameleoonProvider>`
 */
export function useKameleoon(): KameleoonActions {
  const { store, visitorCode } = useKameleoonContext('useKameleoon');
  const client = store.client as KameleoonClient | undefined;
  const target = useCallback(
    (explicit: string | undefined) => {
      const code = explicit ?? visitorCode;
      if (code === undefined) throw new VisitorCodeInvalid('VisitorCodeEmpty', msg`No visitor code: pass one, or give <KameleoonProvider> a visitorCode or snapshot.`);
      return code;
    },
    [visitorCode],
  );
  return useMemo(
    () => ({
      client,
      visitorCode,
      addData: (...data: KameleoonDataType[]) => client?.addData(target(undefined), ...data),
      trackConversion: ({ visitorCode: explicit, ...params }) => client?.trackConversion({ visitorCode: target(explicit), ...params }),
      flush: (options = {}) => client?.flush({ visitorCode: options.visitorCode ?? visitorCode, instant: options.instant }),
      setLegalConsent: (consent: boolean, explicit?: string) => client?.setLegalConsent(target(explicit), consent),
    }),
    [client, visitorCode, target],
  );
}
