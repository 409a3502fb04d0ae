import type { Logger } from '../logging/logger.ts';
import type { IExternalRequester, KameleoonResponseType, SendRequestParametersType } from '../platform/platform.ts';
import { later } from '../platform/timers.ts';
import type { ExposureClaim } from '../tracking/tracker.ts';
import { decodeVisitor, encodeVisitor } from '../visitor/persistence.ts';
import type { PersistedVisitor, VisitorPersistence, VisitorStore } from '../visitor/visitorStore.ts';
import type { PrepareVisitorResult, SharedStore, SharedStoreStatus } from './sharedStore.ts';
import { msg } from '../logging/msg.ts';

/** The default of {@link SharedStore.loadTimeout}: a request waits this long for the store at most. */
export const DEFAULT_LOAD_TIMEOUT_MS = 50;
/** How often a process without the lock looks for the first configuration the holder publishes. */
const FIRST_CONFIGURATION_POLL_MS = 25;
/** Visitors whose last written value is remembered (to skip writing the same value again). */
const MAX_REMEMBERED = 100_000;

/** What the client gives the sharing once it is built (see wiring.ts). */
export interface SharingDeps {
  siteCode: string;
  /** Entries expire after this much inactivity (`sessionDuration`). */
  sessionDurationMs: number;
  /** The configuration lock is held this long past each fetch (a few `updateInterval`s). */
  updateIntervalMs: number;
  requestTimeoutMs: number;
  visitors: VisitorStore;
  logger: Logger;
  /** Fetches the configuration now (a published change: the store is read, not the CDN). */
  refreshConfiguration: () => void;
  random: () => number;
}

type Bounded<T> = { ok: true; value: T } | { ok: false; reason: 'timeout' | 'error'; error: string };

/** `promise`, or a failure after `ms`: the caller never waits longer, and a late rejection is absorbed. */
function bounded<T>(promise: Promise<T>, ms: number): Promise<Bounded<T>> {
  return new Promise((resolve) => {
    const timer = later(() => resolve({ ok: false, reason: 'timeout', error: msg`no answer within ${ms} ms` }), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ ok: true, value });
      },
      (err: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, reason: 'error', error: (err as Error)?.message ?? String(err) });
      },
    );
  });
}

/** FNV-1a of a string: the value last written for a visitor is remembered as this number. */
function fingerprint(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
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

/**
 * A Node client's side of a fleet (`externals.sharedStore`): visitors are loaded from the shared
 * store once per request ({@link VisitorSharing.prepare}, bounded by `loadTimeout`) and written back
 * in the background, batched (the store's `changed` marks, flushed once the request's synchronous
 * code has run); each exposure is claimed before it is sent; and one process per site code holds
 * the configuration lock and fetches, the others read what it publishes. A store that fails or is
 * slow costs a request at most `loadTimeout`: it is then served from this process's memory, the
 * status says so, one warning is logged per outage, and sharing resumes with the next answer.
 */
export class VisitorSharing {
  readonly #store: SharedStore;
  readonly #timeoutMs: number;
  readonly #owner: string;
  #deps: SharingDeps | undefined;
  readonly #status: SharedStoreStatus = { enabled: true, available: true, loads: 0, fallbacks: 0, failedWrites: 0, claimsLost: 0, lastError: undefined, configurationHolder: false };
  /** Values to write, by visitor code (the next batch). */
  #writes = new Map<string, string>();
  #writeScheduled = false;
  /** Writes in flight. */
  readonly #inflight = new Set<Promise<void>>();
  /** Visitors whose last write failed: their copy here is newer than the store's. */
  readonly #unsaved = new Set<string>();
  /** Fingerprint of the value last written for each visitor. */
  #written = new Map<string, number>();
  #served: string | undefined;
  #unsubscribe: (() => void) | undefined;
  #closed = false;

  /** The shared store's visitors, for the VisitorStore: loaded by `prepare` only, saved in batches. */
  readonly persistence: VisitorPersistence = {
    load: () => undefined,
    save: (code, visitor) => this.#queueWrite(code, visitor),
  };

  constructor(store: SharedStore) {
    this.#store = store;
    this.#owner = globalThis.crypto.randomUUID();
    const timeout = store.loadTimeout;
    this.#timeoutMs = typeof timeout === 'number' && timeout >= 0 ? timeout : DEFAULT_LOAD_TIMEOUT_MS;
  }

  /** Connects the sharing to the client's parts (once, as the client is built). */
  attach(deps: SharingDeps): void {
    this.#deps = deps;
    try {
      this.#unsubscribe = this.#store.subscribeConfiguration(deps.siteCode, () => {
        // The holder published: the others read the store (the holder already has it).
        if (!this.#status.configurationHolder && !this.#closed) deps.refreshConfiguration();
      });
    } catch (err) {
      this.#failed('error', String(err));
    }
  }

  /** A copy of the status. */
  get status(): SharedStoreStatus {
    return { ...this.#status };
  }

  /** The store answered: sharing goes on (or resumes, said once). */
  #answered(): void {
    if (this.#status.available) return;
    this.#status.available = true;
    this.#status.lastError = undefined;
    this.#deps?.logger.warn(msg`The shared store answers again: visitors are shared again.`);
  }

  /** The store failed or was slow: one warning per outage. */
  #failed(reason: 'timeout' | 'error', error: string): void {
    this.#status.lastError = error;
    if (!this.#status.available) return;
    this.#status.available = false;
    const why = reason === 'timeout' ? msg`did not answer within ${this.#timeoutMs} ms` : msg`failed (${error})`;
    this.#deps?.logger.warn(msg`The shared store ${why}: requests are served from this process's memory until it answers again.`);
  }

  /**
   * Loads the visitor from the shared store into this process, in one round trip, waiting at most
   * `loadTimeout`; never rejects.
   */
  async prepare(visitorCode: string): Promise<PrepareVisitorResult> {
    const deps = this.#deps;
    if (!deps || this.#closed) return { source: 'local', reason: 'error' };
    const answer = await bounded(this.#store.getVisitor(deps.siteCode, visitorCode), this.#timeoutMs);
    if (!answer.ok) {
      this.#status.fallbacks++;
      this.#failed(answer.reason, answer.error);
      return { source: 'local', reason: answer.reason };
    }
    this.#answered();
    this.#status.loads++;
    // A copy here not yet written (or whose write failed) is newer than the store's.
    if (answer.value !== null && !this.#writes.has(visitorCode) && !this.#unsaved.has(visitorCode)) {
      const persisted = decodeVisitor(answer.value);
      if (persisted) {
        deps.visitors.adopt(visitorCode, persisted);
        this.#remember(visitorCode, answer.value);
      }
    }
    return { source: 'shared' };
  }

  #remember(code: string, value: string): void {
    if (this.#written.size >= MAX_REMEMBERED) this.#written = new Map();
    this.#written.set(code, fingerprint(value));
  }

  #queueWrite(code: string, visitor: PersistedVisitor): void {
    if (this.#closed || !this.#deps) return;
    const value = encodeVisitor(visitor);
    // The same value again (a tracking tick that changed nothing shared): nothing to write.
    if (!this.#unsaved.has(code) && this.#written.get(code) === fingerprint(value)) return;
    this.#writes.set(code, value);
    if (this.#writeScheduled) return;
    this.#writeScheduled = true;
    // After the other changes of this turn (the VisitorStore flushes in a microtask too).
    queueMicrotask(() => this.#flushWrites());
  }

  /** Milliseconds a request waits for the store at most (`loadTimeout`). */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /**
   * Writes what this turn changed now rather than after it, for a response about to leave (see
   * `prepareRequest`): once the store has it, the visitor's next request, on any process, reads it.
   * @returns the write (it never rejects), or undefined when there was nothing to write
   */
  writeNow(): Promise<void> | undefined {
    this.#deps?.visitors.flushPersistence();
    return this.#flushWrites();
  }

  #flushWrites(): Promise<void> | undefined {
    this.#writeScheduled = false;
    const deps = this.#deps;
    if (!deps || this.#writes.size === 0) return undefined;
    const batch = [...this.#writes];
    this.#writes = new Map();
    for (const [code, value] of batch) this.#remember(code, value);
    let write: Promise<void>;
    try {
      write = this.#store.setVisitors(deps.siteCode, batch, deps.sessionDurationMs);
    } catch (err) {
      write = Promise.reject(err);
    }
    const done: Promise<void> = write.then(
      () => {
        for (const [code] of batch) this.#unsaved.delete(code);
        this.#answered();
      },
      (err: unknown) => {
        this.#status.failedWrites += batch.length;
        for (const [code] of batch) {
          this.#unsaved.add(code);
          this.#written.delete(code);
        }
        this.#failed('error', (err as Error)?.message ?? String(err));
      },
    ).finally(() => this.#inflight.delete(done));
    this.#inflight.add(done);
    return done;
  }

  /**
   * The tracker's claim (see TrackerOptions.claim): each exposure is sent by the one process that
   * claimed it. A store that fails or is slow grants every claim: exposures are then sent at least
   * once (by this process), never lost.
   */
  readonly claim = async (claims: ExposureClaim[]): Promise<boolean[]> => {
    const deps = this.#deps;
    if (!deps || this.#closed) return claims.map(() => true);
    const answer = await bounded(this.#store.claimExposures(deps.siteCode, claims, deps.sessionDurationMs), this.#timeoutMs * 4);
    if (!answer.ok || !Array.isArray(answer.value) || answer.value.length !== claims.length) {
      this.#failed(answer.ok ? 'error' : answer.reason, answer.ok ? msg`claimExposures() answered ${claims.length} claims with something else` : answer.error);
      return claims.map(() => true);
    }
    this.#answered();
    for (const granted of answer.value) if (!granted) this.#status.claimsLost++;
    return answer.value;
  };

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
    const ttl = 2 * deps.updateIntervalMs + deps.requestTimeoutMs;
    const lock = await bounded(store.lockConfiguration(site, this.#owner, ttl), deps.requestTimeoutMs);
    if (!lock.ok) {
      this.#status.configurationHolder = false;
      this.#failed(lock.reason, lock.error);
      return base.sendRequest(params);
    }
    this.#status.configurationHolder = lock.value;
    if (lock.value) {
      const response = await base.sendRequest(params);
      if (!response.ok || response.status === 304) return response;
      const text = await response.text();
      const lastModified = lastModifiedOf(response);
      const published: Published = { text, lastModified };
      void bounded(store.setConfiguration(site, JSON.stringify(published)), deps.requestTimeoutMs).then((done) => (done.ok ? this.#answered() : this.#failed(done.reason, done.error)));
      this.#served = text;
      return configurationResponse(published);
    }
    // Another process fetches: what it published (the first one may be on its way).
    const deadline = Date.now() + deps.requestTimeoutMs;
    for (;;) {
      const read = await bounded(store.getConfiguration(site), deps.requestTimeoutMs);
      if (!read.ok) {
        this.#failed(read.reason, read.error);
        return base.sendRequest(params);
      }
      const published = parsePublished(read.value);
      if (published) {
        const since = ifModifiedSince(params);
        const unchanged = published.lastModified !== undefined ? since === published.lastModified : since !== undefined && published.text === this.#served;
        this.#served = published.text;
        return unchanged ? new Response(null, { status: 304 }) : configurationResponse(published);
      }
      if (Date.now() >= deadline) return base.sendRequest(params);
      await new Promise((resolve) => later(() => resolve(undefined), FIRST_CONFIGURATION_POLL_MS));
    }
  }

  /** Writes what is queued, and waits for the writes in flight; stops listening (`close()` of the client). */
  async close(): Promise<void> {
    this.#flushWrites();
    this.#closed = true;
    this.#unsubscribe?.();
    await Promise.all([...this.#inflight]);
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
