/**
 * The browsers' compiler of targeting patterns (nativeUserRegExp) against the servers' bounded-time
 * one (compileUserRegExp): the same answers on the differential pools' patterns and texts, the
 * same `/expr/flags` reading, no state carried between visitors by `g`/`y`, and the same typed
 * error for an invalid pattern.
 */
import { describe, expect, it } from 'vitest';
import { KameleoonException } from '../../src/errors.ts';
import { nativeUserRegExp } from '../../src/targeting/nativeRegex.ts';
import { compileUserRegExp } from '../../src/targeting/regex.ts';
import { POOLS } from '../differential/pools.ts';

describe('native regular expressions of targeting conditions (browsers)', () => {
  it('answers as the servers\' compiler on every pool pattern and text', () => {
    const patterns = [...POOLS.regexes, ...POOLS.cookieNameRegexes, ...POOLS.visitorCodeRegexes, '/x/', '/ab+c/y', '(a+)+$'];
    const texts = [...POOLS.urls, ...POOLS.titles, ...POOLS.cookieNames, ...POOLS.knownVisitorCodes, '', 'free premium', 'abbc abc'];
    let compared = 0;
    for (const pattern of patterns) {
      const browser = nativeUserRegExp(pattern);
      const server = compileUserRegExp(pattern);
      for (const text of texts) {
        expect({ pattern, text, answer: browser.test(text) }).toEqual({ pattern, text, answer: server.test(text) });
        compared++;
      }
    }
    expect(compared).toBe(patterns.length * texts.length);
  });

  it('reads /expr/flags as the official engine (a slash inside cuts the expression)', () => {
    expect(nativeUserRegExp('/CART/i').test('my cart')).toBe(true);
    expect(nativeUserRegExp('CART').test('my cart')).toBe(false);
    // '/a/b/c' is the expression 'a' with the flags 'b' — invalid flags, so a TargetingError.
    expect(() => nativeUserRegExp('/a/b/c')).toThrow(expect.objectContaining({ type: KameleoonException.TargetingCondition }));
    expect(nativeUserRegExp('/x/').test('xyz')).toBe(true);
  });

  it('carries no state between texts with the g and y flags', () => {
    const global = nativeUserRegExp('/cart/g');
    expect([global.test('cart'), global.test('cart'), global.test('cart')]).toEqual([true, true, true]);
    const sticky = nativeUserRegExp('/ab/y');
    expect([sticky.test('abab'), sticky.test('abab')]).toEqual([true, true]);
  });

  it('an invalid pattern is a TargetingError naming it, as on servers', () => {
    for (const compile of [nativeUserRegExp, compileUserRegExp]) {
      expect(() => compile('(unclosed')).toThrow(expect.objectContaining({ type: KameleoonException.TargetingCondition, message: expect.stringContaining('(unclosed') }));
    }
  });
});
