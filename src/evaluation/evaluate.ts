import { FeatureEnvironmentDisabled } from '../errors.ts';
import type { FeatureFlag, ParsedConfig, Rule } from '../config/parse.ts';
import type { VariationByExpositionJson } from '../config/types.ts';
import type { HashMemo } from '../hashing/memo.ts';
import type { CookieType } from '../visitor/data.ts';
import type { PackageInfo, TargetingContext, VisitorData } from '../targeting/types.ts';
import type { Assignments } from '../visitor/assignments.ts';
import { msg } from '../logging/msg.ts';

/**
 * Why a visitor got the default variation: `NOT_TARGETED`, no rule's segment matched;
 * `NOT_IN_TRAFFIC`, a matching rule's traffic allocation left the visitor out (a targeted
 * delivery rule then ends the evaluation); `HOLDOUT`, the visitor is in the project's holdout;
 * `MUTUALLY_EXCLUSIVE_GROUP`, another flag of the group was picked for the visitor; `CONSENT`,
 * the visitor refused consent to an experiment; `NO_RULES`, the flag has no rules.
 */
export type DefaultReason = 'NOT_TARGETED' | 'NOT_IN_TRAFFIC' | 'HOLDOUT' | 'MUTUALLY_EXCLUSIVE_GROUP' | 'CONSENT' | 'NO_RULES';

/**
 * Why a visitor got a variation: `RULE_MATCH`, a rule assigned it (its id and type, e.g.
 * `EXPERIMENTATION` or `TARGETED_DELIVERY`); `DEFAULT`, the flag's default variation (see
 * {@link DefaultReason}); `FORCED`, `setForcedVariation` set it for that experiment; `SIMULATED`,
 * the QA simulation cookie `kameleoonSimulationFFData` set it.
 */
export type EvaluationReason =
  | { kind: 'RULE_MATCH'; ruleId: number; ruleType: string }
  | { kind: 'DEFAULT'; why: DefaultReason }
  | { kind: 'FORCED'; experimentId: number; forceTargeting: boolean }
  | { kind: 'SIMULATED'; experimentId: number | null };

/** The outcome of evaluating one flag for one visitor. */
export interface Evaluation {
  variationKey: string;
  variationId: number | null;
  experimentId: number | null;
  ruleType: string | null;
  simulated: boolean;
  reason: EvaluationReason;
}

/** A variation forced with setForcedVariation. */
export interface ForcedExperiment {
  variationKey: string;
  variationId: number;
  ruleType: string;
  forceTargeting: boolean;
}

/** A variation simulated through the `kameleoonSimulationFFData` cookie; rule null = "no rule". */
export interface SimulatedVariation {
  rule: { type: string; experimentId: number } | null;
  variation: { key: string; id: number | null } | null;
}

/** Legal consent of a visitor. */
export type Consent = 'unknown' | 'given' | 'notGiven';

/** What the engine reads (and, for assignments, writes) about the visitor. */
export interface EvaluationVisitor {
  code: string;
  /** Targeting data (already dereferenced through a cross-device link). */
  data: VisitorData | undefined;
  /** The anonymous visitor code to hash with when this code is linked to one, else undefined. */
  mappingIdentifier: string | undefined;
  /** Stored assignments; written to when `save` is true. */
  variations: Assignments;
  forced: ReadonlyMap<number, ForcedExperiment> | undefined;
  simulated: ReadonlyMap<string, SimulatedVariation> | undefined;
  consent: Consent;
}

/** Evaluation environment. */
export interface EvaluationEnv {
  sdk: PackageInfo;
  now: number;
  /** Bucketing hashes of recent identifiers. */
  hashes: HashMemo;
  documentCookies: () => CookieType[];
}

/** First entry whose cumulative exposition reaches `hash`, in order; null when none does. */
export function pickByHash(split: VariationByExpositionJson[], hash: number): VariationByExpositionJson | null {
  let total = 0;
  for (const entry of split) {
    total += entry.exposition;
    if (total >= hash) return entry;
  }
  return null;
}

/**
 * {@link pickByHash} with the hash of `identifier + salt`, which is not computed when the first
 * entry takes everyone (a hash is at most 1): a SHA-256 saved on a typical targeted delivery.
 */
function pick(split: VariationByExpositionJson[], hashes: HashMemo, identifier: string, salt: string): VariationByExpositionJson | null {
  if (split.length > 0 && split[0].exposition >= 1) return split[0];
  return pickByHash(split, hashes.hash(identifier, salt));
}

/** The string bucketing hashes use: bucketing custom data, else the cross-device identifier, else the code. */
export function codeForHash(flag: FeatureFlag, visitor: EvaluationVisitor): string {
  if (flag.bucketingCustomDataIndex != null) {
    const value = visitor.data?.customData.get(flag.bucketingCustomDataIndex)?.values[0];
    if (value) return value;
  }
  return visitor.mappingIdentifier ?? visitor.code;
}

const defaultResult = (flag: FeatureFlag, why: DefaultReason): Evaluation => ({
  variationKey: flag.defaultVariationKey,
  variationId: null,
  experimentId: null,
  ruleType: null,
  simulated: false,
  reason: { kind: 'DEFAULT', why },
});

/**
 * Evaluates one enabled flag for one visitor with the official engine's semantics: simulated
 * variation, holdout, mutually exclusive group, then rules in array order (a targeted
 * TARGETED_DELIVERY rule ends the loop). When `save` is set, the holdout and rule assignments are
 * stored in `visitor.variations` (unsent when `track`), as later TARGET_* conditions read them.
 * @throws FeatureEnvironmentDisabled when consent is refused and the project blocks fully
 * @throws TargetingError when a condition of a reached segment is malformed
 */
export function evaluateFlag(config: ParsedConfig, flag: FeatureFlag, visitor: EvaluationVisitor, env: EvaluationEnv, save: boolean, track: boolean): Evaluation {
  const simulated = visitor.simulated?.get(flag.featureKey);
  if (simulated) {
    return {
      variationKey: simulated.variation?.key ?? (simulated.rule?.type === 'EXPERIMENTATION' ? 'off' : flag.defaultVariationKey),
      variationId: simulated.variation?.id || null,
      experimentId: simulated.rule?.experimentId || null,
      ruleType: simulated.rule?.type ?? null,
      simulated: true,
      reason: { kind: 'SIMULATED', experimentId: simulated.rule?.experimentId ?? null },
    };
  }
  const consent = config.consent.required ? visitor.consent : 'given';
  const identifier = codeForHash(flag, visitor);

  const holdout = config.holdout;
  if (holdout) {
    if (consent === 'notGiven' && config.consent.blockFully) {
      throw new FeatureEnvironmentDisabled(msg`Evaluation of the holdout is blocked: visitor "${visitor.code}" did not give consent.`);
    }
    const entry = pick(holdout.variationByExposition, env.hashes, identifier, holdout.salt);
    if (entry) {
      if (save) visitor.variations.set(holdout.experimentId, entry.variationId, false, track, env.now);
      if (entry.variationKey === 'in-holdout') return defaultResult(flag, 'HOLDOUT');
    }
  }

  if (flag.mutuallyExclusiveGroup) {
    const group = config.meGroups.get(flag.mutuallyExclusiveGroup);
    if (group) {
      const index = Math.min(Math.floor(env.hashes.hash(identifier, flag.mutuallyExclusiveGroup) * group.length), group.length - 1);
      if (group[index] !== flag) return defaultResult(flag, 'MUTUALLY_EXCLUSIVE_GROUP');
    }
  }

  let why: DefaultReason = flag.rules.length ? 'NOT_TARGETED' : 'NO_RULES';
  for (const rule of flag.rules) {
    const forced = visitor.forced?.get(rule.experimentId);
    if (forced?.forceTargeting) return forcedResult(visitor, rule, forced, save, track, env.now);
    if (!isTargeted(config, rule, visitor, env)) continue;
    if (forced) return forcedResult(visitor, rule, forced, save, track, env.now);

    // A hash is at most 1: a rule exposed to everyone needs none.
    if (rule.exposition >= 1 || env.hashes.hash(identifier, rule.trafficSalt) <= rule.exposition) {
      if (consent === 'notGiven' && rule.type === 'EXPERIMENTATION') {
        if (!config.consent.blockFully) return defaultResult(flag, 'CONSENT');
        throw new FeatureEnvironmentDisabled(msg`Evaluation of rule ${rule.id} is blocked: visitor "${visitor.code}" did not give consent.`);
      }
      const entry = banditChoice(rule, identifier, visitor.data, env.hashes) ?? pick(rule.variationByExposition, env.hashes, identifier, rule.variationSalt);
      if (entry) {
        return assigned(visitor, rule, entry.variationKey, entry.variationId, { kind: 'RULE_MATCH', ruleId: rule.id, ruleType: rule.type }, save, track, env.now);
      }
    }
    why = 'NOT_IN_TRAFFIC';
    if (rule.type === 'TARGETED_DELIVERY') return defaultResult(flag, why);
  }
  return defaultResult(flag, why);
}

/** A rule's variation for the visitor, stored as an assignment made at `now` when `save` is set. */
function assigned(visitor: EvaluationVisitor, rule: Rule, variationKey: string, variationId: number | null, reason: EvaluationReason, save: boolean, track: boolean, now: number): Evaluation {
  if (save) visitor.variations.set(rule.experimentId, variationId, rule.type === 'TARGETED_DELIVERY', track, now);
  return { variationKey, variationId, experimentId: rule.experimentId, ruleType: rule.type, simulated: false, reason };
}

function forcedResult(visitor: EvaluationVisitor, rule: Rule, forced: ForcedExperiment, save: boolean, track: boolean, now: number): Evaluation {
  const reason: EvaluationReason = { kind: 'FORCED', experimentId: rule.experimentId, forceTargeting: forced.forceTargeting };
  return assigned(visitor, rule, forced.variationKey, forced.variationId, reason, save, track, now);
}

/** Builds the context a segment is evaluated in. */
export function targetingContext(config: ParsedConfig, visitor: EvaluationVisitor, env: EvaluationEnv, experimentId: number | null): TargetingContext {
  return {
    visitorCode: visitor.code,
    data: visitor.data,
    variations: visitor.variations,
    experimentId,
    sdk: env.sdk,
    now: env.now,
    tables: { segments: config.segments, ruleMap: config.ruleMap },
    documentCookies: env.documentCookies,
    segmentsAvailable: false,
    ruleMapAvailable: false,
    depth: 0,
  };
}

function isTargeted(config: ParsedConfig, rule: Rule, visitor: EvaluationVisitor, env: EvaluationEnv): boolean {
  const segment = rule.segment;
  if (!segment || segment.empty) return true;
  const ctx = targetingContext(config, visitor, env, rule.experimentId);
  // The official engine hands SEGMENT and TARGET_FEATURE_FLAG conditions their lookup tables
  // only when the rule's own segment has such a condition at its top level.
  ctx.segmentsAvailable = segment.types.has('SEGMENT');
  ctx.ruleMapAvailable = segment.types.has('TARGET_FEATURE_FLAG');
  return segment.evaluate(ctx);
}

/** Contextual-bandit choice: the best-scored group that has variations of this rule. */
function banditChoice(rule: Rule, identifier: string, data: VisitorData | undefined, hashes: HashMemo): VariationByExpositionJson | null {
  const groups = data?.cbScores?.get(rule.experimentId);
  if (!groups) return null;
  for (const ids of groups) {
    const candidates = rule.variationByExposition.filter((v) => v.variationId !== null && ids.includes(v.variationId));
    if (candidates.length === 0) continue;
    if (candidates.length === 1) return candidates[0];
    const h = hashes.hash(identifier, rule.variationSalt);
    return candidates[Math.min(Math.floor(h * candidates.length), candidates.length - 1)];
  }
  return null;
}

/**
 * The ids of the audience-tracking segments the visitor is in. A segment that fails to evaluate
 * is reported to `onError` and counted as not matched, so one bad segment hides no other.
 */
export function matchingAudiences(config: ParsedConfig, visitor: EvaluationVisitor, env: EvaluationEnv, onError: (segmentId: string, err: unknown) => void): number[] {
  const matched: number[] = [];
  for (const segment of config.segments.values()) {
    if (!segment.audienceTracking) continue;
    const ctx = targetingContext(config, visitor, env, null);
    ctx.segmentsAvailable = segment.types.has('SEGMENT');
    ctx.ruleMapAvailable = segment.types.has('TARGET_FEATURE_FLAG');
    try {
      if (segment.evaluate(ctx)) matched.push(Number(segment.id));
    } catch (err) {
      onError(segment.id, err);
    }
  }
  return matched;
}
