/**
 * The configuration of the fleet tests: a flag whose experiment targets custom data ("plan is
 * premium", index 0), a flag with an experiment for everyone, and `version`: a flag variable whose
 * value says which configuration a process runs (the test changes it on the CDN).
 */
export function fleetConfiguration(version: number) {
  const split = (experimentId: number, keys: string[], firstVariation: number) =>
    keys.map((variationKey, i) => ({ variationKey, variationId: firstVariation + i, exposition: 1 / keys.length }));
  return {
    configuration: { realTimeUpdate: false, consentType: 'NOT_REQUIRED', dataApiDomain: 'data.kameleoon.io', consentOptOutBehavior: 'PARTIALLY_BLOCK' },
    customData: [
      { id: 101, index: 0, name: 'plan', localOnly: false, isMappingIdentifier: false, scope: 'VISITOR' },
      // A user id given for an anonymous visitor links the two (cross-device).
      { id: 102, index: 1, name: 'user_id', localOnly: false, isMappingIdentifier: true, scope: 'VISITOR' },
    ],
    segments: [
      {
        id: 501,
        name: 'plan is premium',
        conditionsData: {
          firstLevelOrOperators: [],
          firstLevel: [{ orOperators: [], conditions: [{ id: 1, targetingType: 'CUSTOM_DATUM', isInclude: true, weight: 1, customDataIndex: '0', valueMatchType: 'EXACT', value: 'premium' }] }],
        },
      },
    ],
    featureFlags: [
      {
        id: 1,
        featureKey: 'pricing',
        environmentEnabled: true,
        defaultVariationKey: 'off',
        variations: [{ key: 'off', variables: [] }, { key: 'gold', variables: [] }, { key: 'platinum', variables: [] }],
        rules: [
          { id: 1001, order: 1, type: 'EXPERIMENTATION', exposition: 1, experimentId: 2001, respoolTime: null, segmentId: 501, variationByExposition: split(2001, ['gold', 'platinum'], 3001) },
        ],
      },
      {
        id: 2,
        featureKey: 'layout',
        environmentEnabled: true,
        defaultVariationKey: 'off',
        variations: [{ key: 'off', variables: [{ key: 'version', type: 'NUMBER', value: version }] }, { key: 'a', variables: [{ key: 'version', type: 'NUMBER', value: version }] }, { key: 'b', variables: [{ key: 'version', type: 'NUMBER', value: version }] }],
        rules: [
          { id: 1002, order: 1, type: 'EXPERIMENTATION', exposition: 1, experimentId: 2002, respoolTime: null, segmentId: null, variationByExposition: split(2002, ['off', 'a', 'b'], 3011) },
        ],
      },
    ],
  };
}
