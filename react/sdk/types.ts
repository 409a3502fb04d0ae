/**
 * What the hooks of `kameleoon-ts/react-sdk` return: the official React SDK's interfaces, each
 * method the client's own (same arguments, results and errors), bound to the provider's client.
 */
import type { GetVariationParamsType, KameleoonClient, LogLevel } from '../../src/browser.ts';

/** What {@link useInitialize} returns. */
export interface IUseInitialize {
  /**
   * Loads the configuration (see `KameleoonClient.initialize`); resolves false on a server render
   * of {@link KameleoonProviderSSR} or with a `stubMode` client.
   */
  initialize: KameleoonClient['initialize'];
  /** Whether a configuration is loaded (see `KameleoonClient.isInitialized`). */
  isInitialized: KameleoonClient['isInitialized'];
  /** Sets the callback of an event type (see `KameleoonClient.onEvent`). */
  onEvent: KameleoonClient['onEvent'];
}

/** What {@link useFeatureFlag} returns. */
export interface IUseFeatureFlag {
  /** The visitor's variation of a flag (see `KameleoonClient.getVariation`). */
  getVariation: KameleoonClient['getVariation'];
  /** The visitor's variations of every flag (see `KameleoonClient.getVariations`). */
  getVariations: KameleoonClient['getVariations'];
  /**
   * Whether the flag is active for the visitor, the exposure tracked (see `KameleoonClient.isFeatureFlagActive`).
   * @deprecated As in the official SDK: use the `{ visitorCode, featureKey, track? }` form.
   */
  isFeatureFlagActive(visitorCode: string, featureKey: string): boolean;
  /** Whether the flag is active for the visitor; `track` (default true) records the exposure (see `KameleoonClient.isFeatureFlagActive`). */
  isFeatureFlagActive(params: GetVariationParamsType): boolean;
  /**
   * The key of the visitor's variation (see `KameleoonClient.getFeatureFlagVariationKey`).
   * @deprecated As in the official SDK: use `getVariation`.
   */
  getFeatureFlagVariationKey: KameleoonClient['getFeatureFlagVariationKey'];
  /**
   * One variable of the visitor's variation (see `KameleoonClient.getFeatureFlagVariable`).
   * @deprecated As in the official SDK: use `getVariation`.
   */
  getFeatureFlagVariable: KameleoonClient['getFeatureFlagVariable'];
  /**
   * The variables of the visitor's variation (see `KameleoonClient.getFeatureFlagVariables`).
   * @deprecated As in the official SDK: use `getVariation`.
   */
  getFeatureFlagVariables: KameleoonClient['getFeatureFlagVariables'];
  /**
   * The flags active for the visitor (see `KameleoonClient.getVisitorFeatureFlags`).
   * @deprecated As in the official SDK: use `getVariations`.
   */
  getVisitorFeatureFlags: KameleoonClient['getVisitorFeatureFlags'];
  /**
   * The visitor's active flags with their variations (see `KameleoonClient.getActiveFeatureFlags`).
   * @deprecated As in the official SDK: use `getVariations`.
   */
  getActiveFeatureFlags: KameleoonClient['getActiveFeatureFlags'];
  /**
   * Every flag of the configuration (see `KameleoonClient.getFeatureFlags`).
   * @deprecated As in the official SDK: use `getVariations` or `getDataFile`.
   */
  getFeatureFlags: KameleoonClient['getFeatureFlags'];
  /** The Kameleoon Engine tracking code of the visitor's recent variations (see `KameleoonClient.getEngineTrackingCode`). */
  getEngineTrackingCode: KameleoonClient['getEngineTrackingCode'];
  /** Forces (or, with `variationKey: null`, stops forcing) a variation of an experiment (see `KameleoonClient.setForcedVariation`). */
  setForcedVariation: KameleoonClient['setForcedVariation'];
  /** Evaluates and tracks the visitor's audience segments (see `KameleoonClient.evaluateAudiences`). */
  evaluateAudiences: KameleoonClient['evaluateAudiences'];
  /** The configuration's flags, variations and rules (see `KameleoonClient.getDataFile`). */
  getDataFile: KameleoonClient['getDataFile'];
}

/** What {@link useData} returns. */
export interface IUseData {
  /** Adds data to the visitor (see `KameleoonClient.addData`). */
  addData: KameleoonClient['addData'];
  /**
   * Schedules the visitor's unsent data (every visitor's without a code), sent at once with
   * `instant` (see `KameleoonClient.flush`). Unlike the official hook, positional `instant` is honoured.
   */
  flush(visitorCode?: string, instant?: boolean): void;
  /** Schedules unsent data with `{ visitorCode?, instant? }` (see `KameleoonClient.flush`). */
  flush(params: { visitorCode?: string; instant?: boolean }): void;
  /** Sends now and resolves once the server accepted it (see `KameleoonClient.flushInstant`; React SDK 10.21). */
  flushInstant: KameleoonClient['flushInstant'];
  /** Adds a conversion and schedules it (see `KameleoonClient.trackConversion`). */
  trackConversion: KameleoonClient['trackConversion'];
  /** Data stored under a key on Kameleoon's servers (see `KameleoonClient.getRemoteData`). */
  getRemoteData: KameleoonClient['getRemoteData'];
  /** The visitor's data of earlier visits from the Data API (see `KameleoonClient.getRemoteVisitorData`). */
  getRemoteVisitorData: KameleoonClient['getRemoteVisitorData'];
  /** The visitor's warehouse audiences as custom data (see `KameleoonClient.getVisitorWarehouseAudience`). */
  getVisitorWarehouseAudience: KameleoonClient['getVisitorWarehouseAudience'];
}

/** What {@link useVisitorCode} returns. */
export interface IUseVisitorCode {
  /**
   * The visitor code of the cookie, else `defaultVisitorCode`, else a new one (see
   * `KameleoonClient.getVisitorCode`); `''` on a server render of {@link KameleoonProviderSSR}.
   */
  getVisitorCode(defaultVisitorCode?: string): string;
  /** Sets the visitor's legal consent, then flushes the visitor (see `KameleoonClient.setLegalConsent`). */
  setLegalConsent(visitorCode: string, consent: boolean): void;
}

/** What {@link useLog} returns. */
export interface IUseLog {
  /** Sets the level of the client's log (see `KameleoonClient.setLogLevel`). */
  setLogLevel(level: LogLevel): void;
}
