import { KameleoonException, TargetingError } from '../errors.ts';
import type { ConditionJson } from '../config/types.ts';
import type { ConditionFn, TargetingContext } from './types.ts';
import { compareVersions, textMatcher } from './matchers.ts';
import type { RegexCompiler } from './nativeRegex.ts';
import { msg } from '../logging/msg.ts';

/** Compiles a condition of one type. */
export type Factory = (c: ConditionJson, compile: RegexCompiler) => ConditionFn;
/** The condition types an engine evaluates, by targeting type: CONDITIONS (conditions.ts) in full, CORE_CONDITIONS in the first stage. */
export type ConditionTable = Record<string, Factory>;

/**
 * Compiles one condition of the configuration into a function of the visitor. The semantics are
 * those of the official JavaScript engine (core 5.17.1), condition by condition, including what
 * happens with missing fields. Returns null for a type `table` does not hold: in the full table,
 * a type the engine does not evaluate, which counts as true whatever its `isInclude` (see tree.ts).
 */
export function compileCondition(c: ConditionJson, compile: RegexCompiler, table: ConditionTable): ConditionFn | null {
  // Own entries only: a targeting type such as `constructor` or `toString` is unknown, not Object's.
  const factory = Object.hasOwn(table, c.targetingType) ? table[c.targetingType] : undefined;
  return factory ? factory(c, compile) : null;
}

/** Reads a string field. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function customDatum(c: ConditionJson, compile: RegexCompiler): ConditionFn {
  const index = c.customDataIndex ? Number(c.customDataIndex) : -1;
  const matchType = c.valueMatchType;
  const expected = c.value;
  if (matchType === 'UNDEFINED') return (ctx) => !ctx.data?.customData.get(index);

  let test: (values: string[]) => boolean;
  if (matchType === 'RANGE') {
    const range = c.range;
    test = (values) => {
      if (!Array.isArray(range) || range.length !== 2) {
        throw new TargetingError(KameleoonException.RangeCheck, msg`CUSTOM_DATUM range must be [low, high], got ${JSON.stringify(range)}.`);
      }
      const [low, high] = range as [number, number];
      return values.some((v) => Number(v) >= low && Number(v) <= high);
    };
  } else if (matchType !== 'TRUE' && matchType !== 'FALSE' && typeof expected !== 'string') {
    test = () => false;
  } else if (matchType === 'AMONG_VALUES') {
    let among: Set<unknown> | undefined;
    test = (values) => {
      if (!among) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(expected as string);
        } catch (err) {
          throw new TargetingError(KameleoonException.AmongValuesCheck, msg`CUSTOM_DATUM AMONG_VALUES value is not a JSON array: ${String(expected)}`, { cause: err });
        }
        among = new Set(Array.isArray(parsed) ? parsed : []);
      }
      const set = among;
      return values.some((v) => set.has(v));
    };
  } else {
    const one = singleValueTest(matchType, expected as string, compile);
    test = (values) => values.some(one);
  }
  return (ctx) => {
    const entry = ctx.data?.customData.get(index);
    return entry ? test(entry.values) : false;
  };
}

function singleValueTest(matchType: unknown, expected: string, compile: RegexCompiler): (value: string) => boolean {
  switch (matchType) {
    case 'CONTAINS':
    case 'EXACT':
    case 'REGULAR_EXPRESSION':
      return textMatcher(matchType, expected, compile);
    case 'LOWER':
      return (v) => Number(v) < Number(expected);
    case 'EQUAL':
      return (v) => Number(v) === Number(expected);
    case 'GREATER':
      return (v) => Number(v) > Number(expected);
    case 'TRUE':
      return (v) => v.toLowerCase() === 'true';
    case 'FALSE':
      return (v) => v.toLowerCase() === 'false';
    default:
      return () => false;
  }
}

/** PAGE_URL, PAGE_TITLE, PREVIOUS_PAGE, VISITOR_CODE: a text matched EXACT/CONTAINS/REGULAR_EXPRESSION. */
export function textCondition(field: string, read: (ctx: TargetingContext) => string | undefined | null): Factory {
  return (c, compile) => {
    const matchType = c.matchType;
    const expected = str(c[field]);
    const matches = textMatcher(matchType, expected, compile);
    return (ctx) => {
      const actual = read(ctx);
      if (actual == null || !matchType || !expected) return false;
      return matches(actual);
    };
  };
}

function cookie(c: ConditionJson, compile: RegexCompiler): ConditionFn {
  const name = c.name ?? undefined;
  const value = c.value ?? undefined;
  const { nameMatchType, valueMatchType } = c;
  const valueMatches = textMatcher(valueMatchType, value, compile);
  const nameMatches = textMatcher(nameMatchType, name, compile);
  const pairMatches = ({ key, value: actual }: { key: string; value: string }): boolean => {
    if (nameMatchType === 'OPTIONAL') return value !== undefined && valueMatches(actual);
    return nameMatches(key) && valueMatches(actual);
  };
  return (ctx) => {
    if ((!name && !value) || !valueMatchType || !nameMatchType) return false;
    return ctx.documentCookies().some(pairMatches) || (ctx.data?.cookies ?? []).some(pairMatches);
  };
}

function segment(c: ConditionJson): ConditionFn {
  const segmentId = c.segmentId;
  return (ctx) => {
    if (!segmentId || !ctx.segmentsAvailable) return false;
    const target = ctx.tables.segments.get(String(segmentId));
    if (!target) return false;
    if (ctx.depth > 32) {
      throw new TargetingError(KameleoonException.TargetingCondition, msg`Segment ${String(segmentId)} refers to itself through SEGMENT conditions.`);
    }
    ctx.depth++;
    try {
      return target.evaluate(ctx);
    } finally {
      ctx.depth--;
    }
  };
}

/**
 * The condition types whose evaluation reads only what a browser page's first stage holds (custom
 * data, the visitor code, the SDK, cookies, and segments of those): the first stage's table, and
 * part of the full one.
 */
export const CORE_CONDITIONS: ConditionTable = {
  CUSTOM_DATUM: customDatum,
  VISITOR_CODE: textCondition('visitorCode', (ctx) => ctx.visitorCode),
  SDK_LANGUAGE: (c) => (ctx) => {
    const language = c.sdkLanguage;
    if (!language) return false;
    if (typeof c.version !== 'string') return ctx.sdk.type === language;
    if (!c.versionMatchType || ctx.sdk.type !== language) return false;
    return compareVersions(ctx.sdk.version, c.version, c.versionMatchType);
  },
  COOKIE: cookie,
  SEGMENT: segment,
};
