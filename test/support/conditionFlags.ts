/**
 * A configuration (in the `/v3/{siteCode}` format) with one flag per targeting condition: a
 * targeted delivery to everyone in the condition's segment, "on" when the condition holds, else
 * "off". Feature keys are the keys of `conditions`, in order.
 */
export function oneFlagPerCondition(conditions: Record<string, Record<string, unknown>>) {
  const keys = Object.keys(conditions);
  return {
    configuration: { realTimeUpdate: false, consentType: 'NOT_REQUIRED', dataApiDomain: 'data.kameleoon.io', consentOptOutBehavior: 'PARTIALLY_BLOCK' },
    customData: [],
    segments: keys.map((key, i) => ({
      id: 500 + i,
      name: key,
      conditionsData: { firstLevelOrOperators: [], firstLevel: [{ orOperators: [], conditions: [{ id: 1, isInclude: true, weight: 1, ...conditions[key] }] }] },
    })),
    featureFlags: keys.map((key, i) => ({
      id: i + 1,
      featureKey: key,
      environmentEnabled: true,
      defaultVariationKey: 'off',
      variations: [{ key: 'off', variables: [] }, { key: 'on', variables: [] }],
      rules: [
        {
          id: 1000 + i,
          order: 1,
          type: 'TARGETED_DELIVERY',
          exposition: 1,
          experimentId: 2000 + i,
          respoolTime: null,
          segmentId: 500 + i,
          variationByExposition: [{ variationKey: 'on', variationId: 3000 + i, exposition: 1 }],
        },
      ],
    })),
  };
}
