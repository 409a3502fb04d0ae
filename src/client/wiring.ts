import { ConfigurationDelivery } from '../config/delivery.ts';
import type { ParsedConfig } from '../config/parse.ts';
import type { EvaluationEnv } from '../evaluation/evaluate.ts';
import { HashMemo } from '../hashing/memo.ts';
import { Logger } from '../logging/logger.ts';
import type { IPlatformAnalyzer, Platform } from '../platform/platform.ts';
import type { ClientAssembly } from './assembly.ts';
import { createStoragePersistence } from '../visitor/persistence.ts';
import { VisitorStore } from '../visitor/visitorStore.ts';
import type { VisitStats } from '../visitor/applyData.ts';
import { isSoundItem } from '../visitor/data.ts';
import { EventHub } from './events.ts';
import { TrackingHandle } from './trackingHandle.ts';
import { configurationUrl, resolveOptions, streamUrl, type SDKConfigurationType, type SDKParameters } from './options.ts';
import { msg } from '../logging/msg.ts';

/** Everything a client is made of, wired for its platform. */
export interface ClientServices {
  siteCode: string;
  options: SDKConfigurationType;
  platform: Platform;
  /** Browsers: the visitor's browser, system, device and page (see ClientCore.visitor). */
  platformAnalyzer: IPlatformAnalyzer | undefined;
  logger: Logger;
  events: EventHub;
  visitors: VisitorStore;
  env: EvaluationEnv;
  delivery: ConfigurationDelivery;
  tracker: TrackingHandle;
  /** The official stub mode (see SDKParameters.stubMode). */
  stubMode: boolean;
  /** Whether `externals.visitorCodeManager` was given (its official Node form is then used too). */
  externalCookies: boolean;
}

/** What the client does when the configuration changes. */
export interface WiringHooks {
  config(): ParsedConfig | undefined;
  /** Called as each visitor is tracked (see TrackerOptions.prepare). */
  prepareTracking(visitorCode: string): VisitStats | undefined;
  /** Browsers: the official SDK's activity of the current visitor (see TrackingDeps.activity). */
  activity(): void;
  /** Whether the visitor's data may be tracked in full (see TrackingDeps.consentOf). */
  consentOf(visitor: number | undefined): boolean;
  onConfiguration(config: ParsedConfig, initial: boolean, timestamp: number | undefined): void;
}

/**
 * Validates the parameters and builds the client's parts: externals over platform defaults,
 * the visitor store, configuration delivery, and the tracking handle (see trackingHandle.ts).
 * @throws SiteCodeIsEmpty, InvalidArgument
 */
export function wireClient(params: SDKParameters, assembly: ClientAssembly, hooks: WiringHooks): ClientServices {
  const base = assembly.platform;
  const { siteCode, config: options, stubMode } = resolveOptions(params);
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
  // Unknown keys (a typo, an option of a newer official version) are reported a moment later.
  (assembly.idle ?? ((work) => work()))(() => {
    void import('./unknownOptions.ts').then(({ unknownKeys }) => {
      for (const warning of unknownKeys(params, !assembly.oauth)) logger.warnOnce(warning, warning);
    });
  });
  const events = new EventHub((err) => logger.error(msg`An event handler threw: ${String(err)}`));
  const isServer = platform.packageInfo.isServer;
  let tracker: TrackingHandle | undefined;
  const visitors = new VisitorStore({
    sessionDurationMs: isServer ? options.sessionDuration * 60_000 : 0,
    clock: Date.now,
    persistence: !isServer && platform.storage ? createStoragePersistence(platform.storage) : undefined,
    onForget: (id) => tracker?.rescue(id),
  });
  const delivery = new ConfigurationDelivery({
    siteCode,
    prefetched: internals.configurationResponse,
    environment: options.environment,
    configurationUrl: configurationUrl(siteCode, options),
    streamUrl: streamUrl(siteCode, options),
    updateIntervalMs: options.updateInterval * 60_000,
    cacheTtlMs: options.dataFileCacheTtl * 60_000,
    requestTimeoutMs: options.requestTimeout,
    defaultDataFile: options.defaultDataFile,
    sdk: platform.packageInfo,
    requester: platform.requester,
    // A server caches the configuration only in a storage it was given (serverless cold starts).
    cache: isServer ? externals.storage : platform.storage,
    eventSource: externals.eventSource,
    compileRegex: assembly.compileRegex,
    logger,
    random,
    onUpdate: hooks.onConfiguration,
    onStateChange: () => events.statusChange(),
    perRequest: assembly.perRequest,
  });
  tracker = new TrackingHandle(assembly.tracking, {
    siteCode,
    trackingEndpoint: options.endpoints.tracking,
    networkDomain: options.networkDomain,
    sdk: platform.packageInfo,
    requester: platform.requester,
    storage: isServer ? undefined : platform.storage,
    requestTimeoutMs: options.requestTimeout,
    trackingIntervalMs: options.trackingInterval,
    limits: internals.trackingLimits,
    store: visitors,
    config: hooks.config,
    prepare: hooks.prepareTracking,
    activity: hooks.activity,
    consentOf: hooks.consentOf,
    logger,
    random,
    soundItem: isSoundItem,
    perRequest: assembly.perRequest,
    delivery,
  });
  return {
    siteCode,
    options,
    platform,
    platformAnalyzer: internals.platformAnalyzer ?? assembly.platformAnalyzer,
    logger,
    events,
    visitors,
    env: { sdk: platform.packageInfo, now: 0, hashes: new HashMemo(), documentCookies: platform.documentCookies },
    delivery,
    tracker,
    stubMode,
    externalCookies: externals.visitorCodeManager !== undefined,
  };
}
