import { disabledIn, FeatureNotFound, NotInitialized } from '../errors.ts';
import type { ConfigurationDelivery } from '../config/delivery.ts';
import type { FeatureFlag, ParsedConfig } from '../config/parse.ts';
import { evaluateFlag, type Evaluation, type EvaluationEnv, type EvaluationVisitor } from '../evaluation/evaluate.ts';
import type { Logger } from '../logging/logger.ts';
import type { IPlatformAnalyzer, Platform } from '../platform/platform.ts';
import type { ClientAssembly } from './assembly.ts';
import { NONE } from '../visitor/slots.ts';
import { applyData, recordVisitActivity, resolveNames, type VisitStats } from '../visitor/applyData.ts';
import { Browser, CustomData, Device, OperatingSystem, PageView, type KameleoonDataType } from '../visitor/data.ts';
import { VisitorCodeCookies, validateVisitorCode } from '../visitor/visitorCode.ts';
import type { VisitorStore } from '../visitor/visitorStore.ts';
import type { EventHub } from './events.ts';
import type { SDKConfigurationType, SDKParameters } from './options.ts';
import type { RemoteAccess } from './remote.ts';
import type { TrackingHandle } from './trackingHandle.ts';
import { VariablesCache } from './variables.ts';
import { wireClient } from './wiring.ts';
import { msg } from '../logging/msg.ts';

/**
 * The state and inner workings of a client, behind the public API of `KameleoonClient`: the
 * configuration in force, visitors, evaluation with its side effects (assignments, hybrid-mode
 * stamps, tracking schedule, Evaluation event), and the browser's visit bookkeeping.
 */
export class ClientCore {
  readonly options: SDKConfigurationType;
  readonly platform: Platform;
  readonly #platformAnalyzer: IPlatformAnalyzer | undefined;
  readonly #oauth: ClientAssembly['oauth'];
  readonly logger: Logger;
  readonly visitors: VisitorStore;
  readonly env: EvaluationEnv;
  readonly events: EventHub;
  readonly delivery: ConfigurationDelivery;
  readonly tracker: TrackingHandle;
  #remote: Promise<RemoteAccess> | undefined;
  #siteCode: string;
  readonly variables = new VariablesCache();
  readonly cookies: VisitorCodeCookies;
  /** Browsers: the `kameleoonQueue` entries already handed off (see handOff). */
  readonly #handedOff = new WeakSet<object>();
  /** The official stub mode: no request, no timer (see SDKParameters.stubMode). */
  readonly stubMode: boolean;
  config: ParsedConfig | undefined;
  /** Browsers: the visitor the SDK last switched to, and its visit figures. */
  currentVisitor: string | undefined;
  visitStats: VisitStats | undefined;

  /** @throws SiteCodeIsEmpty, InvalidArgument */
  constructor(params: SDKParameters, assembly: ClientAssembly) {
    const s = wireClient(params, assembly, {
      config: () => this.config,
      prepareTracking: (code) => this.prepareTracking(code),
      activity: () => this.activity(),
      consentOf: (visitor) => this.consentProvided(visitor),
      onConfiguration: (next, initial, ts) => {
        this.config = next;
        // Condition fields this SDK does not read (a newer configuration): said once each, a moment later.
        (assembly.idle ?? ((work) => work()))(() => {
          void import('../targeting/unknownFields.ts').then(({ warnUnknownConditionFields }) => warnUnknownConditionFields(next.raw, this.logger));
        });
        this.tracker.load();
        if (!initial) this.events.configurationUpdate({ timestamp: ts ?? Date.now() });
      },
    });
    this.options = s.options;
    this.platform = s.platform;
    this.#platformAnalyzer = s.platformAnalyzer;
    this.#oauth = assembly.oauth;
    this.logger = s.logger;
    this.visitors = s.visitors;
    this.env = s.env;
    this.events = s.events;
    this.delivery = s.delivery;
    this.tracker = s.tracker;
    this.#siteCode = s.siteCode;
    this.stubMode = s.stubMode;
    this.cookies = new (assembly.cookies ?? VisitorCodeCookies)(s.platform.visitorCodeManager, s.platform.random, s.options.cookieDomain, {
      external: s.externalCookies,
      isServer: s.platform.packageInfo.isServer,
      logger: s.logger,
    });
  }

  /**
   * The Data API access, loaded on first use: remote data is rarely needed, so its code (and the
   * OAuth client) stay out of the core bundle until then.
   */
  remote(): Promise<RemoteAccess> {
    this.#remote ??= import('./remote.ts').then(
      ({ RemoteAccess: Access }) => new Access({ siteCode: this.#siteCode, options: this.options, requester: this.platform.requester, config: () => this.config, logger: this.logger, oauth: this.#oauth }),
    );
    return this.#remote;
  }

  /** Abandons Data API requests in flight, if the access was ever loaded. */
  closeRemote(): void {
    void this.#remote?.then((access) => access.close());
  }

  requireConfig(method: string): ParsedConfig {
    if (this.config === undefined) throw new NotInitialized(method);
    return this.config;
  }

  /**
   * The visitor's id, marked active. In browsers, as the official SDK does when it switches to
   * another visitor: what the platform analyzer reports is added to the visitor's data (again at
   * each switch: the page view counts once more), and its visit starts or goes on.
   */
  visitor(visitorCode: string, now = Date.now()): number {
    const visitor = this.visitors.touch(visitorCode, now);
    if (!this.platform.packageInfo.isServer && this.currentVisitor !== visitorCode) {
      this.currentVisitor = visitorCode;
      this.#collect(visitor);
      this.visitStats = this.#visitGoesOn(visitor, now, undefined);
    }
    return visitor;
  }

  /**
   * Browsers, at each activity tick (the official `ACTIVITY_INTERVAL`: 60 seconds since 4.24.4) after
   * the visitor interacted with the page (`mousemove`, `scroll`), unless Kameleoon's engine is on
   * the page (4.24.3): the current visitor's visit goes on, and the visitor is scheduled (a
   * `staticData` summary line, or an `activity` line). An idle or hidden page's visit does not go
   * on: its visitor's next activity after 30 minutes starts a visit, as the Data API sees it. Within a
   * visit the time since the previous visit stays (the official SDK computes it once per switch);
   * the visit number is taken anew (getRemoteVisitorData may raise it).
   */
  activity(): void {
    const code = this.currentVisitor;
    if (!code) return;
    const now = Date.now();
    const visitor = this.visitors.touch(code, now);
    const stats = this.#visitGoesOn(visitor, now, this.visitStats);
    if (stats?.visitNumber !== this.visitStats?.visitNumber) this.visitStats = stats;
    this.tracker.schedule(code, visitor);
  }

  /**
   * The official browser SDK starts or extends a visit for a visitor that has data; a linked user
   * id's visits go on the anonymous visitor's data it reads.
   */
  #visitGoesOn(visitor: number, now: number, current: VisitStats | undefined): VisitStats | undefined {
    const owner = this.visitors.extra(this.visitors.ownerOf(visitor));
    return owner?.data ? recordVisitActivity(owner, now, current) : undefined;
  }

  /** The platform analyzer's browser, system, device and page, stored and tracked as `addData` would. */
  #collect(visitor: number): void {
    try {
      const { os, platform, browser, pageView } = this.#platformAnalyzer?.getResult() ?? {};
      const items = [
        os?.name && new OperatingSystem(os.name),
        platform?.type && new Device(platform.type),
        browser?.name && new Browser(browser.name, browser.version),
        // Another SDK's PageView (the official one's analyzer) is taken by its fields.
        pageView && (pageView instanceof PageView ? pageView : new PageView(pageView)),
      ].filter(Boolean) as KameleoonDataType[];
      // Only custom data reads the configuration, and the analyzer gives none.
      if (items.length) {
        this.storeData(visitor, items, this.config!);
        this.visitors.changed(visitor);
      }
    } catch (err) {
      // A replaced analyzer that throws, or reports what is not Kameleoon's, adds nothing.
      this.logger.warnOnce('platformAnalyzer', msg`The platform analyzer failed: ${String(err)}`);
    }
  }

  /**
   * As the official SDK reads a visitor it tracks: a browser switches to it (and returns its visit
   * figures); a unique identifier linked to no one gets its own code as mapping identifier, once:
   * that value then links it (to itself), as the official tracker's `getLinkedVisitor` reads it,
   * so later compositions store and send nothing more.
   */
  prepareTracking(visitorCode: string): VisitStats | undefined {
    const config = this.config;
    const known = this.visitors.peek(visitorCode);
    const index = config?.customData.mappingIdentifierIndex;
    const data = known === undefined ? undefined : this.visitors.dataOf(known);
    // Linked: a user id read through an anonymous visitor, or a visitor with a mapping identifier
    // value (a user id it named, or its own code, stored here by an earlier composition).
    const userId = index == null ? undefined : data?.customData.get(index)?.values[0];
    const linked = this.visitors.extra(known ?? -1)?.linkedTo !== undefined || !!userId;
    if (config && known !== undefined && index != null && data?.uniqueIdentifier === true && !linked) {
      // Persisted as the tracker composes the visitor, which it is doing.
      this.storeData(known, [new CustomData(index, visitorCode)], config);
    }
    if (this.platform.packageInfo.isServer) return undefined;
    this.visitor(visitorCode);
    return this.visitStats;
  }

  evaluationVisitor(visitor: number): EvaluationVisitor {
    const store = this.visitors;
    const extra = store.extra(visitor);
    return {
      code: store.codeOf(visitor),
      data: store.dataOf(visitor),
      mappingIdentifier: extra?.linkedTo,
      variations: store.assignments(visitor),
      forced: extra?.forced,
      simulated: extra?.simulated,
      consent: extra?.consent ?? 'unknown',
    };
  }

  /**
   * Evaluates a flag for a public method. `quiet` is a render's read: nothing saved, scheduled,
   * stamped or announced (no Evaluation event).
   */
  evaluate(method: string, visitorCode: string, featureKey: string, track: boolean, save = true, quiet = false): { flag: FeatureFlag; evaluation: Evaluation } {
    validateVisitorCode(visitorCode);
    const config = this.requireConfig(method);
    const flag = config.flags.get(featureKey);
    if (!flag) throw new FeatureNotFound(featureKey);
    if (!this.enabledFor(flag, visitorCode)) {
      throw disabledIn(featureKey, this.options.environment);
    }
    return { flag, evaluation: this.evaluateFlag(config, flag, visitorCode, track && !quiet, save && !quiet, quiet) };
  }

  /**
   * Browsers, as the official SDK 4.23 in `getVisitorCode()`: the assignments a server's
   * `getEngineTrackingCode` wrote into `window.kameleoonQueue` become the visitor's (so the
   * browser's decisions follow the server's), recorded as already tracked (the server tracked
   * them: nothing is exposed twice). Entries are read once and left in place; none are read while
   * Kameleoon's engine (`window.Kameleoon`) is on the page, which reads them itself.
   */
  handOff(visitorCode: string, config: ParsedConfig): void {
    const page = globalThis as { kameleoonQueue?: unknown; Kameleoon?: unknown };
    const queue = page.kameleoonQueue;
    if (!Array.isArray(queue) || page.Kameleoon !== undefined) return;
    for (const entry of queue) {
      if (!Array.isArray(entry) || entry[0] !== 'Experiments.assignVariation' || this.#handedOff.has(entry)) continue;
      this.#handedOff.add(entry);
      const [, experimentId, variationId] = entry as [string, unknown, unknown];
      const experiment = typeof experimentId === 'number' ? config.experiments.get(experimentId) : undefined;
      if (!experiment || typeof variationId !== 'number' || ![...experiment.variations.values()].includes(variationId)) continue;
      const visitor = this.visitor(visitorCode);
      this.visitors.assignments(visitor).set(experimentId as number, variationId, experiment.type === 'TARGETED_DELIVERY', false, Date.now());
      this.visitors.markSent(visitor, [experimentId as number]);
      this.visitors.changed(visitor);
    }
  }

  /**
   * Whether the flag is evaluated for the visitor: enabled in the environment, or (as the official
   * SDK 4.20) disabled but simulated for the visitor through the QA simulation cookie.
   */
  enabledFor(flag: FeatureFlag, visitorCode: string): boolean {
    return flag.environmentEnabled || this.visitors.extra(this.visitors.peek(visitorCode) ?? -1)?.simulated?.has(flag.featureKey) === true;
  }

  evaluateFlag(config: ParsedConfig, flag: FeatureFlag, visitorCode: string, track: boolean, save: boolean, quiet = false): Evaluation {
    // One clock reading per evaluation: activity, targeting time and the hybrid-mode stamp.
    const now = Date.now();
    const visitor = this.visitor(visitorCode, now);
    this.env.now = now;
    const evaluation = evaluateFlag(config, flag, this.evaluationVisitor(visitor), this.env, save, track);
    if (quiet) return evaluation;
    if (save && this.visitors.headOf(visitor) !== NONE) this.visitors.changed(visitor);
    if (!evaluation.simulated) {
      if (evaluation.experimentId !== null && evaluation.variationId !== null) {
        this.visitors.markReturned(visitor, evaluation.experimentId, flag.variations.get(evaluation.variationKey)?.hasJsCss === true, now);
      }
      if (track) this.tracker.schedule(visitorCode, visitor);
    }
    if (this.events.hasEvaluationHandler) {
      this.events.evaluation({ featureKey: flag.featureKey, variation: { key: evaluation.variationKey, experimentId: evaluation.experimentId, id: evaluation.variationId } });
    }
    return evaluation;
  }

  /**
   * Stores data items on the visitor (targeting) and notes them, or `tracked` of them, for
   * tracking, custom data given by name under its index. The caller then marks the visitor
   * changed (visitors.changed), and tells listeners (dataChanged) after a change the app made.
   */
  storeData(visitor: number, items: KameleoonDataType[], config: ParsedConfig, tracked = items, local = false): void {
    // `local`: addData's track: false; its custom data is marked so that no resend sends it.
    applyData(visitor, items, config, this.visitors, this.logger, local);
    this.tracker.recordData(visitor, resolveNames(tracked, config, this.logger));
  }

  /**
   * After the app changed a visitor's data, consent or forced variations (not after an
   * evaluation): persisted, and listeners told, so that results cached on them are refreshed.
   */
  dataChanged(visitor: number): void {
    this.visitors.changed(visitor);
    this.events.dataChange();
  }

  /** Whether the visitor's data may be tracked in full (consent given, or not required). */
  consentProvided(visitor: number | undefined): boolean {
    return this.config?.consent.required !== true || (visitor !== undefined && this.visitors.extra(visitor)?.consent === 'given');
  }
}
