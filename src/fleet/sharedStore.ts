/**
 * The port a fleet of server processes shares visitors, exposures and the configuration through
 * (`externals.sharedStore` of the Node client). `kameleoon-ts/redis` implements it on Redis; any
 * store with the same guarantees can. Every method is asynchronous and may reject: the SDK bounds
 * and absorbs each call (see {@link SharedStore.loadTimeout}), no rejection reaches the application.
 */
export interface SharedStore {
  /**
   * Milliseconds the per-request load of a visitor (`prepareVisitor`) waits for this store before
   * the request is served from the process's own memory. Default 50.
   */
  readonly loadTimeout?: number;
  /**
   * One visitor's serialized state, in one round trip.
   * @returns the value last written by {@link SharedStore.setVisitors}, or null when there is none (or it expired)
   */
  getVisitor(siteCode: string, visitorCode: string): Promise<string | null>;
  /**
   * Writes visitors' serialized states (one batch), each expiring `ttlMs` after this write.
   * @param visitors - `[visitorCode, value]` pairs
   */
  setVisitors(siteCode: string, visitors: readonly (readonly [visitorCode: string, value: string])[], ttlMs: number): Promise<void>;
  /**
   * Atomically claims exposures: each claim is granted to exactly one caller across the fleet
   * (the first), and remembered for `ttlMs`.
   * @returns for each claim, whether this caller got it
   */
  claimExposures(siteCode: string, claims: readonly SharedExposureClaim[], ttlMs: number): Promise<boolean[]>;
  /**
   * Takes, or extends, the lock of the configuration fetch of `siteCode` for `owner`, for `ttlMs`
   * (a holder that dies loses it when it expires).
   * @returns whether `owner` holds the lock now
   */
  lockConfiguration(siteCode: string, owner: string, ttlMs: number): Promise<boolean>;
  /**
   * Releases the lock of `siteCode` if `owner` holds it (a process that closes: the next one to
   * ask takes it at once, not when it expires). Optional: without it, the lock of a process that
   * closed expires after its `ttlMs`, and until then the others go on reading what it published.
   */
  unlockConfiguration?(siteCode: string, owner: string): Promise<void>;
  /** The configuration the lock holder published last (the value given to `setConfiguration`), or null. */
  getConfiguration(siteCode: string): Promise<string | null>;
  /** Publishes a configuration (the lock holder) and tells every subscriber of `siteCode`. */
  setConfiguration(siteCode: string, value: string): Promise<void>;
  /**
   * Calls `listener` whenever a configuration of `siteCode` is published.
   * @returns the function that stops it
   */
  subscribeConfiguration(siteCode: string, listener: () => void): () => void;
}

/** One exposure to claim: a visitor's variation of an experiment. */
export interface SharedExposureClaim {
  /** The visitor's code. */
  visitorCode: string;
  /** The experiment (rule) id. */
  experimentId: number;
  /** The variation id; null for a rule without one. */
  variationId: number | null;
}

/** Where `prepareVisitor` found the visitor. */
export type SharedVisitorSource = 'shared' | 'local';

/** What `prepareVisitor` did. */
export interface PrepareVisitorResult {
  /**
   * `shared` when the visitor was loaded from the shared store (or it had none), `local` when the
   * request is served from this process's memory (no store, or it failed or did not answer in time).
   */
  source: SharedVisitorSource;
  /** Why the store was not used: `timeout`, `error`, or `none` (no shared store configured); absent when it was. */
  reason?: 'timeout' | 'error' | 'none';
}

/** What `prepareRequest` returns: the visitor's code, and where the visitor was read. */
export interface PrepareRequestResult extends PrepareVisitorResult {
  /** The visitor's code (see `getVisitorCode`). */
  visitorCode: string;
}

/** What `getSharedStoreStatus()` returns. */
export interface SharedStoreStatus {
  /** Whether a shared store is configured. */
  enabled: boolean;
  /** Whether the store answered the last call in time; false from a failure until its next success. */
  available: boolean;
  /** Visitors loaded from the store. */
  loads: number;
  /** Requests served from local memory because the store failed or did not answer within `loadTimeout`. */
  fallbacks: number;
  /** Visitor writes that failed (the visitor is written again at its next change). */
  failedWrites: number;
  /** Exposures another process had claimed (not sent by this one). */
  claimsLost: number;
  /** The last failure's message; cleared by the next success. */
  lastError: string | undefined;
  /** Whether this process holds the configuration lock (it fetches; the others read the store). */
  configurationHolder: boolean;
}
