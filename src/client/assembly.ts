import type { IPlatformAnalyzer, Platform } from '../platform/platform.ts';
import type { RegexCompiler } from '../targeting/nativeRegex.ts';
import type { TrackingDeps, TrackingPipeline } from '../tracking/pipeline.ts';
import type { VisitorCodeCookies } from '../visitor/visitorCode.ts';
import type { TokenProvider } from '../remote/oauth.ts';

/**
 * What a platform entry (browser.ts, node.ts) builds a client from: the platform's runtime
 * capabilities and the services it chose for that platform. Only the entries assemble clients.
 */
export interface ClientAssembly {
  platform: Platform;
  /**
   * The tracking pipeline: built with the client (servers), or loaded once a configuration is in force,
   * so that a page's first variation does not wait for tracking code (browsers).
   */
  tracking: TrackingSource;
  /** Compiles the REGULAR_EXPRESSION patterns of targeting conditions. */
  compileRegex: RegexCompiler;
  /**
   * Servers: the visitor-code cookie through requests, responses and Next.js's cookies (see
   * visitor/exchange.ts). Default: the platform's cookie manager only (browsers).
   */
  cookies?: typeof VisitorCodeCookies;
  /**
   * Servers: the OAuth client of Data API requests for `clientId`/`clientSecret`. Browsers have
   * none: a secret in a page is public, and their Data API reads need no token.
   */
  oauth?: typeof TokenProvider;
  /** Browsers: describes the visitor's browser, system, device and page (`_internals.platformAnalyzer` replaces it). */
  platformAnalyzer?: IPlatformAnalyzer;
  /**
   * Edge runtimes: the client lives in an isolate that serves requests one promise chain each.
   * No timer (no polling, no tracking tick, no stream): the configuration comes with `initialize()`
   * and `refreshDataFileIfStale()`, tracking leaves with `flushInstant()`. No call returns a
   * promise another call created (an edge runtime forbids awaiting one across requests).
   */
  perRequest?: boolean;
  /**
   * Runs diagnostics (the checks of unknown options and condition fields, lazily loaded) when the
   * page is idle, so that they never compete with the first variation. Default: at once.
   */
  idle?: (work: () => void) => void;
}

/** How an entry provides the tracking pipeline (see tracking/pipeline.ts). */
export type TrackingSource =
  | { create: TrackingFactory }
  | {
      load: () => Promise<TrackingFactory>;
      /** Calls back when the page is hidden or left (before the code arrives); returns the stop function. */
      onLeave?: (callback: () => void) => () => void;
      /** Calls back once the browser is back online (a failed load is tried again then); returns the stop function. */
      onOnline?: (callback: () => void) => () => void;
    };

/** Builds a client's tracking pipeline. */
export type TrackingFactory = (deps: TrackingDeps) => TrackingPipeline;
