import type { Logger } from '../logging/logger.ts';
import { MAX_DELAY_MS, backoff, jitter } from '../platform/timers.ts';
import { msg } from '../logging/msg.ts';

/** One tracking line, complete: event, nonce, identifier, and the user agent on a visitor's first line. */
export interface TrackingLine {
  text: string;
  /** Whether the line carries `&userAgent=` (the request then says `bodyUa=true`). */
  ua: boolean;
}

/** What sending a batch gave. */
export type SendOutcome = 'sent' | 'retry' | 'drop';

/** Limits of the outbox. */
export interface OutboxLimits {
  /** Lines kept at most; past it the oldest are dropped. */
  maxLines: number;
  /** Characters kept at most; past it the oldest are dropped. */
  maxChars: number;
  /** Lines per request at most. */
  batchLines: number;
  /** Characters per request at most. */
  batchChars: number;
  /** First retry after a failed request (ms); doubles per failure in a row, up to `retryCapMs`, ±20 %. */
  retryBaseMs: number;
  /** Longest wait between retries (ms). */
  retryCapMs: number;
  /**
   * Browsers: the activity tick (ms), 60 000 as in the official SDK 4.24; read by the pipeline, not the outbox (tests).
   * @internal
   */
  activityMs?: number;
}

const DEFAULT_LIMITS: OutboxLimits = { maxLines: 100_000, maxChars: 16 * 1024 * 1024, batchLines: 5_000, batchChars: 1024 * 1024, retryBaseMs: 1_000, retryCapMs: 60_000 };
/** While closing, no request is started with less than this left before the deadline. */
const MIN_ATTEMPT_MS = 20;

/** The visitor of a line: its identifier parameter (the first, as the user agent comes after it). */
const IDENTIFIER = /&(?:visitorCode|mappingValue)=([^&]*)/;

/** Keeps lines across restarts (browsers: IndexedDB). */
export interface OutboxPersistence {
  save(lines: readonly TrackingLine[]): void;
}

/** Counters, for status and tests. */
export interface OutboxStats {
  queued: number;
  sentLines: number;
  droppedOverflow: number;
  droppedRejected: number;
  failures: number;
}

/**
 * The lines waiting to leave, in order. One request at a time takes a batch from the front; a
 * retryable failure (network, timeout, 5xx, 429) puts it back untouched, same nonces included, and
 * waits with exponential backoff and jitter; a rejection (other 4xx) drops it with a log line.
 * Bounded in lines and characters: past the bound the oldest lines go, with a warning and a count.
 */
export class Outbox {
  /** The queue is `#lines` from `#head` on: overflow drops the oldest by moving `#head`, without moving the rest. */
  #lines: TrackingLine[] = [];
  #head = 0;
  /** Lines were dropped for want of room since the last request the server accepted. */
  #full = false;
  #chars = 0;
  #inflight: Promise<void> | undefined;
  /** Edge runtimes: drains whose batches are out of the queue (see #run). */
  readonly #claimed = new Set<Promise<void>>();
  /** Aborted when close() ends (its deadline, or an empty queue): a request in flight is abandoned, none is started. */
  #stopController: AbortController | undefined;
  #closed = false;
  /** Made on first use: edge runtimes forbid building one at module scope. */
  get #stop(): AbortController {
    return (this.#stopController ??= new AbortController());
  }
  #failures = 0;
  #retryAt = 0;
  readonly #stats: OutboxStats = { queued: 0, sentLines: 0, droppedOverflow: 0, droppedRejected: 0, failures: 0 };
  readonly #limits: OutboxLimits;
  readonly #send: (lines: readonly TrackingLine[], signal: AbortSignal) => Promise<SendOutcome>;
  readonly #logger: Logger;
  readonly #random: () => number;
  readonly #persistence: OutboxPersistence | undefined;
  readonly #offline: (() => boolean) | undefined;
  readonly #claim: boolean;

  constructor(options: {
    /** Sends a batch; `signal` aborts when the outbox closes (the request is then abandoned). */
    send: (lines: readonly TrackingLine[], signal: AbortSignal) => Promise<SendOutcome>;
    logger: Logger;
    random: () => number;
    limits?: Partial<OutboxLimits>;
    persistence?: OutboxPersistence;
    /**
     * Whether the browser reports being offline: a hint only (a machine with no internet serving
     * 127.0.0.1 and captive networks report it too), which words the log of a failed request.
     */
    offline?: () => boolean;
    /**
     * Edge runtimes: each flush sends batches it takes out of the queue (put back at the front when
     * they fail), so that concurrent flushes (of concurrent requests) never await each other's
     * promise nor send a line twice.
     */
    claim?: boolean;
  }) {
    this.#claim = options.claim === true;
    this.#offline = options.offline;
    this.#send = options.send;
    this.#logger = options.logger;
    this.#random = options.random;
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#persistence = options.persistence;
  }

  get stats(): Readonly<OutboxStats> {
    return { ...this.#stats, queued: this.size };
  }

  get size(): number {
    return this.#lines.length - this.#head;
  }

  /** The queued lines, from index 0. */
  #queue(): TrackingLine[] {
    if (this.#head > 0) {
      this.#lines.splice(0, this.#head);
      this.#head = 0;
    }
    return this.#lines;
  }

  /** Adds lines at the end (or, for lines recovered from a previous page, at the front). */
  add(lines: readonly TrackingLine[], atFront = false): void {
    if (lines.length === 0) return;
    if (atFront) this.#lines = [...lines, ...this.#queue()];
    else for (const line of lines) this.#lines.push(line);
    for (const line of lines) this.#chars += line.text.length;
    let dropped = 0;
    while (this.size > this.#limits.maxLines || this.#chars > this.#limits.maxChars) {
      this.#chars -= this.#lines[this.#head++].text.length;
      dropped++;
    }
    // Moved once the dropped front outweighs the queue: each line is moved at most once on average.
    if (this.#head > this.size) this.#queue();
    if (dropped) {
      this.#stats.droppedOverflow += dropped;
      // Once per episode: a full queue on a busy server drops lines at every add.
      if (!this.#full) {
        this.#full = true;
        this.#logger.warn(msg`The tracking queue is full: dropped the ${dropped} oldest line(s) (${this.#stats.droppedOverflow} so far). Is the tracking endpoint reachable? Until a request is accepted, more drops are only counted.`);
      }
    }
    this.#persist();
  }

  #persist(): void {
    this.#persistence?.save(this.#queue());
  }

  /**
   * Every queued line, in chunks of at most `maxChars`, without removing them: a page that goes
   * away hands copies to the browser, and keeps the lines stored until a request confirms them.
   */
  chunks(maxChars: number): TrackingLine[][] {
    const out: TrackingLine[][] = [];
    let current: TrackingLine[] = [];
    let chars = 0;
    for (const line of this.#queue()) {
      if (current.length && chars + line.text.length + 1 > maxChars) {
        out.push(current);
        current = [];
        chars = 0;
      }
      current.push(line);
      chars += line.text.length + 1;
    }
    if (current.length) out.push(current);
    return out;
  }

  #batch(): TrackingLine[] {
    const { batchLines, batchChars } = this.#limits;
    const lines = this.#queue();
    let chars = 0;
    let n = 0;
    while (n < lines.length && n < batchLines) {
      chars += lines[n].text.length + 1;
      if (n > 0 && chars > batchChars) break;
      n++;
    }
    return lines.slice(0, n);
  }

  /**
   * Sends batches until the outbox is empty or a request fails. One call at a time; concurrent
   * callers share it. Waits out the backoff after failures unless `force` is set.
   */
  flush(force = false): Promise<void> {
    if (!force && Date.now() < this.#retryAt) return this.#inflight ?? Promise.resolve();
    return this.#run();
  }

  /** The drain in flight, else a new one (whatever the backoff); none once closed. */
  #run(): Promise<void> {
    if (this.#claim) {
      if (this.#closed) return Promise.resolve();
      // Kept while out: its lines left the queue, and a flushInstant() waits for them (a failure puts them back).
      const drain = this.#drainClaimed().finally(() => this.#claimed.delete(drain));
      this.#claimed.add(drain);
      return drain;
    }
    if (this.#inflight || this.#closed) return this.#inflight ?? Promise.resolve();
    const run = this.#drain().finally(() => {
      this.#inflight = undefined;
    });
    this.#inflight = run;
    return run;
  }

  async #drain(): Promise<void> {
    const signal = this.#stop.signal;
    while (this.size) {
      const batch = this.#batch();
      let outcome: SendOutcome;
      try {
        outcome = await this.#send(batch, signal);
      } catch (err) {
        // Abandoned by close() at its deadline: reported there, with what is left.
        if (signal.aborted) return;
        const message = msg`Tracking request failed: ${(err as Error)?.message ?? String(err)}`;
        if (this.#offline?.()) this.#logger.warn(msg`${message} (the browser reports being offline; retried with backoff)`);
        else this.#logger.error(message);
        outcome = 'retry';
      }
      if (outcome === 'retry') {
        this.#failures++;
        this.#stats.failures++;
        const delay = jitter(backoff(this.#failures, this.#limits.retryBaseMs, this.#limits.retryCapMs), 0.2, this.#random);
        this.#retryAt = Date.now() + delay;
        return;
      }
      this.#failures = 0;
      this.#retryAt = 0;
      this.#removeFront(batch);
      if (outcome === 'sent') {
        this.#stats.sentLines += batch.length;
        this.#full = false;
      } else {
        this.#stats.droppedRejected += batch.length;
      }
    }
  }

  /** The drain of an edge runtime's flush: batches taken out of the queue, put back at the front on failure. */
  async #drainClaimed(): Promise<void> {
    // A signal of this flush's own: an edge runtime forbids a fetch to use another request's.
    const signal = new AbortController().signal;
    while (this.size && Date.now() >= this.#retryAt) {
      const batch = this.#batch();
      this.#removeFront(batch);
      let outcome: SendOutcome;
      try {
        outcome = await this.#send(batch, signal);
      } catch (err) {
        this.#logger.error(msg`Tracking request failed: ${(err as Error)?.message ?? String(err)}`);
        outcome = 'retry';
      }
      if (outcome === 'retry') {
        this.add(batch, true);
        this.#failures++;
        this.#stats.failures++;
        this.#retryAt = Date.now() + jitter(backoff(this.#failures, this.#limits.retryBaseMs, this.#limits.retryCapMs), 0.2, this.#random);
        return;
      }
      this.#failures = 0;
      this.#retryAt = 0;
      if (outcome === 'sent') this.#stats.sentLines += batch.length;
      else this.#stats.droppedRejected += batch.length;
    }
  }

  /** Removes `batch` from the front, unless overflow already dropped some of it. */
  #removeFront(batch: readonly TrackingLine[]): void {
    const lines = this.#queue();
    let n = 0;
    while (n < batch.length && lines[n] === batch[n]) n++;
    if (n < batch.length) {
      // The front moved while the request was out (overflow): remove the batch's lines one by one.
      const gone = new Set(batch);
      this.#lines = lines.filter((line) => !gone.has(line) || ((this.#chars -= line.text.length), false));
    } else {
      for (let i = 0; i < n; i++) this.#chars -= lines[i].text.length;
      lines.splice(0, n);
    }
    this.#persist();
  }

  /** Milliseconds until the next attempt is allowed (0 when not backing off). */
  get retryIn(): number {
    return Math.max(0, this.#retryAt - Date.now());
  }

  /**
   * Sends until the queue is empty or `deadline` (epoch ms) passes: a request in flight (one
   * started before) is waited for, a failure retried with the same lines, so the same nonces, its
   * backoff shortened to half the time left so that the retry fits before the deadline. What is
   * left at the deadline stays queued (a request in flight goes on). `flushInstant` waits on it.
   */
  async sendUntil(deadline: number): Promise<void> {
    if (this.#closed) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A timer that keeps a Node process alive: `await client.close()` is not cut short.
    const sleep = (ms: number) => new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(ms, MAX_DELAY_MS))));
    for (let left; (this.size || this.#claimed.size) && (left = deadline - Date.now()) >= MIN_ATTEMPT_MS; clearTimeout(timer)) {
      // Edge runtimes: lines taken out by a flush() in flight (trackConversion's) are waited for too.
      if (!this.size) {
        await Promise.race([Promise.all(this.#claimed), sleep(left)]);
        continue;
      }
      const wait = this.#inflight ? 0 : Math.min(this.retryIn, left / 2);
      if (wait) {
        await sleep(wait);
        this.#retryAt = 0;
      } else {
        // Raced with the deadline: a request that outlives it (held by the server, or by a
        // requester that ignores the abort) does not hold the caller either.
        await Promise.race([this.#run(), sleep(left)]);
      }
    }
  }

  /**
   * Sends as {@link Outbox.sendUntil} does, then closes: at the deadline a request in flight is
   * abandoned, and what is left stays queued (and stored, in browsers) with one warning of its
   * counts. Nothing is sent after.
   */
  async close(deadline: number): Promise<void> {
    if (this.#closed) return;
    await this.sendUntil(deadline);
    this.#closed = true;
    this.#stopController?.abort(new Error(msg`The tracking queue is closed.`));
    const left = this.#queue();
    if (left.length) {
      const visitors = new Set(left.map((line) => IDENTIFIER.exec(line.text)?.[1])).size;
      this.#logger.warn(msg`close(): ${left.length} tracking line(s) of ${visitors} visitor(s) not accepted by the server within closeTimeout: ${this.#persistence ? msg`kept for the next page` : 'not sent'}.`);
    }
  }
}
