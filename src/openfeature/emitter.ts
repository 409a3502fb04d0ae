/**
 * The providers' event emitter: OpenFeature's `ProviderEventEmitter` interface in a few lines, so
 * that the entry imports nothing of the OpenFeature SDKs at run time (one entry serves the server
 * SDK and the web SDK, whichever the application installed). A handler that throws or rejects is
 * reported to the logger and never stops the others.
 */
import { msg } from '../logging/msg.ts';
import type { AnyProviderEvent, EventContext, EventHandler, Logger, ProviderEventEmitter } from '@openfeature/core';

/** An OpenFeature provider event emitter (the SDK adds its handlers; the provider emits). */
export class KameleoonEventEmitter implements ProviderEventEmitter<AnyProviderEvent> {
  readonly #handlers = new Map<AnyProviderEvent, EventHandler[]>();
  #logger: Logger | undefined;

  /**
   * @param logger - where a failing handler is reported (until the SDK sets its own with `setLogger`)
   */
  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  /** Calls the handlers of `eventType`, in the order they were added, with `context`. */
  emit(eventType: AnyProviderEvent, context?: EventContext): void {
    for (const handler of [...(this.#handlers.get(eventType) ?? [])]) {
      try {
        const result = handler(context as never);
        if (result instanceof Promise) result.catch((error: unknown) => this.#logger?.error(msg`Kameleoon provider: an event handler failed:`, error));
      } catch (error) {
        this.#logger?.error(msg`Kameleoon provider: an event handler failed:`, error);
      }
    }
  }

  /** Adds a handler of `eventType` (a handler added twice runs twice). */
  addHandler(eventType: AnyProviderEvent, handler: EventHandler): void {
    this.#handlers.set(eventType, [...(this.#handlers.get(eventType) ?? []), handler]);
  }

  /** Removes one registration of `handler` for `eventType`. */
  removeHandler(eventType: AnyProviderEvent, handler: EventHandler): void {
    const handlers = this.#handlers.get(eventType) ?? [];
    const at = handlers.lastIndexOf(handler);
    if (at >= 0) this.#handlers.set(eventType, handlers.filter((_, i) => i !== at));
  }

  /** Removes the handlers of `eventType`, or every handler. */
  removeAllHandlers(eventType?: AnyProviderEvent): void {
    if (eventType === undefined) this.#handlers.clear();
    else this.#handlers.delete(eventType);
  }

  /** The handlers of `eventType`. */
  getHandlers(eventType: AnyProviderEvent): EventHandler[] {
    return [...(this.#handlers.get(eventType) ?? [])];
  }

  /** Sets where failing handlers are reported. */
  setLogger(logger: Logger): this {
    this.#logger = logger;
    return this;
  }
}
