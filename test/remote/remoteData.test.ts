/**
 * Data API reads: URL building, the parsing of a visitor-data answer into data objects, and the
 * requests themselves against a real HTTP server on 127.0.0.1 (timeouts, errors, bearer tokens).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KameleoonError, KameleoonException } from '../../src/errors.ts';
import type { SendRequestParametersType } from '../../src/platform/platform.ts';
import { dataApiBaseUrl } from '../../src/config/dataApi.ts';
import {
  DEFAULT_VISITOR_DATA_FILTERS,
  dataApiUrls,
  getRemoteData,
  getRemoteVisitorData,
  getVisitorWarehouseAudience,
  parseRemoteVisitorData,
  validateVisitorDataFilters,
  type AccessTokenSource,
  type RemoteVisitorDataFiltersType,
} from '../../src/remote/remoteData.ts';
import { Browser, Conversion, CustomData, Device, GeolocationData, OperatingSystem, PageView } from '../../src/visitor/data.ts';
import { ALL_FILTERS, T0, VISITOR, visitorDataFixture } from './fixtures.ts';
import { DataApiTestServer, fetchRequester } from './server.ts';
import { MAX_VISITS } from '../../src/visitor/applyData.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** Expects `promise` to reject with a KameleoonError of `type` whose message matches `message`. */
async function expectKameleoonError(promise: Promise<unknown>, type: string, message?: RegExp): Promise<KameleoonError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KameleoonError);
  expect((error as KameleoonError).type).toBe(type);
  if (message) expect((error as KameleoonError).message).toMatch(message);
  return error as KameleoonError;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('Data API URLs', () => {
  const urls = dataApiUrls({ siteCode: 'site123' });
  const base = 'https://data.kameleoon.io/visit/visitor?siteCode=site123&visitorCode=vc1';

  it('uses the official defaults when no filters are given', () => {
    expect(urls.visitorData({ visitorCode: 'vc1' })).toBe(`${base}&maxNumberPreviousVisits=1&customData=true&staticData=true&currentVisit=true`);
    expect(urls.visitorData({ visitorCode: 'vc1', filters: DEFAULT_VISITOR_DATA_FILTERS })).toBe(urls.visitorData({ visitorCode: 'vc1' }));
  });

  it('an empty filters object asks for static data and one previous visit only (no merge with defaults)', () => {
    expect(urls.visitorData({ visitorCode: 'vc1', filters: {} })).toBe(`${base}&maxNumberPreviousVisits=1&staticData=true`);
  });

  it.each([
    ['customData', '&maxNumberPreviousVisits=1&customData=true&staticData=true'],
    ['visitorCode', '&maxNumberPreviousVisits=1&customData=true&staticData=true'],
    ['conversions', '&maxNumberPreviousVisits=1&conversion=true&staticData=true'],
    ['geolocation', '&maxNumberPreviousVisits=1&geolocation=true&staticData=true'],
    ['experiments', '&maxNumberPreviousVisits=1&experiment=true&staticData=true'],
    ['pageViews', '&maxNumberPreviousVisits=1&page=true&staticData=true'],
    ['currentVisit', '&maxNumberPreviousVisits=1&staticData=true&currentVisit=true'],
    ['kcs', '&maxNumberPreviousVisits=1&staticData=true&kcs=true'],
    ['personalization', '&maxNumberPreviousVisits=1&staticData=true&personalization=true'],
    ['cbs', '&maxNumberPreviousVisits=1&staticData=true&cbs=true'],
    // Static data is always asked for: these three add nothing.
    ['device', '&maxNumberPreviousVisits=1&staticData=true'],
    ['browser', '&maxNumberPreviousVisits=1&staticData=true'],
    ['operatingSystem', '&maxNumberPreviousVisits=1&staticData=true'],
  ] as const)('filter %s alone → %s', (flag, query) => {
    const filters: RemoteVisitorDataFiltersType = { [flag]: true };
    expect(urls.visitorData({ visitorCode: 'vc1', filters })).toBe(base + query);
  });

  it('puts every flag in the official order', () => {
    expect(urls.visitorData({ visitorCode: 'vc1', filters: { ...ALL_FILTERS, previousVisitAmount: 25 } })).toBe(
      `${base}&maxNumberPreviousVisits=25&customData=true&conversion=true&geolocation=true&experiment=true&page=true&staticData=true&currentVisit=true&kcs=true&personalization=true&cbs=true`,
    );
  });

  it('sends a unique identifier as mappingValue', () => {
    expect(urls.visitorData({ visitorCode: 'user-42', isMappingIdentifier: true, filters: {} })).toBe(
      'https://data.kameleoon.io/visit/visitor?siteCode=site123&mappingValue=user-42&maxNumberPreviousVisits=1&staticData=true',
    );
  });

  it('URL-encodes the visitor code (the official SDK sends it raw)', () => {
    expect(urls.visitorData({ visitorCode: 'a b&c=d', filters: {} })).toContain('&visitorCode=a%20b%26c%3Dd&');
  });

  it.each([1, 2, 24, 25])('accepts previousVisitAmount %s', (amount) => {
    expect(() => validateVisitorDataFilters({ previousVisitAmount: amount })).not.toThrow();
    expect(urls.visitorData({ visitorCode: 'vc1', filters: { previousVisitAmount: amount } })).toContain(`&maxNumberPreviousVisits=${amount}&`);
  });

  it.each([0, 26, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, '3'])('validateVisitorDataFilters rejects previousVisitAmount %s with VisitAmount', (amount) => {
    const error = thrown(() => validateVisitorDataFilters({ previousVisitAmount: amount as number }));
    expect(error).toBeInstanceOf(KameleoonError);
    expect((error as KameleoonError).type).toBe(KameleoonException.VisitAmount);
    expect((error as KameleoonError).message).toMatch(/1 to 25/);
  });

  it('builds the remote data URL with encodeURI(key)', () => {
    expect(urls.remoteData('my key/é?x')).toBe('https://data.kameleoon.io/map/map?siteCode=site123&key=my%20key/%C3%A9?x');
  });

  it('chooses the host: explicit base URL, network domain, configuration dataApiDomain, default', () => {
    expect(dataApiBaseUrl({ baseUrl: 'http://127.0.0.1:1234/', networkDomain: 'example.com', dataApiDomain: 'data.kameleoon.eu' })).toBe('http://127.0.0.1:1234');
    expect(dataApiBaseUrl({ networkDomain: 'example.com' })).toBe('https://data.example.com');
    expect(dataApiBaseUrl({ networkDomain: 'example.com', dataApiDomain: 'data-eu.kameleoon.io' })).toBe('https://data-eu.example.com');
    expect(dataApiBaseUrl({ dataApiDomain: 'data.kameleoon.eu' })).toBe('https://data.kameleoon.eu');
    expect(dataApiBaseUrl({})).toBe('https://data.kameleoon.io');
    expect(dataApiUrls({ siteCode: 's', baseUrl: 'http://localhost:9/api' }).remoteData('k')).toBe('http://localhost:9/api/map/map?siteCode=s&key=k');
  });
});

describe('parseRemoteVisitorData', () => {
  it('turns a full answer into the official data objects, in the official order', () => {
    const result = parseRemoteVisitorData(visitorDataFixture(), { filters: ALL_FILTERS });
    const summary = result.visitorData.map((d) => [d.constructor.name, { ...d }]);
    expect(summary).toEqual([
      ['Browser', { kind: 'browser', browser: 'CHROME', version: 120.5 }],
      ['GeolocationData', { kind: 'geolocation', country: 'France', region: 'Île-de-France', city: 'Paris', postalCode: undefined, coordinates: undefined }],
      ['Conversion', { kind: 'conversion', goalId: 555, revenue: 49.9, negative: false, metadata: undefined }],
      // Device and operating system first appear in the previous visit (the OS by index only).
      ['Device', { kind: 'device', device: 'PHONE' }],
      ['OperatingSystem', { kind: 'operatingSystem', operatingSystem: 'ANDROID' }],
      ['Conversion', { kind: 'conversion', goalId: 555, revenue: 10, negative: false, metadata: undefined }],
      ['Conversion', { kind: 'conversion', goalId: 600, revenue: 0, negative: true, metadata: undefined }],
      // Custom data: last event of the most recent visit per index; values are valuesCountMap keys.
      ['CustomData', { kind: 'customData', index: 5, name: undefined, overwrite: true, values: ['user-42'] }],
      ['CustomData', { kind: 'customData', index: 0, name: undefined, overwrite: true, values: ['enterprise'] }],
      ['CustomData', { kind: 'customData', index: 2, name: undefined, overwrite: true, values: ['20', '150', 'x'] }],
      ['CustomData', { kind: 'customData', index: 1, name: undefined, overwrite: true, values: ['FR'] }],
      // One page view per URL; title and referrers of the oldest event; time of the latest view.
      ['PageView', { kind: 'pageView', urlAddress: 'https://shop.example.com/', title: 'Home (oldest)', referrers: [], time: T0 + 7 * MIN }],
      ['PageView', { kind: 'pageView', urlAddress: 'https://shop.example.com/cart?x=1', title: 'Cart – Shop', referrers: [3, 4], time: T0 + 6 * MIN }],
      ['PageView', { kind: 'pageView', urlAddress: 'https://shop.example.com/product/1', title: 'Product 1', referrers: [], time: T0 - DAY + 4 * MIN }],
    ]);
  });

  it('lists what to store: one page view per view time, one conversion per goal, page views and conversions as sent', () => {
    const result = parseRemoteVisitorData(visitorDataFixture(), { filters: ALL_FILTERS });
    const stored = result.dataToStore.map((d) => {
      const sent = result.sent.has(d) ? 'sent' : 'unsent';
      if (d instanceof PageView) return `${sent} page ${d.urlAddress} ${d.time - T0} ${d.title}`;
      if (d instanceof Conversion) return `${sent} conversion ${d.goalId} ${d.revenue} ${d.negative}`;
      if (d instanceof CustomData) return `${sent} customData ${d.index} ${d.values.join(',')}`;
      return `${sent} ${d.kind}`;
    });
    expect(stored).toEqual([
      'unsent browser',
      'unsent geolocation',
      'unsent device',
      'unsent operatingSystem',
      'unsent customData 5 user-42',
      'unsent customData 0 enterprise',
      'unsent customData 2 20,150,x',
      'unsent customData 1 FR',
      `sent page https://shop.example.com/ ${5 * MIN} Home (oldest)`,
      `sent page https://shop.example.com/ ${7 * MIN} Home (oldest)`,
      `sent page https://shop.example.com/ ${-DAY + 3 * MIN} Home (oldest)`,
      `sent page https://shop.example.com/ ${-3 * DAY + 2 * MIN} Home (oldest)`,
      `sent page https://shop.example.com/cart?x=1 ${6 * MIN} Cart – Shop`,
      `sent page https://shop.example.com/product/1 ${-DAY + 4 * MIN} Product 1`,
      'sent conversion 555 0 false',
      'sent conversion 600 0 false',
    ]);
  });

  it('returns experiments (oldest visit wins), personalizations (first seen), kcs, cbs, visits and the mapping identifier', () => {
    const result = parseRemoteVisitorData(visitorDataFixture(), { filters: ALL_FILTERS });
    expect([...result.experiments]).toEqual([
      [7002, 80025],
      [7101, 81010],
    ]);
    expect([...result.personalizations]).toEqual([
      [91, 910],
      [92, 920],
    ]);
    expect(result.kcs).toEqual({ '101': { '555': 12.5, '600': 3 }, '102': { '555': 70 } });
    expect([...result.cbScores!]).toEqual([
      [7002, [[80024], [80023, 80025]]],
      [7101, [[81010]]],
    ]);
    expect(result.visits).toEqual([
      { timeStarted: T0 - 3 * DAY, timeLastActivity: T0 - 3 * DAY },
      { timeStarted: T0 - DAY, timeLastActivity: T0 - DAY + 30 * MIN },
    ]);
    expect(result.visitNumber).toBe(1);
    expect(result.mappingIdentifier).toEqual({ mappingIdentifier: VISITOR, timestamp: T0 + 4 * MIN });
  });

  it('reads only what the filters ask for', () => {
    const result = parseRemoteVisitorData(visitorDataFixture(), { filters: DEFAULT_VISITOR_DATA_FILTERS });
    expect(result.visitorData.every((d) => d instanceof CustomData)).toBe(true);
    expect(result.visitorData).toHaveLength(4);
    expect(result.experiments.size).toBe(0);
    expect(result.personalizations.size).toBe(0);
    expect(result.kcs).toBeUndefined();
    expect(result.cbScores).toBeUndefined();
    // Visits are always counted.
    expect(result.visits).toHaveLength(2);

    const pagesOnly = parseRemoteVisitorData(visitorDataFixture(), { filters: { pageViews: true } });
    expect(pagesOnly.visitorData.map((d) => d.constructor.name)).toEqual(['PageView', 'PageView', 'PageView']);
    const conversionsOnly = parseRemoteVisitorData(visitorDataFixture(), { filters: { conversions: true } });
    expect(conversionsOnly.visitorData.map((d) => (d as Conversion).goalId)).toEqual([555, 555, 600]);
    expect(conversionsOnly.dataToStore.map((d) => (d as Conversion).goalId)).toEqual([555, 600]);
    const staticOnly = parseRemoteVisitorData(visitorDataFixture(), { filters: { device: true, operatingSystem: true } });
    expect(staticOnly.visitorData).toEqual([new Device('PHONE'), new OperatingSystem('ANDROID')]);
  });

  it('keeps single-valued data the visitor already has out of dataToStore, but returns it', () => {
    const result = parseRemoteVisitorData(visitorDataFixture(), { filters: ALL_FILTERS, storedKinds: new Set(['browser', 'geolocation']) });
    expect(result.visitorData.some((d) => d instanceof Browser)).toBe(true);
    expect(result.dataToStore.some((d) => d instanceof Browser || d instanceof GeolocationData)).toBe(false);
    expect(result.dataToStore.some((d) => d instanceof Device)).toBe(true);
  });

  it('lists VISITOR-scope custom data as always stored', () => {
    const result = parseRemoteVisitorData(visitorDataFixture(), { filters: ALL_FILTERS, visitorScopeIndexes: new Set([0, 3, 4]) });
    expect(result.alwaysStored.map((d) => [d.index, d.values])).toEqual([[0, ['enterprise']]]);
    expect(parseRemoteVisitorData(visitorDataFixture(), { filters: ALL_FILTERS }).alwaysStored).toEqual([]);
  });

  it('an answer without visits gives nothing', () => {
    for (const json of [{}, null, 'x', { previousVisits: [] }, { kcs: { '1': { '2': 3 } } }]) {
      const result = parseRemoteVisitorData(json, { filters: ALL_FILTERS });
      expect(result.visitorData).toEqual([]);
      expect(result.dataToStore).toEqual([]);
      expect(result.kcs).toBeUndefined();
      expect(result.visits).toEqual([]);
      expect(result.visitNumber).toBe(0);
    }
  });

  it('works with previous visits only: the latest previous visit gives the mapping identifier', () => {
    const json = visitorDataFixture();
    delete json.currentVisit;
    json.previousVisits[0].customDataEvents.push({ time: T0 - DAY + 9 * MIN, data: { index: 4, valuesCountMap: { u1: 1 }, mappingIdentifier: true } });
    const result = parseRemoteVisitorData(json, { filters: ALL_FILTERS });
    // Browser from index 2 (FIREFOX), no version.
    expect(result.visitorData[0]).toEqual(new Browser('FIREFOX'));
    expect(result.visitorData.find((d) => d instanceof GeolocationData)).toEqual(new GeolocationData({ country: 'Germany', region: 'Bavaria', city: 'Munich' }));
    expect(result.mappingIdentifier).toEqual({ mappingIdentifier: VISITOR, timestamp: T0 - DAY + 9 * MIN });
    expect(result.visitNumber).toBe(1);
  });

  it('keeps a city only with a region, and never postal code or coordinates', () => {
    const json = { currentVisit: { timeStarted: T0, geolocationEvents: [{ data: { country: 'Spain', city: 'Madrid', postalCode: '28001', latitude: 1, longitude: 2 } }] } };
    expect(parseRemoteVisitorData(json, { filters: { geolocation: true } }).visitorData).toEqual([new GeolocationData({ country: 'Spain' })]);
  });

  it('skips malformed events instead of producing invalid objects', () => {
    const json = {
      currentVisit: {
        timeStarted: T0,
        staticDataEvent: { data: { browser: 'NETSCAPE', browserIndex: null, os: null, osIndex: 42, deviceType: 'FRIDGE' } },
        customDataEvents: [{ data: { index: -1, valuesCountMap: { a: 1 } } }, { data: { index: 'x' } }, { data: { index: 3 } }, 'junk'],
        conversionEvents: [{ data: { revenue: 3 } }, { data: { goalId: 7 } }],
        pageEvents: [{ data: { href: 'https://a/' } }, { time: 5, data: { href: 42 } }, { time: 6, data: { href: 'https://b/', referrersIndices: 'nope' } }],
        experimentEvents: [{ data: { id: 1 } }, { data: { id: 2, variationId: 20 } }],
      },
    };
    const result = parseRemoteVisitorData(json, { filters: ALL_FILTERS });
    expect(result.visitorData).toEqual([
      new Conversion({ goalId: 7 }),
      new CustomData(3),
      Object.assign(new PageView({ urlAddress: 'https://b/', title: '', referrers: [] }), { time: 6 }),
    ]);
    expect([...result.experiments]).toEqual([[2, 20]]);
  });

  it('keeps the latest 26 distinct visits, ascending', () => {
    const previousVisits = Array.from({ length: 30 }, (_, i) => ({ timeStarted: T0 - (i + 1) * DAY, timeLastEvent: T0 - (i + 1) * DAY + MIN }));
    previousVisits.splice(3, 0, { timeStarted: T0 - 3 * DAY, timeLastEvent: T0 }); // duplicate start: ignored
    const result = parseRemoteVisitorData({ previousVisits }, { filters: {} });
    expect(result.visits).toHaveLength(MAX_VISITS);
    expect(result.visits[0].timeStarted).toBe(T0 - 26 * DAY);
    expect(result.visits[25]).toEqual({ timeStarted: T0 - DAY, timeLastActivity: T0 - DAY + MIN });
    expect(result.visits.find((v) => v.timeStarted === T0 - 3 * DAY)!.timeLastActivity).toBe(T0 - 3 * DAY + MIN);
    expect(result.visitNumber).toBe(25);
  });

  it('computes the visit number like the official VisitsData', () => {
    const sd = (visitNumber: number) => ({ data: { visitNumber } });
    // Current says 10: kept through the previous visits, which are consistent with it.
    const a = parseRemoteVisitorData(
      { currentVisit: { timeStarted: T0, staticDataEvent: sd(10) }, previousVisits: [{ timeStarted: T0 - DAY, staticDataEvent: sd(9) }] },
      { filters: {} },
    );
    expect(a.visitNumber).toBe(10);
    // A previous visit without a number resets the count to (visits - 1).
    const b = parseRemoteVisitorData({ currentVisit: { timeStarted: T0, staticDataEvent: sd(10) }, previousVisits: [{ timeStarted: T0 - DAY }] }, { filters: {} });
    expect(b.visitNumber).toBe(0);
  });
});

describe('requests to the Data API', () => {
  const server = new DataApiTestServer();
  let urls: ReturnType<typeof dataApiUrls>;
  const sent: SendRequestParametersType[] = [];
  const requester = {
    sendRequest: (params: SendRequestParametersType) => {
      sent.push(params);
      return fetchRequester.sendRequest(params);
    },
  };

  beforeAll(async () => {
    await server.start();
    urls = dataApiUrls({ siteCode: 'site-test', baseUrl: server.url });
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.reset();
    sent.length = 0;
  });

  it('getRemoteData GETs /map/map through the requester and returns the JSON body', async () => {
    server.on('/map/map', () => ({ json: { warehouseAudiences: { a: 1 }, n: [1, 2] } }));
    const data = await getRemoteData({ requester, url: urls.remoteData('my key'), timeoutMs: 5000 });
    expect(data).toEqual({ warehouseAudiences: { a: 1 }, n: [1, 2] });
    const [req] = server.requests;
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/map/map');
    expect(req.rawQuery).toBe('siteCode=site-test&key=my%20key');
    expect(req.headers.authorization).toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(sent[0].requestType).toBe('remoteData');
    expect(sent[0].retryCount).toBe(0);
    expect(sent[0].parameters.signal).toBeInstanceOf(AbortSignal);
  });

  it('an HTTP error becomes a RemoteData error quoting the server message', async () => {
    server.on('/map/map', () => ({ status: 500, json: { message: 'database on fire' } }));
    await expectKameleoonError(getRemoteData({ requester, url: urls.remoteData('k'), timeoutMs: 5000 }), KameleoonException.RemoteData, /HTTP 500: database on fire/);
    server.on('/map/map', () => ({ status: 404, text: 'not here' }));
    await expectKameleoonError(getRemoteData({ requester, url: urls.remoteData('k'), timeoutMs: 5000 }), KameleoonException.RemoteData, /HTTP 404: not here/);
  });

  it('a body that is not JSON is a RemoteData error', async () => {
    server.on('/map/map', () => ({ text: '{"truncated": ' }));
    await expectKameleoonError(getRemoteData({ requester, url: urls.remoteData('k'), timeoutMs: 5000 }), KameleoonException.RemoteData, /remote data request/);
  });

  it('a network error is a RemoteData error', async () => {
    const url = dataApiUrls({ siteCode: 's', baseUrl: 'http://127.0.0.1:9' }).remoteData('k');
    await expectKameleoonError(getRemoteData({ requester, url, timeoutMs: 5000 }), KameleoonException.RemoteData, /failed/);
  });

  it('a server that never answers fails after the timeout', async () => {
    server.on('/map/map', () => 'hang');
    server.on('/visit/visitor', () => 'hang');
    await expectKameleoonError(getRemoteData({ requester, url: urls.remoteData('k'), timeoutMs: 200 }), KameleoonException.RemoteData, /no answer within 200 ms/);
    await expectKameleoonError(
      getRemoteVisitorData({ requester, url: urls.visitorData({ visitorCode: 'v' }), timeoutMs: 200 }),
      KameleoonException.RemoteData,
      /visitor data request .* no answer within 200 ms/,
    );
  });

  it('an aborted caller signal stops the request', async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    server.on('/map/map', () => {
      arrived();
      return 'hang';
    });
    const controller = new AbortController();
    const pending = getRemoteData({ requester, url: urls.remoteData('k'), timeoutMs: 5000, signal: controller.signal });
    await reached; // the request is out, and hangs
    controller.abort(new Error('client closed'));
    await expectKameleoonError(pending, KameleoonException.RemoteData, /client closed/);
  });

  it('getRemoteVisitorData GETs /visit/visitor with the filters and parses the answer', async () => {
    server.on('/visit/visitor', () => ({ json: visitorDataFixture() }));
    const url = urls.visitorData({ visitorCode: VISITOR, filters: ALL_FILTERS });
    const result = await getRemoteVisitorData({ requester, url, filters: ALL_FILTERS, timeoutMs: 5000, visitorScopeIndexes: new Set([2]) });
    const [req] = server.requests;
    expect(req.path).toBe('/visit/visitor');
    expect(req.rawQuery).toBe(
      `siteCode=site-test&visitorCode=${VISITOR}&maxNumberPreviousVisits=2&customData=true&conversion=true&geolocation=true&experiment=true&page=true&staticData=true&currentVisit=true&kcs=true&personalization=true&cbs=true`,
    );
    expect(result).toEqual(parseRemoteVisitorData(visitorDataFixture(), { filters: ALL_FILTERS, visitorScopeIndexes: new Set([2]) }));
    expect(result.visitorData).toHaveLength(14);
    expect(result.alwaysStored.map((d) => d.index)).toEqual([2]);
  });

  it('sends a bearer token, and on 401 invalidates it and retries once with a new one', async () => {
    let n = 0;
    const invalidated: (string | undefined)[] = [];
    const token: AccessTokenSource = { getToken: async () => `tok-${++n}`, invalidate: (t) => void invalidated.push(t) };
    server.on('/map/map', (req) => (req.headers.authorization === 'Bearer tok-2' ? { json: { ok: true } } : { status: 401, json: { message: 'expired' } }));
    expect(await getRemoteData({ requester, url: urls.remoteData('k'), timeoutMs: 5000, token })).toEqual({ ok: true });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(invalidated).toEqual(['tok-1']);

    // A second 401 is not retried again.
    server.on('/map/map', () => ({ status: 401, json: { message: 'nope' } }));
    await expectKameleoonError(getRemoteData({ requester, url: urls.remoteData('k'), timeoutMs: 5000, token }), KameleoonException.RemoteData, /HTTP 401: nope/);
    expect(server.requests).toHaveLength(4);
    expect(invalidated).toEqual(['tok-1', 'tok-3', 'tok-4']);
  });

  it('a 401 without a token source is not retried', async () => {
    server.on('/map/map', () => ({ status: 401 }));
    await expectKameleoonError(getRemoteData({ requester, url: urls.remoteData('k'), timeoutMs: 5000 }), KameleoonException.RemoteData, /HTTP 401\.$/);
    expect(server.requests).toHaveLength(1);
  });

  it('a token failure is passed on as is', async () => {
    const token: AccessTokenSource = {
      getToken: async () => {
        throw new KameleoonError(KameleoonException.Credentials, 'bad credentials');
      },
      invalidate() {},
    };
    await expectKameleoonError(getRemoteData({ requester, url: urls.remoteData('k'), timeoutMs: 5000, token }), KameleoonException.Credentials, /bad credentials/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('getVisitorWarehouseAudience', () => {
  const server = new DataApiTestServer();
  let urls: ReturnType<typeof dataApiUrls>;

  beforeAll(async () => {
    await server.start();
    urls = dataApiUrls({ siteCode: 'site-test', baseUrl: server.url });
  });
  afterAll(() => server.stop());
  beforeEach(() => server.reset());

  it('maps the warehouse audiences to custom data at the given index', async () => {
    server.on('/map/map', () => ({ json: { warehouseAudiences: { 'high-value': 1, churn_risk: { since: 3 } }, other: true } }));
    const data = await getVisitorWarehouseAudience({ requester: fetchRequester, urls, visitorCode: 'vc-9', customDataIndex: 7, timeoutMs: 5000 });
    expect(data).toEqual(new CustomData(7, 'high-value', 'churn_risk'));
    expect(server.requests[0].query.get('key')).toBe('vc-9');
  });

  it('reads the warehouse key instead of the visitor code when given', async () => {
    server.on('/map/map', () => ({ json: { warehouseAudiences: { a: 1 } } }));
    await getVisitorWarehouseAudience({ requester: fetchRequester, urls, visitorCode: 'vc-9', customDataIndex: 1, warehouseKey: 'crm-123', timeoutMs: 5000 });
    expect(server.requests[0].query.get('key')).toBe('crm-123');
  });

  it('returns null when there are no audiences', async () => {
    for (const json of [{ warehouseAudiences: {} }, { other: 1 }, { warehouseAudiences: null }, { warehouseAudiences: ['a'] }, [1, 2]]) {
      server.on('/map/map', () => ({ json }));
      expect(await getVisitorWarehouseAudience({ requester: fetchRequester, urls, visitorCode: 'v', customDataIndex: 1, timeoutMs: 5000 })).toBeNull();
    }
  });

  it('empty remote data is a RemoteData error', async () => {
    server.on('/map/map', () => ({ json: null }));
    await expectKameleoonError(
      getVisitorWarehouseAudience({ requester: fetchRequester, urls, visitorCode: 'v', customDataIndex: 1, warehouseKey: 'wk', timeoutMs: 5000 }),
      KameleoonException.RemoteData,
      /No data found for wk key/,
    );
  });

  it('request failures are RemoteData errors', async () => {
    server.on('/map/map', () => 'hang');
    await expectKameleoonError(getVisitorWarehouseAudience({ requester: fetchRequester, urls, visitorCode: 'v', customDataIndex: 1, timeoutMs: 200 }), KameleoonException.RemoteData, /no answer/);
  });
});
