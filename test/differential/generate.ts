/**
 * Seeded generator of Kameleoon SDK configurations (the `/v3/<siteCode>` JSON format) for the
 * differential test. Every generated condition is one the official engine evaluates WITHOUT an
 * error: the official engine keeps an evaluation error "sticky" on its cached targeting tree, which
 * our SDK deliberately does not copy, so erroring inputs are out of scope here.
 */
import { Rng } from './rng.ts';
import { POOLS } from './pools.ts';

export { POOLS } from './pools.ts';

export { generateVisitors } from './visitors.ts';
export type { VisitorSpec, Step, DataSpec } from './visitors.ts';

/** One targeting condition (common fields + type-specific fields). */
export type Condition = { id: number; targetingType: string; weight: number; isInclude?: boolean | null } & Record<string, unknown>;
/** A segment with its two-level AND/OR condition tree. */
export interface Segment {
  id: number;
  name: string;
  audienceTracking: boolean;
  conditionsData: { firstLevelOrOperators: boolean[]; firstLevel: { orOperators: boolean[]; conditions: Condition[] }[] };
}
/** A variation share of a rule (or of the holdout). */
export interface VarByExp { variationKey: string; variationId: number | null; exposition: number }
/** A feature-flag rule. */
export interface Rule {
  id: number; order: number; type: 'TARGETED_DELIVERY' | 'EXPERIMENTATION'; exposition: number; experimentId: number;
  respoolTime: number | null; segmentId: number | null; variationByExposition: VarByExp[];
}
/** A feature variable of a variation. */
export interface Variable { key: string; type: string; value: unknown }
/** A feature flag. */
export interface FeatureFlag {
  id: number; featureKey: string; environmentEnabled: boolean; defaultVariationKey: string;
  mutuallyExclusiveGroup: string | null; bucketingCustomDataId: number | null;
  variations: { key: string; name: string; variables: Variable[] }[]; rules: Rule[];
}
/** A custom-data definition. */
export interface CustomDataDef { id?: number; index: number; name?: string; localOnly: boolean; isMappingIdentifier: boolean; scope: string }
/** The whole configuration document. */
export interface KConfig {
  configuration: { realTimeUpdate: boolean; consentType: string; consentOptOutBehavior: string; dataApiDomain: string };
  customData: CustomDataDef[];
  segments?: Segment[];
  featureFlags: FeatureFlag[];
  holdout?: { experimentId: number; variationByExposition: VarByExp[] };
  dateModified?: number;
}
/** A generated configuration plus the probe flags it contains (featureKey → probe kind). */
export interface GeneratedConfig { seed: number; config: KConfig; probes: Record<string, string> }


/** Every probe kind: a condition type, refined by match type where the engine branches on it. */
export const PROBE_KINDS: readonly string[] = [
  ...['EXACT', 'CONTAINS', 'REGULAR_EXPRESSION', 'LOWER', 'EQUAL', 'GREATER', 'TRUE', 'FALSE', 'UNDEFINED', 'AMONG_VALUES', 'RANGE'].map((m) => `CUSTOM_DATUM:${m}`),
  'PAGE_URL', 'PAGE_TITLE', 'PREVIOUS_PAGE', 'PAGE_VIEWS', 'DEVICE_TYPE', 'BROWSER', 'BROWSER:VERSION', 'OPERATING_SYSTEM',
  'GEOLOCATION', 'CONVERSIONS', 'VISITOR_CODE', 'SDK_LANGUAGE', 'APPLICATION_VERSION',
  'COOKIE:EXACT', 'COOKIE:CONTAINS', 'COOKIE:REGULAR_EXPRESSION', 'COOKIE:OPTIONAL',
  'SEGMENT', 'TARGET_FEATURE_FLAG', 'TARGET_EXPERIMENT', 'TARGET_PERSONALIZATION', 'EXCLUSIVE_EXPERIMENT',
  'VISITS', 'SAME_DAY_VISITS', 'NEW_VISITORS', 'FIRST_VISIT', 'LAST_VISIT', 'HEAT_SLICE', 'UNKNOWN',
];

const VARIATION_KEYS = ['off', 'on', 'v1', 'v2', 'v3', 'control', 'treatment'];
const CMP = ['EQUAL', 'GREATER', 'LOWER'];
const STR_MATCH = ['EXACT', 'CONTAINS', 'REGULAR_EXPRESSION'];
/** Thresholds straddling the round gaps of cases.ts (2 h, 50 h, 26 h), so visit-age conditions flip. */
const UNIT_COUNTS: Record<string, number[]> = { MINUTE: [30, 120, 2000, 4000], HOUR: [1, 30, 60, 80], DAY: [0, 1, 2, 3, 4], WEEK: [0, 1], MONTH: [0, 1] };

/** Everything a condition may reference. */
interface Ctx {
  rng: Rng;
  nextId: () => number;
  condId: number;
  cdIndexes: number[];
  flags: FeatureFlag[];
  segmentIds: number[];
  experimentIds: number[];
}

function isInclude(rng: Rng): { isInclude?: boolean | null } {
  const r = rng.int(0, 7);
  return r < 4 ? { isInclude: true } : r < 6 ? { isInclude: false } : r === 6 ? { isInclude: null } : {};
}

function strMatch(rng: Rng, exact: readonly string[], fragments: readonly string[], regexes: readonly string[]): [string, string] {
  const m = rng.pick(STR_MATCH);
  return [m, rng.pick(m === 'EXACT' ? exact : m === 'CONTAINS' ? fragments : regexes)];
}

/** Type-specific fields of a condition of the given probe kind. */
function conditionFields(kind: string, ctx: Ctx): Record<string, unknown> {
  const { rng } = ctx;
  const [type, sub] = kind.split(':');
  switch (type) {
    case 'CUSTOM_DATUM': {
      const customDataIndex = String(rng.chance(0.9) ? rng.pick(ctx.cdIndexes) : 9);
      const base = { targetingType: type, customDataIndex, valueMatchType: sub, value: null as unknown };
      if (sub === 'EXACT') base.value = rng.pick(POOLS.cdStrings);
      else if (sub === 'CONTAINS') base.value = rng.pick(POOLS.cdFragments);
      else if (sub === 'REGULAR_EXPRESSION') base.value = rng.pick(POOLS.regexes);
      else if (sub === 'LOWER' || sub === 'EQUAL' || sub === 'GREATER') base.value = rng.pick(POOLS.numbers);
      else if (sub === 'AMONG_VALUES') {
        const items: unknown[] = rng.sample(POOLS.cdStrings, rng.int(1, 4));
        if (rng.chance(0.2)) items.push(rng.pick([1, true, 10, null]));
        base.value = rng.chance(0.05) ? JSON.stringify('premium') : JSON.stringify(items);
      } else if (sub === 'RANGE') {
        const lo = rng.pick([-5, 0, 3.5, 10, 100]);
        return { ...base, range: [lo, rng.chance(0.1) ? lo - 1 : lo + rng.pick([0, 1, 10, 200])] };
      }
      return base;
    }
    case 'PAGE_URL':
    case 'PREVIOUS_PAGE': {
      const [matchType, url] = strMatch(rng, POOLS.urls, POOLS.urlFragments, POOLS.regexes);
      return { targetingType: type, matchType, url: rng.chance(0.03) ? '' : url };
    }
    case 'PAGE_TITLE': {
      const [matchType, title] = strMatch(rng, POOLS.titles, POOLS.titleFragments, POOLS.regexes);
      return { targetingType: type, matchType, title };
    }
    case 'PAGE_VIEWS': return { targetingType: type, matchType: rng.pick(CMP), pageCount: rng.int(0, 4) };
    case 'DEVICE_TYPE': return { targetingType: type, device: rng.pick(POOLS.devices) };
    case 'OPERATING_SYSTEM': return { targetingType: type, os: rng.pick(POOLS.oses) };
    case 'BROWSER':
      return sub
        ? { targetingType: type, browser: rng.pick(POOLS.browsers.slice(0, 3)), version: rng.pick(POOLS.browserVersions), versionMatchType: rng.pick(CMP) }
        : { targetingType: type, browser: rng.pick(POOLS.browsers), version: null, versionMatchType: null };
    case 'GEOLOCATION':
      return { targetingType: type, country: rng.pick(POOLS.countries), region: rng.pick(POOLS.regions), city: rng.pick(POOLS.cities) };
    case 'CONVERSIONS': return { targetingType: type, goalId: rng.pick([-1, -1, 0, 42, 43, 7, 999]) };
    case 'VISITOR_CODE': {
      const [matchType, visitorCode] = strMatch(rng, POOLS.knownVisitorCodes, POOLS.visitorCodeFragments, POOLS.visitorCodeRegexes);
      return { targetingType: type, matchType, visitorCode };
    }
    case 'SDK_LANGUAGE': {
      const sdkLanguage = rng.pick(['JAVASCRIPT', 'NODEJS', 'NODEJS', 'JAVASCRIPT', 'REACT', 'GO']);
      return rng.chance(0.35)
        ? { targetingType: type, sdkLanguage, version: null, versionMatchType: null }
        : { targetingType: type, sdkLanguage, version: rng.pick(POOLS.sdkVersions), versionMatchType: rng.pick(CMP) };
    }
    case 'APPLICATION_VERSION':
      return { targetingType: type, version: rng.pick(POOLS.appVersions), versionMatchType: rng.pick(CMP) };
    case 'COOKIE': {
      const [valueMatchType, value] = strMatch(rng, POOLS.cookieValues, ['1', 'ar', 'GA', ''], ['^d', '\\d', '/LIGHT/i', '^$']);
      const name = sub === 'EXACT' ? rng.pick(POOLS.cookieNames) : sub === 'CONTAINS' ? rng.pick(POOLS.cookieNameFragments)
        : sub === 'REGULAR_EXPRESSION' ? rng.pick(POOLS.cookieNameRegexes) : rng.pick([null, ...POOLS.cookieNames]);
      return { targetingType: type, name, nameMatchType: sub, value, valueMatchType };
    }
    case 'SEGMENT':
      return { targetingType: type, segmentId: ctx.segmentIds.length && rng.chance(0.9) ? rng.pick(ctx.segmentIds) : 999_999 };
    case 'TARGET_FEATURE_FLAG': {
      const flag = rng.pick(ctx.flags);
      const anyRule = rng.pick(ctx.flags.flatMap((f) => f.rules).concat([{ id: 888_888 } as Rule]));
      const ruleId = flag.rules.length && rng.chance(0.8) ? rng.pick(flag.rules).id : anyRule.id;
      const variationKey = rng.chance(0.85) ? rng.pick(flag.variations).key : 'nope';
      const shape = rng.int(0, 4);
      if (shape === 0) return { targetingType: type, featureFlagId: flag.id, ruleId: null, variationKey: null };
      if (shape === 1) return { targetingType: type, featureFlagId: flag.id, ruleId, variationKey: null };
      if (shape === 2) return { targetingType: type, featureFlagId: flag.id, ruleId, variationKey };
      if (shape === 3) return { targetingType: type, featureFlagId: flag.id, ruleId: null, variationKey };
      return { targetingType: type, featureFlagId: rng.pick([777_777, 0]), ruleId: null, variationKey: null };
    }
    case 'TARGET_EXPERIMENT': {
      const experiment = rng.chance(0.9) && ctx.experimentIds.length ? rng.pick(ctx.experimentIds) : 666_666;
      const ids = ctx.flags.flatMap((f) => f.rules).filter((r) => r.experimentId === experiment).flatMap((r) => r.variationByExposition.map((v) => v.variationId));
      const variation = ids.length && rng.chance(0.8) ? rng.pick(ids) : 555_555;
      return { targetingType: type, experiment, variation, variationMatchType: rng.pick(['ANY', 'EXACT', 'EXACT', null]) };
    }
    case 'TARGET_PERSONALIZATION': return { targetingType: type, personalizationId: rng.pick([1, 55, 1000]) };
    case 'EXCLUSIVE_EXPERIMENT': return { targetingType: type, campaignType: rng.pick(['EXPERIMENT', 'EXPERIMENT', 'PERSONALIZATION', 'ANY']) };
    case 'VISITS':
    case 'SAME_DAY_VISITS': return { targetingType: type, matchType: rng.pick(CMP), visitCount: rng.int(0, 3) };
    case 'NEW_VISITORS': return { targetingType: type, visitorType: rng.pick(['NEW', 'RETURNING']) };
    case 'FIRST_VISIT':
    case 'LAST_VISIT': {
      const unitOfTime = rng.pick(Object.keys(UNIT_COUNTS));
      return { targetingType: type, matchType: rng.pick(['GREATER', 'LOWER']), count: rng.pick(UNIT_COUNTS[unitOfTime]), unitOfTime };
    }
    case 'HEAT_SLICE': return { targetingType: type, keyMomentId: rng.int(1, 5), goalId: rng.pick(POOLS.goalIds), lowerBound: 0, upperBound: rng.pick([50, 100]) };
    default: return { targetingType: rng.pick(POOLS.unknownTypes), code: 'return true;' };
  }
}

function condition(kind: string, ctx: Ctx): Condition {
  return { id: ctx.condId++, weight: 1, ...isInclude(ctx.rng), ...conditionFields(kind, ctx) } as Condition;
}

/** Operators joining `n` items: normally n-1, sometimes fewer (the official engine then ignores the tail). */
function operators(rng: Rng, n: number): boolean[] {
  const len = n > 1 && rng.chance(0.1) ? rng.int(0, n - 2) : Math.max(0, n - 1);
  return Array.from({ length: len }, () => rng.chance(0.5));
}

function randomSegment(id: number, ctx: Ctx): Segment {
  const { rng } = ctx;
  const groups = rng.chance(0.04) ? 0 : rng.int(1, 3);
  const firstLevel = Array.from({ length: groups }, () => {
    const conditions = Array.from({ length: rng.int(1, 3) }, () => condition(rng.pick(PROBE_KINDS), ctx));
    return { orOperators: operators(rng, conditions.length), conditions };
  });
  return { id, name: `seg-${id}`, audienceTracking: rng.chance(0.3), conditionsData: { firstLevelOrOperators: operators(rng, groups), firstLevel } };
}

function variableValue(rng: Rng, type: string): unknown {
  switch (type) {
    case 'BOOLEAN': return rng.pick([true, false, 'false', '', 0, 1]);
    case 'NUMBER': return rng.pick([1, 0, -2.5, '3', '4.5', '', 'abc']);
    case 'STRING': return rng.pick(['hello', '', 'é漢字', 42]);
    case 'JSON': return rng.pick(['{"a":1}', '[1,2]', '"s"', 'null', '{"nested":{"b":[true]}}', '{bad', '']);
    case 'JS': return rng.pick(['console.log(1)', '']);
    default: return rng.pick(['.a{color:red}', '']);
  }
}

/** Splits [0,1] into `n` expositions: normally summing to 1, sometimes to less, sometimes to more. */
function splits(rng: Rng, n: number): number[] {
  const raw = Array.from({ length: n }, () => rng.float() + 0.05);
  const total = raw.reduce((a, b) => a + b, 0);
  const target = rng.pick([1, 1, 1, 1, 1, 0.6, 0.9, 1.3]);
  return raw.map((x) => Math.round((x / total) * target * 1000) / 1000);
}

function flagSkeleton(ctx: Ctx, index: number, cd: CustomDataDef[]): FeatureFlag {
  const { rng, nextId } = ctx;
  const keys = rng.chance(0.85) ? ['off', ...rng.sample(VARIATION_KEYS.slice(1), rng.int(1, 3))] : rng.sample(VARIATION_KEYS.slice(1), rng.int(1, 3));
  const varTypes = rng.sample(['BOOLEAN', 'NUMBER', 'STRING', 'JSON', 'JS', 'CSS'], rng.int(0, 4));
  const variations = keys.map((key) => ({ key, name: `Variation ${key}`, variables: varTypes.map((type) => ({ key: `k_${type.toLowerCase()}`, type, value: variableValue(rng, type) })) }));
  const rules: Rule[] = Array.from({ length: rng.int(0, 3) }, () => {
    const type = rng.chance(0.4) ? 'TARGETED_DELIVERY' as const : 'EXPERIMENTATION' as const;
    const chosen = type === 'TARGETED_DELIVERY' ? [rng.pick(keys.length > 1 ? keys.slice(1) : keys)] : rng.sample(keys, rng.int(1, keys.length));
    if (rng.chance(0.03)) chosen[0] = 'ghost';
    const shares = type === 'TARGETED_DELIVERY' ? [rng.chance(0.85) ? 1 : 0.6] : splits(rng, chosen.length);
    const variationByExposition = chosen.map((variationKey, i) => ({
      variationKey, exposition: shares[i],
      variationId: rng.chance(0.03) ? null : rng.chance(0.02) ? 0 : nextId(),
    }));
    return {
      id: nextId(), order: 0, type, exposition: rng.pick([1, 1, 1, 0, 0.5, 0.25, 0.75, Math.round(rng.float() * 1000) / 1000]),
      experimentId: nextId(), respoolTime: rng.pick([null, null, null, 0, 1_700_000_000, 42]), segmentId: null, variationByExposition,
    };
  });
  const order = rng.shuffle(rules.map((_, i) => i + 1));
  rules.forEach((r, i) => { r.order = rng.chance(0.8) ? i + 1 : order[i]; });
  const withIds = cd.filter((c) => c.id !== undefined);
  return {
    id: nextId(), featureKey: `ff_${index}_${rng.pick(['checkout', 'banner', 'search', 'ü', 'x'])}`,
    environmentEnabled: rng.chance(0.9), defaultVariationKey: rng.chance(0.8) ? 'off' : rng.chance(0.85) ? rng.pick(keys) : 'missing',
    mutuallyExclusiveGroup: rng.chance(0.3) ? rng.pick(['grpA', 'grpB']) : null,
    bucketingCustomDataId: withIds.length && rng.chance(0.25) ? (rng.chance(0.9) ? rng.pick(withIds).id! : 424_242) : null,
    variations, rules,
  };
}

/** Kinds probed by a given config: a rotating window over {@link PROBE_KINDS}. */
export function probeKindsFor(seed: number, count = 4): string[] {
  return Array.from({ length: count }, (_, k) => PROBE_KINDS[(seed * count + k) % PROBE_KINDS.length]);
}

/**
 * Generates one random configuration.
 * @param seed - mulberry32 seed; the same seed always yields the same configuration.
 * @returns the configuration and its probe flags. A probe flag (`probe_*`) has one always-exposed
 *   TARGETED_DELIVERY rule whose segment is a single condition of the probed kind, so its result
 *   is non-default exactly when that condition (after isInclude) is true for the visitor.
 */
export function generateConfig(seed: number): GeneratedConfig {
  const rng = new Rng(seed);
  let id = 1000 + rng.int(0, 5000);
  const ctx: Ctx = { rng, nextId: () => (id += rng.int(1, 40)), condId: 1, cdIndexes: [], flags: [], segmentIds: [], experimentIds: [] };

  const indexes = rng.sample([0, 1, 2, 3, 4, 5, 6, 7], rng.int(2, 6));
  const dropId = rng.chance(0.1) ? rng.int(0, indexes.length - 1) : -1;
  const mapping = rng.chance(0.75) ? rng.int(0, indexes.length - 1) : -1;
  const customData: CustomDataDef[] = indexes.map((index, i) => ({
    ...(i === dropId ? {} : { id: 20_000 + index }), index, ...(rng.chance(0.8) ? { name: `cd${index}` } : {}),
    localOnly: rng.chance(0.3), isMappingIdentifier: i === mapping, scope: rng.pick(['VISIT', 'VISITOR']),
  }));
  ctx.cdIndexes = indexes;

  const flags = Array.from({ length: rng.int(3, 8) }, (_, i) => flagSkeleton(ctx, i, customData));
  ctx.flags = flags;
  ctx.experimentIds = flags.flatMap((f) => f.rules.map((r) => r.experimentId));
  let holdout: KConfig['holdout'];
  if (rng.chance(0.35)) {
    const e = rng.pick([0.05, 0.1, 0.3]);
    holdout = { experimentId: ctx.nextId(), variationByExposition: [
      { variationKey: 'in-holdout', variationId: ctx.nextId(), exposition: e },
      { variationKey: 'off', variationId: ctx.nextId(), exposition: rng.chance(0.8) ? Math.round((1 - e) * 1000) / 1000 : 0.5 },
    ] };
    ctx.experimentIds.push(holdout.experimentId);
  }

  const segments: Segment[] = [];
  for (let i = rng.int(2, 6); i > 0; i--) {
    const seg = randomSegment(ctx.nextId(), ctx);
    segments.push(seg);
    ctx.segmentIds.push(seg.id);
  }
  for (const rule of flags.flatMap((f) => f.rules)) {
    const r = rng.float();
    rule.segmentId = r < 0.3 ? null : r < 0.9 ? rng.pick(ctx.segmentIds) : 313_131;
  }

  const probes: Record<string, string> = {};
  probeKindsFor(seed).forEach((kind, k) => {
    const segId = ctx.nextId();
    const cond = condition(kind, ctx);
    if (k % 2 === 1 && (kind === 'HEAT_SLICE' || kind === 'TARGET_PERSONALIZATION')) cond.isInclude = false;
    segments.push({ id: segId, name: `probe-${kind}`, audienceTracking: false, conditionsData: { firstLevelOrOperators: [], firstLevel: [{ orOperators: [], conditions: [cond] }] } });
    const featureKey = `probe_${kind.replace(':', '-')}_${k}`;
    probes[featureKey] = kind;
    flags.push({
      id: ctx.nextId(), featureKey, environmentEnabled: true, defaultVariationKey: 'off', mutuallyExclusiveGroup: null, bucketingCustomDataId: null,
      variations: [{ key: 'off', name: 'Off', variables: [] }, { key: 'on', name: 'On', variables: [{ key: 'p', type: 'STRING', value: kind }] }],
      rules: [{ id: ctx.nextId(), order: 1, type: 'TARGETED_DELIVERY', exposition: 1, experimentId: ctx.nextId(), respoolTime: null, segmentId: segId,
        variationByExposition: [{ variationKey: 'on', variationId: ctx.nextId(), exposition: 1 }] }],
    });
  });

  const config: KConfig = {
    configuration: {
      realTimeUpdate: rng.chance(0.1), consentType: rng.chance(0.35) ? 'REQUIRED' : 'NOT_REQUIRED',
      consentOptOutBehavior: rng.pick(['PARTIALLY_BLOCK', 'FULLY_BLOCK']), dataApiDomain: 'data.kameleoon.io',
    },
    customData, segments, featureFlags: flags, ...(holdout ? { holdout } : {}), dateModified: 1_732_150_000_000,
  };
  return { seed, config, probes };
}
