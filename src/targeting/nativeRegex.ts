import { KameleoonException, TargetingError } from '../errors.ts';
import { msg } from '../logging/msg.ts';

/** A compiled user regular expression. */
export interface UserRegExp {
  test(text: string): boolean;
}

/** Compiles a condition's pattern into a matcher (see `Platform.compileRegex`). */
export type RegexCompiler = (pattern: string) => UserRegExp;

/** A condition's pattern, split as the official engine does, and its native compilation. */
interface UserPattern {
  expression: string;
  flags: string;
  native: UserRegExp;
}

/**
 * Reads a condition's pattern, `/expr/flags` or the whole string, as the official engine does
 * (split on `/`, so a slash inside `expr` truncates it), and compiles it natively.
 * @throws TargetingError when the pattern is invalid (and, from `test`, when the engine fails)
 */
export function userPattern(pattern: string): UserPattern {
  const fail = (what: string, cause: unknown) => new TargetingError(KameleoonException.TargetingCondition, msg`${what} regular expression in a targeting condition: ${pattern.slice(0, 200)}`, { cause });
  let expression = pattern;
  let flags = '';
  let re: RegExp;
  try {
    if (pattern[0] === '/') [, expression, flags = ''] = pattern.split('/');
    re = new RegExp(expression, flags);
  } catch (err) {
    throw fail('Invalid', err);
  }
  const test = (text: string): boolean => {
    re.lastIndex = 0; // a `g` or `y` flag must not carry state between visitors
    try {
      return re.test(text);
    } catch (err) {
      // V8 compiles a pattern when first run: "too large" comes then, or a backtracking stack overflow.
      throw fail('Failed', err);
    }
  };
  return { expression, flags, native: { test } };
}

/**
 * The browsers' compiler: the native engine, as the official SDK. A pattern of the project's own
 * configuration that backtracks badly can only slow the visitor's own page; servers, where one
 * visitor's text would stall every other request, use the bounded-time compiler of regex.ts.
 */
export const nativeUserRegExp: RegexCompiler = (pattern) => userPattern(pattern).native;
