import { InvalidArgument, SiteCodeIsEmpty } from '../errors.ts';
import type { ConfigurationJson } from '../config/types.ts';
import type { ExternalsType, IExternalPRNG, IPlatformAnalyzer } from '../platform/platform.ts';
import type { PackageInfo } from '../targeting/types.ts';
import type { OutboxLimits } from '../tracking/outbox.ts';
import { describeValue } from '../visitor/data.ts';
import { toWellFormed } from '../visitor/encode.ts';

/** Base URLs that replace Kameleoon's hosts (self-hosted proxies, the local dev server). */
export interface EndpointsType {
  configuration?: string;
  tracking?: string;
  realTime?: string;
  dataApi?: string;
  /** Base URL of the OAuth token endpoint (`<api>/oauth/token`), default `https://api.kameleoon.com`. */
  api?: string;
}

/** Client configuration, with the official SDK's names, units and defaults. */
export interface SDKConfigurationType {
  /** Environment of the configuration to fetch. Default `production`. */
  environment: string;
  /** Minutes between configuration refreshes. Default 60, at least 1. */
  updateInterval: number;
  /** Milliseconds before a request is abandoned. Default 10 000. */
  requestTimeout: number;
  /** Milliseconds between tracking batches, 100 to 1000. Default 1000. */
  trackingInterval: number;
  /** Minutes between clean-ups of stored targeting data; undefined = none. */
  targetingDataCleanupInterval: number | undefined;
  /** Domain of the visitor-code cookie. */
  cookieDomain: string | undefined;
  /** Replaces `kameleoon.eu`/`kameleoon.io` in every host. */
  networkDomain: string | undefined;
  /** Configuration to use until (or instead of) a fetched one: JSON text or object. */
  defaultDataFile: string | ConfigurationJson | undefined;
  /** Minutes of inactivity after which a server forgets a visitor. Default 30. */
  sessionDuration: number;
  /** Host overrides. */
  endpoints: EndpointsType;
  /** Server authentication for the Data API (Kameleoon's server SDKs' `client_id`): with `clientSecret`, an OAuth token is sent. */
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/** Internal knobs (the official SDK's `_internals`), for tests and wrappers. */
export interface InternalsType {
  packageInfo?: PackageInfo;
  prng?: IExternalPRNG;
  /**
   * Replaces the browser's analyzer of the user agent and page (the official SDK's): an object with
   * `getResult()`; `{ getResult: () => ({}) }` collects nothing. Servers collect nothing either way.
   */
  platformAnalyzer?: IPlatformAnalyzer;
  /** Bounds of the tracking queue (tests). */
  trackingLimits?: Partial<OutboxLimits>;
}

/** Parameters of `new KameleoonClient(...)`. */
export interface SDKParameters {
  siteCode: string;
  configuration?: Partial<SDKConfigurationType>;
  externals?: ExternalsType;
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
  if (typeof value !== 'string') throw new InvalidArgument(`configuration.${name} must be a string.`);
  return value;
}

function numberOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgument(`configuration.${name} must be a number, got ${describeValue(value)}.`);
  return value;
}

function endpointsOption(value: unknown): EndpointsType {
  if (value == null) return {};
  if (typeof value !== 'object') throw new InvalidArgument('configuration.endpoints must be an object of base URLs.');
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
  if (toWellFormed(value) !== value) throw new InvalidArgument(`${name} holds an unpaired surrogate (a character cut in half): ${describeValue(value)}.`);
  return value;
}

/**
 * Validates the constructor parameters and applies the official defaults and bounds.
 * @throws SiteCodeIsEmpty, InvalidArgument
 */
export function resolveOptions(params: SDKParameters): { siteCode: string; config: SDKConfigurationType } {
  if (params == null || typeof params !== 'object') {
    throw new InvalidArgument('new KameleoonClient() takes { siteCode, configuration?, externals? }.');
  }
  if (typeof params.siteCode !== 'string') throw new InvalidArgument(`siteCode must be a string, got ${typeof params.siteCode}.`);
  if (params.siteCode.trim() === '') throw new SiteCodeIsEmpty();
  requireWellFormed(params.siteCode, 'siteCode');
  const c = params.configuration ?? {};
  if (typeof c !== 'object') throw new InvalidArgument('configuration must be an object.');
  const cleanup = c.targetingDataCleanupInterval;
  return {
    siteCode: params.siteCode,
    config: {
      environment: typeof c.environment === 'string' && c.environment !== '' ? requireWellFormed(c.environment, 'configuration.environment') : 'production',
      updateInterval: Math.max(1, numberOption(c.updateInterval, 'updateInterval', 60)),
      requestTimeout: numberOption(c.requestTimeout, 'requestTimeout', 10_000),
      trackingInterval: Math.min(1000, Math.max(100, numberOption(c.trackingInterval, 'trackingInterval', 1000))),
      targetingDataCleanupInterval: cleanup === undefined ? undefined : Math.max(1, numberOption(cleanup, 'targetingDataCleanupInterval', 1)),
      cookieDomain: normalizeDomain(optionalString(c.cookieDomain, 'cookieDomain')),
      networkDomain: normalizeDomain(optionalString(c.networkDomain, 'networkDomain')),
      defaultDataFile: c.defaultDataFile,
      sessionDuration: numberOption(c.sessionDuration, 'sessionDuration', 30),
      endpoints: endpointsOption(c.endpoints),
      clientId: optionalString(c.clientId, 'clientId'),
      clientSecret: optionalString(c.clientSecret, 'clientSecret'),
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
