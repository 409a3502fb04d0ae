/**
 * kameleoon-ts: the public names shared by every platform entry, but the client classes (see
 * index.ts). The package's "." export resolves to browser.ts, node.ts or edge.ts, which re-export
 * all of this with a KameleoonClient wired to their platform; the standard browser build's first
 * stage (stage/entry.ts) exports it beside its own client.
 */
export type {
  Variation,
  Variable,
  VariationDetails,
  GetVariationParamsType,
  GetVisitorCodeParamsType,
  SetLegalConsentParamsType,
  AddDataOptionsType,
  DataFileFeatureFlag,
} from './client/kameleoonClient.ts';
export type { SDKParameters, SDKConfigurationType, EndpointsType, InternalsType, CredentialsType } from './client/options.ts';
export type { NextCookies, NextCookieStore } from './visitor/visitorCode.ts';
// The port of `externals.sharedStore` (Node fleets; types only, as every entry's externals name it).
export type { SharedStore, SharedExposureClaim } from './fleet/sharedStore.ts';
export { EventType } from './client/events.ts';
export type { EventCallbackType, EvaluationEventDataType, ConfigurationUpdateEventDataType } from './client/events.ts';
export type { EvaluationReason, DefaultReason } from './evaluation/evaluate.ts';
export {
  KameleoonError,
  KameleoonException,
  FeatureNotFound,
  FeatureEnvironmentDisabled,
  VisitorCodeInvalid,
  FeatureVariableNotFound,
  FeatureExperimentNotFound,
  FeatureVariationNotFound,
  SiteCodeIsEmpty,
  NotInitialized,
  InvalidArgument,
  ConfigurationError,
  ConfigFileNotFound,
  TargetingError,
} from './errors.ts';
export {
  CustomData,
  PageView,
  Conversion,
  Browser,
  BrowserType,
  Device,
  DeviceType,
  OperatingSystem,
  OperatingSystemType,
  GeolocationData,
  Cookie,
  UserAgent,
  ApplicationVersion,
  UniqueIdentifier,
} from './visitor/data.ts';
export type { KameleoonDataType, CookieType, PageViewParametersType, ConversionParametersType, GeolocationInfoType } from './visitor/data.ts';
export { VariableType } from './config/variables.ts';
export type { JSONType } from './config/variables.ts';
export type { ConfigurationJson, ConditionJson, CustomDataJson, FeatureFlagJson, RuleJson, SegmentJson, VariableJson, VariationByExpositionJson } from './config/types.ts';
export { LogLevel, KameleoonLogger } from './logging/logger.ts';
export type { IExternalLogger } from './logging/logger.ts';
export { RequestType } from './platform/platform.ts';
export type {
  ExternalsType,
  IExternalRequester,
  IExternalStorage,
  IExternalEventSource,
  IExternalVisitorCodeManager,
  IExternalPRNG,
  KameleoonResponseType,
  SendRequestParametersType,
  SetDataParametersType,
} from './platform/platform.ts';
export type { RequestLike, ResponseLike } from './visitor/visitorCode.ts';
export type { KameleoonSnapshot, SnapshotOptions, SnapshotVariation } from './store/snapshot.ts';
export type { ConfigurationSource, ConfigurationState, ConfigurationStatus } from './config/delivery.ts';
export type { TrackingStatus } from './client/trackingHandle.ts';
export type { RemoteVisitorDataFiltersType } from './remote/filters.ts';
export * from './official/index.ts';
