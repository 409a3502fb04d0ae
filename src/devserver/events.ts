/** Tracking events as the dev server records them, and the visits it rebuilds from them. */
import { VISIT_DURATION_MS } from '../visitor/visitorStore.ts';

/** One tracking line, decoded. */
export interface RecordedEvent {
  /** Epoch ms when the dev server received it. */
  time: number;
  /** The `siteCode` of the tracking request. */
  siteCode: string;
  /** The line's `visitorCode`, or its `mappingValue` (a unique identifier). */
  visitorCode: string;
  /** The line's `eventType` (`experiment`, `customData`, `page`, `conversion`, `staticData`, `activity`...). */
  eventType: string;
  /** The line's `nonce`; `''` when it has none. */
  nonce: string;
  /** The line's other parameters, decoded. */
  params: Record<string, string>;
  /** The line as received. */
  line: string;
}

/**
 * Decodes one tracking line (`eventType=…&…&nonce=…&visitorCode=…`); undefined when it is not
 * one. The user agent is appended raw by the SDKs, so it is cut before decoding.
 */
export function decodeLine(line: string, siteCode: string, time: number): RecordedEvent | undefined {
  const ua = line.indexOf('&userAgent=');
  const query = ua >= 0 ? line.slice(0, ua) : line;
  const params: Record<string, string> = {};
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      params[pair.slice(0, eq)] = decodeURIComponent(pair.slice(eq + 1));
    } catch {
      params[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  if (ua >= 0) params.userAgent = line.slice(ua + '&userAgent='.length);
  const { eventType, nonce, visitorCode, mappingValue, ...rest } = params;
  const visitor = visitorCode ?? mappingValue;
  if (!eventType || !visitor) return undefined;
  return { time, siteCode, visitorCode: visitor, eventType, nonce: nonce ?? '', params: rest, line };
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A visitor's visits in the Data API's `/visit/visitor` shape, rebuilt from the events the dev
 * server recorded (a visit ends after 30 minutes without an event): custom data, pages,
 * conversions, experiments and static data. The most recent visit is `currentVisit`.
 */
export function visitsOf(events: readonly RecordedEvent[], siteCode: string, visitorCode: string, previousVisits: number): Record<string, unknown> {
  const mine = events.filter((e) => e.visitorCode === visitorCode && e.siteCode === siteCode).sort((a, b) => a.time - b.time);
  const visits: RecordedEvent[][] = [];
  for (const event of mine) {
    const current = visits.at(-1);
    if (current && event.time - current[current.length - 1].time <= VISIT_DURATION_MS) current.push(event);
    else visits.push([event]);
  }
  const toVisit = (visit: RecordedEvent[]) => {
    const of = (type: string) => visit.filter((e) => e.eventType === type);
    const staticData = of('staticData').reduce<Record<string, unknown>>((acc, e) => ({ ...acc, ...e.params }), {});
    return {
      siteCode,
      visitorCode,
      timeStarted: visit[0].time,
      timeLastEvent: visit[visit.length - 1].time,
      customDataEvents: of('customData').map((e) => ({
        time: e.time,
        data: { index: Number(e.params.index), valuesCountMap: parseJson(e.params.valuesCountMap) ?? {}, overwrite: e.params.overwrite !== 'false', mappingIdentifier: e.params.mappingIdentifier === 'true' },
      })),
      pageEvents: of('page').map((e) => ({
        time: e.time,
        data: { href: e.params.href, title: e.params.title ?? '', canonicalHref: null, keyPagesIndices: [null], referrerHref: null, referrersIndices: (parseJson(e.params.referrersIndices) as number[] | undefined) ?? [null] },
      })),
      conversionEvents: of('conversion').map((e) => ({ time: e.time, data: { goalId: Number(e.params.goalId), revenue: Number(e.params.revenue ?? 0), negative: e.params.negative === 'true' } })),
      experimentEvents: of('experiment')
        .filter((e) => e.params.variationId !== 'null')
        .map((e) => ({ time: e.time, data: { id: Number(e.params.id), variationId: Number(e.params.variationId) } })),
      geolocationEvents: of('geolocation').map((e) => ({
        time: e.time,
        data: { country: e.params.country, region: e.params.region ?? null, city: e.params.city ?? null, postalCode: e.params.postalCode ?? null, latitude: e.params.latitude ? Number(e.params.latitude) : null, longitude: e.params.longitude ? Number(e.params.longitude) : null },
      })),
      staticDataEvent: Object.keys(staticData).length
        ? {
            time: visit[0].time,
            data: {
              browser: staticData.browser ?? null,
              browserIndex: staticData.browserIndex !== undefined ? Number(staticData.browserIndex) : null,
              browserVersion: staticData.browserVersion !== undefined ? Number(staticData.browserVersion) : null,
              os: staticData.os ?? null,
              osIndex: staticData.osIndex !== undefined ? Number(staticData.osIndex) : null,
              deviceType: staticData.deviceType ?? null,
              mappingIdentifier: null,
            },
          }
        : undefined,
    };
  };
  const all = visits.map(toVisit).reverse();
  return { currentVisit: all[0], previousVisits: all.slice(1, 1 + previousVisits) };
}
