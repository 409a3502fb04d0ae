import { KameleoonException, TargetingError } from '../errors.ts';
import type { RegexCompiler, UserRegExp } from './nativeRegex.ts';
import { msg } from '../logging/msg.ts';

/**
 * Text and version matching shared by conditions. A matcher is built once per condition, and its
 * regular expression compiled on first use: the same few patterns run millions of times.
 */

/**
 * An EXACT / CONTAINS / REGULAR_EXPRESSION test against `expected`; any other match type never
 * matches. A bad pattern throws when first used, as the official engine does; patterns run in
 * the time `compile` bounds (see `Platform.compileRegex`).
 */
export function textMatcher(matchType: unknown, expected: unknown, compile: RegexCompiler): (actual: string) => boolean {
  if (matchType === 'EXACT') return (actual) => actual === expected;
  if (matchType === 'CONTAINS') {
    const needle = String(expected);
    return (actual) => actual.includes(needle);
  }
  if (matchType === 'REGULAR_EXPRESSION') {
    let re: UserRegExp | undefined;
    return (actual) => {
      if (typeof expected !== 'string') {
        throw new TargetingError(KameleoonException.TargetingCondition, msg`A REGULAR_EXPRESSION condition has no pattern.`);
      }
      re ??= compile(expected);
      return re.test(actual);
    };
  }
  return () => false;
}

/** Parses `major.minor.patch` (missing parts are 0); throws SemanticVersionParse when a part is not a number. */
function parseVersion(version: string): [number, number, number] {
  const parts = version.split('.').map((x) => parseInt(x, 10));
  while (parts.length < 3) parts.push(0);
  if (parts.some((p) => Number.isNaN(p))) {
    throw new TargetingError(KameleoonException.SemanticVersionParse, msg`"${version}" is not a version of the form x.y.z.`);
  }
  return [parts[0], parts[1], parts[2]];
}

/** Semantic-version comparison for SDK_LANGUAGE and APPLICATION_VERSION (EQUAL / GREATER / LOWER). */
export function compareVersions(version: string, against: string, matchType: unknown): boolean {
  const [a1, a2, a3] = parseVersion(version);
  const [b1, b2, b3] = parseVersion(against);
  if (matchType === 'EQUAL') return a1 === b1 && a2 === b2 && a3 === b3;
  if (matchType === 'GREATER') return a1 > b1 || (a1 === b1 && (a2 > b2 || (a2 === b2 && a3 > b3)));
  if (matchType === 'LOWER') return a1 < b1 || (a1 === b1 && (a2 < b2 || (a2 === b2 && a3 < b3)));
  return false;
}
