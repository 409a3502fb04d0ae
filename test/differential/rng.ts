/**
 * Seeded pseudo-random helpers shared by the differential-test generators and driver.
 * Everything here is deterministic for a given seed, so a failing case can be replayed from its seed.
 */

/**
 * mulberry32: a tiny, fast 32-bit seeded PRNG.
 * @param seed - any integer; only the low 32 bits are used.
 * @returns a function returning numbers in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Convenience wrapper around {@link mulberry32} with the usual picking helpers. */
export class Rng {
  private readonly next: () => number;

  /** @param seed - seed of the underlying mulberry32 stream. */
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** @returns a float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** @returns an integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** @returns true with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** @returns a uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** @returns a new array with `count` distinct elements of `items` (fewer if `items` is shorter). */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, count);
  }

  /** @returns a shuffled copy of `items` (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}
