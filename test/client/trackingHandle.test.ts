/**
 * TrackingHandle, the client's side of tracking, with fake pipelines: servers hand calls straight
 * over; browsers keep what is tracked before the code arrives and hand it over in order, save it
 * for the next page when the page is left first, survive a failed or throwing load, and close
 * without waiting for code never requested.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TrackingHandle } from '../../src/client/trackingHandle.ts';
import { earlyTrackingKey, type EarlyVisitor } from '../../src/tracking/early.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import type { IExternalStorage } from '../../src/platform/platform.ts';
import type { TrackingFactory } from '../../src/client/assembly.ts';
import type { TrackedItem } from '../../src/tracking/lines.ts';
import type { TrackingDeps, TrackingPipeline } from '../../src/tracking/pipeline.ts';
import { CustomData, Conversion } from '../../src/visitor/data.ts';
import { recordingLogger } from '../support/fakes.ts';

const SITE = 'handle-site';

/** A pipeline that records what it is asked, in order. */
function fakePipeline(calls: string[]): TrackingPipeline {
  const tracker = {
    start: () => calls.push('start'),
    recordData: (id: number, items: readonly TrackedItem[]) => calls.push(`data ${id} ${items.map((i) => i.kind).join(',')}`),
    schedule: (code: string, id?: number) => calls.push(`schedule ${code} ${id}`),
    scheduleAll: () => calls.push('scheduleAll'),
    rescue: (id: number) => calls.push(`rescue ${id}`),
    tick: async () => void calls.push('tick'),
    close: async () => void calls.push('close'),
  };
  const outbox = { stats: { queued: 1, sentLines: 2, droppedOverflow: 0, droppedRejected: 0, failures: 0 } };
  const resume = (early: readonly EarlyVisitor[], scheduleAll: unknown) => {
    const visitors = early.map((v) => `${v.code}: ${v.items.map((i) => i.kind).join(',')}${v.scheduled ? ` scheduled ${v.consent}` : ''}`);
    calls.push(`resume [${visitors.join('; ')}]${scheduleAll ? ' + scheduleAll' : ''}`);
  };
  return { tracker, outbox, resume, dispose: () => calls.push('dispose') } as unknown as TrackingPipeline;
}

/** Deps with a two-way visitor-code table in place of the visitor store; every visitor's consent is `consent`. */
function deps(storage: IExternalStorage | undefined, errors: string[] = [], consent = true): TrackingDeps {
  const codes: string[] = [];
  const store = {
    touch: (code: string) => (codes.includes(code) ? codes.indexOf(code) : codes.push(code) - 1),
    peek: (code: string) => (codes.includes(code) ? codes.indexOf(code) : undefined),
    codeOf: (id: number) => codes[id],
  };
  return {
    siteCode: SITE,
    storage,
    store,
    consentOf: () => consent,
    logger: recordingLogger(errors),
  } as unknown as TrackingDeps;
}

/** A `{ load }` source whose code arrives when `arrive()` is called. */
function deferredSource(create: TrackingFactory) {
  let arrive!: () => void;
  let fail!: (err: unknown) => void;
  const loads: number[] = [];
  const leave: (() => void)[] = [];
  const source = {
    load: () => {
      loads.push(Date.now());
      return new Promise<TrackingFactory>((resolve, reject) => {
        arrive = () => resolve(create);
        fail = reject;
      });
    },
    onLeave: (callback: () => void) => {
      leave.push(callback);
      return () => leave.splice(leave.indexOf(callback), 1);
    },
  };
  return { source, loads, leave, arrive: () => arrive(), fail: (err: unknown) => fail(err) };
}

/**
 * Lets the handle's promise callbacks run. Loading is promise callbacks only (the fakes start no
 * timer, do no I/O), and every pending one runs before the next macrotask: this waits for no time,
 * and after it, what was going to happen has happened (or, for "nothing yet", will not on its own).
 */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('TrackingHandle', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('servers: the pipeline is built at once and calls go straight to it', async () => {
    const calls: string[] = [];
    const handle = new TrackingHandle({ create: () => fakePipeline(calls) }, deps(undefined));
    handle.start();
    handle.schedule('a', 0);
    handle.rescue(0);
    await handle.tick();
    expect(calls).toEqual(['start', 'schedule a 0', 'rescue 0', 'tick']);
    expect(handle.stats).toEqual({ queued: 1, sentLines: 2, droppedOverflow: 0, droppedRejected: 0, failures: 0, loaded: true });
    await handle.close(Date.now() + 5_000);
    expect(calls.slice(-2)).toEqual(['close', 'dispose']);
  });

  it('browsers: nothing is requested before load(); what is tracked meanwhile is handed over in order', async () => {
    const calls: string[] = [];
    const d = deps(createMemoryStorage());
    const { source, loads, arrive } = deferredSource(() => fakePipeline(calls));
    const handle = new TrackingHandle(source, d);
    handle.start();
    await settle();
    expect(loads).toEqual([]);
    expect(handle.stats.loaded).toBe(false);
    handle.load();
    handle.load();
    const id = d.store.touch('visitor');
    handle.recordData(id, [new CustomData(1, 'x')]);
    handle.schedule('visitor', id);
    handle.recordData(id, [new Conversion({ goalId: 7 })]);
    await settle();
    expect(loads).toHaveLength(1);
    expect(calls).toEqual([]);
    arrive();
    await settle();
    expect(calls).toEqual(['resume [visitor: customData,conversion scheduled true]', 'start']);
    expect(handle.stats.loaded).toBe(true);
  });

  it('browsers: a page left before the code arrives saves what it tracked to storage, and keeps none of it', async () => {
    const storage = createMemoryStorage();
    const calls: string[] = [];
    const first = deferredSource(() => fakePipeline(calls));
    const d = deps(storage, [], false);
    const page = new TrackingHandle(first.source, d);
    page.load();
    const id = d.store.touch('buyer');
    page.recordData(id, [new Conversion({ goalId: 42, revenue: 10 })]);
    page.schedule('buyer', id);
    await settle();
    for (const leave of [...first.leave]) leave();
    const saved = JSON.parse(JSON.stringify(storage.read(earlyTrackingKey(SITE)))) as unknown;
    expect(saved).toEqual([{ code: 'buyer', items: [expect.objectContaining({ kind: 'conversion', goalId: 42, revenue: 10 })], scheduled: true, consent: false }]);
    // The page comes back and its code arrives: what it saved is the pipeline's to send (from storage).
    first.arrive();
    await settle();
    expect(calls).toEqual(['resume []']);
    expect(first.leave).toEqual([]); // stopped watching
  });

  it('browsers: a visitor scheduled before the code arrives keeps the consent read as it was scheduled', async () => {
    const calls: string[] = [];
    let consent = false;
    const d = { ...deps(createMemoryStorage()), consentOf: () => consent };
    const { source, arrive } = deferredSource(() => fakePipeline(calls));
    const handle = new TrackingHandle(source, d);
    handle.load();
    handle.schedule('v', d.store.touch('v'));
    consent = true;
    await settle();
    arrive();
    await settle();
    expect(calls).toEqual(['resume [v:  scheduled false]']);
  });

  it('a failed load is logged and tried again on its own 30 s later, or at once when the browser is back online; what waits is kept', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const errors: string[] = [];
    const calls: string[] = [];
    const d = deps(createMemoryStorage(), errors);
    const online: (() => void)[] = [];
    const src = deferredSource(() => fakePipeline(calls));
    const source = { ...src.source, onOnline: (callback: () => void) => (online.push(callback), () => online.splice(online.indexOf(callback), 1)) };
    const handle = new TrackingHandle(source, d);
    handle.schedule('v', d.store.touch('v'));
    handle.load();
    await settle();
    src.fail(new Error('chunk 404'));
    await settle();
    expect(errors.join('\n')).toMatch(/tracking code could not be loaded .*chunk 404/);
    expect(online).toHaveLength(1);
    vi.advanceTimersByTime(29_000);
    handle.schedule('v', 0); // a tracked call meanwhile does not hurry it
    await settle();
    expect(src.loads).toHaveLength(1);
    vi.advanceTimersByTime(1_001); // no tracked call: the timer tries again
    await settle();
    expect(src.loads).toHaveLength(2);
    src.fail(new Error('still offline'));
    await settle();
    expect(online).toHaveLength(1); // one listener, whatever the number of failures
    online[0](); // back online: at once, not 30 s later
    await settle();
    expect(src.loads).toHaveLength(3);
    src.arrive();
    await settle();
    expect(calls).toEqual(['resume [v:  scheduled true]']);
    expect(online).toHaveLength(0); // loaded: the listener and the timer are gone
    vi.advanceTimersByTime(60_000);
    expect(src.loads).toHaveLength(3);
  });

  it('a pipeline that throws as it is built is logged; close() still resolves', async () => {
    const errors: string[] = [];
    const src = deferredSource(() => {
      throw new Error('boom');
    });
    const handle = new TrackingHandle(src.source, deps(createMemoryStorage(), errors));
    handle.load();
    await settle();
    src.arrive();
    await settle();
    expect(errors.join('\n')).toMatch(/boom/);
    await expect(handle.close(Date.now() + 5_000)).resolves.toBeUndefined();
  });

  it('close() waits for code being loaded, closes and disposes the pipeline; without a request it resolves at once', async () => {
    const calls: string[] = [];
    const src = deferredSource(() => fakePipeline(calls));
    const handle = new TrackingHandle(src.source, deps(createMemoryStorage()));
    handle.start();
    handle.load();
    await settle();
    const closing = handle.close(Date.now() + 5_000);
    src.arrive();
    await closing;
    expect(calls).toEqual(['resume []', 'close', 'dispose']); // started, but closed before the code came: no tick
    expect(src.leave).toEqual([]);

    const idle = new TrackingHandle(deferredSource(() => fakePipeline([])).source, deps(createMemoryStorage()));
    await expect(idle.close(Date.now() + 5_000)).resolves.toBeUndefined();
    await expect(idle.tick()).resolves.toBeUndefined();
  });

  it('close() and flushUntil() give up at their deadline on code that never arrives: what was held goes to storage', async () => {
    const storage = createMemoryStorage();
    const calls: string[] = [];
    const src = deferredSource(() => fakePipeline(calls));
    const d = deps(storage);
    const handle = new TrackingHandle(src.source, d);
    handle.recordData(d.store.touch('stalled'), [new Conversion({ goalId: 3 })]);
    await expect(handle.flushUntil(Date.now() + 50)).resolves.toBeUndefined();
    await expect(handle.close(Date.now() + 50)).resolves.toBeUndefined();
    expect((storage.read(earlyTrackingKey(SITE)) as EarlyVisitor[]).map((v) => v.code)).toEqual(['stalled']);
    // Arriving after all: disposed of at once, nothing resumed twice.
    src.arrive();
    await settle();
    expect(calls).toEqual(['dispose']);
  });

  it('stores no data of a visitor whose consent is required and not given, but for its conversions and its schedule', async () => {
    const storage = createMemoryStorage();
    const src = deferredSource(() => fakePipeline([]));
    const d = deps(storage, [], false);
    const handle = new TrackingHandle(src.source, d);
    handle.load();
    const id = d.store.touch('refused');
    handle.recordData(id, [new CustomData(3, 'secret@example.com'), new Conversion({ goalId: 9 })]);
    handle.schedule('refused', id);
    await settle();
    for (const leave of [...src.leave]) leave();
    const saved = JSON.stringify(storage.read(earlyTrackingKey(SITE)));
    expect(saved).not.toContain('secret@example.com');
    expect(JSON.parse(saved)).toEqual([{ code: 'refused', items: [expect.objectContaining({ kind: 'conversion', goalId: 9 })], scheduled: true, consent: false }]);
  });
});
