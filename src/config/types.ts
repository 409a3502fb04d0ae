/**
 * The configuration as Kameleoon serves it (`GET /v3/<siteCode>`): wire names, loosely typed,
 * read only by config/parse.ts.
 */

/** A targeting condition as it appears in the configuration. */
export interface ConditionJson {
  /** The kind of condition (`CUSTOM_DATUM`, `BROWSER`, `SEGMENT`...); a kind the SDK does not support counts as true. */
  targetingType: string;
  /** `false` negates the condition; true, null or absent leave it as it is. */
  isInclude?: boolean | null;
  /** The fields of the condition's kind (e.g. `customDataIndex`, `value`, `valueMatchType`). */
  [field: string]: unknown;
}

/** A segment: groups of conditions joined by AND/OR flags. */
export interface SegmentJson {
  /** The segment's id, which rules (`segmentId`) and SEGMENT conditions refer to. */
  id: number | string;
  /** The segment's name in the Kameleoon app. This SDK does not read it. */
  name?: string;
  /** Whether `evaluateAudiences` evaluates the segment and tracks the visitors in it. */
  audienceTracking?: boolean;
  /**
   * The conditions, in groups (`firstLevel`): a group's conditions are combined by its
   * `orOperators`, the groups by `firstLevelOrOperators` (true OR, false AND, applied left to
   * right without precedence). A segment with no group matches every visitor.
   */
  conditionsData: {
    firstLevelOrOperators: boolean[];
    firstLevel: { orOperators: boolean[]; conditions: ConditionJson[] }[];
  };
}

/** One entry of a rule's or the holdout's split. */
export interface VariationByExpositionJson {
  /** Key of the variation (in the holdout, `in-holdout` for the visitors held out). */
  variationKey: string;
  /** Id of the variation (an integer below 2^31), or null. */
  variationId: number | null;
  /** The variation's share of the visitors, from 0 to 1. */
  exposition: number;
}

/** A rule of a feature flag. */
export interface RuleJson {
  /** The rule's id: seed of the hash that decides whether a visitor is in the rule's traffic. */
  id: number;
  /** The rule's position in the Kameleoon app. Not read: rules are evaluated in array order. */
  order?: number;
  /**
   * `EXPERIMENTATION` or `TARGETED_DELIVERY`. A visitor targeted by a delivery but outside its
   * traffic gets the default variation: later rules are not tried.
   */
  type: string;
  /** The share of targeted visitors in the rule's traffic, from 0 to 1. */
  exposition: number;
  /** The rule's experiment id (an integer below 2^31): seed of the variation hash, and the id `setForcedVariation` takes. */
  experimentId: number;
  /** When set and not 0, added to both hash seeds: changing it re-buckets the visitors. */
  respoolTime?: number | null;
  /** With a top-level `segments` list: the id of the rule's segment. None, or an unknown id, targets every visitor. */
  segmentId?: number | null;
  /** Without a top-level `segments` list (older format): the rule's segment itself. None targets every visitor. */
  segment?: SegmentJson | null;
  /** How the rule's traffic is split among its variations. */
  variationByExposition: VariationByExpositionJson[];
}

/** A variable of a variation. */
export interface VariableJson {
  /** Key of the variable. */
  key: string;
  /** `BOOLEAN`, `NUMBER`, `STRING`, `JSON`, `JS` or `CSS`; a variable of another type is left out. */
  type: string;
  /**
   * The value as served (JSON variables as JSON text), converted to `type` when the configuration
   * is loaded; a value that does not convert leaves the variable out.
   */
  value: unknown;
}

/** A feature flag. */
export interface FeatureFlagJson {
  /** The flag's id; orders the flags of a mutually exclusive group. */
  id: number;
  /** The flag's key, as `getVariation` takes it (a repeated key keeps its last definition). */
  featureKey: string;
  /** False when the flag is disabled in the configuration's environment; any other value counts as enabled. */
  environmentEnabled: boolean;
  /** Key of the variation visitors get when no rule assigns one. */
  defaultVariationKey: string;
  /**
   * Name of the flag's mutually exclusive group: a visitor is bucketed into one flag of the group
   * and gets the default variation of the others.
   */
  mutuallyExclusiveGroup?: string | null;
  /**
   * Id of a custom data definition whose first value, when the visitor has one, replaces the
   * visitor code in the flag's hashes; applied only when every custom data definition has an id.
   */
  bucketingCustomDataId?: number | null;
  /** The flag's variations: key, name and variables (a repeated key keeps its first definition). */
  variations: { key: string; name?: string; variables: VariableJson[] }[];
  /** The flag's rules, evaluated in this order. */
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
