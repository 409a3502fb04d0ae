import type { AssignmentView, StoredVariation } from '../targeting/types.ts';

/**
 * A visitor's assignments packed in one small-integer array, three slots each:
 * experiment id, variation id (-1 for none), flags (1 = targeted-delivery rule, 2 = unsent).
 * A server holds one per visitor for the whole session, so the layout is what keeps memory low.
 */
export class Assignments implements AssignmentView {
  /** The packed array, shared with the visitor record. */
  readonly slots: number[];

  constructor(slots: number[]) {
    this.slots = slots;
  }

  get size(): number {
    return this.slots.length / 3;
  }

  #find(experimentId: number): number {
    const s = this.slots;
    for (let i = 0; i < s.length; i += 3) if (s[i] === experimentId) return i;
    return -1;
  }

  has(experimentId: number): boolean {
    return this.#find(experimentId) >= 0;
  }

  get(experimentId: number): StoredVariation | undefined {
    const i = this.#find(experimentId);
    if (i < 0) return undefined;
    const s = this.slots;
    return { variationId: s[i + 1] === -1 ? null : s[i + 1], isTargetedRule: (s[i + 2] & 1) === 1, unsent: (s[i + 2] & 2) === 2 };
  }

  /** Records (or replaces) the assignment for an experiment. */
  set(experimentId: number, variationId: number | null, isTargetedRule: boolean, unsent: boolean): void {
    const flags = (isTargetedRule ? 1 : 0) | (unsent ? 2 : 0);
    const i = this.#find(experimentId);
    if (i >= 0) {
      this.slots[i + 1] = variationId ?? -1;
      this.slots[i + 2] = flags;
    } else {
      this.slots.push(experimentId, variationId ?? -1, flags);
    }
  }

  /** Every assignment, in the order first made. */
  *entries(): IterableIterator<[number, StoredVariation]> {
    for (let i = 0; i < this.slots.length; i += 3) yield [this.slots[i], this.get(this.slots[i])!];
  }
}
