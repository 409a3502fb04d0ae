// @vitest-environment jsdom
/**
 * The browser's activity tick as the official SDK 4.24 has it (4.24.3: only after the visitor
 * interacted with the page, `mousemove` or `scroll`, and never with Kameleoon's engine on the
 * page; 4.24.4: every 60 s instead of 15 s), in jsdom with fake timers: the browser page lifecycle
 * (its real listeners), the tracking pipeline and the client, whose visitor has no data, so that
 * the activity of the visitor the client last switched to is an `eventType=activity` line.
 * Explicit flushes, conversions, exposures and data are not gated.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PageView } from '../../src/node.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import { createPageLifecycle } from '../../src/platform/browser/pageLifecycle.ts';
import { switchConfig } from '../delivery/server.ts';
import { AssembledClient, backendRequester, browserModeAssembly } from '../support/browserMode.ts';

const BACKEND = { siteCode: 'activity', config: JSON.stringify(switchConfig('on')) };
/** The official 4.24.4 interval, which the client takes unless a test sets `_internals.trackingLimits.activityMs`. */
const TICK = 60_000;

let lines: string[];
let client: AssembledClient;

/** A client on the browser's page lifecycle; its pipeline (with its listeners and activity timer) is built at once. */
function open(activityMs?: number): AssembledClient {
  client = new AssembledClient(
    {
      siteCode: BACKEND.siteCode,
      configuration: { defaultDataFile: BACKEND.config },
      externals: { requester: backendRequester(BACKEND, lines), logger: { log() {} } },
      // No browser, system, device or page: a visitor scheduled with nothing else sends `eventType=activity`.
      _internals: { platformAnalyzer: { getResult: () => ({}) }, ...(activityMs ? { trackingLimits: { activityMs } } : {}) },
    },
    browserModeAssembly(createMemoryStorage(), createPageLifecycle()),
  );
  return client;
}

/** The lines sent since `from`, as `<eventType> <visitorCode>`. */
const sentSince = (from: number) => lines.slice(from).map((line) => `${line.split('&')[0].replace('eventType=', '')} ${/&visitorCode=([^&]*)/.exec(line)?.[1]}`);

const mousemove = () => document.body.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: 5, clientY: 5 }));

beforeEach(async () => {
  vi.useFakeTimers({ now: new Date('2026-07-10T09:00:00Z') });
  lines = [];
  open();
  await client.initialize();
  // The visitor the client switches to, without tracking anything.
  client.getVariation({ visitorCode: 'reader', featureKey: 'switch', track: false });
});

afterEach(async () => {
  await client.close();
  delete (globalThis as { Kameleoon?: unknown }).Kameleoon;
  vi.useRealTimers();
});

describe('the activity tick (official SDK 4.24)', () => {
  it('after an interaction, one activity line at the next 60-second tick; none at ticks without one', async () => {
    await vi.advanceTimersByTimeAsync(20_000);
    // Many interactions between two ticks: one line.
    for (let i = 0; i < 50; i++) mousemove();
    await vi.advanceTimersByTimeAsync(TICK - 20_000 - 1_500);
    expect(sentSince(0)).toEqual([]); // no 15-second tick any more
    await vi.advanceTimersByTimeAsync(1_500 + 1_000); // the activity tick, then the tracking tick
    expect(sentSince(0)).toEqual(['activity reader']);
    // A tick with no interaction since the last one: nothing.
    await vi.advanceTimersByTimeAsync(TICK);
    expect(sentSince(0)).toEqual(['activity reader']);
    // A scroll (of an inner element: scroll does not bubble, the listener captures) counts too.
    const scroller = document.createElement('div');
    document.body.append(scroller);
    scroller.dispatchEvent(new Event('scroll'));
    await vi.advanceTimersByTimeAsync(TICK);
    expect(sentSince(0)).toEqual(['activity reader', 'activity reader']);
  });

  it('without interaction, nothing for ten minutes', async () => {
    await vi.advanceTimersByTimeAsync(10 * TICK + 1_000);
    expect(sentSince(0)).toEqual([]);
  });

  it('the visitor it reports is the one the client last switched to', async () => {
    client.getVariation({ visitorCode: 'other', featureKey: 'switch', track: false });
    mousemove();
    await vi.advanceTimersByTimeAsync(TICK + 1_000);
    expect(sentSince(0)).toEqual(['activity other']);
  });

  it('with Kameleoon engine on the page (window.Kameleoon) at tick time: none, interaction or not', async () => {
    (globalThis as { Kameleoon?: unknown }).Kameleoon = { API: {} };
    for (let tick = 0; tick < 3; tick++) {
      mousemove();
      await vi.advanceTimersByTimeAsync(TICK);
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sentSince(0)).toEqual([]);
    // The engine gone (read at each tick): activity again.
    delete (globalThis as { Kameleoon?: unknown }).Kameleoon;
    mousemove();
    await vi.advanceTimersByTimeAsync(TICK);
    expect(sentSince(0)).toEqual(['activity reader']);
  });

  it('explicit flush, conversions, exposures and data are not gated: they leave on the tracking tick', async () => {
    client.flush({ visitorCode: 'reader', instant: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(sentSince(0)).toEqual(['activity reader']);
    let from = lines.length;
    client.getVariation({ visitorCode: 'exposed', featureKey: 'switch', track: true });
    client.trackConversion({ visitorCode: 'buyer', goalId: 7 });
    client.addData('reader', new PageView({ urlAddress: 'https://shop.example/', title: 'Shop' }));
    client.flush('reader');
    await vi.advanceTimersByTimeAsync(1_000);
    // (A visitor with data also gets the browser SDK's staticData summary line.)
    expect(sentSince(from).sort()).toEqual(['conversion buyer', 'experiment exposed', 'page reader', 'staticData buyer', 'staticData reader']);
    // Still no interaction: the activity ticks send nothing.
    from = lines.length;
    await vi.advanceTimersByTimeAsync(3 * TICK);
    expect(sentSince(from)).toEqual([]);
  });

  it('the interval is an internal knob (_internals.trackingLimits.activityMs)', async () => {
    await client.close();
    lines = [];
    open(5_000);
    await client.initialize();
    client.getVariation({ visitorCode: 'fast', featureKey: 'switch', track: false });
    mousemove();
    await vi.advanceTimersByTimeAsync(5_000 + 1_000);
    expect(sentSince(0)).toEqual(['activity fast']);
  });
});

describe('the interaction listeners', () => {
  it('are passive, on window in the capture phase, and removed by close()', async () => {
    await client.close();
    const added = vi.spyOn(window, 'addEventListener');
    const removed = vi.spyOn(window, 'removeEventListener');
    try {
      open();
      const listening = added.mock.calls.filter(([type]) => type === 'mousemove' || type === 'scroll');
      expect(listening.map(([type, , options]) => [type, options])).toEqual([
        ['mousemove', { passive: true, capture: true }],
        ['scroll', { passive: true, capture: true }],
      ]);
      expect(removed.mock.calls.filter(([type]) => type === 'mousemove' || type === 'scroll')).toEqual([]);
      await client.close();
      // The same listeners, with the same capture flag (else the browser keeps them).
      expect(removed.mock.calls.filter(([type]) => type === 'mousemove' || type === 'scroll')).toEqual(listening);
    } finally {
      added.mockRestore();
      removed.mockRestore();
    }
  });

  it('call back at each mousemove and scroll, and no more once stopped', () => {
    const seen = vi.fn();
    const stop = createPageLifecycle().onInteraction(seen);
    mousemove();
    window.dispatchEvent(new Event('scroll'));
    document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true }));
    expect(seen).toHaveBeenCalledTimes(2);
    stop();
    mousemove();
    window.dispatchEvent(new Event('scroll'));
    expect(seen).toHaveBeenCalledTimes(2);
  });
});

describe('the visit of an idle page', () => {
  it('does not go on without interaction: the next activity after 30 idle minutes starts a visit', async () => {
    await client.close();
    lines = [];
    // A browser reported (the visitor has data): its activity is the staticData summary, with the visit number.
    client = new AssembledClient(
      {
        siteCode: BACKEND.siteCode,
        configuration: { defaultDataFile: BACKEND.config },
        externals: { requester: backendRequester(BACKEND, lines), logger: { log() {} } },
        _internals: { platformAnalyzer: { getResult: () => ({ browser: { name: 'CHROME', version: 120 } }) } as never },
      },
      browserModeAssembly(createMemoryStorage(), createPageLifecycle()),
    );
    await client.initialize();
    client.getVariation({ visitorCode: 'idle', featureKey: 'switch', track: false });
    const visit = () => /visitNumber=(\d+)&timeSincePreviousVisit=(\d+)/.exec(lines.at(-1)!)!.slice(1).map(Number);
    mousemove();
    await vi.advanceTimersByTimeAsync(TICK + 1_000);
    const [first] = visit();
    // 31 minutes on an open page the visitor does not touch: no tick reports them, and the visit ends.
    await vi.advanceTimersByTimeAsync(31 * TICK);
    mousemove();
    await vi.advanceTimersByTimeAsync(TICK);
    const [next, since] = visit();
    expect(next).toBe(first + 1);
    expect(since).toBeGreaterThan(30 * TICK);
  });
});
