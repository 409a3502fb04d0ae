import { ConfigurationDelivery } from '../config/delivery.ts';
import type { ParsedConfig } from '../config/parse.ts';
import type { EvaluationEnv } from '../evaluation/evaluate.ts';
import { HashMemo } from '../hashing/memo.ts';
import { Logger } from '../logging/logger.ts';
import type { PageLifecycle, Platform } from '../platform/platform.ts';
import { Outbox, type TrackingLine } from '../tracking/outbox.ts';
import { Tracker } from '../tracking/tracker.ts';
import { createTrackingSender, trackingUrl } from '../tracking/transport.ts';
import { createStoragePersistence } from '../visitor/persistence.ts';
import { VisitorStore } from '../visitor/visitorStore.ts';
import type { VisitStats } from '../visitor/applyData.ts';
import { EventHub } from './events.ts';
import { configurationUrl, resolveOptions, streamUrl, type SDKConfigurationType, type SDKParameters } from './options.ts';

/** Everything a client is made of, wired for its platform. */
export interface ClientServices {
  siteCode: string;
  options: SDKConfigurationType;
  platform: Platform;
  logger: Logger;
  events: EventHub;
  visitors: VisitorStore;
  env: EvaluationEnv;
  delivery: ConfigurationDelivery;
  outbox: Outbox;
  tracker: Tracker;
  /** Random numbers for nonces and jitter (`_internals.prng` when given). */
  random: () => number;
}

/** What the client does when the configuration changes. */
export interface WiringHooks {
  config(): ParsedConfig | undefined;
  /** Called as each visitor is tracked (see TrackerOptions.prepare). */
  prepareTracking(visitorCode: string): VisitStats | undefined;
  onConfiguration(config: ParsedConfig, initial: boolean, timestamp: number | undefined): void;
}

/** The Data API host the tracking goes to: the configuration's `dataApiDomain`, else `data.<networkDomain>`. */
function dataApiBase(options: SDKConfigurationType, config: ParsedConfig | undefined): string {
  if (options.endpoints.tracking) return options.endpoints.tracking;
  return `https://${config?.dataApiDomain ?? `data.${options.networkDomain ?? 'kameleoon.io'}`}`;
}

/** Beacons stay under the browsers' 64 KiB limit. */
const BEACON_CHARS = 60_000;

/**
 * Browsers: lines earlier pages left unsent are sent first; when the page is hidden or left, what
 * is queued goes by beacon (and stays stored until a request confirms it: a beacon cannot tell);
 * while offline nothing is attempted, and the queue leaves when the browser is back online.
 */
function keepTrackingAcrossPages(page: PageLifecycle, siteCode: string, outbox: Outbox, tracker: Tracker, url: () => string): void {
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

/**
 * Validates the parameters and builds the client's parts: externals over platform defaults,
 * the visitor store, configuration delivery, and the tracking pipeline.
 * @throws SiteCodeIsEmpty, InvalidArgument
 */
export function wireClient(params: SDKParameters, base: Platform, hooks: WiringHooks): ClientServices {
  const { siteCode, config: options } = resolveOptions(params);
  const externals = params.externals ?? {};
  const internals = params._internals ?? {};
  const platform: Platform = {
    ...base,
    packageInfo: internals.packageInfo ?? base.packageInfo,
    requester: externals.requester ?? base.requester,
    storage: externals.storage ?? base.storage,
    visitorCodeManager: externals.visitorCodeManager ?? base.visitorCodeManager,
  };
  const random = internals.prng ? () => internals.prng!.getRandomNumber() : platform.random;
  const logger = new Logger(externals.logger);
  const events = new EventHub((err) => logger.error(`An event handler threw: ${String(err)}`));
  const isServer = platform.packageInfo.isServer;
  let tracker: Tracker | undefined;
  const visitors = new VisitorStore({
    sessionDurationMs: isServer ? options.sessionDuration * 60_000 : 0,
    clock: Date.now,
    persistence: !isServer && platform.storage ? createStoragePersistence(platform.storage) : undefined,
    onForget: (id) => tracker?.rescue(id),
  });
  const delivery = new ConfigurationDelivery({
    siteCode,
    environment: options.environment,
    configurationUrl: configurationUrl(siteCode, options),
    streamUrl: streamUrl(siteCode, options),
    updateIntervalMs: options.updateInterval * 60_000,
    requestTimeoutMs: options.requestTimeout,
    defaultDataFile: options.defaultDataFile,
    sdk: platform.packageInfo,
    requester: platform.requester,
    cache: isServer ? undefined : platform.storage,
    eventSource: externals.eventSource,
    logger,
    random,
    onUpdate: hooks.onConfiguration,
    onStateChange: () => events.statusChange(),
  });
  const { type, version } = platform.packageInfo;
  const url = () => trackingUrl(dataApiBase(options, hooks.config()), siteCode, type.toLowerCase(), version);
  const page = platform.page;
  const outbox = new Outbox({
    send: createTrackingSender({ requester: platform.requester, url, timeoutMs: options.requestTimeout, logger }),
    logger,
    random,
    limits: internals.trackingLimits,
    persistence: page && { save: (lines) => page.persist(siteCode, lines) },
    canSend: page && (() => !page.offline()),
  });
  tracker = new Tracker({ store: visitors, config: hooks.config, prepare: hooks.prepareTracking, isServer, outbox, random, intervalMs: options.trackingInterval, logger });
  if (page) keepTrackingAcrossPages(page, siteCode, outbox, tracker, url);
  return {
    siteCode,
    options,
    platform,
    logger,
    events,
    visitors,
    env: { sdk: platform.packageInfo, now: 0, hashes: new HashMemo(), documentCookies: platform.documentCookies },
    delivery,
    outbox,
    tracker,
    random,
  };
}
