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
  id?: number;
  index: number;
  name?: string;
  localOnly?: boolean;
  isMappingIdentifier?: boolean;
  scope?: string;
}

/** The whole configuration document. */
export interface ConfigurationJson {
  configuration?: {
    realTimeUpdate?: boolean;
    consentType?: string;
    consentOptOutBehavior?: string;
    dataApiDomain?: string;
  };
  customData?: CustomDataJson[];
  featureFlags: FeatureFlagJson[];
  segments?: SegmentJson[];
  holdout?: { experimentId: number; variationByExposition: VariationByExpositionJson[] } | null;
  dateModified?: number;
}
