import type { ParsedConfig } from '../config/parse.ts';
import type { Logger } from '../logging/logger.ts';
import { NONE, TARGETED, UNSENT } from '../visitor/slots.ts';
import type { VisitorStore } from '../visitor/visitorStore.ts';
import type { VisitStats } from '../visitor/applyData.ts';
import { ACTIVITY_LINE, dataLine, staticSummaryLine, experimentLine, identifierParam, nonce, type LineContext, type TrackedItem } from './lines.ts';
import type { Outbox, TrackingLine } from './outbox.ts';
import { every } from '../platform/timers.ts';
import type { IExternalStorage } from '../platform/platform.ts';
import { msg } from '../logging/msg.ts';

/** Kinds of data that become tracking lines. */
const TRACKED_KINDS = new Set(['customData', 'pageView', 'conversion', 'browser', 'device', 'operatingSystem', 'geolocation', 'targetedSegment']);
const NO_INDEXES: ReadonlySet<number> = new Set();
/** Kinds kept once per visitor (the latest replaces the previous one). */
const SINGLE_KINDS = new Set(['browser', 'device', 'operatingSystem', 'geolocation']);
/** The official engine's window for sending VISITOR-scope custom data again (its 29-minute `VISIT_DURATION`). */
const VISITOR_SCOPE_WINDOW_MS = 29 * 60_000;
/** Storage key of the end of that window (browsers keep it across pages, as the official `kameleoonDataInfo`). */
const WINDOW_KEY = 'kameleoonTs.nextVisit';

/** Options of {@link Tracker}. */
export interface TrackerOptions {
  store: VisitorStore;
  config: () => ParsedConfig | undefined;
  outbox: Outbox;
  random: () => number;
  /**
   * Called as each visitor is composed, as the official SDK reads the visitor then: browsers
   * switch to the visitor and return its visit figures (a `staticData` summary line follows for
   * visitors with data); a unique identifier not linked to anyone gets its own code stored as the
   * mapping identifier.
   */
  prepare: (visitorCode: string) => VisitStats | undefined;
  /**
   * Whether the visitor's data may be tracked in full (see TrackingDeps.consentOf), read as the
   * visitor is scheduled; undefined for a visitor the store does not know.
   */
  consentOf: (visitor: number | undefined) => boolean;
  /** Browsers add the summary line; servers do not. */
  isServer: boolean;
  /** Browsers: where the window of VISITOR-scope custom data is kept across pages. */
  storage?: IExternalStorage | undefined;
  intervalMs: number;
  logger: Logger;
}

/**
 * Turns what visitors did into tracking lines, as the official SDK does: a visitor is scheduled
 * (an evaluation with `track`, `flush`, a conversion); on the next tick (every `trackingInterval`)
 * its unsent exposures come first, then its unsent data in the order the official SDK keeps
 * them, each line with its own nonce; a visitor with nothing to send is reported active. Lines
 * then wait in the {@link Outbox}, which delivers each once. Unlike the official SDK, an exposure
 * is sent once per variation however often it is evaluated, and `track: false` cancels nothing.
 */
export class Tracker {
  readonly #o: TrackerOptions;
  /**
   * Visitors to compose on the next tick, in scheduling order: store ids, with a flag byte per id
   * (1 = scheduled, 2 = consent given when scheduled), a few bytes each where a Map would cost
   * forty; codes the store does not know (a flush for a visitor never seen) wait in a small Map.
   */
  #ids: number[] = [];
  #flags = new Uint8Array(1024);
  #unknown = new Map<string, boolean>();
  #timer: ReturnType<typeof setInterval> | undefined;
  /** When the window of VISITOR-scope custom data ends (epoch ms; see #data). */
  #nextVisit = 0;

  constructor(options: TrackerOptions) {
    this.#o = options;
  }

  /** The window's end: browsers read it from storage each time, as another tab or page may have moved it. */
  #windowEnd(): number {
    try {
      this.#nextVisit = Math.max(this.#nextVisit, Number(this.#o.storage?.read(WINDOW_KEY)) || 0);
    } catch {
      // A user storage that throws: the window kept in memory.
    }
    return this.#nextVisit;
  }

  /** Starts the tick. */
  start(): void {
    if (this.#timer) return;
    this.#timer = every(() => this.tick(), this.#o.intervalMs);
  }

  /**
   * Notes data items to send. As in the official SDK, the items belong to the visitor's data
   * (shared with a linked user id), and the visitor code that added them notes their kinds: a
   * flush of that code sends every unsent item of those kinds.
   */
  recordData(visitor: number, items: readonly TrackedItem[]): void {
    const store = this.#o.store;
    const ctx = this.#lineContext(this.#o.config());
    for (const item of items) {
      if (!TRACKED_KINDS.has(item.kind)) continue;
      const owner = store.extraOf(store.ownerOf(visitor));
      const order = (owner.kindOrder ??= []);
      if (!order.includes(item.kind)) order.push(item.kind);
      // Items never sent (local-only custom data...) do not mark their kind as unsent.
      if (dataLine(item, ctx) === undefined) continue;
      (owner.pending ??= []).push(item);
      const kinds = (store.extraOf(visitor).unsentKinds ??= []);
      if (!kinds.includes(item.kind)) kinds.push(item.kind);
    }
  }

  /**
   * Schedules the visitor (its store id when known) for the next tick, with its consent as it is
   * now: the lines composed on the tick follow it. `consent` is one read earlier (early tracking
   * handed over, see TrackingPipeline.resume).
   */
  schedule(visitorCode: string, id?: number, consentProvided = this.#o.consentOf(id)): void {
    if (id === undefined) {
      this.#unknown.set(visitorCode, consentProvided);
      return;
    }
    if (id >= this.#flags.length) {
      const grown = new Uint8Array(Math.max(id + 1, this.#flags.length * 2));
      grown.set(this.#flags);
      this.#flags = grown;
    }
    if ((this.#flags[id] & 1) === 0) this.#ids.push(id);
    this.#flags[id] = consentProvided ? 3 : 1;
  }

  /** Composes every scheduled visitor's lines into the outbox, then sends what the outbox holds. */
  tick(): Promise<void> {
    this.compose();
    return this.#o.outbox.flush();
  }

  /** Composes the scheduled visitors now. */
  compose(): void {
    if (this.#ids.length === 0 && this.#unknown.size === 0) return;
    const ids = this.#ids;
    const unknown = this.#unknown;
    this.#ids = [];
    this.#unknown = new Map();
    const lines: TrackingLine[] = [];
    for (const id of ids) this.#composeScheduled(id, lines);
    for (const [code, consent] of unknown) this.#composeSafely(code, consent, lines);
    this.#o.outbox.add(lines);
  }

  /** One visitor's lines; a bug there is logged and skips that visitor, never ends the tick (or the process). */
  #composeSafely(code: string, consent: boolean, out: TrackingLine[]): void {
    const before = out.length;
    try {
      // The window the visitor opens is kept once its lines are built.
      const opening = this.#composeVisitor(code, consent, out);
      if (opening) {
        this.#nextVisit = opening;
        try {
          this.#o.storage?.write(WINDOW_KEY, this.#nextVisit);
        } catch {
          // A user storage that throws costs the next page its window, never this visitor's lines.
        }
      }
    } catch (err) {
      out.length = before;
      this.#o.logger.error(msg`Tracking lines for visitor ${JSON.stringify(code.slice(0, 64))} could not be built and are skipped: ${String(err)}`);
    }
  }

  /** @returns the end of the VISITOR-scope window the visitor opens (see #data), else 0 */
  #composeVisitor(code: string, consent: boolean, out: TrackingLine[]): number {
    const store = this.#o.store;
    const config = this.#o.config();
    const stats = this.#o.prepare(code);
    const id = store.peek(code);
    const events: string[] = [];
    let exposed: [number, number | null, number][] = [];
    let opening = 0;
    if (id !== undefined) {
      exposed = this.#exposures(id, consent, events);
      opening = this.#data(id, consent, config, events);
      // What was sent must not be sent again by the next page (browsers keep visitors in storage).
      store.changed(id);
      store.changed(store.ownerOf(id));
      if (!this.#o.isServer && consent && store.dataOf(id)) events.push(staticSummaryLine(store.dataOf(id), stats));
    }
    if (events.length === 0) {
      if (!consent) return opening;
      events.push(ACTIVITY_LINE);
    }
    const extra = id === undefined ? undefined : store.extra(id);
    const data = id === undefined ? undefined : store.dataOf(id);
    const asMappingValue = data?.uniqueIdentifier === true && extra?.linkedTo !== undefined;
    const identifier = identifierParam(code, asMappingValue);
    const userAgent = data?.userAgent;
    events.forEach((event, i) => {
      // Written raw, as the official SDK does, but a CR or LF would end the line: another line could follow it.
      const ua = i === 0 && userAgent ? `&userAgent=${userAgent.replace(/[\r\n]/g, ' ')}` : '';
      out.push({ text: `${event}&nonce=${nonce(this.#o.random)}${identifier}${ua}`, ua: ua !== '' });
    });
    // Marked sent once every line of the visitor is built: a visitor skipped for an error keeps them.
    for (const [, , node] of exposed) store.pool.markSent(node);
    return opening;
  }

  /** Unsent exposures (without consent, only targeted deliveries) by experiment id; returns them with their nodes, to mark sent. */
  #exposures(id: number, consent: boolean, events: string[]): [number, number | null, number][] {
    const pool = this.#o.store.pool;
    const due: [number, number | null, number][] = [];
    for (let node = this.#o.store.headOf(id); node !== NONE; node = pool.next(node)) {
      const flags = pool.flags(node);
      if ((flags & UNSENT) === 0 || (!consent && (flags & TARGETED) === 0)) continue;
      due.push([pool.experimentId(node), pool.variationId(node), node]);
    }
    due.sort((a, b) => a[0] - b[0]);
    for (const [experimentId, variationId] of due) events.push(experimentLine(experimentId, variationId));
    return due;
  }

  /**
   * Unsent data in the official order: by kind in the order kinds were first added, custom data
   * by index, one line per index, URL or single kind (the latest). Without consent only
   * conversions leave, and only when the project has a targeted-delivery rule.
   *
   * VISITOR-scope custom data is sent again as the official engine does: once per 29-minute window
   * of the whole client (not per visitor), the first visitor composed with data due opens the next
   * window and sends the stored value of each such index (local-only ones stay unsent). A visitor
   * whose custom data sent held such an index, or the mapping identifier, keeps custom data due
   * for its next compositions (not for `flush()` of every visitor, see scheduleAll).
   */
  #data(id: number, consent: boolean, config: ParsedConfig | undefined, events: string[]): number {
    const own = this.#o.store.extra(id);
    const due = own?.unsentKinds ?? [];
    const kinds = own?.customDataDue ? [...due, 'customData'] : due;
    if (!kinds.length) return 0;
    const extra = this.#o.store.extra(this.#o.store.ownerOf(id));
    const ctx = this.#lineContext(config);
    const visitorScope = config?.customData.visitorScope;
    const sendable = (item: TrackedItem) => consent || (item.kind === 'conversion' && config?.hasTargetedDelivery === true);
    const kept: TrackedItem[] = [];
    const byKind = new Map<string, Map<unknown, TrackedItem>>();
    let keepDue = false;
    const add = (item: TrackedItem) => {
      let items = byKind.get(item.kind);
      if (!items) byKind.set(item.kind, (items = new Map()));
      const key = item.kind === 'customData' ? item.index : item.kind === 'targetedSegment' ? item.id : item.kind === 'pageView' ? item.urlAddress : SINGLE_KINDS.has(item.kind) ? item.kind : items.size;
      items.set(key, item); // a key seen before keeps its place, with the latest item
      if (item.kind === 'customData') keepDue ||= !!visitorScope?.has(item.index) || item.index === ctx.mappingIdentifierIndex;
    };
    for (const item of extra?.pending ?? []) {
      if (!kinds.includes(item.kind) || !sendable(item)) kept.push(item);
      else add(item);
    }
    const now = Date.now();
    let opening = 0;
    if (extra?.data && this.#windowEnd() <= now) {
      // The window moves once this visitor's lines are built (see #composeSafely).
      opening = now + VISITOR_SCOPE_WINDOW_MS;
      if (consent) for (const [index, { values, overwrite, local }] of extra.data.customData) if (!local && visitorScope?.has(index)) add({ kind: 'customData', index, values, overwrite } as TrackedItem);
    }
    if (extra) extra.pending = kept.length ? kept : undefined;
    own!.unsentKinds = due.filter((kind) => kept.some((item) => item.kind === kind));
    if (byKind.has('customData')) own!.customDataDue = keepDue;
    // Custom data sent again on a page that added none comes after the kinds this page added.
    for (const kind of new Set([...(extra?.kindOrder ?? []), 'customData'])) {
      const items = byKind.get(kind);
      if (!items) continue;
      const ordered = kind === 'customData' || kind === 'targetedSegment' ? [...items.entries()].sort((a, b) => (a[0] as number) - (b[0] as number)).map(([, v]) => v) : [...items.values()];
      for (const item of ordered) {
        const line = dataLine(item, ctx);
        if (line) events.push(line);
      }
    }
    return opening;
  }

  #lineContext(config: ParsedConfig | undefined): LineContext {
    return { mappingIdentifierIndex: config?.customData.mappingIdentifierIndex ?? null, localOnly: config?.customData.localOnly ?? NO_INDEXES };
  }

  /**
   * A scheduled visitor the store is about to forget (a session ended before the next tick: a
   * clock step, a stalled event loop): its lines are composed now, so nothing it owes is lost.
   */
  rescue(id: number): void {
    const lines: TrackingLine[] = [];
    this.#composeScheduled(id, lines);
    if (lines.length) this.#o.outbox.add(lines);
  }

  /** Composes visitor `id` if it is scheduled (a visitor composed early, as it was forgotten, is not). */
  #composeScheduled(id: number, out: TrackingLine[]): void {
    const flags = id < this.#flags.length ? this.#flags[id] : 0;
    if ((flags & 1) === 0) return;
    this.#flags[id] = 0;
    const code = this.#o.store.codeOf(id) as string | undefined;
    if (code !== undefined) this.#composeSafely(code, (flags & 2) !== 0, out);
  }

  /**
   * Schedules every visitor with unsent exposures or data (`flush()` without a visitor, a page
   * left). Unlike the official SDK, not the visitors whose only due data is the custom data kept
   * due after VISITOR-scope or mapping-identifier values (see #data): the official SDK sends an
   * activity line for each of them at every call, which keeps their visits alive.
   */
  scheduleAll(): void {
    const store = this.#o.store;
    for (const id of store.ids()) {
      let due = (store.extra(id)?.unsentKinds?.length ?? 0) > 0;
      for (let node = store.headOf(id); !due && node !== NONE; node = store.pool.next(node)) due = (store.pool.flags(node) & UNSENT) !== 0;
      if (due) this.schedule(store.codeOf(id), id);
    }
  }

  /**
   * Composes what is scheduled now and sends what is queued until the server accepted it all or
   * `deadline` (epoch ms) passes (see Outbox.sendUntil); the tick goes on.
   */
  async flushUntil(deadline: number): Promise<void> {
    this.compose();
    await this.#o.outbox.sendUntil(deadline);
  }

  /**
   * Stops the tick; composes what is scheduled and sends what is queued until the server accepted
   * it all or `deadline` (epoch ms) passes (see Outbox.close).
   */
  async close(deadline: number): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.compose();
    await this.#o.outbox.close(deadline);
  }
}
