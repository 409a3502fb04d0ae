/**
 * The engine computes only the hashes a decision needs: a rule exposed to everyone, or a split
 * whose first variation takes everyone, decides without one (a hash is at most 1). The decisions
 * themselves are checked against the official SDK in test/conformance and test/differential.
 */
import { describe, expect, it } from 'vitest';
import { parseConfiguration } from '../../src/config/parse.ts';
import { evaluateFlag, type EvaluationEnv, type EvaluationVisitor } from '../../src/evaluation/evaluate.ts';
import { HashMemo } from '../../src/hashing/memo.ts';
import { VisitorStore } from '../../src/visitor/visitorStore.ts';

/** A memo that records the salt of every hash asked for. */
class RecordingMemo extends HashMemo {
  readonly salts: string[] = [];

  override hash(identifier: string, salt: string): number {
    this.salts.push(salt);
    return super.hash(identifier, salt);
  }
}

const variations = [
  { key: 'off', name: 'Off', variables: [] },
  { key: 'on', name: 'On', variables: [] },
];

function flag(id: number, featureKey: string, rule: { type: string; exposition: number; split: [string, number][] }) {
  return {
    id,
    featureKey,
    environmentEnabled: true,
    defaultVariationKey: 'off',
    mutuallyExclusiveGroup: null,
    bucketingCustomDataId: null,
    variations,
    rules: [
      {
        id: 100 + id,
        order: 1,
        type: rule.type,
        exposition: rule.exposition,
        experimentId: 200 + id,
        respoolTime: null,
        segmentId: null,
        variationByExposition: rule.split.map(([variationKey, exposition], i) => ({ variationKey, variationId: 300 + 10 * id + i, exposition })),
      },
    ],
  };
}

const config = parseConfiguration({
  configuration: { realTimeUpdate: false, consentType: 'NOT_REQUIRED', dataApiDomain: 'data.kameleoon.io', consentOptOutBehavior: 'PARTIALLY_BLOCK' },
  customData: [],
  segments: [],
  holdout: {
    experimentId: 9999,
    variationByExposition: [
      { variationKey: 'in-holdout', variationId: 1, exposition: 0.1 },
      { variationKey: 'off', variationId: 2, exposition: 0.9 },
    ],
  },
  featureFlags: [
    flag(1, 'everyone', { type: 'TARGETED_DELIVERY', exposition: 1, split: [['on', 1]] }),
    flag(2, 'split', { type: 'EXPERIMENTATION', exposition: 1, split: [['off', 0.5], ['on', 0.5]] }),
    flag(3, 'partial', { type: 'EXPERIMENTATION', exposition: 0.99, split: [['on', 1]] }),
  ],
});

/** Evaluates `featureKey` for 200 visitors; returns the salts hashed and the variations given. */
function evaluateAll(featureKey: string): { salts: Set<string>; keys: Set<string> } {
  const memo = new RecordingMemo();
  const store = new VisitorStore({ sessionDurationMs: 0, clock: () => 0 });
  const env: EvaluationEnv = { sdk: { type: 'NODEJS', version: '5.17.1', isServer: true }, now: 0, hashes: memo, documentCookies: () => [] };
  const keys = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const code = `visitor-${i}`;
    const visitor: EvaluationVisitor = { code, data: undefined, mappingIdentifier: undefined, variations: store.assignments(store.touch(code)), forced: undefined, simulated: undefined, consent: 'unknown' };
    keys.add(evaluateFlag(config, config.flags.get(featureKey)!, visitor, env, true, false).variationKey);
  }
  return { salts: new Set(memo.salts), keys };
}

describe('hashes an evaluation computes', () => {
  it('a rule exposed to everyone with one variation: only the holdout is hashed', () => {
    const { salts, keys } = evaluateAll('everyone');
    expect([...salts]).toEqual(['9999']);
    // Held-out visitors get the default variation, the others the rule's.
    expect([...keys].sort()).toEqual(['off', 'on']);
  });

  it('a rule exposed to everyone with a split: the holdout and the variation are hashed, not the traffic', () => {
    const { salts, keys } = evaluateAll('split');
    expect([...salts].sort()).toEqual(['202', '9999']);
    expect([...keys].sort()).toEqual(['off', 'on']);
  });

  it('a rule exposed to fewer than everyone: the traffic is hashed', () => {
    const { salts } = evaluateAll('partial');
    expect([...salts].sort()).toEqual(['103', '9999']);
  });
});
