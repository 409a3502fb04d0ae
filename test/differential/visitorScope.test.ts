/**
 * VISITOR-scope custom data across visits, against the official SDK run offline with fake timers:
 * the browser SDK 4.17.1 (browser mode) and its engine, javascript-sdk-core 5.17.1 (server mode).
 * What the official engine does (core `DataManager.getUnsentData` / `storeTrackedData`), found by
 * running it, and pinned here step by step:
 * - the stored value of each VISITOR-scope index is sent again, whether or not the app adds it
 *   again, on browsers and servers alike;
 * - "once per visit" is one 29-minute window for the whole client (`nextVisitTime`, kept in
 *   storage), not a visit of the visitor: the first visitor composed with data due after the
 *   window ends opens the next one and sends its own values again, even when it may not send them
 *   (consent); the other visitors wait for the next window; a visit that never pauses gets them
 *   again every 29 minutes (the browser's activity tick);
 * - a visitor whose custom data sent held a VISITOR-scope or the mapping-identifier index keeps
 *   custom data due, so that its next composition (an evaluation, a flush, the activity tick) may
 *   open the window.
 * Two official behaviours ours deliberately leaves out: local-only indexes are sent again too
 * (README, Differences: ours never sends them; those official lines are left out of the
 * comparison), and `flush()` without a visitor schedules every visitor kept due that way, an
 * activity line each at every call (Tracker.scheduleAll; pinned in the last test).
 * Lines are compared per step and per visitor, nonces masked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as official from '@kameleoon/javascript-sdk';
import * as ours from '../../src/node.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import type { IExternalStorage } from '../../src/platform/platform.ts';
import { CHROME_ANALYZER, backendRequester, byVisitor, officialBrowserClient, ourBrowserClient } from '../support/browserMode.ts';
import { captureTimers, officialOfflineExternals } from '../support/officialSdk.ts';
import { officialServerModule, type Mode, type SdkModule } from './drive.ts';
import { mulberry32 } from './rng.ts';

const MIN = 60_000;
const MAPPING = 4;
/** Local-only indexes of {@link config}: the official SDK sends index 2 again (VISITOR scope), ours never. */
const LOCAL_ONLY = /^eventType=customData&index=[23]&/;

/** Custom data of every kind that matters here: VISITOR and VISIT scope, local-only or not, and the mapping identifier. */
function config(consentType: 'NOT_REQUIRED' | 'REQUIRED' = 'NOT_REQUIRED') {
  const cd = (index: number, scope: string, localOnly = false, isMappingIdentifier = false) => ({ id: 100 + index, index, name: `cd${index}`, localOnly, isMappingIdentifier, scope });
  return JSON.stringify({
    configuration: { realTimeUpdate: false, consentType, dataApiDomain: 'data.kameleoon.io', consentOptOutBehavior: 'PARTIALLY_BLOCK' },
    customData: [cd(0, 'VISITOR'), cd(1, 'VISIT'), cd(2, 'VISITOR', true), cd(3, 'VISIT', true), cd(MAPPING, 'VISIT', false, true)],
    // One flag per evaluation: each exposure goes out once in both SDKs (the official SDK sends a
    // flag's exposure again at every tracked evaluation, which ours deliberately does not copy).
    featureFlags: [0, 1, 2, 3, 4, 5].map((n) => ({
      id: n + 1, featureKey: `ff${n}`, environmentEnabled: true, defaultVariationKey: 'off',
      variations: [{ key: 'off', variables: [] }, { key: 'on', variables: [] }],
      // A targeted delivery: without consent, its exposure still leaves.
      rules: [{ id: 10 + n, order: 1, type: 'TARGETED_DELIVERY', exposition: 1, experimentId: 100 + n, respoolTime: null, variationByExposition: [{ variationKey: 'on', variationId: 1000 + n, exposition: 1 }], segmentId: null }],
    })),
    segments: [],
  });
}

/** What both SDKs are driven through. */
interface Client {
  initialize(): Promise<boolean>;
  addData(visitorCode: string, ...data: unknown[]): void;
  getVariation(p: { visitorCode: string; featureKey: string; track: boolean }): unknown;
  flush(p?: string | { visitorCode?: string; instant?: boolean }): void;
  setLegalConsent(visitorCode: string, consent: boolean): void;
}

interface Side {
  sdk: SdkModule;
  client: Client;
  lines: string[];
  close(): Promise<void>;
}

/** The official client of `mode`, offline, on `store`. */
function officialSide(mode: Mode, backend: { siteCode: string; config: string }, store = new Map<string, unknown>()): Side {
  const lines: string[] = [];
  if (mode === 'browser') {
    const client = officialBrowserClient(backend, lines, CHROME_ANALYZER, store);
    return { sdk: official as unknown as SdkModule, client: client as unknown as Client, lines, close: async () => undefined };
  }
  const sdk = officialServerModule();
  const externals = officialOfflineExternals(backendRequester(backend, lines) as never, store);
  const client = new sdk.KameleoonClient({ siteCode: backend.siteCode, externals, _internals: { packageInfo: { type: 'NODEJS', version: '5.17.1', isServer: true }, prng: { getRandomNumber: mulberry32(7) } } }) as Client;
  return { sdk, client, lines, close: async () => undefined };
}

/** Our client of `mode`, offline, on `storage` (browsers). */
function ourSide(mode: Mode, backend: { siteCode: string; config: string }, storage: IExternalStorage = createMemoryStorage()): Side {
  const lines: string[] = [];
  const client =
    mode === 'browser'
      ? ourBrowserClient(backend, lines, CHROME_ANALYZER as never, storage)
      : new ours.KameleoonClient({
          siteCode: backend.siteCode,
          // The official SDK keeps server visitors for ever; ours forgets them after sessionDuration minutes of inactivity.
          configuration: { defaultDataFile: backend.config, sessionDuration: 60 * 24 },
          externals: { requester: backendRequester(backend, lines), logger: { log() {} } },
        });
  return { sdk: ours as unknown as SdkModule, client: client as unknown as Client, lines, close: () => client.close() };
}

/** One step: what is done to both clients, after the clock jumped by `after` ms (no timers run); then `timers` ms of timers run (default 1 s). */
interface Step {
  label: string;
  after?: number;
  timers?: number;
  run: (c: Client, sdk: SdkModule) => void;
}

const cd = (sdk: SdkModule, index: number, ...values: string[]) => new sdk.CustomData(index, ...values);
const evaluate = (c: Client, visitorCode: string, flag = 0) => c.getVariation({ visitorCode, featureKey: `ff${flag}`, track: true });

/**
 * Runs the steps on both sides: each step, then its timers (the tracking tick every second, and
 * on browsers the activity tick every 15 s), then what each sent meanwhile, per visitor.
 */
async function runBoth(sides: readonly [Side, Side], steps: readonly Step[]): Promise<{ official: Sent[]; ours: Sent[] }> {
  const out = { official: [] as Sent[], ours: [] as Sent[] };
  for (const step of steps) {
    if (step.after) vi.setSystemTime(Date.now() + step.after);
    const counts = sides.map((side) => side.lines.length);
    for (const side of sides) step.run(side.client, side.sdk);
    await vi.advanceTimersByTimeAsync(step.timers ?? 1_000);
    out.official.push({ step: step.label, lines: byVisitor(sides[0].lines.slice(counts[0])) });
    out.ours.push({ step: step.label, lines: byVisitor(sides[1].lines.slice(counts[1])) });
  }
  return out;
}

/** What one side sent in one step, by visitor. */
interface Sent {
  step: string;
  lines: Record<string, string[]>;
}

/** The official run without its local-only custom data lines (ours never sends them). */
const withoutLocalOnly = (run: Sent[]): Sent[] =>
  run.map(({ step, lines }) => ({
    step,
    lines: Object.fromEntries(Object.entries(lines).flatMap(([visitor, sent]) => {
      const kept = sent.filter((line) => !LOCAL_ONLY.test(line));
      return kept.length ? [[visitor, kept]] : [];
    })),
  }));

/** Count of custom data lines of `index` in a run. */
const countIndex = (run: Sent[], index: number) => JSON.stringify(run).split(`eventType=customData&index=${index}&`).length - 1;

/**
 * Pages of one browser, one after another, on one storage each side: `page(gap, steps)` opens
 * both SDKs `gap` ms after the previous page, runs the steps, and leaves (timers stopped).
 */
function browserPages() {
  const backend = { siteCode: 'scope', config: config() };
  const officialStore = new Map<string, unknown>();
  const ourStorage = createMemoryStorage();
  const run = { official: [] as Sent[], ours: [] as Sent[] };
  const page = async (gap: number, steps: Step[]) => {
    // The clock moves before the page opens: the official client takes up the stored visitor as it is built.
    vi.setSystemTime(Date.now() + gap);
    // The official client cannot be closed: its timers are, as the page is left.
    const timers = captureTimers();
    const sides = [officialSide('browser', backend, officialStore), ourSide('browser', backend, ourStorage)] as const;
    timers.restore();
    try {
      await Promise.all(sides.map((s) => s.client.initialize()));
      const r = await runBoth(sides, steps);
      run.official.push(...r.official);
      run.ours.push(...r.ours);
    } finally {
      await sides[1].close();
      timers.release();
    }
  };
  return { page, run };
}

describe('VISITOR-scope custom data across visits vs the official SDK', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-05T09:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const mode of ['browser', 'server'] as const) {
    it(`${mode}: the stored value is re-sent once per 29-minute window of the client, by the first visitor composed`, async () => {
      const backend = { siteCode: 'scope', config: config() };
      const sides = [officialSide(mode, backend), ourSide(mode, backend)] as const;
      try {
        await Promise.all(sides.map((s) => s.client.initialize()));
        const run = await runBoth(sides, [
          { label: 'A adds every custom data and is evaluated', run: (c, sdk) => (c.addData('A', cd(sdk, 0, 'gold'), cd(sdk, 1, 'cart'), cd(sdk, 2, 'secret'), cd(sdk, 3, 'secret2')), evaluate(c, 'A')) },
          { label: 'same visit: A evaluated again', after: 10 * MIN, run: (c) => evaluate(c, 'A', 1) },
          { label: 'same visit: A flushed', run: (c) => c.flush('A') },
          { label: 'new visit: A flushed (nothing added)', after: 35 * MIN, run: (c) => c.flush('A') },
          { label: 'same visit: A flushed again', run: (c) => c.flush('A') },
          { label: 'new visit: A evaluated', after: 35 * MIN, run: (c) => evaluate(c, 'A', 2) },
          { label: 'new window: B adds VISIT-scope data and is evaluated, then A flushed', after: 35 * MIN, run: (c, sdk) => (c.addData('B', cd(sdk, 1, 'other')), evaluate(c, 'B'), c.flush('A')) },
          { label: 'new window: A changes its VISITOR-scope value (not flushed)', after: 35 * MIN, run: (c, sdk) => c.addData('A', cd(sdk, 0, 'platinum')) },
          { label: 'A flushed', run: (c) => c.flush('A') },
          { label: 'new window: A adds VISIT-scope data, flush() of every visitor', after: 35 * MIN, run: (c, sdk) => (c.addData('A', cd(sdk, 1, 'cart2')), c.flush()) },
          { label: 'new window: instant flush of A', after: 35 * MIN, run: (c) => c.flush({ visitorCode: 'A', instant: true }) },
        ]);
        expect(run.ours).toEqual(withoutLocalOnly(run.official));
        // The official SDK did send again: index 0 in each of the six windows A opened (step 7's
        // was B's), the local-only VISITOR-scope index 2 too (ours: never), the local-only VISIT-scope index 3 never.
        expect(countIndex(run.official, 0)).toBe(6);
        expect(countIndex(run.official, 2)).toBe(6);
        expect(countIndex(run.official, 3)).toBe(0);
        expect(countIndex(run.ours, 2)).toBe(0);
      } finally {
        await sides[1].close();
      }
    });

    it(`${mode}: without consent a visitor still opens the window; a mapping identifier keeps the visitor due`, async () => {
      const backend = { siteCode: 'scope', config: config('REQUIRED') };
      const sides = [officialSide(mode, backend), ourSide(mode, backend)] as const;
      try {
        await Promise.all(sides.map((s) => s.client.initialize()));
        const run = await runBoth(sides, [
          { label: 'A adds VISITOR-scope data, no consent', run: (c, sdk) => (c.addData('A', cd(sdk, 0, 'gold')), c.flush('A')) },
          { label: 'A consents', run: (c) => (c.setLegalConsent('A', true), c.flush('A')) },
          { label: 'new window: B, no consent, adds data first', after: 31 * MIN, run: (c, sdk) => (c.addData('B', cd(sdk, 1, 'x')), c.flush('B')) },
          { label: 'A flushed', run: (c) => c.flush('A') },
          { label: 'M consents, links user-M and is evaluated', run: (c, sdk) => (c.setLegalConsent('M', true), c.addData('M', cd(sdk, MAPPING, 'user-M'), cd(sdk, 1, 'y')), evaluate(c, 'M')) },
          { label: 'new window: M flushed (nothing added; its mapping identifier keeps custom data due)', after: 31 * MIN, run: (c) => c.flush('M') },
          { label: "A flushed: the window is M's", run: (c) => c.flush('A') },
          { label: 'new window: A flushed', after: 31 * MIN, run: (c) => c.flush('A') },
        ]);
        expect(run.ours).toEqual(withoutLocalOnly(run.official));
        // As A consented, and in the last window only: B's and M's windows sent nothing of A's.
        expect(countIndex(run.official, 0)).toBe(2);
      } finally {
        await sides[1].close();
      }
    });
  }

  it('browser: the activity tick re-sends every 29 minutes of a visit that never pauses', async () => {
    const backend = { siteCode: 'scope', config: config() };
    const sides = [officialSide('browser', backend), ourSide('browser', backend)] as const;
    try {
      await Promise.all(sides.map((s) => s.client.initialize()));
      // Seven seconds in: the window does not end on the 15-second grid of the activity ticks, which
      // each SDK follows with its tracking tick a moment apart.
      const steps: Step[] = [{ label: 'page open', timers: 7_000, run: () => undefined }, { label: 'A adds data and is evaluated', run: (c, sdk) => (c.addData('A', cd(sdk, 0, 'gold'), cd(sdk, 1, 'cart')), evaluate(c, 'A')) }];
      for (let i = 0; i < 70 * 4; i++) steps.push({ label: `activity ${i}`, timers: 15_000, run: () => undefined });
      const run = await runBoth(sides, steps);
      expect(run.ours).toEqual(withoutLocalOnly(run.official));
      expect(countIndex(run.official, 0)).toBe(3);
    } finally {
      await sides[1].close();
    }
  });

  it('browser: the window is kept in storage, across pages', async () => {
    const { page, run } = browserPages();
    await page(0, [{ label: 'page 1: A adds VISITOR-scope data, flushed', run: (c, sdk) => (c.addData('A', cd(sdk, 0, 'gold')), c.flush('A')) }]);
    await page(5 * MIN, [{ label: 'page 2, 5 minutes later: A adds VISIT-scope data, flushed', run: (c, sdk) => (c.addData('A', cd(sdk, 1, 'x')), c.flush('A')) }]);
    await page(31 * MIN, [{ label: 'page 3, 31 minutes later: A adds VISIT-scope data, flushed', run: (c, sdk) => (c.addData('A', cd(sdk, 1, 'y')), c.flush('A')) }]);
    // A page that adds no custom data: the stored value is sent again after what the page added.
    // (Evaluated, not only flushed: the official client takes up the stored visitor as it is
    // built, ours at the first call that names it, a flush not being one.)
    await page(31 * MIN, [{ label: 'page 4, 31 minutes later: A evaluated', run: (c) => evaluate(c, 'A', 1) }]);
    expect(run.ours).toEqual(withoutLocalOnly(run.official));
    expect(countIndex(run.official, 0)).toBe(3);
  });

  it('browser: a visitor stays due across pages: a page open past the window sends the value again, though it added nothing', async () => {
    const { page, run } = browserPages();
    await page(0, [{ label: 'page 1: A adds VISITOR-scope data, flushed', run: (c, sdk) => (c.addData('A', cd(sdk, 0, 'gold')), c.flush('A')) }]);
    const steps: Step[] = [{ label: 'page 2, 5 minutes later: A evaluated', run: (c) => evaluate(c, 'A', 1) }];
    for (let i = 0; i < 4 * 40; i++) steps.push({ label: `activity ${i}`, timers: 15_000, run: () => undefined });
    await page(5 * MIN, steps);
    // The custom data lines, and the step each went in: the same, within one activity tick (each
    // SDK follows its activity tick with its tracking tick a moment apart, so the summary lines of
    // a step may fall in the next one).
    const customData = (sent: Sent[]) => sent.flatMap((step, i) => (step.lines.A ?? []).filter((line) => line.startsWith('eventType=customData') && !LOCAL_ONLY.test(line)).map((line) => ({ line, i })));
    const [official, ours] = [customData(run.official), customData(run.ours)];
    expect(ours.map((c) => c.line)).toEqual(official.map((c) => c.line));
    ours.forEach((c, n) => expect(Math.abs(c.i - official[n].i)).toBeLessThanOrEqual(1));
    // Once on page 1, once more as page 2's activity reaches the end of page 1's window.
    expect(countIndex(run.official, 0)).toBe(2);
  });

  for (const mode of ['browser', 'server'] as const) {
    it(`${mode}: flush() of every visitor leaves out visitors only kept due for VISITOR-scope data (official: an activity line each)`, async () => {
      const backend = { siteCode: 'scope', config: config() };
      const sides = [officialSide(mode, backend), ourSide(mode, backend)] as const;
      try {
        await Promise.all(sides.map((s) => s.client.initialize()));
        const run = await runBoth(sides, [
          { label: 'A adds VISITOR-scope data and is evaluated', run: (c, sdk) => (c.addData('A', cd(sdk, 0, 'gold')), evaluate(c, 'A')) },
          { label: 'new window: flush()', after: 35 * MIN, run: (c) => c.flush() },
          { label: 'flush() again', run: (c) => c.flush() },
        ]);
        expect(run.ours[0]).toEqual(run.official[0]);
        const summary = mode === 'browser' ? /^eventType=staticData&browser=CHROME/ : /^eventType=activity&/;
        // The official SDK schedules A at every flush(): the window's value, then a line saying A is active.
        expect(run.official[1].lines.A).toEqual([expect.stringMatching(/^eventType=customData&index=0&valuesCountMap=%7B%22gold%22/), ...(mode === 'browser' ? [expect.stringMatching(summary)] : [])]);
        expect(run.official[2].lines.A).toEqual([expect.stringMatching(summary)]);
        // Ours: nothing due, nothing sent (A's next own composition opens the window).
        expect(run.ours.slice(1).map((s) => s.lines)).toEqual([{}, {}]);
      } finally {
        await sides[1].close();
      }
    });
  }
});
