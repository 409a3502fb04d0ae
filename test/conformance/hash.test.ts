/**
 * Conformance: the bucketing hash. Every vector of fixtures/hash-vectors.json must give, bit for
 * bit, the double of the official JavaScript engine (the `js` column). The `go` and `php` columns
 * are other SDKs' formulas and are not checked. See fixtures/README.md for where the data comes from.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/hashing/sha256.ts';
import { mulberry32 } from '../differential/rng.ts';
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

describe('SHA-256 against node:crypto', () => {
  const random = mulberry32(0x5a256);
  const alphabets = ['abcdefghijklmnopqrstuvwxyz0123456789', 'é€ü中\u{1F600}a', '\u0080\u07ff\u0800\uffff'];
  // Every length around the one-block (55 bytes) and two-block boundaries, ASCII and not.
  const inputs: string[] = [''];
  for (let length = 1; length <= 130; length++) {
    for (const alphabet of alphabets) {
      const chars = [...alphabet];
      inputs.push(Array.from({ length }, () => chars[Math.floor(random() * chars.length)]).join(''));
    }
  }
  inputs.push('\ud800 lone surrogate', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'x'.repeat(1000));

  it.each(inputs.map((input) => ({ input, length: input.length })))('length $length', ({ input }) => {
    const expected = createHash('sha256').update(input, 'utf8').digest('hex');
    expect(sha256Hex(input)).toBe(expected);
  });
});
