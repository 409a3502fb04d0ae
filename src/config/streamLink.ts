import type { Logger } from '../logging/logger.ts';
import type { IExternalEventSource } from '../platform/platform.ts';
import { FetchEventSource } from './stream.ts';
import { backoff, later } from '../platform/timers.ts';
import { msg } from '../logging/msg.ts';

/** First reconnection of a dropped stream; doubles on each failure in a row, up to the cap. */
const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 60_000;
/** A connection up this long was a working one: the next failure starts the backoff over. */
const STABLE_MS = 30_000;
/** The event the Kameleoon stream sends when a configuration changes. */
export const UPDATE_EVENT = 'configuration-update-event';

/** What the stream needs from the configuration delivery that owns it. */
export interface StreamHost {
  url: string;
  siteCode: string;
  /** The user's event source; by default a {@link FetchEventSource} per connection. */
  eventSource: IExternalEventSource | undefined;
  logger: Logger;
  jittered(ms: number): number;
  /** Fetches the configuration now (with `ts` after an event). */
  refresh(ts?: number): void;
  /** The stream came up (polling stops) or went down. */
  setStreaming(up: boolean): void;
}

/**
 * The real-time stream of a configuration that asks for it, kept connected: reconnection with
 * exponential backoff and jitter, a catch-up fetch after each reconnection (updates sent while it
 * was down were missed), and a fetch with the event's `ts` for each update event. Loaded with
 * import() when a configuration first asks for real time, so pages without it never pay for it.
 */
export class StreamLink {
  readonly #host: StreamHost;
  #source: IExternalEventSource | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  /** When the current connection came up (undefined while down). */
  #openedAt: number | undefined;
  #closed = false;

  constructor(host: StreamHost) {
    this.#host = host;
    this.#connect();
  }

  #connect(): void {
    this.#timer = undefined;
    const source = this.#host.eventSource ?? new FetchEventSource();
    this.#source = source;
    source.onError?.((err) => this.#onError(source, err));
    const opened = () => {
      if (this.#source !== source || this.#closed) return;
      // The failures count on until the connection proves stable (see #onError): a stream that is
      // accepted and dropped at once backs off, rather than reconnect (and refetch) every second.
      const reconnected = this.#failures > 0;
      this.#openedAt = Date.now();
      this.#host.setStreaming(true);
      if (reconnected) this.#host.refresh();
    };
    source.onOpen?.(opened);
    source.open({ url: this.#host.url, eventType: UPDATE_EVENT, onEvent: (message) => this.#onEvent(typeof message === 'string' ? message : String(message?.data)) });
    if (!source.onOpen) opened();
  }

  #onEvent(data: string): void {
    let message: { siteCode?: unknown; ts?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      this.#host.logger.warn(msg`Ignored a malformed real-time event: ${data.slice(0, 200)}`);
      return;
    }
    if (message?.siteCode !== undefined && message.siteCode !== this.#host.siteCode) return;
    this.#host.refresh(typeof message?.ts === 'number' && Number.isFinite(message.ts) ? message.ts : Date.now());
  }

  #onError(source: IExternalEventSource, err: unknown): void {
    if (this.#source !== source || this.#closed) return;
    source.close();
    this.#source = undefined;
    this.#host.setStreaming(false);
    if (this.#openedAt !== undefined && Date.now() - this.#openedAt >= STABLE_MS) this.#failures = 0;
    this.#openedAt = undefined;
    this.#failures++;
    const delay = this.#host.jittered(backoff(this.#failures, RETRY_BASE_MS, RETRY_CAP_MS));
    this.#host.logger.warn(msg`The real-time stream is down (${(err as Error)?.message ?? String(err)}); polling until it reconnects, next try in about ${Math.round(delay / 1000)} s.`);
    this.#timer = later(() => this.#connect(), delay);
  }

  /** Disconnects for good; idempotent. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#source?.close();
    this.#source = undefined;
  }
}
