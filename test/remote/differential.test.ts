/**
 * Differential check of the visitor-data parsing against the official SDK 4.17.1 (a
 * devDependency), run offline: its requester serves our fixtures for remote-data requests.
 * For each (answer, filters) case we compare:
 * - the URL it requests with ours;
 * - what `getRemoteVisitorData({ shouldAddData: false })` returns with our `visitorData`;
 * - what it stores anyway (VISITOR-scope custom data, experiments, mapping identifier);
 * - what `shouldAddData: true` stores on the visitor with our `dataToStore` and extra fields;
 * - the tracking status of each stored item, and the contextual-bandit groups, through the
 *   official `Parser.parseVisitorData` (the function `getRemoteVisitorData` runs).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as official from '@kameleoon/javascript-sdk';
import {
  dataApiUrls,
  parseRemoteVisitorData,
  type RemoteVisitorDataFiltersType,
  type RemoteVisitorDataResult,
} from '../../src/remote/remoteData.ts';
import { Browser, Conversion, CustomData, Device, GeolocationData, OperatingSystem, PageView, type KameleoonDataType } from '../../src/visitor/data.ts';
import { ALL_FILTERS, T0, visitorDataFixture } from './fixtures.ts';
import { captureTimers, officialOfflineExternals } from '../support/officialSdk.ts';

const SITE = 'site-diff';
const config = JSON.parse(readFileSync(new URL('../differential/fixtures/kameleoon-sample-config.json', import.meta.url), 'utf8'));
/** VISITOR-scope custom data indexes of the sample configuration. */
const VISITOR_SCOPE = new Set<number>(config.customData.filter((c: { scope: string }) => c.scope === 'VISITOR').map((c: { index: number }) => c.index));

const DAY = 24 * 3600_000;

// ------------------------------------------------------------------------------------------
// Cases

interface Case {
  name: string;
  answer: () => unknown;
  filters: RemoteVisitorDataFiltersType | undefined;
  /** Data added to the visitor before the call (official classes). */
  before?: () => unknown[];
  /** Kinds `before` gives the visitor (what our caller would pass as storedKinds). */
  storedKinds?: string[];
}

function withoutCurrentVisit(): Record<string, any> {
  const json = visitorDataFixture();
  delete json.currentVisit;
  json.previousVisits[0].customDataEvents.push({ time: T0 - DAY + 9 * 60_000, data: { index: 5, valuesCountMap: { u1: 1 }, overwrite: true, mappingIdentifier: true } });
  return json;
}

function oddities(): Record<string, any> {
  return {
    currentVisit: {
      visitorCode: 'odd',
      timeStarted: T0,
      // Browser and OS by index only; geolocation: city without region is dropped.
      staticDataEvent: { data: { browser: null, browserIndex: 4, browserVersion: 0, os: null, osIndex: 5, deviceType: 'TABLET', visitNumber: 7 } },
      geolocationEvents: [{ time: T0, data: { country: 'Italy', region: null, city: 'Roma', postalCode: '00100', latitude: 41.9, longitude: 12.5 } }],
      customDataEvents: [{ time: T0, data: { index: 3, valuesCountMap: { '10': 1, '2': 1, b: 1, a: 1 }, overwrite: false, mappingIdentifier: false } }],
      pageEvents: [
        { time: T0 + 2, data: { href: 'https://x/', title: 'X2', referrersIndices: [1] } },
        { time: T0 + 1, data: { href: 'https://x/', title: 'X1', referrersIndices: [null] } },
      ],
      conversionEvents: [{ time: T0, data: { goalId: 9, revenue: 1.5, negative: false } }],
    },
    previousVisits: [
      { visitorCode: 'odd', timeStarted: T0 - DAY, timeLastEvent: T0 - DAY + 5, staticDataEvent: { data: { visitNumber: 3, browser: 'IE', deviceType: 'PHONE' } } },
      { visitorCode: 'odd', timeStarted: T0 - 2 * DAY, staticDataEvent: { data: { visitNumber: 5 } }, pageEvents: [{ time: T0 - 2 * DAY, data: { href: 'https://x/', title: 'X0', referrersIndices: [null] } }] },
      { visitorCode: 'odd', timeStarted: T0 - DAY, staticDataEvent: { data: { visitNumber: 4 } } },
    ],
    kcs: { '1': { '9': 0.25 } },
    cbs: { '5': { '51': 1, '52': 1, '53': 2 } },
  };
}

function manyVisits(): Record<string, any> {
  const json = visitorDataFixture();
  json.previousVisits = Array.from({ length: 25 }, (_, i) => ({
    visitorCode: 'many',
    timeStarted: T0 - (i + 1) * DAY,
    timeLastEvent: T0 - (i + 1) * DAY + 1000,
    staticDataEvent: { data: { visitNumber: 30 - i } },
    pageEvents: [{ time: T0 - (i + 1) * DAY + 10, data: { href: `https://p/${i % 3}`, title: `P${i}`, referrersIndices: [i] } }],
    conversionEvents: [{ time: T0 - (i + 1) * DAY, data: { goalId: 100 + (i % 4), revenue: i, negative: i % 2 === 0 } }],
    customDataEvents: [{ time: T0 - (i + 1) * DAY, data: { index: 10 + (i % 5), valuesCountMap: { [`v${i}`]: 1 }, mappingIdentifier: false } }],
    experimentEvents: [{ time: T0, data: { id: 1 + (i % 3), variationId: 1000 + i } }],
    personalizationEvents: [{ data: { id: 1 + (i % 2), variationId: 2000 + i } }],
  }));
  return json;
}

const CASES: Case[] = [
  { name: 'full answer, every filter', answer: visitorDataFixture, filters: ALL_FILTERS },
  { name: 'full answer, default filters', answer: visitorDataFixture, filters: undefined },
  { name: 'full answer, page views and conversions only', answer: visitorDataFixture, filters: { previousVisitAmount: 5, pageViews: true, conversions: true } },
  { name: 'full answer, static data only', answer: visitorDataFixture, filters: { browser: true, device: true, operatingSystem: true, geolocation: true, currentVisit: true } },
  { name: 'previous visits only', answer: withoutCurrentVisit, filters: ALL_FILTERS },
  { name: 'oddities (indexes, city without region, visit numbers)', answer: oddities, filters: ALL_FILTERS },
  { name: '25 previous visits', answer: manyVisits, filters: { ...ALL_FILTERS, previousVisitAmount: 25 } },
  { name: 'empty answer', answer: () => ({}), filters: ALL_FILTERS },
  {
    name: 'visitor already has a browser and a device',
    answer: visitorDataFixture,
    filters: ALL_FILTERS,
    before: () => [new official.Browser(official.BrowserType.Firefox, 99), new official.Device(official.DeviceType.Desktop)],
    storedKinds: ['browser', 'device'],
  },
];

// ------------------------------------------------------------------------------------------
// The official client, offline

const store = new Map<string, any>();
const requestedUrls: string[] = [];
let currentAnswer: unknown = null;
let client: any;
let releaseTimers: () => void = () => {};

const response = (status: number, body: unknown) => ({ ok: status < 300, status, json: async () => structuredClone(body), text: async () => JSON.stringify(body), headers: [] });

beforeAll(async () => {
  releaseTimers = captureTimers().release;
  client = new (official as any).KameleoonClient({
    siteCode: SITE,
    externals: officialOfflineExternals(
      {
        sendRequest: async ({ requestType, url }: { requestType: string; url: string }) => {
          if (requestType === 'configuration') return response(200, config);
          if (requestType === 'remoteData') {
            requestedUrls.push(url);
            return response(200, currentAnswer);
          }
          return response(204, null);
        },
      },
      store,
    ),
    _internals: { packageInfo: { type: 'NODEJS', version: '0.0.0-harness', isServer: true }, platformAnalyzer: { getResult: () => ({}) } },
  });
  await client.initialize();
});

afterAll(() => releaseTimers());

async function officialCall(visitorCode: string, c: Case, shouldAddData: boolean): Promise<{ data: any[]; url: string }> {
  currentAnswer = c.answer();
  requestedUrls.length = 0;
  if (c.before) client.addData(visitorCode, ...c.before());
  const data = await client.getRemoteVisitorData({ visitorCode, shouldAddData, ...(c.filters ? { filters: c.filters } : {}) });
  expect(requestedUrls).toHaveLength(1);
  return { data, url: requestedUrls[0] };
}

function ours(c: Case): RemoteVisitorDataResult {
  return parseRemoteVisitorData(c.answer(), { filters: c.filters, visitorScopeIndexes: VISITOR_SCOPE, storedKinds: new Set(c.storedKinds ?? []) });
}

// ------------------------------------------------------------------------------------------
// Normal forms

const sortedUnique = (times: number[]) => [...new Set(times)].sort((a, b) => a - b);

/** An official data object as [kind, fields]. */
function officialItem(item: any): [string, object] {
  const d = item.data;
  switch (d.type) {
    case 'customData':
      return ['customData', { index: d.index, values: d.value }];
    case 'pageView':
      return ['pageView', { url: d.urlAddress, title: d.title, referrers: d.referrers, latest: Math.max(...d.timestamps.map((t: { time: number }) => t.time)) }];
    case 'conversion':
      return ['conversion', { goalId: d.goalId, revenue: d.revenue, negative: d.negative }];
    case 'browser':
      return ['browser', { browser: d.browser, version: d.version }];
    case 'device':
      return ['device', { device: d.device }];
    case 'operatingSystem':
      return ['operatingSystem', { os: d.operatingSystem }];
    case 'geolocation':
      return ['geolocation', { country: d.country, region: d.region, city: d.city, postalCode: d.postalCode, coordinates: d.coordinates }];
    default:
      return [`unexpected:${d.type}`, d];
  }
}

/** One of our data objects as [kind, fields]. */
function ourItem(item: KameleoonDataType): [string, object] {
  if (item instanceof CustomData) return ['customData', { index: item.index, values: item.values }];
  if (item instanceof PageView) return ['pageView', { url: item.urlAddress, title: item.title, referrers: item.referrers, latest: item.time }];
  if (item instanceof Conversion) return ['conversion', { goalId: item.goalId, revenue: item.revenue, negative: item.negative }];
  if (item instanceof Browser) return ['browser', { browser: item.browser, version: item.version }];
  if (item instanceof Device) return ['device', { device: item.device }];
  if (item instanceof OperatingSystem) return ['operatingSystem', { os: item.operatingSystem }];
  if (item instanceof GeolocationData) return ['geolocation', { country: item.country, region: item.region, city: item.city, postalCode: item.postalCode, coordinates: item.coordinates }];
  return [`unexpected:${item.kind}`, item];
}

/** The official targeting data of a visitor, in a comparable form. */
function officialStored(visitorCode: string): Record<string, unknown> {
  const raw = store.get('kameleoonTargetingData')?.[visitorCode] ?? {};
  const out: Record<string, unknown> = {};
  if (raw.browser) out.browser = { browser: raw.browser.browser, version: raw.browser.version };
  if (raw.device) out.device = raw.device.device;
  if (raw.operatingSystem) out.operatingSystem = raw.operatingSystem.operatingSystem;
  if (raw.geolocation) out.geolocation = { country: raw.geolocation.country, region: raw.geolocation.region, city: raw.geolocation.city };
  if (raw.customData) out.customData = Object.fromEntries(Object.values<any>(raw.customData).map((cd) => [cd.index, cd.value]));
  if (raw.pageView) {
    out.pageView = Object.fromEntries(
      Object.values<any>(raw.pageView).map((pv) => [pv.urlAddress, { title: pv.title, referrers: pv.referrers, times: sortedUnique(pv.timestamps.map((t: any) => t.time)) }]),
    );
  }
  if (raw.conversion) out.conversionGoals = Object.values<any>(raw.conversion).map((c) => [c.goalId, c.revenue, c.negative]).sort((a, b) => a[0] - b[0]);
  if (raw.personalization) out.personalization = Object.fromEntries(Object.values<any>(raw.personalization).map((p) => [p.id, p.variationId]));
  if (raw.kameleoonConversionScore) out.kcs = raw.kameleoonConversionScore.kcs;
  if (raw.visitsData) out.visits = { visits: raw.visitsData.visits, visitNumber: raw.visitsData.visitNumber };
  return out;
}

/** What our caller would store for shouldAddData: true, in the same form (starting from `before`). */
function ourStored(result: RemoteVisitorDataResult, before: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...before };
  const pages: Record<string, { title: string; referrers: number[] | undefined; times: number[] }> = {};
  for (const item of result.dataToStore) {
    if (item instanceof Browser) out.browser = { browser: item.browser, version: item.version };
    else if (item instanceof Device) out.device = item.device;
    else if (item instanceof OperatingSystem) out.operatingSystem = item.operatingSystem;
    else if (item instanceof GeolocationData) out.geolocation = { country: item.country, region: item.region, city: item.city };
    else if (item instanceof CustomData) ((out.customData ??= {}) as Record<number, string[]>)[item.index] = item.values;
    else if (item instanceof PageView) {
      const page = (pages[item.urlAddress] ??= { title: item.title, referrers: item.referrers, times: [] });
      page.times = sortedUnique([...page.times, item.time]);
      page.title = item.title;
      page.referrers = item.referrers;
    } else if (item instanceof Conversion) ((out.conversionGoals ??= []) as unknown[]).push([item.goalId, item.revenue, item.negative]);
  }
  if (Object.keys(pages).length) out.pageView = pages;
  if (out.conversionGoals) (out.conversionGoals as number[][]).sort((a, b) => a[0] - b[0]);
  if (result.personalizations.size) out.personalization = Object.fromEntries(result.personalizations);
  if (result.kcs) out.kcs = result.kcs;
  out.visits = { visits: result.visits, visitNumber: result.visitNumber };
  return out;
}

// ------------------------------------------------------------------------------------------

describe.each(CASES.map((c, i) => [c.name, c, i] as const))('official SDK vs ours: %s', (_, c, i) => {
  it('requests the same URL and returns the same data (shouldAddData: false)', async () => {
    const visitorCode = `diff_ro_${i}`;
    const { data, url } = await officialCall(visitorCode, c, false);
    const ourUrl = dataApiUrls({ siteCode: SITE, dataApiDomain: 'data.kameleoon.io' }).visitorData({ visitorCode, filters: c.filters });
    expect(ourUrl).toBe(url);

    const result = ours(c);
    expect(data.length).toBeGreaterThanOrEqual(c.name === 'empty answer' ? 0 : 1);
    expect(result.visitorData.map(ourItem)).toEqual(data.map(officialItem));

    // Stored anyway: VISITOR-scope custom data, experiments, the mapping identifier.
    const stored = store.get('kameleoonTargetingData')?.[visitorCode] ?? {};
    const storedCustomData = Object.fromEntries(Object.values<any>(stored.customData ?? {}).map((cd) => [cd.index, cd.value]));
    expect(Object.fromEntries(result.alwaysStored.map((cd) => [cd.index, cd.values]))).toEqual(storedCustomData);
    const variations = store.get('kameleoonVariationData')?.[visitorCode] ?? {};
    expect(Object.fromEntries([...result.experiments].map(([e, v]) => [String(e), v]))).toEqual(
      Object.fromEntries(Object.entries<any>(variations).map(([e, v]) => [e, v.variationId])),
    );
    expect(Object.values<any>(variations).every((v) => v.status === 'unsent' && v.isTargetedRule === false)).toBe(true);
    const mapping = store.get('kameleoonDataInfo')?.mappingIdentifiers?.[visitorCode];
    const filters = c.filters ?? { visitorCode: true }; // the defaults have visitorCode: true
    expect(filters.visitorCode ? result.mappingIdentifier : undefined).toEqual(mapping);
  });

  it('stores the same data (shouldAddData: true)', async () => {
    const visitorCode = `diff_rw_${i}`;
    await officialCall(visitorCode, c, true);
    const before: Record<string, unknown> = {};
    if (c.before) {
      // What `before` stored, in the compared form (the remote browser and device must not replace it).
      before.browser = { browser: 'FIREFOX', version: 99 };
      before.device = 'DESKTOP';
    }
    expect(ourStored(ours(c), before)).toEqual(officialStored(visitorCode));
  });

  it('gives the same tracking statuses and contextual-bandit groups (official Parser)', () => {
    const filters = c.filters ?? { previousVisitAmount: 1, currentVisit: true, customData: true, visitorCode: true };
    const { storageVisitorData } = (official as any).Parser.parseVisitorData({
      data: c.answer(),
      filters,
      visitorCode: 'parser',
      dataManager: {
        getVisitorStoredDataTypes: () => new Set(c.storedKinds ?? []),
        storedCustomDataIndexes: new Set(),
      },
      variationConfiguration: { updateStoredVariations() {} },
    });
    const result = ours(c);
    const officialStatuses = storageVisitorData
      .filter((d: any) => ['customData', 'pageView', 'conversion', 'browser', 'device', 'operatingSystem', 'geolocation'].includes(d.data.type))
      .map((d: any) => [d.data.type, d.status]);
    // Ours lists one page view per view time: collapse them back to one per URL.
    const seenUrls = new Set<string>();
    const ourStatuses = result.dataToStore
      .filter((d) => !(d instanceof PageView) || (!seenUrls.has(d.urlAddress) && seenUrls.add(d.urlAddress)))
      .map((d) => [d.kind, result.sent.has(d) ? 'sent' : 'unsent']);
    expect(ourStatuses).toEqual(officialStatuses);

    const cbs = storageVisitorData.find((d: any) => d.data.type === 'cbScores');
    const officialGroups = cbs ? [...cbs.getValues()].map(([id, groups]: [number, { ids: number[] }[]]) => [id, groups.map((g) => g.ids)]) : undefined;
    expect(result.cbScores ? [...result.cbScores] : undefined).toEqual(officialGroups);
  });
});
