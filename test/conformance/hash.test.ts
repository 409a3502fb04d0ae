/**
 * Conformance: the bucketing hash. Every vector of fixtures/hash-vectors.json must give, bit for
 * bit, the double of the official JavaScript engine (the `js` column). The `go` and `php` columns
 * are other SDKs' formulas and are not checked. See fixtures/README.md for where the data comes from.
 */
import { describe, expect, it } from 'vitest';
import { hashDouble } from '../../src/hashing/hash.ts';
import hashVectors from './fixtures/hash-vectors.json';
import holdoutConsent from './fixtures/golden-js-core-5.17.1/holdout-consent.json';
import holdoutConfig from './fixtures/synthetic-configs/holdout.json';

interface HashRow {
  kind: string;
  input: string;
  sha256: string;
  js: number;
}

const vectors: HashRow[] = hashVectors.vectors.map(({ kind, input, sha256, js }) => ({ kind, input, sha256, js }));

/**
 * The golden holdout table records the hash the engine bucketed each visitor with:
 * H(visitorCode + holdout experimentId), the experimentId being 9999 in synthetic-configs/holdout.json.
 */
const holdoutHashes: HashRow[] = holdoutConsent.holdout.map(({ visitorCode, holdoutHash }) => ({
  kind: 'holdout (golden holdout-consent.json)',
  input: `${visitorCode}${holdoutConfig.holdout.experimentId}`,
  sha256: '',
  js: holdoutHash,
}));

describe('hash vectors (fixtures/hash-vectors.json, JS column)', () => {
  it('the fixture holds all 183 vectors', () => {
    expect(vectors).toHaveLength(183);
  });

  it.each(vectors)('H($input) = $js  [$kind]', ({ input, js }) => {
    const actual = hashDouble(input);
    // toBe is Object.is: no tolerance, the exact double.
    expect(actual).toBe(js);
  });
});

describe('holdout hashes recorded by the engine (holdout experiment 9999)', () => {
  it('the fixture holds 10 holdout rows', () => {
    expect(holdoutHashes).toHaveLength(10);
  });

  it.each(holdoutHashes)('H($input) = $js', ({ input, js }) => {
    expect(hashDouble(input)).toBe(js);
  });
});
