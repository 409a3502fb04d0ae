/**
 * `kameleoon-ts/devserver` (Node.js only): a local Kameleoon-compatible server for offline
 * development, demos and integration tests, configured by a Kameleoon configuration JSON or the
 * friendly YAML format (see the README, "Dev server").
 */
export { startDevServer } from './server.ts';
export type { DevServer, DevServerOptions } from './server.ts';
export { convertFriendlyConfig, isFriendlyConfig, loadConfigurationText } from './friendlyConfig.ts';
export type { RecordedEvent } from './events.ts';
export type { FlagView, GoalView, LiveState, LoadErrorView, NamedEvent, RuleView, SplitView } from './liveView.ts';
export type { ConditionJson, ConfigurationJson, CustomDataJson, FeatureFlagJson, RuleJson, SegmentJson, VariableJson, VariationByExpositionJson } from '../config/types.ts';
