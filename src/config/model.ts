import { compileSegment } from '../targeting/tree.ts';
import type { ConditionTable } from '../targeting/coreConditions.ts';
import type { RegexCompiler } from '../targeting/nativeRegex.ts';
import type { CompiledSegment, MappedRule } from '../targeting/types.ts';
import type { ConfigurationJson, RuleJson, SegmentJson, VariableJson, VariationByExpositionJson } from './types.ts';
import { ruleSalt } from '../hashing/hash.ts';
import { parseVariables, type Variable } from './variables.ts';

/** A rule ready for evaluation. */
export interface Rule {
  id: number;
  type: 'EXPERIMENTATION' | 'TARGETED_DELIVERY' | string;
  exposition: number;
  experimentId: number;
  respoolTime: number | null;
  segment: CompiledSegment | null;
  variationByExposition: VariationByExpositionJson[];
  /** Seed suffixes of the traffic hash (rule id) and the variation hash (experiment id). */
  trafficSalt: string;
  variationSalt: string;
}

/** A variation of a flag with its variables parsed once. */
export interface FlagVariation {
  key: string;
  name: string;
  variables: VariableJson[];
  parsed: Variable[];
  /** Whether a JS or CSS variable is present (engine tracking code trigger flag). */
  hasJsCss: boolean;
}

/** A feature flag ready for evaluation. */
export interface FeatureFlag {
  id: number;
  featureKey: string;
  environmentEnabled: boolean;
  defaultVariationKey: string;
  mutuallyExclusiveGroup: string | null;
  bucketingCustomDataIndex: number | null;
  variations: Map<string, FlagVariation>;
  rules: Rule[];
}

/** Consent settings of the project. */
export interface ConsentSettings {
  required: boolean;
  blockFully: boolean;
}

/** Everything the engine needs, derived once from the configuration document. */
export interface ParsedConfig {
  /** The document as received (for the browser cache and SSR snapshots). */
  raw: ConfigurationJson;
  /** Flags by key, in document order (a repeated key keeps its last definition). */
  flags: Map<string, FeatureFlag>;
  segments: Map<string, CompiledSegment>;
  ruleMap: Map<number, MappedRule>;
  /** experimentId → rule type and variation ids by key (for setForcedVariation). */
  experiments: Map<number, { type: string; variations: Map<string, number> }>;
  /** Mutually exclusive groups: name → flags sorted by id. */
  meGroups: Map<string, FeatureFlag[]>;
  holdout: { experimentId: number; variationByExposition: VariationByExpositionJson[]; salt: string } | null;
  consent: ConsentSettings;
  /** Whether an enabled flag has a TARGETED_DELIVERY rule (cookie consent rule). */
  hasTargetedDelivery: boolean;
  customData: {
    localOnly: Set<number>;
    visitorScope: Set<number>;
    indexByName: Map<string, number>;
    mappingIdentifierIndex: number | null;
  };
  realTimeUpdate: boolean;
  dataApiDomain: string | undefined;
}

/**
 * Derives the evaluation model from a configuration document, without checking it: for a
 * document parseConfiguration (parse.ts) checked, or one it checked before (the browser cache of
 * a fetched document, which the first stage reads). A document it would reject may throw here or
 * give a model of its own; the first stage's answers then wait for the full client, which checks.
 */
export function buildModel(raw: ConfigurationJson, compile: RegexCompiler, table: ConditionTable): ParsedConfig {
  // Not an object: no setting (a string or number has none of these fields either).
  const settings = raw.configuration ?? {};
  const flagsJson = raw.featureFlags;
  const customDataJson = (raw.customData ?? []) as unknown as Record<string, unknown>[];
  const segmentsJson = raw.segments ?? null;
  // bucketingCustomDataId → index only when every definition has an id (official behaviour).
  const indexById = customDataJson.length > 0 && customDataJson.every((cd) => cd.id !== undefined)
    ? new Map(customDataJson.map((cd) => [cd.id as number, cd.index as number]))
    : null;

  const segments = new Map<string, CompiledSegment>();
  for (const s of segmentsJson ?? []) segments.set(String(s.id), compileSegment(s, compile, table));

  const flags = new Map<string, FeatureFlag>();
  for (const f of flagsJson) {
    const flag: FeatureFlag = {
      id: f.id,
      featureKey: f.featureKey,
      environmentEnabled: f.environmentEnabled !== false,
      defaultVariationKey: f.defaultVariationKey,
      mutuallyExclusiveGroup: f.mutuallyExclusiveGroup || null,
      bucketingCustomDataIndex: f.bucketingCustomDataId != null && indexById ? (indexById.get(f.bucketingCustomDataId) ?? null) : null,
      variations: new Map(),
      rules: f.rules.map((r) => buildRule(r, segmentsJson, segments, compile, table)),
    };
    for (const v of f.variations) {
      const variables = v.variables ?? [];
      if (!flag.variations.has(v.key)) {
        flag.variations.set(v.key, {
          key: v.key,
          name: typeof v.name === 'string' ? v.name : '',
          variables,
          parsed: parseVariables(variables),
          hasJsCss: variables.some((x) => x.type === 'JS' || x.type === 'CSS'),
        });
      }
    }
    flags.set(flag.featureKey, flag);
  }

  const holdout = raw.holdout ? { experimentId: raw.holdout.experimentId, variationByExposition: raw.holdout.variationByExposition, salt: ruleSalt(raw.holdout.experimentId, null) } : null;

  // Without a top-level segment list, the segments come from the rules' inline ones.
  if (!segmentsJson) {
    for (const flag of flags.values()) {
      for (const rule of flag.rules) if (rule.segment && !segments.has(rule.segment.id)) segments.set(rule.segment.id, rule.segment);
    }
  }

  const ruleMap = new Map<number, MappedRule>();
  const experiments = new Map<number, { type: string; variations: Map<string, number> }>();
  const meGroups = new Map<string, FeatureFlag[]>();
  let hasTargetedDelivery = false;
  for (const flag of flags.values()) {
    for (const rule of flag.rules) {
      const variations = new Map<string, number>();
      for (const v of rule.variationByExposition) if (typeof v.variationId === 'number') variations.set(v.variationKey, v.variationId);
      ruleMap.set(rule.id, { featureId: flag.id, experimentId: rule.experimentId, variations });
      experiments.set(rule.experimentId, { type: rule.type, variations });
      if (flag.environmentEnabled && rule.type === 'TARGETED_DELIVERY') hasTargetedDelivery = true;
    }
  }
  // ME groups are built from the document's flag list (a repeated key appears twice, as officially).
  for (const f of flagsJson) {
    const flag = flags.get(f.featureKey);
    if (!f.mutuallyExclusiveGroup || !flag) continue;
    const group = meGroups.get(f.mutuallyExclusiveGroup) ?? [];
    group.push(flag.id === f.id ? flag : { ...flag, id: f.id });
    meGroups.set(f.mutuallyExclusiveGroup, group);
  }
  for (const group of meGroups.values()) group.sort((a, b) => a.id - b.id);

  const mappingIdentifierIndex = (customDataJson.find((cd) => cd.isMappingIdentifier)?.index as number | undefined) || null;
  return {
    raw,
    flags,
    segments,
    ruleMap,
    experiments,
    meGroups,
    holdout,
    consent: {
      required: settings.consentType === 'REQUIRED',
      blockFully: settings.consentOptOutBehavior === 'FULLY_BLOCK',
    },
    hasTargetedDelivery,
    customData: {
      localOnly: new Set(customDataJson.filter((cd) => cd.localOnly).map((cd) => cd.index as number)),
      visitorScope: new Set(customDataJson.filter((cd) => cd.scope === 'VISITOR').map((cd) => cd.index as number)),
      indexByName: new Map(customDataJson.filter((cd) => typeof cd.name === 'string').map((cd) => [cd.name as string, cd.index as number])),
      mappingIdentifierIndex,
    },
    realTimeUpdate: settings.realTimeUpdate === true,
    dataApiDomain: typeof settings.dataApiDomain === 'string' ? settings.dataApiDomain : undefined,
  };
}

function buildRule(r: RuleJson, segmentsJson: SegmentJson[] | null, segments: Map<string, CompiledSegment>, compile: RegexCompiler, table: ConditionTable): Rule {
  let segment: CompiledSegment | null = null;
  if (segmentsJson) {
    segment = r.segmentId != null ? (segments.get(String(r.segmentId)) ?? null) : null;
  } else if (r.segment != null) {
    segment = compileSegment(r.segment, compile, table);
  }
  const respoolTime = r.respoolTime ?? null;
  return {
    id: r.id,
    type: r.type,
    exposition: r.exposition,
    experimentId: r.experimentId,
    respoolTime,
    segment,
    variationByExposition: r.variationByExposition,
    trafficSalt: ruleSalt(r.id, respoolTime),
    variationSalt: ruleSalt(r.experimentId, respoolTime),
  };
}
