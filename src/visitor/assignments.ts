import type { AssignmentView, StoredVariation } from '../targeting/types.ts';
import { NONE, STAMP_MASK, TARGETED, UNSENT } from './slots.ts';

/**
 * Int32 slots of one node: experiment id, variation id (-1 for none), flags and stamp, next node.
 * The third slot holds the flags in its low 4 bits and, above them, when the variation was last
 * returned (27 bits of tenths of a second on the owner's clock, wrapping every 155 days; 0 =
 * never), for hybrid mode.
 */
const NODE = 4;
const FLAG_BITS = 15;
/** Flag (see slots.ts for the others): the exposure was handed to tracking; it is never sent again for the same variation. */
const SENT = 4;

/**
 * Every visitor's assignments in one Int32Array, as singly linked lists of four-int nodes.
 * A server keeps a list per visitor for the whole session; a JS array per visitor would cost
 * six times as much. Freed nodes are reused.
 */
export class AssignmentPool {
  #nodes = new Int32Array(NODE * 1024);
  #top = 0;
  #free = NONE;

  /** Node slots in use or free, for memory accounting. */
  get capacity(): number {
    return this.#nodes.length / NODE;
  }

  #alloc(): number {
    if (this.#free !== NONE) {
      const node = this.#free;
      this.#free = this.#nodes[node + 3];
      return node;
    }
    if (this.#top === this.#nodes.length) {
      const grown = new Int32Array(this.#nodes.length * 2);
      grown.set(this.#nodes);
      this.#nodes = grown;
    }
    const node = this.#top;
    this.#top += NODE;
    return node;
  }

  /** The node of `experimentId` in the list starting at `head`, or NONE. */
  find(head: number, experimentId: number): number {
    const n = this.#nodes;
    for (let node = head; node !== NONE; node = n[node + 3]) if (n[node] === experimentId) return node;
    return NONE;
  }

  experimentId(node: number): number {
    return this.#nodes[node];
  }

  variationId(node: number): number | null {
    const id = this.#nodes[node + 1];
    return id === -1 ? null : id;
  }

  flags(node: number): number {
    return this.#nodes[node + 2] & FLAG_BITS;
  }

  setFlags(node: number, flags: number): void {
    this.#nodes[node + 2] = (this.#nodes[node + 2] & ~FLAG_BITS) | flags;
  }

  /** The exposure was handed to tracking: not unsent any more, and never sent again for this variation. */
  markSent(node: number): void {
    this.setFlags(node, (this.flags(node) & ~UNSENT) | SENT);
  }

  next(node: number): number {
    return this.#nodes[node + 3];
  }

  /** When the variation was last returned (a stamp, 0 = never). */
  returnedAt(node: number): number {
    return this.#nodes[node + 2] >>> 4;
  }

  setReturnedAt(node: number, stamp: number): void {
    this.#nodes[node + 2] = ((stamp & STAMP_MASK) << 4) | (this.#nodes[node + 2] & FLAG_BITS);
  }

  /**
   * Records (or replaces) the assignment of an experiment in the list starting at `head`;
   * new assignments go last, so lists keep the order assignments were made in.
   * @returns the list's head
   */
  set(head: number, experimentId: number, variationId: number | null, flags: number): number {
    let last = NONE;
    for (let node = head; node !== NONE; node = this.#nodes[node + 3]) {
      if (this.#nodes[node] === experimentId) {
        this.replace(node, variationId, flags);
        return head;
      }
      last = node;
    }
    const node = this.#alloc();
    const n = this.#nodes;
    n[node] = experimentId;
    n[node + 1] = variationId ?? -1;
    n[node + 2] = flags;
    n[node + 3] = NONE;
    if (last === NONE) return node;
    n[last + 3] = node;
    return head;
  }

  /** Replaces a node's variation and flags (its return stamp is cleared). */
  replace(node: number, variationId: number | null, flags: number): void {
    this.#nodes[node + 1] = variationId ?? -1;
    this.#nodes[node + 2] = flags;
  }

  /** Returns every node of the list to the free list. */
  release(head: number): void {
    const n = this.#nodes;
    let node = head;
    while (node !== NONE) {
      const next = n[node + 3];
      n[node + 3] = this.#free;
      this.#free = node;
      node = next;
    }
  }

  /** The list as `[experimentId, variationId (-1 for none), flags]` triples, for persistence. */
  toTriples(head: number): number[] {
    const out: number[] = [];
    const n = this.#nodes;
    for (let node = head; node !== NONE; node = n[node + 3]) out.push(n[node], n[node + 1], n[node + 2] & FLAG_BITS);
    return out;
  }
}

/** Where a visitor's list starts; the store owns it. */
export interface AssignmentOwner {
  readonly pool: AssignmentPool;
  headOf(visitor: number): number;
  setHead(visitor: number, head: number): void;
}

/** One visitor's assignments, as the engine and the targeting conditions read and write them. */
export class Assignments implements AssignmentView {
  readonly #owner: AssignmentOwner;
  readonly #visitor: number;

  constructor(owner: AssignmentOwner, visitor: number) {
    this.#owner = owner;
    this.#visitor = visitor;
  }

  get size(): number {
    const pool = this.#owner.pool;
    let size = 0;
    for (let node = this.#owner.headOf(this.#visitor); node !== NONE; node = pool.next(node)) size++;
    return size;
  }

  has(experimentId: number): boolean {
    return this.#owner.pool.find(this.#owner.headOf(this.#visitor), experimentId) !== NONE;
  }

  get(experimentId: number): StoredVariation | undefined {
    const pool = this.#owner.pool;
    const node = pool.find(this.#owner.headOf(this.#visitor), experimentId);
    if (node === NONE) return undefined;
    const flags = pool.flags(node);
    return { variationId: pool.variationId(node), isTargetedRule: (flags & TARGETED) !== 0, unsent: (flags & UNSENT) !== 0 };
  }

  /**
   * Records (or replaces) the assignment for an experiment. `track` asks for the exposure to be
   * sent, once: an exposure already sent for the same variation is not sent again, and a later
   * call without `track` does not cancel a pending one. A new variation is a new exposure.
   */
  set(experimentId: number, variationId: number | null, isTargetedRule: boolean, track: boolean): void {
    const owner = this.#owner;
    const pool = owner.pool;
    const head = owner.headOf(this.#visitor);
    const node = pool.find(head, experimentId);
    let status = node !== NONE && pool.variationId(node) === variationId ? pool.flags(node) & (UNSENT | SENT) : 0;
    if (track && (status & SENT) === 0) status |= UNSENT;
    const flags = (isTargetedRule ? TARGETED : 0) | status;
    // Found: replaced in place (the list was just walked); new: appended.
    if (node !== NONE) pool.replace(node, variationId, flags);
    else owner.setHead(this.#visitor, pool.set(head, experimentId, variationId, flags));
  }

  /** Every assignment, in the order first made. */
  *entries(): IterableIterator<[number, StoredVariation]> {
    const pool = this.#owner.pool;
    for (let node = this.#owner.headOf(this.#visitor); node !== NONE; node = pool.next(node)) {
      const flags = pool.flags(node);
      yield [pool.experimentId(node), { variationId: pool.variationId(node), isTargetedRule: (flags & TARGETED) !== 0, unsent: (flags & UNSENT) !== 0 }];
    }
  }
}
