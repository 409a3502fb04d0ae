/**
 * The first stage of the standard browser build: what a page loads before its first variation.
 * It answers `getVisitorCode`, `getVariation`, `peekVariation`, `getVariationDetails`,
 * `isFeatureFlagActive`, the flag variables, `getFeatureFlags` and `addData` of custom data from
 * the configuration cache (or `defaultDataFile`) with the same engine modules as the full client,
 * and loads the full client (second.ts) at construction. When it arrives, every call made
 * meanwhile is replayed on it, in order: exposures, assignments, events and tracking come from one
 * implementation, and the first stage's answers are the ones it gives again.
 *
 * It answers only where its inputs are the full client's: no consent requirement, no
 * cross-device link, no QA simulation cookie, no server hand-off (`kameleoonQueue`), no forced
 * variation, and flags whose targeting reads nothing but custom data, the visitor code, the SDK,
 * cookies and segments of those. Elsewhere, until the full client is there, calls that return a
 * result throw `NotInitialized` (what the official SDK throws before `initialize()`), calls that
 * return nothing are replayed, and promises wait for it.
 */
import { addDataArguments, optionalBoolean, requireKey, requireObject } from '../client/arguments.ts';
import { EventType } from '../client/events.ts';
import type { KameleoonClientBase } from '../client/kameleoonClient.ts';
import { configurationUrl, resolveOptions, type SDKConfigurationType, type SDKParameters } from '../client/options.ts';
import type { TrackingStatus } from '../client/trackingHandle.ts';
import type { GetVariationParamsType, SetLegalConsentParamsType, Variable, Variation, VariationDetails } from '../client/types.ts';
import { VariablesCache } from '../client/variables.ts';
import { cacheKey, dateModifiedOf, servesAtOnce, type CacheEntry } from '../config/cache.ts';
import type { ConfigurationState } from '../config/delivery.ts';
import { buildModel, type FeatureFlag, type ParsedConfig } from '../config/model.ts';
import { CORE_CONDITIONS } from '../targeting/coreConditions.ts';
import { nativeUserRegExp } from '../targeting/nativeRegex.ts';
import type { ConfigurationJson } from '../config/types.ts';
import { disabledIn, FeatureEnvironmentDisabled, FeatureNotFound, FeatureVariableNotFound, InvalidArgument, KameleoonError, NotInitialized } from '../errors.ts';
import { evaluateFlag, type Evaluation, type EvaluationEnv } from '../evaluation/evaluate.ts';
import { HashMemo } from '../hashing/memo.ts';
import { Logger, type LogLevel } from '../logging/logger.ts';
import { msg } from '../logging/msg.ts';
import { createBrowserPlatform } from '../platform/browser/browserPlatform.ts';
import type { IExternalRequester, IExternalStorage, KameleoonResponseType } from '../platform/platform.ts';
import { requestConfiguration } from '../config/request.ts';
import { Conversion, describeValue, type KameleoonDataType } from '../visitor/data.ts';
import { answers, firstVisitor, noting, recordData, requireVariation, storeLeft, type FirstVisitor } from './firstVisitors.ts';
import { createStoragePersistence } from '../visitor/persistence.ts';
import { onPageLeave } from '../platform/browser/pageLeave.ts';
import { SIMULATION_COOKIE, validateVisitorCode, VisitorCodeCookies } from '../visitor/visitorCode.ts';
import type { VisitorPersistence } from '../visitor/visitorStore.ts';

type Full = KameleoonClientBase;

/**
 * The evaluation model of a document, unchecked (the full client checks it as it takes over) and
 * with the condition types whose evaluation reads nothing the full client adds as it switches to
 * a visitor (its browser, page and visit); #answers declines a flag that reaches another type.
 */
const model = (doc: unknown): ParsedConfig => buildModel((typeof doc === 'string' ? JSON.parse(doc) : doc) as ConfigurationJson, nativeUserRegExp, CORE_CONDITIONS);

/**
 * A call made before the full client arrived, replayed on it. An evaluation the first stage
 * answered (`answered`) gave its caller its result or error already: what it throws again is not
 * said twice; a call that returned nothing is checked only then, and its error is logged. What a
 * call `stored` added is in storage once the page was hidden (see #leave): not replayed then.
 */
type Replay = ((full: Full) => unknown) & { answered?: true; stored?: true };

/** An evaluation's replay (see Replay). */
const answered = (replay: (full: Full) => unknown): Replay => Object.assign(replay, { answered: true as const });
/** The replay of a call whose data a hidden page stores. */
const stored = (replay: (full: Full) => unknown): Replay => Object.assign(replay, { answered: true as const, stored: true as const });

const NO_TRACKING: Readonly<TrackingStatus> = Object.freeze({ queued: 0, sentLines: 0, droppedOverflow: 0, droppedRejected: 0, failures: 0, loaded: false });

export class FirstStage {
  readonly #siteCode: string;
  readonly #options: SDKConfigurationType;
  readonly #stub: boolean;
  readonly #logger: Logger;
  readonly #storage: IExternalStorage | undefined;
  readonly #persistence: VisitorPersistence | undefined;
  readonly #cookies: VisitorCodeCookies;
  readonly #env: EvaluationEnv;
  readonly #variables = new VariablesCache();
  readonly #visitors = new Map<string, FirstVisitor>();
  /** Calls to replay on the full client, in order; subscriptions first (see #arrive). */
  #replays: Replay[] = [];
  #subscriptions: Replay[] = [];
  readonly #statusListeners = new Set<() => void>();
  readonly #dataListeners = new Set<() => void>();
  /** The full client's unsubscribe functions of the listeners above, once it arrived (a function may be both). */
  readonly #statusOffs = new Map<() => void, () => void>();
  readonly #dataOffs = new Map<() => void, () => void>();
  /** Resolved once the calls made before the full client arrived were handed over to it. */
  readonly #takenOver: Promise<void>;
  #handedOver!: () => void;
  #config: ParsedConfig | undefined;
  #fetchedAt: number | undefined;
  #source: ConfigurationState['source'];
  #full: Full | undefined;
  /** The full client once loaded, before it takes over: its status is the one to read. */
  #arrived: Full | undefined;
  #loading: Promise<Full>;
  readonly #params: SDKParameters;
  /** initialize() was called before the full client arrived: its promise, once it did. */
  #wantsInit = false;
  #started: Promise<boolean> | undefined;
  #closing: Promise<void> | undefined;
  readonly #requester: IExternalRequester;
  readonly #stopLeave: () => void;
  #prefetched: Promise<KameleoonResponseType> | undefined;
  /** After a failed load: starts loading again (see #load). */
  #reload: (() => void) | undefined;

  /**
   * @param params - as the full client's
   * @throws {@link SiteCodeIsEmpty} when `siteCode` is empty; {@link InvalidArgument} for a bad option
   */
  constructor(params: SDKParameters) {
    const { siteCode, config, stubMode } = resolveOptions(params);
    this.#siteCode = siteCode;
    this.#options = config;
    this.#stub = stubMode;
    const platform = createBrowserPlatform();
    const externals = params.externals ?? {};
    const internals = params._internals ?? {};
    this.#logger = new Logger(externals.logger);
    this.#storage = externals.storage ?? platform.storage;
    this.#persistence = this.#storage ? createStoragePersistence(this.#storage) : undefined;
    const random = internals.prng ? () => internals.prng!.getRandomNumber() : platform.random;
    this.#cookies = new VisitorCodeCookies(externals.visitorCodeManager ?? platform.visitorCodeManager, random, config.cookieDomain, {
      external: externals.visitorCodeManager !== undefined,
      isServer: false,
      logger: this.#logger,
    });
    this.#env = { sdk: internals.packageInfo ?? platform.packageInfo, now: 0, hashes: new HashMemo(), documentCookies: platform.documentCookies };
    this.#requester = externals.requester ?? platform.requester;
    this.#stopLeave = onPageLeave(() => this.#leave());
    this.#params = params;
    this.#takenOver = new Promise((resolve) => (this.#handedOver = resolve));
    this.#loading = this.#load();
  }

  /**
   * Loads the full client. A failure (the chunk, on a network blip) is logged and surfaces from
   * initialize(); the next call that needs the full client (initialize() among them) loads again.
   */
  #load(): Promise<Full> {
    const loading = import('./second.ts').then(({ KameleoonClient }) => {
      const params = this.#params;
      const configurationResponse = this.#prefetched;
      return this.#arrive(new KameleoonClient(configurationResponse ? { ...params, _internals: { ...params._internals, configurationResponse } } : params));
    });
    loading.catch((err: unknown) => {
      this.#logger.error(msg`The client's code could not be loaded (loaded again on the next call that needs it): ${String(err)}`);
      this.#loading = new Promise<Full>((resolve) => (this.#reload = () => resolve(this.#load())));
    });
    return loading;
  }

  /**
   * The full client: its subscriptions, then `initialize()` if it was asked for, then, once its
   * configuration is in force (the same as the first stage's: from the cache at once, or the
   * first stage's fetch), every call in order. Until then the first stage goes on answering.
   */
  #arrive(full: Full): Full {
    this.#arrived = full;
    for (const subscribe of this.#subscriptions.splice(0)) this.#safely(() => subscribe(full));
    for (const listener of this.#statusListeners) this.#statusOffs.set(listener, full.onStatusChange(listener));
    for (const listener of this.#dataListeners) this.#dataOffs.set(listener, full.onVisitorDataChange(listener));
    // Told once the full client took over: what the first stage could not answer can be read now.
    const reread = [...this.#dataListeners];
    this.#statusListeners.clear();
    this.#dataListeners.clear();
    const handOver = () => {
      this.#stopLeave();
      for (const replay of this.#replays.splice(0)) {
        try {
          replay(full);
        } catch (err) {
          if (!replay.answered) this.#logger.error(msg`A call made before the client's code arrived failed when handed to it: ${String(err)}`);
        }
      }
      this.#full = full;
      this.#visitors.clear();
      for (const listener of reread) if (this.#dataOffs.has(listener)) this.#safely(listener);
      this.#handedOver();
    };
    // Closed before the takeover: the calls made are handed over all the same, once the full
    // client has a configuration, and the close sends what they tracked.
    const started = this.#wantsInit || this.#closing ? (this.#started = full.initialize()) : undefined;
    if (!started || full.isInitialized()) handOver();
    else started.then(handOver, handOver);
    return full;
  }

  /** After a failed load, a call that needs the full client loads it again. */
  #retry(): void {
    const reload = this.#reload;
    this.#reload = undefined;
    reload?.();
  }

  /** Calls a listener or a subscription as the full client does: what it throws is logged, not passed on. */
  #safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#logger.error(msg`An event handler threw: ${String(err)}`);
    }
  }

  #tell(listeners: Set<() => void>): void {
    for (const listener of listeners) this.#safely(listener);
  }

  /** A call that returns nothing: on the full client, or replayed on it. */
  #later(replay: Replay): void {
    if (this.#full) replay(this.#full);
    else this.#replays.push(replay);
  }

  /** The full client, for a call the first stage does not answer; NotInitialized until it is there. */
  #now(method: string): Full {
    if (!this.#full) throw new NotInitialized(method);
    return this.#full;
  }

  initialize(): Promise<boolean> {
    if (this.#full) return this.#full.initialize();
    if (this.#stub) return Promise.resolve(false);
    if (!this.#wantsInit) {
      this.#wantsInit = true;
      if (!this.#installCached()) this.#prefetch();
    }
    // Resolved once the full client took over (after it, every method works, as the official SDK
    // promises); before it, the first stage answers what it can as soon as a configuration is in
    // force: isInitialized() and a status change say when.
    this.#retry();
    return this.#loading.then((client) => this.#started ?? client.initialize());
  }

  /**
   * As the full client's start: a cache entry within its window, else `defaultDataFile`, is in
   * force at once.
   * @returns false when there is neither (a cold start: the full client fetches the configuration)
   */
  #installCached(): boolean {
    let config: ParsedConfig | undefined;
    try {
      const entry = this.#storage?.read(cacheKey(this.#siteCode)) as CacheEntry | null | undefined;
      const o = this.#options;
      // As the full client: a cache entry, unless `defaultDataFile` is newer (a server render's snapshot).
      const fresh = entry && typeof entry === 'object' && typeof entry.fetchedAt === 'number' && entry.siteCode === this.#siteCode && entry.environment === o.environment;
      if (fresh && !(o.defaultDataFile !== undefined && dateModifiedOf(o.defaultDataFile) > dateModifiedOf(entry.json))) {
        // Past its window the full client refreshes it first (If-Modified-Since), then falls back on it.
        if (!servesAtOnce(entry.fetchedAt, o.updateInterval * 60_000, o.dataFileCacheTtl * 60_000)) return true;
        config = model(entry.json);
        this.#fetchedAt = entry.fetchedAt;
        this.#source = 'cache';
      } else if (o.defaultDataFile !== undefined) {
        config = model(o.defaultDataFile);
        this.#source = 'defaultDataFile';
      } else return false;
    } catch {
      // The full client reads it again, and says what is wrong with it.
      return true;
    }
    this.#config = config;
    this.#tell(this.#statusListeners);
    return true;
  }

  /**
   * A cold start: the configuration request starts now, not once the rest of the client has
   * loaded; the full client takes its answer as its first fetch (`_internals.configurationResponse`).
   */
  #prefetch(): void {
    if (this.#full) return;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(msg`no answer within ${this.#options.requestTimeout} ms`)), this.#options.requestTimeout);
    // The body is read once, here: the first stage parses it, and the full client gets the same text.
    const answer = requestConfiguration(this.#requester, configurationUrl(this.#siteCode, this.#options), this.#env.sdk, controller.signal)
      .then(async (response) => {
        const text = response.ok ? await response.text() : '';
        return { ok: response.ok, status: response.status, headers: response.headers, text: text !== '' || !response.ok ? text : JSON.stringify(await response.json()) };
      })
      .finally(() => clearTimeout(timer));
    this.#prefetched = answer.then(({ text, ...rest }) => ({ ...rest, text: async () => text, json: async () => JSON.parse(text) as unknown }));
    // Its failure is the full client's to report, should it arrive.
    this.#prefetched.catch(() => undefined);
    // What answers first: the configuration in force as soon as it arrives, whether the rest of the client has loaded or not.
    void answer.then(
      ({ ok, text }) => {
        if (!ok || this.#full) return false;
        try {
          this.#config = model(text);
        } catch {
          return false; // the full client says what is wrong with it
        }
        this.#source = 'network';
        this.#fetchedAt = Date.now();
        this.#tell(this.#statusListeners);
        return true;
      },
      () => false,
    );
  }

  waitInit(): Promise<boolean> {
    return this.initialize().catch(() => false);
  }

  getTrackingStatus(): Readonly<TrackingStatus> {
    return this.#arrived?.getTrackingStatus() ?? NO_TRACKING;
  }

  onStatusChange(listener: () => void): () => void {
    if (this.#arrived) return this.#arrived.onStatusChange(listener);
    return this.#listen('onStatusChange', this.#statusListeners, this.#statusOffs, listener);
  }

  onVisitorDataChange(listener: () => void): () => void {
    if (this.#arrived) return this.#arrived.onVisitorDataChange(listener);
    return this.#listen('onVisitorDataChange', this.#dataListeners, this.#dataOffs, listener);
  }

  /** A listener kept here, and subscribed to the full client as it arrives; its unsubscribe function. */
  #listen(method: string, set: Set<() => void>, offs: Map<() => void, () => void>, listener: () => void): () => void {
    if (typeof listener !== 'function') throw new InvalidArgument(msg`${method}(): listener must be a function.`);
    set.add(listener);
    return () => {
      set.delete(listener);
      offs.get(listener)?.();
      offs.delete(listener);
    };
  }

  getConfigurationStatus(): Readonly<ConfigurationState> {
    const state = this.#arrived?.getConfigurationStatus();
    const ready = this.#config !== undefined;
    if (state && (state.status !== 'loading' || !ready)) return state;
    return { status: ready ? 'ready' : 'loading', source: ready ? this.#source : undefined, lastUpdate: this.#fetchedAt, lastError: undefined, streaming: false };
  }

  onConfigurationUpdate(handler: Parameters<Full['onConfigurationUpdate']>[0]): () => void {
    if (this.#arrived) return this.#arrived.onConfigurationUpdate(handler);
    if (typeof handler !== 'function') throw new InvalidArgument(msg`onConfigurationUpdate(): handler must be a function.`);
    let off: (() => void) | undefined;
    let gone = false;
    this.#subscriptions.push((full) => {
      if (!gone) off = full.onConfigurationUpdate(handler);
    });
    return () => {
      gone = true;
      off?.();
    };
  }

  isInitialized(): boolean {
    return this.#full ? this.#full.isInitialized() : this.#config !== undefined || this.#arrived?.isInitialized() === true;
  }

  getVisitorCode(arg?: Parameters<Full['getVisitorCode']>[0]): string {
    if (this.#full) return this.#full.getVisitorCode(arg as never);
    if (this.#stub) return '';
    const source = this.#cookies.source(arg);
    const { visitorCode } = this.#cookies.resolve(source);
    const config = this.#config;
    // As the full client: with consent required (and no targeted delivery) the cookie waits for setLegalConsent.
    if (!(config?.consent.required && !config.hasTargetedDelivery)) this.#cookies.write(visitorCode, source);
    // Handed over with the code as default: the full client gets this code whether the cookie was written or not.
    this.#replays.push(answered((full) => full.getVisitorCode(visitorCode)));
    return visitorCode;
  }

  addData(visitorCode: string, ...args: Parameters<Full['addData']>[1][]): void {
    if (this.#full) return this.#full.addData(visitorCode, ...(args as KameleoonDataType[]));
    validateVisitorCode(visitorCode);
    const config = this.#config;
    if (!config) throw new NotInitialized('addData');
    const { data, track } = addDataArguments([...args]);
    if (data.length === 0) return;
    const visitor = this.#visitor(visitorCode);
    for (const userId of recordData(visitor, config, data, track)) this.#taint(userId);
    this.#replays.push(stored((full) => full.addData(visitorCode, ...(args as KameleoonDataType[]))));
    this.#tell(this.#dataListeners);
  }

  /** As the full client: a Conversion added (kept for the next page if this one is left early), then a flush. */
  trackConversion(params: Parameters<Full['trackConversion']>[0]): void {
    if (this.#full) return this.#full.trackConversion(params);
    const { visitorCode, goalId, revenue, negative, metadata } = requireObject(params, 'trackConversion', msg`{ visitorCode, goalId, revenue?, negative?, metadata? }`);
    this.addData(visitorCode, new Conversion({ goalId, revenue, negative, metadata }));
    this.#later((full) => full.flush(visitorCode));
  }

  /**
   * As the full client: the cookie written now on consent, the consent itself kept for the
   * takeover (or, if the page is left first, stored in the visitor's record for the next page).
   */
  setLegalConsent(arg: string | SetLegalConsentParamsType, consentArg?: boolean): void {
    if (this.#full) return this.#full.setLegalConsent(arg as never, consentArg as never);
    const { visitorCode, consent, response, cookies } = typeof arg === 'object' && arg !== null ? arg : { visitorCode: arg, consent: consentArg, response: undefined, cookies: undefined };
    validateVisitorCode(visitorCode);
    if (typeof consent !== 'boolean') throw new InvalidArgument(msg`setLegalConsent(): consent must be a boolean.`);
    if (consent) this.#cookies.write(visitorCode, { response, cookies });
    this.#visitor(visitorCode).consent = consent ? 'given' : 'notGiven';
    this.#replays.push(stored((full) => full.setLegalConsent(arg as never, consentArg as never)));
    this.#tell(this.#dataListeners);
  }

  getVariation(params: GetVariationParamsType): Variation {
    if (this.#full) return this.#full.getVariation(params);
    const { visitorCode, featureKey, track } = requireObject(params, 'getVariation', msg`{ visitorCode, featureKey, track? }`);
    const key = requireKey(featureKey, 'getVariation');
    const { flag, evaluation } = this.#evaluate('getVariation', visitorCode, key, optionalBoolean(track, 'track', 'getVariation', true));
    this.#replays.push(answered((full) => full.getVariation(params)));
    return this.#variables.variation(flag, evaluation);
  }

  /** @internal */
  peekVariation(visitorCode: string, featureKey: string): Variation | null {
    if (this.#full) return this.#full.peekVariation(visitorCode, featureKey);
    try {
      const { flag, evaluation } = this.#evaluate('getVariation', visitorCode, featureKey, false, false);
      return this.#variables.variation(flag, evaluation);
    } catch {
      return null;
    }
  }

  getVariationDetails(params: GetVariationParamsType): VariationDetails {
    if (this.#full) return this.#full.getVariationDetails(params);
    try {
      const { visitorCode, featureKey, track } = requireObject(params, 'getVariationDetails', msg`{ visitorCode, featureKey, track? }`);
      const key = requireKey(featureKey, 'getVariationDetails');
      const { flag, evaluation } = this.#evaluate('getVariationDetails', visitorCode, key, optionalBoolean(track, 'track', 'getVariationDetails', true));
      this.#replays.push(answered((full) => full.getVariationDetails(params)));
      return { variation: this.#variables.variation(flag, evaluation), reason: evaluation.reason };
    } catch (err) {
      const error = err instanceof KameleoonError ? err : new InvalidArgument(String(err), { cause: err });
      // Never throwing, it is how the bindings track an exposure: one the first stage cannot answer is the full client's.
      if (error instanceof NotInitialized) this.#replays.push(answered((full) => full.getVariationDetails(params)));
      return { variation: null, reason: { kind: 'ERROR', error } };
    }
  }

  isFeatureFlagActive(first: string | GetVariationParamsType, second?: string): boolean {
    if (this.#full) return this.#full.isFeatureFlagActive(first as never, second as never);
    const params = typeof first === 'string' ? { visitorCode: first, featureKey: second as string, track: true } : requireObject(first, 'isFeatureFlagActive', msg`(visitorCode, featureKey) or { visitorCode, featureKey, track? }`);
    try {
      const key = requireKey(params.featureKey, 'isFeatureFlagActive');
      const { evaluation } = this.#evaluate('isFeatureFlagActive', params.visitorCode, key, optionalBoolean(params.track, 'track', 'isFeatureFlagActive', true));
      this.#replays.push(answered((full) => full.isFeatureFlagActive(first as never, second as never)));
      return evaluation.variationKey !== 'off';
    } catch (err) {
      if (err instanceof FeatureEnvironmentDisabled) return false;
      throw err;
    }
  }

  getFeatureFlags(): { id: number; key: string }[] {
    if (this.#full) return this.#full.getFeatureFlags();
    const config = this.#config;
    if (!config) throw new NotInitialized('getFeatureFlags');
    return [...config.flags.values()].map((flag) => ({ id: flag.id, key: flag.featureKey }));
  }

  getFeatureFlagVariable(params: { visitorCode: string; featureKey: string; variableKey: string }): { type: Variable['type']; value: Variable['value'] } {
    if (this.#full) return this.#full.getFeatureFlagVariable(params);
    const { visitorCode, featureKey, variableKey } = requireObject(params, 'getFeatureFlagVariable', msg`{ visitorCode, featureKey, variableKey }`);
    const { flag, evaluation } = this.#evaluate('getFeatureFlagVariable', visitorCode, requireKey(featureKey, 'getFeatureFlagVariable'), true);
    this.#replays.push(answered((full) => full.getFeatureFlagVariable(params)));
    requireVariation(flag, evaluation.variationKey, visitorCode);
    const variable = this.#variables.of(flag, evaluation.variationKey).get(variableKey);
    if (!variable) throw new FeatureVariableNotFound(typeof variableKey === 'string' ? variableKey : describeValue(variableKey), featureKey, evaluation.variationKey);
    return { type: variable.type, value: variable.value };
  }

  getFeatureFlagVariables(visitorCode: string, featureKey: string): Variable[] {
    if (this.#full) return this.#full.getFeatureFlagVariables(visitorCode, featureKey);
    const { flag, evaluation } = this.#evaluate('getFeatureFlagVariables', visitorCode, requireKey(featureKey, 'getFeatureFlagVariables'), true);
    this.#replays.push(answered((full) => full.getFeatureFlagVariables(visitorCode, featureKey)));
    requireVariation(flag, evaluation.variationKey, visitorCode);
    return [...this.#variables.of(flag, evaluation.variationKey).values()];
  }

  setForcedVariation(params: Parameters<Full['setForcedVariation']>[0]): void {
    this.#taint(params?.visitorCode);
    this.#later((full) => full.setForcedVariation(params));
  }

  getConfigurationJson(): ReturnType<Full['getConfigurationJson']> {
    return this.#full ? this.#full.getConfigurationJson() : this.#config?.raw;
  }

  onEvent(...args: Parameters<Full['onEvent']>): void {
    if (this.#arrived) return this.#arrived.onEvent(...args);
    const [event, callback] = args;
    if (event !== EventType.Evaluation && event !== EventType.ConfigurationUpdate) throw new InvalidArgument(msg`onEvent(): unknown event type ${describeValue(event)}.`);
    if (typeof callback !== 'function') throw new InvalidArgument(msg`onEvent(): callback must be a function.`);
    this.#subscriptions.push((full) => full.onEvent(...args));
  }

  setLogLevel(level: LogLevel): void {
    this.#logger.level = level;
    this.#later((full) => full.setLogLevel(level));
  }

  get visitorCount(): number {
    return this.#full ? this.#full.visitorCount : this.#visitors.size;
  }

  close(): Promise<void> {
    if (this.#full) return this.#full.close();
    // After a failed load, loaded again: what was given here is handed over and sent.
    this.#retry();
    this.#closing ??= this.#loading.then(
      (full) => this.#takenOver.then(() => full.close()),
      () => undefined,
    );
    return this.#closing;
  }

  // What the first stage leaves to the full client: a promise waits for it; a result needs it
  // (NotInitialized before); what returns nothing is replayed on it.
  static {
    const define = (names: string, method: (name: string) => (this: FirstStage, ...args: unknown[]) => unknown) => {
      for (const name of names.split(' ')) Object.defineProperty(this.prototype, name, { value: method(name), writable: true, configurable: true });
    };
    type Call = (this: Full, ...args: unknown[]) => unknown;
    const on = (full: Full, name: string) => (full as unknown as Record<string, Call>)[name]!;
    define('refreshDataFileIfStale flushInstant getRemoteData getRemoteVisitorData getVisitorWarehouseAudience', (name) => function (...args) {
      this.#retry();
      return this.#loading.then((full) => on(full, name).apply(full, args));
    });
    define('getEngineTrackingCode getVariations getFeatureList getVisitorFeatureFlags getActiveFeatureFlags getFeatureFlagVariationKey evaluateAudiences getDataFile', (name) => function (...args) {
      const full = this.#now(name);
      return on(full, name).apply(full, args);
    });
    define('flush', (name) => function (...args) {
      this.#later((full) => on(full, name).apply(full, args));
    });
  }

  /**
   * The page is hidden or left before the full client took over: what the first stage tracked is
   * stored as the full client would have stored it, for it or the next page to send. The tracked
   * assignments go into the visitor's stored record as unsent (the exposures), with its custom
   * data; the data items and the visitor's schedule go to the early-tracking list. They are then
   * no longer handed over (the full client reads them from storage).
   */
  #leave(): void {
    if (this.#full || !this.#storage || !this.#persistence) return;
    // Stored: the full client (on this page, should it come back, or the next one) sends them.
    // The data stored is not handed over again, should the page come back (a hidden tab): the
    // evaluations are (their Evaluation events; their exposures are the stored ones, not new).
    if (storeLeft(this.#visitors, this.#persistence, this.#storage, this.#siteCode, this.#config?.consent.required)) this.#replays = this.#replays.filter((replay) => !replay.stored);
  }

  /** A visitor the first stage no longer answers for (the call changes what it does not apply). */
  #taint(visitorCode: unknown): void {
    if (typeof visitorCode === 'string') this.#visitor(visitorCode).plain = false;
  }

  /** The visitor's stored data, read once; what it holds decides whether the first stage may answer. */
  #visitor(visitorCode: string): FirstVisitor {
    let visitor = this.#visitors.get(visitorCode);
    if (!visitor) {
      visitor = firstVisitor(this.#persistence?.load(visitorCode)?.extra);
      this.#visitors.set(visitorCode, visitor);
    }
    return visitor;
  }

  /**
   * The evaluation the full client would make, for a public method, with no side effect (the
   * replay makes them).
   * @throws NotInitialized where the first stage does not answer; what the full client throws otherwise
   */
  #evaluate(method: string, visitorCode: string, featureKey: string, track = false, save = true): { flag: FeatureFlag; evaluation: Evaluation } {
    validateVisitorCode(visitorCode);
    const config = this.#config;
    if (!config) throw new NotInitialized(method);
    const flag = config.flags.get(featureKey);
    if (!flag) throw new FeatureNotFound(featureKey);
    if (!this.#plainPage(config)) throw new NotInitialized(method);
    if (!flag.environmentEnabled) throw disabledIn(featureKey, this.#options.environment);
    const visitor = this.#visitor(visitorCode);
    if (!visitor.plain || !answers(config, flag)) throw new NotInitialized(method);
    this.#env.now = Date.now();
    const evaluation = evaluateFlag(config, flag, { code: visitorCode, data: visitor.data, mappingIdentifier: undefined, variations: noting(visitor), forced: undefined, simulated: undefined, consent: 'given' }, this.#env, save, track);
    return { flag, evaluation };
  }

  /** Nothing on the page or in the configuration that the full client reads and the first stage does not. */
  #plainPage(config: ParsedConfig): boolean {
    if (config.consent.required) return false;
    if (this.#cookies.read({}, SIMULATION_COOKIE)) return false;
    const page = globalThis as { kameleoonQueue?: unknown; Kameleoon?: unknown };
    return !(Array.isArray(page.kameleoonQueue) && page.Kameleoon === undefined && page.kameleoonQueue.some((entry) => Array.isArray(entry) && entry[0] === 'Experiments.assignVariation'));
  }
}
