/**
 * The times the visit scope of targeting conditions compares with visit starts: when each
 * assignment, conversion and personalization was made, kept in the assignment pool (epoch seconds,
 * rounded up), persisted in browsers (entries stored before times were kept load with unknown
 * times, which count in every scope), taken from the Data API's event times for remote data;
 * then the whole path through the client: browser visits driven with fake timers (a new visit
 * after 30 minutes without activity, a page reload in between), and a server whose previous
 * visits and conversions come from getRemoteVisitorData.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { KameleoonClient } from '../../src/node.ts';
import { parseConfiguration } from '../../src/config/parse.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import { parseRemoteVisitorData } from '../../src/remote/visitorData.ts';
import { addPersonalizations, applyData } from '../../src/visitor/applyData.ts';
import { Conversion } from '../../src/visitor/data.ts';
import { createStoragePersistence, visitorKey } from '../../src/visitor/persistence.ts';
import { VisitorStore } from '../../src/visitor/visitorStore.ts';
import { CHROME_ANALYZER, ourBrowserClient } from '../support/browserMode.ts';
import { oneFlagPerCondition } from '../support/conditionFlags.ts';
import { ALL_FILTERS, T0, VISITOR, visitorDataFixture } from '../remote/fixtures.ts';
import { DataApiTestServer, dataApiRequester } from '../remote/server.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const NOW = Date.UTC(2025, 5, 2, 12, 0, 0);
const silent = { log() {}, warn() {}, warnOnce() {}, error() {}, info() {}, debug() {} } as never;

describe('assignment times in the pool', () => {
  it('are kept per assignment, rounded up to the second; given again they replace, omitted they stay', () => {
    const store = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW });
    const a = store.assignments(store.touch('v'));
    a.set(1, 10, false, false, NOW - 1_234);
    a.set(2, 20, false, false);
    a.set(3, 30, true, true, Date.UTC(2050, 0, 1)); // past 2038: the slot is read unsigned
    expect([...a.times()]).toEqual([[1, NOW - 1_000], [2, 0], [3, Date.UTC(2050, 0, 1)]]);
    a.set(1, 10, false, false);
    expect(a.timeOf(1)).toBe(NOW - 1_000);
    a.set(1, 11, false, false, NOW + 5_000);
    expect(a.timeOf(1)).toBe(NOW + 5_000);
    expect(a.timeOf(99)).toBe(0);
  });

  it('records of variations sent before carry no time and are not listed', () => {
    const store = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW });
    const id = store.touch('v');
    const a = store.assignments(id);
    a.set(1, 10, false, true, NOW);
    store.markSent(id, [1]);
    a.set(1, 11, false, true, NOW + 60_000);
    expect([...a.times()]).toEqual([[1, NOW + 60_000]]);
    expect(store.pool.toTimes(store.headOf(id))).toEqual([Math.ceil((NOW + 60_000) / 1000), 0]);
    expect(store.pool.toTriples(store.headOf(id)).length / 3).toBe(2);
  });

  it("a server's current visit starts a second after the last activity the Data API reported; unknown without it", () => {
    const store = new VisitorStore({ sessionDurationMs: 30 * MIN, clock: () => NOW });
    const id = store.touch('v');
    expect(store.assignments(id).visitStartedAt()).toBe(0);
    store.extraOf(id).visitActivity = NOW - DAY;
    expect(store.assignments(id).visitStartedAt()).toBe(NOW - DAY + 1_000);
  });

  it('a visitor touched again after its session expired comes back new, never as a released id', () => {
    let clock = NOW;
    const store = new VisitorStore({ sessionDurationMs: 30 * MIN, clock: () => clock });
    const id = store.touch('v');
    store.assignments(id).set(1, 10, false, false, NOW);
    clock = NOW + 40 * MIN;
    const again = store.touch('v');
    expect(store.codeOf(again)).toBe('v');
    expect(store.size).toBe(1);
    expect(store.assignments(again).size).toBe(0);
    // The id stays the visitor's: another visitor does not get it.
    const other = store.touch('w');
    expect(other).not.toBe(again);
    expect(store.codeOf(again)).toBe('v');
  });
});

describe('browser persistence keeps the times', () => {
  const config = parseConfiguration({ featureFlags: [] });

  it('round trip: assignment, conversion and personalization times', () => {
    const storage = createMemoryStorage();
    let clock = NOW;
    const first = new VisitorStore({ sessionDurationMs: 0, clock: () => clock, persistence: createStoragePersistence(storage) });
    const id = first.touch('v');
    first.assignments(id).set(1, 10, false, false, NOW - DAY);
    first.assignments(id).set(2, 20, true, false);
    clock = NOW + MIN;
    applyData(id, [new Conversion({ goalId: 5, revenue: 3 })], config, first, silent);
    addPersonalizations(first.extraOf(id).data!, new Map([[7, NOW - 2 * DAY], [8, 0]]));
    first.changed(id);
    first.flushPersistence();

    const second = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW, persistence: createStoragePersistence(storage) });
    const loaded = second.touch('v');
    expect([...second.assignments(loaded).times()]).toEqual([[1, NOW - DAY], [2, 0]]);
    expect(second.dataOf(loaded)?.conversions).toEqual([{ goalId: 5, revenue: 3, negative: false, time: NOW + MIN }]);
    expect([...second.dataOf(loaded)!.personalizations!]).toEqual([[7, NOW - 2 * DAY], [8, 0]]);
  });

  it('an entry stored before times were kept loads with unknown times', () => {
    const storage = createMemoryStorage();
    storage.write(visitorKey('old'), {
      t: NOW,
      s: [1, 10, 0, 2, 20, 1],
      d: { cd: [], pv: [], cv: [[5, 0, false]], o: { visits: [NOW - DAY, NOW] } },
    });
    const store = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW, persistence: createStoragePersistence(storage) });
    const id = store.touch('old');
    expect([...store.assignments(id).times()]).toEqual([[1, 0], [2, 0]]);
    expect(store.dataOf(id)?.conversions).toEqual([{ goalId: 5, revenue: 0, negative: false }]);
  });

  it('tampered times count as unknown', () => {
    const storage = createMemoryStorage();
    storage.write(visitorKey('odd'), { t: NOW, s: [1, 10, 0], a: ['soon'], d: { cd: [], pv: [], cv: [[5, 0, false, 'x']], ps: [[7, null]], o: {} } });
    const store = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW, persistence: createStoragePersistence(storage) });
    const id = store.touch('odd');
    expect(store.assignments(id).timeOf(1)).toBe(0);
    expect(store.dataOf(id)?.conversions[0].time).toBeUndefined();
    expect(store.dataOf(id)?.personalizations?.get(7)).toBe(0);
  });
});

describe('times of remote data (Data API event times)', () => {
  it('experiments and personalizations: the latest event time of each; events without a time give none', () => {
    const result = parseRemoteVisitorData(visitorDataFixture(), { filters: ALL_FILTERS });
    expect([...result.experimentTimes]).toEqual([[7002, T0 + MIN], [7101, T0 - DAY + MIN]]);
    // The fixture's personalization events have no time.
    expect(result.personalizationTimes.size).toBe(0);
    const timed = visitorDataFixture();
    timed.currentVisit.personalizationEvents = [{ time: T0 + 2 * MIN, data: { id: 91, variationId: 910 } }];
    expect([...parseRemoteVisitorData(timed, { filters: ALL_FILTERS }).personalizationTimes]).toEqual([[91, T0 + 2 * MIN]]);
  });

  it('a stored conversion has its goal\'s latest conversion time; a local one the time it is added', () => {
    const config = parseConfiguration({ featureFlags: [] });
    const store = new VisitorStore({ sessionDurationMs: 0, clock: () => NOW });
    const id = store.touch(VISITOR);
    const result = parseRemoteVisitorData(visitorDataFixture(), { filters: ALL_FILTERS });
    applyData(id, result.dataToStore, config, store, silent);
    applyData(id, [new Conversion({ goalId: 600 })], config, store, silent);
    expect(store.dataOf(id)?.conversions.map(({ goalId, time }) => [goalId, time])).toEqual([[555, T0 + 8 * MIN], [600, T0 - DAY + 6 * MIN], [600, NOW]]);
    // The time is not a field of the user's object.
    const conversion = result.dataToStore.find((d) => d instanceof Conversion)!;
    expect(Object.keys(conversion)).toEqual(['kind', 'goalId', 'revenue', 'negative', 'metadata']);
  });
});

/** Flags of the client tests: `source` assigns experiment 902; the others target it or goal 42, in various scopes. */
function clientConfig() {
  const doc = oneFlagPerCondition({
    ffAbsent: { targetingType: 'TARGET_FEATURE_FLAG', featureFlagId: 900 },
    ffCurrent: { targetingType: 'TARGET_FEATURE_FLAG', featureFlagId: 900, visitScope: 'CURRENT_VISIT' },
    ffLast1: { targetingType: 'TARGET_FEATURE_FLAG', featureFlagId: 900, visitScope: 'VISITOR', visitCount: 1 },
    ffLast2: { targetingType: 'TARGET_FEATURE_FLAG', featureFlagId: 900, visitScope: 'VISITOR', visitCount: 2 },
    goalAbsent: { targetingType: 'CONVERSIONS', goalId: 42 },
    goalCurrent: { targetingType: 'CONVERSIONS', goalId: 42, visitScope: 'CURRENT_VISIT' },
    goalLast2: { targetingType: 'CONVERSIONS', goalId: 42, visitScope: 'VISITOR', visitCount: 2 },
    goal600Current: { targetingType: 'CONVERSIONS', goalId: 600, visitScope: 'CURRENT_VISIT' },
    goal600Last1: { targetingType: 'CONVERSIONS', goalId: 600, visitScope: 'VISITOR', visitCount: 1 },
    goal600Last2: { targetingType: 'CONVERSIONS', goalId: 600, visitScope: 'VISITOR', visitCount: 2 },
    goal600Absent: { targetingType: 'CONVERSIONS', goalId: 600 },
    goal555Current: { targetingType: 'CONVERSIONS', goalId: 555, visitScope: 'CURRENT_VISIT' },
  });
  doc.featureFlags.push({
    id: 900, featureKey: 'source', environmentEnabled: true, defaultVariationKey: 'off',
    variations: [{ key: 'off', variables: [] }, { key: 'on', variables: [] }],
    rules: [{ id: 901, order: 1, type: 'EXPERIMENTATION', exposition: 1, experimentId: 902, respoolTime: null, segmentId: null as never, variationByExposition: [{ variationKey: 'on', variationId: 903, exposition: 1 }] }],
  });
  return doc;
}

interface Decides {
  getVariation(p: { visitorCode: string; featureKey: string; track: boolean }): { key: string };
}
const decisions = (c: Decides, visitorCode: string, keys: string[]) => Object.fromEntries(keys.map((featureKey) => [featureKey, c.getVariation({ visitorCode, featureKey, track: false }).key]));
const FF = ['ffAbsent', 'ffCurrent', 'ffLast1', 'ffLast2'];
const GOAL = ['goalAbsent', 'goalCurrent', 'goalLast2'];

describe('through the client, in a browser (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an assignment and a conversion of the previous visit count for "any of the last 2 visits", not for the current visit; a reload keeps their times', async () => {
    const backend = { siteCode: 'scope', config: JSON.stringify(clientConfig()) };
    const storage = createMemoryStorage();
    let client = ourBrowserClient(backend, [], CHROME_ANALYZER as never, storage);
    try {
      await client.initialize();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(client.getVariation({ visitorCode: 'v', featureKey: 'source', track: false }).key).toBe('on');
      client.trackConversion({ visitorCode: 'v', goalId: 42 });
      expect(decisions(client, 'v', [...FF, ...GOAL])).toEqual({ ffAbsent: 'on', ffCurrent: 'on', ffLast1: 'on', ffLast2: 'on', goalAbsent: 'on', goalCurrent: 'on', goalLast2: 'on' });

      // 31 minutes without activity: the next activity starts a new visit.
      await vi.advanceTimersByTimeAsync(15_000);
      vi.setSystemTime(Date.now() + 31 * MIN);
      await vi.advanceTimersByTimeAsync(15_000);
      expect(decisions(client, 'v', [...FF, ...GOAL])).toEqual({ ffAbsent: 'on', ffCurrent: 'off', ffLast1: 'off', ffLast2: 'on', goalAbsent: 'on', goalCurrent: 'off', goalLast2: 'on' });

      // A reload within the visit: the stored times still place them in the previous visit.
      client.flush();
      await vi.advanceTimersByTimeAsync(1_000);
      await client.close();
      client = ourBrowserClient(backend, [], CHROME_ANALYZER as never, storage);
      await client.initialize();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(decisions(client, 'v', [...FF, ...GOAL])).toEqual({ ffAbsent: 'on', ffCurrent: 'off', ffLast1: 'off', ffLast2: 'on', goalAbsent: 'on', goalCurrent: 'off', goalLast2: 'on' });

      // Assigned and converted again in this visit: they count again.
      client.getVariation({ visitorCode: 'v', featureKey: 'source', track: false });
      client.trackConversion({ visitorCode: 'v', goalId: 42 });
      expect(decisions(client, 'v', [...FF, ...GOAL])).toEqual({ ffAbsent: 'on', ffCurrent: 'on', ffLast1: 'on', ffLast2: 'on', goalAbsent: 'on', goalCurrent: 'on', goalLast2: 'on' });

      // Two visits later, "the last 2 visits" no longer reach the first one.
      await vi.advanceTimersByTimeAsync(15_000);
      vi.setSystemTime(Date.now() + 31 * MIN);
      await vi.advanceTimersByTimeAsync(15_000);
      vi.setSystemTime(Date.now() + 31 * MIN);
      await vi.advanceTimersByTimeAsync(15_000);
      expect(decisions(client, 'v', [...FF, ...GOAL])).toEqual({ ffAbsent: 'on', ffCurrent: 'off', ffLast1: 'off', ffLast2: 'off', goalAbsent: 'on', goalCurrent: 'off', goalLast2: 'off' });
    } finally {
      await client.close();
    }
  });
});

describe('through the client, on a server with getRemoteVisitorData', () => {
  const server = new DataApiTestServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => server.reset());

  it('conversions of previous visits (Data API times) count for the last visits they fall in, not for the current visit', async () => {
    server.on('/visit/visitor', () => ({ json: visitorDataFixture() }));
    const c = new KameleoonClient({
      siteCode: 'site-test',
      configuration: { defaultDataFile: clientConfig() as never, endpoints: { dataApi: server.url, api: server.url } },
      externals: { logger: { log() {} }, requester: dataApiRequester() },
    });
    try {
      await c.initialize();
      const keys = ['goal600Absent', 'goal600Current', 'goal600Last1', 'goal600Last2'];
      expect(decisions(c, VISITOR, keys)).toEqual({ goal600Absent: 'off', goal600Current: 'off', goal600Last1: 'off', goal600Last2: 'off' });
      await c.getRemoteVisitorData({ visitorCode: VISITOR, filters: { ...ALL_FILTERS } });
      // Goal 600 was converted during the visit before the current one (T0 - 1 day).
      expect(decisions(c, VISITOR, keys)).toEqual({ goal600Absent: 'on', goal600Current: 'off', goal600Last1: 'off', goal600Last2: 'on' });
      // Goal 555 was converted in the Data API's current visit too (after the previous visit's last event).
      expect(decisions(c, VISITOR, ['goal555Current'])).toEqual({ goal555Current: 'on' });
      // Assigned on this server now: in the current visit.
      c.getVariation({ visitorCode: VISITOR, featureKey: 'source', track: false });
      expect(decisions(c, VISITOR, FF)).toEqual({ ffAbsent: 'on', ffCurrent: 'on', ffLast1: 'on', ffLast2: 'on' });
      c.trackConversion({ visitorCode: VISITOR, goalId: 600 });
      expect(decisions(c, VISITOR, ['goal600Current', 'goal600Last1'])).toEqual({ goal600Current: 'on', goal600Last1: 'on' });
    } finally {
      await c.close();
    }
  });
});
