/**
 * Previous visits from `getRemoteVisitorData` in browsers, against the official SDK 4.17.1 in Node
 * with fake timers (as test/client/platformData.test.ts does): the browser records the current
 * visit when it switches to a visitor, `getRemoteVisitorData` switches to its visitor (before the
 * request, whatever `shouldAddData`), and the remote visits merge with those the browser
 * recorded. Both SDKs decide the visit flags alike, after the call, after 31 minutes (a new
 * visit), past 26 visits, and send the same lines (the `staticData` line reports the visit number
 * the Data API knows and the time since the previous visit). Then what a tampered stored
 * entry does.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as official from '@kameleoon/javascript-sdk';
import { PageView } from '../../src/node.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import type { IExternalStorage, IPlatformAnalyzer } from '../../src/platform/platform.ts';
import { visitorKey } from '../../src/visitor/persistence.ts';
import { byVisitor, officialBrowserClient, ourBrowserClient } from '../support/browserMode.ts';
import { NOW, VISIT_FLAGS, visitCases, visitsConfig } from './visitsKit.ts';

const CONFIG = JSON.stringify(visitsConfig());
const MIN = 60_000;

/** Answers of the Data API, by visitor code. */
const answers = new Map<string, unknown>();
const BACKEND = {
  siteCode: 'visits',
  config: CONFIG,
  answer: (requestType: string, url: string) =>
    requestType === 'remoteData' ? new Response(JSON.stringify(answers.get(new URL(url).searchParams.get('visitorCode') ?? '') ?? {}), { status: 200 }) : undefined,
};
const ourClient = (lines: string[], platformAnalyzer: IPlatformAnalyzer, storage?: IExternalStorage) => ourBrowserClient(BACKEND, lines, platformAnalyzer, storage);
const officialClient = (lines: string[], platformAnalyzer: unknown) => officialBrowserClient(BACKEND, lines, platformAnalyzer);

/** An analyzer giving a page view of the SDK it is given to (`none`: nothing, as in Node). */
function analyzer(PageViewClass: new (p: { urlAddress: string; title: string }) => unknown, none = false): IPlatformAnalyzer {
  return { getResult: () => (none ? {} : { pageView: new PageViewClass({ urlAddress: 'https://shop.example/', title: 'Shop' }) as PageView }) };
}

interface Sdk {
  getRemoteVisitorData(p: { visitorCode: string; shouldAddData: boolean; filters: { previousVisitAmount: number } }): Promise<unknown[]>;
  getVariation(p: { visitorCode: string; featureKey: string; track: boolean }): { key: string };
}

function decide(sdk: Sdk, visitorCode: string, label: string): string[] {
  return VISIT_FLAGS.map((featureKey) => `${label} ${visitorCode} ${featureKey} → ${sdk.getVariation({ visitorCode, featureKey, track: false }).key}`);
}

describe('remote visits in browsers vs the official SDK (Node, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
    answers.clear();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['a page view at each switch', false],
    ['nothing from the platform analyzer', true],
  ])('%s: same decisions and lines through calls, switches, activity and new visits', async (_, none) => {
    const officialLines: string[] = [];
    const ourLines: string[] = [];
    const theirs = officialClient(officialLines, analyzer(official.PageView as never, none));
    const ours = ourClient(ourLines, analyzer(PageView, none));
    const both = [theirs as unknown as Sdk, ours as unknown as Sdk] as const;
    const decisions = { official: [] as string[], ours: [] as string[] };
    const decideBoth = (visitorCode: string, label: string) => {
      decisions.official.push(...decide(both[0], visitorCode, label));
      decisions.ours.push(...decide(both[1], visitorCode, label));
    };
    const remote = async (visitorCode: string, shouldAddData = true) => {
      const params = { visitorCode, shouldAddData, filters: { previousVisitAmount: 25 } };
      await both[0].getRemoteVisitorData(params);
      await both[1].getRemoteVisitorData(params);
    };
    try {
      await Promise.all([theirs.initialize(), ours.initialize()]);
      // Both SDKs' activity ticks come every 15 s from here; each window below lasts 15 s and holds
      // one tick and the tracking request that follows it (steps move the clock without timers).
      await vi.advanceTimersByTimeAsync(5_000);
      const cases = visitCases(7, 20);
      for (const [i, c] of cases.entries()) {
        const other = cases[(i + 1) % cases.length].code;
        // Known to the browser first (a visit recorded), for every other visitor.
        if (i % 2 === 0) decideBoth(c.code, 'known');
        for (const [n, call] of c.calls.entries()) {
          answers.set(c.code, call.answer);
          await remote(c.code, call.shouldAddData);
          decideBoth(c.code, `call ${n}`);
          // Another visitor's call switches away; evaluating switches back (not after every third
          // visitor's last call: its activity tick follows the call directly).
          if (i % 3 === 0 && n === c.calls.length - 1) continue;
          answers.set(other, {});
          await remote(other, n % 2 === 0);
          vi.setSystemTime(Date.now() + 2_000);
          decideBoth(c.code, `back ${n}`);
        }
        // The activity tick: the summary line of the current visitor.
        await vi.advanceTimersByTimeAsync(15_000);
        // A new visit.
        vi.setSystemTime(Date.now() + 31 * MIN);
        decideBoth(c.code, 'next visit');
        await vi.advanceTimersByTimeAsync(15_000);
      }
      expect(decisions.ours).toEqual(decisions.official);
      expect(decisions.official.length).toBeGreaterThan(3_000);
      expect(byVisitor(ourLines)).toEqual(byVisitor(officialLines));
      expect(officialLines.some((line) => /visitNumber=([3-9]|\d\d)/.test(line))).toBe(true);
    } finally {
      await ours.close();
    }
  });

  it('more than 26 visits: the oldest are dropped and the visit number counts on', async () => {
    const officialLines: string[] = [];
    const ourLines: string[] = [];
    const theirs = officialClient(officialLines, analyzer(official.PageView as never));
    const ours = ourClient(ourLines, analyzer(PageView));
    const decisions = { official: [] as string[], ours: [] as string[] };
    try {
      await Promise.all([theirs.initialize(), ours.initialize()]);
      await vi.advanceTimersByTimeAsync(5_000);
      for (let visit = 0; visit < 30; visit++) {
        decisions.official.push(...decide(theirs as unknown as Sdk, 'loyal', `visit ${visit}`));
        decisions.ours.push(...decide(ours as unknown as Sdk, 'loyal', `visit ${visit}`));
        await vi.advanceTimersByTimeAsync(15_000);
        vi.setSystemTime(Date.now() + 6 * 60 * MIN);
      }
      expect(decisions.ours).toEqual(decisions.official);
      expect(decisions.official).toContain('visit 29 loyal VISITS_EQUAL_26 → on');
      expect(byVisitor(ourLines)).toEqual(byVisitor(officialLines));
      expect(officialLines.at(-1)).toMatch(/visitNumber=29&/);
    } finally {
      await ours.close();
    }
  });
});

describe('stored visits: ours alone', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('are kept readable in storage, and a tampered entry is ignored rather than trusted', async () => {
    const storage = createMemoryStorage();
    const client = ourClient([], analyzer(PageView), storage);
    await client.initialize();
    answers.set('stored', { previousVisits: [{ visitorCode: 'stored', timeStarted: NOW - 2 * 24 * 60 * MIN, staticDataEvent: { data: { visitNumber: 8 } } }] });
    await client.getRemoteVisitorData({ visitorCode: 'stored' });
    const returning = () => client.getVariation({ visitorCode: 'stored', featureKey: 'NEW_VISITORS_RETURNING', track: false }).key;
    expect(returning()).toBe('on');
    const entry = storage.read(visitorKey('stored')) as { d: { o: { visits: number[]; visitNumber: number } } };
    expect(entry.d.o).toMatchObject({ visits: [NOW - 2 * 24 * 60 * MIN, NOW], visitNumber: 9 });
    await client.close();

    // Another page, a visit later, reads the entry back, then tampered ones: the visitor is then new.
    vi.setSystemTime(NOW + 31 * MIN);
    const cases = [[undefined, 'on'], [{ visits: 'x' }, 'off'], [{ visits: [1, null] }, 'off'], [{ visits: 5 }, 'off'], [{ visitNumber: '9' }, 'off'], [{ v: 'x' }, 'off']] as const;
    for (const [tampered, expected] of cases) {
      const copy = structuredClone(entry) as typeof entry & { v?: unknown };
      if (tampered && 'v' in tampered) copy.v = tampered.v;
      else Object.assign(copy.d.o, tampered);
      storage.write(visitorKey('stored'), copy);
      const page = ourClient([], analyzer(PageView), storage);
      await page.initialize();
      const key = page.getVariation({ visitorCode: 'stored', featureKey: 'NEW_VISITORS_RETURNING', track: false }).key;
      expect([tampered, key]).toEqual([tampered, expected]);
      await page.close();
    }
  });
});
