/**
 * Kameleoon Data API reads: remote data (`/map/map`), a visitor's stored visits (`/visit/visitor`)
 * and warehouse audiences. URLs, query parameters and the way a visits response turns into data
 * objects follow the official JavaScript SDK 4.17.1 (see the notes on each function for the few
 * places where we deliberately differ).
 */
import { KameleoonError, KameleoonException } from '../errors.ts';
import type { JSONType } from '../config/variables.ts';
import { RequestType, type IExternalRequester, type KameleoonResponseType } from '../platform/platform.ts';
import {
  Browser,
  BrowserType,
  Conversion,
  CustomData,
  Device,
  DeviceType,
  GeolocationData,
  OperatingSystem,
  OperatingSystemType,
  PageView,
  type KameleoonDataType,
} from '../visitor/data.ts';

// ---------------------------------------------------------------------------------------------
// Filters

/**
 * What `getRemoteVisitorData` asks the Data API for (the official `VisitorDataFiltersType`).
 * A filters object replaces {@link DEFAULT_VISITOR_DATA_FILTERS} as a whole, as in the official
 * SDK: an option left out of a given object is off, except `previousVisitAmount` (1).
 */
export interface RemoteVisitorDataFiltersType {
  /** Number of previous visits to retrieve, 1 to 25. Default 1. */
  previousVisitAmount?: number;
  /** Retrieve the current visit. */
  currentVisit?: boolean;
  /** Retrieve custom data. */
  customData?: boolean;
  /** Retrieve page views. */
  pageViews?: boolean;
  /** Retrieve geolocation. */
  geolocation?: boolean;
  /** Retrieve the device type. */
  device?: boolean;
  /** Retrieve the browser. */
  browser?: boolean;
  /** Retrieve the operating system. */
  operatingSystem?: boolean;
  /** Retrieve conversions. */
  conversions?: boolean;
  /** Retrieve experiment assignments. */
  experiments?: boolean;
  /** Retrieve Kameleoon Conversion Scores. */
  kcs?: boolean;
  /** Retrieve the visitor code a unique identifier is mapped to (requests custom data). */
  visitorCode?: boolean;
  /** Retrieve personalizations. */
  personalization?: boolean;
  /** Retrieve contextual-bandit scores. */
  cbs?: boolean;
}

/** The official defaults, used when no filters object is given. */
export const DEFAULT_VISITOR_DATA_FILTERS: Readonly<RemoteVisitorDataFiltersType> = Object.freeze({
  previousVisitAmount: 1,
  currentVisit: true,
  customData: true,
  pageViews: false,
  geolocation: false,
  device: false,
  browser: false,
  operatingSystem: false,
  conversions: false,
  experiments: false,
  kcs: false,
  visitorCode: true,
  personalization: false,
});

/** Bounds of `previousVisitAmount`. */
export const MIN_PREVIOUS_VISITS = 1;
export const MAX_PREVIOUS_VISITS = 25;

/**
 * Checks `filters.previousVisitAmount` (when given) is an integer from 1 to 25.
 * @throws KameleoonError of type `VisitAmount` (the official type) otherwise
 */
export function validateVisitorDataFilters(filters: RemoteVisitorDataFiltersType): void {
  if (filters == null || typeof filters !== 'object') {
    throw new KameleoonError(KameleoonException.InvalidArgument, 'getRemoteVisitorData(): filters must be an object.');
  }
  const amount = filters.previousVisitAmount;
  if (amount === undefined) return;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < MIN_PREVIOUS_VISITS || amount > MAX_PREVIOUS_VISITS) {
    throw new KameleoonError(
      KameleoonException.VisitAmount,
      `getRemoteVisitorData(): filters.previousVisitAmount must be an integer from ${MIN_PREVIOUS_VISITS} to ${MAX_PREVIOUS_VISITS}, got ${String(amount)}.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// URLs

/** Where the Data API is. */
export interface DataApiLocation {
  siteCode: string;
  /** Explicit base URL (our `endpoints.dataApi`, e.g. `http://127.0.0.1:1234`): wins over everything. */
  baseUrl?: string | undefined;
  /** The client's `networkDomain` (already normalized): the host becomes `data.<networkDomain>`. */
  networkDomain?: string | undefined;
  /** `dataApiDomain` of the configuration (e.g. `data.kameleoon.eu`). */
  dataApiDomain?: string | undefined;
}

/** Default Data API host. */
export const DEFAULT_DATA_API_DOMAIN = 'data.kameleoon.io';

/**
 * Base URL of the Data API, without a trailing slash. An explicit base URL wins; with a network
 * domain the host is `data.<networkDomain>`, whose first label is replaced by the first label of
 * the configuration's `dataApiDomain` when there is one (the official `dataApiDomain` setter);
 * otherwise the host is the configuration's `dataApiDomain`, else `data.kameleoon.io`.
 */
export function dataApiBaseUrl(location: Omit<DataApiLocation, 'siteCode'>): string {
  const { baseUrl, networkDomain, dataApiDomain } = location;
  if (baseUrl) return baseUrl.replace(/\/+$/, '');
  if (networkDomain) {
    const label = dataApiDomain ? dataApiDomain.split('.')[0] : '';
    return `https://${label || 'data'}.${networkDomain}`;
  }
  return `https://${dataApiDomain || DEFAULT_DATA_API_DOMAIN}`;
}

/** Parameters of a visitor data URL. */
export interface VisitorDataUrlParams {
  visitorCode: string;
  /** Default {@link DEFAULT_VISITOR_DATA_FILTERS}. */
  filters?: RemoteVisitorDataFiltersType | undefined;
  /** The visitor is a unique identifier (user id): sent as `mappingValue` instead of `visitorCode`. */
  isMappingIdentifier?: boolean | undefined;
}

/** The Data API URLs of one site. */
export interface DataApiUrls {
  /** Base URL, without a trailing slash. */
  readonly base: string;
  /** `GET <base>/map/map?siteCode=<s>&key=<encodeURI(key)>`. */
  remoteData(key: string): string;
  /**
   * `GET <base>/visit/visitor?siteCode=<s>&visitorCode|mappingValue=<vc>&maxNumberPreviousVisits=<n>`
   * followed by the flags in the official order: `customData` (also when `filters.visitorCode`),
   * `conversion`, `geolocation`, `experiment`, `page`, `staticData` (always), `currentVisit`,
   * `kcs`, `personalization`, `cbs`, each `=true` and present only when requested.
   * @throws KameleoonError `VisitAmount` when `previousVisitAmount` is out of 1..25
   */
  visitorData(params: VisitorDataUrlParams): string;
}

/** Builds the Data API URLs of `location.siteCode` (see {@link dataApiBaseUrl} for the host). */
export function dataApiUrls(location: DataApiLocation): DataApiUrls {
  const base = dataApiBaseUrl(location);
  const site = encodeURIComponent(location.siteCode);
  return {
    base,
    remoteData: (key) => `${base}/map/map?siteCode=${site}&key=${encodeURI(key)}`,
    visitorData: ({ visitorCode, filters = DEFAULT_VISITOR_DATA_FILTERS, isMappingIdentifier = false }) => {
      validateVisitorDataFilters(filters);
      const f = filters;
      let url = `${base}/visit/visitor?siteCode=${site}`;
      url += `&${isMappingIdentifier ? 'mappingValue' : 'visitorCode'}=${encodeURIComponent(visitorCode)}`;
      url += `&maxNumberPreviousVisits=${f.previousVisitAmount ?? 1}`;
      if (f.customData || f.visitorCode) url += '&customData=true';
      if (f.conversions) url += '&conversion=true';
      if (f.geolocation) url += '&geolocation=true';
      if (f.experiments) url += '&experiment=true';
      if (f.pageViews) url += '&page=true';
      url += '&staticData=true';
      if (f.currentVisit) url += '&currentVisit=true';
      if (f.kcs) url += '&kcs=true';
      if (f.personalization) url += '&personalization=true';
      if (f.cbs) url += '&cbs=true';
      return url;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Requests

/** Something that hands out bearer tokens (see `TokenProvider` in oauth.ts). */
export interface AccessTokenSource {
  /** A valid access token. */
  getToken(): Promise<string>;
  /** The server refused `token` (HTTP 401): forget it, so the next `getToken` fetches a new one. */
  invalidate(token?: string): void;
}

/** Parameters common to every Data API read. */
export interface RemoteRequestParams {
  requester: IExternalRequester;
  url: string;
  /** Milliseconds before the request (body included) is abandoned. */
  timeoutMs: number;
  /** Adds `Authorization: Bearer <token>`; on HTTP 401 the token is invalidated and the request retried once. */
  token?: AccessTokenSource | undefined;
  /** Aborts the request (e.g. the client is closing). */
  signal?: AbortSignal | undefined;
}

async function errorMessage(response: KameleoonResponseType): Promise<string> {
  try {
    const text = await response.text();
    if (!text) return '';
    try {
      const message = (JSON.parse(text) as { message?: unknown } | null)?.message;
      if (typeof message === 'string' && message) return message;
    } catch {
      // not JSON: the text itself
    }
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return '';
  }
}

/** One GET under a timeout; resolves with the parsed JSON body. */
async function getJson(params: RemoteRequestParams, what: string): Promise<unknown> {
  const { requester, url, timeoutMs, token, signal } = params;
  for (let attempt = 0; ; attempt++) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort);
    let bearer: string | undefined;
    try {
      const headers: Record<string, string> = {};
      if (token) {
        bearer = await token.getToken();
        headers.Authorization = `Bearer ${bearer}`;
      }
      const response = await requester.sendRequest({
        requestType: RequestType.RemoteData,
        url,
        parameters: { method: 'GET', headers, signal: controller.signal },
        retryCount: 0,
      });
      if (response.status === 401 && token) {
        // The token was refused: forget it, and try once more with a fresh one.
        token.invalidate(bearer);
        if (attempt === 0) {
          await response.text().catch(() => undefined); // release the connection
          continue;
        }
      }
      if (!response.ok) {
        const message = await errorMessage(response);
        throw new KameleoonError(KameleoonException.RemoteData, `The ${what} request to ${url} failed with HTTP ${response.status}${message ? `: ${message}` : ''}.`);
      }
      const body = await response.json();
      // The body is read under the same timeout: a server that stalls mid-body is a failure too.
      if (controller.signal.aborted) throw controller.signal.reason;
      return body;
    } catch (err) {
      if (err instanceof KameleoonError) throw err;
      const reason = controller.signal.aborted && !signal?.aborted ? `no answer within ${timeoutMs} ms` : ((err as Error)?.message ?? String(err));
      throw new KameleoonError(KameleoonException.RemoteData, `The ${what} request to ${url} failed: ${reason}`, { cause: err });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * Reads remote data (`GET /map/map?key=…`; build the URL with {@link dataApiUrls}) and returns
 * the parsed JSON body as is.
 * @throws KameleoonError `RemoteData` on a network error, a timeout, a non-2xx status (the
 * server's `message` is quoted) or a body that is not JSON
 */
export async function getRemoteData(params: RemoteRequestParams): Promise<JSONType> {
  return (await getJson(params, 'remote data')) as JSONType;
}

/** Parameters of {@link getVisitorWarehouseAudience}. */
export interface VisitorWarehouseAudienceParams extends Omit<RemoteRequestParams, 'url'> {
  urls: DataApiUrls;
  visitorCode: string;
  /** Custom data index the audiences are stored at. */
  customDataIndex: number;
  /** Remote data key to read; default the visitor code. */
  warehouseKey?: string | undefined;
}

/** Key of the audiences object in the remote data of a warehouse key. */
export const WAREHOUSE_AUDIENCE_KEY = 'warehouseAudiences';

/**
 * The visitor's warehouse audiences as custom data: reads the remote data of `warehouseKey`
 * (default the visitor code), and returns `new CustomData(customDataIndex, ...audienceKeys)` where
 * the audience keys are those of its `warehouseAudiences` object, or null when that object is
 * missing or empty. The caller stores the result on the visitor, as the official SDK does.
 * @throws KameleoonError `RemoteData` when the request fails or the remote data is empty (null,
 * false, 0, ''); InvalidArgument when `customDataIndex` is not a non-negative integer
 */
export async function getVisitorWarehouseAudience(params: VisitorWarehouseAudienceParams): Promise<CustomData | null> {
  const { urls, visitorCode, customDataIndex, warehouseKey, ...request } = params;
  const key = warehouseKey || visitorCode;
  const data = await getRemoteData({ ...request, url: urls.remoteData(key) });
  if (!data) throw new KameleoonError(KameleoonException.RemoteData, `No data found for ${key} key`);
  const audiences = typeof data === 'object' && !Array.isArray(data) ? data[WAREHOUSE_AUDIENCE_KEY] : undefined;
  if (audiences == null || typeof audiences !== 'object' || Array.isArray(audiences)) return null;
  const keys = Object.keys(audiences);
  if (keys.length === 0) return null;
  return new CustomData(customDataIndex, ...keys);
}

// ---------------------------------------------------------------------------------------------
// Visitor data

/** One visit previous to the current one, as the official `VisitsData` keeps it. */
export interface RemoteVisit {
  timeStarted: number;
  timeLastActivity: number;
}

/** At most this many visits are kept (the official `VISITOR_VISIT_MAX_LENGTH`). */
export const MAX_REMOTE_VISITS = 26;

/** What a visitor-data response brings. */
export interface RemoteVisitorDataResult {
  /**
   * What the official `getRemoteVisitorData` returns to the user, in its order: per visit
   * (current first, then previous ones from the most recent) the first browser, device, operating
   * system and geolocation found and every conversion of the visit (goalId, revenue, negative);
   * then one CustomData per index, then one PageView per URL (its `time` is the latest view).
   */
  visitorData: KameleoonDataType[];
  /**
   * What the official SDK adds to the visitor when `shouldAddData` is true, in its order: the
   * browser, device, operating system and geolocation (each unless `storedKinds` has it), one
   * CustomData per index, one PageView per URL **and view time** (so that storing them merges
   * the view times), one Conversion per distinct goal (revenue 0, not negative: for CONVERSION
   * targeting only). Kcs, cbs, personalizations and visits are in the fields below.
   */
  dataToStore: KameleoonDataType[];
  /**
   * Items of `dataToStore` the official SDK stores as already tracked (page views and
   * conversions); the others (custom data, browser, device, operating system, geolocation) it
   * stores as unsent, so they are sent again with the visitor's next tracking request.
   */
  sent: ReadonlySet<KameleoonDataType>;
  /**
   * CustomData of `dataToStore` whose index has the VISITOR scope (`visitorScopeIndexes`): the
   * official SDK stores these even when `shouldAddData` is false.
   */
  alwaysStored: CustomData[];
  /** Kameleoon Conversion Scores (keyMomentId → goalId → score), when `filters.kcs` and sent. */
  kcs: Record<string, Record<string, number>> | undefined;
  /**
   * Contextual-bandit scores when `filters.cbs` and sent: experimentId → groups of variation ids
   * (ascending) by descending score.
   */
  cbScores: Map<number, number[][]> | undefined;
  /** Personalizations: id → variationId (first seen, current visit first), when `filters.personalization`. */
  personalizations: Map<number, number>;
  /** Previous visits, ascending by start, distinct starts, the latest 26 at most. */
  visits: RemoteVisit[];
  /** Visit number of the current visit as the official `VisitsData.visitNumber` computes it. */
  visitNumber: number;
  /**
   * Experiment assignments (experimentId → variationId) when `filters.experiments`; for an
   * experiment seen in several visits the **oldest** visit wins (the official overwrite order).
   * The official SDK stores them whatever `shouldAddData`, with status unsent.
   */
  experiments: Map<number, number>;
  /**
   * When the response's first visit (current, else latest previous) has a custom data event
   * flagged `mappingIdentifier`: the visitor code that visit belongs to and that event's time.
   * The official SDK records it as the visitor's mapping identifier when `filters.visitorCode`.
   */
  mappingIdentifier: { mappingIdentifier: string; timestamp: number } | undefined;
}

/** Options of {@link parseRemoteVisitorData}. */
export interface ParseRemoteVisitorDataOptions {
  /** Default {@link DEFAULT_VISITOR_DATA_FILTERS}. */
  filters?: RemoteVisitorDataFiltersType | undefined;
  /**
   * Single-valued kinds the visitor already has (`'browser'`, `'device'`, `'operatingSystem'`,
   * `'geolocation'`): those found remotely are returned but not put in `dataToStore`.
   */
  storedKinds?: ReadonlySet<string> | undefined;
  /** Custom data indexes of VISITOR scope (the configuration's `customData.visitorScope`). */
  visitorScopeIndexes?: ReadonlySet<number> | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** `event.data` when it is an object. */
function dataOf(event: Json): Json | undefined {
  return isObject(event.data) ? event.data : undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Official index tables (same as the tracking `browserIndex` / `osIndex`). */
const BROWSER_BY_INDEX: readonly BrowserType[] = [BrowserType.Chrome, BrowserType.InternetExplorer, BrowserType.Firefox, BrowserType.Safari, BrowserType.Opera, BrowserType.Other];
const OS_BY_INDEX: readonly OperatingSystemType[] = [
  OperatingSystemType.Windows,
  OperatingSystemType.Mac,
  OperatingSystemType.IOS,
  OperatingSystemType.Linux,
  OperatingSystemType.Android,
  OperatingSystemType.WindowsPhone,
];

function oneOf<T extends string>(value: unknown, allowed: Record<string, T>): T | undefined {
  return typeof value === 'string' && (Object.values(allowed) as string[]).includes(value) ? (value as T) : undefined;
}

function staticDataOf(visit: Json): Json | undefined {
  return isObject(visit.staticDataEvent) ? dataOf(visit.staticDataEvent) : undefined;
}

function browserOf(visit: Json): Browser | undefined {
  const s = staticDataOf(visit);
  if (!s) return undefined;
  const type = s.browser ? oneOf(s.browser, BrowserType) : typeof s.browserIndex === 'number' ? BROWSER_BY_INDEX[s.browserIndex] : undefined;
  if (!type) return undefined;
  const version = finiteNumber(s.browserVersion);
  return version ? new Browser(type, version) : new Browser(type);
}

function deviceOf(visit: Json): Device | undefined {
  const type = oneOf(staticDataOf(visit)?.deviceType, DeviceType);
  return type ? new Device(type) : undefined;
}

function operatingSystemOf(visit: Json): OperatingSystem | undefined {
  const s = staticDataOf(visit);
  if (!s) return undefined;
  const type = s.os ? oneOf(s.os, OperatingSystemType) : typeof s.osIndex === 'number' ? OS_BY_INDEX[s.osIndex] : undefined;
  return type ? new OperatingSystem(type) : undefined;
}

/** The visit's last geolocation event with a country; only country, region and city are kept (city only with a region). */
function geolocationOf(visit: Json): GeolocationData | undefined {
  let found: Json | undefined;
  for (const event of list(visit.geolocationEvents)) {
    const data = dataOf(event);
    if (data && data.country) found = data;
  }
  const country = nonEmptyString(found?.country);
  if (!found || !country) return undefined;
  const region = nonEmptyString(found.region);
  const city = nonEmptyString(found.city);
  if (region && city) return new GeolocationData({ country, region, city });
  if (region) return new GeolocationData({ country, region });
  return new GeolocationData({ country });
}

function withTime(pageView: PageView, time: number): PageView {
  (pageView as { time: number }).time = time;
  return pageView;
}

/** Page views of one URL, merged across visits. */
interface PageEntry {
  url: string;
  title: string;
  referrers: number[];
  times: number[];
}

/**
 * Turns a `/visit/visitor` response into data objects, exactly as the official parser does
 * (the current visit first, then the previous visits in the order received, most recent first):
 * - browser, device, operating system, geolocation: the first visit that has one wins;
 * - custom data: per index, the last event of the most recent visit that has the index; values
 *   are the keys of its `valuesCountMap`; overwrite true;
 * - page views: per URL, every view time of every visit; title and referrers of the last event
 *   processed (the oldest visit's);
 * - conversions: all of them for the user, one per distinct goal for storage;
 * - experiments, personalizations, kcs, cbs, visits, visit number, mapping identifier: see
 *   {@link RemoteVisitorDataResult}.
 * Only what `filters` asks for is read from the response. Malformed events (wrong types,
 * unknown browser...) are skipped instead of producing invalid objects.
 */
export function parseRemoteVisitorData(json: unknown, options: ParseRemoteVisitorDataOptions = {}): RemoteVisitorDataResult {
  const filters = options.filters ?? DEFAULT_VISITOR_DATA_FILTERS;
  const storedKinds = options.storedKinds ?? new Set<string>();
  const result: RemoteVisitorDataResult = {
    visitorData: [],
    dataToStore: [],
    sent: new Set(),
    alwaysStored: [],
    kcs: undefined,
    cbScores: undefined,
    personalizations: new Map(),
    visits: [],
    visitNumber: 0,
    experiments: new Map(),
    mappingIdentifier: undefined,
  };
  const body = isObject(json) ? json : {};
  const current = isObject(body.currentVisit) ? body.currentVisit : undefined;
  const previous = list(body.previousVisits);
  if (!current && previous.length === 0) return result;

  const sent = result.sent as Set<KameleoonDataType>;
  const singles = new Map<string, KameleoonDataType>();
  const customData = new Map<number, CustomData>();
  const pages = new Map<string, PageEntry>();
  const goals = new Map<number, Conversion>();

  const single = (kind: string, enabled: boolean | undefined, make: () => KameleoonDataType | undefined): void => {
    if (!enabled || singles.has(kind)) return;
    const item = make();
    if (!item) return;
    singles.set(kind, item);
    if (!storedKinds.has(kind)) result.dataToStore.push(item);
    result.visitorData.push(item);
  };

  const processVisit = (visit: Json): void => {
    single('browser', filters.browser, () => browserOf(visit));
    single('device', filters.device, () => deviceOf(visit));
    single('operatingSystem', filters.operatingSystem, () => operatingSystemOf(visit));
    single('geolocation', filters.geolocation, () => geolocationOf(visit));
    if (filters.customData) {
      const events = list(visit.customDataEvents);
      for (let i = events.length - 1; i >= 0; i--) {
        const data = dataOf(events[i]);
        const index = data?.index;
        if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || customData.has(index)) continue;
        const values = isObject(data!.valuesCountMap) ? Object.keys(data!.valuesCountMap) : [];
        customData.set(index, new CustomData(index, ...values));
      }
    }
    if (filters.conversions) {
      for (const event of list(visit.conversionEvents)) {
        const data = dataOf(event);
        const goalId = finiteNumber(data?.goalId);
        if (goalId === undefined) continue;
        if (!goals.has(goalId)) goals.set(goalId, new Conversion({ goalId }));
        const revenue = finiteNumber(data!.revenue) ?? 0;
        const negative = typeof data!.negative === 'boolean' ? data!.negative : false;
        result.visitorData.push(new Conversion({ goalId, revenue, negative }));
      }
    }
    if (filters.pageViews) {
      for (const event of list(visit.pageEvents)) {
        const data = dataOf(event);
        const url = typeof data?.href === 'string' ? data.href : undefined;
        const time = finiteNumber(event.time);
        if (!url || time === undefined) continue;
        const indices = data!.referrersIndices;
        const referrers = Array.isArray(indices) && typeof indices[0] === 'number' ? indices.filter((i): i is number => typeof i === 'number') : [];
        const title = typeof data!.title === 'string' ? data!.title : '';
        const entry = pages.get(url);
        if (entry) {
          entry.title = title;
          entry.referrers = referrers;
          entry.times.push(time);
        } else {
          pages.set(url, { url, title, referrers, times: [time] });
        }
      }
    }
    if (filters.experiments) {
      for (const event of list(visit.experimentEvents)) {
        const data = dataOf(event);
        const id = finiteNumber(data?.id);
        const variationId = finiteNumber(data?.variationId);
        if (id !== undefined && variationId !== undefined) result.experiments.set(id, variationId);
      }
    }
    if (filters.personalization) {
      for (const event of list(visit.personalizationEvents)) {
        const data = dataOf(event);
        const id = finiteNumber(data?.id);
        const variationId = finiteNumber(data?.variationId);
        if (id !== undefined && variationId !== undefined && !result.personalizations.has(id)) result.personalizations.set(id, variationId);
      }
    }
  };

  const processVisitNumber = (visit: Json, offset: number): void => {
    const visitNumber = finiteNumber(staticDataOf(visit)?.visitNumber);
    if (result.visitNumber <= offset && visitNumber) result.visitNumber = Math.max(result.visitNumber, visitNumber + offset);
  };

  if (current) {
    processVisit(current);
    processVisitNumber(current, 0);
  }
  previous.forEach((visit, i) => {
    processVisit(visit);
    const timeStarted = finiteNumber(visit.timeStarted);
    if (timeStarted !== undefined) {
      const visits = result.visits;
      if (!visits.some((v) => v.timeStarted === timeStarted)) {
        const at = visits.findIndex((v) => v.timeStarted >= timeStarted);
        const entry = { timeStarted, timeLastActivity: finiteNumber(visit.timeLastEvent) ?? timeStarted };
        if (at === -1) visits.push(entry);
        else visits.splice(at, 0, entry);
        if (visits.length > MAX_REMOTE_VISITS) visits.splice(0, visits.length - MAX_REMOTE_VISITS);
      }
      // The official VisitsData resets its number to (visits - 1) on every insertion.
      result.visitNumber = visits.length ? visits.length - 1 : 0;
    }
    processVisitNumber(visit, i + 1);
  });

  if (filters.kcs && isObject(body.kcs)) result.kcs = parseKcs(body.kcs);
  if (filters.cbs && isObject(body.cbs)) result.cbScores = parseCbs(body.cbs);

  for (const item of customData.values()) {
    result.visitorData.push(item);
    result.dataToStore.push(item);
    if (options.visitorScopeIndexes?.has(item.index)) result.alwaysStored.push(item);
  }
  for (const page of pages.values()) {
    const params = { urlAddress: page.url, title: page.title, referrers: page.referrers };
    result.visitorData.push(withTime(new PageView(params), Math.max(...page.times)));
    for (const time of page.times) {
      const stored = withTime(new PageView({ ...params, referrers: page.referrers.slice() }), time);
      result.dataToStore.push(stored);
      sent.add(stored);
    }
  }
  for (const conversion of goals.values()) {
    result.dataToStore.push(conversion);
    sent.add(conversion);
  }

  const first = current ?? previous[0];
  const visitorCode = nonEmptyString(first?.visitorCode);
  const flagged = list(first?.customDataEvents).find((event) => dataOf(event)?.mappingIdentifier);
  const timestamp = flagged ? finiteNumber(flagged.time) : undefined;
  if (visitorCode && timestamp) result.mappingIdentifier = { mappingIdentifier: visitorCode, timestamp };
  return result;
}

function parseKcs(raw: Json): Record<string, Record<string, number>> {
  const kcs: Record<string, Record<string, number>> = {};
  for (const [keyMoment, goals] of Object.entries(raw)) {
    if (!isObject(goals)) continue;
    const scores: Record<string, number> = {};
    for (const [goalId, score] of Object.entries(goals)) if (typeof score === 'number') scores[goalId] = score;
    kcs[keyMoment] = scores;
  }
  return kcs;
}

/** experimentId → { variationId: score } into experimentId → variation-id groups by descending score. */
function parseCbs(raw: Json): Map<number, number[][]> {
  const cbs = new Map<number, number[][]>();
  for (const [experimentId, scores] of Object.entries(raw)) {
    if (!isObject(scores)) continue;
    const byScore = new Map<number, number[]>();
    for (const [variationId, score] of Object.entries(scores)) {
      if (typeof score !== 'number') continue;
      const ids = byScore.get(score) ?? [];
      ids.push(Number(variationId));
      byScore.set(score, ids);
    }
    const groups = [...byScore.entries()].sort(([a], [b]) => b - a).map(([, ids]) => ids.sort((a, b) => a - b));
    cbs.set(Number(experimentId), groups);
  }
  return cbs;
}

/** Parameters of {@link getRemoteVisitorData}. */
export interface RemoteVisitorDataParams extends RemoteRequestParams, ParseRemoteVisitorDataOptions {}

/**
 * Reads a visitor's visits (`GET /visit/visitor…`; build the URL with `dataApiUrls(...).visitorData`
 * and the same filters) and parses them with {@link parseRemoteVisitorData}. The caller returns
 * `result.visitorData` to the user and stores what the official SDK stores.
 * @throws KameleoonError `RemoteData` on a network error, a timeout, a non-2xx status or a body
 * that is not JSON; `VisitAmount` when `filters.previousVisitAmount` is out of 1..25
 */
export async function getRemoteVisitorData(params: RemoteVisitorDataParams): Promise<RemoteVisitorDataResult> {
  const { filters, storedKinds, visitorScopeIndexes, ...request } = params;
  if (filters) validateVisitorDataFilters(filters);
  const body = await getJson(request, 'visitor data');
  return parseRemoteVisitorData(body, { filters, storedKinds, visitorScopeIndexes });
}
