import { describe, expect, it } from 'vitest';
import { CustomData, EventType } from '../../src/node.ts';
import { parseVariables } from '../../src/config/variables.ts';
import { basicConfig, clientFor } from './helpers.ts';

describe('getVariationDetails says why', () => {
  it('reports rule matches, defaults with their cause, and errors without throwing', async () => {
    const holdout = basicConfig();
    holdout.holdout = { experimentId: 9999, variationByExposition: [{ variationKey: 'in-holdout', variationId: 99991, exposition: 0.5 }, { variationKey: 'off', variationId: 99992, exposition: 0.5 }] };
    const client = await clientFor(holdout);
    const reason = (visitorCode: string, featureKey: string) => client.getVariationDetails({ visitorCode, featureKey, track: false }).reason;
    // Hashes from the conformance vectors: visitor1 is in the holdout (0.15 <= 0.5), visitor2 is not (0.96).
    expect(reason('visitor1', 'ff_50_50')).toEqual({ kind: 'DEFAULT', why: 'HOLDOUT' });
    expect(reason('visitor2', 'ff_50_50')).toEqual({ kind: 'RULE_MATCH', ruleId: 1001, ruleType: 'EXPERIMENTATION' });
    expect(reason('visitor2', 'ff_partial_exposition')).toEqual({ kind: 'DEFAULT', why: 'NOT_IN_TRAFFIC' });
    expect(reason('visitor2', 'me_b')).toEqual({ kind: 'DEFAULT', why: 'MUTUALLY_EXCLUSIVE_GROUP' });
    expect(reason('user-123', 'ff_exclude_premium')).toMatchObject({ kind: 'RULE_MATCH' });
    client.addData('premium-1', new CustomData(0, 'premium'));
    const excluded = client.getVariationDetails({ visitorCode: 'premium-1', featureKey: 'ff_exclude_premium', track: false });
    expect(excluded.reason).toMatchObject({ kind: 'DEFAULT', why: expect.stringMatching(/NOT_TARGETED|HOLDOUT/) });
    const missing = reason('visitor2', 'nope');
    expect(missing).toMatchObject({ kind: 'ERROR', error: { type: 'FeatureFlagConfigurationNotFound' } });
    expect(client.getVariationDetails(null as any).reason).toMatchObject({ kind: 'ERROR', error: { type: 'InvalidArgument' } });
  });

  it('blocks experiments, not targeted deliveries, when consent is refused', async () => {
    const config = basicConfig();
    config.configuration.consentType = 'REQUIRED';
    const client = await clientFor(config);
    client.setLegalConsent('visitor2', false);
    expect(client.getVariationDetails({ visitorCode: 'visitor2', featureKey: 'ff_50_50', track: false }).reason).toEqual({ kind: 'DEFAULT', why: 'CONSENT' });
    client.setLegalConsent('visitor2', true);
    expect(client.getVariationDetails({ visitorCode: 'visitor2', featureKey: 'ff_50_50', track: false }).reason.kind).toBe('RULE_MATCH');
  });

  it('fires the Evaluation event and survives a throwing handler', async () => {
    const client = await clientFor();
    const seen: unknown[] = [];
    client.onEvent(EventType.Evaluation, (data) => {
      seen.push(data);
      throw new Error('handler bug');
    });
    expect(client.getVariation({ visitorCode: 'visitor1', featureKey: 'ff_50_50', track: false }).key).toBe('on');
    expect(seen).toEqual([{ featureKey: 'ff_50_50', variation: { key: 'on', experimentId: 2001, id: 3002 } }]);
  });
});

describe('variables are typed, and one bad variable does not hide the others', () => {
  it.each([
    [{ key: 'b', type: 'BOOLEAN', value: 'false' }, false],
    [{ key: 'b', type: 'BOOLEAN', value: 'TRUE' }, true],
    [{ key: 'b', type: 'BOOLEAN', value: true }, true],
    [{ key: 'n', type: 'NUMBER', value: '12.5' }, 12.5],
    [{ key: 'n', type: 'NUMBER', value: 3 }, 3],
    [{ key: 's', type: 'STRING', value: 7 }, '7'],
    [{ key: 'j', type: 'JSON', value: '{"a":[1,2]}' }, { a: [1, 2] }],
    [{ key: 'j', type: 'JSON', value: { a: 1 } }, { a: 1 }],
    [{ key: 'js', type: 'JS', value: 'alert(1)' }, 'alert(1)'],
  ])('%o → %o', (variable, value) => {
    expect(parseVariables([variable])).toEqual([{ key: variable.key, type: variable.type, value }]);
  });

  it('drops only the unparseable variable', () => {
    const parsed = parseVariables([
      { key: 'ok1', type: 'STRING', value: 'a' },
      { key: 'bad', type: 'NUMBER', value: 'abc' },
      { key: 'badjson', type: 'JSON', value: '{' },
      { key: 'ok2', type: 'BOOLEAN', value: 'false' },
    ]);
    expect(parsed.map((v) => v.key)).toEqual(['ok1', 'ok2']);
  });

  it('returns variables in getVariation, getFeatureFlagVariable and getFeatureFlagVariables', async () => {
    const client = await clientFor();
    const variation = client.getVariation({ visitorCode: 'visitor1', featureKey: 'ff_50_50', track: false });
    expect(variation.key).toBe('on');
    const [variable] = [...variation.variables.values()];
    expect(client.getFeatureFlagVariable({ visitorCode: 'visitor1', featureKey: 'ff_50_50', variableKey: variable.key })).toEqual({ type: variable.type, value: variable.value });
    expect(client.getFeatureFlagVariables('visitor1', 'ff_50_50')).toEqual([variable]);
    expect(client.getDataFile().featureFlags.get('ff_50_50')?.rules[0].variations.get('on')).toMatchObject({ id: 3002, experimentId: 2001 });
  });
});
