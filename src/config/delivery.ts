import { ConfigurationError, type KameleoonError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { IExternalEventSource, IExternalRequester, IExternalStorage, KameleoonResponseType } from '../platform/platform.ts';
import { backoff, jitter, later } from '../platform/timers.ts';
import type { PackageInfo } from '../targeting/types.ts';
import type { RegexCompiler } from '../targeting/nativeRegex.ts';
import { fetchConfiguration } from './fetch.ts';
import { parseConfiguration, type ParsedConfig } from './parse.ts';
import { cacheKey, dateModifiedOf, servesAtOnce, type CacheEntry } from './cache.ts';
import type { StreamLink } from './streamLink.ts';
import { msg } from '../logging/msg.ts';

/** First retry after a failed fetch; doubles on each failure in a row, up to the cap. */
const RETRY_BASE_MS = 10_000;
const RETRY_CAP_MS = 5 * 60_000;
/** Every delay is spread by ±10 % so that a fleet of servers does not act in lockstep. */
const JITTER = 0.1;

/** Where the configuration in force came from. */
export type ConfigurationSource = 'network' | 'cache' | 'defaultDataFile';

/**
 * `loading` before the first configuration; `ready` when the configuration in force is current;
 * `stale` when it is served while refreshing fails (or from a cache past its window); `failed`
 * when there is none and fetching failed; `closed` after `close()`.
 */
export type ConfigurationStatus = 'loading' | 'ready' | 'stale' | 'failed' | 'closed';

/** What the client can tell about its configuration at any time. */
export interface ConfigurationState {
  /** See {@link ConfigurationStatus}. */
  status: ConfigurationStatus;
  /** Where the configuration in force came from: `network`, `cache` (browsers) or `defaultDataFile`; undefined before one is in force. */
  source: ConfigurationSource | undefined;
  /** Epoch ms of the last successful fetch (or 304) of the configuration in force. */
  lastUpdate: number | undefined;
  /** The last failure; cleared by the next success. */
  lastError: KameleoonError | undefined;
  /** Whether the real-time stream is connected (polling is off meanwhile). */
  streaming: boolean;
}


export { cacheKey };

/** Everything the delivery needs, resolved by the client. */
export interface DeliveryOptions {
  siteCode: string;
  /** A configuration request already started (see InternalsType.configurationResponse). */
  prefetched?: Promise<KameleoonResponseType> | undefined;
  environment: string;
  /** Configuration URL without `ts`. */
  configurationUrl: string;
  /** Event stream URL. */
  streamUrl: string;
  updateIntervalMs: number;
  /**
   * A cached configuration older than `updateIntervalMs` serves `initialize()` at once (and is
   * refreshed in the background) while younger than this (`dataFileCacheTtl`); older, the start
   * waits for a fetch, with the cache as the fallback.
   */
  cacheTtlMs: number;
  requestTimeoutMs: number;
  defaultDataFile: unknown;
  sdk: PackageInfo;
  requester: IExternalRequester;
  /** Browsers: where the configuration is cached. Servers keep it in RAM only. */
  cache: IExternalStorage | undefined;
  /** Compiles the REGULAR_EXPRESSION patterns of the configurations it parses. */
  compileRegex: RegexCompiler;
  /** The user's event source; by default a {@link FetchEventSource} per connection. */
  eventSource: IExternalEventSource | undefined;
  logger: Logger;
  random: () => number;
  /** Installs a configuration; `initial` is true for the first one. */
  onUpdate(config: ParsedConfig, initial: boolean, timestamp: number | undefined): void;
  /** Called after the state (status, source, last update or error, streaming) changed. */
  onStateChange?: () => void;
  /** Edge runtimes (see ClientAssembly.perRequest): no timer, no stream, no fetch shared between callers. */
  perRequest?: boolean;
}

type Timer = ReturnType<typeof setTimeout>;

/**
 * Gets the configuration to the engine and keeps it current, without evaluation ever waiting:
 * the cache (usable at once within `updateInterval` or `dataFileCacheTtl` of its fetch, refreshed in
 * the background past `updateInterval`), polling every `updateInterval` with jitter and exponential backoff on failures
 * (paused while a page is hidden), and the real-time stream when the configuration asks for it
 * (polling only while the stream is down). A failed refresh never replaces the configuration in
 * force: documents are validated whole before they are installed.
 */
export class ConfigurationDelivery {
  readonly #o: DeliveryOptions;
  readonly #state: ConfigurationState = { status: 'loading', source: undefined, lastUpdate: undefined, lastError: undefined, streaming: false };
  /**
   * Aborts the fetches in flight on close; made on first use (edge runtimes forbid building one
   * at module scope) and never in edge runtimes, where a fetch may not use another request's.
   */
  #abortController: AbortController | undefined;
  #config: ParsedConfig | undefined;
  #lastModified: string | undefined;
  #started = false;
  #pollTimer: Timer | undefined;
  #failures = 0;
  #inflight: Promise<boolean> | undefined;
  #pendingTs: number | undefined;
  #stream: StreamLink | undefined;
  #streamLoading = false;
  #dueWhileHidden = false;
  #onVisibility: (() => void) | undefined;

  #prefetched: Promise<KameleoonResponseType> | undefined;

  constructor(options: DeliveryOptions) {
    this.#o = options;
    this.#prefetched = options.prefetched;
  }

  /** A snapshot of the state. */
  get state(): Readonly<ConfigurationState> {
    return { ...this.#state };
  }

  /** Changes the state; tells `onStateChange` when a field really changed. */
  #update(patch: Partial<ConfigurationState>): void {
    let changed = false;
    for (const [key, value] of Object.entries(patch) as [keyof ConfigurationState, never][]) {
      if (this.#state[key] === value) continue;
      this.#state[key] = value;
      changed = true;
    }
    if (changed) this.#o.onStateChange?.();
  }

  get #closed(): boolean {
    return this.#state.status === 'closed';
  }

  /**
   * Obtains the first configuration: the browser cache when recent enough, else
   * `defaultDataFile` (then refreshed in the background), else a fetch bounded by
   * `requestTimeout`; a browser falls back to a cache past its window rather than to nothing.
   * @throws KameleoonError when no configuration could be obtained; retries go on in the background
   */
  async start(): Promise<void> {
    // Closed: nothing starts again (no timer, no stream, no listener).
    if (this.#closed) {
      if (this.#config) return;
      throw new ConfigurationError(msg`The client was closed: it loads no configuration any more. Create a new client.`);
    }
    if (this.#started) {
      if (this.#config) return;
      if (await this.refresh()) return;
      throw this.#state.lastError;
    }
    this.#started = true;
    this.#watchVisibility();
    // As the official SDK: `defaultDataFile` wins over a cache it is newer than (a server render's
    // snapshot of a configuration the browser has an older copy of).
    const fallback = this.#o.defaultDataFile;
    const read = this.#readCache();
    const newer = read && fallback !== undefined && dateModifiedOf(fallback) > dateModifiedOf(read.config.raw) ? this.#parseFallback() : undefined;
    const cached = newer ? undefined : read;
    if (cached) {
      this.#lastModified = cached.entry.lastModified;
      this.#update({ lastUpdate: cached.entry.fetchedAt });
      if (servesAtOnce(cached.entry.fetchedAt, this.#o.updateIntervalMs, this.#o.cacheTtlMs)) {
        this.#install(cached.config, 'cache', undefined);
        this.#update({ status: 'ready' });
        // Past updateInterval, the refresh starts on the next task: after the app's first render.
        this.#schedulePoll(Math.max(0, this.#o.updateIntervalMs - (Date.now() - cached.entry.fetchedAt)));
        return;
      }
      if (await this.refresh()) return;
      this.#install(cached.config, 'cache', undefined);
      this.#update({ status: 'stale' });
      this.#o.logger.warn(msg`Using the cached configuration of ${new Date(cached.entry.fetchedAt).toISOString()}: it is past dataFileCacheTtl and could not be refreshed.`);
      return;
    }
    // An invalid defaultDataFile is said, and the network tried instead; if that fails too,
    // initialize() rejects with what is wrong with the file.
    let invalid: unknown;
    const config = newer ?? (fallback !== undefined ? this.#parseFallback((err) => (invalid = err)) : undefined);
    if (config) {
      this.#install(config, 'defaultDataFile', undefined);
      this.#update({ status: 'ready' });
      this.#schedulePoll(0);
      return;
    }
    if ((await this.refresh()) && this.#config) return;
    throw invalid ?? this.#state.lastError;
  }

  /** `defaultDataFile`, checked; undefined (with an error logged and given to `failed`) when it is not a usable configuration. */
  #parseFallback(failed?: (err: unknown) => void): ParsedConfig | undefined {
    try {
      return parseConfiguration(this.#o.defaultDataFile, this.#o.compileRegex);
    } catch (err) {
      this.#o.logger.error(msg`defaultDataFile is not a usable configuration; fetching one instead: ${(err as Error)?.message ?? String(err)}`);
      failed?.(err);
      return undefined;
    }
  }

  /**
   * Fetches now (with `ts` after a stream event). Concurrent calls share one request; a `ts`
   * arriving meanwhile is fetched right after. Never rejects.
   * @returns whether the fetch succeeded
   */
  refresh(ts?: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    // Edge runtimes: each caller fetches for itself (concurrent first requests each fetch once).
    if (this.#o.perRequest) return this.#fetchOnce(ts);
    if (this.#inflight) {
      if (ts !== undefined) this.#pendingTs = ts;
      return this.#inflight;
    }
    const run = this.#fetchOnce(ts).finally(() => {
      this.#inflight = undefined;
      const pending = this.#pendingTs;
      this.#pendingTs = undefined;
      if (pending !== undefined) void this.refresh(pending);
    });
    this.#inflight = run;
    return run;
  }

  /**
   * A fetch when the configuration is older than `updateInterval` (the official
   * `refreshDataFileIfStale`, for runtimes without timers): a promise of its own per call, never
   * one another caller (another request, in an edge runtime) created.
   * @returns whether this call made a request
   */
  async refreshIfStale(): Promise<boolean> {
    const { lastUpdate } = this.#state;
    if (this.#closed || this.#inflight || (lastUpdate !== undefined && Date.now() - lastUpdate < this.#o.updateIntervalMs)) return false;
    await this.refresh();
    return true;
  }

  async #fetchOnce(ts: number | undefined): Promise<boolean> {
    clearTimeout(this.#pollTimer);
    const base = this.#o.configurationUrl;
    const url = ts === undefined ? base : `${base}${base.includes('?') ? '&' : '?'}ts=${ts}`;
    let result: Awaited<ReturnType<typeof fetchConfiguration>>;
    try {
      result = await fetchConfiguration({
        requester: this.#o.requester,
        url,
        sdk: this.#o.sdk,
        timeoutMs: this.#o.requestTimeoutMs,
        ifModifiedSince: this.#config ? this.#lastModified : undefined,
        signal: this.#o.perRequest ? undefined : (this.#abortController ??= new AbortController()).signal,
        compileRegex: this.#o.compileRegex,
        response: this.#takePrefetched(),
      });
    } catch (err) {
      if (this.#closed) return false;
      this.#failures++;
      // fetchConfiguration throws ConfigurationErrors only.
      const error = err as KameleoonError;
      this.#update({ lastError: error, status: this.#config ? 'stale' : 'failed' });
      const delay = Math.min(this.#o.updateIntervalMs, backoff(this.#failures, RETRY_BASE_MS, RETRY_CAP_MS));
      const kept = this.#config ? msg`the configuration in force stays` : msg`no configuration yet`;
      this.#o.logger.error(msg`${error.message} (${this.#failures} failure(s) in a row; ${kept}; next try in about ${Math.round(delay / 1000)} s)`);
      this.#schedulePoll(delay);
      return false;
    }
    // What follows is not the fetch's: a failure there is not a failed fetch (nor retried as one).
    if (this.#closed) return false;
    if (result.kind === 'updated') {
      this.#lastModified = result.lastModified;
      this.#install(result.config, 'network', ts);
    }
    this.#failures = 0;
    this.#update({ lastUpdate: Date.now(), lastError: undefined, status: 'ready' });
    this.#writeCache();
    if (!this.#state.streaming) this.#schedulePoll(this.#o.updateIntervalMs);
    return true;
  }

  #install(config: ParsedConfig, source: ConfigurationSource, ts: number | undefined): void {
    const initial = this.#config === undefined;
    this.#config = config;
    this.#update({ source });
    this.#o.onUpdate(config, initial, ts);
    this.#syncStream();
  }

  #jittered(ms: number): number {
    return jitter(ms, JITTER, this.#o.random);
  }

  #schedulePoll(ms: number): void {
    clearTimeout(this.#pollTimer);
    if (this.#closed || this.#o.perRequest) return;
    this.#pollTimer = later(() => {
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden') {
        this.#dueWhileHidden = true;
        return;
      }
      void this.refresh();
    }, this.#jittered(ms));
  }

  /** Browsers: no polling while the page is hidden; an overdue refresh runs on return. */
  #watchVisibility(): void {
    if (typeof document === 'undefined' || typeof document.addEventListener !== 'function') return;
    this.#onVisibility = () => {
      if (document.visibilityState !== 'hidden' && this.#dueWhileHidden) {
        this.#dueWhileHidden = false;
        void this.refresh();
      }
    };
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  /** Opens or closes the stream as the configuration's `realTimeUpdate` says. */
  #syncStream(): void {
    const wanted = () => !this.#closed && !this.#o.perRequest && this.#config?.realTimeUpdate === true;
    if (wanted() && !this.#stream && !this.#streamLoading) {
      // The stream's code is loaded when a configuration first asks for real time.
      this.#streamLoading = true;
      const o = this.#o;
      void import('./streamLink.ts').then(({ StreamLink }) => {
        this.#streamLoading = false;
        if (!wanted() || this.#stream) return;
        this.#stream = new StreamLink({
          url: o.streamUrl,
          siteCode: o.siteCode,
          eventSource: o.eventSource,
          logger: o.logger,
          jittered: (ms) => this.#jittered(ms),
          refresh: (ts) => void this.refresh(ts),
          setStreaming: (up) => {
            const was = this.#state.streaming;
            this.#update({ streaming: up });
            if (up) {
              clearTimeout(this.#pollTimer);
              // Up with a configuration from the cache or defaultDataFile: the refresh it cancelled is made now
              // (the stream tells of changes from now on, not of those since that configuration).
              if (!was && this.#state.source !== 'network') void this.refresh();
            }
            // A live stream dropped: polling resumes (after a failed fetch, a retry is already due).
            else if (was && this.#failures === 0) this.#schedulePoll(o.updateIntervalMs);
          },
        });
        // A source without onOpen is open at once: a status listener may have closed the client meanwhile.
        if (!wanted()) this.#stopStream();
      }).catch((err: unknown) => {
        // The chunk could not load (offline, a redeploy) or the user's source threw: polling goes on,
        // and the next configuration update tries again.
        this.#streamLoading = false;
        // Set here only if closing it already threw: it is dropped, not closed again (a throw here would escape).
        this.#stream = undefined;
        o.logger.error(msg`The real-time stream could not be started; polling instead: ${String(err)}`);
      });
    } else if (!wanted() && this.#stream) {
      this.#stopStream();
      this.#schedulePoll(this.#o.updateIntervalMs);
    }
  }

  #stopStream(): void {
    this.#stream?.close();
    this.#stream = undefined;
    this.#update({ streaming: false });
  }

  #readCache(): { entry: CacheEntry; config: ParsedConfig } | undefined {
    const storage = this.#o.cache;
    if (!storage) return undefined;
    try {
      const entry = storage.read(cacheKey(this.#o.siteCode)) as CacheEntry | null;
      if (!entry || typeof entry !== 'object' || typeof entry.fetchedAt !== 'number') return undefined;
      if (entry.siteCode !== this.#o.siteCode || entry.environment !== this.#o.environment) return undefined;
      return { entry, config: parseConfiguration(entry.json, this.#o.compileRegex) };
    } catch (err) {
      this.#o.logger.warn(msg`Ignored the cached configuration: ${(err as Error)?.message ?? String(err)}`);
      return undefined;
    }
  }

  #writeCache(): void {
    const storage = this.#o.cache;
    if (!storage || !this.#config) return;
    const entry: CacheEntry = {
      siteCode: this.#o.siteCode,
      environment: this.#o.environment,
      fetchedAt: Date.now(),
      lastModified: this.#lastModified,
      json: this.#config.raw,
    };
    try {
      storage.write(cacheKey(this.#o.siteCode), entry);
    } catch (err) {
      // A full or unavailable storage costs the next page its warm start, nothing else.
      this.#o.logger.warn(msg`The configuration could not be cached: ${String(err)}`);
    }
  }

  /** The request the browser's first stage started, for the first fetch of a start without a cached configuration (once). */
  #takePrefetched(): Promise<KameleoonResponseType> | undefined {
    const prefetched = this.#config === undefined && this.#lastModified === undefined ? this.#prefetched : undefined;
    this.#prefetched = undefined;
    return prefetched;
  }

  /** Stops every timer, request and connection; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#update({ status: 'closed' });
    clearTimeout(this.#pollTimer);
    this.#stopStream();
    this.#abortController?.abort();
    if (this.#onVisibility && typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onVisibility);
  }
}

