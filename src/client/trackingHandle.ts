import type { TrackingFactory, TrackingSource } from './assembly.ts';
import { later } from '../platform/timers.ts';
import type { TrackedItem } from '../tracking/lines.ts';
import { earlyTrackingKey, type EarlyVisitor } from '../tracking/early.ts';
import type { TrackingDeps, TrackingPipeline } from '../tracking/pipeline.ts';
import { msg } from '../logging/msg.ts';

/** What `getTrackingStatus()` returns: the tracking queue's counters, and whether tracking runs yet. */
export interface TrackingStatus {
  /**
   * Lines waiting to be sent now. After `close()`, the lines the server had not accepted by its
   * deadline (`closeTimeout`): browsers keep them for the next page of the site.
   */
  queued: number;
  /** Lines the server accepted since the client was created. */
  sentLines: number;
  /** Oldest lines dropped because the queue was full, since the client was created. */
  droppedOverflow: number;
  /** Lines of batches the server rejected (a status other than 2xx, 408, 429 and 5xx), since the client was created. */
  droppedRejected: number;
  /** Failed requests since the client was created; their lines are retried later. */
  failures: number;
  /**
   * Whether the tracking code is loaded and running. Browsers load it once the first configuration
   * is in force; what is tracked before it arrives waits, and a page left meanwhile keeps it in
   * localStorage for the next page of the site.
   */
  loaded: boolean;
}

const NOTHING_YET: Readonly<TrackingStatus> = Object.freeze({ queued: 0, sentLines: 0, droppedOverflow: 0, droppedRejected: 0, failures: 0, loaded: false });



/** Calls kept while the tracking code loads; past this many, the oldest data items go. */
const MAX_EARLY_ITEMS = 10_000;
/** A failed load of the tracking code is tried again this long after (at once when the browser is back online). */
const RETRY_LOAD_MS = 30_000;

/**
 * The client's side of tracking. Where the platform builds the pipeline at once (servers), calls
 * go straight to it. Where it loads the pipeline's code later (browsers, see {@link load}), what
 * is tracked meanwhile is kept as data, per visitor, and handed to the pipeline when it arrives;
 * a page left before then writes it to storage, and the next page's pipeline sends it.
 */
export class TrackingHandle {
  readonly #deps: TrackingDeps;
  readonly #source: TrackingSource;
  #pipeline: TrackingPipeline | undefined;
  /** Lazy sources: the request for the code, once made (undefined again after a failure). */
  #loading: Promise<TrackingPipeline | undefined> | undefined;
  #early = new Map<string, EarlyVisitor>();
  #earlyItems = 0;
  #scheduleAll = false;
  #started = false;
  #closed = false;
  #stopWatchingLeave: (() => void) | undefined;
  /** After a failed load: the timer of the next try (the load waits for it, or for the browser to be back online). */
  #retry: ReturnType<typeof setTimeout> | undefined;
  #stopOnline: (() => void) | undefined;
  /** close() gave up waiting for the code: should it arrive after all, it is disposed of at once. */
  #abandoned = false;

  constructor(source: TrackingSource, deps: TrackingDeps) {
    this.#deps = deps;
    this.#source = source;
    if ('create' in source) this.#pipeline = source.create(deps);
    else this.#stopWatchingLeave = source.onLeave?.(() => this.#saveEarly());
  }

  /**
   * Requests the pipeline's code where the platform loads it (idempotent; after a failure, again
   * {@link RETRY_LOAD_MS} later, or as soon as the browser is back online). The client calls it once a configuration is in force: on a
   * cold start the tracking code would otherwise compete with the configuration request, and
   * nothing is tracked before a configuration anyway.
   */
  load(): void {
    const source = this.#source;
    if (this.#pipeline || this.#loading || this.#closed || !('load' in source) || this.#retry) return;
    // After the current task's code: a cached configuration is installed as the app starts,
    // whose first render comes before the request for tracking code.
    this.#loading = Promise.resolve()
      .then(source.load)
      .then((create) => this.#build(create))
      .catch((err: unknown) => {
        this.#loading = undefined;
        // Closed meanwhile: nothing to try again (what was held was stored by close()).
        if (this.#closed) return undefined;
        this.#deps.logger.error(msg`The tracking code could not be loaded (tried again in ${RETRY_LOAD_MS / 1000} s): ${String(err)}`);
        // Tried again without waiting for another tracked call: what is held would wait for the next page.
        this.#retry = later(this.#retryNow, RETRY_LOAD_MS);
        this.#stopOnline ??= source.onOnline?.(this.#retryNow);
        return undefined;
      });
  }

  readonly #retryNow = () => {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.load();
  };

  #build(create: TrackingFactory): TrackingPipeline {
    this.#stopOnline?.();
    const pipeline = create(this.#deps);
    // Arrived after close() gave up waiting for it: what was held went to storage; nothing runs.
    if (this.#abandoned) {
      pipeline.dispose();
      return pipeline;
    }
    this.#pipeline = pipeline;
    this.#stopWatchingLeave?.();
    pipeline.resume([...this.#early.values()], this.#scheduleAll);
    this.#early.clear();
    this.#earlyItems = 0;
    this.#scheduleAll = false;
    if (this.#started && !this.#closed) pipeline.tracker.start();
    return pipeline;
  }

  /** A page left before the pipeline arrived: its calls go to storage, for the next page. */
  #saveEarly(): void {
    const storage = this.#deps.storage;
    if (this.#pipeline || this.#early.size === 0 || !storage) return;
    const key = earlyTrackingKey(this.#deps.siteCode);
    const saved = storage.read(key);
    // The data of a visitor whose consent is required and not given stays in the page's memory,
    // but for what may be sent without it (conversions, where the project has a targeted
    // delivery: the next page decides) and its schedule (the targeted deliveries' exposures).
    const { consentOf, store } = this.#deps;
    const kept = [...this.#early.values()].map((visitor) =>
      (visitor.consent ?? consentOf(store.peek(visitor.code))) ? visitor : { ...visitor, items: visitor.items.filter((item) => item.kind === 'conversion') },
    );
    storage.write(key, [...(Array.isArray(saved) ? saved : []), ...kept]);
    // Whoever loads the pipeline first (this page, if it comes back, or the next one) sends them.
    this.#early.clear();
    this.#earlyItems = 0;
  }

  #earlyVisitor(code: string): EarlyVisitor {
    let visitor = this.#early.get(code);
    if (!visitor) this.#early.set(code, (visitor = { code, items: [] }));
    return visitor;
  }

  /** Counters of the outbox (all zero until the pipeline is there). */
  get stats(): Readonly<TrackingStatus> {
    return this.#pipeline ? { ...this.#pipeline.outbox.stats, loaded: true } : NOTHING_YET;
  }

  /** Starts the tracking tick (now, or as the pipeline arrives). */
  start(): void {
    this.#started = true;
    this.#pipeline?.tracker.start();
  }

  /** Notes data items of the visitor to send (see Tracker.recordData). */
  recordData(visitor: number, items: readonly TrackedItem[]): void {
    if (this.#pipeline) return this.#pipeline.tracker.recordData(visitor, items);
    this.load();
    this.#earlyVisitor(this.#deps.store.codeOf(visitor)).items.push(...items);
    this.#earlyItems += items.length;
    while (this.#earlyItems > MAX_EARLY_ITEMS) {
      const oldest = this.#early.values().next().value!;
      this.#deps.logger.warn(msg`Tracking is not loaded yet and holds too much: the data of visitor ${JSON.stringify(oldest.code)} was dropped.`);
      this.#earlyItems -= oldest.items.length;
      this.#early.delete(oldest.code);
    }
  }

  /** Schedules the visitor for the next tick, with its consent as it is now (see Tracker.schedule). */
  schedule(visitorCode: string, id?: number): void {
    if (this.#pipeline) return this.#pipeline.tracker.schedule(visitorCode, id);
    this.load();
    const visitor = this.#earlyVisitor(visitorCode);
    visitor.scheduled = true;
    visitor.consent = this.#deps.consentOf(id);
  }

  /** Schedules every visitor with something unsent (see Tracker.scheduleAll; before the pipeline, consent is read as it arrives). */
  scheduleAll(): void {
    if (this.#pipeline) return this.#pipeline.tracker.scheduleAll();
    this.load();
    this.#scheduleAll = true;
  }

  /** Composes a visitor about to be forgotten (servers, where the pipeline is always built). */
  rescue(id: number): void {
    this.#pipeline?.tracker.rescue(id);
  }

  /** Composes now and sends (once the pipeline is there); nothing to do before it was requested. */
  async tick(): Promise<void> {
    const pipeline = this.#pipeline ?? (await this.#loading);
    await pipeline?.tracker.tick();
  }

  /**
   * Composes now and sends until the server accepted everything queued or `deadline` (epoch ms)
   * passes (see Tracker.flushUntil); a pipeline still loading is waited for until then.
   */
  async flushUntil(deadline: number): Promise<void> {
    this.load();
    const pipeline = this.#pipeline ?? (await this.#loaded(deadline));
    await pipeline?.tracker.flushUntil(deadline);
  }

  /** The pipeline, once loaded; undefined if it is not by `deadline` (epoch ms): a stalled load holds no one past it. */
  async #loaded(deadline: number): Promise<TrackingPipeline | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => (timer = later(() => resolve(undefined), Math.max(0, deadline - Date.now()))));
    try {
      return await Promise.race([this.#loading, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops the tick and sends what is left, until the server accepted it all or `deadline` (epoch
   * ms) passes (see Tracker.close); a pipeline still loading is waited for until then. Once (the
   * client shares its promise).
   */
  async close(deadline: number): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#stopOnline?.();
    this.#stopWatchingLeave?.();
    const pipeline = this.#pipeline ?? (await this.#loaded(deadline));
    // Not loaded (failed, or not within closeTimeout): what was held goes to storage, for the next page.
    if (!pipeline) {
      this.#abandoned = true;
      return this.#saveEarly();
    }
    await pipeline.tracker.close(deadline);
    pipeline.dispose();
  }
}
