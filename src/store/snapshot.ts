import type { KameleoonClientBase as KameleoonClient } from '../client/kameleoonClient.ts';
import type { Variable, Variation } from '../client/types.ts';
import type { ConfigurationJson } from '../config/types.ts';
import { InvalidArgument } from '../errors.ts';
import { cookieVisitorCode, decodeCookieValue, validateVisitorCode, VISITOR_CODE_COOKIE } from '../visitor/visitorCode.ts';

/** A variation as plain JSON (its variables as `[key, type, value]` entries). */
export interface SnapshotVariation {
  /** The variation's key (`Variation.key`). */
  key: string;
  /** The variation id; null for the default variation (`Variation.id`). */
  id: number | null;
  /** The experiment id of the rule that assigned it; null for the default variation (`Variation.experimentId`). */
  experimentId: number | null;
  /** The variation's name (`Variation.name`). */
  name: string;
  /** The variables, as `[key, type, value]` entries. */
  variables: [key: string, type: Variable['type'], value: Variable['value']][];
}

/**
 * What a server hands to the browser for one visitor: the configuration it evaluated with, the
 * variation of each flag, and the flags whose exposure the server already tracked. JSON-safe.
 */
export interface KameleoonSnapshot {
  /** The visitor the results are for. */
  visitorCode: string;
  /** The configuration document, so the browser client starts without a request; undefined when not included. */
  configuration: ConfigurationJson | undefined;
  /** Variation by feature key (flags that could not be evaluated are absent). */
  results: Record<string, SnapshotVariation>;
  /** Feature keys whose exposure the server tracked: the browser does not track them again. */
  tracked: string[];
}

/** Options of {@link createSnapshot}. */
export interface SnapshotOptions {
  /** The visitor to evaluate for (e.g. from {@link visitorCodeFromCookies} or `ensureVisitorCodeCookie`). */
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
 * Never throws for a flag: a flag that cannot be evaluated (unknown, disabled, a client not
 * initialized) is left out of `results`.
 * @param client - an initialized client
 * @throws {@link NotInitialized} when `featureKeys` is omitted and the client has no configuration yet
 * @throws {@link InvalidArgument} when `options` is not an object or `featureKeys` is not an array
 * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty or longer than 255 characters
 */
export function createSnapshot(client: KameleoonClient, options: SnapshotOptions): KameleoonSnapshot {
  if (options == null || typeof options !== 'object') throw new InvalidArgument('createSnapshot(client, { visitorCode, featureKeys?, track? })');
  const { visitorCode, track = false, includeConfiguration = true } = options;
  validateVisitorCode(visitorCode);
  if (options.featureKeys !== undefined && !Array.isArray(options.featureKeys)) throw new InvalidArgument('createSnapshot(): featureKeys must be an array of feature keys.');
  const featureKeys = options.featureKeys ?? client.getFeatureFlags().map((flag) => flag.key);
  const results: Record<string, SnapshotVariation> = {};
  const tracked: string[] = [];
  // Where consent is required, an experiment's exposure may wait for it on the server: left for
  // the browser to track (it tracks with the consent it has), rather than lost.
  const consentRequired = (client.getConfigurationJson() as { configuration?: { consentType?: unknown } } | undefined)?.configuration?.consentType === 'REQUIRED';
  for (const featureKey of featureKeys) {
    const { variation, reason } = client.getVariationDetails({ visitorCode, featureKey, track });
    if (!variation) continue;
    results[featureKey] = toSnapshotVariation(variation);
    if (track && (!consentRequired || (reason.kind === 'RULE_MATCH' && reason.ruleType === 'TARGETED_DELIVERY'))) tracked.push(featureKey);
  }
  return { visitorCode, configuration: includeConfiguration ? client.getConfigurationJson() : undefined, results, tracked };
}

/**
 * The visitor code from a cookie store such as Next.js's `cookies()` (in a server component; await
 * it where it is asynchronous), or undefined when the visitor has none yet or its code is not
 * valid (the middleware helper `ensureVisitorCodeCookie` sets it on a first visit).
 * @throws {@link InvalidArgument} when `cookies` has no `get` method (e.g. a Promise of the store)
 */
export function visitorCodeFromCookies(cookies: { get(name: string): { value: string } | undefined }): string | undefined {
  if (cookies == null || typeof cookies.get !== 'function') throw new InvalidArgument('visitorCodeFromCookies() takes a cookie store with get(name), such as the one of Next.js cookies().');
  const value: unknown = cookies.get(VISITOR_CODE_COOKIE)?.value;
  if (!value || typeof value !== 'string') return undefined;
  return cookieVisitorCode(decodeCookieValue(value));
}
