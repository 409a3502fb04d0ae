import type { ParsedConfig } from '../config/parse.ts';
import type { ConfigurationDelivery } from '../config/delivery.ts';
import type { Logger } from '../logging/logger.ts';
import { BEACON_CHARS, type IExternalRequester, type IExternalStorage, type PageLifecycle } from '../platform/platform.ts';
import type { PackageInfo } from '../targeting/types.ts';
import type { VisitStats } from '../visitor/applyData.ts';
import type { VisitorStore } from '../visitor/visitorStore.ts';
import { Outbox, type OutboxLimits, type TrackingLine } from './outbox.ts';
import { Tracker } from './tracker.ts';
import { earlyTrackingKey, type EarlyVisitor } from './early.ts';
import { batchUrl, createTrackingSender, trackingUrl } from './transport.ts';
import { dataApiBaseUrl } from '../config/dataApi.ts';
import { every } from '../platform/timers.ts';
import { msg } from '../logging/msg.ts';

/** What the tracking pipeline needs from the client. */
export interface TrackingDeps {
  siteCode: string;
  /** The tracking base URL (`endpoints.tracking`), else the configuration's Data API host. */
  trackingEndpoint: string | undefined;
  networkDomain: string | undefined;
  sdk: PackageInfo;
  /** Browsers: where a page left before its tracking code arrived keeps what it tracked. */
  storage: IExternalStorage | undefined;
  requester: IExternalRequester;
  requestTimeoutMs: number;
  trackingIntervalMs: number;
  limits: Partial<OutboxLimits> | undefined;
  store: VisitorStore;
  config: () => ParsedConfig | undefined;
  /** See TrackerOptions.prepare. */
  prepare: (visitorCode: string) => VisitStats | undefined;
  /**
   * Browsers, at an activity tick (every {@link ACTIVITY_MS}) after an interaction with the page:
   * the visit of the visitor the client last switched to goes on, and the visitor is scheduled.
   */
  activity: () => void;
  /**
   * Whether the visitor's data may be tracked in full (consent given, or not required); undefined
   * for a visitor the store does not know. Read as a visitor is scheduled.
   */
  consentOf: (visitor: number | undefined) => boolean;
  /** Edge runtimes: concurrent flushes claim their batches (see Outbox's `claim`). */
  perRequest?: boolean;
  /**
   * The client's configuration delivery: not tracking's, but handed to the pipeline's factory,
   * which a Node fleet's sharing wraps (it refreshes the configuration another process published,
   * see fleet/sharing.ts).
   */
  delivery?: ConfigurationDelivery;
  logger: Logger;
  random: () => number;
  /**
   * Whether a value read back from storage is a sound data item (the data classes' field rules,
   * see isSoundItem): passed in, so that this chunk does not import the data classes.
   */
  soundItem: (value: unknown) => boolean;
}

/** A client's tracking: visitors' lines composed by the tracker, delivered by the outbox. */
export interface TrackingPipeline {
  tracker: Tracker;
  outbox: Outbox;
  /**
   * Takes over what was tracked before the pipeline existed: first what earlier pages left in
   * storage (read and removed), then this page's own visitors, then a pending `scheduleAll` (its
   * consent read now).
   */
  resume(early: readonly EarlyVisitor[], scheduleAll: boolean): void;
  /** Removes the page listeners; lines recovered from earlier pages after this stay stored. */
  dispose(): void;
}

/**
 * What the activity tick reads from a browser page: whether the visitor interacted with it, and
 * whether Kameleoon's engine (Engine.js, `window.Kameleoon`) is there, which reports activity itself.
 */
export interface PageActivity {
  /** Calls back at each interaction (`mousemove`, `scroll`); returns the function that stops it. */
  onInteraction(callback: () => void): () => void;
  /** Whether Kameleoon's engine is on the page (read at each tick). */
  engine(): boolean;
}

/** The official browser SDK's `ACTIVITY_INTERVAL` since 4.24.4 (15 s before). */
const ACTIVITY_MS = 60_000;

/**
 * Builds the tracking pipeline; with a `page` (browsers), lines earlier pages left unsent are sent
 * first; when the page is hidden or left, what is queued goes by beacon (and stays stored until a
 * request confirms it: a beacon cannot tell); while the browser reports being offline requests go
 * on (a hint: 127.0.0.1 and captive networks answer), and the queue leaves at once, whatever the
 * backoff, when it is back online; as the official browser SDK 4.24 does, every 60 seconds, if the
 * visitor interacted with the page since the last tick, the visitor the client last switched to is
 * scheduled (unless Kameleoon's engine is on the page).
 */
export function createTracking(deps: TrackingDeps, page?: PageLifecycle & Partial<PageActivity>): TrackingPipeline {
  const { siteCode, logger, random } = deps;
  // The Data API's host, as remote data reads it (the official SDK posts tracking there).
  const base = () => deps.trackingEndpoint ?? dataApiBaseUrl({ networkDomain: deps.networkDomain, dataApiDomain: deps.config()?.dataApiDomain });
  const url = () => trackingUrl(base(), siteCode, deps.sdk.type.toLowerCase(), deps.sdk.version);
  const outbox = new Outbox({
    send: createTrackingSender({ requester: deps.requester, url, timeoutMs: deps.requestTimeoutMs, logger }),
    logger,
    random,
    limits: deps.limits,
    persistence: page && { save: (lines) => page.persist(siteCode, lines) },
    offline: page && (() => page.offline()),
    claim: deps.perRequest,
  });
  const tracker = new Tracker({ ...deps, isServer: deps.sdk.isServer, outbox, random, intervalMs: deps.trackingIntervalMs, logger });
  const stops: (() => void)[] = [];
  let disposed = false;
  if (page) {
    void page.recover(siteCode).then((lines) => {
      if (disposed) return void page.persist(siteCode, lines);
      outbox.add(lines, true);
      void outbox.flush();
    });
    // pagehide and visibilitychange both fire when a page is left: each line goes by beacon once.
    const beaconed = new WeakSet<TrackingLine>();
    stops.push(page.onLeave(() => {
      // What was added and never flushed leaves with the page too: the next page cannot send it
      // (another tab, or this page restored from the back-forward cache, would send it twice).
      tracker.scheduleAll();
      tracker.compose();
      for (const chunk of outbox.chunks(BEACON_CHARS)) {
        const fresh = chunk.filter((line) => !beaconed.has(line));
        if (fresh.length === 0) continue;
        if (!page.beacon(batchUrl(url(), fresh), fresh.map((l) => l.text).join('\n'))) break;
        for (const line of fresh) beaconed.add(line);
      }
    }));
    // Back online: at once, whatever the backoff of the failures meanwhile.
    stops.push(page.onOnline(() => void outbox.flush(true)));
    // As the official browser SDK 4.24: the current visitor is reported active while the visitor
    // interacts with the page; a hidden or idle page sends nothing (explicit flushes are not gated).
    if (page.onInteraction) {
      let interacted = false;
      stops.push(page.onInteraction(() => (interacted = true)));
      const activity = every(() => {
        // The engine reports the visitor's activity itself: none of ours too (4.24.3).
        if (interacted && !page.engine?.()) deps.activity();
        interacted = false;
      }, deps.limits?.activityMs ?? ACTIVITY_MS);
      stops.push(() => clearInterval(activity));
    }
  }
  const replay = (early: readonly EarlyVisitor[]) => {
    for (const { code, items, scheduled, consent } of early) {
      try {
        const id = deps.store.touch(code);
        if (items.length) tracker.recordData(id, items);
        // Without a consent stored (a first stage that had no configuration), the visitor's own, read now.
        if (scheduled) tracker.schedule(code, id, consent === undefined ? undefined : consent === true);
      } catch (err) {
        logger.error(msg`Tracking of visitor ${JSON.stringify(code)} could not be resumed: ${String(err)}`);
      }
    }
  };
  return {
    tracker,
    outbox,
    resume(early, scheduleAll) {
      const storage = deps.storage;
      const saved = storage?.read(earlyTrackingKey(siteCode));
      if (storage && saved != null) {
        storage.write(earlyTrackingKey(siteCode), null);
        // Storage can be tampered with: only well-formed visitors and items are replayed.
        if (Array.isArray(saved)) {
          const visitors = saved.filter((v: Partial<EarlyVisitor> | null) => typeof v?.code === 'string' && v.code.length > 0 && v.code.length <= 255 && Array.isArray(v.items));
          replay(visitors.map((v: EarlyVisitor) => ({ ...v, items: v.items.filter(deps.soundItem) })));
        }
      }
      replay(early);
      if (scheduleAll) tracker.scheduleAll();
    },
    dispose: () => {
      disposed = true;
      for (const stop of stops.splice(0)) stop();
    },
  };
}
