/** Events the client emits (official names and values), for `onEvent`. */
export const EventType = {
  /** After each evaluation of a flag for a visitor, tracked or not. */
  Evaluation: 'evaluation',
  /** After a new configuration replaced the one in force (not for the first one). */
  ConfigurationUpdate: 'configurationUpdate',
} as const;
/** One of `EventType`. */
export type EventType = (typeof EventType)[keyof typeof EventType];

/** Data of an Evaluation event. */
export interface EvaluationEventDataType {
  /** Key of the evaluated flag. */
  featureKey: string;
  /** The variation the visitor got: its key, and the experiment and variation ids (null for the default variation). */
  variation: { key: string; experimentId: number | null; id: number | null };
}

/** Data of a ConfigurationUpdate event. */
export interface ConfigurationUpdateEventDataType {
  /** The real-time event's `ts` when the stream announced the update, else when it was installed (epoch ms). */
  timestamp: number;
}

/** The callback type for an event type: it receives that event's data. */
export type EventCallbackType<E extends EventType> = (
  data: E extends typeof EventType.Evaluation ? EvaluationEventDataType : ConfigurationUpdateEventDataType,
) => void;

/**
 * The client's event handlers: one per type through `onEvent` (as in the official SDK), plus any
 * number of configuration-update listeners. A handler that throws is logged, never propagated:
 * an app's bug must not break evaluation.
 */
export class EventHub {
  #onEvaluation: ((data: EvaluationEventDataType) => void) | undefined;
  #onConfigurationUpdate: ((data: ConfigurationUpdateEventDataType) => void) | undefined;
  readonly #updateListeners = new Set<(data: ConfigurationUpdateEventDataType) => void>();
  readonly #onHandlerError: (err: unknown) => void;

  constructor(onHandlerError: (err: unknown) => void) {
    this.#onHandlerError = onHandlerError;
  }

  /** Sets the handler of an event type. */
  on<E extends EventType>(event: E, callback: EventCallbackType<E>): void {
    if (event === EventType.Evaluation) this.#onEvaluation = callback as EventCallbackType<typeof EventType.Evaluation>;
    else this.#onConfigurationUpdate = callback as EventCallbackType<typeof EventType.ConfigurationUpdate>;
  }

  /** Adds a configuration-update listener; returns its removal. */
  addUpdateListener(listener: (data: ConfigurationUpdateEventDataType) => void): () => void {
    this.#updateListeners.add(listener);
    return () => void this.#updateListeners.delete(listener);
  }

  readonly #statusListeners = new Set<() => void>();
  readonly #dataListeners = new Set<() => void>();

  /** Adds a listener of changes the app made to visitors' data (see KameleoonClient.onVisitorDataChange); returns its removal. */
  addDataListener(listener: () => void): () => void {
    this.#dataListeners.add(listener);
    return () => void this.#dataListeners.delete(listener);
  }

  dataChange(): void {
    for (const listener of this.#dataListeners) this.#safely(listener);
  }

  /** Adds a listener of configuration-status changes; returns its removal. */
  addStatusListener(listener: () => void): () => void {
    this.#statusListeners.add(listener);
    return () => void this.#statusListeners.delete(listener);
  }

  statusChange(): void {
    for (const listener of this.#statusListeners) this.#safely(listener);
  }

  /** Whether an Evaluation handler is set (so callers build its data only when needed). */
  get hasEvaluationHandler(): boolean {
    return this.#onEvaluation !== undefined;
  }

  evaluation(data: EvaluationEventDataType): void {
    const handler = this.#onEvaluation;
    if (handler) this.#safely(() => handler(data));
  }

  configurationUpdate(data: ConfigurationUpdateEventDataType): void {
    const handler = this.#onConfigurationUpdate;
    if (handler) this.#safely(() => handler(data));
    for (const listener of this.#updateListeners) this.#safely(() => listener(data));
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#onHandlerError(err);
    }
  }
}
