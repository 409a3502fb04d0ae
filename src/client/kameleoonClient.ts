import {
  FeatureEnvironmentDisabled,
  FeatureExperimentNotFound,
  FeatureNotFound,
  FeatureVariableNotFound,
  FeatureVariationNotFound,
  InvalidArgument,
  KameleoonError,
  NotInitialized,
} from '../errors.ts';
import type { FeatureFlag, ParsedConfig } from '../config/parse.ts';
import type { ConfigurationDelivery, ConfigurationState } from '../config/delivery.ts';
import { evaluateFlag, matchingAudiences, type Evaluation, type EvaluationEnv, type EvaluationVisitor } from '../evaluation/evaluate.ts';
import type { Logger, LogLevel } from '../logging/logger.ts';
import type { Platform } from '../platform/platform.ts';
import { Conversion, CustomData, isKameleoonData, type KameleoonDataType } from '../visitor/data.ts';
import { applyData, recordVisitActivity, resolveNames, type VisitStats } from '../visitor/applyData.ts';
import { SIMULATION_COOKIE, VisitorCodeCookies, validateVisitorCode, type ResponseLike } from '../visitor/visitorCode.ts';
import type { VisitorStore } from '../visitor/visitorStore.ts';
import { NONE } from '../visitor/assignments.ts';
import { parseSimulationCookie } from '../visitor/simulation.ts';
import type { SDKConfigurationType, SDKParameters } from './options.ts';
import type { Outbox, OutboxStats } from '../tracking/outbox.ts';
import type { Tracker } from '../tracking/tracker.ts';
import { engineTrackingCode } from '../tracking/engineCode.ts';
import { wireClient } from './wiring.ts';
import { VariablesCache } from './variables.ts';
import { EventType, type ConfigurationUpdateEventDataType, type EventCallbackType, type EventHub } from './events.ts';
import { optionalBoolean, requireKey, requireObject } from './arguments.ts';
import { buildDataFile } from './dataFile.ts';
import type { DataFileFeatureFlag, GetVariationParamsType, GetVisitorCodeParamsType, Variable, Variation, VariationDetails } from './types.ts';
export type { DataFileFeatureFlag, GetVariationParamsType, GetVisitorCodeParamsType, Variable, Variation, VariationDetails } from './types.ts';

/**
 * The Kameleoon client: evaluation of feature flags and experiments for visitors, with the
 * official JavaScript SDK's API. Platform entries (browser, node) subclass it to wire their
 * defaults; `new KameleoonClient(...)` from the package is one of those.
 */
export class KameleoonClient {
  readonly #options: SDKConfigurationType;
  readonly #platform: Platform;
  readonly #logger: Logger;
  readonly #visitors: VisitorStore;
  readonly #env: EvaluationEnv;
  readonly #events: EventHub;
  readonly #delivery: ConfigurationDelivery;
  readonly #tracker: Tracker;
  readonly #outbox: Outbox;
  #config: ParsedConfig | undefined;
  readonly #variables = new VariablesCache();
  readonly #cookies: VisitorCodeCookies;
  #initializing: Promise<boolean> | undefined;
  #currentVisitor: string | undefined;
  #visitStats: VisitStats | undefined;
  #closed = false;

  /** @throws SiteCodeIsEmpty, InvalidArgument */
  constructor(params: SDKParameters, platform: Platform) {
    const s = wireClient(params, platform, {
      config: () => this.#config,
      prepareTracking: (code) => this.#prepareTracking(code),
      onConfiguration: (next, initial, ts) => {
        this.#config = next;
        this.#variables.clear();
        if (!initial) this.#events.configurationUpdate({ timestamp: ts ?? Date.now() });
      },
    });
    this.#options = s.options;
    this.#platform = s.platform;
    this.#logger = s.logger;
    this.#visitors = s.visitors;
    this.#env = s.env;
    this.#events = s.events;
    this.#delivery = s.delivery;
    this.#tracker = s.tracker;
    this.#outbox = s.outbox;
    this.#cookies = new VisitorCodeCookies(s.platform.visitorCodeManager, s.platform.random, s.options.cookieDomain);
    this.#tracker.start();
  }

  /**
   * Loads the configuration: in browsers from the cache when fetched within 90 minutes, else
   * `defaultDataFile` when given, else `GET …/v3/<siteCode>` through the requester; then keeps it
   * current in the background (polling, or the real-time stream). Resolves true; safe to call
   * more than once.
   * @throws KameleoonError (ClientConfiguration) when no configuration could be obtained; the
   * client keeps retrying in the background
   */
  initialize(): Promise<boolean> {
    this.#initializing ??= this.#delivery.start().then(
      () => true,
      (err: unknown) => {
        this.#initializing = undefined;
        throw err;
      },
    );
    return this.#initializing;
  }

  /** Like `initialize()`, but resolves false instead of throwing. */
  async waitInit(): Promise<boolean> {
    try {
      return await this.initialize();
    } catch {
      return false;
    }
  }

  /** Tracking counters: lines queued, sent, dropped (queue full, or rejected by the server), failed requests. */
  getTrackingStatus(): Readonly<OutboxStats> {
    return this.#outbox.stats;
  }

  /** Where the configuration stands: status, source, last update, last error, streaming. */
  getConfigurationStatus(): Readonly<ConfigurationState> {
    return this.#delivery.state;
  }

  /**
   * Calls `handler` after each configuration update (polling or stream) that changed the
   * configuration in force; any number of handlers.
   * @returns a function that removes the handler
   */
  onConfigurationUpdate(handler: (data: ConfigurationUpdateEventDataType) => void): () => void {
    if (typeof handler !== 'function') throw new InvalidArgument('onConfigurationUpdate(): handler must be a function.');
    return this.#events.addUpdateListener(handler);
  }

  /** Whether a configuration is loaded. */
  isInitialized(): boolean {
    return this.#config !== undefined;
  }

  #requireConfig(method: string): ParsedConfig {
    if (this.#config === undefined) throw new NotInitialized(method);
    return this.#config;
  }

  /** The visitor's id, marked active; in browsers, visits are counted as the official SDK does. */
  #visitor(visitorCode: string): number {
    const visitor = this.#visitors.touch(visitorCode);
    if (!this.#platform.packageInfo.isServer && this.#currentVisitor !== visitorCode) {
      // The official browser SDK starts or extends a visit when it switches to a visitor that has data.
      // A linked user id's visits go on the anonymous visitor's data it reads.
      this.#currentVisitor = visitorCode;
      const owner = this.#visitors.extra(this.#visitors.ownerOf(visitor));
      this.#visitStats = owner?.data ? recordVisitActivity(owner, Date.now()) : undefined;
    }
    return visitor;
  }

  /**
   * As the official SDK reads a visitor it tracks: a browser switches to it (and returns its visit
   * figures); a unique identifier linked to no one gets its own code as mapping identifier.
   */
  #prepareTracking(visitorCode: string): VisitStats | undefined {
    const config = this.#config;
    const known = this.#visitors.peek(visitorCode);
    const index = config?.customData.mappingIdentifierIndex;
    const data = known === undefined ? undefined : this.#visitors.dataOf(known);
    // Linked: a user id read through an anonymous visitor, or an anonymous visitor that named a user id.
    const userId = index == null ? undefined : data?.customData.get(index)?.values[0];
    const linked = this.#visitors.extra(known ?? -1)?.linkedTo !== undefined || (!!userId && userId !== visitorCode);
    if (config && known !== undefined && index != null && data?.uniqueIdentifier === true && !linked) {
      const own = [new CustomData(index, visitorCode)];
      applyData(known, own, config, this.#visitors, this.#logger);
      this.#tracker.recordData(known, own);
    }
    if (this.#platform.packageInfo.isServer) return undefined;
    this.#visitor(visitorCode);
    return this.#visitStats;
  }

  #evaluationVisitor(visitor: number): EvaluationVisitor {
    const store = this.#visitors;
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

  #evaluate(method: string, visitorCode: string, featureKey: string, track: boolean, save = true): { flag: FeatureFlag; evaluation: Evaluation } {
    validateVisitorCode(visitorCode);
    const config = this.#requireConfig(method);
    const flag = config.flags.get(featureKey);
    if (!flag) throw new FeatureNotFound(featureKey);
    if (!flag.environmentEnabled) {
      throw new FeatureEnvironmentDisabled(`Feature flag "${featureKey}" is disabled in the "${this.#options.environment}" environment.`);
    }
    return { flag, evaluation: this.#evaluateFlag(config, flag, visitorCode, track, save) };
  }

  #evaluateFlag(config: ParsedConfig, flag: FeatureFlag, visitorCode: string, track: boolean, save: boolean): Evaluation {
    const visitor = this.#visitor(visitorCode);
    this.#env.now = Date.now();
    const evaluation = evaluateFlag(config, flag, this.#evaluationVisitor(visitor), this.#env, save, track);
    if (save && this.#visitors.headOf(visitor) !== NONE) this.#visitors.changed(visitor);
    if (!evaluation.simulated) {
      if (evaluation.experimentId !== null && evaluation.variationId !== null) {
        this.#visitors.markReturned(visitor, evaluation.experimentId, flag.variations.get(evaluation.variationKey)?.hasJsCss === true);
      }
      if (track) this.#tracker.schedule(this.#visitors.codeOf(visitor), this.#consentProvided(visitor));
    }
    if (this.#events.hasEvaluationHandler) {
      this.#events.evaluation({ featureKey: flag.featureKey, variation: { key: evaluation.variationKey, experimentId: evaluation.experimentId, id: evaluation.variationId } });
    }
    return evaluation;
  }

  /**
   * The visitor's code: the `kameleoonVisitorCode` cookie, else `defaultVisitorCode`, else a new
   * random 16-character code, which is then written back to the cookie (unless consent is
   * required and not yet given). On a server pass `{ request, response }`.
   * @throws VisitorCodeInvalid when `defaultVisitorCode` is not a valid code
   */
  getVisitorCode(defaultVisitorCode?: string): string;
  getVisitorCode(params: GetVisitorCodeParamsType): string;
  getVisitorCode(arg?: string | GetVisitorCodeParamsType): string {
    const params: GetVisitorCodeParamsType = typeof arg === 'object' && arg !== null ? arg : { defaultVisitorCode: arg };
    const visitorCode = this.#cookies.resolve(params);
    const config = this.#config;
    if (config) {
      const simulated = parseSimulationCookie(this.#cookies.read(params, SIMULATION_COOKIE), config);
      const visitor = this.#visitor(visitorCode);
      if (simulated || this.#visitors.extra(visitor)?.simulated) this.#visitors.extraOf(visitor).simulated = simulated;
    }
    // With consent required (and no targeted delivery), the cookie waits for setLegalConsent.
    if (!(config?.consent.required && !config.hasTargetedDelivery)) this.#cookies.write(visitorCode, params.response);
    return visitorCode;
  }

  /**
   * Stores data about the visitor for targeting (and, later, tracking).
   * @throws VisitorCodeInvalid, NotInitialized, InvalidArgument (an item that is not a Kameleoon data type)
   */
  addData(visitorCode: string, ...data: KameleoonDataType[]): void {
    validateVisitorCode(visitorCode);
    const config = this.#requireConfig('addData');
    data.forEach((item, i) => {
      if (!isKameleoonData(item)) throw new InvalidArgument(`addData(): argument ${i + 2} is not a Kameleoon data object (CustomData, PageView, Conversion, ...).`);
    });
    if (data.length === 0) return;
    const visitor = this.#visitor(visitorCode);
    applyData(visitor, data, config, this.#visitors, this.#logger);
    this.#tracker.recordData(visitor, resolveNames(data, config));
    this.#visitors.changed(visitor);
  }

  /** Whether the visitor's data may be tracked in full (consent given, or not required). */
  #consentProvided(visitor: number | undefined): boolean {
    return this.#config?.consent.required !== true || (visitor !== undefined && this.#visitors.extra(visitor)?.consent === 'given');
  }

  /**
   * Sends the visitor's unsent exposures and data on the next tracking tick (every
   * `trackingInterval`), or at once with `instant`; without a visitor code, every visitor's.
   * @throws VisitorCodeInvalid, NotInitialized
   */
  flush(params?: string | { visitorCode?: string; instant?: boolean }): void {
    this.#requireConfig('flush');
    const { visitorCode, instant } = typeof params === 'string' ? { visitorCode: params, instant: false } : (params ?? {});
    if (visitorCode !== undefined) {
      validateVisitorCode(visitorCode);
      const visitor = this.#visitors.peek(visitorCode);
      this.#tracker.schedule(visitor === undefined ? visitorCode : this.#visitors.codeOf(visitor), this.#consentProvided(visitor));
    } else {
      this.#tracker.scheduleAll((visitor) => this.#consentProvided(visitor));
    }
    if (optionalBoolean(instant, 'instant', 'flush', false)) void this.#tracker.tick();
  }

  /**
   * Adds a conversion of `goalId` to the visitor and schedules it for sending.
   * @throws VisitorCodeInvalid, NotInitialized, InvalidArgument
   */
  trackConversion(params: { visitorCode: string; goalId: number; revenue?: number; negative?: boolean; metadata?: CustomData[] }): void {
    const { visitorCode, goalId, revenue, negative, metadata } = requireObject(params, 'trackConversion', '{ visitorCode, goalId, revenue?, negative?, metadata? }');
    this.addData(visitorCode, new Conversion({ goalId, revenue, negative, metadata }));
    this.flush(visitorCode);
  }

  /**
   * Hybrid mode: JavaScript for the Kameleoon front-end tag with the variations this visitor got
   * in the last 5 seconds. Made only of fixed text and numbers: safe to write into a page.
   * @throws VisitorCodeInvalid
   */
  getEngineTrackingCode(visitorCode: string): string {
    validateVisitorCode(visitorCode);
    return engineTrackingCode(this.#visitors, this.#visitors.peek(visitorCode));
  }

  /**
   * The variation of `featureKey` for the visitor; `track` (default true) records the exposure.
   * @throws VisitorCodeInvalid, NotInitialized, FeatureNotFound, FeatureEnvironmentDisabled, TargetingError
   */
  getVariation(params: GetVariationParamsType): Variation {
    const { visitorCode, featureKey, track } = requireObject(params, 'getVariation', '{ visitorCode, featureKey, track? }');
    const { flag, evaluation } = this.#evaluate('getVariation', visitorCode, requireKey(featureKey, 'getVariation'), optionalBoolean(track, 'track', 'getVariation', true));
    return this.#variables.variation(flag, evaluation);
  }

  /** Like {@link getVariation}, but never throws: returns the variation and why the visitor got it. */
  getVariationDetails(params: GetVariationParamsType): VariationDetails {
    try {
      const { visitorCode, featureKey, track } = requireObject(params, 'getVariationDetails', '{ visitorCode, featureKey, track? }');
      const { flag, evaluation } = this.#evaluate('getVariationDetails', visitorCode, requireKey(featureKey, 'getVariationDetails'), optionalBoolean(track, 'track', 'getVariationDetails', true));
      return { variation: this.#variables.variation(flag, evaluation), reason: evaluation.reason };
    } catch (err) {
      const error = err instanceof KameleoonError ? err : new KameleoonError('InvalidArgument', String(err), { cause: err });
      return { variation: null, reason: { kind: 'ERROR', error } };
    }
  }

  /**
   * The variations of every flag for the visitor (flags disabled in this environment are left out).
   * @throws VisitorCodeInvalid, NotInitialized, TargetingError
   */
  getVariations(params: { visitorCode: string; onlyActive?: boolean; track?: boolean }): Map<string, Variation> {
    const { visitorCode, onlyActive, track } = requireObject(params, 'getVariations', '{ visitorCode, onlyActive?, track? }');
    validateVisitorCode(visitorCode);
    const config = this.#requireConfig('getVariations');
    const active = optionalBoolean(onlyActive, 'onlyActive', 'getVariations', false);
    const doTrack = optionalBoolean(track, 'track', 'getVariations', true);
    const result = new Map<string, Variation>();
    for (const flag of config.flags.values()) {
      if (!flag.environmentEnabled) continue;
      try {
        const evaluation = this.#evaluateFlag(config, flag, visitorCode, doTrack, true);
        if (!active || evaluation.variationKey !== 'off') result.set(flag.featureKey, this.#variables.variation(flag, evaluation));
      } catch (err) {
        if (!(err instanceof FeatureEnvironmentDisabled)) throw err;
      }
    }
    return result;
  }

  /** Whether the flag is active (its variation is not `off`) for the visitor; false when disabled in this environment. */
  isFeatureFlagActive(visitorCode: string, featureKey: string): boolean;
  isFeatureFlagActive(params: GetVariationParamsType): boolean;
  isFeatureFlagActive(first: string | GetVariationParamsType, second?: string): boolean {
    const params = typeof first === 'string' ? { visitorCode: first, featureKey: second as string, track: true } : requireObject(first, 'isFeatureFlagActive', '(visitorCode, featureKey) or { visitorCode, featureKey, track? }');
    try {
      const { evaluation } = this.#evaluate('isFeatureFlagActive', params.visitorCode, requireKey(params.featureKey, 'isFeatureFlagActive'), optionalBoolean(params.track, 'track', 'isFeatureFlagActive', true));
      return evaluation.variationKey !== 'off';
    } catch (err) {
      if (err instanceof FeatureEnvironmentDisabled) return false;
      throw err;
    }
  }

  /** Every flag of the configuration, `{ id, key }`. */
  getFeatureFlags(): { id: number; key: string }[] {
    return [...this.#requireConfig('getFeatureFlags').flags.values()].map((f) => ({ id: f.id, key: f.featureKey }));
  }

  #activeFlags(visitorCode: string, method: string): { flag: FeatureFlag; evaluation: Evaluation }[] {
    validateVisitorCode(visitorCode);
    const config = this.#requireConfig(method);
    const active: { flag: FeatureFlag; evaluation: Evaluation }[] = [];
    for (const flag of config.flags.values()) {
      if (!flag.environmentEnabled) continue;
      try {
        const evaluation = this.#evaluateFlag(config, flag, visitorCode, false, false);
        if (evaluation.variationKey !== 'off') active.push({ flag, evaluation });
      } catch (err) {
        if (!(err instanceof KameleoonError)) throw err;
      }
    }
    return active;
  }

  /** Flags active for the visitor, `{ id, key }`, evaluated without tracking. */
  getVisitorFeatureFlags(visitorCode: string): { id: number; key: string }[] {
    return this.#activeFlags(visitorCode, 'getVisitorFeatureFlags').map(({ flag }) => ({ id: flag.id, key: flag.featureKey }));
  }

  /** Active flags for the visitor with their variations, evaluated without tracking. */
  getActiveFeatureFlags(visitorCode: string): Map<string, { name: string; key: string; id: number | null; experimentId: number | null; variables: Variable[] }> {
    const result = new Map<string, { name: string; key: string; id: number | null; experimentId: number | null; variables: Variable[] }>();
    for (const { flag, evaluation } of this.#activeFlags(visitorCode, 'getActiveFeatureFlags')) {
      const hasRule = evaluation.variationId !== null && evaluation.experimentId !== null;
      result.set(flag.featureKey, {
        name: '',
        key: evaluation.variationKey,
        id: evaluation.variationId,
        experimentId: evaluation.experimentId,
        variables: hasRule ? [...this.#variables.of(flag, evaluation.variationKey).values()] : [],
      });
    }
    return result;
  }

  /** The key of the visitor's variation (tracked). */
  getFeatureFlagVariationKey(visitorCode: string, featureKey: string): string {
    return this.#evaluate('getFeatureFlagVariationKey', visitorCode, requireKey(featureKey, 'getFeatureFlagVariationKey'), true).evaluation.variationKey;
  }

  /**
   * One variable of the visitor's variation (tracked).
   * @throws FeatureVariableNotFound when the variation has no such variable
   */
  getFeatureFlagVariable(params: { visitorCode: string; featureKey: string; variableKey: string }): { type: Variable['type']; value: Variable['value'] } {
    const { visitorCode, featureKey, variableKey } = requireObject(params, 'getFeatureFlagVariable', '{ visitorCode, featureKey, variableKey }');
    const { flag, evaluation } = this.#evaluate('getFeatureFlagVariable', visitorCode, requireKey(featureKey, 'getFeatureFlagVariable'), true);
    this.#requireVariation(flag, evaluation.variationKey, visitorCode);
    const variable = this.#variables.of(flag, evaluation.variationKey).get(variableKey);
    if (!variable) throw new FeatureVariableNotFound(String(variableKey), featureKey, evaluation.variationKey);
    return { type: variable.type, value: variable.value };
  }

  /** All variables of the visitor's variation (tracked). */
  getFeatureFlagVariables(visitorCode: string, featureKey: string): Variable[] {
    const { flag, evaluation } = this.#evaluate('getFeatureFlagVariables', visitorCode, requireKey(featureKey, 'getFeatureFlagVariables'), true);
    this.#requireVariation(flag, evaluation.variationKey, visitorCode);
    return [...this.#variables.of(flag, evaluation.variationKey).values()];
  }

  #requireVariation(flag: FeatureFlag, key: string, visitorCode: string): void {
    if (!flag.variations.has(key)) {
      throw new FeatureVariationNotFound(`Feature flag "${flag.featureKey}" has no variation "${key}" (visitor "${visitorCode}").`);
    }
  }

  /**
   * Forces a variation of an experiment for the visitor; `variationKey: null` removes it.
   * With `forceTargeting` (default true) the rule's segment is skipped.
   * @throws FeatureExperimentNotFound, FeatureVariationNotFound
   */
  setForcedVariation(params: { visitorCode: string; experimentId: number; variationKey: string | null; forceTargeting?: boolean }): void {
    const { visitorCode, experimentId, variationKey, forceTargeting } = requireObject(params, 'setForcedVariation', '{ visitorCode, experimentId, variationKey, forceTargeting? }');
    validateVisitorCode(visitorCode);
    if (typeof experimentId !== 'number') throw new InvalidArgument('setForcedVariation(): experimentId must be a number.');
    const config = this.#requireConfig('setForcedVariation');
    const visitor = this.#visitors.touch(visitorCode);
    if (variationKey === null) {
      this.#visitors.extra(visitor)?.forced?.delete(experimentId);
      this.#visitors.changed(visitor);
      return;
    }
    const experiment = config.experiments.get(experimentId);
    if (!experiment) throw new FeatureExperimentNotFound(experimentId);
    const variationId = experiment.variations.get(variationKey);
    if (variationId === undefined) throw new FeatureVariationNotFound(`Experiment ${experimentId} has no variation "${String(variationKey)}".`);
    const extra = this.#visitors.extraOf(visitor);
    (extra.forced ??= new Map()).set(experimentId, {
      variationKey,
      variationId,
      ruleType: experiment.type,
      forceTargeting: optionalBoolean(forceTargeting, 'forceTargeting', 'setForcedVariation', true),
    });
    this.#visitors.changed(visitor);
  }

  /**
   * Sets the visitor's legal consent. Given consent also writes the visitor-code cookie (through
   * `response` on a server).
   */
  setLegalConsent(visitorCode: string, consent: boolean, response?: ResponseLike): void {
    validateVisitorCode(visitorCode);
    if (typeof consent !== 'boolean') throw new InvalidArgument('setLegalConsent(): consent must be a boolean.');
    const visitor = this.#visitors.touch(visitorCode);
    this.#visitors.extraOf(visitor).consent = consent ? 'given' : 'notGiven';
    this.#visitors.changed(visitor);
    if (consent) this.#cookies.write(visitorCode, response);
    this.flush(visitorCode);
  }

  /** Evaluates every segment marked for audience tracking and records those the visitor is in. */
  evaluateAudiences(visitorCode: string): number[] {
    validateVisitorCode(visitorCode);
    const config = this.#requireConfig('evaluateAudiences');
    const id = this.#visitor(visitorCode);
    const matched = matchingAudiences(config, this.#evaluationVisitor(id), { ...this.#env, now: Date.now() }, (segment, err) => this.#logger.warn(`Segment ${segment} could not be evaluated: ${String(err)}`));
    this.#tracker.recordData(id, matched.map((segment) => ({ kind: 'targetedSegment' as const, id: segment })));
    this.flush(visitorCode);
    return matched;
  }

  /** The configuration's flags, their variations and rules, with parsed variables. */
  getDataFile(): { featureFlags: Map<string, DataFileFeatureFlag> } {
    return buildDataFile(this.#requireConfig('getDataFile'), (flag, key) => this.#variables.of(flag, key));
  }

  /** Registers the handler of an event type (one per type, as in the official SDK). */
  onEvent<E extends EventType>(event: E, callback: EventCallbackType<E>): void {
    if (event !== EventType.Evaluation && event !== EventType.ConfigurationUpdate) throw new InvalidArgument(`onEvent(): unknown event type ${String(event)}.`);
    if (typeof callback !== 'function') throw new InvalidArgument('onEvent(): callback must be a function.');
    this.#events.on(event, callback as (data: never) => void);
  }

  /** Sets how much the SDK logs. */
  setLogLevel(level: LogLevel): void {
    if (typeof level !== 'number' || level < 0 || level > 4) throw new InvalidArgument('setLogLevel(): level must be a LogLevel (0 to 4).');
    this.#logger.level = level;
  }

  /** Number of visitors held in memory (servers forget them after `sessionDuration`). */
  get visitorCount(): number {
    return this.#visitors.size;
  }

  /** Releases what the client holds; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#delivery.close();
    await this.#tracker.close();
    this.#visitors.flushPersistence();
  }
}

