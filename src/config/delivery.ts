import { ConfigurationError, type KameleoonError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { IExternalEventSource, IExternalRequester, IExternalStorage } from '../platform/platform.ts';
import { later } from '../platform/timers.ts';
import type { PackageInfo } from '../targeting/types.ts';
import type { RegexCompiler } from '../targeting/nativeRegex.ts';
import type { ConfigurationKeeper } from './keeper.ts';
import { parseConfiguration, type ParsedConfig } from './parse.ts';

/** A browser uses its cached configuration at once when it was fetched this recently. */
const CACHE_WINDOW_MS = 90 * 60_000;
/** After a failed load of the keeper's code (offline, a redeploy), it is loaded again this much later. */
const RELOAD_MS = 10_000;

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
  status: ConfigurationStatus;
  source: ConfigurationSource | undefined;
  /** Epoch ms of the last successful fetch (or 304) of the configuration in force. */
  lastUpdate: number | undefined;
  /** The last failure; cleared by the next success. */
  lastError: KameleoonError | undefined;
  /** Whether the real-time stream is connected (polling is off meanwhile). */
  streaming: boolean;
}

/** What the browser cache holds (one entry per site code). */
interface CacheEntry {
  siteCode: string;
  environment: string;
  fetchedAt: number;
  lastModified: string | undefined;
  json: unknown;
}

/** Storage key of the cached configuration of a site. */
export const cacheKey = (siteCode: string): string => `kameleoonTs.configuration.${siteCode}`;

/** Everything the delivery needs, resolved by the client. */
export interface DeliveryOptions {
  siteCode: string;
  environment: string;
  /** Configuration URL without `ts`. */
  configurationUrl: string;
  /** Event stream URL. */
  streamUrl: string;
  updateIntervalMs: number;
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
  /** Loads the keeper's code; by default its chunk. */
  loadKeeper?: () => Promise<typeof import('./keeper.ts')>;
}

/**
 * What the keeper (keeper.ts, loaded later) works on: the delivery's state, and the configuration
 * it installs.
 */
export interface DeliveryHost {
  readonly options: DeliveryOptions;
  config(): ParsedConfig | undefined;
  closed(): boolean;
  streaming(): boolean;
  /** `Last-Modified` of the configuration in force. */
  lastModified: string | undefined;
  /** Parses and validates a fetched document whole. */
  parse(json: unknown): ParsedConfig;
  install(config: ParsedConfig, source: ConfigurationSource, ts: number | undefined): void;
  update(patch: Partial<ConfigurationState>): void;
  /** Browsers: caches the configuration in force, as fetched now. */
  writeCache(): void;
}

/**
 * Gets the configuration to the engine and keeps it current, without evaluation ever waiting:
 * the browser cache, usable at once within {@link CACHE_WINDOW_MS} of its fetch, is installed
 * here, synchronously; fetching, polling and the real-time stream are the keeper's (keeper.ts),
 * whose code loads when `start()` is called, so that a page's first variation from the cache
 * never waits for it. A failed refresh never replaces the configuration in force: documents are
 * validated whole before they are installed.
 */
export class ConfigurationDelivery {
  readonly #o: DeliveryOptions;
  readonly #state: ConfigurationState = { status: 'loading', source: undefined, lastUpdate: undefined, lastError: undefined, streaming: false };
  readonly #host: DeliveryHost;
  #config: ParsedConfig | undefined;
  #started = false;
  #keeping: Promise<ConfigurationKeeper> | undefined;
  #keeper: ConfigurationKeeper | undefined;

  constructor(options: DeliveryOptions) {
    this.#o = options;
    this.#host = {
      options,
      lastModified: undefined,
      config: () => this.#config,
      closed: () => this.#closed,
      streaming: () => this.#state.streaming,
      parse: (json) => parseConfiguration(json, options.compileRegex),
      install: (config, source, ts) => this.#install(config, source, ts),
      update: (patch) => this.#update(patch),
      writeCache: () => this.#writeCache(this.#host.lastModified),
    };
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
   * `defaultDataFile` (both refreshed in the background), else a fetch bounded by
   * `requestTimeout`; a browser falls back to a cache past its window rather than to nothing.
   * @throws KameleoonError when no configuration could be obtained; retries go on in the background
   */
  async start(): Promise<void> {
    if (this.#started) {
      if (this.#config) return;
      if (await this.#refresh()) return;
      throw this.#state.lastError;
    }
    this.#started = true;
    const cached = this.#readCache();
    if (cached) {
      this.#host.lastModified = cached.entry.lastModified;
      this.#update({ lastUpdate: cached.entry.fetchedAt });
      const age = Date.now() - cached.entry.fetchedAt;
      if (age >= 0 && age <= CACHE_WINDOW_MS) {
        this.#install(cached.config, 'cache', undefined);
        this.#update({ status: 'ready' });
        // Past updateInterval, the refresh starts once the keeper loaded: after the app's first render.
        this.#keep(Math.max(0, this.#o.updateIntervalMs - age));
        return;
      }
      if (await this.#refresh()) return;
      this.#install(cached.config, 'cache', undefined);
      this.#update({ status: 'stale' });
      this.#o.logger.warn(`Using the cached configuration of ${new Date(cached.entry.fetchedAt).toISOString()}: it is older than 90 minutes and could not be refreshed.`);
      return;
    }
    if (this.#o.defaultDataFile !== undefined) {
      this.#install(this.#host.parse(this.#o.defaultDataFile), 'defaultDataFile', undefined);
      this.#update({ status: 'ready' });
      this.#keep(0);
      return;
    }
    if (await this.#refresh()) return;
    throw this.#state.lastError;
  }

  /**
   * The keeper, loaded once (again after a failed load). A load that fails counts as a failed
   * fetch: the status and `lastError` say so.
   */
  #load(): Promise<ConfigurationKeeper> {
    this.#keeping ??= (this.#o.loadKeeper ?? (() => import('./keeper.ts')))().then(
      ({ ConfigurationKeeper: Keeper }) => {
        const keeper = new Keeper(this.#host);
        if (!this.#closed) this.#keeper = keeper;
        return keeper;
      },
      (err: unknown) => {
        this.#keeping = undefined;
        const error = new ConfigurationError(`The code that fetches the configuration could not be loaded: ${String(err)}`, err);
        this.#update({ lastError: error, status: this.#config ? 'stale' : 'failed' });
        throw error;
      },
    );
    return this.#keeping;
  }

  /** Fetches now, once the keeper is loaded. Never rejects. */
  async #refresh(): Promise<boolean> {
    try {
      return await (await this.#load()).refresh();
    } catch {
      return false;
    }
  }

  /** Has the keeper poll in `ms`; a keeper that cannot load is tried again later. */
  #keep(ms: number): void {
    this.#load().then(
      (keeper) => keeper.schedulePoll(ms),
      (err: KameleoonError) => {
        if (this.#closed) return;
        this.#o.logger.error(`${err.message} (tried again in ${RELOAD_MS / 1000} s)`);
        later(() => this.#keep(0), RELOAD_MS);
      },
    );
  }

  #install(config: ParsedConfig, source: ConfigurationSource, ts: number | undefined): void {
    const initial = this.#config === undefined;
    this.#config = config;
    this.#update({ source });
    this.#o.onUpdate(config, initial, ts);
    this.#keeper?.syncStream();
  }

  #readCache(): { entry: CacheEntry; config: ParsedConfig } | undefined {
    const storage = this.#o.cache;
    if (!storage) return undefined;
    try {
      const entry = storage.read(cacheKey(this.#o.siteCode)) as CacheEntry | null;
      if (!entry || typeof entry !== 'object' || typeof entry.fetchedAt !== 'number') return undefined;
      if (entry.siteCode !== this.#o.siteCode || entry.environment !== this.#o.environment) return undefined;
      return { entry, config: this.#host.parse(entry.json) };
    } catch (err) {
      this.#o.logger.warn(`Ignored the cached configuration: ${(err as Error)?.message ?? String(err)}`);
      return undefined;
    }
  }

  #writeCache(lastModified: string | undefined): void {
    const storage = this.#o.cache;
    if (!storage || !this.#config) return;
    const entry: CacheEntry = {
      siteCode: this.#o.siteCode,
      environment: this.#o.environment,
      fetchedAt: Date.now(),
      lastModified,
      json: this.#config.raw,
    };
    try {
      storage.write(cacheKey(this.#o.siteCode), entry);
    } catch (err) {
      // A full or unavailable storage costs the next page its warm start, nothing else.
      this.#o.logger.warn(`The configuration could not be cached: ${String(err)}`);
    }
  }

  /** Stops every timer, request and connection; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#update({ status: 'closed' });
    this.#keeper?.close();
  }
}
