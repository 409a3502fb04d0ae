import { FeatureEnvironmentDisabled, FeatureExperimentNotFound, FeatureVariableNotFound, FeatureVariationNotFound, InvalidArgument, KameleoonError, NotInitialized } from '../errors.ts';
import type { FeatureFlag } from '../config/parse.ts';
import type { ConfigurationState } from '../config/delivery.ts';
import type { JSONType } from '../config/variables.ts';
import type { ConfigurationJson } from '../config/types.ts';
import { matchingAudiences, type Evaluation } from '../evaluation/evaluate.ts';
import type { LogLevel } from '../logging/logger.ts';
import type { RemoteVisitorDataFiltersType } from '../remote/remoteData.ts';
import { engineTrackingCode } from '../tracking/engineCode.ts';
import { Conversion, CustomData, describeValue, type KameleoonDataType } from '../visitor/data.ts';
import { parseSimulationCookie } from '../visitor/simulation.ts';
import { SIMULATION_COOKIE, validateVisitorCode, type ResponseLike } from '../visitor/visitorCode.ts';
import { addDataArguments, optionalBoolean, requireKey, requireObject } from './arguments.ts';
import type { ClientAssembly } from './assembly.ts';
import { ClientCore } from './core.ts';
import { buildDataFile } from './dataFile.ts';
import type { DataFile } from '../official/types.ts';
import { EventType, type ConfigurationUpdateEventDataType, type EventCallbackType } from './events.ts';
import type { SDKParameters } from './options.ts';
import type { TrackingStatus } from './trackingHandle.ts';
import type { AddDataOptionsType, GetVariationParamsType, GetVisitorCodeParamsType, SetLegalConsentParamsType, Variable, Variation, VariationDetails } from './types.ts';
import { msg } from '../logging/msg.ts';
export type { AddDataOptionsType, DataFileFeatureFlag, GetVariationParamsType, GetVisitorCodeParamsType, SetLegalConsentParamsType, Variable, Variation, VariationDetails } from './types.ts';

/**
 * The API of the Kameleoon client, shared by every platform: evaluation of feature flags and
 * experiments for visitors, with the official JavaScript SDK's methods. Construct the
 * `KameleoonClient` of the package's entry (`new KameleoonClient({ siteCode })`), which is this
 * class wired to its platform (browser or Node.js); use this name to type a client of either.
 */
export abstract class KameleoonClientBase {
  readonly #c: ClientCore;
  #initializing: Promise<boolean> | undefined;
  #dataFile: { config: object; view: DataFile } | undefined;
  readonly #perRequest: boolean;
  #closing: Promise<void> | undefined;

  /** Only the platform entries construct clients, passing what they assemble. */
  protected constructor(params: SDKParameters);
  /** @internal */
  protected constructor(params: SDKParameters, assembly: ClientAssembly);
  protected constructor(params: SDKParameters, assembly?: ClientAssembly) {
    if (!assembly) throw new InvalidArgument(msg`Construct KameleoonClient from the package entry (import { KameleoonClient } from 'kameleoon-ts').`);
    this.#c = new ClientCore(params, assembly);
    this.#perRequest = assembly.perRequest === true;
    // Edge runtimes forbid timers outside a request: tracking leaves with flushInstant there.
    if (!this.#c.stubMode && !this.#perRequest) this.#c.tracker.start();
  }

  /**
   * Loads the configuration: in browsers from the cache when fetched within 90 minutes, else
   * `defaultDataFile` when given, else `GET …/v3/<siteCode>` through the requester; then keeps it
   * current in the background (polling, or the real-time stream). Safe to call more than once:
   * concurrent calls share one attempt, and a call after a failure tries again.
   * @returns a promise of true, once a configuration is in force
   * @throws {@link ConfigurationError} (type `ClientConfiguration`, as a rejection) when no
   * configuration could be obtained (network error, error status, timeout, invalid document or
   * `defaultDataFile`); the client keeps retrying in the background
   */
  initialize(): Promise<boolean> {
    if (this.#c.stubMode) return Promise.resolve(false);
    // Edge runtimes: a promise of this call's own (see ClientAssembly.perRequest).
    if (this.#perRequest) return this.#c.config ? Promise.resolve(true) : this.#c.delivery.start().then(() => true);
    this.#initializing ??= this.#c.delivery.start().then(
      () => true,
      (err: unknown) => {
        this.#initializing = undefined;
        throw err;
      },
    );
    return this.#initializing;
  }

  /**
   * Fetches the configuration when it is older than `dataFileRefreshInterval` (`updateInterval`),
   * else does nothing: the official SDK's `refreshDataFileIfStale`, for short-lived runtimes
   * (edge functions, serverless) where timers cannot be relied on. Each call makes its own promise
   * (an edge runtime forbids awaiting one that another request created); a fetch already in flight
   * counts as fresh. A failed fetch keeps the configuration in force (see `getConfigurationStatus`).
   * @returns a promise of true when this call made a request
   * @throws {@link NotInitialized} (as a rejection) before `initialize()` loaded a configuration
   */
  async refreshDataFileIfStale(): Promise<boolean> {
    this.#c.requireConfig('refreshDataFileIfStale');
    return this.#c.delivery.refreshIfStale();
  }

  /** Like `initialize()`, but resolves false instead of rejecting. */
  async waitInit(): Promise<boolean> {
    try {
      return await this.initialize();
    } catch {
      return false;
    }
  }

  /** Tracking counters since the client was created: lines queued, sent, dropped (queue full, or rejected by the server), failed requests; whether tracking runs yet. */
  getTrackingStatus(): Readonly<TrackingStatus> {
    return this.#c.tracker.stats;
  }

  /**
   * Calls `listener` whenever the configuration state changes (see {@link KameleoonClientBase.getConfigurationStatus | getConfigurationStatus}).
   * @returns a function that removes the listener
   * @throws {@link InvalidArgument} when `listener` is not a function
   */
  onStatusChange(listener: () => void): () => void {
    if (typeof listener !== 'function') throw new InvalidArgument(msg`onStatusChange(): listener must be a function.`);
    return this.#c.events.addStatusListener(listener);
  }

  /**
   * Calls `listener` after the app changed a visitor's data (addData, trackConversion,
   * setForcedVariation, setLegalConsent, getRemoteVisitorData...): bindings re-evaluate on it.
   * @returns a function that removes the listener
   * @throws {@link InvalidArgument} when `listener` is not a function
   */
  onVisitorDataChange(listener: () => void): () => void {
    if (typeof listener !== 'function') throw new InvalidArgument(msg`onVisitorDataChange(): listener must be a function.`);
    return this.#c.events.addDataListener(listener);
  }

  /** Where the configuration stands: status, source, last update, last error, streaming (a copy). */
  getConfigurationStatus(): Readonly<ConfigurationState> {
    return this.#c.delivery.state;
  }

  /**
   * Calls `handler` after each configuration update (polling or stream) that changed the
   * configuration in force (not for the first one); any number of handlers, unlike `onEvent`.
   * @returns a function that removes the handler
   * @throws {@link InvalidArgument} when `handler` is not a function
   */
  onConfigurationUpdate(handler: (data: ConfigurationUpdateEventDataType) => void): () => void {
    if (typeof handler !== 'function') throw new InvalidArgument(msg`onConfigurationUpdate(): handler must be a function.`);
    return this.#c.events.addUpdateListener(handler);
  }

  /** Whether a configuration is loaded (methods that need one throw {@link NotInitialized} until then). */
  isInitialized(): boolean {
    return this.#c.config !== undefined;
  }

  /**
   * The visitor's code: the `kameleoonVisitorCode` cookie, else `defaultVisitorCode`, else a new
   * random 16-character code (`[a-z0-9]`). The code is then written to the cookie (365 days, path
   * `/`, `cookieDomain`), unless the configuration requires consent and has no targeted delivery:
   * then `setLegalConsent(visitorCode, true)` writes it. On a server pass `{ request, response }`.
   * @param defaultVisitorCode - the code to use when the cookie holds none
   * @throws {@link VisitorCodeInvalid} when `defaultVisitorCode` is not a valid code (1 to 255 characters)
   */
  getVisitorCode(defaultVisitorCode?: string): string;
  /**
   * The visitor's code, read from `request` and written to `response` (see {@link GetVisitorCodeParamsType}).
   * @throws {@link VisitorCodeInvalid} when `defaultVisitorCode` is not a valid code (1 to 255 characters)
   */
  getVisitorCode(params: GetVisitorCodeParamsType): string;
  getVisitorCode(arg?: string | GetVisitorCodeParamsType): string {
    if (this.#c.stubMode) return '';
    const params = this.#c.cookies.source(arg);
    const { visitorCode, isNew } = this.#c.cookies.resolve(params);
    const config = this.#c.config;
    if (config) {
      if (!this.#c.platform.packageInfo.isServer) this.#c.handOff(visitorCode, config);
      const simulated = parseSimulationCookie(this.#c.cookies.read(params, SIMULATION_COOKIE), config);
      const visitor = this.#c.visitor(visitorCode);
      if (simulated || this.#c.visitors.extra(visitor)?.simulated) this.#c.visitors.extraOf(visitor).simulated = simulated;
    }
    // With consent required (and no targeted delivery), the cookie waits for setLegalConsent.
    // Next.js's cookies are set only for a new code: a Server Component cannot set them at all.
    if (!(config?.consent.required && !config.hasTargetedDelivery) && !(params.cookies && !isNew)) this.#c.cookies.write(visitorCode, params);
    return visitorCode;
  }

  /**
   * Stores data about the visitor for targeting; what is tracked is sent on a later tracking tick
   * (see {@link KameleoonClientBase.flush | flush}). Custom data given by name needs the
   * configuration to resolve it.
   * @param visitorCode - the visitor's code, 1 to 255 characters
   * @param data - instances of the data classes (`CustomData`, `PageView`, `Conversion`...)
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link NotInitialized} before a configuration is loaded
   * @throws {@link InvalidArgument} when an item is not a Kameleoon data object, or its fields were changed to values of the wrong type
   */
  addData(visitorCode: string, ...data: KameleoonDataType[]): void;
  /**
   * `addData` with options last: `{ track: false }` keeps the
   * data for targeting only, never sent (the official SDK 4.18's `track` parameter; default true).
   * @throws what the first form throws, and {@link InvalidArgument} for options other than `{ track?: boolean }`
   */
  addData(visitorCode: string, ...dataAndOptions: [...data: KameleoonDataType[], options: AddDataOptionsType]): void;
  addData(visitorCode: string, ...args: (KameleoonDataType | AddDataOptionsType)[]): void {
    validateVisitorCode(visitorCode);
    const config = this.#c.requireConfig('addData');
    const { data, track } = addDataArguments(args);
    if (data.length === 0) return;
    const visitor = this.#c.visitor(visitorCode);
    this.#c.storeData(visitor, data, config, track ? data : [], !track);
    this.#c.dataChanged(visitor);
  }

  /**
   * Sends the visitor's unsent exposures and data on the next tracking tick (every
   * `trackingInterval`), or at once with `instant`; without a visitor code, every visitor's.
   * @param params - the visitor code, or `{ visitorCode?, instant? }` (`instant` default false)
   * @throws {@link NotInitialized} before a configuration is loaded
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is given and is empty, too long or not a string
   * @throws {@link InvalidArgument} when `instant` is not a boolean
   */
  flush(params?: string | { visitorCode?: string; instant?: boolean }): void {
    this.#c.requireConfig('flush');
    const { visitorCode, instant } = typeof params === 'string' ? { visitorCode: params, instant: false } : (params ?? {});
    if (visitorCode !== undefined) {
      validateVisitorCode(visitorCode);
      this.#c.tracker.schedule(visitorCode, this.#c.visitors.peek(visitorCode));
    } else {
      this.#c.tracker.scheduleAll();
    }
    if (optionalBoolean(instant, 'instant', 'flush', false)) void this.#c.tracker.tick();
  }

  /**
   * Logs a warning once per `reason` through this client's logger (for the entries' subclasses).
   * @internal
   */
  protected warnOnce(reason: string, message: string): void {
    this.#c.logger.warnOnce(reason, message);
  }

  /**
   * An awaitable flush (the official SDK 4.19's `flushInstant`): sends the visitor's unsent
   * exposures and data now (without a visitor code, every visitor's), and resolves once the server
   * accepted everything queued, or `closeTimeout` passed (what failed stays queued and is retried,
   * with the same nonces). In serverless and edge runtimes, hand it to `waitUntil`.
   * @param visitorCode - the visitor whose data to send; every visitor's when left out
   * @returns a promise that never rejects once the arguments are checked
   * @throws {@link NotInitialized} (as a rejection) before a configuration is loaded
   * @throws {@link VisitorCodeInvalid} (as a rejection) when `visitorCode` is given and is empty, too long or not a string
   */
  async flushInstant(visitorCode?: string): Promise<void> {
    this.#c.requireConfig('flushInstant');
    if (visitorCode !== undefined) {
      validateVisitorCode(visitorCode);
      this.#c.tracker.schedule(visitorCode, this.#c.visitors.peek(visitorCode));
    } else {
      this.#c.tracker.scheduleAll();
    }
    await this.#c.tracker.flushUntil(Date.now() + Math.max(0, this.#c.options.closeTimeout));
  }

  /**
   * Adds a conversion of `goalId` to the visitor and schedules it for sending: `addData` of a
   * {@link Conversion}, then `flush(visitorCode)`.
   * @param params - the visitor, the goal id, and optionally `revenue` (default 0), `negative`
   * (default false) and `metadata` (custom data sent with the conversion, by index)
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link NotInitialized} before a configuration is loaded
   * @throws {@link InvalidArgument} when `params` is not an object or a field has the wrong type
   */
  trackConversion(params: { visitorCode: string; goalId: number; revenue?: number; negative?: boolean; metadata?: CustomData[] }): void {
    const { visitorCode, goalId, revenue, negative, metadata } = requireObject(params, 'trackConversion', msg`{ visitorCode, goalId, revenue?, negative?, metadata? }`);
    this.addData(visitorCode, new Conversion({ goalId, revenue, negative, metadata }));
    this.flush(visitorCode);
  }

  /**
   * The JSON stored in Kameleoon's Data API under `key` (`GET /map/map`). Needs no configuration.
   * Every error is a rejection, as in the official SDK.
   * @param params - the key, or `{ key, timeout? }` with `timeout` in milliseconds (default `requestTimeout`)
   * @throws {@link KameleoonError} of type `RemoteData` on a network error, a timeout, an error
   * status or a body that is not JSON
   * @throws {@link InvalidArgument} when `key` is not a non-empty string or `timeout` is not a non-negative number
   */
  async getRemoteData(params: string | { key: string; timeout?: number }): Promise<JSONType> {
    this.#noStub('getRemoteData');
    return (await import('./remote.ts')).getRemoteData(this.#c, params);
  }

  /**
   * The visitor's data from previous visits (Data API), as Kameleoon data objects; with
   * `shouldAddData` (default true) they are added to the visitor for targeting. Custom data of
   * VISITOR scope is always added (cross-device synchronisation). Experiments of previous visits
   * count as assigned and as already tracked. Every error is a rejection.
   * @param params - the visitor; `shouldAddData` (default true); `filters`, what to retrieve
   * (default the official defaults: one previous visit, the current visit, custom data, the
   * mapped visitor code; a filters object replaces them whole); `timeout` in milliseconds
   * (default `requestTimeout`)
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link NotInitialized} before a configuration is loaded
   * @throws {@link KameleoonError} of type `VisitAmount` when `filters.previousVisitAmount` is not
   * 1 to 25, of type `RemoteData` when the request fails
   * @throws {@link InvalidArgument} when a parameter has the wrong type
   */
  async getRemoteVisitorData(params: { visitorCode: string; shouldAddData?: boolean; filters?: RemoteVisitorDataFiltersType; timeout?: number }): Promise<KameleoonDataType[]> {
    this.#noStub('getRemoteVisitorData');
    return (await import('./remote.ts')).getRemoteVisitorData(this.#c, params);
  }

  /**
   * The visitor's warehouse audiences: the keys of `warehouseAudiences` in the remote data of
   * `warehouseKey` (default the visitor code), as `new CustomData(customDataIndex, ...keys)`, also
   * added to the visitor; null when there are none. Every error is a rejection.
   * @param params - the visitor, the custom data index to store the audiences at, the remote data
   * key, and `timeout` in milliseconds (default `requestTimeout`)
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link NotInitialized} before a configuration is loaded
   * @throws {@link KameleoonError} of type `RemoteData` when the request fails or the remote data is empty
   * @throws {@link InvalidArgument} when `customDataIndex` is not a non-negative integer, or another parameter has the wrong type
   */
  async getVisitorWarehouseAudience(params: { visitorCode: string; customDataIndex: number; warehouseKey?: string; timeout?: number }): Promise<CustomData | null> {
    this.#noStub('getVisitorWarehouseAudience');
    return (await import('./remote.ts')).getVisitorWarehouseAudience(this.#c, params);
  }

  /** @throws NotInitialized in stub mode, which makes no request (the Data API methods: they need no configuration). */
  #noStub(method: string): void {
    if (this.#c.stubMode) throw new NotInitialized(method);
  }

  /**
   * Hybrid mode: JavaScript for the Kameleoon front-end tag with the variations this visitor got
   * in the last 5 seconds (tracked or not). Made only of fixed text and numbers: safe to write into a page.
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   */
  getEngineTrackingCode(visitorCode: string): string {
    validateVisitorCode(visitorCode);
    return engineTrackingCode(this.#c.visitors, this.#c.visitors.peek(visitorCode));
  }

  /**
   * The variation of `featureKey` for the visitor; `track` (default true) records the exposure,
   * sent on a later tracking tick. Fires `EventType.Evaluation`.
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link NotInitialized} before a configuration is loaded
   * @throws {@link FeatureNotFound} when the configuration has no flag `featureKey`
   * @throws {@link FeatureEnvironmentDisabled} when the flag is disabled in this environment, or
   * the visitor refused consent and the project blocks evaluation fully
   * @throws {@link TargetingError} when a condition the visitor is evaluated against is malformed
   * @throws {@link InvalidArgument} when `params` is not an object, `featureKey` is not a non-empty
   * string or `track` is not a boolean
   */
  getVariation(params: GetVariationParamsType): Variation {
    const { visitorCode, featureKey, track } = requireObject(params, 'getVariation', msg`{ visitorCode, featureKey, track? }`);
    const { flag, evaluation } = this.#c.evaluate('getVariation', visitorCode, requireKey(featureKey, 'getVariation'), optionalBoolean(track, 'track', 'getVariation', true));
    return this.#c.variables.variation(flag, evaluation);
  }

  /**
   * A render's read (the bindings' selectors): the variation, or null when it cannot be evaluated,
   * with no side effect: no Evaluation event, no assignment saved, nothing tracked.
   * @internal
   */
  peekVariation(visitorCode: string, featureKey: string): Variation | null {
    try {
      const { flag, evaluation } = this.#c.evaluate('getVariation', visitorCode, featureKey, false, false, true);
      return this.#c.variables.variation(flag, evaluation);
    } catch {
      return null;
    }
  }

  /** Like {@link KameleoonClientBase.getVariation | getVariation}, but never throws: returns the variation and why the visitor got it. */
  getVariationDetails(params: GetVariationParamsType): VariationDetails {
    try {
      const { visitorCode, featureKey, track } = requireObject(params, 'getVariationDetails', msg`{ visitorCode, featureKey, track? }`);
      const { flag, evaluation } = this.#c.evaluate('getVariationDetails', visitorCode, requireKey(featureKey, 'getVariationDetails'), optionalBoolean(track, 'track', 'getVariationDetails', true));
      return { variation: this.#c.variables.variation(flag, evaluation), reason: evaluation.reason };
    } catch (err) {
      const error = err instanceof KameleoonError ? err : new InvalidArgument(String(err), { cause: err });
      return { variation: null, reason: { kind: 'ERROR', error } };
    }
  }

  /**
   * The variations of every flag for the visitor (flags disabled in this environment are left out).
   * Fires `EventType.Evaluation` for each flag.
   * @param params - the visitor; `onlyActive` (default false) leaves out flags whose variation is
   * `off`; `track` (default true) records the exposures
   * @returns the variations by feature key, in configuration order
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link NotInitialized} before a configuration is loaded
   * @throws {@link TargetingError} when a condition the visitor is evaluated against is malformed
   * @throws {@link InvalidArgument} when a parameter has the wrong type
   */
  getVariations(params: { visitorCode: string; onlyActive?: boolean; track?: boolean }): Map<string, Variation> {
    const { visitorCode, onlyActive, track } = requireObject(params, 'getVariations', msg`{ visitorCode, onlyActive?, track? }`);
    validateVisitorCode(visitorCode);
    const config = this.#c.requireConfig('getVariations');
    const active = optionalBoolean(onlyActive, 'onlyActive', 'getVariations', false);
    const doTrack = optionalBoolean(track, 'track', 'getVariations', true);
    const result = new Map<string, Variation>();
    for (const flag of config.flags.values()) {
      if (!this.#c.enabledFor(flag, visitorCode)) continue;
      try {
        const evaluation = this.#c.evaluateFlag(config, flag, visitorCode, doTrack, true);
        if (!active || evaluation.variationKey !== 'off') result.set(flag.featureKey, this.#c.variables.variation(flag, evaluation));
      } catch (err) {
        if (!(err instanceof FeatureEnvironmentDisabled)) throw err;
      }
    }
    return result;
  }

  /**
   * Whether the flag is active (its variation is not `off`) for the visitor, with the exposure
   * tracked; false when the flag is disabled in this environment.
   * @deprecated As in the official SDK: use the `{ visitorCode, featureKey, track? }` form.
   * @throws as {@link KameleoonClientBase.getVariation | getVariation}, except {@link FeatureEnvironmentDisabled}
   */
  isFeatureFlagActive(visitorCode: string, featureKey: string): boolean;
  /**
   * Whether the flag is active (its variation is not `off`) for the visitor; false when the flag
   * is disabled in this environment. `track` (default true) records the exposure.
   * @throws as {@link KameleoonClientBase.getVariation | getVariation}, except {@link FeatureEnvironmentDisabled}
   */
  isFeatureFlagActive(params: GetVariationParamsType): boolean;
  isFeatureFlagActive(first: string | GetVariationParamsType, second?: string): boolean {
    const params = typeof first === 'string' ? { visitorCode: first, featureKey: second as string, track: true } : requireObject(first, 'isFeatureFlagActive', msg`(visitorCode, featureKey) or { visitorCode, featureKey, track? }`);
    try {
      const { evaluation } = this.#c.evaluate('isFeatureFlagActive', params.visitorCode, requireKey(params.featureKey, 'isFeatureFlagActive'), optionalBoolean(params.track, 'track', 'isFeatureFlagActive', true));
      return evaluation.variationKey !== 'off';
    } catch (err) {
      if (err instanceof FeatureEnvironmentDisabled) return false;
      throw err;
    }
  }

  /**
   * Every flag of the configuration, `{ id, key }`.
   * @deprecated As in the official SDK: use {@link KameleoonClientBase.getDataFile | getDataFile} or {@link KameleoonClientBase.getVariations | getVariations}.
   * @throws {@link NotInitialized} before a configuration is loaded
   */
  getFeatureFlags(): { id: number; key: string }[] {
    return [...this.#c.requireConfig('getFeatureFlags').flags.values()].map((f) => ({ id: f.id, key: f.featureKey }));
  }

  /**
   * The keys of every flag of the configuration (the server SDKs' `getFeatureList`, named
   * deprecated by the official changelog of 4.21).
   * @deprecated As in the official SDK: use {@link KameleoonClientBase.getDataFile | getDataFile}.
   * @throws {@link NotInitialized} before a configuration is loaded
   */
  getFeatureList(): string[] {
    return [...this.#c.requireConfig('getFeatureList').flags.keys()];
  }

  #activeFlags(visitorCode: string, method: string): { flag: FeatureFlag; evaluation: Evaluation }[] {
    validateVisitorCode(visitorCode);
    const config = this.#c.requireConfig(method);
    const active: { flag: FeatureFlag; evaluation: Evaluation }[] = [];
    for (const flag of config.flags.values()) {
      if (!this.#c.enabledFor(flag, visitorCode)) continue;
      try {
        const evaluation = this.#c.evaluateFlag(config, flag, visitorCode, false, false);
        if (evaluation.variationKey !== 'off') active.push({ flag, evaluation });
      } catch (err) {
        if (!(err instanceof KameleoonError)) throw err;
      }
    }
    return active;
  }

  /**
   * Flags active for the visitor (variation not `off`), `{ id, key }`, evaluated without tracking
   * or storing assignments; flags that cannot be evaluated are left out.
   * @deprecated As in the official SDK: use {@link KameleoonClientBase.getVariations | getVariations} with `onlyActive: true`.
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link NotInitialized} before a configuration is loaded
   */
  getVisitorFeatureFlags(visitorCode: string): { id: number; key: string }[] {
    return this.#activeFlags(visitorCode, 'getVisitorFeatureFlags').map(({ flag }) => ({ id: flag.id, key: flag.featureKey }));
  }

  /**
   * Active flags for the visitor with their variations (`name` always `''`; no variables for a
   * default variation), evaluated without tracking or storing assignments; flags that cannot be
   * evaluated are left out.
   * @deprecated As in the official SDK: use {@link KameleoonClientBase.getVariations | getVariations} with `onlyActive: true`.
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link NotInitialized} before a configuration is loaded
   */
  getActiveFeatureFlags(visitorCode: string): Map<string, { name: string; key: string; id: number | null; experimentId: number | null; variables: Variable[] }> {
    const result = new Map<string, { name: string; key: string; id: number | null; experimentId: number | null; variables: Variable[] }>();
    for (const { flag, evaluation } of this.#activeFlags(visitorCode, 'getActiveFeatureFlags')) {
      const hasRule = evaluation.variationId !== null && evaluation.experimentId !== null;
      result.set(flag.featureKey, {
        name: '',
        key: evaluation.variationKey,
        id: evaluation.variationId,
        experimentId: evaluation.experimentId,
        variables: hasRule ? [...this.#c.variables.of(flag, evaluation.variationKey).values()] : [],
      });
    }
    return result;
  }

  /**
   * The key of the visitor's variation, with the exposure tracked.
   * @deprecated As in the official SDK: use {@link KameleoonClientBase.getVariation | getVariation}.
   * @throws as {@link KameleoonClientBase.getVariation | getVariation}
   */
  getFeatureFlagVariationKey(visitorCode: string, featureKey: string): string {
    return this.#c.evaluate('getFeatureFlagVariationKey', visitorCode, requireKey(featureKey, 'getFeatureFlagVariationKey'), true).evaluation.variationKey;
  }

  /**
   * One variable of the visitor's variation, with the exposure tracked.
   * @deprecated As in the official SDK: use {@link KameleoonClientBase.getVariation | getVariation}.
   * @throws as {@link KameleoonClientBase.getVariation | getVariation}
   * @throws {@link FeatureVariationNotFound} when the visitor's variation key is not a variation of the flag
   * @throws {@link FeatureVariableNotFound} when the variation has no such variable
   */
  getFeatureFlagVariable(params: { visitorCode: string; featureKey: string; variableKey: string }): { type: Variable['type']; value: Variable['value'] } {
    const { visitorCode, featureKey, variableKey } = requireObject(params, 'getFeatureFlagVariable', msg`{ visitorCode, featureKey, variableKey }`);
    const { flag, evaluation } = this.#c.evaluate('getFeatureFlagVariable', visitorCode, requireKey(featureKey, 'getFeatureFlagVariable'), true);
    this.#requireVariation(flag, evaluation.variationKey, visitorCode);
    const variable = this.#c.variables.of(flag, evaluation.variationKey).get(variableKey);
    if (!variable) throw new FeatureVariableNotFound(typeof variableKey === 'string' ? variableKey : describeValue(variableKey), featureKey, evaluation.variationKey);
    return { type: variable.type, value: variable.value };
  }

  /**
   * All variables of the visitor's variation, with the exposure tracked.
   * @deprecated As in the official SDK: use {@link KameleoonClientBase.getVariation | getVariation}.
   * @throws as {@link KameleoonClientBase.getVariation | getVariation}
   * @throws {@link FeatureVariationNotFound} when the visitor's variation key is not a variation of the flag
   */
  getFeatureFlagVariables(visitorCode: string, featureKey: string): Variable[] {
    const { flag, evaluation } = this.#c.evaluate('getFeatureFlagVariables', visitorCode, requireKey(featureKey, 'getFeatureFlagVariables'), true);
    this.#requireVariation(flag, evaluation.variationKey, visitorCode);
    return [...this.#c.variables.of(flag, evaluation.variationKey).values()];
  }

  #requireVariation(flag: FeatureFlag, key: string, visitorCode: string): void {
    if (!flag.variations.has(key)) {
      throw new FeatureVariationNotFound(msg`Feature flag "${flag.featureKey}" has no variation "${key}" (visitor "${visitorCode}").`);
    }
  }

  /**
   * Forces a variation of an experiment for the visitor; `variationKey: null` removes it.
   * With `forceTargeting` (default true) the rule's segment is skipped.
   * @param params - the visitor, the experiment id of a rule, the variation key (or null), `forceTargeting`
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link NotInitialized} before a configuration is loaded
   * @throws {@link FeatureExperimentNotFound} when no rule has `experimentId`
   * @throws {@link FeatureVariationNotFound} when the experiment has no variation `variationKey`
   * @throws {@link InvalidArgument} when a parameter has the wrong type
   */
  setForcedVariation(params: { visitorCode: string; experimentId: number; variationKey: string | null; forceTargeting?: boolean }): void {
    const { visitorCode, experimentId, variationKey, forceTargeting } = requireObject(params, 'setForcedVariation', msg`{ visitorCode, experimentId, variationKey, forceTargeting? }`);
    validateVisitorCode(visitorCode);
    if (typeof experimentId !== 'number') throw new InvalidArgument(msg`setForcedVariation(): experimentId must be a number.`);
    if (variationKey !== null && typeof variationKey !== 'string') throw new InvalidArgument(msg`setForcedVariation(): variationKey must be a string or null, got ${describeValue(variationKey)}.`);
    const config = this.#c.requireConfig('setForcedVariation');
    const visitor = this.#c.visitors.touch(visitorCode);
    if (variationKey === null) {
      this.#c.visitors.extra(visitor)?.forced?.delete(experimentId);
      this.#c.dataChanged(visitor);
      return;
    }
    const experiment = config.experiments.get(experimentId);
    if (!experiment) throw new FeatureExperimentNotFound(experimentId);
    const variationId = experiment.variations.get(variationKey);
    if (variationId === undefined) throw new FeatureVariationNotFound(msg`Experiment ${experimentId} has no variation "${String(variationKey)}".`);
    const extra = this.#c.visitors.extraOf(visitor);
    (extra.forced ??= new Map()).set(experimentId, {
      variationKey,
      variationId,
      ruleType: experiment.type,
      forceTargeting: optionalBoolean(forceTargeting, 'forceTargeting', 'setForcedVariation', true),
    });
    this.#c.dataChanged(visitor);
  }

  /**
   * Sets the visitor's legal consent, then flushes the visitor (see
   * {@link KameleoonClientBase.flush | flush}). Given consent also writes the visitor-code cookie
   * (through `response` on a server). Where the configuration requires consent, a visitor without
   * given consent has only targeted-delivery exposures tracked, and one who refused it gets the
   * default variation of experiments.
   * @param response - on a server, the response to set the cookie on
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link InvalidArgument} when `consent` is not a boolean
   * @throws {@link NotInitialized} before a configuration is loaded (from the flush; the consent is recorded first)
   */
  setLegalConsent(visitorCode: string, consent: boolean, response?: ResponseLike): void;
  /**
   * The official Node SDK's form of the positional `setLegalConsent(visitorCode, consent, response?)`:
   * the cookie is written to `response`, or to Next.js's `cookies`.
   * @throws what the positional form throws
   */
  setLegalConsent(params: SetLegalConsentParamsType): void;
  setLegalConsent(arg: string | SetLegalConsentParamsType, consentArg?: boolean, responseArg?: ResponseLike): void {
    const { visitorCode, consent, response, cookies } = typeof arg === 'object' && arg !== null ? arg : { visitorCode: arg, consent: consentArg, response: responseArg, cookies: undefined };
    validateVisitorCode(visitorCode);
    if (typeof consent !== 'boolean') throw new InvalidArgument(msg`setLegalConsent(): consent must be a boolean.`);
    const visitor = this.#c.visitors.touch(visitorCode);
    this.#c.visitors.extraOf(visitor).consent = consent ? 'given' : 'notGiven';
    this.#c.dataChanged(visitor);
    if (consent) this.#c.cookies.write(visitorCode, { response, cookies });
    this.flush(visitorCode);
  }

  /**
   * Evaluates every segment marked for audience tracking and records those the visitor is in
   * (tracked as `targetingSegment` events), then flushes the visitor. A segment that cannot be
   * evaluated is skipped with a warning.
   * @returns the ids of the segments the visitor is in
   * @throws {@link VisitorCodeInvalid} when `visitorCode` is empty, too long or not a string
   * @throws {@link NotInitialized} before a configuration is loaded
   */
  evaluateAudiences(visitorCode: string): number[] {
    validateVisitorCode(visitorCode);
    const config = this.#c.requireConfig('evaluateAudiences');
    const id = this.#c.visitor(visitorCode);
    const matched = matchingAudiences(config, this.#c.evaluationVisitor(id), { ...this.#c.env, now: Date.now() }, (segment, err) => this.#c.logger.warn(msg`Segment ${segment} could not be evaluated: ${String(err)}`));
    this.#c.tracker.recordData(id, matched.map((segment) => ({ kind: 'targetedSegment' as const, id: segment })));
    this.flush(visitorCode);
    return matched;
  }

  /** The configuration document in force (read-only), e.g. to embed in a server-rendered page; undefined before one is loaded. */
  getConfigurationJson(): ConfigurationJson | undefined {
    return this.#c.config?.raw;
  }

  /**
   * The configuration's flags, their variations and rules, with parsed variables, and the
   * configuration's `dateModified` (epoch ms, 0 when it has none). As the official SDK 4.21, the
   * same object until the configuration changes: treat it as read-only.
   * @throws {@link NotInitialized} before a configuration is loaded
   */
  getDataFile(): DataFile {
    const config = this.#c.requireConfig('getDataFile');
    if (this.#dataFile?.config !== config) {
      this.#dataFile = { config, view: { ...buildDataFile(config, (flag, key) => this.#c.variables.of(flag, key)), dateModified: Number(config.raw.dateModified) || 0 } };
    }
    return this.#dataFile.view;
  }

  /**
   * Registers the handler of an event type (one per type, as in the official SDK: a new one
   * replaces the previous). A handler that throws is logged, never propagated.
   * @param event - `EventType.Evaluation` or `EventType.ConfigurationUpdate`
   * @param callback - receives the event's data ({@link EvaluationEventDataType} or {@link ConfigurationUpdateEventDataType})
   * @throws {@link InvalidArgument} when `event` is not an event type or `callback` is not a function
   */
  onEvent<E extends EventType>(event: E, callback: EventCallbackType<E>): void {
    if (event !== EventType.Evaluation && event !== EventType.ConfigurationUpdate) throw new InvalidArgument(msg`onEvent(): unknown event type ${describeValue(event)}.`);
    if (typeof callback !== 'function') throw new InvalidArgument(msg`onEvent(): callback must be a function.`);
    this.#c.events.on(event, callback);
  }

  /**
   * Sets how much the SDK logs: `LogLevel.NONE` (0) to `LogLevel.DEBUG` (4). Default `LogLevel.WARNING`.
   * @throws {@link InvalidArgument} when `level` is not an integer from 0 to 4
   */
  setLogLevel(level: LogLevel): void {
    if (!Number.isInteger(level) || level < 0 || level > 4) throw new InvalidArgument(msg`setLogLevel(): level must be a LogLevel (0 to 4).`);
    this.#c.logger.level = level;
  }

  /** Number of visitors held in memory (servers forget them after `sessionDuration`). */
  get visitorCount(): number {
    return this.#c.visitors.size;
  }

  /**
   * Stops the client: ends configuration polling and the stream, aborts Data API requests in
   * flight, sends what tracking holds, and saves visitors to storage. It resolves once the
   * tracking server accepted every queued line (failed requests are retried with the same
   * nonces, their backoff shortened to fit), or when `closeTimeout` (default 5 s) has passed: a
   * request still in flight is then abandoned, and what is left is reported by a warning with its
   * counts and by `getTrackingStatus().queued`; browsers keep it for the next page of the site (as
   * they keep the calls of a page whose tracking code has not loaded yet). Idempotent: every call
   * returns the first call's promise.
   */
  close(): Promise<void> {
    return (this.#closing ??= this.#close());
  }

  async #close(): Promise<void> {
    const deadline = Date.now() + this.#c.options.closeTimeout;
    this.#c.delivery.close();
    this.#c.closeRemote();
    await this.#c.tracker.close(deadline);
    this.#c.visitors.flushPersistence();
  }
}

