import type { ParsedConfig } from '../config/parse.ts';
import type { Logger } from '../logging/logger.ts';
import type { IExternalRequester, PageLifecycle } from '../platform/platform.ts';
import type { VisitStats } from '../visitor/applyData.ts';
import type { VisitorStore } from '../visitor/visitorStore.ts';
import { Outbox, type OutboxLimits, type TrackingLine } from './outbox.ts';
import { Tracker } from './tracker.ts';
import { createTrackingSender, trackingUrl } from './transport.ts';

/** What the tracking pipeline needs from the client. */
export interface TrackingDeps {
  siteCode: string;
  /** The tracking base URL (`endpoints.tracking`), else the configuration's Data API host. */
  trackingEndpoint: string | undefined;
  networkDomain: string | undefined;
  sdk: { type: string; version: string; isServer: boolean };
  requester: IExternalRequester;
  requestTimeoutMs: number;
  trackingIntervalMs: number;
  limits: Partial<OutboxLimits> | undefined;
  store: VisitorStore;
  config: () => ParsedConfig | undefined;
  /** See TrackerOptions.prepare. */
  prepare: (visitorCode: string) => VisitStats | undefined;
  logger: Logger;
  random: () => number;
}

/** A client's tracking: visitors' lines composed by the tracker, delivered by the outbox. */
export interface TrackingPipeline {
  tracker: Tracker;
  outbox: Outbox;
}

/** Beacons stay under the browsers' 64 KiB limit. */
const BEACON_CHARS = 60_000;

/**
 * Builds the tracking pipeline; with a `page` (browsers), lines earlier pages left unsent are sent
 * first; when the page is hidden or left, what is queued goes by beacon (and stays stored until a
 * request confirms it: a beacon cannot tell); while offline nothing is attempted, and the queue
 * leaves when the browser is back online.
 */
export function createTracking(deps: TrackingDeps, page?: PageLifecycle): TrackingPipeline {
  const { siteCode, logger, random } = deps;
  const base = () => deps.trackingEndpoint ?? `https://${deps.config()?.dataApiDomain ?? `data.${deps.networkDomain ?? 'kameleoon.io'}`}`;
  const url = () => trackingUrl(base(), siteCode, deps.sdk.type.toLowerCase(), deps.sdk.version);
  const outbox = new Outbox({
    send: createTrackingSender({ requester: deps.requester, url, timeoutMs: deps.requestTimeoutMs, logger }),
    logger,
    random,
    limits: deps.limits,
    persistence: page && { save: (lines) => page.persist(siteCode, lines) },
    canSend: page && (() => !page.offline()),
  });
  const tracker = new Tracker({
    store: deps.store,
    config: deps.config,
    prepare: deps.prepare,
    isServer: deps.sdk.isServer,
    outbox,
    random,
    intervalMs: deps.trackingIntervalMs,
    logger,
  });
  if (page) {
    void page.recover(siteCode).then((lines) => {
      outbox.add(lines, true);
      void outbox.flush();
    });
    // pagehide and visibilitychange both fire when a page is left: each line goes by beacon once.
    const beaconed = new WeakSet<TrackingLine>();
    page.onLeave(() => {
      tracker.compose();
      for (const chunk of outbox.chunks(BEACON_CHARS)) {
        const fresh = chunk.filter((line) => !beaconed.has(line));
        if (fresh.length === 0) continue;
        if (!page.beacon(url() + (fresh.some((l) => l.ua) ? '&bodyUa=true' : ''), fresh.map((l) => l.text).join('\n'))) break;
        for (const line of fresh) beaconed.add(line);
      }
    });
    page.onOnline(() => void outbox.flush());
  }
  return { tracker, outbox };
}
