/**
 * A fleet's one configuration (see sharing.ts): one process per site code holds a lock, fetches
 * the configuration from the CDN and publishes it in the shared store; the others read what it
 * published when told. The lock has a heartbeat, so that a holder that dies is replaced; a holder
 * that closes gives it back.
 */
import type { ConfigurationDelivery } from '../config/delivery.ts';
import type { IExternalRequester, KameleoonResponseType, SendRequestParametersType } from '../platform/platform.ts';
import { every, later } from '../platform/timers.ts';
import { bounded } from './bounded.ts';
import type { SharedStore, SharedStoreStatus } from './sharedStore.ts';

/** How often a process without the lock looks for the first configuration the holder publishes. */
const FIRST_CONFIGURATION_POLL_MS = 25;
/**
 * How often every process asks for the configuration lock: the holder extends it, and the others
 * take it once it has expired (a holder that died), then fetch. The lock lasts three of these and
 * a request timeout, so a dead holder is replaced within about 40 s, whatever the refresh interval.
 */
const LOCK_HEARTBEAT_MS = 10_000;

/** What the configuration's sharing works with, once the client is built. */
interface ConfigurationDeps {
  siteCode: string;
  requestTimeoutMs: number;
  /** Milliseconds the lock lasts past each heartbeat: three heartbeats and a request timeout (a holder's slow turn keeps it). */
  lockTtlMs: number;
  delivery: ConfigurationDelivery | undefined;
}

/** How the visitors' sharing hears of the store's answers (one status, one warning per outage). */
export interface StoreReport {
  failed(reason: 'timeout' | 'error', error: string): void;
  answered(): void;
}

/** The published configuration: the document and its `Last-Modified`. */
interface Published {
  text: string;
  lastModified: string | undefined;
}

function lastModifiedOf(response: KameleoonResponseType): string | undefined {
  const headers = response.headers as { get?: (name: string) => string | null } | Iterable<[string, string]> | undefined;
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get: (name: string) => string | null }).get('Last-Modified') ?? undefined;
  for (const [key, value] of headers as Iterable<[string, string]>) if (key.toLowerCase() === 'last-modified') return value;
  return undefined;
}

function ifModifiedSince(params: SendRequestParametersType): string | undefined {
  const headers = params.parameters.headers as Record<string, string> | undefined;
  if (!headers || typeof headers !== 'object') return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === 'if-modified-since') return value;
  return undefined;
}

/** A process's side of the fleet's one configuration (see the top of this file). */
export class ConfigurationSharing {
  readonly #store: SharedStore;
  readonly #owner = globalThis.crypto.randomUUID();
  /** The sharing's status, whose `configurationHolder` this keeps. */
  readonly #status: SharedStoreStatus;
  readonly #report: StoreReport;
  readonly #heartbeatMs: number;
  #deps: ConfigurationDeps | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #unsubscribe: (() => void) | undefined;
  #closed = false;
  /** The configuration this process runs, as fetched or read from the store. */
  #served: Published | undefined;
  /** A configuration the holder could not publish: published again at the next heartbeat. */
  #unpublished: Published | undefined;

  /**
   * @param heartbeatMs - the lock's heartbeat (`_internals.lockHeartbeatMs`, for tests); default
   * {@link LOCK_HEARTBEAT_MS}, or the refresh interval when shorter
   */
  constructor(store: SharedStore, status: SharedStoreStatus, report: StoreReport, updateIntervalMs: number, heartbeatMs: number | undefined) {
    this.#store = store;
    this.#status = status;
    this.#report = report;
    this.#heartbeatMs = heartbeatMs !== undefined && heartbeatMs > 0 ? heartbeatMs : Math.min(LOCK_HEARTBEAT_MS, updateIntervalMs);
  }

  /** Starts the heartbeat, and listens to what the holder publishes (the holder has it already). */
  attach(siteCode: string, requestTimeoutMs: number, delivery: ConfigurationDelivery | undefined): void {
    this.#deps = { siteCode, requestTimeoutMs, lockTtlMs: 3 * this.#heartbeatMs + requestTimeoutMs, delivery };
    this.#heartbeat = every(() => void this.#beat(), this.#heartbeatMs);
    try {
      this.#unsubscribe = this.#store.subscribeConfiguration(siteCode, () => {
        if (!this.#status.configurationHolder && !this.#closed) void delivery?.refresh();
      });
    } catch (err) {
      this.#report.failed('error', String(err));
    }
  }

  /**
   * The lock's heartbeat: the holder extends it; another process takes it once it has expired
   * (its holder died without releasing it) and fetches at once; the holder checks that the store
   * holds what it serves. A store that fails is left to the next configuration request, which
   * fetches by itself.
   */
  async #beat(): Promise<void> {
    const deps = this.#deps;
    if (!deps || this.#closed) return;
    const lock = await bounded(this.#store.lockConfiguration(deps.siteCode, this.#owner, deps.lockTtlMs), deps.requestTimeoutMs);
    if (!lock.ok) return;
    // Closed meanwhile: a lock taken now is given back at once.
    if (this.#closed) {
      if (lock.value) void bounded(this.#store.unlockConfiguration?.(deps.siteCode, this.#owner) ?? Promise.resolve(), deps.requestTimeoutMs);
      return;
    }
    const taken = lock.value && !this.#status.configurationHolder;
    this.#status.configurationHolder = lock.value;
    if (taken) void deps.delivery?.refresh();
    else if (lock.value) await this.#republish(deps);
  }

  /**
   * The configuration requests of this client (its other requests pass through): the holder of
   * the lock fetches from `base` and publishes; the others read what was published. A store that
   * fails makes the request itself.
   */
  requester(base: IExternalRequester): IExternalRequester {
    return { sendRequest: (params) => (params.requestType === 'configuration' && !this.#closed ? this.#configuration(base, params) : base.sendRequest(params)) };
  }

  async #configuration(base: IExternalRequester, params: SendRequestParametersType): Promise<KameleoonResponseType> {
    const deps = this.#deps!;
    const store = this.#store;
    const site = deps.siteCode;
    const lock = await bounded(store.lockConfiguration(site, this.#owner, deps.lockTtlMs), deps.requestTimeoutMs);
    if (!lock.ok) {
      this.#status.configurationHolder = false;
      this.#report.failed(lock.reason, lock.error);
      return this.#fetch(base, params);
    }
    this.#status.configurationHolder = lock.value;
    if (lock.value) {
      const response = await this.#fetch(base, params);
      // Unchanged: the store must still hold it (a Redis restarted empty, a publish that failed).
      if (response.status === 304) void this.#republish(deps);
      else if (response.ok) this.#publish(deps, this.#served!);
      return response;
    }
    // Another process fetches: what it published (the first one may be on its way), for half of
    // the request's time at most; then this process fetches by itself, within the other half.
    const deadline = Date.now() + deps.requestTimeoutMs / 2;
    for (;;) {
      const read = await bounded(store.getConfiguration(site), Math.max(1, deadline - Date.now()));
      if (!read.ok) {
        this.#report.failed(read.reason, read.error);
        return this.#fetch(base, params);
      }
      const published = parsePublished(read.value);
      if (published) {
        const since = ifModifiedSince(params);
        const unchanged = published.lastModified !== undefined ? since === published.lastModified : since !== undefined && published.text === this.#served?.text;
        this.#served = published;
        return unchanged ? new Response(null, { status: 304 }) : configurationResponse(published);
      }
      if (Date.now() >= deadline) return this.#fetch(base, params);
      await new Promise((resolve) => later(() => resolve(undefined), FIRST_CONFIGURATION_POLL_MS));
    }
  }

  /** The configuration from the CDN: what a 200 holds is what this process serves (and may publish). */
  async #fetch(base: IExternalRequester, params: SendRequestParametersType): Promise<KameleoonResponseType> {
    const response = await base.sendRequest(params);
    if (!response.ok) return response;
    const published: Published = { text: await response.text(), lastModified: lastModifiedOf(response) };
    this.#served = published;
    return configurationResponse(published);
  }

  /** Publishes a configuration (the holder); one that fails is published again at the next heartbeat, if still served. */
  #publish(deps: ConfigurationDeps, published: Published): void {
    this.#unpublished = undefined;
    void bounded(this.#store.setConfiguration(deps.siteCode, JSON.stringify(published)), deps.requestTimeoutMs).then((done) => {
      if (done.ok) return this.#report.answered();
      this.#report.failed(done.reason, done.error);
      if (this.#served === published) this.#unpublished = published;
    });
  }

  /**
   * The holder's check that the fleet can read what it serves: published again after a failed
   * publish, or when the store holds none (restarted empty, or the fleet started before it).
   * A store that holds another one is left alone: the holder's next fetch decides.
   */
  async #republish(deps: ConfigurationDeps): Promise<void> {
    const mine = this.#served;
    if (!mine || this.#closed) return;
    if (this.#unpublished === mine) return this.#publish(deps, mine);
    const stored = await bounded(this.#store.getConfiguration(deps.siteCode), deps.requestTimeoutMs);
    if (stored.ok && !parsePublished(stored.value) && this.#served === mine && this.#status.configurationHolder && !this.#closed) this.#publish(deps, mine);
  }

  /**
   * Stops the heartbeat and the listening; gives the lock back if this process holds it, so that
   * the next process to ask takes it over at once rather than after it expires.
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#unsubscribe?.();
    const deps = this.#deps;
    const held = this.#status.configurationHolder;
    this.#status.configurationHolder = false;
    if (held && deps && this.#store.unlockConfiguration) await bounded(this.#store.unlockConfiguration(deps.siteCode, this.#owner), deps.requestTimeoutMs);
  }
}

function parsePublished(value: string | null): Published | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value) as Published;
    return parsed && typeof parsed.text === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function configurationResponse({ text, lastModified }: Published): KameleoonResponseType {
  return new Response(text, { status: 200, headers: lastModified ? { 'Last-Modified': lastModified } : {} });
}
