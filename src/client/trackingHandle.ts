import type { Logger } from '../logging/logger.ts';
import type { TrackingFactory, TrackingSource } from '../platform/platform.ts';
import type { OutboxStats } from '../tracking/outbox.ts';
import type { TrackedItem } from '../tracking/lines.ts';
import type { TrackingDeps, TrackingPipeline } from '../tracking/pipeline.ts';

/** `getTrackingStatus()`: the outbox's counters, and whether tracking runs yet. */
export interface TrackingStatus extends OutboxStats {
  /**
   * Whether the tracking code is loaded and running. Browsers load it once the first configuration
   * is in force; until then what is tracked waits in the visitor store, and a page left meanwhile
   * keeps its exposures in localStorage for a later page instead of sending them by beacon.
   */
  loaded: boolean;
}

const NOTHING_YET: Readonly<TrackingStatus> = Object.freeze({ queued: 0, sentLines: 0, droppedOverflow: 0, droppedRejected: 0, failures: 0, loaded: false });

/**
 * The client's side of tracking. Where the platform builds the pipeline at once (servers), calls
 * go straight to it; where it loads the pipeline's code later (browsers, see {@link load}), calls
 * wait in order and run as it arrives. Nothing is lost meanwhile: what is tracked lives in the visitor store
 * (unsent assignments, pending data) until the tracker composes it.
 */
export class TrackingHandle {
  #pipeline: TrackingPipeline | undefined;
  #waiting: ((pipeline: TrackingPipeline) => void)[] = [];
  /** Set once the pipeline is built or its code requested. */
  #ready: Promise<TrackingPipeline | undefined> | undefined;
  readonly #load: () => void;

  constructor(source: TrackingSource, deps: TrackingDeps, logger: Logger) {
    const build = (create: TrackingFactory) => {
      const pipeline = create(deps);
      this.#pipeline = pipeline;
      for (const call of this.#waiting) call(pipeline);
      this.#waiting = [];
      return pipeline;
    };
    if ('create' in source) {
      this.#ready = Promise.resolve(build(source.create));
      this.#load = () => undefined;
      return;
    }
    this.#load = () => {
      // After the current task's code: a cached configuration is installed as the app starts,
      // whose first render comes before the request for tracking code.
      this.#ready ??= Promise.resolve().then(source.load).then(build, (err: unknown) => {
        logger.error(`Tracking could not be loaded, nothing will be sent: ${String(err)}`);
        return undefined;
      });
    };
  }

  /**
   * Requests the pipeline's code, where the platform loads it (idempotent). The client calls it
   * once a configuration is in force: on a cold start the tracking code would otherwise compete
   * with the configuration request, and nothing is tracked before a configuration anyway.
   */
  load(): void {
    this.#load();
  }

  #run(call: (pipeline: TrackingPipeline) => void): void {
    if (this.#pipeline) call(this.#pipeline);
    else this.#waiting.push(call);
  }

  /** Counters of the outbox (all zero until the pipeline is there). */
  get stats(): Readonly<TrackingStatus> {
    return this.#pipeline ? { ...this.#pipeline.outbox.stats, loaded: true } : NOTHING_YET;
  }

  start(): void {
    this.#run((p) => p.tracker.start());
  }

  recordData(visitor: number, items: readonly TrackedItem[]): void {
    this.#run((p) => p.tracker.recordData(visitor, items));
  }

  schedule(visitorCode: string, consentProvided: boolean, id?: number): void {
    this.#run((p) => p.tracker.schedule(visitorCode, consentProvided, id));
  }

  scheduleAll(consentOf: (visitor: number) => boolean): void {
    this.#run((p) => p.tracker.scheduleAll(consentOf));
  }

  /** Composes a visitor about to be forgotten (servers, where the pipeline is always built). */
  rescue(id: number): void {
    this.#pipeline?.tracker.rescue(id);
  }

  /** Composes now (once the pipeline is there) and sends; nothing to do before it was requested. */
  tick(): Promise<void> {
    return this.#pipeline ? this.#pipeline.tracker.tick() : Promise.resolve(this.#ready).then((p) => p?.tracker.tick());
  }

  close(): Promise<void> {
    return this.#pipeline ? this.#pipeline.tracker.close() : Promise.resolve(this.#ready).then((p) => p?.tracker.close());
  }
}
