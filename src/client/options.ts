import { InvalidArgument, SiteCodeIsEmpty } from '../errors.ts';
import type { ConfigurationJson } from '../config/types.ts';
import type { ExternalsType, IExternalPRNG, IPlatformAnalyzer, KameleoonResponseType } from '../platform/platform.ts';
import type { PackageInfo } from '../targeting/types.ts';
import type { OutboxLimits } from '../tracking/outbox.ts';
import { describeValue } from '../visitor/data.ts';
import { toWellFormed } from '../visitor/encode.ts';
import { msg } from '../logging/msg.ts';

/**
 * Base URLs that replace Kameleoon's hosts (self-hosted proxies, the local dev server), e.g.
 * `http://127.0.0.1:8787`; trailing slashes are ignored, and so is an empty string. Each one wins
 * over `networkDomain`.
 */
export interface EndpointsType {
  /** Base URL of the configuration: `<base>/v3/<siteCode>`. Default `https://sdk-config.kameleoon.eu`. */
  configuration?: string;
  /**
   * Base URL tracking is posted to: `<base>/visit/events`. Default the Data API host of the
   * configuration (its `dataApiDomain`, else `https://data.kameleoon.io`); `dataApi` does not change it.
   */
  tracking?: string;
  /** Base URL of the real-time stream: `<base>/sse?siteCode=…`. Default `https://events.kameleoon.eu:8110`. */
  realTime?: string;
  /**
   * Base URL of the Data API read by `getRemoteData`, `getRemoteVisitorData` and
   * `getVisitorWarehouseAudience`. Default the configuration's `dataApiDomain`, else `https://data.kameleoon.io`.
   */
  dataApi?: string;
  /** Base URL of the OAuth token endpoint (`<api>/oauth/token`), default `https://api.kameleoon.com`. */
  api?: string;
}

/** Client configuration, with the official SDK's names, units and defaults. */
export interface SDKConfigurationType {
  /**
   * Environment of the configuration to fetch (`production`, `staging`, `development` or any other
   * name). Default `production`; an empty string or a non-string also means `production`.
   */
  environment: string;
  /**
   * Minutes between configuration refreshes (polling, while the stream is off). Default 60; less
   * than 1 counts as 1. `dataFileRefreshInterval` is its newer name and wins when both are given.
   */
  updateInterval: number;
  /**
   * The official SDK's newer name of `updateInterval` (React SDK 10.28): minutes between
   * configuration refreshes, and the age from which a cached configuration is refreshed. Default 60.
   */
  dataFileRefreshInterval: number;
  /**
   * Minutes a cached configuration (browser storage, or `externals.storage` on a server) may serve
   * `initialize()` at once, as the official SDK's `dataFileCacheTtl`: younger than
   * `dataFileRefreshInterval`, it is used as it is; older but younger than this TTL, it is used at
   * once and refreshed in the background; older still, `initialize()` waits for a fresh one (the
   * cache stays the fallback when that fails). 0 makes `initialize()` wait whenever a refresh is
   * due. Default 90.
   */
  dataFileCacheTtl: number;
  /** Milliseconds before a request (configuration, tracking, Data API) is abandoned. Default 10 000. */
  requestTimeout: number;
  /**
   * Milliseconds between tracking batches: 1000 (the default) to 5000, as the official SDK 4.18;
   * a value outside is clamped, with a warning.
   */
  trackingInterval: number;
  /**
   * Milliseconds `close()` may take to send what tracking holds: it resolves as soon as the server
   * accepted every queued line, else at this deadline, reporting what is left (a warning, and
   * `getTrackingStatus().queued`; browsers keep it for the next page). Default 5000; 0 or less
   * sends nothing more (a request in flight is abandoned).
   */
  closeTimeout: number;
  /**
   * Minutes between clean-ups of stored targeting data, as in the official SDK (less than 1 counts
   * as 1). Accepted and checked, but no clean-up uses it: it has no effect.
   */
  targetingDataCleanupInterval: number | undefined;
  /**
   * Domain attribute of the visitor-code cookie (e.g. `example.com`, so subdomains share it):
   * lower-cased, protocol and surrounding dots removed. An invalid domain is ignored (the cookie
   * is then set without a domain). Default none.
   */
  cookieDomain: string | undefined;
  /**
   * A domain that replaces Kameleoon's in every host: `sdk-config.<d>`, `events.<d>`, `data.<d>`
   * (normalized as `cookieDomain`; an invalid one is ignored). `endpoints` win over it.
   */
  networkDomain: string | undefined;
  /**
   * A configuration to start with when there is no recent cached one: the JSON text or the object
   * of `GET /v3/<siteCode>`. `initialize()` resolves with it at once and fetches in the
   * background; it throws a {@link ConfigurationError} when this one is invalid.
   */
  defaultDataFile: string | ConfigurationJson | undefined;
  /**
   * Minutes of inactivity after which a server forgets a visitor (its data and assignments).
   * Default 30; 0 or less keeps visitors forever. Browsers ignore it.
   */
  sessionDuration: number;
  /** Host overrides (see {@link EndpointsType}). Default none. */
  endpoints: EndpointsType;
  /**
   * Authentication of Data API requests (Kameleoon's server SDKs' `client_id`): with
   * `clientSecret`, those requests carry an OAuth token from `<endpoints.api>/oauth/token`.
   * Servers only: the browser build warns and sends no token (a secret in a page is public).
   * Default none.
   */
  clientId: string | undefined;
  /** The secret of `clientId` (the server SDKs' `client_secret`). Default none. */
  clientSecret: string | undefined;
}

/** Internal knobs (the official SDK's `_internals`), for tests and wrappers. */
export interface InternalsType {
  /**
   * Replaces the SDK's identity (`{ type, version, isServer }`): the type and version are sent with
   * the configuration request and tracking, and read by SDK_LANGUAGE conditions; `isServer`
   * switches to server behaviour (no storage, no data collected from the page, visitors forgotten
   * after `sessionDuration`). Default the entry's own.
   */
  packageInfo?: PackageInfo;
  /**
   * Replaces the random source of tracking nonces and of the jitter of retries and polling.
   * Visitor codes keep the platform's cryptographic source. Default `crypto.getRandomValues`.
   */
  prng?: IExternalPRNG;
  /**
   * Replaces the browser's analyzer of the user agent and page (the official SDK's): an object with
   * `getResult()`; `{ getResult: () => ({}) }` collects nothing. Servers collect nothing either way.
   */
  platformAnalyzer?: IPlatformAnalyzer;
  /**
   * Bounds of the tracking queue and its retry timings (tests).
   * @internal
   */
  trackingLimits?: Partial<OutboxLimits>;
  /**
   * The lowest `trackingInterval` accepted (tests run faster ticks than the official 1000 ms).
   * @internal
   */
  minTrackingInterval?: number;
  /**
   * The answer of a configuration request already started (the browser's first stage starts it
   * before the rest of the client has loaded): the first fetch without a cached configuration uses it.
   * @internal
   */
  configurationResponse?: Promise<KameleoonResponseType>;
  /**
   * Fleets (`externals.sharedStore`): milliseconds between configuration refreshes, replacing
   * `updateInterval` (tests of fleets switching versions, which would otherwise wait a minute at least).
   * @internal
   */
  updateIntervalMs?: number;
  /**
   * Fleets (`externals.sharedStore`): milliseconds between the configuration lock's heartbeats
   * (default 10 s, the lock lasting three and a request timeout), for tests of a holder that dies.
   * @internal
   */
  lockHeartbeatMs?: number;
}

/** OAuth credentials of the Data API (the official Node SDK's `credentials`). */
export interface CredentialsType {
  /** The API client id (Kameleoon app, "API credentials"). */
  clientId: string;
  /** Its secret. */
  clientSecret: string;
}

/** Parameters of `new KameleoonClient(...)`. */
export interface SDKParameters {
  /** The project's site code (Kameleoon app). Must be a non-empty string. */
  siteCode: string;
  /**
   * The official Node SDK's form of `configuration.clientId` and `configuration.clientSecret`:
   * Data API requests then carry an OAuth token. Either place works; `configuration` wins.
   */
  credentials?: CredentialsType;
  /**
   * The official SDK's stub mode: the client makes no request and starts no timer;
   * `initialize()` resolves false, `getVisitorCode()` returns `''`, and the methods that need a
   * configuration throw {@link NotInitialized}. For server renders of browser code. Default false.
   */
  stubMode?: boolean;
  /** Settings; each one left out takes its default (see {@link SDKConfigurationType}). */
  configuration?: Partial<SDKConfigurationType>;
  /** Replacements of the platform's requester, storage, event source, cookie manager and logger. */
  externals?: ExternalsType;
  /** Internal knobs (the official SDK's `_internals`), for tests and wrappers. */
  _internals?: InternalsType;
}

const DOMAIN = /^(\.?(([a-zA-Z\d][a-zA-Z\d-]*[a-zA-Z\d])|[a-zA-Z\d]))(\.(([a-zA-Z\d][a-zA-Z\d-]*[a-zA-Z\d])|[a-zA-Z\d])){1,126}$/;

/** Lower-cases a domain and strips its protocol and surrounding dots; undefined when invalid. */
function normalizeDomain(domain: string | undefined): string | undefined {
  if (!domain) return undefined;
  const d = domain.toLowerCase().replace(/^https?:\/\//, '').replace(/^\.+|\.+$/g, '');
  return DOMAIN.test(d) || d === 'localhost' ? d : undefined;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidArgument(msg`configuration.${name} must be a string.`);
  return value;
}

function numberOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgument(msg`configuration.${name} must be a number, got ${describeValue(value)}.`);
  return value;
}

function endpointsOption(value: unknown): EndpointsType {
  if (value == null) return {};
  if (typeof value !== 'object') throw new InvalidArgument(msg`configuration.endpoints must be an object of base URLs.`);
  const e = value as Record<keyof EndpointsType, unknown>;
  const endpoints: EndpointsType = {};
  for (const key of ['configuration', 'tracking', 'realTime', 'dataApi', 'api'] as const) {
    const url = optionalString(e[key], `endpoints.${key}`);
    if (url !== undefined) endpoints[key] = url;
  }
  return endpoints;
}

/** URLs are built with encodeURIComponent, which throws on a lone surrogate. */
function requireWellFormed(value: string, name: string): string {
  if (toWellFormed(value) !== value) throw new InvalidArgument(msg`${name} holds an unpaired surrogate (a character cut in half): ${describeValue(value)}.`);
  return value;
}

/**
 * Validates the constructor parameters and applies the official defaults and bounds.
 * @throws SiteCodeIsEmpty, InvalidArgument
 */
export function resolveOptions(params: SDKParameters): { siteCode: string; config: SDKConfigurationType; stubMode: boolean } {
  if (params == null || typeof params !== 'object') {
    throw new InvalidArgument(msg`new KameleoonClient() takes { siteCode, configuration?, externals? }.`);
  }
  if (typeof params.siteCode !== 'string') throw new InvalidArgument(msg`siteCode must be a string, got ${typeof params.siteCode}.`);
  if (params.siteCode.trim() === '') throw new SiteCodeIsEmpty();
  requireWellFormed(params.siteCode, 'siteCode');
  const c = params.configuration ?? {};
  if (typeof c !== 'object') throw new InvalidArgument(msg`configuration must be an object.`);
  const cleanup = c.targetingDataCleanupInterval;
  const refreshInterval = Math.max(1, numberOption(c.dataFileRefreshInterval ?? c.updateInterval, c.dataFileRefreshInterval === undefined ? 'updateInterval' : 'dataFileRefreshInterval', 60));
  const credentials = params.credentials;
  if (credentials != null && typeof credentials !== 'object') throw new InvalidArgument(msg`credentials must be { clientId, clientSecret }.`);
  if (params.stubMode !== undefined && typeof params.stubMode !== 'boolean') throw new InvalidArgument(msg`stubMode must be a boolean, got ${describeValue(params.stubMode)}.`);
  return {
    stubMode: params.stubMode === true,
    siteCode: params.siteCode,
    config: {
      environment: typeof c.environment === 'string' && c.environment !== '' ? requireWellFormed(c.environment, 'configuration.environment') : 'production',
      updateInterval: refreshInterval,
      dataFileRefreshInterval: refreshInterval,
      dataFileCacheTtl: Math.max(0, numberOption(c.dataFileCacheTtl, 'dataFileCacheTtl', 90)),
      requestTimeout: numberOption(c.requestTimeout, 'requestTimeout', 10_000),
      trackingInterval: Math.min(5000, Math.max(params._internals?.minTrackingInterval ?? 1000, numberOption(c.trackingInterval, 'trackingInterval', 1000))),
      closeTimeout: numberOption(c.closeTimeout, 'closeTimeout', 5_000),
      targetingDataCleanupInterval: cleanup === undefined ? undefined : Math.max(1, numberOption(cleanup, 'targetingDataCleanupInterval', 1)),
      cookieDomain: normalizeDomain(optionalString(c.cookieDomain, 'cookieDomain')),
      networkDomain: normalizeDomain(optionalString(c.networkDomain, 'networkDomain')),
      defaultDataFile: c.defaultDataFile,
      sessionDuration: numberOption(c.sessionDuration, 'sessionDuration', 30),
      endpoints: endpointsOption(c.endpoints),
      clientId: optionalString(c.clientId ?? credentials?.clientId, 'clientId'),
      clientSecret: optionalString(c.clientSecret ?? credentials?.clientSecret, 'clientSecret'),
    },
  };
}

/** URL of the configuration of `siteCode`. */
export function configurationUrl(siteCode: string, config: SDKConfigurationType): string {
  const base = config.endpoints.configuration ?? `https://sdk-config.${config.networkDomain ?? 'kameleoon.eu'}`;
  const env = config.environment === 'production' ? '' : `?environment=${encodeURIComponent(config.environment)}`;
  return `${base.replace(/\/+$/, '')}/v3/${encodeURIComponent(siteCode)}${env}`;
}

/** URL of the real-time event stream of `siteCode`. */
export function streamUrl(siteCode: string, config: SDKConfigurationType): string {
  const base = config.endpoints.realTime ?? `https://events.${config.networkDomain ?? 'kameleoon.eu'}:8110`;
  return `${base.replace(/\/+$/, '')}/sse?siteCode=${encodeURIComponent(siteCode)}`;
}
