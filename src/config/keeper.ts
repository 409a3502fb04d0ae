import type { KameleoonError } from '../errors.ts';
import { backoff, jitter, later } from '../platform/timers.ts';
import type { DeliveryHost } from './delivery.ts';
import { fetchConfiguration, type FetchResult } from './fetch.ts';
import type { StreamLink } from './streamLink.ts';

/** First retry after a failed fetch; doubles on each failure in a row, up to the cap. */
const RETRY_BASE_MS = 10_000;
const RETRY_CAP_MS = 5 * 60_000;
/** Every delay is spread by ±10 % so that a fleet of servers does not act in lockstep. */
const JITTER = 0.1;

type Timer = ReturnType<typeof setTimeout>;

/**
 * Keeps the delivery's configuration current: fetches (with `If-Modified-Since`), polling every
 * `updateInterval` with jitter and exponential backoff on failures (paused while a page is
 * hidden), and the real-time stream when the configuration asks for it (polling only while the
 * stream is down). Loaded by ConfigurationDelivery when the client starts, apart from the code
 * that installs a cached configuration.
 */
export class ConfigurationKeeper {
  readonly #h: DeliveryHost;
  readonly #abort = new AbortController();
  #pollTimer: Timer | undefined;
  #failures = 0;
  #inflight: Promise<boolean> | undefined;
  #pendingTs: number | undefined;
  #stream: StreamLink | undefined;
  #streamLoading = false;
  #dueWhileHidden = false;
  #onVisibility: (() => void) | undefined;

  constructor(host: DeliveryHost) {
    this.#h = host;
    if (host.closed()) return;
    this.#watchVisibility();
    this.syncStream();
  }

  /**
   * Fetches now (with `ts` after a stream event). Concurrent calls share one request; a `ts`
   * arriving meanwhile is fetched right after. Never rejects.
   * @returns whether the fetch succeeded
   */
  refresh(ts?: number): Promise<boolean> {
    if (this.#h.closed()) return Promise.resolve(false);
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

  async #fetchOnce(ts: number | undefined): Promise<boolean> {
    clearTimeout(this.#pollTimer);
    const h = this.#h;
    const o = h.options;
    const base = o.configurationUrl;
    const url = ts === undefined ? base : `${base}${base.includes('?') ? '&' : '?'}ts=${ts}`;
    let result: FetchResult;
    try {
      result = await fetchConfiguration({
        requester: o.requester,
        url,
        sdk: o.sdk,
        timeoutMs: o.requestTimeoutMs,
        ifModifiedSince: h.config() ? h.lastModified : undefined,
        signal: this.#abort.signal,
        parse: h.parse,
      });
    } catch (err) {
      if (h.closed()) return false;
      this.#failures++;
      // fetchConfiguration throws ConfigurationErrors only.
      const error = err as KameleoonError;
      h.update({ lastError: error, status: h.config() ? 'stale' : 'failed' });
      const delay = Math.min(o.updateIntervalMs, backoff(this.#failures, RETRY_BASE_MS, RETRY_CAP_MS));
      const kept = h.config() ? 'the configuration in force stays' : 'no configuration yet';
      o.logger.error(`${error.message} (${this.#failures} failure(s) in a row; ${kept}; next try in about ${Math.round(delay / 1000)} s)`);
      this.schedulePoll(delay);
      return false;
    }
    // What follows is not the fetch's: a failure there is not a failed fetch (nor retried as one).
    if (h.closed()) return false;
    if (result.kind === 'updated') {
      h.lastModified = result.lastModified;
      h.install(result.config, 'network', ts);
    }
    this.#failures = 0;
    h.update({ lastUpdate: Date.now(), lastError: undefined, status: 'ready' });
    h.writeCache();
    if (!h.streaming()) this.schedulePoll(o.updateIntervalMs);
    return true;
  }

  #jittered(ms: number): number {
    return jitter(ms, JITTER, this.#h.options.random);
  }

  /** Refreshes in about `ms` (unless the page is hidden then: on its return). */
  schedulePoll(ms: number): void {
    clearTimeout(this.#pollTimer);
    if (this.#h.closed()) return;
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
    if (this.#h.options.cache === undefined || typeof document === 'undefined' || typeof document.addEventListener !== 'function') return;
    this.#onVisibility = () => {
      if (document.visibilityState !== 'hidden' && this.#dueWhileHidden) {
        this.#dueWhileHidden = false;
        void this.refresh();
      }
    };
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  /** Opens or closes the stream as the configuration's `realTimeUpdate` says. */
  syncStream(): void {
    const h = this.#h;
    const wanted = () => !h.closed() && h.config()?.realTimeUpdate === true;
    if (wanted() && !this.#stream && !this.#streamLoading) {
      // The stream's code is loaded when a configuration first asks for real time.
      this.#streamLoading = true;
      const o = h.options;
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
            h.update({ streaming: up });
            if (up) clearTimeout(this.#pollTimer);
          },
          // After a failed fetch, a retry is already due.
          resumePolling: () => this.#failures === 0 && this.schedulePoll(o.updateIntervalMs),
        });
        // A source without onOpen is open at once: a status listener may have closed the client meanwhile.
        if (!wanted()) this.#stopStream();
      }).catch((err: unknown) => {
        // The chunk could not load (offline, a redeploy) or the user's source threw: polling goes on,
        // and the next configuration update tries again.
        this.#streamLoading = false;
        this.#stream?.close();
        this.#stream = undefined;
        o.logger.error(`The real-time stream could not be started; polling instead: ${String(err)}`);
      });
    } else if (!wanted() && this.#stream) {
      this.#stopStream();
      this.schedulePoll(h.options.updateIntervalMs);
    }
  }

  #stopStream(): void {
    this.#stream?.close();
    this.#stream = undefined;
    this.#h.update({ streaming: false });
  }

  /** Stops every timer, request and connection (the delivery is closed). */
  close(): void {
    clearTimeout(this.#pollTimer);
    this.#stopStream();
    this.#abort.abort();
    if (this.#onVisibility && typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onVisibility);
  }
}
