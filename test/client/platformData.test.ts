/**
 * The browser's platform data (`_internals.platformAnalyzer`) against the official SDK, in Node with
 * fake timers and the same analyzer: both ask the analyzer as often (once per switch of visitor),
 * decide flags on the browser, device, system, page and visits alike, and send the same lines,
 * those of the 15-second activity of the current visitor included. Then what is ours alone: servers
 * ask nothing, and a failing analyzer adds nothing and breaks nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as official from '@kameleoon/javascript-sdk';
import { KameleoonClient as NodeClient, PageView } from '../../src/node.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import type { IPlatformAnalyzer } from '../../src/platform/platform.ts';
import { PLATFORM_FLAGS, platformConfig } from '../browser/pages/platformConfig.ts';
import { AssembledClient, backendRequester, browserModeAssembly, byVisitor, officialBrowserClient, ourBrowserClient } from '../support/browserMode.ts';

const PAGE_URL = 'https://shop.example/platform.html';
const CONFIG = JSON.stringify(platformConfig(PAGE_URL));
const BACKEND = { siteCode: 'platform', config: CONFIG };
const requester = (lines: string[]) => backendRequester(BACKEND, lines);

/** The page both analyzers report; the test moves it. */
const page = { url: PAGE_URL, title: 'Checkout – Platform' };

/** An analyzer of an iPhone's Safari on `page`, with the page views of the SDK it is given to; counts its calls. */
function analyzer(PageViewClass: new (p: { urlAddress: string; title: string }) => unknown, calls: { n: number }): IPlatformAnalyzer {
  return {
    getResult: () => {
      calls.n++;
      return { os: { name: 'IOS' }, platform: { type: 'PHONE' }, browser: { name: 'SAFARI', version: 17.1 }, pageView: new PageViewClass({ urlAddress: page.url, title: page.title }) as PageView };
    },
  };
}



describe('platform data vs the official SDK (browser semantics, one analyzer)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2025-03-03T10:00:00Z') });
    page.url = PAGE_URL;
    page.title = 'Checkout – Platform';
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks the analyzer at each switch of visitor, decides alike, and sends the same lines (activity every 15 s)', async () => {
    const officialCalls = { n: 0 };
    const ourCalls = { n: 0 };
    const officialLines: string[] = [];
    const ourLines: string[] = [];
    const theirs = officialBrowserClient(BACKEND, officialLines, analyzer(official.PageView as never, officialCalls));
    const ours = ourBrowserClient(BACKEND, ourLines, analyzer(PageView, ourCalls));
    try {
      await Promise.all([theirs.initialize(), ours.initialize()]);
      const decisions = { official: [] as string[], ours: [] as string[] };
      const calls: string[] = [];
      // Seven switches (a twice in a row is one): the page moves at step 2, a new visit starts at step 7.
      const visitors = ['a', 'b', 'a', 'b', 'a', 'a', 'c', 'b'];
      for (const [step, visitorCode] of visitors.entries()) {
        if (step === 2) Object.assign(page, { url: `${PAGE_URL}?step=2`, title: 'Cart – Platform' });
        // The clock moves, timers do not fire (the activity timer is looked at after).
        vi.setSystemTime(Date.now() + (step === 7 ? 31 * 60_000 : 2_000));
        for (const featureKey of PLATFORM_FLAGS) {
          decisions.official.push(`${step} ${visitorCode} ${featureKey} → ${theirs.getVariation({ visitorCode, featureKey, track: false }).key}`);
          decisions.ours.push(`${step} ${visitorCode} ${featureKey} → ${ours.getVariation({ visitorCode, featureKey, track: false }).key}`);
        }
        calls.push(`${step}: official ${officialCalls.n}, ours ${ourCalls.n}`);
      }
      expect(calls).toEqual(calls.map((c) => c.replace(/ours \d+/, `ours ${/official (\d+)/.exec(c)![1]}`)));
      // Once per switch, not once per call.
      expect(officialCalls.n).toBe(7);
      expect(decisions.ours).toEqual(decisions.official);
      const on = (step: number) => PLATFORM_FLAGS.filter((flag) => decisions.official.some((d) => d.startsWith(`${step} `) && d.endsWith(` ${flag} → on`)));
      expect(on(0)).toEqual(expect.arrayContaining(['browser_safari_17', 'device_phone', 'os_ios', 'url_exact', 'title_exact', 'page_views_1', 'new_visitor']));
      expect(on(4)).toEqual(expect.arrayContaining(['url_second_page', 'title_contains', 'page_views_over_2', 'previous_page']));
      expect(on(5)).not.toContain('page_views_over_4');
      expect(on(7)).toEqual(expect.arrayContaining(['returning_visitor', 'visits_over_1']));

      // Nothing was tracked (track: false) until the activity tick schedules the current visitor (b).
      expect(officialLines).toEqual([]);
      expect(ourLines).toEqual([]);
      await vi.advanceTimersByTimeAsync(16_000);
      expect(Object.keys(byVisitor(officialLines))).toEqual(['b']);
      expect(byVisitor(ourLines)).toEqual(byVisitor(officialLines));
      // Fifteen seconds later: the summary line again, nothing else.
      const sent = officialLines.length;
      await vi.advanceTimersByTimeAsync(15_000);
      expect(officialLines.slice(sent).map((line) => line.split('&nonce')[0])).toEqual([expect.stringMatching(/^eventType=staticData&browser=SAFARI&.*&visitNumber=1&/)]);
      expect(byVisitor(ourLines)).toEqual(byVisitor(officialLines));

      // The others' data leaves with their flush (each flush switches to the visitor: asked again).
      theirs.flush({ visitorCode: 'a', instant: true });
      ours.flush({ visitorCode: 'a', instant: true });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(byVisitor(ourLines)).toEqual(byVisitor(officialLines));
      expect(byVisitor(officialLines).a.map((line) => line.split('&')[0])).toEqual(['eventType=staticData', 'eventType=staticData', 'eventType=staticData', 'eventType=page', 'eventType=page', 'eventType=staticData']);
      expect(ourCalls.n).toBe(officialCalls.n);
      // Minutes of activity ticks on the current visitor (a): the same lines again.
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect(byVisitor(ourLines)).toEqual(byVisitor(officialLines));
      expect(byVisitor(officialLines).a.length).toBeGreaterThan(20);
    } finally {
      await ours.close();
    }
  });
});

describe('platform data: ours alone', () => {
  it('servers never ask the analyzer', async () => {
    const calls = { n: 0 };
    const client = new NodeClient({ siteCode: 'platform', configuration: { defaultDataFile: CONFIG }, externals: { requester: requester([]), logger: { log() {} } }, _internals: { platformAnalyzer: analyzer(PageView, calls) } });
    try {
      await client.initialize();
      expect(client.getVariation({ visitorCode: 'a', featureKey: 'device_phone', track: false }).key).toBe('off');
      client.getVariation({ visitorCode: 'b', featureKey: 'device_phone', track: false });
      expect(calls.n).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('a replaced analyzer may give its page view as a plain object (the official one gives its own class)', async () => {
    const platformAnalyzer = { getResult: () => ({ pageView: { urlAddress: PAGE_URL, title: 'Checkout' } as PageView }) };
    const client = new AssembledClient({ siteCode: 'platform', configuration: { defaultDataFile: CONFIG }, externals: { requester: requester([]), logger: { log() {} } }, _internals: { platformAnalyzer } }, browserModeAssembly(createMemoryStorage()));
    try {
      await client.initialize();
      expect(client.getVariation({ visitorCode: 'a', featureKey: 'url_exact', track: false }).key).toBe('on');
    } finally {
      await client.close();
    }
  });

  it('an analyzer that throws, or reports what is not Kameleoon\'s, adds nothing and breaks nothing', async () => {
    const errors: string[] = [];
    const throwing = { getResult: () => { throw new Error('no navigator here'); } };
    const wrong = { getResult: () => ({ browser: { name: 'chrome' as never }, os: { name: 'IOS' as const } }) };
    for (const platformAnalyzer of [throwing, wrong]) {
      const client = new AssembledClient({ siteCode: 'platform', configuration: { defaultDataFile: CONFIG }, externals: { requester: requester([]), logger: { log: (_level, message) => errors.push(message) } }, _internals: { platformAnalyzer } }, browserModeAssembly(createMemoryStorage()));
      try {
        await client.initialize();
        expect(client.getVariation({ visitorCode: 'a', featureKey: 'os_ios', track: false }).key).toBe('off');
        expect(client.getVariation({ visitorCode: 'a', featureKey: 'browser_other', track: false }).key).toBe('off');
      } finally {
        await client.close();
      }
    }
    expect(errors.filter((e) => e.includes('platform analyzer'))).toEqual([expect.stringContaining('no navigator here'), expect.stringContaining('Browser')]);
  });
});
