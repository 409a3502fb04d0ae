/**
 * The visit scope of the CONVERSIONS, TARGET_FEATURE_FLAG, TARGET_EXPERIMENT,
 * TARGET_PERSONALIZATION and EXCLUSIVE_EXPERIMENT conditions (`visitScope`, `visitCount`), as
 * the official Go 3.20 / PHP 4.22 SDKs define it, through the engine: one flag per condition,
 * "on" when the condition holds, and one record (a conversion, an assignment, a personalization)
 * made during the current visit, a previous one, the oldest known one, before every known visit,
 * or at an unknown time. Conditions without either field decide as the official JavaScript SDK
 * 4.17.1 does (every record counts): our deliberate choice, where Go would apply its defaults.
 */
import { describe, expect, it } from 'vitest';
import { parseConfiguration } from '../../src/config/parse.ts';
import { unknownConditionFields, warnUnknownConditionFields } from '../../src/targeting/unknownFields.ts';
import { evaluateFlag, type EvaluationEnv, type EvaluationVisitor } from '../../src/evaluation/evaluate.ts';
import { HashMemo } from '../../src/hashing/memo.ts';
import { emptyVisitorData, VisitorStore } from '../../src/visitor/visitorStore.ts';
import { oneFlagPerCondition } from '../support/conditionFlags.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** Starts of the visits: the oldest known, the previous one, the current one. */
const OLDEST = Date.UTC(2025, 4, 1, 9, 0, 0);
const PREVIOUS = OLDEST + 2 * DAY;
const CURRENT = OLDEST + 3 * DAY;
const NOW = CURRENT + 20 * MIN;

/** When the record was made. */
const WHEN = {
  current: CURRENT + 5 * MIN,
  previous: PREVIOUS + 5 * MIN,
  oldest: OLDEST + 5 * MIN,
  before: OLDEST - 5 * DAY,
  unknown: undefined,
} as const;
type When = keyof typeof WHEN;
const ALL: When[] = ['current', 'previous', 'oldest', 'before', 'unknown'];

/** The flag whose rule's assignment TARGET_FEATURE_FLAG looks for (the last flag of the configuration). */
const SOURCE_FLAG_ID = 900;
const SOURCE_RULE_ID = 901;
const SOURCE_EXPERIMENT = 902;
const SOURCE_VARIATION = 903;
const GOAL = 42;
const PERSONALIZATION = 77;

type Kind = 'CONVERSIONS' | 'CONVERSIONS_ANY' | 'TARGET_FEATURE_FLAG' | 'TARGET_FEATURE_FLAG_RULE_KEY' | 'TARGET_EXPERIMENT' | 'TARGET_EXPERIMENT_OLD_NAMES' | 'TARGET_PERSONALIZATION' | 'EXCLUSIVE_EXPERIMENT' | 'EXCLUSIVE_PERSONALIZATION';
const KINDS: Kind[] = ['CONVERSIONS', 'CONVERSIONS_ANY', 'TARGET_FEATURE_FLAG', 'TARGET_FEATURE_FLAG_RULE_KEY', 'TARGET_EXPERIMENT', 'TARGET_EXPERIMENT_OLD_NAMES', 'TARGET_PERSONALIZATION', 'EXCLUSIVE_EXPERIMENT', 'EXCLUSIVE_PERSONALIZATION'];

function condition(kind: Kind): Record<string, unknown> {
  switch (kind) {
    case 'CONVERSIONS': return { targetingType: 'CONVERSIONS', goalId: GOAL };
    case 'CONVERSIONS_ANY': return { targetingType: 'CONVERSIONS', goalId: -1 };
    case 'TARGET_FEATURE_FLAG': return { targetingType: 'TARGET_FEATURE_FLAG', featureFlagId: SOURCE_FLAG_ID };
    case 'TARGET_FEATURE_FLAG_RULE_KEY': return { targetingType: 'TARGET_FEATURE_FLAG', featureFlagId: SOURCE_FLAG_ID, ruleId: SOURCE_RULE_ID, variationKey: 'on' };
    case 'TARGET_EXPERIMENT': return { targetingType: 'TARGET_EXPERIMENT', experimentId: SOURCE_EXPERIMENT, variationId: SOURCE_VARIATION, variationMatchType: 'EXACT' };
    case 'TARGET_EXPERIMENT_OLD_NAMES': return { targetingType: 'TARGET_EXPERIMENT', experiment: SOURCE_EXPERIMENT, variationMatchType: 'ANY' };
    case 'TARGET_PERSONALIZATION': return { targetingType: 'TARGET_PERSONALIZATION', personalizationId: PERSONALIZATION };
    case 'EXCLUSIVE_EXPERIMENT': return { targetingType: 'EXCLUSIVE_EXPERIMENT', campaignType: 'EXPERIMENT' };
    case 'EXCLUSIVE_PERSONALIZATION': return { targetingType: 'EXCLUSIVE_EXPERIMENT', campaignType: 'PERSONALIZATION' };
  }
}

/** Scope settings, by name: the fields added to the condition. */
const SCOPES: Record<string, Record<string, unknown>> = {
  absent: {},
  nulls: { visitScope: null, visitCount: null },
  current: { visitScope: 'CURRENT_VISIT' },
  currentLowerCase: { visitScope: 'current_visit' },
  visitor1: { visitScope: 'VISITOR', visitCount: 1 },
  visitor2: { visitScope: 'VISITOR', visitCount: 2 },
  visitor3: { visitScope: 'VISITOR', visitCount: 3 },
  visitor25: { visitScope: 'VISITOR', visitCount: 25 },
  visitorNoCount: { visitScope: 'Visitor' },
  visitorZero: { visitScope: 'VISITOR', visitCount: 0 },
  visitorNegative: { visitScope: 'VISITOR', visitCount: -4 },
  visitorString: { visitScope: 'VISITOR', visitCount: '2' },
  countOnly2: { visitCount: 2 },
  bogus2: { visitScope: 'LAST_WEEK', visitCount: 2 },
};

/** Which records count under each scope (browser and server alike, with the three visits known). */
const VISITOR_DEFAULT: Record<string, When[]> = {
  absent: ALL,
  nulls: ALL,
  current: ['current', 'unknown'],
  currentLowerCase: ['current', 'unknown'],
  visitor1: ['current', 'unknown'],
  visitor2: ['current', 'previous', 'unknown'],
  visitor3: ['current', 'previous', 'oldest', 'unknown'],
  // 25 visits reach past the oldest known: clamped to it.
  visitor25: ['current', 'previous', 'oldest', 'unknown'],
  visitorNoCount: ['current', 'previous', 'oldest', 'unknown'],
  visitorZero: ['current', 'previous', 'oldest', 'unknown'],
  visitorNegative: ['current', 'previous', 'oldest', 'unknown'],
  visitorString: ['current', 'previous', 'unknown'],
  // visitCount without visitScope: the condition's default scope (VISITOR here).
  countOnly2: ['current', 'previous', 'unknown'],
  bogus2: ['current', 'previous', 'unknown'],
};
/** TARGET_* conditions default to the current visit. */
const CURRENT_DEFAULT: Record<string, When[]> = { ...VISITOR_DEFAULT, countOnly2: ['current', 'unknown'], bogus2: ['current', 'unknown'] };
const defaultsOf = (kind: Kind) => (kind.startsWith('TARGET_') ? CURRENT_DEFAULT : VISITOR_DEFAULT);

const keyOf = (kind: Kind, scope: string) => `${kind}:${scope}`;

function buildConfig() {
  const conditions: Record<string, Record<string, unknown>> = {};
  for (const kind of KINDS) for (const [name, fields] of Object.entries(SCOPES)) conditions[keyOf(kind, name)] = { ...condition(kind), ...fields };
  const doc = oneFlagPerCondition(conditions);
  doc.featureFlags.push({
    id: SOURCE_FLAG_ID,
    featureKey: 'source',
    environmentEnabled: true,
    defaultVariationKey: 'off',
    variations: [{ key: 'off', variables: [] }, { key: 'on', variables: [] }],
    rules: [{ id: SOURCE_RULE_ID, order: 1, type: 'EXPERIMENTATION', exposition: 1, experimentId: SOURCE_EXPERIMENT, respoolTime: null, segmentId: null as never, variationByExposition: [{ variationKey: 'on', variationId: SOURCE_VARIATION, exposition: 1 }] }],
  });
  return parseConfiguration(doc);
}

const config = buildConfig();

interface Setup {
  server: boolean;
  /** Visit starts as the visitor's data holds them (browsers: the current visit last). */
  visits: number[] | undefined;
  /** Servers: the last activity of the latest previous visit (the Data API's, kept by getRemoteVisitorData). */
  lastActivity?: number;
}

const BROWSER: Setup = { server: false, visits: [OLDEST, PREVIOUS, CURRENT] };
const SERVER: Setup = { server: true, visits: [OLDEST, PREVIOUS], lastActivity: PREVIOUS + 30 * MIN };

/** The decision of every flag of `kind` for a visitor with one record of that kind made `when`. */
function decide(kind: Kind, when: When, setup: Setup): Record<string, string> {
  const store = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW });
  const id = store.touch('visitor');
  const data = emptyVisitorData();
  if (setup.visits) data.visits = setup.visits.slice();
  store.extraOf(id).data = data;
  if (setup.lastActivity) store.extraOf(id).visitActivity = setup.lastActivity;
  const time = WHEN[when];
  if (kind.startsWith('CONVERSIONS')) data.conversions.push(time === undefined ? { goalId: GOAL, revenue: 0, negative: false } : { goalId: GOAL, revenue: 0, negative: false, time });
  else if (kind === 'TARGET_PERSONALIZATION' || kind === 'EXCLUSIVE_PERSONALIZATION') data.personalizations = new Map([[PERSONALIZATION, time ?? 0]]);
  else store.assignments(id).set(SOURCE_EXPERIMENT, SOURCE_VARIATION, false, false, time);
  const visitor: EvaluationVisitor = { code: 'visitor', data, mappingIdentifier: undefined, variations: store.assignments(id), forced: undefined, simulated: undefined, consent: 'given' };
  const env: EvaluationEnv = { sdk: { type: setup.server ? 'NODEJS' : 'JAVASCRIPT', version: '4.17.1', isServer: setup.server }, now: NOW, hashes: new HashMemo(), documentCookies: () => [] };
  const out: Record<string, string> = {};
  for (const scope of Object.keys(SCOPES)) out[scope] = evaluateFlag(config, config.flags.get(keyOf(kind, scope))!, visitor, env, false, false).variationKey;
  return out;
}

/** What `decide` should give: "on" when the record counts (EXCLUSIVE_*: when it does not). */
function expected(kind: Kind, when: When, counted: (scope: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const exclusive = kind.startsWith('EXCLUSIVE');
  for (const scope of Object.keys(SCOPES)) out[scope] = counted(scope) !== exclusive ? 'on' : 'off';
  return out;
}

describe('visit scope of the five conditions', () => {
  describe.each([['browser', BROWSER], ['server', SERVER]] as const)('%s, three visits known', (_, setup) => {
    it.each(KINDS.flatMap((kind) => ALL.map((when) => [kind, when] as const)))('%s, record made %s', (kind, when) => {
      expect(decide(kind, when, setup)).toEqual(expected(kind, when, (scope) => defaultsOf(kind)[scope].includes(when)));
    });
  });

  it.each(KINDS)('%s: without visits data the scope has no effect (browser and server)', (kind) => {
    for (const setup of [{ server: false, visits: undefined }, { server: true, visits: undefined }, { server: true, visits: [], lastActivity: PREVIOUS }]) {
      for (const when of ALL) expect(decide(kind, when, setup)).toEqual(expected(kind, when, () => true));
    }
  });

  it.each(KINDS)('%s: a browser that knows only the current visit counts from its start, whatever visitCount', (kind) => {
    const setup = { server: false, visits: [CURRENT] };
    for (const when of ALL) {
      expect(decide(kind, when, setup)).toEqual(expected(kind, when, (scope) => SCOPES[scope].visitScope == null && SCOPES[scope].visitCount == null ? true : when === 'current' || when === 'unknown'));
    }
  });

  it("a server's current visit starts a second after the latest previous visit's last activity", () => {
    // The previous visit's last activity at the current record's time: the record belongs to it.
    const longer = { ...SERVER, lastActivity: WHEN.current };
    expect(decide('CONVERSIONS', 'current', longer).current).toBe('off');
    expect(decide('CONVERSIONS', 'current', longer).visitor2).toBe('on');
    expect(decide('TARGET_FEATURE_FLAG', 'current', longer).current).toBe('off');
    // One second earlier: the record is after it.
    const shorter = { ...SERVER, lastActivity: WHEN.current - 1_000 };
    expect(decide('CONVERSIONS', 'current', shorter).current).toBe('on');
    // Unknown (no activity recorded): no threshold.
    expect(decide('CONVERSIONS', 'before', { ...SERVER, lastActivity: undefined }).current).toBe('on');
  });

  it('EXCLUSIVE_EXPERIMENT never counts the assignment of the experiment being targeted', () => {
    // The rule of the EXCLUSIVE flag itself assigned: exclusive whatever the scope.
    const store = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW });
    const id = store.touch('v');
    const data = emptyVisitorData();
    data.visits = [OLDEST, PREVIOUS, CURRENT];
    const flag = config.flags.get(keyOf('EXCLUSIVE_EXPERIMENT', 'current'))!;
    store.assignments(id).set(flag.rules[0].experimentId, 1, false, false, WHEN.current);
    const visitor: EvaluationVisitor = { code: 'v', data, mappingIdentifier: undefined, variations: store.assignments(id), forced: undefined, simulated: undefined, consent: 'given' };
    const env: EvaluationEnv = { sdk: { type: 'JAVASCRIPT', version: '4.17.1', isServer: false }, now: NOW, hashes: new HashMemo(), documentCookies: () => [] };
    expect(evaluateFlag(config, flag, visitor, env, false, false).variationKey).toBe('on');
    store.assignments(id).set(SOURCE_EXPERIMENT, SOURCE_VARIATION, false, false, WHEN.current);
    expect(evaluateFlag(config, flag, visitor, env, false, false).variationKey).toBe('off');
  });
});

describe('assignment times the engine records', () => {
  it('an evaluation that saves stamps the assignment with its time; re-evaluating refreshes it', () => {
    let clock = PREVIOUS;
    const store = new VisitorStore({ sessionDurationMs: 0, clock: () => clock });
    const id = store.touch('v');
    const data = emptyVisitorData();
    data.visits = [PREVIOUS];
    const visitor: EvaluationVisitor = { code: 'v', data, mappingIdentifier: undefined, variations: store.assignments(id), forced: undefined, simulated: undefined, consent: 'given' };
    const env: EvaluationEnv = { sdk: { type: 'JAVASCRIPT', version: '4.17.1', isServer: false }, now: PREVIOUS + 1_500, hashes: new HashMemo(), documentCookies: () => [] };
    const target = config.flags.get(keyOf('TARGET_FEATURE_FLAG', 'current'))!;
    evaluateFlag(config, config.flags.get('source')!, visitor, env, true, false);
    // Rounded up to the second: never before the visit it was made in.
    expect(store.assignments(id).timeOf(SOURCE_EXPERIMENT)).toBe(PREVIOUS + 2_000);
    expect(evaluateFlag(config, target, visitor, env, false, false).variationKey).toBe('on');

    // A new visit: the assignment of the previous one does not count for CURRENT_VISIT.
    clock = CURRENT;
    data.visits.push(CURRENT);
    env.now = CURRENT + MIN;
    expect(evaluateFlag(config, target, visitor, env, false, false).variationKey).toBe('off');
    expect(evaluateFlag(config, config.flags.get(keyOf('TARGET_FEATURE_FLAG', 'visitor2'))!, visitor, env, false, false).variationKey).toBe('on');
    expect(evaluateFlag(config, config.flags.get(keyOf('TARGET_FEATURE_FLAG', 'absent'))!, visitor, env, false, false).variationKey).toBe('on');
    // Evaluated (and saved) again in this visit: it counts again.
    evaluateFlag(config, config.flags.get('source')!, visitor, env, true, false);
    expect(evaluateFlag(config, target, visitor, env, false, false).variationKey).toBe('on');
  });

  it('an evaluation that does not save leaves the time as it was', () => {
    const store = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW });
    const id = store.touch('v');
    store.assignments(id).set(SOURCE_EXPERIMENT, SOURCE_VARIATION, false, false, WHEN.previous);
    const visitor: EvaluationVisitor = { code: 'v', data: undefined, mappingIdentifier: undefined, variations: store.assignments(id), forced: undefined, simulated: undefined, consent: 'given' };
    evaluateFlag(config, config.flags.get('source')!, visitor, { sdk: { type: 'JAVASCRIPT', version: '4.17.1', isServer: false }, now: NOW, hashes: new HashMemo(), documentCookies: () => [] }, false, false);
    expect(store.assignments(id).timeOf(SOURCE_EXPERIMENT)).toBe(Math.ceil(WHEN.previous / 1000) * 1000);
  });
});

describe('TARGET_EXPERIMENT field names', () => {
  const doc = oneFlagPerCondition({
    oldAny: { targetingType: 'TARGET_EXPERIMENT', experiment: 5, variationMatchType: 'ANY' },
    oldExact: { targetingType: 'TARGET_EXPERIMENT', experiment: 5, variation: 51, variationMatchType: 'EXACT' },
    newAny: { targetingType: 'TARGET_EXPERIMENT', experimentId: 5, variationMatchType: 'ANY' },
    newExact: { targetingType: 'TARGET_EXPERIMENT', experimentId: 5, variationId: 51, variationMatchType: 'EXACT' },
    newExactOther: { targetingType: 'TARGET_EXPERIMENT', experimentId: 5, variationId: 52, variationMatchType: 'EXACT' },
    // Both names: experimentId/variationId win.
    bothPreferNew: { targetingType: 'TARGET_EXPERIMENT', experiment: 6, experimentId: 5, variation: 52, variationId: 51, variationMatchType: 'EXACT' },
    bothOtherNew: { targetingType: 'TARGET_EXPERIMENT', experiment: 5, experimentId: 6, variationMatchType: 'ANY' },
  });
  const parsed = parseConfiguration(doc);

  it.each([
    ['oldAny', 'on'], ['oldExact', 'on'], ['newAny', 'on'], ['newExact', 'on'], ['newExactOther', 'off'], ['bothPreferNew', 'on'], ['bothOtherNew', 'off'],
  ])('%s → %s', (key, decision) => {
    const store = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW });
    const id = store.touch('v');
    store.assignments(id).set(5, 51, false, false, NOW);
    const visitor: EvaluationVisitor = { code: 'v', data: undefined, mappingIdentifier: undefined, variations: store.assignments(id), forced: undefined, simulated: undefined, consent: 'given' };
    const env: EvaluationEnv = { sdk: { type: 'JAVASCRIPT', version: '4.17.1', isServer: false }, now: NOW, hashes: new HashMemo(), documentCookies: () => [] };
    expect(evaluateFlag(parsed, parsed.flags.get(key)!, visitor, env, false, false).variationKey).toBe(decision);
  });

  it('neither name: never targeted', () => {
    const none = parseConfiguration(oneFlagPerCondition({ none: { targetingType: 'TARGET_EXPERIMENT', variationMatchType: 'ANY' } }));
    const store = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW });
    const id = store.touch('v');
    store.assignments(id).set(5, 51, false, false, NOW);
    const visitor: EvaluationVisitor = { code: 'v', data: undefined, mappingIdentifier: undefined, variations: store.assignments(id), forced: undefined, simulated: undefined, consent: 'given' };
    expect(evaluateFlag(none, none.flags.get('none')!, visitor, { sdk: { type: 'JAVASCRIPT', version: '4.17.1', isServer: false }, now: NOW, hashes: new HashMemo(), documentCookies: () => [] }, false, false).variationKey).toBe('off');
  });
});

describe('condition fields the SDK does not read', () => {
  it('are listed once each, as TYPE.field, from top-level and inline segments; known fields, unevaluated types and the scope fields are not', () => {
    const doc = oneFlagPerCondition({
      a: { targetingType: 'CONVERSIONS', goalId: 1, visitScope: 'VISITOR', visitCount: 3, newSetting: true },
      b: { targetingType: 'CONVERSIONS', goalId: 2, newSetting: 1 },
      c: { targetingType: 'FIRST_VISIT', matchType: 'GREATER', countInMillis: 5 },
      d: { targetingType: 'JS_CODE', code: 'x' },
      e: { targetingType: 'CUSTOM_DATUM', customDataIndex: '0', valueMatchType: 'EXACT', value: 'x' },
      f: { targetingType: 'TARGET_EXPERIMENT', experimentId: 1, variationId: 2, variationMatchType: 'ANY', visitScope: 'CURRENT_VISIT' },
    });
    expect(unknownConditionFields(parseConfiguration(doc).raw)).toEqual(['CONVERSIONS.newSetting', 'FIRST_VISIT.countInMillis']);

    // The older format: segments inline in the rules.
    const inline = structuredClone(doc) as Record<string, unknown> & { segments?: unknown[]; featureFlags: { rules: Record<string, unknown>[] }[] };
    const segments = inline.segments as { id: number }[];
    for (const flag of inline.featureFlags) for (const rule of flag.rules) rule.segment = segments.find((s) => s.id === rule.segmentId);
    delete inline.segments;
    expect(unknownConditionFields(parseConfiguration(inline).raw)).toEqual(['CONVERSIONS.newSetting', 'FIRST_VISIT.countInMillis']);
  });

  it('a configuration of today has none', () => {
    const doc = oneFlagPerCondition({ a: { targetingType: 'TARGET_FEATURE_FLAG', featureFlagId: 1, variationKey: 'on', ruleId: 2 }, b: { targetingType: 'PAGE_URL', url: '/', matchType: 'EXACT' } });
    expect(unknownConditionFields(parseConfiguration(doc).raw)).toEqual([]);
  });

  it('warnUnknownConditionFields warns once per field through warnOnce', () => {
    const parsed = parseConfiguration(oneFlagPerCondition({ a: { targetingType: 'CONVERSIONS', goalId: 1, newSetting: true }, b: { targetingType: 'SEGMENT', segmentId: 1, other: 2 } }));
    const seen = new Map<string, string>();
    const logger = { warnOnce: (reason: string, message: string) => void (seen.has(reason) || seen.set(reason, message)) };
    warnUnknownConditionFields(parsed.raw, logger);
    warnUnknownConditionFields(parsed.raw, logger);
    expect([...seen.keys()]).toEqual(['conditionField:CONVERSIONS.newSetting', 'conditionField:SEGMENT.other']);
    expect(seen.get('conditionField:CONVERSIONS.newSetting')).toContain('"CONVERSIONS.newSetting"');
  });
});
