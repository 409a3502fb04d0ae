import type { Consent, ForcedExperiment, SimulatedVariation } from '../evaluation/evaluate.ts';
import type { VisitorData } from '../targeting/types.ts';

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
}

/** Everything the SDK keeps about one visitor code, laid out to stay small. */
export interface VisitorRecord {
  code: string;
  /** Last activity, in seconds since the store was created: a small integer, stored unboxed. */
  lastActivity: number;
  /** Packed assignments (see Assignments), or undefined before the first one. */
  slots: number[] | undefined;
  extra: VisitorExtra | undefined;
}

/** Where browser visitors are persisted; servers keep visitors in RAM only. */
export interface VisitorPersistence {
  load(code: string): VisitorRecord | undefined;
  save(record: VisitorRecord): void;
}

/** A fresh, empty targeting-data object. */
export function emptyVisitorData(): VisitorData {
  return { customData: new Map(), pageViews: new Map(), conversions: [] };
}

/** The record's extra part, created when absent. */
export function extraOf(record: VisitorRecord): VisitorExtra {
  return (record.extra ??= { data: undefined, linkedTo: undefined, forced: undefined, simulated: undefined, consent: 'unknown', visitActivity: 0 });
}

/** Options of {@link VisitorStore}. */
export interface VisitorStoreOptions {
  /** Inactivity after which a visitor is forgotten (servers), in ms; 0 = never. */
  sessionDurationMs: number;
  clock: () => number;
  persistence?: VisitorPersistence | undefined;
}

/**
 * Visitors by code. The Map is kept in order of last activity (a touched visitor moves to the
 * end), so expired visitors are always at the front and a sweep costs only what it removes.
 * In browsers each visitor is loaded from and saved to its own storage entry, so a call costs
 * the same whatever the number of visitors stored.
 */
export class VisitorStore {
  #visitors = new Map<string, VisitorRecord>();
  #options: VisitorStoreOptions;
  #dirty = new Set<VisitorRecord>();
  #flushScheduled = false;
  readonly #epoch: number;

  constructor(options: VisitorStoreOptions) {
    this.#options = options;
    this.#epoch = options.clock();
  }

  /** Seconds since the store was created. */
  #seconds(): number {
    return Math.floor((this.#options.clock() - this.#epoch) / 1000);
  }

  /** Number of visitors held in memory. */
  get size(): number {
    return this.#visitors.size;
  }

  /** The visitor's record, created when absent; marks it active now. */
  touch(code: string): VisitorRecord {
    const now = this.#seconds();
    let record = this.#visitors.get(code);
    if (record) {
      if (record.lastActivity !== now && this.#options.sessionDurationMs > 0) {
        // Keep the Map in activity order, and drop the expired visitors at its front.
        this.#visitors.delete(code);
        this.#visitors.set(code, record);
        this.sweep(now);
      }
    } else {
      this.sweep(now);
      record = this.#options.persistence?.load(code) ?? { code, lastActivity: now, slots: undefined, extra: undefined };
      this.#visitors.set(code, record);
    }
    record.lastActivity = now;
    return record;
  }

  /** The visitor's record if known, without creating it or marking activity. */
  peek(code: string): VisitorRecord | undefined {
    let record = this.#visitors.get(code);
    if (!record && this.#options.persistence) {
      record = this.#options.persistence.load(code);
      if (record) this.#visitors.set(code, record);
    }
    return record;
  }

  /** The record whose targeting data `record` reads and writes: the linked anonymous visitor's, else itself. */
  ownerOf(record: VisitorRecord): VisitorRecord {
    const extra = record.extra;
    if (extra?.linkedTo === undefined) return record;
    const owner = this.peek(extra.linkedTo);
    if (owner) return owner;
    extra.linkedTo = undefined; // the anonymous visitor was forgotten, and the link with it
    return record;
  }

  /** The targeting data `record` reads. */
  dataOf(record: VisitorRecord): VisitorData | undefined {
    return this.ownerOf(record).extra?.data;
  }

  /** Schedules the record for persistence (browsers); a no-op on servers. */
  changed(record: VisitorRecord): void {
    if (!this.#options.persistence) return;
    this.#dirty.add(record);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.flushPersistence());
  }

  /** Writes every changed record now. */
  flushPersistence(): void {
    this.#flushScheduled = false;
    const persistence = this.#options.persistence;
    if (!persistence) return;
    for (const record of this.#dirty) persistence.save(record);
    this.#dirty.clear();
  }

  /** Forgets visitors inactive for longer than the session duration (`now` in store seconds). */
  sweep(now: number): void {
    const ttl = this.#options.sessionDurationMs / 1000;
    if (ttl <= 0) return;
    for (const [code, record] of this.#visitors) {
      if (now - record.lastActivity <= ttl) break;
      this.#visitors.delete(code);
    }
  }

  /** Every visitor in memory, least recently active first. */
  values(): IterableIterator<VisitorRecord> {
    return this.#visitors.values();
  }

  /** Writes pending changes and drops everything held in memory. */
  clear(): void {
    this.flushPersistence();
    this.#visitors.clear();
  }
}
