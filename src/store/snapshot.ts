import type { KameleoonClientBase as KameleoonClient } from '../client/kameleoonClient.ts';
import type { Variable, Variation } from '../client/types.ts';
import type { ConfigurationJson } from '../config/types.ts';
import { InvalidArgument } from '../errors.ts';
import { cookieVisitorCode, decodeCookieValue, VISITOR_CODE_COOKIE } from '../visitor/visitorCode.ts';

/** A variation as plain JSON (its variables as `[key, type, value]` entries). */
export interface SnapshotVariation {
  key: string;
  id: number | null;
  experimentId: number | null;
  name: string;
  variables: [key: string, type: Variable['type'], value: Variable['value']][];
}

/**
 * What a server hands to the browser for one visitor: the configuration it evaluated with, the
 * variation of each flag, and the flags whose exposure the server already tracked. JSON-safe.
 */
export interface KameleoonSnapshot {
  visitorCode: string;
  /** The configuration document, so the browser client starts without a request. */
  configuration: ConfigurationJson | undefined;
  /** Variation by feature key (flags that could not be evaluated are absent). */
  results: Record<string, SnapshotVariation>;
  /** Feature keys whose exposure the server tracked: the browser does not track them again. */
  tracked: string[];
}

/** Options of {@link createSnapshot}. */
export interface SnapshotOptions {
  visitorCode: string;
  /** Flags to evaluate; default every flag of the configuration. */
  featureKeys?: string[];
  /** Track the exposures on the server (default false: the browser tracks them after hydration). */
  track?: boolean;
  /** Embed the configuration document (default true). Without it, the browser fetches or uses its cache. */
  includeConfiguration?: boolean;
}

/** A Variation as JSON. */
function toSnapshotVariation(variation: Variation): SnapshotVariation {
  const { key, id, experimentId, name } = variation;
  return { key, id, experimentId, name, variables: [...variation.variables.values()].map((v) => [v.key, v.type, v.value]) };
}

/** A Variation from JSON. */
export function fromSnapshotVariation(snapshot: SnapshotVariation): Variation {
  const { key, id, experimentId, name } = snapshot;
  return { key, id, experimentId, name, variables: new Map(snapshot.variables.map(([k, type, value]) => [k, { key: k, type, value } as Variable])) };
}

/**
 * Server-side rendering: evaluates the visitor's flags on the server and returns what the browser
 * needs to render the same thing on its first render (pass it to `<KameleoonProvider snapshot>`).
 * @throws NotInitialized, VisitorCodeInvalid
 */
export function createSnapshot(client: KameleoonClient, options: SnapshotOptions): KameleoonSnapshot {
  if (options == null || typeof options !== 'object') throw new InvalidArgument('createSnapshot(client, { visitorCode, featureKeys?, track? })');
  const { visitorCode, track = false, includeConfiguration = true } = options;
  if (options.featureKeys !== undefined && !Array.isArray(options.featureKeys)) throw new InvalidArgument('createSnapshot(): featureKeys must be an array of feature keys.');
  const featureKeys = options.featureKeys ?? client.getFeatureFlags().map((flag) => flag.key);
  const results: Record<string, SnapshotVariation> = {};
  const tracked: string[] = [];
  for (const featureKey of featureKeys) {
    const { variation } = client.getVariationDetails({ visitorCode, featureKey, track });
    if (!variation) continue;
    results[featureKey] = toSnapshotVariation(variation);
    if (track) tracked.push(featureKey);
  }
  return { visitorCode, configuration: includeConfiguration ? client.getConfigurationJson() : undefined, results, tracked };
}

/**
 * The visitor code from a cookie store such as Next.js's `cookies()` (in a server component), or
 * undefined when the visitor has none yet (the middleware helper sets it on a first visit).
 */
export function visitorCodeFromCookies(cookies: { get(name: string): { value: string } | undefined }): string | undefined {
  if (cookies == null || typeof cookies.get !== 'function') throw new InvalidArgument('visitorCodeFromCookies() takes a cookie store with get(name), such as the one of Next.js cookies().');
  const value: unknown = cookies.get(VISITOR_CODE_COOKIE)?.value;
  if (!value || typeof value !== 'string') return undefined;
  return cookieVisitorCode(decodeCookieValue(value));
}
