import { hashDouble } from './hash.ts';

/** Entries of the memo: a power of two. */
const DEFAULT_SIZE = 4096;

/**
 * A fixed-size, direct-mapped memo of bucketing hashes, by visitor identifier and salt (rule id,
 * experiment id, group name...). A hash depends only on its seed, so a memoized value is always
 * right; it saves the SHA-256 when a visitor is evaluated again, which is the common case: every
 * flag of a page shares the holdout hash, and a visitor's next request asks the same flags again.
 * A lookup allocates nothing, and memory is fixed whatever the traffic.
 */
export class HashMemo {
  /** The 32-bit key of each entry: most misses are told apart here, without reading a string. */
  readonly #keys: Int32Array;
  readonly #identifiers: (string | undefined)[];
  readonly #salts: (string | undefined)[];
  readonly #values: Float64Array;
  readonly #mask: number;

  constructor(size = DEFAULT_SIZE) {
    this.#keys = new Int32Array(size);
    this.#identifiers = new Array<string | undefined>(size).fill(undefined);
    this.#salts = new Array<string | undefined>(size).fill(undefined);
    this.#values = new Float64Array(size);
    this.#mask = size - 1;
  }

  /** `hashDouble(identifier + salt)`, memoized. */
  hash(identifier: string, salt: string): number {
    // FNV-1a over the ends of both strings (where codes and ids differ most) is the key, and
    // picks the entry; a collision only costs a miss, as a hit is checked against both strings.
    let h = Math.imul(0x811c9dc5 ^ identifier.length, 0x01000193);
    for (let i = Math.max(0, identifier.length - 8); i < identifier.length; i++) h = Math.imul(h ^ identifier.charCodeAt(i), 0x01000193);
    for (let i = Math.max(0, salt.length - 4); i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 0x01000193);
    const at = (h ^ (h >>> 16)) & this.#mask;
    if (this.#keys[at] === h && this.#identifiers[at] === identifier && this.#salts[at] === salt) return this.#values[at];
    const value = hashDouble(identifier, salt);
    this.#keys[at] = h;
    this.#identifiers[at] = identifier;
    this.#salts[at] = salt;
    this.#values[at] = value;
    return value;
  }
}
