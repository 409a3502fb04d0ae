import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { convertFriendlyConfig, convertFriendlyDocument, isFriendlyConfig, loadConfigurationDocument, loadConfigurationText } from '../../src/devserver/friendlyConfig.ts';
import {
  Browser,
  ConfigurationError,
  CustomData,
  Device,
  FeatureEnvironmentDisabled,
  KameleoonClient,
  OperatingSystem,
  PageView,
  type ConfigurationJson,
  type KameleoonDataType,
} from '../../src/node.ts';
import { notModifiedRequester } from '../client/helpers.ts';

const clients: KameleoonClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** An initialized offline client on `config` (no network: 304 on refresh, a silent event source). */
async function clientFor(config: ConfigurationJson): Promise<KameleoonClient> {
  const client = new KameleoonClient({
    siteCode: 's',
    configuration: { defaultDataFile: config },
    externals: { requester: notModifiedRequester, eventSource: { open() {}, close() {} }, logger: { log() {} } },
  });
  clients.push(client);
  await client.initialize();
  return client;
}

/** How many of `count` fresh visitors get each variation of `featureKey`. */
function tally(client: KameleoonClient, featureKey: string, count = 2000): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const key = client.getFeatureFlagVariationKey(`${featureKey}-visitor-${i}`, featureKey);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const FULL = `
realTimeUpdate: false
consent: notRequired
holdout: 10
customData:
  - plan
  - name: cart_value
    scope: VISIT
  - name: user_id
    mappingIdentifier: true
    localOnly: true
  - name: tier
    index: 7
segments:
  premium:
    - customData: plan
      is: premium
  mobile:
    - any:
        - device: PHONE
        - device: TABLET
flags:
  checkout:
    default: off
    variations:
      off: {}
      on:
        name: New checkout
        variables:
          color: blue
          steps: 2
          express: true
          layout: { type: JSON, value: { columns: 2, labels: [a, b] } }
          script: { type: JS, value: "console.log('hi')" }
          style: { type: CSS, value: ".btn { color: red }" }
          label: { type: STRING, value: Pay }
          ratio: { type: NUMBER, value: 3.5 }
          legacy: { type: BOOLEAN, value: false }
    rules:
      - deliver: on
        to: premium
      - experiment: { off: 50, on: 50 }
        to: mobile
        respoolTime: 1700000000
  split:
    rules:
      - experiment:
          off: 50
          on: 50
  nobody:
    rules:
      - experiment: { off: 50, on: 50 }
        traffic: 0
  retired:
    enabled: false
    rules:
      - deliver: on
  three_way:
    default: a
    variations: { a: {}, b: {}, c: {} }
    rules:
      - experiment: { a: 20, b: 30, c: 50 }
        traffic: 50
        name: ranking
`;

/** The full example without its holdout, so that decisions depend on the rules alone. */
function fullWithoutHoldout(): ConfigurationJson {
  return { ...convertFriendlyConfig(FULL), holdout: null };
}

describe('convertFriendlyConfig: the full example', () => {
  const json = convertFriendlyConfig(FULL);
  const flag = (key: string) => json.featureFlags.find((f) => f.featureKey === key)!;

  it('converts settings, custom data, segments, variations and rules to the Kameleoon shape', () => {
    expect(json.configuration).toEqual({ realTimeUpdate: false, consentType: 'NOT_REQUIRED', consentOptOutBehavior: 'PARTIALLY_BLOCK' });
    expect(json.customData).toEqual([
      { index: 0, name: 'plan', localOnly: false, isMappingIdentifier: false, scope: 'VISITOR' },
      { index: 1, name: 'cart_value', localOnly: false, isMappingIdentifier: false, scope: 'VISIT' },
      { index: 2, name: 'user_id', localOnly: true, isMappingIdentifier: true, scope: 'VISITOR' },
      { index: 7, name: 'tier', localOnly: false, isMappingIdentifier: false, scope: 'VISITOR' },
    ]);
    const mobile = json.segments!.find((s) => s.name === 'mobile')!;
    expect(mobile.conditionsData).toEqual({
      firstLevelOrOperators: [],
      firstLevel: [{ orOperators: [true], conditions: [{ targetingType: 'DEVICE_TYPE', isInclude: true, device: 'PHONE' }, { targetingType: 'DEVICE_TYPE', isInclude: true, device: 'TABLET' }] }],
    });
    const checkout = flag('checkout');
    expect(checkout).toMatchObject({ featureKey: 'checkout', environmentEnabled: true, defaultVariationKey: 'off' });
    expect(checkout.variations[1].name).toBe('New checkout');
    expect(checkout.variations[1].variables).toContainEqual({ key: 'layout', type: 'JSON', value: '{"columns":2,"labels":["a","b"]}' });
    const [delivery, experiment] = checkout.rules;
    expect(delivery).toMatchObject({ type: 'TARGETED_DELIVERY', exposition: 1, respoolTime: null, segmentId: json.segments!.find((s) => s.name === 'premium')!.id });
    expect(delivery.variationByExposition).toMatchObject([{ variationKey: 'on', exposition: 1 }]);
    expect(experiment).toMatchObject({ type: 'EXPERIMENTATION', exposition: 1, respoolTime: 1700000000, segmentId: mobile.id });
    expect(experiment.variationByExposition).toMatchObject([{ variationKey: 'off', exposition: 0.5 }, { variationKey: 'on', exposition: 0.5 }]);
    expect(flag('split').variations.map((v) => v.key)).toEqual(['off', 'on']);
    expect(flag('nobody').rules[0].exposition).toBe(0);
    expect(flag('retired').environmentEnabled).toBe(false);
    expect(flag('three_way').rules[0]).toMatchObject({ exposition: 0.5, variationByExposition: [{ exposition: 0.2 }, { exposition: 0.3 }, { exposition: 0.5 }] });
    expect(json.holdout?.variationByExposition).toMatchObject([{ variationKey: 'in-holdout', exposition: 0.1 }, { variationKey: 'off', exposition: 0.9 }]);
  });

  it('gives every flag, rule, experiment, variation and segment a distinct integer id in [1, 2^31 - 1], the same on every conversion', () => {
    const ids = [
      ...json.featureFlags.flatMap((f) => [f.id, ...f.rules.flatMap((r) => [r.id, r.experimentId, ...r.variationByExposition.map((v) => v.variationId)])]),
      ...json.segments!.map((s) => s.id),
      json.holdout!.experimentId,
      ...json.holdout!.variationByExposition.map((v) => v.variationId),
    ];
    for (const id of ids) expect(Number.isInteger(id) && (id as number) >= 1 && (id as number) <= 2 ** 31 - 1, `id ${id}`).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(convertFriendlyConfig(FULL)).toEqual(json);
  });

  it('delivers to the segment, and gives the default to visitors outside it', async () => {
    const client = await clientFor(fullWithoutHoldout());
    client.addData('premium-visitor', new CustomData(0, 'premium'));
    client.addData('free-visitor', new CustomData(0, 'free'));
    expect(client.getFeatureFlagVariationKey('premium-visitor', 'checkout')).toBe('on');
    expect(client.getFeatureFlagVariationKey('free-visitor', 'checkout')).toBe('off');
    expect(client.getFeatureFlagVariationKey('no-data-visitor', 'checkout')).toBe('off');
    expect(client.getVariationDetails({ visitorCode: 'free-visitor', featureKey: 'checkout' }).reason).toEqual({ kind: 'DEFAULT', why: 'NOT_TARGETED' });
  });

  it('splits an experiment by its percentages, within its traffic', async () => {
    const client = await clientFor(fullWithoutHoldout());
    const split = tally(client, 'split');
    expect(split.get('on')! / 2000).toBeGreaterThan(0.4);
    expect(split.get('on')! / 2000).toBeLessThan(0.6);
    expect(split.get('off')! / 2000).toBeGreaterThan(0.4);
    expect(split.get('off')! / 2000).toBeLessThan(0.6);
    expect(tally(client, 'nobody')).toEqual(new Map([['off', 2000]]));
    // 50 % traffic split 20/30/50: b ≈ 15 %, c ≈ 25 %, a (also the default) the rest.
    const three = tally(client, 'three_way');
    expect(three.get('b')! / 2000).toBeGreaterThan(0.11);
    expect(three.get('b')! / 2000).toBeLessThan(0.19);
    expect(three.get('c')! / 2000).toBeGreaterThan(0.21);
    expect(three.get('c')! / 2000).toBeLessThan(0.29);
  });

  it('keeps the holdout share of visitors on the default of every flag', async () => {
    const client = await clientFor(json);
    let held = 0;
    for (let i = 0; i < 2000; i++) {
      const { reason } = client.getVariationDetails({ visitorCode: `holdout-visitor-${i}`, featureKey: 'split' });
      if (reason.kind === 'DEFAULT' && reason.why === 'HOLDOUT') held++;
    }
    expect(held / 2000).toBeGreaterThan(0.06);
    expect(held / 2000).toBeLessThan(0.14);
  });

  it('with consent: required, gives the default of experiments to visitors who refused consent, and still delivers', async () => {
    const json = convertFriendlyConfig(FULL.replace('consent: notRequired', 'consent: required'));
    expect(json.configuration?.consentType).toBe('REQUIRED');
    const client = await clientFor({ ...json, holdout: null });
    const refused = Array.from({ length: 20 }, (_, i) => `refusing-visitor-${i}`);
    for (const visitorCode of refused) {
      client.setLegalConsent(visitorCode, false);
      client.addData(visitorCode, new CustomData(0, 'premium'));
      expect(client.getVariationDetails({ visitorCode, featureKey: 'split' }).reason).toEqual({ kind: 'DEFAULT', why: 'CONSENT' });
      expect(client.getFeatureFlagVariationKey(visitorCode, 'checkout')).toBe('on');
    }
  });

  it('throws FeatureEnvironmentDisabled for a flag with enabled: false', async () => {
    const client = await clientFor(fullWithoutHoldout());
    expect(() => client.getFeatureFlagVariationKey('v', 'retired')).toThrow(FeatureEnvironmentDisabled);
  });

  it('serves variables of every type with their types', async () => {
    const client = await clientFor(fullWithoutHoldout());
    client.addData('premium-visitor', new CustomData(0, 'premium'));
    const variable = (variableKey: string) => client.getFeatureFlagVariable({ visitorCode: 'premium-visitor', featureKey: 'checkout', variableKey });
    expect(variable('color')).toEqual({ type: 'STRING', value: 'blue' });
    expect(variable('steps')).toEqual({ type: 'NUMBER', value: 2 });
    expect(variable('express')).toEqual({ type: 'BOOLEAN', value: true });
    expect(variable('layout')).toEqual({ type: 'JSON', value: { columns: 2, labels: ['a', 'b'] } });
    expect(variable('script')).toEqual({ type: 'JS', value: "console.log('hi')" });
    expect(variable('style')).toEqual({ type: 'CSS', value: '.btn { color: red }' });
    expect(variable('label')).toEqual({ type: 'STRING', value: 'Pay' });
    expect(variable('ratio')).toEqual({ type: 'NUMBER', value: 3.5 });
    expect(variable('legacy')).toEqual({ type: 'BOOLEAN', value: false });
  });
});

describe('convertFriendlyConfig: conditions', () => {
  const SEGMENTS: Record<string, string> = {
    plan_is: '{ customData: plan, is: premium }',
    plan_contains: '{ customData: plan, contains: emi }',
    plan_matches: '{ customData: plan, matches: "^pre.*m$" }',
    plan_starts: '{ customData: plan, startsWith: pre }',
    plan_starts_other: '{ customData: plan, startsWith: rem }',
    plan_among: '{ customData: plan, among: [gold, premium] }',
    cart_greater: '{ customData: cart, greaterThan: 100 }',
    cart_lower: '{ customData: cart, lowerThan: 100 }',
    cart_between: '{ customData: cart, between: [100, 200] }',
    cart_is_number: '{ customData: cart, is: 150 }',
    beta_true: '{ customData: beta, is: true }',
    tags_unset: '{ customData: tags, isSet: false }',
    tags_set: '{ customData: tags, isSet: true }',
    phone: '{ device: PHONE }',
    android: '{ os: ANDROID }',
    chrome_recent: '{ browser: CHROME, version: { greaterThan: 100 } }',
    firefox: '{ browser: FIREFOX }',
    shop_page: '{ pageUrl: { startsWith: "https://shop.example/" } }',
    checkout_title: '{ pageTitle: Checkout }',
    qa: '{ visitorCode: { startsWith: qa_ } }',
    not_qa: '{ not: { visitorCode: { startsWith: qa_ } } }',
    node_sdk: '{ sdk: NODEJS }',
    browser_sdk: '{ sdk: JAVASCRIPT }',
    node_sdk_5: '{ sdk: NODEJS, version: { greaterThan: 5.0.0 } }',
    node_sdk_9: '{ sdk: NODEJS, version: { greaterThan: 9.0.0 } }',
    mobile_premium: '[{ any: [{ device: PHONE }, { device: TABLET }] }, { customData: plan, is: premium }]',
  };
  /** One flag per segment, delivering `on` to it. */
  const yaml = [
    'customData: [plan, cart, tags, beta]',
    'segments:',
    ...Object.entries(SEGMENTS).map(([name, segment]) => `  ${name}: ${segment}`),
    'flags:',
    ...Object.keys(SEGMENTS).flatMap((name) => [`  ${name}:`, '    rules:', `      - deliver: on`, `        to: ${name}`]),
  ].join('\n');

  async function segmentsOf(visitorCode: string, data: KameleoonDataType[]): Promise<string[]> {
    const client = await clientFor(convertFriendlyConfig(yaml));
    if (data.length) client.addData(visitorCode, ...data);
    return Object.keys(SEGMENTS).filter((name) => client.getFeatureFlagVariationKey(visitorCode, name) === 'on');
  }

  it('matches a visitor with data as each condition says', async () => {
    const data = [
      new CustomData(0, 'premium'),
      new CustomData(1, '150'),
      new CustomData(3, 'TRUE'),
      new Device('PHONE'),
      new OperatingSystem('ANDROID'),
      new Browser('CHROME', 120),
      new PageView({ urlAddress: 'https://shop.example/cart', title: 'Checkout' }),
    ];
    expect(await segmentsOf('qa_alice', data)).toEqual([
      'plan_is', 'plan_contains', 'plan_matches', 'plan_starts', 'plan_among', 'cart_greater', 'cart_between', 'cart_is_number', 'beta_true',
      'tags_unset', 'phone', 'android', 'chrome_recent', 'shop_page', 'checkout_title', 'qa', 'node_sdk', 'node_sdk_5', 'mobile_premium',
    ]);
  });

  it('matches a visitor with other data only where a condition holds for it', async () => {
    expect(await segmentsOf('bob', [new CustomData(2, 'x'), new CustomData(1, '99')])).toEqual(['cart_lower', 'tags_set', 'not_qa', 'node_sdk', 'node_sdk_5']);
  });
});

describe('convertFriendlyConfig: stable ids', () => {
  const base = [
    'flags:',
    '  a:',
    '    rules:',
    '      - deliver: on',
    '      - experiment: { off: 50, on: 50 }',
    '  b:',
    '    rules:',
    '      - experiment: { off: 50, on: 50 }',
    '        name: test',
    '      - deliver: on',
  ];
  /** Every id of flag `key`. */
  const idsOf = (json: ConfigurationJson, key: string) => {
    const flag = json.featureFlags.find((f) => f.featureKey === key)!;
    return { id: flag.id, rules: flag.rules.map((r) => ({ id: r.id, experimentId: r.experimentId, variations: r.variationByExposition.map((v) => v.variationId) })) };
  };

  it("editing flag B (a new variation, a new first rule) leaves flag A's ids and B's named rule ids unchanged", () => {
    const before = convertFriendlyConfig(base.join('\n'));
    const edited = [
      ...base.slice(0, 6),
      '    variations: { off: {}, on: {}, extra: {} }',
      '    rules:',
      '      - deliver: extra',
      ...base.slice(7),
      '      - experiment: { off: 30, on: 30, extra: 40 }',
    ].join('\n');
    const after = convertFriendlyConfig(edited);
    expect(idsOf(after, 'a')).toEqual(idsOf(before, 'a'));
    const [bTest] = idsOf(before, 'b').rules;
    const bAfter = idsOf(after, 'b');
    expect(bAfter.rules[1]).toEqual(bTest); // the named rule moved from position 0 to 1
    expect(bAfter.rules[2].id).not.toBe(idsOf(before, 'b').rules[1].id); // an unnamed rule's ids follow its position
    expect(bAfter.id).toBe(idsOf(before, 'b').id);
  });

  it('does not depend on the order of flags in the file', () => {
    const reordered = ['flags:', ...base.slice(5), ...base.slice(1, 5)].join('\n');
    const before = convertFriendlyConfig(base.join('\n'));
    const after = convertFriendlyConfig(reordered);
    expect(idsOf(after, 'a')).toEqual(idsOf(before, 'a'));
    expect(idsOf(after, 'b')).toEqual(idsOf(before, 'b'));
  });
});

describe('convertFriendlyConfig: errors', () => {
  const rules = (...lines: string[]) => ['flags:', '  a:', '    rules:', ...lines];
  it.each([
    ['malformed YAML', ['flags:', '  a:', '    rules: [', '  b: {}'], 4, 'invalid YAML'],
    ['an empty file', ['# nothing'], 1, 'the file is empty'],
    ['no flags', ['segments: {}'], 1, 'missing `flags:`'],
    ['an unknown top-level key', ['flags: {}', 'flag: {}'], 2, 'unknown key "flag"'],
    ['an unknown segment', rules('      - deliver: on', '        to: vip'), 5, 'flags.a.rules[0].to: unknown segment "vip"'],
    ['an unknown custom data', ['segments:', '  s:', '    - customData: plan', '      is: x', 'flags: {}'], 3, 'segments.s[0].customData: unknown custom data "plan"'],
    ['a split not adding up to 100', rules('      - deliver: on', '      - experiment:', '          off: 50', '          on: 40'), 5, 'flags.a.rules[1].experiment: the percentages add up to 90'],
    ['a percentage that is not a number', rules('      - experiment:', '          off: 50', '          on: half'), 6, 'flags.a.rules[0].experiment.on: expected a percentage'],
    ['traffic above 100', rules('      - deliver: on', '        traffic: 150'), 5, 'flags.a.rules[0].traffic: expected a percentage between 0 and 100, got 150'],
    ['negative traffic', rules('      - deliver: on', '        traffic: -5'), 5, 'flags.a.rules[0].traffic'],
    ['an unknown variable type', ['flags:', '  a:', '    variations:', '      off: {}', '      on:', '        variables:', '          color:', '            type: COLOR', '            value: red'], 8, 'flags.a.variations.on.variables.color.type: expected one of BOOLEAN, NUMBER, STRING, JSON, JS, CSS'],
    ['a variable value of the wrong type', ['flags:', '  a:', '    variations:', '      on:', '        variables:', '          n: { type: NUMBER, value: ten }', '      off: {}'], 6, 'flags.a.variations.on.variables.n.value: expected a number'],
    ['an unknown variation to deliver', rules('      - deliver: maybe'), 4, 'flags.a.rules[0].deliver: unknown variation "maybe"'],
    ['an unknown variation in a split', rules('      - experiment: { off: 50, onn: 50 }'), 4, 'flags.a.rules[0].experiment.onn: unknown variation "onn"'],
    ['a default that is not a variation', ['flags:', '  a:', '    default: control', '    variations: { off: {}, on: {} }'], 3, 'flags.a.default: the default variation "control" is not among the variations'],
    ['a misspelt rule key', rules('      - deliver: on', '        trafic: 50'), 5, 'flags.a.rules[0].trafic: unknown key "trafic"'],
    ['a rule both delivering and experimenting', rules('      - deliver: on', '        experiment: { on: 100 }'), 4, 'flags.a.rules[0]: a rule needs exactly one of'],
    ['two rules with one name', rules('      - deliver: on', '        name: x', '      - deliver: off', '        name: x'), 7, 'flags.a.rules[1].name: another rule of this flag is named "x"'],
    ['an invalid regular expression', ['customData: [plan]', 'segments:', '  s:', '    - customData: plan', '      matches: "(unclosed"', 'flags: {}'], 5, 'segments.s[0].matches: invalid regular expression'],
    ['a condition with two subjects', ['segments:', '  s:', '    - device: PHONE', '      os: IOS', 'flags: {}'], 3, 'segments.s[0]: a condition needs exactly one of'],
    ['an unknown device', ['segments:', '  s:', '    - device: WATCH', 'flags: {}'], 3, 'segments.s[0].device: expected one of PHONE, TABLET, DESKTOP'],
    ['a custom data condition without operator', ['customData: [plan]', 'segments:', '  s:', '    - customData: plan', 'flags: {}'], 4, 'segments.s[0]: expected exactly one of is, contains'],
    ['a custom data declared twice', ['customData:', '  - plan', '  - plan', 'flags: {}'], 3, 'customData[1]: custom data "plan" is declared twice'],
    ['a mapping identifier at index 0', ['customData:', '  - name: user_id', '    mappingIdentifier: true', 'flags: {}'], 3, 'customData[0].mappingIdentifier: the mapping identifier cannot have index 0'],
    ['an unknown consent', ['consent: maybe', 'flags: {}'], 1, 'consent: expected one of notRequired, required'],
  ])('rejects %s, naming its line and path', (_, lines, line, message) => {
    let error: unknown;
    try {
      convertFriendlyConfig(lines.join('\n'), 'flags.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`Feature flag configuration "flags.yaml", line ${line}`);
    expect((error as Error).message).toContain(message);
  });

  it('leaves the file out of the message when it is not given', () => {
    expect(() => convertFriendlyConfig(rules('      - deliver: maybe').join('\n'))).toThrow(/^Feature flag configuration, line 4, column 18, at flags\.a\.rules\[0\]\.deliver: /);
  });
});

describe('loadConfigurationText', () => {
  const fixture = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

  it.each([
    '../conformance/fixtures/synthetic-configs/basic.json',
    '../differential/fixtures/kameleoon-sample-config.json',
  ])('passes Kameleoon JSON through unchanged (%s)', (path) => {
    const text = fixture(path);
    expect(isFriendlyConfig(text)).toBe(false);
    expect(loadConfigurationText(text, path)).toEqual(JSON.parse(text));
  });

  it('converts the YAML format', () => {
    expect(isFriendlyConfig(FULL)).toBe(true);
    expect(loadConfigurationText(FULL, 'flags.yaml')).toEqual(convertFriendlyConfig(FULL));
  });

  it('rejects invalid JSON and invalid Kameleoon configurations with the engine message and the file', () => {
    expect(() => loadConfigurationText('{ "featureFlags": [', 'flags.json')).toThrow(/^"flags\.json": Invalid configuration: not JSON/);
    expect(() => loadConfigurationText('{ "featureFlags": 3 }', 'flags.json')).toThrow(/^"flags\.json": Invalid configuration: featureFlags should be an array/);
    expect(() => loadConfigurationText('{ "featureFlags": 3 }')).toThrow(ConfigurationError);
  });
});

describe('documentation', () => {
  it('the example of the format documentation (the README, "Flags in YAML") converts', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /### Flags in YAML[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const json = convertFriendlyConfig(example);
    expect(json.featureFlags[0].rules.map((r) => r.type)).toEqual(['TARGETED_DELIVERY', 'EXPERIMENTATION']);
    expect(json.segments!.map((s) => s.name)).toEqual(['premium', 'mobile_shopper', 'modern']);
  });
});

describe('demo/flags.yaml', () => {
  it('converts and runs in a client', async () => {
    const json = convertFriendlyConfig(readFileSync(new URL('../../demo/flags.yaml', import.meta.url), 'utf8'), 'demo/flags.yaml');
    expect(json.featureFlags.map((f) => f.featureKey)).toEqual(['new_checkout', 'promo_banner', 'search_ranking', 'dark_mode']);
    expect(json.configuration?.realTimeUpdate).toBe(true);
    const client = await clientFor(json);
    client.addData('premium-customer', new CustomData('plan', 'premium'));
    expect(client.getFeatureFlagVariationKey('premium-customer', 'promo_banner')).toBe('on');
    expect(client.getFeatureFlagVariable({ visitorCode: 'premium-customer', featureKey: 'promo_banner', variableKey: 'track_view' }).type).toBe('JS');
    expect(client.getFeatureFlagVariationKey('casual-visitor', 'promo_banner')).toBe('off');
    expect(client.getFeatureFlagVariationKey('casual-visitor', 'dark_mode')).toBe('on');
    expect(new Set(tally(client, 'search_ranking', 300).keys())).toEqual(new Set(['relevance', 'popularity', 'personalized']));
    const checkout = tally(client, 'new_checkout', 300);
    expect(checkout.get('on')).toBeGreaterThan(0);
    expect(client.getFeatureFlagVariable({ visitorCode: 'casual-visitor', featureKey: 'new_checkout', variableKey: 'steps' }).type).toBe('NUMBER');
  });
});

describe('goals: names for the dev server', () => {
  it('gives goal names by id, outside the configuration JSON; a JSON file has none', () => {
    const text = 'goals:\n  purchase: 1\n  add_to_cart: 22\nflags:\n  a: {}\n';
    const { configuration, goalNames } = convertFriendlyDocument(text);
    expect(goalNames).toEqual({ '1': 'purchase', '22': 'add_to_cart' });
    expect(configuration).toEqual(convertFriendlyConfig('flags:\n  a: {}\n'));
    expect(loadConfigurationDocument(JSON.stringify(configuration)).goalNames).toEqual({});
  });

  it('rejects an id that is not a positive integer, or used twice, where it is written', () => {
    expect(() => convertFriendlyDocument('goals:\n  purchase: 1.5\nflags: {}\n')).toThrow(/^Feature flag configuration, line 2, column 13, at goals\.purchase: expected a goal id \(a positive integer\), got 1\.5\.$/);
    expect(() => convertFriendlyDocument('goals:\n  purchase: 1\n  buy: 1\nflags: {}\n')).toThrow(/line 3, column 8, at goals\.buy: goal id 1 is already the id of goal "purchase"\.$/);
  });
});
