/**
 * Catastrophic regular expressions in targeting conditions (custom data, page URL and title,
 * visitor code, cookie): `(a+)+$` against thirty `a` and a `!`, `.*a.*b` against 20,000 `a`. The
 * native engine needs seconds to hours for these; ours answers in about a millisecond (see
 * src/targeting/regex.ts), with the native engine's answers, and refuses at once (TargetingError)
 * a catastrophic pattern it cannot run. The automaton is compared with the native engine on seeded
 * random patterns and texts (seeds 1 to 3) and on the differential tests' patterns.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Cookie, CustomData, KameleoonException, PageView, type KameleoonClient } from '../../src/node.ts';
import { compileUserRegExp } from '../../src/targeting/regex.ts';
import { POOLS } from '../differential/pools.ts';
import { Rng } from '../differential/rng.ts';
import { prototypeSnapshot } from './configMutations.ts';
import { offlineClient } from './offlineClient.ts';

const prototypesBefore = prototypeSnapshot();
// Nothing reaches Object.prototype or the other built-in prototypes (as in configs.test.ts).
afterAll(() => expect(prototypeSnapshot()).toEqual(prototypesBefore));

describe('catastrophic regular expressions in targeting conditions', () => {
  /**
   * [pattern, hostile text (no match), a text that matches]. The native engine takes seconds on
   * the first six (2^30 ways to split thirty `a`), hours on `.*a.*b` against 20,000 `a` (cubic),
   * and several seconds on `[a-z]+$` against 100,000 letters (quadratic, by start position).
   */
  const CASES: [string, string, string][] = [
    ['(a+)+$', 'a'.repeat(30) + '!', 'xaaa'],
    ['^(\\w+\\s?)*$', 'a'.repeat(30) + '!', 'hello big world'],
    ['^(a|a)*$', 'a'.repeat(30) + '!', 'aaa'],
    ['^(a|aa)+$', 'a'.repeat(30) + '!', 'aaaa'],
    ['/^(x+x+)+y$/i', 'x'.repeat(30), 'XXy'],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', 'a'.repeat(30) + '!', 'abDef'],
    ['.*a.*b', 'a'.repeat(20_000), 'xaxb'],
    ['[a-z]+$', 'a'.repeat(100_000) + '!', 'abc'],
  ];

  /** One flag per (condition type, pattern): a targeted delivery of `on` to a segment with that condition. */
  function regexConfig(): { doc: Record<string, any>; flags: { key: string; type: string; pattern: string; hostile: string; benign: string }[] } {
    const flags: { key: string; type: string; pattern: string; hostile: string; benign: string }[] = [];
    const segments: unknown[] = [];
    const featureFlags: unknown[] = [];
    const types: [string, (p: string) => Record<string, unknown>][] = [
      ['CUSTOM_DATUM', (value) => ({ customDataIndex: '1', valueMatchType: 'REGULAR_EXPRESSION', value })],
      ['PAGE_URL', (url) => ({ matchType: 'REGULAR_EXPRESSION', url })],
      ['PAGE_TITLE', (title) => ({ matchType: 'REGULAR_EXPRESSION', title })],
      ['VISITOR_CODE', (visitorCode) => ({ matchType: 'REGULAR_EXPRESSION', visitorCode })],
      ['COOKIE', (value) => ({ name: 'ab', nameMatchType: 'EXACT', value, valueMatchType: 'REGULAR_EXPRESSION' })],
    ];
    CASES.forEach(([pattern, hostile, benign], i) => {
      types.forEach(([type, fields], j) => {
        if (type === 'VISITOR_CODE' && hostile.length > 255) return; // visitor codes are at most 255 characters
        const id = 100 * (i + 1) + j;
        segments.push({ id, name: `${type} ${pattern}`, audienceTracking: true, conditionsData: { firstLevelOrOperators: [], firstLevel: [{ orOperators: [], conditions: [{ targetingType: type, isInclude: true, ...fields(pattern) }] }] } });
        const key = `re_${id}`;
        featureFlags.push({
          id,
          featureKey: key,
          environmentEnabled: true,
          defaultVariationKey: 'off',
          variations: [{ key: 'off', variables: [] }, { key: 'on', variables: [] }],
          rules: [{ id: id * 10, type: 'TARGETED_DELIVERY', exposition: 1, experimentId: id * 10 + 1, respoolTime: null, segmentId: id, variationByExposition: [{ variationKey: 'on', variationId: id * 10 + 2, exposition: 1 }] }],
        });
        flags.push({ key, type, pattern, hostile, benign });
      });
    });
    const doc = { configuration: { consentType: 'NOT_REQUIRED' }, customData: [{ id: 1, index: 1, name: 'text', localOnly: false, scope: 'VISIT' }], segments, featureFlags };
    return { doc, flags };
  }

  /** The visitor whose data is `text` where the condition type reads it. */
  function visitorWith(client: KameleoonClient, type: string, text: string, n: number): string {
    const visitorCode = type === 'VISITOR_CODE' ? text : `visitor-${type}-${n}`;
    if (type === 'CUSTOM_DATUM') client.addData(visitorCode, new CustomData(1, text));
    if (type === 'PAGE_URL' || type === 'PAGE_TITLE') client.addData(visitorCode, new PageView({ urlAddress: text, title: text }));
    if (type === 'COOKIE') client.addData(visitorCode, new Cookie([{ key: 'ab', value: text }]));
    return visitorCode;
  }

  it('every evaluation completes in well under a second, with the native answers', async () => {
    const { doc, flags } = regexConfig();
    const client = offlineClient(doc);
    await client.initialize();
    let slowest = 0;
    let n = 0;
    for (const flag of flags) {
      for (const [text, expected] of [[flag.hostile, 'off'], [flag.benign, 'on']] as const) {
        const visitorCode = visitorWith(client, flag.type, text, n++);
        const started = performance.now();
        const key = client.getVariation({ visitorCode, featureKey: flag.key }).key;
        const elapsed = performance.now() - started;
        // Every audience segment of the visitor's condition type runs on its text too.
        const audiences = client.evaluateAudiences(visitorCode);
        slowest = Math.max(slowest, elapsed);
        expect({ flag: `${flag.type} ${flag.pattern} on ${text.length} characters`, key }).toEqual({ flag: `${flag.type} ${flag.pattern} on ${text.length} characters`, key: expected });
        expect(audiences.includes(Number(flag.key.slice(3)))).toBe(expected === 'on');
        // A generous bound, far above our ~1 ms and far below the native engine's seconds to
        // hours: a slow or busy machine does not fail it, a backtracking engine cannot pass it.
        expect(elapsed).toBeLessThan(1_000);
      }
    }
    console.log(`[regex] ${flags.length * 2} evaluations with catastrophic regular expressions, slowest ${slowest.toFixed(1)} ms`);
    await client.close();
  });

  it('a catastrophic pattern the automaton cannot run (a backreference) is refused: TargetingError, at once', async () => {
    const { doc } = regexConfig();
    doc.segments[0].conditionsData.firstLevel[0].conditions[0].value = '^(a+)+\\1$';
    const client = offlineClient(doc);
    await client.initialize();
    client.addData('v', new CustomData(1, 'a'.repeat(30) + '!'));
    const started = performance.now();
    expect(() => client.getVariation({ visitorCode: 'v', featureKey: 're_100' })).toThrow(expect.objectContaining({ type: KameleoonException.TargetingCondition, message: expect.stringContaining('Refused') }));
    expect(client.getVariationDetails({ visitorCode: 'v', featureKey: 're_100' }).reason.kind).toBe('ERROR');
    expect(performance.now() - started).toBeLessThan(1_000);
    // A backreference in a pattern of safe shape still runs natively.
    expect(compileUserRegExp('^(ab)c\\1$').test('abcab')).toBe(true);
    await client.close();
  });

  it('the automaton answers as the native engine on seeded random patterns and texts', () => {
    let checks = 0;
    const mismatches: string[] = [];
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      const atoms = ['a', 'b', 'c', '.', '\\d', '\\w', '\\s', '\\W', '[ab]', '[^a]', '[a-c]', '\\.', 'A', 'x', 'é', '\\u00e9', '[^]', '\\x41'];
      const gen = (depth: number): string => {
        const r = rng.int(0, depth > 3 ? 3 : 9);
        if (r <= 3) return rng.pick(atoms);
        if (r === 4) return gen(depth + 1) + gen(depth + 1);
        if (r === 5) return `(${gen(depth + 1)}|${gen(depth + 1)})`;
        if (r === 6) return `(?:${gen(depth + 1)})${rng.pick(['*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?'])}`;
        if (r === 7) return rng.pick(['^', '$', '\\b', '\\B']) + gen(depth + 1);
        if (r === 8) return `${rng.pick(['(?=', '(?!', '(?<=', '(?<!'])}${gen(depth + 1)})${gen(depth + 1)}`;
        return gen(depth + 1) + rng.pick(['*', '+', '?']);
      };
      for (let i = 0; i < 1_000; i++) {
        const flags = rng.pick(['', 'i', 'm', 's', 'u', 'y', 'iu', 'ms', 'g']);
        const body = gen(0);
        let native: RegExp;
        try {
          native = new RegExp(body, flags);
        } catch {
          continue;
        }
        const pattern = `/${body}/${flags}`;
        const automaton = compileUserRegExp(pattern, 'automaton');
        const chosen = compileUserRegExp(pattern);
        for (let k = 0; k < 20; k++) {
          let text = '';
          for (let j = rng.int(0, 10); j > 0; j--) text += rng.pick(['a', 'b', 'c', 'A', '1', ' ', '\n', '.', 'x', 'é', 'É', '\u2028', '😀']);
          native.lastIndex = 0;
          const expected = native.test(text);
          checks++;
          if (automaton.test(text) !== expected || chosen.test(text) !== expected) mismatches.push(`seed ${seed}: ${pattern} on ${JSON.stringify(text)}: native ${expected}`);
        }
      }
    }
    // The differential tests' patterns, on their URLs and on texts long enough for the automaton.
    for (const pattern of [...POOLS.regexes, ...POOLS.cookieNameRegexes]) {
      const [body, flags] = pattern[0] === '/' ? pattern.split('/').slice(1) : [pattern, ''];
      const native = new RegExp(body, flags);
      for (const text of [...POOLS.urls, ...POOLS.titles, 'x'.repeat(5_000) + POOLS.urls[1], 'premium'.repeat(1_000) + 'm']) {
        native.lastIndex = 0;
        const expected = native.test(text);
        checks++;
        if (compileUserRegExp(pattern).test(text) !== expected || compileUserRegExp(pattern, 'automaton').test(text) !== expected) mismatches.push(`${pattern} on ${text.slice(0, 40)}`);
      }
    }
    console.log(`[regex] automaton vs native: ${checks} checks, ${mismatches.length} mismatches`);
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(checks).toBeGreaterThan(40_000);
  });
});
