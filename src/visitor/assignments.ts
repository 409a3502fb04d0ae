import type { AssignmentView, StoredVariation } from '../targeting/types.ts';
import { NONE, SENT, STAMP_MASK, TARGETED, UNSENT } from './slots.ts';

/**
 * Int32 slots of one node: experiment id, variation id (-1 for none), flags and stamp, next node,
 * assignment time. The third slot holds the flags in its low 4 bits and, above them, when the
 * variation was last returned (27 bits of tenths of a second on the owner's clock, wrapping every
 * 155 days; 0 = never), for hybrid mode. The fifth holds when the assignment was made, in epoch
 * seconds rounded up (unsigned, until 2106; 0 = unknown), for the visit scope of targeting
 * conditions: rounded up, an assignment is never placed before the visit it was made in.
 */
const NODE = 5;
const FLAG_BITS = 15;

/**
 * A record node keeps a variation whose exposure was sent, after the experiment's assignment
 * moved to another variation: under the experiment id's bitwise complement (ids are at least 0,
 * so records are negative and no experiment id finds them), with no flag and no stamp, so that
 * walkers of the list that look for flags or stamps (tracking, hybrid mode) pass them by. The
 * official engine may move an assignment back and forth within one visit (the holdout is drawn
 * with each flag's bucketing code); the record keeps a variation sent once from being sent again.
 */
const recordKey = (experimentId: number): number => ~experimentId;

/**
 * Every visitor's assignments in one Int32Array, as singly linked lists of four-int nodes.
 * A server keeps a list per visitor for the whole session; a JS array per visitor would cost
 * six times as much. Freed nodes are reused. A list also holds the records of variations sent
 * before (see {@link recordKey}), which {@link Assignments} leaves out of what it reads.
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

  /** The node of `experimentId` in the list starting at `head`, or NONE (always for a negative id: no record is found). */
  find(head: number, experimentId: number): number {
    if (experimentId < 0) return NONE;
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
   * new assignments go last, so lists keep the order assignments were made in. A record of a
   * variation sent (a negative id, as persisted) is always appended: an experiment may have several.
   * @returns the list's head
   */
  set(head: number, experimentId: number, variationId: number | null, flags: number, time?: number): number {
    let last = NONE;
    for (let node = head; node !== NONE; node = this.#nodes[node + 3]) {
      if (this.#nodes[node] === experimentId && experimentId >= 0) {
        this.replace(node, variationId, flags, time);
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
    n[node + 4] = seconds(time);
    if (last === NONE) return node;
    n[last + 3] = node;
    return head;
  }

  /** Replaces a node's variation and flags (its return stamp is cleared), and its time when one is given. */
  replace(node: number, variationId: number | null, flags: number, time?: number): void {
    this.#nodes[node + 1] = variationId ?? -1;
    this.#nodes[node + 2] = flags;
    if (time !== undefined) this.#nodes[node + 4] = seconds(time);
  }

  /** Whether the list starting at `head` records `variationId` of `experimentId` as sent before. */
  sentBefore(head: number, experimentId: number, variationId: number | null): boolean {
    const n = this.#nodes;
    const key = recordKey(experimentId);
    const id = variationId ?? -1;
    for (let node = head; node !== NONE; node = n[node + 3]) if (n[node] === key && n[node + 1] === id) return true;
    return false;
  }

  /** Records that the variation of `node` was sent (unless it is already recorded), in a node after it. */
  recordSent(head: number, node: number): void {
    const experimentId = this.#nodes[node];
    const variationId = this.variationId(node);
    if (this.sentBefore(head, experimentId, variationId)) return;
    const record = this.#alloc();
    const n = this.#nodes;
    n[record] = recordKey(experimentId);
    n[record + 1] = variationId ?? -1;
    n[record + 2] = 0;
    n[record + 3] = n[node + 3];
    n[record + 4] = 0;
    n[node + 3] = record;
  }

  /** When the node's assignment was made (epoch ms, a whole second), 0 when unknown. */
  time(node: number): number {
    return (this.#nodes[node + 4] >>> 0) * 1000;
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

  /** The assignment time of each node of the list (epoch seconds, 0 = unknown), in the order of {@link toTriples}. */
  toTimes(head: number): number[] {
    const out: number[] = [];
    const n = this.#nodes;
    for (let node = head; node !== NONE; node = n[node + 3]) out.push(n[node + 4] >>> 0);
    return out;
  }
}

/** Epoch ms as the pool's epoch seconds, rounded up; 0 (unknown) for no time or an unusable one. */
function seconds(time: number | undefined): number {
  return time !== undefined && time > 0 && time < 4.2e12 ? Math.ceil(time / 1000) | 0 : 0;
}

/** Where a visitor's list starts; the store owns it. */
export interface AssignmentOwner {
  readonly pool: AssignmentPool;
  headOf(visitor: number): number;
  setHead(visitor: number, head: number): void;
  /** Where a server's current visit starts (epoch ms), 0 when unknown (see VisitorStore.startedAt). */
  startedAt(visitor: number): number;
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
    for (let node = this.#owner.headOf(this.#visitor); node !== NONE; node = pool.next(node)) if (pool.experimentId(node) >= 0) size++;
    return size;
  }

  has(experimentId: number): boolean {
    return this.#owner.pool.find(this.#owner.headOf(this.#visitor), experimentId) !== NONE;
  }

  timeOf(experimentId: number): number {
    const pool = this.#owner.pool;
    const node = pool.find(this.#owner.headOf(this.#visitor), experimentId);
    return node === NONE ? 0 : pool.time(node);
  }

  *times(): IterableIterator<[number, number]> {
    const pool = this.#owner.pool;
    for (let node = this.#owner.headOf(this.#visitor); node !== NONE; node = pool.next(node)) {
      if (pool.experimentId(node) >= 0) yield [pool.experimentId(node), pool.time(node)];
    }
  }

  visitStartedAt(): number {
    return this.#owner.startedAt(this.#visitor);
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
   * sent, once per variation: an exposure already sent for the same variation is not sent again,
   * even after the assignment moved to another variation and back, and a later call without
   * `track` does not cancel a pending one. A variation never sent is a new exposure. `time`
   * (epoch ms) is when the assignment was made: given, it replaces the time stored; without it, an
   * existing assignment keeps its time and a new one has none (unknown: in every visit scope).
   */
  set(experimentId: number, variationId: number | null, isTargetedRule: boolean, track: boolean, time?: number): void {
    const owner = this.#owner;
    const pool = owner.pool;
    const head = owner.headOf(this.#visitor);
    const node = pool.find(head, experimentId);
    let status: number;
    if (node !== NONE && pool.variationId(node) === variationId) {
      status = pool.flags(node) & (UNSENT | SENT);
    } else {
      // Another variation: the one sent is remembered; one sent before stays sent.
      if (node !== NONE && (pool.flags(node) & SENT) !== 0) pool.recordSent(head, node);
      status = node !== NONE && pool.sentBefore(head, experimentId, variationId) ? SENT : 0;
    }
    if (track && (status & SENT) === 0) status |= UNSENT;
    const flags = (isTargetedRule ? TARGETED : 0) | status;
    // Found: replaced in place (the list was just walked); new: appended.
    if (node !== NONE) pool.replace(node, variationId, flags, time);
    else owner.setHead(this.#visitor, pool.set(head, experimentId, variationId, flags, time));
  }

  /** Every assignment, in the order first made. */
  *entries(): IterableIterator<[number, StoredVariation]> {
    const pool = this.#owner.pool;
    for (let node = this.#owner.headOf(this.#visitor); node !== NONE; node = pool.next(node)) {
      if (pool.experimentId(node) < 0) continue;
      const flags = pool.flags(node);
      yield [pool.experimentId(node), { variationId: pool.variationId(node), isTargetedRule: (flags & TARGETED) !== 0, unsent: (flags & UNSENT) !== 0 }];
    }
  }
}
