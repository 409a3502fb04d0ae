/**
 * Conformance: the bucketing hash. Every vector of fixtures/hash-vectors.json must give, bit for
 * bit, the double of the official JavaScript engine (the `js` column). The `go` and `php` columns
 * are other SDKs' formulas and are not checked. See fixtures/README.md for where the data comes from.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256Words } from '../../src/hashing/sha256.ts';
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

  it.each(vectors)('H($input) = $js with the seed cut anywhere into seed + salt', ({ input, js }) => {
    for (let cut = 0; cut <= input.length; cut++) expect(hashDouble(input.slice(0, cut), input.slice(cut))).toBe(js);
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

  it.each(inputs.map((input) => ({ input, length: input.length })))('length $length, hashed as input + suffix', ({ input }) => {
    const expected = createHash('sha256').update(input, 'utf8').digest('hex');
    const words = new Int32Array(8);
    // Cut at the ends, in the middle, and around the one-block boundary (55 characters).
    for (const cut of new Set([0, 1, input.length >> 1, 54, 55, 56, input.length - 1, input.length])) {
      if (cut < 0 || cut > input.length) continue;
      sha256Words(input.slice(0, cut), words, input.slice(cut));
      expect([...words].map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('')).toBe(expected);
    }
  });
});
