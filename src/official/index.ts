/**
 * The official SDK's public names (`@kameleoon/javascript-sdk` 4.17.1) that the rest of the API
 * does not already export: src/index.ts re-exports all of this. Which official names we export,
 * and why the others are left out: test/official/names.md.
 */
export { KameleoonUtils } from './kameleoonUtils.ts';
export { Environment, KameleoonData, CustomDataScope, Milliseconds, Header, HttpMethod, VISITOR_CODE_LENGTH, VISIT_DURATION } from './constants.ts';
export type {
  VisitorDataFiltersType,
  GetVariationsParamsType,
  IsFeatureFlagActiveParamsType,
  GetFeatureFlagVariableParamsType,
  FlushParamsType,
  TrackConversionParamsType,
  RemoteVisitorDataParamsType,
  GetVisitorWarehouseAudienceParamsType,
  SetForcedVariationParametersType,
  BooleanVariableType,
  NumberVariableType,
  StringVariableType,
  JSONVariableType,
  FeatureVariableResultType,
  KameleoonVariableType,
  FeatureFlagVariableType,
  FeatureFlagType,
  KameleoonVariationType,
  VariationType,
  Rule,
  FeatureFlag,
  DataFile,
  EventDataType,
  EventSourceOpenParametersType,
  HeadersType,
  RequestParametersType,
  RetryCountType,
  SimulateRequestDataType,
  StorageDataType,
  IPlatformAnalyzer,
  PlatformAnalysisResult,
  SetDataCallbackParametersType,
  ExternalPackageInfoType,
  ConfigurationDataType,
  CustomDataConfigurationType,
} from './types.ts';
