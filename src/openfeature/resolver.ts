/**
 * What both OpenFeature providers share: the options, the client (given, or built from its
 * parameters), the evaluation of a flag as OpenFeature resolution details, the context as visitor
 * data, `track()` as conversions, and the client's status and configuration updates as events.
 */
import { InvalidArgument, KameleoonClient, type KameleoonClientBase, type SDKParameters, type VariationDetails } from 'kameleoon-ts';
import type { AnyProviderEvent, ErrorCode, EvaluationContext, FlagMetadata, FlagValueType, JsonValue, Logger, ResolutionDetails, ResolutionReason, TrackingEventDetails } from '@openfeature/core';
import { msg } from '../logging/msg.ts';
import { AddedData, attributeData, fingerprint, RESERVED_ATTRIBUTES } from './context.ts';
import { KameleoonEventEmitter } from './emitter.ts';

/**
 * Options of the OpenFeature providers: a client (`client`), or the parameters to build one
 * (`siteCode`, `configuration`, `credentials`, `externals`... as `new KameleoonClient(...)` takes
 * them, the official OpenFeature provider's form), and how flags resolve.
 */
export interface KameleoonProviderOptions extends Partial<SDKParameters> {
  /** A client of this package, initialized or not; the provider initializes it and never closes it. Without it, `siteCode` is required and the provider builds (and closes) its own. */
  client?: KameleoonClientBase;
  /**
   * The variable whose value string, number and object evaluations resolve to, and boolean ones
   * when given (else a boolean is whether the flag is active): one key for every flag, or keys by
   * flag key. The context attribute `variableKey` (same forms) overrides it. Without either: the
   * variation's first variable.
   */
  variableKey?: string | Record<string, string>;
  /** Whether evaluations track the exposure, as `getVariation` does (each variation once per visitor). Default true. */
  track?: boolean;
  /**
   * Goal ids by tracking event name, for `track(eventName)`; an event name made of digits is a
   * goal id itself.
   */
  goals?: Record<string, number>;
  /** Web provider: the visitor code when the context has no `targetingKey` (default: the visitor-code cookie, `client.getVisitorCode()`). */
  visitorCode?: string;
  /** Where the provider reports problems of its options and of `track()`. Default `console`. */
  logger?: Logger;
}

const PROVIDER_KEYS = ['client', 'variableKey', 'track', 'goals', 'visitorCode', 'logger'];
const CLIENT_KEYS = ['siteCode', 'configuration', 'credentials', 'externals', 'stubMode', '_internals', 'compatibility'];

const code = (c: `${ErrorCode}`): ErrorCode => c as ErrorCode;
const event = (e: 'PROVIDER_READY' | 'PROVIDER_ERROR' | 'PROVIDER_STALE' | 'PROVIDER_CONFIGURATION_CHANGED'): AnyProviderEvent => e as AnyProviderEvent;

/** The error codes of the client's error kinds (any other kind is GENERAL). */
const ERROR_CODES: Record<string, `${ErrorCode}`> = {
  FeatureFlagConfigurationNotFound: 'FLAG_NOT_FOUND',
  VisitorCodeEmpty: 'TARGETING_KEY_MISSING',
  VisitorCodeMaxLength: 'INVALID_CONTEXT',
  Initialization: 'PROVIDER_NOT_READY',
};

/**
 * The variable named for `flagKey` by a `variableKey` option or attribute (a key, or keys by flag
 * key); undefined when none is; null when the value is not of either form.
 */
function variableKeyOf(value: unknown, flagKey: string | undefined): string | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string' || v === '')) return null;
  return flagKey === undefined ? undefined : ((value as Record<string, string>)[flagKey] ?? undefined);
}

/** OpenFeature's reason for a Kameleoon reason (see README, "Reasons"). */
function reasonOf(reason: Exclude<VariationDetails['reason'], { kind: 'ERROR' }>): ResolutionReason {
  if (reason.kind === 'DEFAULT') return 'DEFAULT';
  if (reason.kind === 'RULE_MATCH' && reason.ruleType === 'EXPERIMENTATION') return 'SPLIT';
  return 'TARGETING_MATCH';
}

/** The ids of a variation and why the visitor got it, as flag metadata. */
function metadataOf(details: VariationDetails): FlagMetadata {
  const metadata: FlagMetadata = { kameleoonReason: details.reason.kind };
  const { variation, reason } = details;
  if (variation?.experimentId != null) metadata.experimentId = variation.experimentId;
  if (variation?.id != null) metadata.variationId = variation.id;
  if (reason.kind === 'RULE_MATCH') Object.assign(metadata, { ruleId: reason.ruleId, ruleType: reason.ruleType });
  if (reason.kind === 'DEFAULT') metadata.defaultReason = reason.why;
  return metadata;
}

const typeOf = (value: unknown): FlagValueType | 'other' => {
  if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number') return typeof value as FlagValueType;
  return typeof value === 'object' && value !== null ? 'object' : 'other';
};

const errorDetails = <T>(value: T, errorCode: `${ErrorCode}`, errorMessage: string, flagMetadata?: FlagMetadata): ResolutionDetails<T> => ({
  value,
  reason: 'ERROR',
  errorCode: code(errorCode),
  errorMessage,
  ...(flagMetadata ? { flagMetadata } : {}),
});

/** The shared half of the providers (see the class comment of the file). */
export class ProviderCore {
  readonly client: KameleoonClientBase;
  readonly events: KameleoonEventEmitter;
  readonly #owned: boolean;
  readonly #options: KameleoonProviderOptions;
  readonly #logger: Logger;
  readonly #added = new AddedData();
  readonly #unknownWarned = new Set<string>();
  readonly #unsubscribe: (() => void)[] = [];
  #lastContext: { visitorCode: string; context: EvaluationContext } | undefined;
  #flags: Map<string, string> | undefined;
  #status: string | undefined;

  /** @throws InvalidArgument when the options are not an object, have neither `client` nor `siteCode`, or an option has the wrong type */
  constructor(options: KameleoonProviderOptions, providerName: string) {
    if (options === null || typeof options !== 'object') throw new InvalidArgument(msg`new ${providerName}() takes { client } or the client's parameters { siteCode, configuration?, ... }.`);
    const { client, variableKey, track, goals, visitorCode, logger } = options;
    this.#logger = logger ?? console;
    if (logger !== undefined && (typeof logger !== 'object' || typeof logger.warn !== 'function')) throw new InvalidArgument(msg`${providerName}: logger must be an OpenFeature Logger (error, warn, info, debug).`);
    if (variableKey !== undefined && variableKeyOf(variableKey, undefined) === null) throw new InvalidArgument(msg`${providerName}: variableKey must be a non-empty string, or non-empty strings by flag key.`);
    if (track !== undefined && typeof track !== 'boolean') throw new InvalidArgument(msg`${providerName}: track must be a boolean.`);
    if (visitorCode !== undefined && typeof visitorCode !== 'string') throw new InvalidArgument(msg`${providerName}: visitorCode must be a string.`);
    if (goals !== undefined && (goals === null || typeof goals !== 'object' || Object.values(goals).some((id) => !Number.isInteger(id)))) throw new InvalidArgument(msg`${providerName}: goals must map event names to goal ids (integers).`);
    this.#options = options;
    this.events = new KameleoonEventEmitter(this.#logger);
    if (client !== undefined) {
      if (client === null || typeof client !== 'object' || typeof client.getVariationDetails !== 'function') throw new InvalidArgument(msg`${providerName}: client must be a KameleoonClient of kameleoon-ts.`);
      this.client = client;
      this.#owned = false;
      for (const key of Object.keys(options)) {
        if (!PROVIDER_KEYS.includes(key)) this.#logger.warn(msg`${providerName}: option "${key}" ignored: ${CLIENT_KEYS.includes(key) ? msg`the client's parameters are for building one, and client is given` : msg`unknown option (known: ${PROVIDER_KEYS.join(', ')}, or the client's parameters)`}.`);
      }
    } else {
      if (typeof options.siteCode !== 'string') throw new InvalidArgument(msg`new ${providerName}() needs a client ({ client }) or a site code ({ siteCode, ... }).`);
      const params: Record<string, unknown> = {};
      // Every other key goes to the client, which warns about the ones it does not know.
      for (const [key, value] of Object.entries(options)) if (!PROVIDER_KEYS.includes(key)) params[key] = value;
      this.client = new KameleoonClient(params as unknown as SDKParameters);
      this.#owned = true;
    }
  }

  /** Where the provider reports problems of its own (the `logger` option, else the console). */
  get logger(): Logger {
    return this.#logger;
  }

  get fixedVisitorCode(): string | undefined {
    return this.#options.visitorCode;
  }

  /**
   * Initializes the client and starts relaying its status and configuration updates as events
   * (once settled: the SDK emits READY or ERROR for the initialization itself).
   */
  async initialize(): Promise<void> {
    if (this.#unsubscribe.length === 0) {
      this.#unsubscribe.push(
        this.client.onStatusChange(() => this.#onStatus()),
        this.client.onConfigurationUpdate(() => this.#onConfiguration()),
      );
    }
    try {
      await this.client.initialize();
    } finally {
      this.#status = this.client.isInitialized() ? 'ready' : 'failed';
      this.#flags = this.#flagSnapshot();
    }
  }

  #onStatus(): void {
    if (this.#status === undefined) return; // initializing
    const { status, lastError } = this.client.getConfigurationStatus();
    const now = status === 'loading' || status === 'closed' ? this.#status : status;
    if (now === this.#status) return;
    this.#status = now;
    const message = lastError?.message;
    if (now === 'stale') this.events.emit(event('PROVIDER_STALE'), message ? { message } : undefined);
    else if (now === 'failed') this.events.emit(event('PROVIDER_ERROR'), message ? { message } : undefined);
    else if (now === 'ready') this.events.emit(event('PROVIDER_READY'));
  }

  /** Each flag's JSON by key, to tell which flags an update changed. */
  #flagSnapshot(): Map<string, string> {
    const flags = new Map<string, string>();
    for (const flag of this.client.getConfigurationJson()?.featureFlags ?? []) flags.set(flag.featureKey, JSON.stringify(flag));
    return flags;
  }

  #onConfiguration(): void {
    const before = this.#flags ?? new Map<string, string>();
    const after = this.#flagSnapshot();
    this.#flags = after;
    const flagsChanged = [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key));
    this.events.emit(event('PROVIDER_CONFIGURATION_CHANGED'), { flagsChanged } as never);
    // A configuration in force again after failures: the SDK's status follows.
    if (this.#status === 'stale' || this.#status === 'failed') this.#onStatus();
  }

  /** Stops relaying events; closes the client when the provider built it. */
  async close(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#added.clear();
    this.#lastContext = undefined;
    if (this.#owned) await this.client.close();
  }

  /**
   * Adds the context's attributes to the visitor, those whose value changed since last added.
   * @throws InvalidArgument when an attribute's value does not fit its data type
   */
  addContext(visitorCode: string, context: EvaluationContext, logger: Logger): void {
    if (this.#lastContext?.context === context && this.#lastContext.visitorCode === visitorCode) return;
    const added = this.#added.of(visitorCode, Date.now());
    const names = new Set((this.client.getConfigurationJson()?.customData ?? []).map((c) => (c as { name?: unknown }).name).filter((n): n is string => typeof n === 'string'));
    const data: ReturnType<typeof attributeData> & object = [];
    const changed: [string, string][] = [];
    for (const [name, value] of Object.entries(context)) {
      if (RESERVED_ATTRIBUTES.has(name) || value === undefined) continue;
      const print = fingerprint(value);
      if (added.get(name) === print) continue;
      const items = attributeData(name, value, names);
      if (items === undefined) {
        if (!this.#unknownWarned.has(name)) {
          this.#unknownWarned.add(name);
          logger.warn(msg`Kameleoon provider: context attribute "${name}" ignored: it is no data type of the SDK and no custom data of the configuration (see the attribute mapping in the README).`);
        }
        continue;
      }
      data.push(...items);
      changed.push([name, print]);
    }
    if (data.length > 0) this.client.addData(visitorCode, ...data);
    for (const [name, print] of changed) added.set(name, print);
    this.#lastContext = { visitorCode, context };
  }

  /** The flag's resolution details for the visitor (never throws: problems are error codes). */
  resolve<T extends JsonValue>(type: FlagValueType, flagKey: string, defaultValue: T, context: EvaluationContext, visitorCode: string | undefined, logger: Logger): ResolutionDetails<T> {
    if (!visitorCode) return errorDetails(defaultValue, 'TARGETING_KEY_MISSING', msg`The evaluation context has no targetingKey (the Kameleoon visitor code).`);
    if (!this.client.isInitialized()) return errorDetails(defaultValue, 'PROVIDER_NOT_READY', msg`The Kameleoon client has no configuration yet.`);
    const fromContext = variableKeyOf(context.variableKey, flagKey);
    if (fromContext === null) return errorDetails(defaultValue, 'INVALID_CONTEXT', msg`The context attribute variableKey must be a non-empty string, or non-empty strings by flag key.`);
    const variableKey = fromContext ?? variableKeyOf(this.#options.variableKey, flagKey) ?? undefined;
    try {
      this.addContext(visitorCode, context, logger);
    } catch (error) {
      return errorDetails(defaultValue, 'INVALID_CONTEXT', error instanceof Error ? error.message : String(error));
    }
    const details = this.client.getVariationDetails({ visitorCode, featureKey: flagKey, track: this.#options.track ?? true });
    const { reason, variation } = details;
    if (reason.kind === 'ERROR') {
      if (reason.error.type === 'FeatureFlagEnvironmentDisabled') return { value: defaultValue, reason: 'DISABLED', flagMetadata: { kameleoonReason: 'DISABLED' } };
      return errorDetails(defaultValue, ERROR_CODES[reason.error.type] ?? 'GENERAL', reason.error.message);
    }
    const flagMetadata = metadataOf(details);
    const found = { variant: variation!.key, flagMetadata };
    let value: unknown;
    if (type === 'boolean' && variableKey === undefined) {
      value = variation!.key !== 'off';
    } else {
      const key = variableKey ?? variation!.variables.keys().next().value;
      const variable = key === undefined ? undefined : variation!.variables.get(key);
      if (!variable) {
        // A variation without the variable (`off` often has none) gets the default value; a flag
        // none of whose variations has it is a mistake of the caller's.
        const variations = [...(this.client.getDataFile().featureFlags.get(flagKey)?.variations.values() ?? [])];
        if (variations.some((v) => (variableKey === undefined ? v.variables.size > 0 : v.variables.has(variableKey)))) return { value: defaultValue, reason: 'DEFAULT', ...found };
        const what = variableKey === undefined ? msg`has no variables: evaluate it as a boolean (whether it is active), or give the flag variables` : msg`has no variable "${variableKey}"`;
        return errorDetails(defaultValue, 'FLAG_NOT_FOUND', msg`Feature flag "${flagKey}" ${what}.`, flagMetadata);
      }
      value = variable.value;
    }
    const actual = typeOf(value);
    if (actual !== type) return errorDetails(defaultValue, 'TYPE_MISMATCH', msg`Feature flag "${flagKey}" resolved to a ${actual} value, not a ${type}.`, flagMetadata);
    return { value: value as T, reason: reasonOf(reason), ...found };
  }

  /**
   * `track(eventName)` as a conversion of the goal the name maps to (`goals`, or a name made of
   * digits), with `value` as the revenue and `negative` when given.
   * @throws InvalidArgument when the visitor or the goal is unknown, or the details have the wrong types
   */
  track(eventName: string, context: EvaluationContext, details: TrackingEventDetails, visitorCode: string | undefined): void {
    try {
      if (!visitorCode) throw new InvalidArgument(msg`track("${eventName}"): the evaluation context has no targetingKey (the Kameleoon visitor code).`);
      const goalId = this.#options.goals?.[eventName] ?? (/^\d+$/.test(eventName) ? Number(eventName) : undefined);
      if (goalId === undefined) throw new InvalidArgument(msg`track("${eventName}"): no goal id for this event name; name the event after the goal id, or map it in the provider's goals option.`);
      const { value, negative } = details ?? {};
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw new InvalidArgument(msg`track("${eventName}"): value (the revenue) must be a finite number.`);
      if (negative !== undefined && typeof negative !== 'boolean') throw new InvalidArgument(msg`track("${eventName}"): negative must be a boolean.`);
      this.addContext(visitorCode, context, this.#logger);
      this.client.trackConversion({ visitorCode, goalId, revenue: value ?? 0, negative: negative ?? false });
    } catch (error) {
      // The OpenFeature SDKs log what track() throws at debug level only.
      this.#logger.warn(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
}
