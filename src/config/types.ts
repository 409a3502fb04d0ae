/**
 * The configuration as Kameleoon serves it (`GET /v3/<siteCode>`): wire names, loosely typed,
 * read only by config/parse.ts.
 */

/** A targeting condition as it appears in the configuration. */
export interface ConditionJson {
  targetingType: string;
  isInclude?: boolean | null;
  [field: string]: unknown;
}

/** A segment: groups of conditions joined by AND/OR flags. */
export interface SegmentJson {
  id: number | string;
  name?: string;
  audienceTracking?: boolean;
  conditionsData: {
    firstLevelOrOperators: boolean[];
    firstLevel: { orOperators: boolean[]; conditions: ConditionJson[] }[];
  };
}

/** One entry of a rule's or the holdout's split. */
export interface VariationByExpositionJson {
  variationKey: string;
  variationId: number | null;
  exposition: number;
}

/** A rule of a feature flag. */
export interface RuleJson {
  id: number;
  order?: number;
  type: string;
  exposition: number;
  experimentId: number;
  respoolTime?: number | null;
  segmentId?: number | null;
  segment?: SegmentJson | null;
  variationByExposition: VariationByExpositionJson[];
}

/** A variable of a variation. */
export interface VariableJson {
  key: string;
  type: string;
  value: unknown;
}

/** A feature flag. */
export interface FeatureFlagJson {
  id: number;
  featureKey: string;
  environmentEnabled: boolean;
  defaultVariationKey: string;
  mutuallyExclusiveGroup?: string | null;
  bucketingCustomDataId?: number | null;
  variations: { key: string; name?: string; variables: VariableJson[] }[];
  rules: RuleJson[];
}

/** A custom data definition. */
export interface CustomDataJson {
  /** The custom data's id in the Kameleoon app. This SDK does not read it. */
  id?: number;
  /** The index `CustomData` and tracking use. */
  index: number;
  /** The name `new CustomData(name, ...)` resolves to this index. */
  name?: string;
  /** Whether values at this index are kept for targeting only, never tracked. */
  localOnly?: boolean;
  /**
   * Whether values at this index are user ids that link the visitor across devices (the
   * mapping identifier; ignored at index 0, as in the official SDK).
   */
  isMappingIdentifier?: boolean;
  /** The scope: `VISIT`, `VISITOR` (values `getRemoteVisitorData` always adds, for cross-device synchronisation), or page. */
  scope?: string;
}

/**
 * The whole configuration document, as `GET /v3/<siteCode>` serves it (also accepted as
 * `defaultDataFile`). Fields the SDK does not read are kept but ignored.
 */
export interface ConfigurationJson {
  /**
   * Project settings: `realTimeUpdate` (use the real-time stream instead of polling),
   * `consentType` (`REQUIRED` or `NOT_REQUIRED`), `consentOptOutBehavior` (`PARTIALLY_BLOCK` or
   * `FULLY_BLOCK`: what a refused consent does to experiments), `dataApiDomain` (host of the Data API).
   */
  configuration?: {
    realTimeUpdate?: boolean;
    consentType?: string;
    consentOptOutBehavior?: string;
    dataApiDomain?: string;
  };
  /** The custom data definitions: index, name, scope, whether local only or the mapping identifier. */
  customData?: CustomDataJson[];
  /** The feature flags, with their variations, variables and rules (evaluated in this order). */
  featureFlags: FeatureFlagJson[];
  /** The segments that rules and other segments refer to by id, and audience-tracked segments. */
  segments?: SegmentJson[];
  /** The project's holdout experiment: visitors in its `in-holdout` group get every flag's default. Null or absent when none. */
  holdout?: { experimentId: number; variationByExposition: VariationByExpositionJson[] } | null;
  /** When the configuration was last modified in the Kameleoon app (epoch ms). This SDK does not read it. */
  dateModified?: number;
}
