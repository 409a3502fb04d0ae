import { ConfigurationError } from '../errors.ts';
import { CONDITIONS } from '../targeting/conditions.ts';
import { nativeUserRegExp, type RegexCompiler } from '../targeting/nativeRegex.ts';
import type { ConfigurationJson, FeatureFlagJson, RuleJson, SegmentJson, VariableJson, VariationByExpositionJson } from './types.ts';
import { buildModel, type ParsedConfig } from './model.ts';
import { msg } from '../logging/msg.ts';

export type { ConsentSettings, FeatureFlag, FlagVariation, ParsedConfig, Rule } from './model.ts';

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
 * Validates a configuration document and derives the evaluation model (model.ts). The whole
 * document is checked before anything is built, so a bad document is rejected as a whole.
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
  check(raw);
  return buildModel(raw, compile, CONDITIONS);
}

/** Checks what buildModel reads, in the order it reads it; fills in the segments' missing operator lists. */
function check(raw: ConfigurationJson): void {
  const flagsJson = array<FeatureFlagJson>(raw.featureFlags, 'featureFlags');
  const customDataJson = array<Record<string, unknown>>(raw.customData ?? [], 'customData');
  const segmentsJson = raw.segments == null ? null : array<unknown>(raw.segments, 'segments').map((s, i) => checkSegment(s, `segments[${i}]`));

  customDataJson.forEach((cd, i) => {
    if (!isObject(cd)) fail(`customData[${i}]`, 'an object', cd);
    finite(cd.index, `customData[${i}].index`);
  });

  flagsJson.forEach((f, i) => {
    const path = `featureFlags[${i}]`;
    if (!isObject(f)) fail(path, 'an object', f);
    finite(f.id, `${path}.id`);
    text(f.featureKey, `${path}.featureKey`);
    text(f.defaultVariationKey, `${path}.defaultVariationKey`);
    if (f.mutuallyExclusiveGroup) text(f.mutuallyExclusiveGroup, `${path}.mutuallyExclusiveGroup`);
    array<RuleJson>(f.rules, `${path}.rules`).forEach((r, j) => checkRule(r, `${path}.rules[${j}]`, segmentsJson));
    array<Record<string, unknown>>(f.variations, `${path}.variations`).forEach((v, j) => {
      if (!isObject(v)) fail(`${path}.variations[${j}]`, 'an object', v);
      text(v.key, `${path}.variations[${j}].key`);
      array<VariableJson>(v.variables ?? [], `${path}.variations[${j}].variables`).forEach((x, k) => {
        if (!isObject(x)) fail(`${path}.variations[${j}].variables[${k}]`, 'an object', x);
        text(x.key, `${path}.variations[${j}].variables[${k}].key`);
        text(x.type, `${path}.variations[${j}].variables[${k}].type`);
      });
    });
  });

  if (raw.holdout != null) {
    if (!isObject(raw.holdout)) fail('holdout', 'an object', raw.holdout);
    id32(raw.holdout.experimentId, 'holdout.experimentId');
    checkSplit(raw.holdout.variationByExposition, 'holdout.variationByExposition');
  }
}

function checkRule(r: RuleJson, path: string, segmentsJson: SegmentJson[] | null): void {
  if (!isObject(r)) fail(path, 'an object', r);
  if (!segmentsJson && r.segment != null) checkSegment(r.segment, `${path}.segment`);
  finite(r.id, `${path}.id`);
  id32(r.experimentId, `${path}.experimentId`);
  optionalNumber(r.respoolTime, `${path}.respoolTime`);
  text(r.type, `${path}.type`);
  finite(r.exposition, `${path}.exposition`);
  checkSplit(r.variationByExposition, `${path}.variationByExposition`);
}
