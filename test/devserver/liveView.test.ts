/**
 * The dev server's live view as data: rules in words, counts by variation and goal, event names,
 * and the location of a load error.
 */
import { describe, expect, it } from 'vitest';
import { convertFriendlyConfig } from '../../src/devserver/friendlyConfig.ts';
import { decodeLine } from '../../src/devserver/events.ts';
import { LiveCounts, loadError } from '../../src/devserver/liveView.ts';

const config = convertFriendlyConfig(`
consent: required
customData: [plan]
segments:
  premium: [{ customData: plan, is: premium }]
holdout: 10
flags:
  checkout:
    variations:
      off: {}
      on: { name: One page }
    rules:
      - deliver: on
        to: premium
        traffic: 50
      - experiment: { off: 50, on: 50 }
        traffic: 80
      - experiment: { off: 20, on: 80 }
        traffic: 25
  old:
    enabled: false
`);
const [checkout] = config.featureFlags;
const idOf = (rule: number, key: string) => String(checkout.rules[rule].variationByExposition.find((v) => v.variationKey === key)!.variationId);
const exp = (rule: number) => String(checkout.rules[rule].experimentId);

let nonce = 0;
const line = (visitor: string, type: string, params: Record<string, string>) =>
  decodeLine(`eventType=${type}&${new URLSearchParams(params)}&nonce=N${nonce++}&visitorCode=${visitor}`, 'site', 0)!;

describe('LiveCounts', () => {
  it('says each rule in words, with its segment and traffic', () => {
    const [flag, old] = new LiveCounts().state(config).flags;
    expect(flag.rules.map((r) => r.text)).toEqual([
      'Visitors in segment "premium": 50 % get on (One page), the others off (the default).',
      'All visitors: 80 % in an experiment, split off 50 %, on (One page) 50 %. The other 20 % go on to the next rule.',
      'All visitors: 25 % in an experiment, split off 20 %, on (One page) 80 %. The other 75 % get off (the default).',
    ]);
    expect(flag.rules[0].segment).toBe('premium');
    expect(flag.fallback).toBe('Everyone else: off (the default).');
    expect(old.fallback).toBe('Disabled: every visitor gets off (the default).');
    expect(new LiveCounts().state(config).consentRequired).toBe(true);
  });

  it('counts exposed visitors per variation, and conversions of the visitors exposed before', () => {
    const counts = new LiveCounts();
    counts.add([
      line('a', 'experiment', { id: exp(1), variationId: idOf(1, 'on') }),
      line('a', 'experiment', { id: exp(1), variationId: idOf(1, 'on') }), // the same visitor again
      line('b', 'experiment', { id: exp(1), variationId: idOf(1, 'on') }),
      line('c', 'experiment', { id: exp(1), variationId: idOf(1, 'off') }),
      line('d', 'experiment', { id: exp(1), variationId: 'null' }),
      line('a', 'conversion', { goalId: '5', revenue: '12.5' }),
      line('e', 'conversion', { goalId: '5' }), // never exposed
      line('c', 'page', { href: 'https://shop.test/' }),
    ]);
    counts.add([line('c', 'conversion', { goalId: '9' })]);
    const state = counts.state(config, undefined, { '5': 'purchase' });
    const split = state.flags[0].rules[1].split;
    expect(split.map((s) => [s.variationKey, s.visitors, s.exposures, s.percent])).toEqual([['off', 1, 1, 50], ['on', 2, 3, 50]]);
    expect(split[1].conversions).toEqual({ '5': { visitors: 1, rate: 0.5 }, '9': { visitors: 0, rate: 0 } });
    expect(split[0].conversions).toEqual({ '5': { visitors: 0, rate: 0 }, '9': { visitors: 1, rate: 1 } });
    expect(state.goals).toEqual([{ goalId: '5', name: 'purchase (goal 5)', conversions: 2, visitors: 2, revenue: 12.5 }, { goalId: '9', name: 'goal 9', conversions: 1, visitors: 1, revenue: 0 }]);
    expect(state.visitors).toBe(5);
    expect(state.events).toBe(9);
    expect(state.flags[0].rules[0].split[0].visitors).toBe(0);
  });

  it('names events after the flags, variations, goals and custom data', () => {
    const counts = new LiveCounts();
    const name = (e: ReturnType<typeof line>) => counts.name(e, config).summary;
    expect(name(line('a', 'experiment', { id: exp(2), variationId: idOf(2, 'on') }))).toBe('exposure: checkout → on (rule 3)');
    expect(name(line('a', 'experiment', { id: String(config.holdout!.experimentId), variationId: String(config.holdout!.variationByExposition[0].variationId) }))).toBe('exposure: holdout → in-holdout');
    expect(name(line('a', 'experiment', { id: '1', variationId: '2' }))).toBe('exposure: experiment 1, variation 2 (not in this configuration)');
    expect(name(line('a', 'conversion', { goalId: '5', revenue: '3', negative: 'true' }))).toBe('conversion: goal 5, revenue 3 (cancelled)');
    expect(counts.name(line('a', 'conversion', { goalId: '5' }), config, { '5': 'purchase' }).summary).toBe('conversion: purchase (goal 5)');
    expect(name(line('a', 'customData', { index: '0', valuesCountMap: '{"premium":1}' }))).toBe('custom data: plan = premium');
    expect(name(line('a', 'staticData', { browser: 'Chrome', os: 'Linux', deviceType: 'Desktop' }))).toBe('visitor details: Chrome, Linux, Desktop');
    expect(name(line('a', 'staticData', { browser: 'Chrome', visitNumber: '2' }))).toBe('visitor details: visit 2, Chrome');
  });
});

describe('loadError', () => {
  it('reads the line and column of a configuration error', () => {
    let message = '';
    try {
      convertFriendlyConfig('flags:\n  a:\n    rules:\n      - deliver: maybe\n');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(loadError(message, 7)).toEqual({ message, time: 7, line: 4, column: 18 });
    expect(loadError('not JSON', 7)).toEqual({ message: 'not JSON', time: 7 });
  });
});
