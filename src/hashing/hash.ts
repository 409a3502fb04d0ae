import { sha256Words } from './sha256.ts';

/**
 * Kameleoon's bucketing hash, exactly as the official JavaScript engine computes it:
 * SHA-256 of the UTF-8 seed, read as a 256-bit unsigned integer, converted to the nearest double
 * (round half to even) and divided by 2^256. The result is in [0, 1].
 */

const digest = new Int32Array(8);

/** The 32 bits of the 256-bit big-endian digest starting at bit `pos` (0 = MSB), zero-padded. */
function bits32At(pos: number): number {
  const word = pos >> 5;
  const shift = pos & 31;
  const first = word < 8 ? digest[word] : 0;
  if (shift === 0) return first >>> 0;
  const second = word + 1 < 8 ? digest[word + 1] : 0;
  return ((first << shift) | (second >>> (32 - shift))) >>> 0;
}

/** Whether any bit at or after `start` is set. */
function anyBitFrom(start: number): boolean {
  if (start >= 256) return false;
  const word = start >> 5;
  if ((digest[word] << (start & 31)) !== 0) return true;
  for (let w = word + 1; w < 8; w++) if (digest[w] !== 0) return true;
  return false;
}

/**
 * The bucketing value of `seed + salt`.
 * @param seed - e.g. a visitor code, or visitor code + rule id (+ respool time)
 * @param salt - hashed after `seed`, as if concatenated (e.g. rule id + respool time)
 * @returns a double in [0, 1]
 */
export function hashDouble(seed: string, salt = ''): number {
  sha256Words(seed, digest, salt);
  let word = 0;
  while (word < 8 && digest[word] === 0) word++;
  if (word === 8) return 0;
  const msb = word * 32 + Math.clz32(digest[word]);
  // 53 significant bits, then the rounding bit and a sticky bit for the rest.
  const high = bits32At(msb) >>> 11;
  const low = bits32At(msb + 21);
  let mantissa = high * 4294967296 + low;
  const roundBit = bits32At(msb + 53) >>> 31;
  if (roundBit === 1 && (anyBitFrom(msb + 54) || mantissa % 2 === 1)) mantissa += 1;
  // The mantissa's lowest bit weighs 2^(255 - msb - 52); divided by 2^256. Halving is exact, and
  // msb is 0 or 1 for three seeds in four: this loop costs less than a Math.pow.
  let value = mantissa * 2 ** -53;
  for (let k = msb; k > 0; k--) value /= 2;
  return value;
}

/** What follows the visitor identifier in a rule or experiment seed: the id, plus the respool time when truthy. */
export function ruleSalt(id: number, respoolTime: number | null | undefined): string {
  return respoolTime ? `${id}${respoolTime}` : `${id}`;
}
