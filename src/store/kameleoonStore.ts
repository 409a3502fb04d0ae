import { createStore, type StoreApi } from 'zustand/vanilla';
import type { KameleoonClientBase as KameleoonClient } from '../client/kameleoonClient.ts';
import type { Variation } from '../client/types.ts';
import type { KameleoonError } from '../errors.ts';
import { fromSnapshotVariation, type KameleoonSnapshot } from './snapshot.ts';

/**
 * Where a client stands, as hooks report it: `loading` until its first configuration (or while
 * there is no client, as on a server render without a snapshot); `ready` when the configuration
 * is current (or a snapshot stands in for it); `stale` when an older configuration is served
 * because refreshing fails, or after the client was closed; `error` when there is none and
 * fetching failed.
 */
export type KameleoonStatus = 'loading' | 'ready' | 'stale' | 'error';

/** Status with the reason of a `stale` or `error` status. */
export interface StatusInfo {
  /** See {@link KameleoonStatus}. */
  status: KameleoonStatus;
  /** The last failure, for `stale` and `error`; undefined otherwise (and after `close()`). */
  reason: KameleoonError | undefined;
}

/** The reactive state: what can change under a rendered component. */
export interface KameleoonState {
  /** Bumped when a configuration update or new visitor data may change evaluated results. */
  version: number;
  /** The client's status; a new object only when it changed. */
  status: StatusInfo;
}

interface Cached {
  version: number;
  value: Variation | null;
}

/** Two variations are the same result when everything a component could show is equal. */
function sameVariation(a: Variation | null, b: Variation | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.key !== b.key || a.id !== b.id || a.experimentId !== b.experimentId || a.name !== b.name) return false;
  if (a.variables.size !== b.variables.size) return false;
  for (const [key, v] of a.variables) {
    const w = b.variables.get(key);
    if (!w || w.type !== v.type || JSON.stringify(w.value) !== JSON.stringify(v.value)) return false;
  }
  return true;
}

function statusOf(client: KameleoonClient | undefined): StatusInfo {
  if (!client) return { status: 'loading', reason: undefined };
  const { status, lastError } = client.getConfigurationStatus();
  switch (status) {
    case 'ready':
      return { status: 'ready', reason: undefined };
    case 'stale':
      return { status: 'stale', reason: lastError };
    case 'failed':
      return { status: 'error', reason: lastError };
    case 'closed':
      return { status: 'stale', reason: undefined };
    default:
      return { status: 'loading', reason: undefined };
  }
}

/** Delay before a store that nobody retains any more closes the client it started. */
const RELEASE_DELAY_MS = 0;

/**
 * A client's evaluated results as a zustand vanilla store, for any UI layer (the React bindings
 * use it; Node can too). The reactive state is small (a version and the status); results are read
 * through {@link KameleoonStore.variation | variation}, cached per version with structural sharing: after an update, a flag
 * whose result did not change returns the very same object, so a selector on it does not fire.
 * A server snapshot seeds the results for its visitor until the first configuration update, so
 * the first browser render equals the server's.
 */
export class KameleoonStore {
  /** The zustand vanilla store of the reactive state: subscribe to it, or select from it with `useStore`. */
  readonly state: StoreApi<KameleoonState>;
  #client: KameleoonClient | undefined;
  readonly #owned: boolean;
  readonly #create: (() => KameleoonClient) | undefined;
  readonly #cache = new Map<string, Cached>();
  readonly #snapshot: KameleoonSnapshot | undefined;
  readonly #tracked = new Set<string>();
  #retained = 0;
  #started = false;
  #closed = false;
  #unsubscribe: (() => void)[] = [];
  #pendingExposures: [visitorCode: string, featureKey: string, track: boolean][] = [];
  readonly #server = new Map<string, Variation>();
  /** The snapshot's results stand until a configuration update or new visitor data. */
  #seeded = true;

  /**
   * @param client - the client whose results are read; undefined on a server render from a snapshot
   * @param options - `snapshot`: a server snapshot whose results stand for its visitor until the
   * first configuration update or new visitor data; `owned` (default false): whether the store
   * created the client, and so closes it when the last holder releases it; `create`: how an owned
   * client is made again, when a holder retains the store after that (a tree hidden by React's
   * `<Activity>` releases it, and retains it again when shown)
   */
  constructor(client: KameleoonClient | undefined, options: { snapshot?: KameleoonSnapshot | undefined; owned?: boolean; create?: () => KameleoonClient } = {}) {
    this.#client = client;
    this.#owned = options.owned ?? false;
    this.#create = options.create;
    this.#snapshot = options.snapshot;
    // The server tracked the variation it rendered: another one (new data, a new configuration) is tracked here.
    for (const key of options.snapshot?.tracked ?? []) this.#tracked.add(`${options.snapshot!.visitorCode}\u0000${key}\u0000${options.snapshot!.results[key]?.key ?? ''}`);
    const initial = options.snapshot && !client?.isInitialized() ? { status: 'ready' as const, reason: undefined } : statusOf(client);
    this.state = createStore<KameleoonState>()(() => ({ version: 0, status: initial }));
  }

  /** The client whose results are read; undefined on a server render from a snapshot. */
  get client(): KameleoonClient | undefined {
    return this.#client;
  }

  /** Marks results as possibly changed (a configuration update, new visitor data, a forced variation...). */
  invalidate(): void {
    this.#seeded = false;
    this.state.setState((s) => ({ version: s.version + 1 }));
  }

  /**
   * The variation of `featureKey` for the visitor at the current version: null while nothing can
   * be evaluated (loading, or an error such as an unknown flag). The same object until it changes.
   */
  variation(visitorCode: string, featureKey: string): Variation | null {
    const version = this.state.getState().version;
    const id = `${visitorCode}\u0000${featureKey}`;
    const cached = this.#cache.get(id);
    if (cached && cached.version === version) return cached.value;
    let value: Variation | null = null;
    const seeded = this.#seeded && this.#snapshot?.visitorCode === visitorCode ? this.#snapshot.results[featureKey] : undefined;
    if (seeded) {
      value = fromSnapshotVariation(seeded);
    } else if (this.client?.isInitialized()) {
      // A render's read: no Evaluation event, nothing saved (trackExposure is the real evaluation).
      value = this.client.peekVariation(visitorCode, featureKey);
    }
    if (cached && sameVariation(cached.value, value)) value = cached.value;
    this.#cache.set(id, { version, value });
    return value;
  }

  /**
   * What a server render showed (React's server snapshot, so that hydration matches the server's
   * HTML even when the browser's client already has a newer configuration): the snapshot's result
   * for its visitor (null for a flag it lacks); without a snapshot for the visitor,
   * {@link KameleoonStore.variation | variation}.
   */
  serverVariation(visitorCode: string, featureKey: string): Variation | null {
    if (this.#snapshot?.visitorCode !== visitorCode) return this.variation(visitorCode, featureKey);
    const seeded = this.#snapshot.results[featureKey];
    if (!seeded) return null;
    let value = this.#server.get(featureKey);
    if (!value) this.#server.set(featureKey, (value = fromSnapshotVariation(seeded)));
    return value;
  }

  /** The flags a server render showed for the visitor: the snapshot's, else undefined (see serverVariation). */
  serverFeatureKeys(visitorCode: string | undefined): string[] | undefined {
    return this.#snapshot && this.#snapshot.visitorCode === visitorCode ? Object.keys(this.#snapshot.results) : undefined;
  }

  /**
   * The real evaluation of `featureKey` for the visitor, once per store and variation shown (a
   * component rendered twice, or under StrictMode, evaluates once; a variation that changes, after
   * new data or a new configuration, is evaluated again): it fires the client's Evaluation event,
   * saves the assignment and, with `track` (default true), tracks the exposure. A variation the
   * server already tracked is skipped.
   * @param variationKey - the variation the component shows
   */
  trackExposure(visitorCode: string, featureKey: string, track = true, variationKey = ''): void {
    const id = `${visitorCode}\u0000${featureKey}\u0000${variationKey}`;
    // An untracked evaluation does not stand for a tracked one; a tracked one stands for both.
    const key = track ? id : `${id}\u0000untracked`;
    if (this.#tracked.has(id) || this.#tracked.has(key) || !this.client) return;
    this.#tracked.add(key);
    // Before initialization (a child's effect runs before the provider's), it waits for it.
    if (this.client.isInitialized()) this.client.getVariationDetails({ visitorCode, featureKey, track });
    else this.#pendingExposures.push([visitorCode, featureKey, track]);
  }

  /**
   * Holds the client started (initialize, and listen to updates and status) while at least one
   * holder retains the store; the last release closes a client the store owns. Releases are
   * deferred a tick, so that React StrictMode's unmount-and-remount does not close anything.
   * @returns the release function
   */
  retain(): () => void {
    this.#retained++;
    // Closed by the last release and retained again: an owned client is made again.
    if (this.#closed && this.#owned && this.#create) {
      this.#client = this.#create();
      this.#closed = false;
      this.#started = false;
      this.#cache.clear();
      this.state.setState((s) => ({ version: s.version + 1, status: statusOf(this.#client) }));
    }
    this.#start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#retained--;
      setTimeout(() => {
        if (this.#retained === 0) void this.close();
      }, RELEASE_DELAY_MS);
    };
  }

  #start(): void {
    const client = this.client;
    if (this.#started || !client || this.#closed) return;
    this.#started = true;
    this.#unsubscribe.push(
      client.onConfigurationUpdate(() => this.invalidate()),
      client.onVisitorDataChange(() => this.invalidate()),
      client.onStatusChange(() => this.#refreshStatus()),
    );
    void client.waitInit().then((ready) => {
      if (this.#closed || this.#client !== client) return;
      if (ready) for (const [visitorCode, featureKey, track] of this.#pendingExposures.splice(0)) client.getVariationDetails({ visitorCode, featureKey, track });
      // Flags the snapshot lacks (and every flag without one) can be evaluated now.
      this.state.setState((s) => ({ version: s.version + 1 }));
      this.#refreshStatus();
    });
  }

  /**
   * Replaces the status object only when it changed, so status selectors stay stable; a new
   * status may bring results (a configuration in force: the browser build's first stage says so
   * by a status change), so the version moves with it.
   */
  #refreshStatus(): void {
    const next = statusOf(this.client);
    const current = this.state.getState().status;
    if (next.status !== current.status) this.state.setState((s) => ({ status: next, version: s.version + 1 }));
    else if (next.reason !== current.reason) this.state.setState({ status: next });
  }

  /** Stops listening and, when the store started the client, closes it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    if (this.#owned) await this.client?.close();
  }
}
