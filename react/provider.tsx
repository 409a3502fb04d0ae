import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { InvalidArgument, KameleoonClient } from '../src/browser.ts';
import type { SDKParameters } from '../src/client/options.ts';
import { KameleoonStore } from '../src/store/kameleoonStore.ts';
import type { KameleoonSnapshot } from '../src/store/snapshot.ts';
import { msg } from '../src/logging/msg.ts';

/** What the provider shares with the hooks. */
export interface KameleoonContextValue {
  /** The store of the provider's client (see {@link KameleoonStore}). */
  store: KameleoonStore;
  /** The visitor the hooks evaluate for unless told otherwise. */
  visitorCode: string | undefined;
}

/**
 * The React context the provider fills and the hooks read; null outside a provider. Use the hooks
 * rather than reading it directly.
 */
export const KameleoonContext = createContext<KameleoonContextValue | null>(null);

/**
 * Props of {@link KameleoonProvider}: a `client`, or the `sdkParameters` to create one (in the
 * browser only). Every prop but `children` is read on the first render only.
 */
export type KameleoonProviderProps = {
  /** What the hooks may be used in. */
  children?: ReactNode;
  /** A server snapshot (`createSnapshot`): the first render shows its results, as the server did. */
  snapshot?: KameleoonSnapshot;
  /** The visitor the hooks evaluate for (default: the snapshot's, else the visitor-code cookie). */
  visitorCode?: string;
} & ({ client: KameleoonClient; sdkParameters?: undefined } | { sdkParameters: SDKParameters; client?: undefined });

const isBrowser = () => typeof window !== 'undefined' && typeof document !== 'undefined';

/** A client for the parameters; the snapshot's configuration starts it without a request. */
function createClient(params: SDKParameters, snapshot: KameleoonSnapshot | undefined): KameleoonClient {
  const defaultDataFile = params.configuration?.defaultDataFile ?? snapshot?.configuration;
  return new KameleoonClient({ ...params, configuration: { ...params.configuration, ...(defaultDataFile === undefined ? {} : { defaultDataFile }) } });
}

/**
 * Makes a Kameleoon client available to the hooks below it. Given `sdkParameters`, it creates the
 * client once (in the browser only: a server render works from the snapshot, and starts no timer),
 * initializes it once, also under StrictMode, and closes it on unmount; a `client` passed in is
 * initialized but left open.
 */
export function KameleoonProvider(props: KameleoonProviderProps): ReactNode {
  const { children, snapshot, client: given, sdkParameters } = props;
  const [store] = useState(() => {
    const create = sdkParameters && isBrowser() ? () => createClient(sdkParameters, snapshot) : undefined;
    const client = given ?? create?.();
    return new KameleoonStore(client, { snapshot, owned: given === undefined, create: given ? undefined : create });
  });
  const [visitorCode] = useState(() => {
    if (props.visitorCode !== undefined) return props.visitorCode;
    if (snapshot) return snapshot.visitorCode;
    return isBrowser() ? store.client?.getVisitorCode() : undefined;
  });
  useEffect(() => store.retain(), [store]);
  const value = useMemo(() => ({ store, visitorCode }), [store, visitorCode]);
  return <KameleoonContext.Provider value={value}>{children}</KameleoonContext.Provider>;
}

/**
 * The provider's store and visitor.
 * @throws {@link InvalidArgument} when used outside a KameleoonProvider
 */
export function useKameleoonContext(hook: string): KameleoonContextValue {
  const value = useContext(KameleoonContext);
  if (!value) throw new InvalidArgument(msg`${hook}() must be used inside <KameleoonProvider>: wrap your app (or this part of it) in <KameleoonProvider client={client}> or <KameleoonProvider sdkParameters={{ siteCode }}>.`);
  return value;
}
