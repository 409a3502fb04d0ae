import type { ConfigurationDelivery } from '../config/delivery.ts';
import type { Logger } from '../logging/logger.ts';
import type { IExternalRequester } from '../platform/platform.ts';
import { every } from '../platform/timers.ts';
import type { SDKParameters } from '../client/options.ts';
import type { TrackingDeps, TrackingPipeline } from '../tracking/pipeline.ts';
import type { Tracker } from '../tracking/tracker.ts';
import { NONE, SENT, TARGETED, UNSENT } from '../visitor/slots.ts';
import { decodeVisitor, encodeVisitor } from '../visitor/persistence.ts';
import type { VisitorStore } from '../visitor/visitorStore.ts';
import type { PrepareVisitorResult, SharedExposureClaim, SharedStore, SharedStoreStatus } from './sharedStore.ts';
import { adopt } from './adopt.ts';
import { bounded } from './bounded.ts';
import { ConfigurationSharing } from './configurationSharing.ts';
import { msg } from '../logging/msg.ts';

/** The default of {@link SharedStore.loadTimeout}: a request waits this long for the store at most. */
export const DEFAULT_LOAD_TIMEOUT_MS = 50;
/** Visitors whose last written value is remembered (to skip writing the same value again). */
const MAX_REMEMBERED = 100_000;

/** What the sharing works with, once the client is built (see attach). */
interface SharingDeps {
  siteCode: string;
  /** Entries expire after this much inactivity (`sessionDuration`). */
  sessionDurationMs: number;
  requestTimeoutMs: number;
  visitors: VisitorStore;
  logger: Logger;
  delivery: ConfigurationDelivery | undefined;
  tracker: Tracker;
  /** Whether a visitor's data may be tracked in full: without it, only targeted deliveries' exposures are sent. */
  consentOf: (visitor: number) => boolean;
}

/** A minutes option as the client reads it (see resolveOptions): a finite number, else the default. */
function minutes(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** FNV-1a of a string: the value last written for a visitor is remembered as this number. */
function fingerprint(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
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
  #deps: SharingDeps | undefined;
  readonly #status: SharedStoreStatus = { enabled: true, available: true, loads: 0, fallbacks: 0, failedWrites: 0, claimsLost: 0, lastError: undefined, configurationHolder: false };
  /** Values to write, by visitor code (the next batch). */
  #writes = new Map<string, string>();
  #writeScheduled = false;
  /** Writes in flight. */
  readonly #inflight = new Set<Promise<void>>();
  /**
   * Visitors whose last write failed, with when it was made: their copy here is newer than the
   * store's, unless the store's was written after that (by another process).
   */
  readonly #unsaved = new Map<string, number>();
  /** Visitors with a write in flight: a copy read meanwhile may be older than theirs here. */
  readonly #writing = new Map<string, number>();
  /** Changes made here, counted; and the count at each visitor's last change (see #load). */
  #changes = 0;
  #changedAt = new Map<string, number>();
  /** Fingerprint of the value last written for each visitor. */
  #written = new Map<string, number>();
  /** The configuration this process runs, as fetched or read from the store. */
  /** The fleet's one configuration: the lock, the holder's fetches, what it publishes. */
  readonly #configuration: ConfigurationSharing;
  #closed = false;
  readonly #sessionDurationMs: number;
  /** `closeTimeout`: what close() waits for the store at most. */
  readonly #closeTimeoutMs: number;
  readonly #refreshMs: number | undefined;
  #refreshTimer: ReturnType<typeof setInterval> | undefined;
  /** Tracking is composing: what it marks changed (exposures sent) is not written (see attach). */
  #composing = false;
  /** Visitors changed since the last write (see attach). */
  #dirty = new Set<number>();
  /** Exposures claimed and not yet answered, as `visitorCode experimentId variationId`. */
  readonly #claiming = new Set<string>();
  /** Claims to send with the next batch of writes. */
  #claims: SharedExposureClaim[] = [];
  /** Exposures this process claimed (remembered for the last {@link MAX_REMEMBERED}): never claimed again. */
  #granted = new Set<string>();
  /** Claims sent and not yet answered. */
  readonly #claimsInFlight = new Set<Promise<void>>();

  /**
   * @param params - the client's parameters: `sessionDuration`, `updateInterval` (or
   * `dataFileRefreshInterval`), and `_internals.updateIntervalMs`, milliseconds between
   * configuration refreshes that replace `updateInterval`, and `_internals.lockHeartbeatMs`, the
   * lock's heartbeat (tests)
   */
  constructor(store: SharedStore, params: SDKParameters) {
    this.#store = store;
    const timeout = store.loadTimeout;
    this.#timeoutMs = typeof timeout === 'number' && timeout >= 0 ? timeout : DEFAULT_LOAD_TIMEOUT_MS;
    const c = params.configuration ?? {};
    this.#sessionDurationMs = minutes(c.sessionDuration, 30) * 60_000;
    this.#closeTimeoutMs = Math.max(0, minutes(c.closeTimeout, 5_000));
    const refreshMs = params._internals?.updateIntervalMs;
    this.#refreshMs = typeof refreshMs === 'number' && refreshMs > 0 ? refreshMs : undefined;
    const updateIntervalMs = this.#refreshMs ?? Math.max(1, minutes(c.dataFileRefreshInterval ?? c.updateInterval, 60)) * 60_000;
    const report = { failed: (reason: 'timeout' | 'error', error: string) => this.#failed(reason, error), answered: () => this.#answered() };
    this.#configuration = new ConfigurationSharing(store, this.#status, report, updateIntervalMs, params._internals?.lockHeartbeatMs);
  }

  /**
   * The tracking factory of a fleet's client: builds the pipeline with `create`, and connects the
   * sharing to the client's parts it is given (the visitors, the logger, the configuration
   * delivery), once, as the client is built. Changes to visitors are written in batches (the
   * store tells of them through `changed`); tracking's own marks (exposures sent) are not: the
   * claims say what was sent, and this copy of the visitor may be older than the fleet's.
   */
  attach(deps: TrackingDeps, create: (deps: TrackingDeps) => TrackingPipeline): TrackingPipeline {
    const pipeline = create(deps);
    const { store: visitors, delivery, tracker } = { ...deps, tracker: pipeline.tracker };
    this.#deps = { siteCode: deps.siteCode, sessionDurationMs: this.#sessionDurationMs, requestTimeoutMs: deps.requestTimeoutMs, visitors, logger: deps.logger, delivery, tracker, consentOf: deps.consentOf };
    const changed = visitors.changed.bind(visitors);
    visitors.changed = (id) => {
      changed(id);
      if (this.#composing || this.#closed) return;
      this.#dirty.add(id);
      this.#noteChange(visitors.codeOf(id) as string | undefined);
      this.#schedule();
    };
    const methods = tracker as unknown as Record<'compose' | 'rescue', (id?: number) => void>;
    for (const name of ['compose', 'rescue'] as const) {
      const compose = methods[name].bind(tracker);
      methods[name] = (id) => {
        this.#composing = true;
        try {
          compose(id);
        } finally {
          this.#composing = false;
        }
      };
    }
    // A shorter interval than the delivery's own polling (tests): refreshes of this process's own.
    if (this.#refreshMs !== undefined) this.#refreshTimer = every(() => void delivery?.refresh(), this.#refreshMs);
    this.#configuration.attach(deps.siteCode, deps.requestTimeoutMs, delivery);
    return pipeline;
  }

  #schedule(): void {
    if (this.#writeScheduled) return;
    this.#writeScheduled = true;
    // After the other changes of this turn.
    queueMicrotask(() => this.#flushWrites());
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
    const deadline = Date.now() + this.#timeoutMs;
    const loaded = await this.#load(deps, visitorCode, this.#timeoutMs);
    if (loaded.source === 'local') return loaded;
    // A user id linked to an anonymous visitor (the mapping identifier) reads that visitor's data
    // and hashes: it is loaded too, within what is left of the bound (without it, this process
    // would decide as if the link did not exist, and drop it).
    const linkedTo = deps.visitors.extra(deps.visitors.peek(visitorCode) ?? -1)?.linkedTo;
    if (linkedTo === undefined || linkedTo === visitorCode) return loaded;
    const linked = await this.#load(deps, linkedTo, Math.max(0, deadline - Date.now()));
    return linked.source === 'local' ? linked : loaded;
  }

  /** Loads one visitor into this process within `ms`: `shared` once the store answered. */
  async #load(deps: SharingDeps, visitorCode: string, ms: number): Promise<PrepareVisitorResult> {
    const asked = this.#changes;
    const answer = await bounded(this.#store.getVisitor(deps.siteCode, visitorCode), ms);
    if (!answer.ok) {
      this.#status.fallbacks++;
      this.#failed(answer.reason, answer.error);
      return { source: 'local', reason: answer.reason };
    }
    this.#answered();
    this.#status.loads++;
    // A copy here not yet written, or being written, is newer than the store's (which may have
    // been read before the change); so is one whose write failed, unless the store's was written
    // after that failure, by another process: the last write wins.
    // The same for a copy read before a change made here since (two requests of one visitor).
    const known = deps.visitors.peek(visitorCode);
    const changedSince = (this.#changedAt.get(visitorCode) ?? -1) >= asked;
    if (answer.value === null || changedSince || (known !== undefined && this.#dirty.has(known)) || this.#writing.has(visitorCode)) return { source: 'shared' };
    const persisted = decodeVisitor(answer.value);
    const failedAt = this.#unsaved.get(visitorCode);
    if (!persisted || (failedAt !== undefined && persisted.lastActivity <= failedAt)) return { source: 'shared' };
    this.#unsaved.delete(visitorCode);
    const id = deps.visitors.touch(visitorCode);
    adopt(deps.visitors, id, persisted, (experimentId, variationId) => this.#claiming.has(`${visitorCode} ${experimentId} ${variationId}`));
    this.#remember(visitorCode, answer.value);
    return { source: 'shared' };
  }

  /** A visitor changed here: a copy of it read before now is older than this process's. */
  #noteChange(code: string | undefined): void {
    if (code === undefined) return;
    if (this.#changedAt.size >= MAX_REMEMBERED) this.#changedAt = new Map();
    this.#changedAt.set(code, this.#changes++);
  }

  #remember(code: string, value: string): void {
    if (this.#written.size >= MAX_REMEMBERED) this.#written = new Map();
    if (this.#granted.size >= MAX_REMEMBERED) this.#granted = new Set();
    // Visitors this process has forgotten may stay here after an outage: a bound, as for the others.
    if (this.#unsaved.size >= MAX_REMEMBERED) this.#unsaved.clear();
    this.#written.set(code, fingerprint(value));
  }

  /** The changed visitors' values, to write: their exposures are claimed first. */
  #collect(deps: SharingDeps): void {
    const visitors = deps.visitors;
    for (const id of this.#dirty) {
      const code = visitors.codeOf(id) as string | undefined;
      if (code === undefined) continue;
      this.#claimExposures(deps, code, id);
      const head = visitors.headOf(id);
      // The fleet's copy says "unsent" only of exposures held back for consent (and so not
      // claimed): the process where consent is given claims and sends them. Of the others, which
      // process sends an exposure is the claim's to say.
      const consent = deps.consentOf(id);
      const value = encodeVisitor({
        lastActivity: Date.now(),
        assignments: visitors.pool.toTriples(head).map((v, i) => (i % 3 === 2 && (consent || (v & TARGETED) !== 0) ? v & ~UNSENT : v)),
        assignmentTimes: visitors.pool.toTimes(head),
        extra: visitors.extra(id),
      });
      // The same value again: nothing to write.
      if (!this.#unsaved.has(code) && this.#written.get(code) === fingerprint(value)) continue;
      this.#writes.set(code, value);
    }
    this.#dirty.clear();
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
    return this.#flushWrites();
  }

  #flushWrites(): Promise<void> | undefined {
    this.#writeScheduled = false;
    const deps = this.#deps;
    if (!deps) return undefined;
    this.#collect(deps);
    if (this.#claims.length > 0) this.#sendClaims(deps);
    if (this.#writes.size === 0) return undefined;
    const batch = [...this.#writes];
    this.#writes = new Map();
    const at = Date.now();
    for (const [code, value] of batch) {
      this.#remember(code, value);
      this.#writing.set(code, (this.#writing.get(code) ?? 0) + 1);
    }
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
          this.#unsaved.set(code, at);
          this.#written.delete(code);
        }
        this.#failed('error', (err as Error)?.message ?? String(err));
      },
    ).finally(() => {
      this.#inflight.delete(done);
      for (const [code] of batch) {
        const left = this.#writing.get(code)! - 1;
        if (left > 0) this.#writing.set(code, left);
        else this.#writing.delete(code);
      }
    });
    this.#inflight.add(done);
    return done;
  }

  /**
   * Exposures are claimed before they are sent: the visitor's unsent exposures wait (not unsent
   * for the tracker) until the store answers; the process that got a claim sends the exposure,
   * the others mark it sent. A store that fails or is slow grants every claim: exposures are then
   * sent at least once (by this process), never lost.
   */
  #claimExposures(deps: SharingDeps, code: string, id: number): void {
    const pool = deps.visitors.pool;
    const visitors = deps.visitors;
    const consent = deps.consentOf(id);
    for (let node = visitors.headOf(id); node !== NONE; node = pool.next(node)) {
      const flags = pool.flags(node);
      // Held back for consent, as the tracker holds it: claimed once it may be sent.
      if ((flags & UNSENT) === 0 || (!consent && (flags & TARGETED) === 0)) continue;
      const claim = { visitorCode: code, experimentId: pool.experimentId(node), variationId: pool.variationId(node) };
      const key = `${code} ${claim.experimentId} ${claim.variationId}`;
      // Claimed by this process already: the tracker sends it.
      if (this.#granted.has(key)) continue;
      pool.setFlags(node, flags & ~UNSENT);
      if (this.#claiming.has(key)) continue;
      this.#claiming.add(key);
      this.#claims.push(claim);
    }
  }

  #sendClaims(deps: SharingDeps): void {
    const claims = this.#claims;
    this.#claims = [];
    let asked: Promise<boolean[]>;
    try {
      asked = this.#store.claimExposures(deps.siteCode, claims, deps.sessionDurationMs);
    } catch (err) {
      asked = Promise.reject(err);
    }
    const done: Promise<void> = bounded(asked, this.#timeoutMs * 4).then((answer) => {
      const valid = answer.ok && Array.isArray(answer.value) && answer.value.length === claims.length;
      if (valid) this.#answered();
      else this.#failed(answer.ok ? 'error' : answer.reason, answer.ok ? msg`claimExposures() did not answer each claim` : answer.error);
      claims.forEach((claim, i) => {
        const { visitorCode, experimentId, variationId } = claim;
        this.#claiming.delete(`${visitorCode} ${experimentId} ${variationId}`);
        const granted = !valid || (answer.value as boolean[])[i] === true;
        if (!granted) this.#status.claimsLost++;
        else this.#granted.add(`${visitorCode} ${experimentId} ${variationId}`);
        const visitors = deps.visitors;
        const id = visitors.peek(visitorCode);
        const node = id === undefined ? NONE : visitors.pool.find(visitors.headOf(id), experimentId);
        if (node === NONE || visitors.pool.variationId(node) !== variationId) return;
        if (!granted) return visitors.pool.markSent(node);
        // Ours to send (a copy read meanwhile may say sent: by a process whose claim was refused):
        // unsent again, and scheduled (the tick that came meanwhile passed it by).
        visitors.pool.setFlags(node, (visitors.pool.flags(node) & ~SENT) | UNSENT);
        deps.tracker.schedule(visitorCode, id);
      });
    }).finally(() => this.#claimsInFlight.delete(done));
    this.#claimsInFlight.add(done);
  }

  /** Claims made so far, answered (or given up after their bound): before a flush or a close sends what is due. */
  async settled(): Promise<void> {
    this.writeNow();
    await Promise.all([...this.#claimsInFlight]);
  }

  /**
   * The configuration requests of this client (its other requests pass through): the holder of
   * the lock fetches and publishes; the others read what was published.
   */
  requester(base: IExternalRequester): IExternalRequester {
    return this.#configuration.requester(base);
  }

  /**
   * Writes what is queued, and waits for the writes and claims in flight (`closeTimeout` at
   * most); stops listening, and gives the configuration lock back if this process holds it
   * (`close()` of the client).
   */
  async close(): Promise<void> {
    this.#flushWrites();
    this.#closed = true;
    clearInterval(this.#refreshTimer);
    // Bounded, as every call to the store: a write or claim it never answers does not hold the close.
    await Promise.all([bounded(Promise.all([...this.#inflight, ...this.#claimsInFlight]), this.#closeTimeoutMs), this.#configuration.close()]);
  }
}
