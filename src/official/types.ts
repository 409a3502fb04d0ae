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
  visitorCode: string;
  onlyActive?: boolean;
  track?: boolean;
}

/** `isFeatureFlagActive({ visitorCode, featureKey, track = true })`: the same object as `getVariation` takes. */
export type IsFeatureFlagActiveParamsType = GetVariationParamsType;

/** `getFeatureFlagVariable({ visitorCode, featureKey, variableKey })` */
export interface GetFeatureFlagVariableParamsType {
  visitorCode: string;
  featureKey: string;
  variableKey: string;
}

/** `flush({ visitorCode?, instant? })`; `flush(visitorCode)` also works. */
export interface FlushParamsType {
  visitorCode?: string;
  instant?: boolean;
}

/** `trackConversion({ visitorCode, goalId, revenue = 0, negative = false, metadata? })` */
export interface TrackConversionParamsType {
  visitorCode: string;
  goalId: number;
  revenue?: number;
  negative?: boolean;
  metadata?: CustomData[];
}

/** `getRemoteVisitorData({ visitorCode, shouldAddData = true, filters?, timeout? })` */
export interface RemoteVisitorDataParamsType {
  visitorCode: string;
  shouldAddData?: boolean;
  filters?: VisitorDataFiltersType;
  /** Not in the official type: milliseconds before the request is abandoned (default `requestTimeout`). */
  timeout?: number;
}

/** `getVisitorWarehouseAudience({ visitorCode, customDataIndex, warehouseKey?, timeout? })` */
export interface GetVisitorWarehouseAudienceParamsType {
  visitorCode: string;
  customDataIndex: number;
  /** The warehouse's key of the visitor; default `visitorCode`. */
  warehouseKey?: string;
  /** Not in the official type: milliseconds before the request is abandoned (default `requestTimeout`). */
  timeout?: number;
}

/** `setForcedVariation({ visitorCode, experimentId, variationKey, forceTargeting = true })`; `variationKey: null` removes it. */
export interface SetForcedVariationParametersType {
  visitorCode: string;
  experimentId: number;
  variationKey: string | null;
  forceTargeting?: boolean;
}

// ---------------------------------------------------------------- results of the client's methods

/** A variable whose `type` is BOOLEAN. */
export interface BooleanVariableType {
  key: string;
  type: typeof VariableType.BOOLEAN;
  value: boolean;
}

/** A variable whose `type` is NUMBER. */
export interface NumberVariableType {
  key: string;
  type: typeof VariableType.NUMBER;
  value: number;
}

/** A variable whose `type` is STRING (JS and CSS variables hold strings too). */
export interface StringVariableType {
  key: string;
  type: typeof VariableType.STRING;
  value: string;
}

/** A variable whose `type` is JSON. */
export interface JSONVariableType {
  key: string;
  type: typeof VariableType.JSON;
  value: JSONType;
}

/** A variable of a variation: `{ key, type, value }`, `value` typed by `type`. */
export type FeatureVariableResultType = Variable;

/** @deprecated The official SDK's former name of {@link Variable}. */
export type KameleoonVariableType = Variable;

/** What `getFeatureFlagVariable()` returns: `{ type, value }`. */
export interface FeatureFlagVariableType {
  type: Variable['type'];
  value: Variable['value'];
}

/** `{ id, key }` of a flag, as `getFeatureFlags()` and `getVisitorFeatureFlags()` return. */
export interface FeatureFlagType {
  id: number;
  key: string;
}

/**
 * A variation as `getActiveFeatureFlags()` returns it: variables as a list. Ours always has a
 * `name` (''); it is optional here as in the official type.
 */
export interface KameleoonVariationType {
  name?: string;
  key: string;
  id: number | null;
  experimentId: number | null;
  variables: Variable[];
}

/**
 * @deprecated The official SDK's former name of {@link Variation}. `name` is optional here, as in
 * the official type; ours always has one.
 */
export interface VariationType {
  name?: string;
  key: string;
  id: number | null;
  experimentId: number | null;
  variables: Map<string, Variable>;
}

/** A rule of a flag in `getDataFile()`: its variations. */
export interface Rule {
  variations: Map<string, Variation>;
}

/** A flag in `getDataFile()`. */
export type FeatureFlag = DataFileFeatureFlag;

/** What `getDataFile()` returns: the flags by key. */
export interface DataFile {
  featureFlags: Map<string, FeatureFlag>;
}

/** The data of each event type of `onEvent`. */
export interface EventDataType {
  [EventType.Evaluation]: EvaluationEventDataType;
  [EventType.ConfigurationUpdate]: ConfigurationUpdateEventDataType;
}

// ---------------------------------------------------------------- externals

/**
 * What the SDK passes to `IExternalEventSource.open()`: `onEvent` takes each event's data (a
 * string) where the official SDK passes the `MessageEvent` (see the README's differences).
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
  [RequestType.Configuration]: ConfigurationJson;
  [RequestType.RemoteData]: JSONType;
  [RequestType.Tracking]: null;
}

/**
 * What the SDK writes to `externals.storage`: JSON-compatible values, under keys and in a layout of
 * our own (not the official SDK's).
 */
export type StorageDataType = unknown;
