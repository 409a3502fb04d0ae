/** Events the client emits (official names and values). */
export const EventType = {
  Evaluation: 'evaluation',
  ConfigurationUpdate: 'configurationUpdate',
} as const;
/** One of {@link EventType}. */
export type EventType = (typeof EventType)[keyof typeof EventType];

/** Data of an Evaluation event. */
export interface EvaluationEventDataType {
  featureKey: string;
  variation: { key: string; experimentId: number | null; id: number | null };
}

/** Data of a ConfigurationUpdate event. */
export interface ConfigurationUpdateEventDataType {
  timestamp: number;
}

/** The callback type for an event type. */
export type EventCallbackType<E extends EventType> = (
  data: E extends typeof EventType.Evaluation ? EvaluationEventDataType : ConfigurationUpdateEventDataType,
) => void;
