/**
 * Parsing of the Data API's visits response (`/visit/visitor`) into data objects, following the
 * official JavaScript SDK 4.17.1.
 */
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
import { BROWSER_INDEXES, OS_INDEXES } from '../visitor/kinds.ts';
import { DEFAULT_VISITOR_DATA_FILTERS, type RemoteVisitorDataFiltersType } from './filters.ts';
import { MAX_VISITS, withEventTime } from '../visitor/applyData.ts';

/** One visit previous to the current one, as the official `VisitsData` keeps it. */
export interface RemoteVisit {
  timeStarted: number;
  timeLastActivity: number;
}

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
   * When the visitor was last exposed to each experiment of `experiments` (experimentId → the
   * latest event `time`, epoch ms; absent when no event had a time): the assignment time the
   * visit scope of targeting conditions compares with visit starts.
   */
  experimentTimes: Map<number, number>;
  /** When each personalization of `personalizations` was last seen (id → the latest event `time`, epoch ms). */
  personalizationTimes: Map<number, number>;
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

/**
 * Inserts `visit` into `visits` (ascending by start) unless a visit already has its start, then
 * keeps the latest {@link MAX_VISITS}: how the official `VisitsData` adds a visit.
 */
export function insertVisit<T extends { timeStarted: number }>(visits: T[], visit: T): void {
  if (visits.some((v) => v.timeStarted === visit.timeStarted)) return;
  const at = visits.findIndex((v) => v.timeStarted >= visit.timeStarted);
  visits.splice(at < 0 ? visits.length : at, 0, visit);
  if (visits.length > MAX_VISITS) visits.shift();
}

type Json = Record<string, unknown>;

// Not parse.ts's isObject: importing the parser here would move it, with the engine it imports,
// out of the browser's entry chunk into a chunk shared with this lazy one (0.3 KB more in all).
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

function oneOf<T extends string>(value: unknown, allowed: Record<string, T>): T | undefined {
  return typeof value === 'string' && (Object.values(allowed) as string[]).includes(value) ? (value as T) : undefined;
}

function staticDataOf(visit: Json): Json | undefined {
  return isObject(visit.staticDataEvent) ? dataOf(visit.staticDataEvent) : undefined;
}

function browserOf(visit: Json): Browser | undefined {
  const s = staticDataOf(visit);
  if (!s) return undefined;
  const type = s.browser ? oneOf(s.browser, BrowserType) : typeof s.browserIndex === 'number' ? BROWSER_INDEXES[s.browserIndex] : undefined;
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
  const type = s.os ? oneOf(s.os, OperatingSystemType) : typeof s.osIndex === 'number' ? OS_INDEXES[s.osIndex] : undefined;
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
    experimentTimes: new Map(),
    personalizationTimes: new Map(),
    mappingIdentifier: undefined,
  };
  /** The latest event time per id, for the visit scope (conversions by goal). */
  const latest = (times: Map<number, number>, id: number, event: Json): void => {
    const time = finiteNumber(event.time);
    if (time !== undefined && !(time <= (times.get(id) ?? -Infinity))) times.set(id, time);
  };
  const conversionTimes = new Map<number, number>();
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
        latest(conversionTimes, goalId, event);
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
        if (id !== undefined && variationId !== undefined) {
          result.experiments.set(id, variationId);
          latest(result.experimentTimes, id, event);
        }
      }
    }
    if (filters.personalization) {
      for (const event of list(visit.personalizationEvents)) {
        const data = dataOf(event);
        const id = finiteNumber(data?.id);
        const variationId = finiteNumber(data?.variationId);
        if (id !== undefined && variationId !== undefined) {
          if (!result.personalizations.has(id)) result.personalizations.set(id, variationId);
          latest(result.personalizationTimes, id, event);
        }
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
      insertVisit(result.visits, { timeStarted, timeLastActivity: finiteNumber(visit.timeLastEvent) ?? timeStarted });
      // The official VisitsData resets its number to (visits - 1) on every insertion.
      result.visitNumber = result.visits.length - 1;
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
  for (const [goalId, conversion] of goals) {
    // Stored for CONVERSIONS targeting, with the goal's latest conversion time (the visit scope).
    result.dataToStore.push(withEventTime(conversion, conversionTimes.get(goalId)));
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
