/**
 * The `kameleoon-ts/flags-sdk` entry: an adapter of Vercel's Flags SDK (`flags`, with
 * `flags/next` or `flags/sveltekit`) over a kameleoon-ts client. `identify` reads the visitor code
 * from the request's `kameleoonVisitorCode` cookie (it sets none: a Server Component cannot; set
 * it in middleware with `ensureVisitorCodeCookie`), `decide` is the client's decision for that
 * visitor, and {@link getProviderData} lists the flags and their variations for the Flags
 * Explorer. Overrides from the toolbar (the `vercel-flag-overrides` cookie) and precomputed pages
 * are the Flags SDK's own: decided values are JSON, the same for the same visitor. Nothing of the
 * `flags` package is imported at run time (its types only).
 */
import { InvalidArgument, KameleoonClient, visitorCodeFromCookies, type KameleoonClientBase, type SDKParameters } from 'kameleoon-ts';
import type { Adapter, Identify, Origin, ProviderData } from 'flags';
import { msg } from '../logging/msg.ts';

/** What `identify` establishes and `decide` evaluates for: the visitor. */
export interface KameleoonEntities {
  /** The Kameleoon visitor code. */
  visitorCode: string;
}

/**
 * Options of {@link createKameleoonAdapter}: a client (`client`), or the parameters to build one
 * (`siteCode`, `configuration`, `credentials`... as `new KameleoonClient(...)` takes them).
 */
export interface KameleoonAdapterOptions extends Partial<SDKParameters> {
  /** A client of this package, initialized or not (`decide` initializes it). Without it, `siteCode` is required. */
  client?: KameleoonClientBase;
  /** Whether decisions track the exposure, as `getVariation` does (each variation once per visitor). Default true; each adapter method may override it. */
  track?: boolean;
  /** Where the Flags Explorer links each flag: a URL, or a function of the feature key. */
  origin?: string | Origin | ((featureKey: string) => string | Origin | undefined);
}

/** Options of one kind of flag of the adapter. */
export interface KameleoonFlagOptions {
  /** Whether the decision tracks the exposure. Default: the adapter's `track` (true). */
  track?: boolean;
  /**
   * The feature flag to evaluate. Default: the flag's key. The Flags SDK keys its per-request
   * cache and the toolbar's overrides by flag key, so two flags of one feature (its variation and
   * a variable, say) need keys of their own, this option naming the feature (see the README).
   */
  featureKey?: string;
}

/** The adapter: one method per kind of value, and what they share. */
export interface KameleoonAdapter {
  /** Flags whose value is whether the feature flag is active for the visitor (its variation is not `off`). */
  isActive(options?: KameleoonFlagOptions): Adapter<boolean, KameleoonEntities>;
  /** Flags whose value is the key of the visitor's variation. */
  variation(options?: KameleoonFlagOptions): Adapter<string, KameleoonEntities>;
  /**
   * Flags whose value is a variable of the visitor's variation (`false`, `0` and `''` included);
   * a variation without the variable decides nothing, so the flag's `defaultValue` applies.
   */
  variable<T = unknown>(variableKey: string, options?: KameleoonFlagOptions): Adapter<T, KameleoonEntities>;
  /** The visitor of the request: the `kameleoonVisitorCode` cookie; undefined when it has none (no cookie is set). */
  identify: Identify<KameleoonEntities>;
  /** The client the adapter decides with. */
  readonly client: KameleoonClientBase;
  /**
   * Initializes the client (`decide` does it too).
   * @returns a promise of the client, which rejects with its `ConfigurationError` when no configuration could be obtained
   */
  initialize(): Promise<KameleoonClientBase>;
}

const ADAPTER_KEYS = ['client', 'track', 'origin'];

/** The client of adapter options: the one given, or one built from the parameters. */
function clientOf(options: KameleoonAdapterOptions, what: string): KameleoonClientBase {
  if (options === null || typeof options !== 'object') throw new InvalidArgument(msg`${what} takes { client } or the client's parameters { siteCode, configuration?, ... }.`);
  if (options.client !== undefined) {
    if (options.client === null || typeof options.client !== 'object' || typeof options.client.getVariation !== 'function') throw new InvalidArgument(msg`${what}: client must be a KameleoonClient of kameleoon-ts.`);
    const ignored = Object.keys(options).filter((key) => !ADAPTER_KEYS.includes(key));
    // A warning, as the client's own unknown options get (the adapter has no logger: the console).
    if (ignored.length > 0) console.warn(msg`${what}: option(s) ${ignored.join(', ')} ignored (known: ${ADAPTER_KEYS.join(', ')}, or the client's parameters instead of client).`);
    return options.client;
  }
  if (typeof options.siteCode !== 'string') throw new InvalidArgument(msg`${what} needs a client ({ client }) or a site code ({ siteCode, ... }).`);
  const params: Record<string, unknown> = {};
  // The client warns about the keys it does not know.
  for (const [key, value] of Object.entries(options)) if (!ADAPTER_KEYS.includes(key)) params[key] = value;
  return new KameleoonClient(params as unknown as SDKParameters);
}

const checkTrack = (track: unknown, what: string): void => {
  if (track !== undefined && typeof track !== 'boolean') throw new InvalidArgument(msg`${what}: track must be a boolean.`);
};

/**
 * An adapter of the Flags SDK over a kameleoon-ts client:
 * `flag({ key: 'new_checkout', adapter: kameleoon.isActive(), defaultValue: false })`.
 * @param options - `{ client }` or the client's parameters, `track`, `origin`
 * @throws InvalidArgument (of kameleoon-ts) when the options are not an object, have neither `client` nor `siteCode`, or an option has the wrong type
 */
export function createKameleoonAdapter(options: KameleoonAdapterOptions): KameleoonAdapter {
  const client = clientOf(options, 'createKameleoonAdapter()');
  checkTrack(options.track, 'createKameleoonAdapter()');
  const { origin } = options;
  if (origin !== undefined && typeof origin !== 'string' && typeof origin !== 'function' && (typeof origin !== 'object' || origin === null)) throw new InvalidArgument(msg`createKameleoonAdapter(): origin must be a URL, an Origin or a function of the feature key.`);
  // evaluate() batches the flags of one adapterId through one adapter's bulkDecide: an id per kind of value.
  const adapterIds = new Map<string, symbol>();
  const adapterIdOf = (kind: string): symbol => adapterIds.get(kind) ?? adapterIds.set(kind, Symbol(`kameleoon-ts ${kind}`)).get(kind)!;

  const initialize = async (): Promise<KameleoonClientBase> => {
    // Edge clients start each request's load on their own promise; elsewhere it is shared.
    if (!client.isInitialized()) await client.initialize();
    return client;
  };

  const identify: Identify<KameleoonEntities> = ({ cookies }) => {
    const visitorCode = visitorCodeFromCookies(cookies as { get(name: string): { value: string } | undefined });
    return visitorCode === undefined ? undefined : { visitorCode };
  };

  function adapter<T>(what: string, flagOptions: KameleoonFlagOptions | undefined, value: (visitorCode: string, featureKey: string, track: boolean) => T | undefined): Adapter<T, KameleoonEntities> {
    if (flagOptions !== undefined && (flagOptions === null || typeof flagOptions !== 'object')) throw new InvalidArgument(msg`${what} takes { track?, featureKey? }.`);
    checkTrack(flagOptions?.track, what);
    const featureKey = flagOptions?.featureKey;
    if (featureKey !== undefined && (typeof featureKey !== 'string' || featureKey === '')) throw new InvalidArgument(msg`${what}: featureKey must be a non-empty string.`);
    const track = flagOptions?.track ?? options.track ?? true;
    const adapterId = adapterIdOf(`${what} track=${track} featureKey=${featureKey ?? ''}`);
    const decideOne = (key: string, entities: KameleoonEntities | undefined): T | undefined => {
      const visitorCode = entities?.visitorCode;
      if (!visitorCode) {
        throw new InvalidArgument(msg`Flag "${key}": the request has no visitor code (the kameleoonVisitorCode cookie). Set it in middleware with ensureVisitorCodeCookie, or give the flag an identify that returns { visitorCode }.`);
      }
      return value(visitorCode, featureKey ?? key, track);
    };
    return {
      adapterId,
      identify,
      ...(origin === undefined ? {} : { origin: typeof origin === 'function' ? (key: string) => origin(key) : origin }),
      async decide({ key, entities }) {
        await initialize();
        return decideOne(key, entities) as T;
      },
      async bulkDecide({ flags, entities }) {
        await initialize();
        const values: Record<string, T> = {};
        for (const { key } of flags) {
          try {
            const decided = decideOne(key, entities);
            if (decided !== undefined) values[key] = decided;
          } catch {
            // Left out: the Flags SDK falls back to the flag's defaultValue, or rejects without one.
          }
        }
        return values;
      },
    };
  }

  return {
    client,
    identify,
    initialize,
    isActive: (flagOptions) => adapter('isActive()', flagOptions, (visitorCode, featureKey, track) => client.isFeatureFlagActive({ visitorCode, featureKey, track })),
    variation: (flagOptions) => adapter('variation()', flagOptions, (visitorCode, featureKey, track) => client.getVariation({ visitorCode, featureKey, track }).key),
    variable: <T>(variableKey: string, flagOptions?: KameleoonFlagOptions) => {
      if (typeof variableKey !== 'string' || variableKey === '') throw new InvalidArgument(msg`variable(variableKey): variableKey must be a non-empty string.`);
      return adapter<T>(`variable(${JSON.stringify(variableKey)})`, flagOptions, (visitorCode, featureKey, track) => client.getVariation({ visitorCode, featureKey, track }).variables.get(variableKey)?.value as T | undefined);
    },
  };
}

/**
 * The flags of the client's configuration for the Flags Explorer (`/.well-known/vercel/flags`):
 * each feature key with its variations as options (value: the variation key, label: its name),
 * and whether it is enabled in the client's environment. When no configuration can be loaded, no
 * definitions and a hint that says why.
 * @param options - `{ client }` (or the client's parameters), or an adapter; `origin` as the adapter's
 */
export async function getProviderData(options: KameleoonAdapterOptions | KameleoonAdapter): Promise<ProviderData> {
  const adapter = 'isActive' in options && typeof options.isActive === 'function';
  const client = adapter ? (options as KameleoonAdapter).client : clientOf(options as KameleoonAdapterOptions, 'getProviderData()');
  const origin = adapter ? undefined : (options as KameleoonAdapterOptions).origin;
  try {
    if (!client.isInitialized()) await client.initialize();
  } catch (error) {
    return { definitions: {}, hints: [{ key: 'kameleoon-ts/configuration', text: msg`Kameleoon: no configuration could be loaded (${error instanceof Error ? error.message : String(error)}).` }] };
  }
  const definitions: ProviderData['definitions'] = {};
  for (const [featureKey, flag] of client.getDataFile().featureFlags) {
    const at = typeof origin === 'function' ? origin(featureKey) : origin;
    definitions[featureKey] = {
      description: flag.environmentEnabled ? msg`Kameleoon feature flag; default variation ${flag.defaultVariationKey}` : msg`Kameleoon feature flag, disabled in this environment`,
      options: [...flag.variations.values()].map((variation) => ({ value: variation.key, label: variation.name || variation.key })),
      ...(at === undefined ? {} : { origin: at }),
    };
  }
  return { definitions, hints: [] };
}
