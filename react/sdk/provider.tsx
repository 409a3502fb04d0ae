import { createContext, memo, useContext, useEffect, useMemo, useRef, useState, type JSX, type MemoExoticComponent, type ReactNode } from 'react';
import { InvalidArgument, type KameleoonClient } from '../../src/browser.ts';
import { createClient, type SDKParameters } from './createClient.ts';
import { msg } from '../../src/logging/msg.ts';

/**
 * What the providers share with the hooks, as in the official React SDK: the client, or (from
 * {@link KameleoonProviderSSR}) the parameters to create it when a hook method first needs it.
 */
export type KameleoonContextType = {
  /** The client the hook methods call; null until {@link KameleoonProviderSSR} has created it. */
  kameleoonClient: KameleoonClient | null;
  /** Parameters of the client to create (from {@link KameleoonProviderSSR}), else null. */
  sdkParameters: SDKParameters | null;
};

/** The React context the providers fill and the hooks read; null outside a provider. */
export const KameleoonContext = createContext<KameleoonContextType | null>(null);

/** Props of {@link KameleoonProvider}. */
export interface IKameleoonProviderProps {
  /** Child elements of the provider. */
  children: ReactNode;
  /** The client the hooks use (see {@link createClient}). */
  client: KameleoonClient;
}

/** Props of {@link KameleoonProviderSSR}. */
export interface IKameleoonProviderSSRProps {
  /** Child elements of the provider. */
  children: ReactNode;
  /** Parameters of the client the provider creates (see {@link createClient}); read on the first render only. */
  sdkParameters: SDKParameters;
}

function isClient(value: unknown): value is KameleoonClient {
  return typeof value === 'object' && value !== null && typeof (value as KameleoonClient).getVariation === 'function';
}

function KameleoonProviderImpl({ client, children }: IKameleoonProviderProps): JSX.Element {
  if (!isClient(client)) throw new InvalidArgument(msg`<KameleoonProvider> needs a client: <KameleoonProvider client={createClient({ siteCode })}>.`);
  const value = useMemo<KameleoonContextType>(() => ({ kameleoonClient: client, sdkParameters: null }), [client]);
  return <KameleoonContext.Provider value={value}>{children}</KameleoonContext.Provider>;
}

/**
 * Gives the hooks below it access to `client`, as the official React SDK's provider does. The
 * client is neither initialized nor closed by the provider: call `initialize()` (from
 * {@link useInitialize}) once, e.g. in an effect.
 * @throws {@link InvalidArgument} when `client` is not a KameleoonClient
 */
export const KameleoonProvider: MemoExoticComponent<(props: IKameleoonProviderProps) => JSX.Element> = memo(KameleoonProviderImpl);

function KameleoonProviderSSRImpl({ sdkParameters, children }: IKameleoonProviderSSRProps): JSX.Element {
  if (typeof sdkParameters !== 'object' || sdkParameters === null) {
    throw new InvalidArgument(msg`<KameleoonProviderSSR> needs its client's parameters: <KameleoonProviderSSR sdkParameters={{ siteCode }}>.`);
  }
  const [value] = useState<KameleoonContextType>(() => ({ kameleoonClient: null, sdkParameters }));
  // The client created for this provider (if a hook method needed one) is closed when the provider
  // goes away; a tick later, so that StrictMode's unmount and remount keep it.
  const pendingClose = useRef<{ cancelled: boolean } | null>(null);
  useEffect(() => {
    if (pendingClose.current) pendingClose.current.cancelled = true;
    return () => {
      const token = { cancelled: false };
      pendingClose.current = token;
      void Promise.resolve().then(() => {
        if (token.cancelled) return;
        void value.kameleoonClient?.close();
        // Shown again (React's <Activity>, a router's cache): the next hook method that needs a
        // client creates a new one, as on the first.
        value.kameleoonClient = null;
      });
    };
  }, [value]);
  return <KameleoonContext.Provider value={value}>{children}</KameleoonContext.Provider>;
}

/**
 * Gives the hooks below it a client created from `sdkParameters` when a hook method first needs
 * one, as the official React SDK's SSR provider does, and never throws during a server render: on
 * a server (no `window`) the hook methods act on a stub client (`initialize()` resolves false,
 * `getVisitorCode()` returns `''`, evaluations throw `NotInitialized`; no request, no timer); in
 * the browser one client is created per provider, initialized when the app calls
 * `initialize()`, and closed when the provider unmounts. The parameters' `stubMode` is not read:
 * the official provider creates a working client, and the server a stub one.
 * @throws {@link InvalidArgument} when `sdkParameters` is missing
 */
export const KameleoonProviderSSR: MemoExoticComponent<(props: IKameleoonProviderSSRProps) => JSX.Element> = memo(KameleoonProviderSSRImpl);

/**
 * The provider's context.
 * @throws {@link InvalidArgument} outside a provider
 */
export function useKameleoonContext(hook: string): KameleoonContextType {
  const context = useContext(KameleoonContext);
  if (!context) {
    throw new InvalidArgument(
      msg`Kameleoon SDK hooks must be used within a KameleoonProvider: ${hook}() was called outside one. Wrap your app (or this part of it) in <KameleoonProvider client={createClient({ siteCode })}> or <KameleoonProviderSSR sdkParameters={{ siteCode }}>.`,
    );
  }
  return context;
}

/**
 * The context's client: its `kameleoonClient`, else one created from its `sdkParameters` and kept
 * in it (a stub client on a server, where there is no `window`).
 * @throws {@link InvalidArgument} when the context holds neither
 */
export function clientOf(context: KameleoonContextType): KameleoonClient {
  if (context.kameleoonClient) return context.kameleoonClient;
  const params = context.sdkParameters;
  if (!params) throw new InvalidArgument(msg`The Kameleoon context holds neither a client nor sdkParameters: use <KameleoonProvider client> or <KameleoonProviderSSR sdkParameters>.`);
  const onServer = typeof window === 'undefined';
  context.kameleoonClient = createClient({ ...params, stubMode: onServer });
  return context.kameleoonClient;
}
