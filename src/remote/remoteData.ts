/**
 * Kameleoon Data API reads: remote data (`/map/map`), a visitor's stored visits (`/visit/visitor`)
 * and warehouse audiences. URLs, query parameters and the way a visits response turns into data
 * objects follow the official JavaScript SDK 4.17.1 (see the notes on each function for the few
 * places where we deliberately differ).
 */
import { KameleoonError, KameleoonException } from '../errors.ts';
import type { JSONType } from '../config/variables.ts';
import { RequestType, type IExternalRequester, type KameleoonResponseType } from '../platform/platform.ts';
import { CustomData } from '../visitor/data.ts';
import { DEFAULT_VISITOR_DATA_FILTERS, type RemoteVisitorDataFiltersType } from './filters.ts';
import { parseRemoteVisitorData, type ParseRemoteVisitorDataOptions, type RemoteVisitorDataResult } from './visitorData.ts';
import { dataApiBaseUrl, type DataApiHost } from '../config/dataApi.ts';
import { withDeadline } from '../platform/timers.ts';
import { encodeComponent, toWellFormed } from '../visitor/encode.ts';
import { msg } from '../logging/msg.ts';

export * from './filters.ts';
export * from './visitorData.ts';


// ---------------------------------------------------------------------------------------------
// URLs

/** Where the Data API of a site is. */
export interface DataApiLocation extends DataApiHost {
  siteCode: string;
}

/** Parameters of a visitor data URL. */
export interface VisitorDataUrlParams {
  visitorCode: string;
  /** Default {@link DEFAULT_VISITOR_DATA_FILTERS}; checked by the caller (`validateVisitorDataFilters`). */
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
   */
  visitorData(params: VisitorDataUrlParams): string;
}

/** Builds the Data API URLs of `location.siteCode` (see {@link dataApiBaseUrl} for the host). */
export function dataApiUrls(location: DataApiLocation): DataApiUrls {
  const base = dataApiBaseUrl(location);
  const site = encodeURIComponent(location.siteCode);
  return {
    base,
    remoteData: (key) => `${base}/map/map?siteCode=${site}&key=${encodeURI(toWellFormed(key))}`,
    visitorData: ({ visitorCode, filters: f = DEFAULT_VISITOR_DATA_FILTERS, isMappingIdentifier = false }) => {
      let url = `${base}/visit/visitor?siteCode=${site}`;
      url += `&${isMappingIdentifier ? 'mappingValue' : 'visitorCode'}=${encodeComponent(visitorCode)}`;
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
    let refused = false;
    try {
      const body = await withDeadline(timeoutMs, signal, async (deadline) => {
        const headers: Record<string, string> = {};
        const bearer = token ? await token.getToken() : undefined;
        if (bearer) headers.Authorization = `Bearer ${bearer}`;
        const response = await requester.sendRequest({
          requestType: RequestType.RemoteData,
          url,
          parameters: { method: 'GET', headers, signal: deadline },
          retryCount: 0,
        });
        if (response.status === 401 && token) {
          // The token was refused: forget it, and try once more with a fresh one.
          token.invalidate(bearer);
          if (attempt === 0) {
            refused = true;
            await response.text().catch(() => undefined); // release the connection
            return undefined;
          }
        }
        if (!response.ok) {
          const message = await errorMessage(response);
          throw new KameleoonError(KameleoonException.RemoteData, msg`The ${what} request to ${url} failed with HTTP ${response.status}${message ? `: ${message}` : ''}.`);
        }
        return response.json();
      });
      if (!refused) return body;
    } catch (err) {
      if (err instanceof KameleoonError) throw err;
      throw new KameleoonError(KameleoonException.RemoteData, msg`The ${what} request to ${url} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
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
  return (await getJson(params, msg`remote data`)) as JSONType;
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
const WAREHOUSE_AUDIENCE_KEY = 'warehouseAudiences';

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
  if (!data) throw new KameleoonError(KameleoonException.RemoteData, msg`No data found for ${key} key`);
  const audiences = typeof data === 'object' && !Array.isArray(data) ? data[WAREHOUSE_AUDIENCE_KEY] : undefined;
  if (audiences == null || typeof audiences !== 'object' || Array.isArray(audiences)) return null;
  const keys = Object.keys(audiences);
  if (keys.length === 0) return null;
  return new CustomData(customDataIndex, ...keys);
}

// ---------------------------------------------------------------------------------------------
// Visitor data

/** Parameters of {@link getRemoteVisitorData}. */
export interface RemoteVisitorDataParams extends RemoteRequestParams, ParseRemoteVisitorDataOptions {}

/**
 * Reads a visitor's visits (`GET /visit/visitor…`; build the URL with `dataApiUrls(...).visitorData`
 * and the same filters) and parses them with {@link parseRemoteVisitorData}. The caller returns
 * `result.visitorData` to the user and stores what the official SDK stores. The filters are
 * checked once, by the caller, before anything is done (`validateVisitorDataFilters`).
 * @throws KameleoonError `RemoteData` on a network error, a timeout, a non-2xx status or a body
 * that is not JSON
 */
export async function getRemoteVisitorData(params: RemoteVisitorDataParams): Promise<RemoteVisitorDataResult> {
  const { filters, storedKinds, visitorScopeIndexes, ...request } = params;
  const body = await getJson(request, msg`visitor data`);
  return parseRemoteVisitorData(body, { filters, storedKinds, visitorScopeIndexes });
}
