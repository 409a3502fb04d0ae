import { KameleoonClient, type ExternalsType as CoreExternalsType, type IExternalPRNG, type IPlatformAnalyzer, type SDKParameters as CoreSDKParameters } from '../../src/browser.ts';

/**
 * The official React SDK's `externals`: the core's (requester, storage, event source, visitor-code
 * manager, logger) plus the two it takes from `_internals`.
 */
export type ExternalsType = CoreExternalsType & {
  /** Random source of tracking nonces and retry jitter (the core's `_internals.prng`). */
  prng?: IExternalPRNG;
  /** Analyzer of the visitor's browser, system, device and page (the core's `_internals.platformAnalyzer`). */
  platformAnalyzer?: IPlatformAnalyzer;
};

/**
 * Parameters of {@link createClient} and of `<KameleoonProviderSSR sdkParameters>`, as in the
 * official React SDK: the core's parameters without `_internals`, whose `prng` and
 * `platformAnalyzer` move to `externals`; `stubMode` makes a client that does nothing (server renders).
 */
export type SDKParameters = Omit<CoreSDKParameters, '_internals' | 'externals'> & {
  /** Replacements of the platform's parts (see {@link ExternalsType}). */
  externals?: ExternalsType;
  /**
   * A client that makes no request and starts no timer: `initialize()` resolves false,
   * `getVisitorCode()` returns `''`, and evaluation methods throw `NotInitialized`. Default false.
   */
  stubMode?: boolean;
};

/** The identity the official React SDK's clients report (tracking, SDK_LANGUAGE conditions). */
const REACT_PACKAGE = { type: 'REACT', version: '10.19.1', isServer: false } as const;

/**
 * Creates a browser {@link KameleoonClient} as the official React SDK does: `externals.prng` and
 * `externals.platformAnalyzer` become the client's internals, and the client reports itself as the
 * React SDK (`REACT` 10.19.1) in tracking and to SDK_LANGUAGE targeting conditions.
 * @param parameters - the site code, and optionally `configuration`, `externals` and `stubMode`
 * (`typeof window === 'undefined'` for code that also renders on a server)
 * @throws {@link SiteCodeIsEmpty} when `siteCode` is empty; {@link InvalidArgument} for a bad option
 */
export function createClient(parameters: SDKParameters): KameleoonClient {
  // Keys the core does not know (a typo...) go through, so that the client warns about them.
  const { externals, ...rest } = parameters ?? ({} as SDKParameters);
  const { prng, platformAnalyzer, ...coreExternals } = externals ?? {};
  return new KameleoonClient({
    ...rest,
    ...(externals === undefined ? {} : { externals: coreExternals }),
    _internals: { packageInfo: { ...REACT_PACKAGE }, ...(prng === undefined ? {} : { prng }), ...(platformAnalyzer === undefined ? {} : { platformAnalyzer }) },
  });
}
