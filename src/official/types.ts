/**
 * Type names of the official SDK's public index (`@kameleoon/javascript-sdk` 4.17.1) that the rest
 * of our API does not export under that name. Each describes what OUR client takes or returns, and
 * accepts what the official type accepted: parameter types take every object written for the
 * official one; result types describe our results, which assign to the official ones
 * (test/official/names.test.ts checks both). Differences are noted on each type.
 */
import type { ConfigurationUpdateEventDataType, EvaluationEventDataType, EventType } from '../client/events.ts';
import type { DataFileFeatureFlag, GetVariationParamsType, Variable, Variation } from '../client/types.ts';
import type { ConfigurationJson } from '../config/types.ts';
import type { JSONType, VariableType } from '../config/variables.ts';
import type { IExternalEventSource, RequestType, SendRequestParametersType } from '../platform/platform.ts';
import type { RemoteVisitorDataFiltersType } from '../remote/filters.ts';
import type { CustomData } from '../visitor/data.ts';
import type { Header } from './constants.ts';

export type { IPlatformAnalyzer, PlatformAnalysisResult, SetDataParametersType as SetDataCallbackParametersType } from '../platform/platform.ts';
export type { PackageInfo as ExternalPackageInfoType } from '../targeting/types.ts';
export type { ConfigurationJson as ConfigurationDataType, CustomDataJson as CustomDataConfigurationType } from '../config/types.ts';

// ---------------------------------------------------------------- parameters of the client's methods

/** `getRemoteVisitorData({ filters })`: what to retrieve from the Data API (1 to 25 previous visits). */
export type VisitorDataFiltersType = RemoteVisitorDataFiltersType;

/** `getVariations({ visitorCode, onlyActive = false, track = true })` */
export interface GetVariationsParamsType {
  /** The visitor's code, 1 to 255 characters. */
  visitorCode: string;
  /** Whether to leave out flags whose variation is `off`. Default false. */
  onlyActive?: boolean;
  /** Whether to track the exposures (sent on a later tracking tick, see `flush`). Default true. */
  track?: boolean;
}

/** `isFeatureFlagActive({ visitorCode, featureKey, track = true })`: the same object as `getVariation` takes. */
export type IsFeatureFlagActiveParamsType = GetVariationParamsType;

/** `getFeatureFlagVariable({ visitorCode, featureKey, variableKey })` */
export interface GetFeatureFlagVariableParamsType {
  /** The visitor's code, 1 to 255 characters. */
  visitorCode: string;
  /** Key of the feature flag (non-empty). */
  featureKey: string;
  /** Key of the variable in the visitor's variation. */
  variableKey: string;
}

/** `flush({ visitorCode?, instant? })`; `flush(visitorCode)` also works. */
export interface FlushParamsType {
  /** The visitor whose data to send, 1 to 255 characters; every visitor's when absent. */
  visitorCode?: string;
  /** Whether to send now rather than on the next tracking tick. Default false. */
  instant?: boolean;
}

/** `trackConversion({ visitorCode, goalId, revenue = 0, negative = false, metadata? })` */
export interface TrackConversionParamsType {
  /** The visitor's code, 1 to 255 characters. */
  visitorCode: string;
  /** Id of the goal in the Kameleoon app. */
  goalId: number;
  /** Revenue of the conversion. Default 0. */
  revenue?: number;
  /** Whether the conversion cancels (subtracts) an earlier one. Default false. */
  negative?: boolean;
  /**
   * Custom data sent with the conversion, by index; custom data made by name is resolved through
   * the configuration (an unknown name is left out, with a warning).
   */
  metadata?: CustomData[];
}

/** `getRemoteVisitorData({ visitorCode, shouldAddData = true, filters?, timeout? })` */
export interface RemoteVisitorDataParamsType {
  /** The visitor's code, 1 to 255 characters. */
  visitorCode: string;
  /**
   * Whether to add the data found to the visitor, for targeting. Default true. Custom data of
   * VISITOR scope is added either way.
   */
  shouldAddData?: boolean;
  /**
   * What to retrieve. Default: one previous visit, the current visit, custom data and the mapped
   * visitor code; a filters object replaces these defaults as a whole.
   */
  filters?: VisitorDataFiltersType;
  /** Not in the official type: milliseconds before the request is abandoned (default `requestTimeout`). */
  timeout?: number;
}

/** `getVisitorWarehouseAudience({ visitorCode, customDataIndex, warehouseKey?, timeout? })` */
export interface GetVisitorWarehouseAudienceParamsType {
  /** The visitor's code, 1 to 255 characters. */
  visitorCode: string;
  /** Index of the custom data the audiences are stored at (a non-negative integer). */
  customDataIndex: number;
  /** The warehouse's key of the visitor; default `visitorCode`. */
  warehouseKey?: string;
  /** Not in the official type: milliseconds before the request is abandoned (default `requestTimeout`). */
  timeout?: number;
}

/** `setForcedVariation({ visitorCode, experimentId, variationKey, forceTargeting = true })`; `variationKey: null` removes it. */
export interface SetForcedVariationParametersType {
  /** The visitor's code, 1 to 255 characters. */
  visitorCode: string;
  /** Experiment id of a rule of the configuration. */
  experimentId: number;
  /** Key of a variation of that experiment; null removes the forced variation. */
  variationKey: string | null;
  /** Whether the forced variation applies without the rule's segment being evaluated. Default true. */
  forceTargeting?: boolean;
}

// ---------------------------------------------------------------- results of the client's methods

/** A variable whose `type` is BOOLEAN. */
export interface BooleanVariableType {
  /** Key of the variable. */
  key: string;
  /** `BOOLEAN`. */
  type: typeof VariableType.BOOLEAN;
  /** The value. */
  value: boolean;
}

/** A variable whose `type` is NUMBER. */
export interface NumberVariableType {
  /** Key of the variable. */
  key: string;
  /** `NUMBER`. */
  type: typeof VariableType.NUMBER;
  /** The value. */
  value: number;
}

/** A variable whose `type` is STRING (JS and CSS variables hold strings too). */
export interface StringVariableType {
  /** Key of the variable. */
  key: string;
  /** `STRING`. */
  type: typeof VariableType.STRING;
  /** The value. */
  value: string;
}

/** A variable whose `type` is JSON. */
export interface JSONVariableType {
  /** Key of the variable. */
  key: string;
  /** `JSON`. */
  type: typeof VariableType.JSON;
  /** The parsed JSON value. */
  value: JSONType;
}

/** A variable of a variation: `{ key, type, value }`, `value` typed by `type`. */
export type FeatureVariableResultType = Variable;

/**
 * The official SDK's former name of {@link Variable}.
 * @deprecated Use {@link Variable}.
 */
export type KameleoonVariableType = Variable;

/** What `getFeatureFlagVariable()` returns: `{ type, value }`. */
export interface FeatureFlagVariableType {
  /** The variable's type: `BOOLEAN`, `NUMBER`, `STRING`, `JSON`, `JS` or `CSS`. */
  type: Variable['type'];
  /** The value converted to its type (JSON: the parsed value; JS, CSS: a string). */
  value: Variable['value'];
}

/** `{ id, key }` of a flag, as `getFeatureFlags()` and `getVisitorFeatureFlags()` return. */
export interface FeatureFlagType {
  /** Id of the flag. */
  id: number;
  /** Key of the flag. */
  key: string;
}

/**
 * A variation as `getActiveFeatureFlags()` returns it: variables as a list. Ours always has a
 * `name` (''); it is optional here as in the official type.
 */
export interface KameleoonVariationType {
  /** Name of the variation; `getActiveFeatureFlags()` always gives ''. */
  name?: string;
  /** Key of the variation. */
  key: string;
  /** Variation id; null for the default variation. */
  id: number | null;
  /** Experiment id of the rule that assigned it; null for the default variation. */
  experimentId: number | null;
  /** The variables of the variation (none for the default variation). */
  variables: Variable[];
}

/**
 * The official SDK's former name of {@link Variation}. `name` is optional here, as in the official
 * type; ours always has one.
 * @deprecated Use {@link Variation}.
 */
export interface VariationType {
  /** Name of the variation in the Kameleoon app ('' when unnamed). */
  name?: string;
  /** Key of the variation. */
  key: string;
  /** Variation id; null for the default variation. */
  id: number | null;
  /** Experiment id of the rule that assigned it; null for the default variation. */
  experimentId: number | null;
  /** Variables by key. */
  variables: Map<string, Variable>;
}

/** A rule of a flag in `getDataFile()`: its variations. */
export interface Rule {
  /** The variations the rule can assign, by key (`id` and `experimentId` set). */
  variations: Map<string, Variation>;
}

/** A flag in `getDataFile()`. */
export type FeatureFlag = DataFileFeatureFlag;

/** What `getDataFile()` returns: the flags by key, and when the configuration was last modified. */
export interface DataFile {
  /** Every flag of the configuration by key. */
  featureFlags: Map<string, FeatureFlag>;
  /** The configuration's `dateModified` (epoch ms; 0 when it has none), as the official SDK 4.21. */
  dateModified: number;
}

/** The data of each event type of `onEvent`. */
export interface EventDataType {
  /** Data of `EventType.Evaluation`: the flag and the variation the visitor got. */
  [EventType.Evaluation]: EvaluationEventDataType;
  /** Data of `EventType.ConfigurationUpdate`: when the new configuration came. */
  [EventType.ConfigurationUpdate]: ConfigurationUpdateEventDataType;
}

// ---------------------------------------------------------------- externals

/**
 * What the SDK passes to `IExternalEventSource.open()`: the stream's `url`, the `eventType` to
 * listen to, and `onEvent`, which takes each event's data string or the `MessageEvent` itself (as
 * the official SDK's event sources pass it).
 */
export type EventSourceOpenParametersType = Parameters<IExternalEventSource['open']>[0];

/** Headers of the SDK's requests. */
export type HeadersType = Partial<Record<Header, string>>;

/** The `parameters` a custom requester receives, by request type: a `fetch` `RequestInit` for each. */
export type RequestParametersType = { [T in RequestType]: SendRequestParametersType['parameters'] };

/** `retryCount` of a request by type: how many times it was tried before (0 the first time). */
export type RetryCountType = { [T in RequestType]: number };

/**
 * The data `KameleoonUtils.simulateSuccessRequest(requestType, data)` answers with: the
 * configuration document, the remote data, or nothing for tracking.
 */
export interface SimulateRequestDataType {
  /** The configuration document. */
  [RequestType.Configuration]: ConfigurationJson;
  /** The remote data (any JSON value). */
  [RequestType.RemoteData]: JSONType;
  /** Nothing: tracking answers 204 with no body. */
  [RequestType.Tracking]: null;
}

/**
 * What the SDK writes to `externals.storage`: JSON-compatible values, under keys and in a layout of
 * our own (not the official SDK's).
 */
export type StorageDataType = unknown;
