import type { Consent, ForcedExperiment, SimulatedVariation } from '../evaluation/evaluate.ts';
import type { VisitorData } from '../targeting/types.ts';
import type { TrackedItem } from '../tracking/lines.ts';
import { AssignmentPool, Assignments, type AssignmentOwner } from './assignments.ts';
import { JS_CSS, NONE, STAMP_MASK } from './slots.ts';

/** Thirty minutes without activity end a visit (Kameleoon's visit definition). */
export const VISIT_DURATION_MS = 30 * 60_000;

/** What most visitors never need: allocated on first use. */
export interface VisitorExtra {
  /** Own targeting data (see `linkedTo`). */
  data: VisitorData | undefined;
  /** Anonymous visitor code this code (a user id) is linked to: its data and hashes are that visitor's. */
  linkedTo: string | undefined;
  forced: Map<number, ForcedExperiment> | undefined;
  simulated: Map<string, SimulatedVariation> | undefined;
  consent: Consent;
  /** Last activity of the current visit (browsers count visits). */
  visitActivity: number;
  /** Last activity of the visit before the current one. */
  previousVisitActivity?: number;
  /** Data items added and not yet tracked, in the order added. */
  pending?: TrackedItem[];
  /** Kinds of data in the order first added: the order the official SDK sends lines in. */
  kindOrder?: string[];
  /** Kinds of data this visitor code added and has not sent (see Tracker.recordData). */
  unsentKinds?: string[];
  /**
   * The custom data this visitor code last sent held a VISITOR-scope or the mapping-identifier
   * index: its compositions look for custom data to send (VISITOR-scope values are sent again
   * once per window, see Tracker), as the official SDK keeps custom data unsent for it.
   */
  customDataDue?: boolean;
}

/** A visitor as persistence stores it (browsers). */
export interface PersistedVisitor {
  /** Epoch ms of the last activity. */
  lastActivity: number;
  /**
   * `[experimentId, variationId (-1 for none), flags]` triples, in the order made; a negative
   * experimentId is the record of a variation sent before (see AssignmentPool).
   */
  assignments: number[];
  /**
   * When each assignment was made, in epoch seconds (0 = unknown), in the order of the triples;
   * absent in entries stored before assignment times were kept (their times are unknown).
   */
  assignmentTimes?: number[] | undefined;
  extra: VisitorExtra | undefined;
}

/** Where browser visitors are persisted; servers keep visitors in RAM only. */
export interface VisitorPersistence {
  load(code: string): PersistedVisitor | undefined;
  save(code: string, visitor: PersistedVisitor): void;
}

/** A fresh, empty targeting-data object. */
export function emptyVisitorData(): VisitorData {
  return { customData: new Map(), pageViews: new Map(), conversions: [] };
}

/** Options of {@link VisitorStore}. */
export interface VisitorStoreOptions {
  /** Inactivity after which a visitor is forgotten (servers), in ms; 0 = never. */
  sessionDurationMs: number;
  clock: () => number;
  persistence?: VisitorPersistence | undefined;
  /** Called just before a visitor is forgotten (tracking sends what it still owes). */
  onForget?: ((id: number) => void) | undefined;
}

/** Codes this long or longer may be cons or sliced strings that pin more memory than themselves. */
const MIN_COPIED_LENGTH = 13;
const scratch: number[] = [];

/**
 * A flat copy of `code`: a code built by concatenation, or cut from a Cookie header, may hold
 * on to its parts or to the whole header; the store keeps only the characters.
 */
function ownCopy(code: string): string {
  const length = code.length;
  if (length < MIN_COPIED_LENGTH) return code;
  // Setting an array's length is a runtime call; codes are mostly of one length.
  if (scratch.length !== length) scratch.length = length;
  for (let i = 0; i < length; i++) scratch[i] = code.charCodeAt(i);
  return String.fromCharCode.apply(null, scratch);
}

/**
 * Visitors by code, laid out in columns so that a server's visitor costs about a hundred bytes:
 * a visitor is a dense number (its id), its code a Map key, its last activity and the head of its
 * assignment list entries of typed arrays, and the rare extras (data, consent, forced variations)
 * live in a side Map. The Map is kept in order of last activity (a touched visitor moves to the
 * end), so expired visitors are always at the front and a sweep costs only what it removes.
 * In browsers each visitor is loaded from and saved to its own storage entry, so a call costs
 * the same whatever the number of visitors stored.
 */
export class VisitorStore implements AssignmentOwner {
  readonly pool = new AssignmentPool();
  #ids = new Map<string, number>();
  #codes: (string | undefined)[] = [];
  /** Last activity in seconds since the store was created: a small integer. */
  #activity = new Int32Array(256);
  #heads = new Int32Array(256).fill(NONE);
  #extras = new Map<number, VisitorExtra>();
  #freeIds: number[] = [];
  #nextId = 0;
  #sweptAt = -1;
  #options: VisitorStoreOptions;
  #dirty = new Set<number>();
  #flushScheduled = false;
  readonly #epoch: number;

  constructor(options: VisitorStoreOptions) {
    this.#options = options;
    this.#epoch = options.clock();
  }

  /** Seconds since the store was created. */
  #seconds(now: number): number {
    return Math.floor((now - this.#epoch) / 1000);
  }

  /** Tenths of a second since the store was created, as a 27-bit stamp that is never 0 ("never"). */
  tenths(now = this.#options.clock()): number {
    return (Math.floor((now - this.#epoch) / 100) % STAMP_MASK) + 1;
  }

  /** Notes that the visitor's variation of `experimentId` was returned at `now` (epoch ms; hybrid mode). */
  markReturned(id: number, experimentId: number, hasJsCss: boolean, now = this.#options.clock()): void {
    const node = this.pool.find(this.#heads[id], experimentId);
    if (node === NONE) return;
    this.pool.setReturnedAt(node, this.tenths(now));
    const flags = this.pool.flags(node);
    this.pool.setFlags(node, hasJsCss ? flags | JS_CSS : flags & ~JS_CSS);
  }

  /** Marks the visitor's exposures of these experiments as already tracked. */
  markSent(id: number, experimentIds: readonly number[]): void {
    for (const experimentId of experimentIds) {
      const node = this.pool.find(this.#heads[id], experimentId);
      if (node !== NONE) this.pool.markSent(node);
    }
  }

  /** Number of visitors held in memory. */
  get size(): number {
    return this.#ids.size;
  }

  #newId(code: string, now: number): number {
    let id = this.#freeIds.pop();
    if (id === undefined) {
      id = this.#nextId++;
      if (id === this.#activity.length) {
        const activity = new Int32Array(id * 2);
        activity.set(this.#activity);
        this.#activity = activity;
        const heads = new Int32Array(id * 2).fill(NONE);
        heads.set(this.#heads);
        this.#heads = heads;
      }
    }
    this.#codes[id] = code;
    this.#activity[id] = now;
    this.#heads[id] = NONE;
    this.#ids.set(code, id);
    return id;
  }

  #load(code: string): number | undefined {
    const persisted = this.#options.persistence?.load(code);
    if (!persisted) return undefined;
    const id = this.#newId(ownCopy(code), Math.floor((persisted.lastActivity - this.#epoch) / 1000));
    const triples = persisted.assignments;
    const times = persisted.assignmentTimes;
    let head = NONE;
    for (let i = 0; i + 2 < triples.length; i += 3) {
      head = this.pool.set(head, triples[i], triples[i + 1] === -1 ? null : triples[i + 1], triples[i + 2], (times?.[i / 3] ?? 0) * 1000);
    }
    this.#heads[id] = head;
    if (persisted.extra) this.#extras.set(id, persisted.extra);
    return id;
  }

  /** The visitor's id, created when absent; marks it active at `at` (epoch ms, default now). */
  touch(code: string, at = this.#options.clock()): number {
    const now = this.#seconds(at);
    let id = this.#ids.get(code);
    if (id !== undefined && this.#activity[id] !== now && this.#options.sessionDurationMs > 0) {
      // Drop the expired visitors at the Map's front first: this one too when it expired (it
      // comes back as a new visitor, never as an id already released), then keep the Map in
      // activity order.
      this.sweep(now);
      id = this.#ids.get(code);
      if (id !== undefined) {
        const own = this.#codes[id] as string;
        this.#ids.delete(own);
        this.#ids.set(own, id);
      }
    }
    if (id === undefined) {
      this.sweep(now);
      id = this.#load(code) ?? this.#newId(ownCopy(code), now);
    }
    this.#activity[id] = now;
    return id;
  }

  /** The store's clock (epoch ms). */
  now(): number {
    return this.#options.clock();
  }

  /**
   * Where a server's current visit starts (epoch ms): a second after the last activity of the
   * latest previous visit the Data API reported (getRemoteVisitorData keeps it as the visit
   * activity; servers count no visits themselves); 0 when unknown.
   */
  startedAt(id: number): number {
    const activity = this.#extras.get(this.ownerOf(id))?.visitActivity;
    return activity ? activity + 1000 : 0;
  }

  /** The visitor's id if known, without creating it or marking activity. */
  peek(code: string): number | undefined {
    return this.#ids.get(code) ?? this.#load(code);
  }

  /** The visitor's code. */
  codeOf(id: number): string {
    return this.#codes[id] as string;
  }

  /** The visitor's extras, if any. */
  extra(id: number): VisitorExtra | undefined {
    return this.#extras.get(id);
  }

  /** The visitor's extras, created when absent. */
  extraOf(id: number): VisitorExtra {
    let extra = this.#extras.get(id);
    if (!extra) {
      extra = { data: undefined, linkedTo: undefined, forced: undefined, simulated: undefined, consent: 'unknown', visitActivity: 0 };
      this.#extras.set(id, extra);
    }
    return extra;
  }

  headOf(id: number): number {
    return this.#heads[id];
  }

  setHead(id: number, head: number): void {
    this.#heads[id] = head;
  }

  /** The visitor's assignments, read and written in place. */
  assignments(id: number): Assignments {
    return new Assignments(this, id);
  }

  /** The visitor whose targeting data `id` reads and writes: the linked anonymous visitor, else itself. */
  ownerOf(id: number): number {
    const extra = this.#extras.get(id);
    if (extra?.linkedTo === undefined) return id;
    const owner = this.peek(extra.linkedTo);
    if (owner !== undefined) return owner;
    extra.linkedTo = undefined; // the anonymous visitor was forgotten, and the link with it
    return id;
  }

  /** The targeting data `id` reads. */
  dataOf(id: number): VisitorData | undefined {
    return this.#extras.get(this.ownerOf(id))?.data;
  }

  /** Schedules the visitor for persistence (browsers); a no-op on servers. */
  changed(id: number): void {
    if (!this.#options.persistence) return;
    this.#dirty.add(id);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.flushPersistence());
  }

  /** Writes every changed visitor now. */
  flushPersistence(): void {
    this.#flushScheduled = false;
    const persistence = this.#options.persistence;
    if (!persistence) return;
    for (const id of this.#dirty) {
      const code = this.#codes[id];
      if (code === undefined) continue;
      persistence.save(code, {
        lastActivity: this.#epoch + this.#activity[id] * 1000,
        assignments: this.pool.toTriples(this.#heads[id]),
        assignmentTimes: this.pool.toTimes(this.#heads[id]),
        extra: this.#extras.get(id),
      });
    }
    this.#dirty.clear();
  }

  /** Forgets visitors inactive for longer than the session duration (`now` in store seconds). */
  sweep(now: number): void {
    const ttl = this.#options.sessionDurationMs / 1000;
    // Activity has a one-second resolution: one sweep per second finds all there is to find.
    if (ttl <= 0 || now === this.#sweptAt) return;
    this.#sweptAt = now;
    for (const [code, id] of this.#ids) {
      if (now - this.#activity[id] <= ttl) break;
      this.#ids.delete(code);
      this.#release(id);
    }
  }

  #release(id: number): void {
    this.#options.onForget?.(id);
    this.pool.release(this.#heads[id]);
    this.#heads[id] = NONE;
    this.#codes[id] = undefined;
    this.#extras.delete(id);
    this.#dirty.delete(id);
    this.#freeIds.push(id);
  }

  /** Every visitor id in memory, least recently active first. */
  ids(): IterableIterator<number> {
    return this.#ids.values();
  }
}
