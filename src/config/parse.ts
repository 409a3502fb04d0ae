import { ConfigurationError } from '../errors.ts';
import { compileSegment } from '../targeting/tree.ts';
import { nativeUserRegExp, type RegexCompiler } from '../targeting/nativeRegex.ts';
import type { CompiledSegment, MappedRule } from '../targeting/types.ts';
import type { ConfigurationJson, FeatureFlagJson, RuleJson, SegmentJson, VariableJson, VariationByExpositionJson } from './types.ts';
import { ruleSalt } from '../hashing/hash.ts';
import { parseVariables, type Variable } from './variables.ts';
import { msg } from '../logging/msg.ts';

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

const fail = (path: string, expected: string, got: unknown): never => {
  throw new ConfigurationError(msg`Invalid configuration: ${path} should be ${expected}, got ${JSON.stringify(got)?.slice(0, 80)}.`);
};
/** Whether `v` is a JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
function array<T>(v: unknown, path: string): T[] {
  return Array.isArray(v) ? (v as T[]) : fail(path, 'an array', v);
}
function finite(v: unknown, path: string): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fail(path, 'a number', v);
}
function text(v: unknown, path: string): string {
  return typeof v === 'string' ? v : fail(path, 'a string', v);
}
/** Experiment and variation ids are stored in 32-bit slots for every visitor (see visitor/assignments.ts). */
function id32(v: unknown, path: string): number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0x7fffffff ? (v as number) : fail(path, msg`an integer id below 2^31`, v);
}
const optionalNumber = (v: unknown, path: string): number | null => (v == null ? null : finite(v, path));

function checkSplit(list: unknown, path: string): VariationByExpositionJson[] {
  return array<VariationByExpositionJson>(list, path).map((v, i) => {
    if (!isObject(v)) fail(`${path}[${i}]`, 'an object', v);
    text(v.variationKey, `${path}[${i}].variationKey`);
    finite(v.exposition, `${path}[${i}].exposition`);
    if (v.variationId != null) id32(v.variationId, `${path}[${i}].variationId`);
    return v;
  });
}

function checkSegment(s: unknown, path: string): SegmentJson {
  if (!isObject(s) || !isObject(s.conditionsData)) return fail(path, msg`a segment with conditionsData`, s);
  const data = s.conditionsData;
  array(data.firstLevelOrOperators ?? [], `${path}.conditionsData.firstLevelOrOperators`);
  array<Record<string, unknown>>(data.firstLevel, `${path}.conditionsData.firstLevel`).forEach((g, i) => {
    if (!isObject(g)) fail(`${path}.conditionsData.firstLevel[${i}]`, 'an object', g);
    array(g.orOperators ?? [], `${path}.conditionsData.firstLevel[${i}].orOperators`);
    array<Record<string, unknown>>(g.conditions, `${path}.conditionsData.firstLevel[${i}].conditions`).forEach((c, j) => {
      if (!isObject(c)) fail(`${path}...conditions[${j}]`, 'an object', c);
      text(c.targetingType, `${path}.conditionsData.firstLevel[${i}].conditions[${j}].targetingType`);
    });
    g.orOperators ??= [];
  });
  data.firstLevelOrOperators ??= [];
  return s as unknown as SegmentJson;
}

/**
 * Validates a configuration document and derives the evaluation model. The whole document is
 * checked before anything is built, so a bad document is rejected as a whole.
 * @throws ConfigurationError naming the first offending field
 */
export function parseConfiguration(input: unknown, compile: RegexCompiler = nativeUserRegExp): ParsedConfig {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (err) {
      throw new ConfigurationError(msg`Invalid configuration: not JSON (${(err as Error).message}).`, err);
    }
  }
  if (!isObject(doc)) return fail(msg`the configuration`, 'an object', doc);
  let raw: ConfigurationJson;
  try {
    raw = structuredClone(doc) as unknown as ConfigurationJson;
  } catch (err) {
    // Nesting too deep for the stack, or values that are not data (functions, symbols).
    throw new ConfigurationError(msg`Invalid configuration: it cannot be copied (${(err as Error)?.message ?? String(err)}).`, err);
  }
  const settings = isObject(raw.configuration) ? raw.configuration : {};
  const flagsJson = array<FeatureFlagJson>(raw.featureFlags, 'featureFlags');
  const customDataJson = array<Record<string, unknown>>(raw.customData ?? [], 'customData');
  const segmentsJson = raw.segments == null ? null : array<unknown>(raw.segments, 'segments').map((s, i) => checkSegment(s, `segments[${i}]`));

  customDataJson.forEach((cd, i) => {
    if (!isObject(cd)) fail(`customData[${i}]`, 'an object', cd);
    finite(cd.index, `customData[${i}].index`);
  });
  // bucketingCustomDataId → index only when every definition has an id (official behaviour).
  const indexById = customDataJson.length > 0 && customDataJson.every((cd) => cd.id !== undefined)
    ? new Map(customDataJson.map((cd) => [cd.id as number, cd.index as number]))
    : null;

  const segments = new Map<string, CompiledSegment>();
  for (const s of segmentsJson ?? []) segments.set(String(s.id), compileSegment(s, compile));

  const flags = new Map<string, FeatureFlag>();
  flagsJson.forEach((f, i) => {
    const path = `featureFlags[${i}]`;
    if (!isObject(f)) fail(path, 'an object', f);
    const flag: FeatureFlag = {
      id: finite(f.id, `${path}.id`),
      featureKey: text(f.featureKey, `${path}.featureKey`),
      environmentEnabled: f.environmentEnabled !== false,
      defaultVariationKey: text(f.defaultVariationKey, `${path}.defaultVariationKey`),
      mutuallyExclusiveGroup: f.mutuallyExclusiveGroup ? text(f.mutuallyExclusiveGroup, `${path}.mutuallyExclusiveGroup`) : null,
      bucketingCustomDataIndex: f.bucketingCustomDataId != null && indexById ? (indexById.get(f.bucketingCustomDataId) ?? null) : null,
      variations: new Map(),
      rules: array<RuleJson>(f.rules, `${path}.rules`).map((r, j) => parseRule(r, `${path}.rules[${j}]`, segmentsJson, segments, compile)),
    };
    array<Record<string, unknown>>(f.variations, `${path}.variations`).forEach((v, j) => {
      if (!isObject(v)) fail(`${path}.variations[${j}]`, 'an object', v);
      const key = text(v.key, `${path}.variations[${j}].key`);
      const variables = array<VariableJson>(v.variables ?? [], `${path}.variations[${j}].variables`);
      variables.forEach((x, k) => {
        if (!isObject(x)) fail(`${path}.variations[${j}].variables[${k}]`, 'an object', x);
        text(x.key, `${path}.variations[${j}].variables[${k}].key`);
        text(x.type, `${path}.variations[${j}].variables[${k}].type`);
      });
      if (!flag.variations.has(key)) {
        flag.variations.set(key, {
          key,
          name: typeof v.name === 'string' ? v.name : '',
          variables,
          parsed: parseVariables(variables),
          hasJsCss: variables.some((x) => x.type === 'JS' || x.type === 'CSS'),
        });
      }
    });
    flags.set(flag.featureKey, flag);
  });

  let holdout: ParsedConfig['holdout'] = null;
  if (raw.holdout != null) {
    if (!isObject(raw.holdout)) fail('holdout', 'an object', raw.holdout);
    const experimentId = id32(raw.holdout.experimentId, 'holdout.experimentId');
    holdout = {
      experimentId,
      variationByExposition: checkSplit(raw.holdout.variationByExposition, 'holdout.variationByExposition'),
      salt: ruleSalt(experimentId, null),
    };
  }

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

function parseRule(r: RuleJson, path: string, segmentsJson: SegmentJson[] | null, segments: Map<string, CompiledSegment>, compile: RegexCompiler): Rule {
  if (!isObject(r)) fail(path, 'an object', r);
  let segment: CompiledSegment | null = null;
  if (segmentsJson) {
    segment = r.segmentId != null ? (segments.get(String(r.segmentId)) ?? null) : null;
  } else if (r.segment != null) {
    segment = compileSegment(checkSegment(r.segment, `${path}.segment`), compile);
  }
  const id = finite(r.id, `${path}.id`);
  const experimentId = id32(r.experimentId, `${path}.experimentId`);
  const respoolTime = optionalNumber(r.respoolTime, `${path}.respoolTime`);
  return {
    id,
    type: text(r.type, `${path}.type`),
    exposition: finite(r.exposition, `${path}.exposition`),
    experimentId,
    respoolTime,
    segment,
    variationByExposition: checkSplit(r.variationByExposition, `${path}.variationByExposition`),
    trafficSalt: ruleSalt(id, respoolTime),
    variationSalt: ruleSalt(experimentId, respoolTime),
  };
}
