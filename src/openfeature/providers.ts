/**
 * The OpenFeature providers: one for `@openfeature/server-sdk` (a visitor per evaluation, from the
 * context's `targetingKey`) and one for `@openfeature/web-sdk` (and so `@openfeature/react-sdk`:
 * one visitor, the static context's). Both resolve through {@link ProviderCore}.
 */
import type { KameleoonClientBase } from 'kameleoon-ts';
import type { EvaluationContext, JsonValue, Logger, Paradigm, ProviderMetadata, ResolutionDetails, TrackingEventDetails } from '@openfeature/core';
import { ProviderCore, type KameleoonProviderOptions } from './resolver.ts';
import type { KameleoonEventEmitter } from './emitter.ts';

/** The metadata name of both providers. */
const NAME = 'kameleoon-ts';

/**
 * The Kameleoon provider for the OpenFeature server SDK (`@openfeature/server-sdk`):
 * `OpenFeature.setProviderAndWait(new KameleoonServerProvider({ client }))`. Each evaluation is
 * for the visitor whose code is the context's `targetingKey`; the context's other attributes are
 * added to that visitor as data (see README, "Evaluation context").
 */
export class KameleoonServerProvider {
  /** The provider's name for OpenFeature. */
  readonly metadata: ProviderMetadata = { name: NAME };
  /** Server SDK only. */
  readonly runsOn: Paradigm = 'server';
  /** Ready, error and stale from the client's status; configuration changed on each update. */
  readonly events: KameleoonEventEmitter;
  readonly #core: ProviderCore;

  /**
   * @param options - `{ client }` or the client's parameters (`{ siteCode, configuration?, ... }`), and how flags resolve
   * @throws InvalidArgument (of kameleoon-ts) when the options are not an object, have neither `client` nor `siteCode`, or an option has the wrong type
   */
  constructor(options: KameleoonProviderOptions) {
    this.#core = new ProviderCore(options, 'KameleoonServerProvider');
    this.events = this.#core.events;
  }

  /** The client the provider evaluates with (the one given, or the one it built). */
  get client(): KameleoonClientBase {
    return this.#core.client;
  }

  /**
   * Called by the SDK: initializes the client (the SDK then emits READY, or ERROR when it rejects).
   * @returns a promise that rejects with the client's `ConfigurationError` when no configuration could be obtained
   */
  initialize(): Promise<void> {
    return this.#core.initialize();
  }

  /** Called by the SDK: stops the events; closes the client when the provider built it. */
  onClose(): Promise<void> {
    return this.#core.close();
  }

  /** A boolean: the variable (`variableKey`) when one is named, else whether the flag is active for the visitor. */
  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<boolean>> {
    return this.#core.resolve('boolean', flagKey, defaultValue, context, context.targetingKey, logger);
  }

  /** A string variable of the visitor's variation. */
  async resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<string>> {
    return this.#core.resolve('string', flagKey, defaultValue, context, context.targetingKey, logger);
  }

  /** A number variable of the visitor's variation. */
  async resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<number>> {
    return this.#core.resolve('number', flagKey, defaultValue, context, context.targetingKey, logger);
  }

  /** A JSON variable (object or array) of the visitor's variation. */
  async resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<T>> {
    return this.#core.resolve('object', flagKey, defaultValue, context, context.targetingKey, logger);
  }

  /**
   * A conversion of the goal `trackingEventName` maps to (see the `goals` option), for the
   * context's visitor, with `details.value` as the revenue.
   * @throws InvalidArgument (of kameleoon-ts) when the context has no `targetingKey`, the event maps to no goal, or the details have the wrong types
   */
  track(trackingEventName: string, context: EvaluationContext, details: TrackingEventDetails): void {
    this.#core.track(trackingEventName, context, details, context.targetingKey);
  }
}

/**
 * The Kameleoon provider for the OpenFeature web SDK (`@openfeature/web-sdk`, which
 * `@openfeature/react-sdk` uses): `OpenFeature.setProvider(new KameleoonWebProvider({ client }))`.
 * The visitor is the static context's `targetingKey`, else the `visitorCode` option, else the
 * visitor-code cookie (`client.getVisitorCode()`); the context's other attributes are added to
 * the visitor as data when it is set or changed.
 */
export class KameleoonWebProvider {
  /** The provider's name for OpenFeature. */
  readonly metadata: ProviderMetadata = { name: NAME };
  /** Web SDK only. */
  readonly runsOn: Paradigm = 'client';
  /** Ready, error and stale from the client's status; configuration changed on each update. */
  readonly events: KameleoonEventEmitter;
  readonly #core: ProviderCore;
  #cookieVisitor: string | undefined;

  /**
   * @param options - `{ client }` or the client's parameters (`{ siteCode, configuration?, ... }`), and how flags resolve
   * @throws InvalidArgument (of kameleoon-ts) when the options are not an object, have neither `client` nor `siteCode`, or an option has the wrong type
   */
  constructor(options: KameleoonProviderOptions) {
    this.#core = new ProviderCore(options, 'KameleoonWebProvider');
    this.events = this.#core.events;
  }

  /** The client the provider evaluates with (the one given, or the one it built). */
  get client(): KameleoonClientBase {
    return this.#core.client;
  }

  #visitor(context: EvaluationContext): string | undefined {
    if (context.targetingKey) return context.targetingKey;
    if (this.#core.fixedVisitorCode) return this.#core.fixedVisitorCode;
    // The cookie's code, read once: getVisitorCode also writes the cookie.
    return (this.#cookieVisitor ||= this.#core.client.getVisitorCode());
  }

  /**
   * Called by the SDK: initializes the client, then adds the static context to the visitor.
   * @returns a promise that rejects with the client's `ConfigurationError` when no configuration could be obtained
   */
  async initialize(context?: EvaluationContext): Promise<void> {
    await this.#core.initialize();
    if (context) this.#addContext(context);
  }

  /** Called by the SDK when the static context changes: adds the new context to its visitor. */
  onContextChange(_oldContext: EvaluationContext, newContext: EvaluationContext): void {
    if (this.#core.client.isInitialized()) this.#addContext(newContext);
  }

  /** A context whose attributes do not fit their data types is reported here, and by each evaluation (INVALID_CONTEXT). */
  #addContext(context: EvaluationContext): void {
    try {
      this.#core.addContext(this.#visitor(context) ?? '', context, this.#core.logger);
    } catch (error) {
      this.#core.logger.warn(error instanceof Error ? error.message : String(error));
    }
  }

  /** Called by the SDK: stops the events; closes the client when the provider built it. */
  onClose(): Promise<void> {
    return this.#core.close();
  }

  /** A boolean: the variable (`variableKey`) when one is named, else whether the flag is active for the visitor. */
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext, logger: Logger): ResolutionDetails<boolean> {
    return this.#core.resolve('boolean', flagKey, defaultValue, context, this.#visitor(context), logger);
  }

  /** A string variable of the visitor's variation. */
  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext, logger: Logger): ResolutionDetails<string> {
    return this.#core.resolve('string', flagKey, defaultValue, context, this.#visitor(context), logger);
  }

  /** A number variable of the visitor's variation. */
  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext, logger: Logger): ResolutionDetails<number> {
    return this.#core.resolve('number', flagKey, defaultValue, context, this.#visitor(context), logger);
  }

  /** A JSON variable (object or array) of the visitor's variation. */
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext, logger: Logger): ResolutionDetails<T> {
    return this.#core.resolve('object', flagKey, defaultValue, context, this.#visitor(context), logger);
  }

  /**
   * A conversion of the goal `trackingEventName` maps to (see the `goals` option), for the
   * visitor, with `details.value` as the revenue.
   * @throws InvalidArgument (of kameleoon-ts) when the event maps to no goal, or the details have the wrong types
   */
  track(trackingEventName: string, context: EvaluationContext, details: TrackingEventDetails): void {
    this.#core.track(trackingEventName, context, details, this.#visitor(context));
  }
}
