import type { JSONType } from '../config/variables.ts';
import type { ParsedConfig } from '../config/parse.ts';
import { InvalidArgument } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { IExternalRequester } from '../platform/platform.ts';
import type { TokenProvider } from '../remote/oauth.ts';
import {
  DEFAULT_VISITOR_DATA_FILTERS,
  dataApiUrls,
  getRemoteData as requestRemoteData,
  getRemoteVisitorData as requestRemoteVisitorData,
  getVisitorWarehouseAudience as requestWarehouseAudience,
  insertVisit,
  validateVisitorDataFilters,
  type DataApiUrls,
  type RemoteRequestParams,
  type RemoteVisitorDataFiltersType,
  type RemoteVisitorDataResult,
} from '../remote/remoteData.ts';
import type { CustomData, KameleoonDataType } from '../visitor/data.ts';
import { validateVisitorCode } from '../visitor/visitorCode.ts';
import type { VisitorData } from '../targeting/types.ts';
import { emptyVisitorData, type VisitorExtra } from '../visitor/visitorStore.ts';
import { optionalBoolean, optionalTimeout, requireObject } from './arguments.ts';
import type { ClientCore } from './core.ts';
import type { SDKConfigurationType } from './options.ts';
import { msg } from '../logging/msg.ts';

/** Options of {@link RemoteAccess}. */
export interface RemoteAccessOptions {
  siteCode: string;
  options: SDKConfigurationType;
  requester: IExternalRequester;
  config: () => ParsedConfig | undefined;
  logger: Logger;
  /** The OAuth client (servers); without it, requests carry no token. */
  oauth?: typeof TokenProvider;
}

/**
 * The client's door to Kameleoon's Data API: URLs for the configuration in force (its
 * `dataApiDomain`, or `endpoints.dataApi`), the request timeout, and, on servers configured with
 * `clientId`/`clientSecret`, an OAuth token renewed before expiry and on a 401.
 */
export class RemoteAccess {
  readonly #o: RemoteAccessOptions;
  readonly #token: TokenProvider | undefined;
  /** One controller per request in flight: a shared signal would collect a listener per request (Node warns past 10). */
  readonly #inflight = new Set<AbortController>();
  #closed = false;

  constructor(options: RemoteAccessOptions) {
    this.#o = options;
    const { clientId, clientSecret } = options.options;
    const Tokens = options.oauth;
    this.#token = Tokens && clientId && clientSecret
      ? new Tokens({ requester: options.requester, clientId, clientSecret, apiBaseUrl: options.options.endpoints.api, timeoutMs: options.options.requestTimeout, logger: options.logger })
      : undefined;
  }

  #urls(): DataApiUrls {
    const { options } = this.#o;
    return dataApiUrls({ siteCode: this.#o.siteCode, baseUrl: options.endpoints.dataApi, networkDomain: options.networkDomain, dataApiDomain: this.#o.config()?.dataApiDomain });
  }

  /** Runs one request under its own abort signal, which `close()` aborts while it is in flight. */
  async #request<T>(timeout: number | undefined, send: (request: Omit<RemoteRequestParams, 'url'>) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (this.#closed) controller.abort();
    this.#inflight.add(controller);
    try {
      return await send({ requester: this.#o.requester, timeoutMs: timeout ?? this.#o.options.requestTimeout, token: this.#token, signal: controller.signal });
    } finally {
      this.#inflight.delete(controller);
    }
  }

  /** The JSON stored under `key` (`GET /map/map`). */
  data(key: string, timeout?: number): Promise<JSONType> {
    return this.#request(timeout, (request) => requestRemoteData({ ...request, url: this.#urls().remoteData(key) }));
  }

  /** A visitor's visits, parsed (`GET /visit/visitor`). */
  visitorData(visitorCode: string, filters: RemoteVisitorDataFiltersType | undefined, storedKinds: ReadonlySet<string>, timeout?: number): Promise<RemoteVisitorDataResult> {
    const effective = filters ?? DEFAULT_VISITOR_DATA_FILTERS;
    return this.#request(timeout, (request) =>
      requestRemoteVisitorData({
        ...request,
        url: this.#urls().visitorData({ visitorCode, filters: effective }),
        filters: effective,
        storedKinds,
        visitorScopeIndexes: this.#o.config()?.customData.visitorScope,
      }),
    );
  }

  /** The warehouse audiences of a visitor as custom data at `customDataIndex`, or null. */
  warehouseAudience(visitorCode: string, customDataIndex: number, warehouseKey: string | undefined, timeout?: number): Promise<CustomData | null> {
    return this.#request(timeout, (request) =>
      requestWarehouseAudience({ ...request, urls: this.#urls(), visitorCode, customDataIndex, warehouseKey }),
    );
  }

  /** Abandons requests in flight, and those made later. */
  close(): void {
    this.#closed = true;
    for (const controller of this.#inflight) controller.abort();
  }
}

/** `KameleoonClient.getRemoteData`: arguments checked, then the request. */
export async function getRemoteData(c: ClientCore, params: string | { key: string; timeout?: number }): Promise<JSONType> {
  const { key, timeout } = typeof params === 'string' ? { key: params, timeout: undefined } : requireObject(params, 'getRemoteData', msg`{ key, timeout? }`);
  if (typeof key !== 'string' || key === '') throw new InvalidArgument(msg`getRemoteData(): key must be a non-empty string.`);
  const ms = optionalTimeout(timeout, 'getRemoteData');
  return (await c.remote()).data(key, ms);
}

/** `KameleoonClient.getRemoteVisitorData`: the request, then the data stored as the official SDK does. */
export async function getRemoteVisitorData(c: ClientCore, params: { visitorCode: string; shouldAddData?: boolean; filters?: RemoteVisitorDataFiltersType; timeout?: number }): Promise<KameleoonDataType[]> {
  const { visitorCode, shouldAddData, filters, timeout } = requireObject(params, 'getRemoteVisitorData', msg`{ visitorCode, shouldAddData?, filters?, timeout? }`);
  validateVisitorCode(visitorCode);
  const config = c.requireConfig('getRemoteVisitorData');
  const ms = optionalTimeout(timeout, 'getRemoteVisitorData');
  // Null filters are the defaults.
  if (filters != null) validateVisitorDataFilters(filters);
  const addAll = optionalBoolean(shouldAddData, 'shouldAddData', 'getRemoteVisitorData', true);
  // Browsers switch to the visitor once the arguments are checked (the official SDK does as it
  // reads the visitor's data, before the request), and again after the request, should another
  // visitor have become current meanwhile. Servers only look before the request: a failed one
  // must leave no empty visitor behind (held until sessionDuration) and keep a known one as it was.
  const known = c.platform.packageInfo.isServer ? c.visitors.peek(visitorCode) : c.visitor(visitorCode);
  const kinds = storedKinds(known === undefined ? undefined : c.visitors.dataOf(known));
  const result = await (await c.remote()).visitorData(visitorCode, filters, kinds, ms);
  const toStore = addAll ? result.dataToStore : result.alwaysStored;
  const visitor = c.visitor(visitorCode);
  // Tells listeners below, once the visits and experiments are in too.
  c.storeData(visitor, toStore, config, toStore.filter((item) => !result.sent.has(item)));
  const assignments = c.visitors.assignments(visitor);
  // With the Data API's time of each, for the visit scopes of targeting conditions.
  for (const [experimentId, variationId] of result.experiments) if (!assignments.has(experimentId)) assignments.set(experimentId, variationId, false, false, result.experimentTimes.get(experimentId));
  c.visitors.markSent(visitor, [...result.experiments.keys()]);
  const data = c.visitors.extraOf(c.visitors.ownerOf(visitor));
  if (result.kcs) (data.data ??= emptyVisitorData()).kcs = result.kcs;
  if (result.cbScores) (data.data ??= emptyVisitorData()).cbScores = result.cbScores;
  if (addAll) addVisits(data, result);
  c.dataChanged(visitor);
  return result.visitorData;
}

/** `KameleoonClient.getVisitorWarehouseAudience`: arguments checked, then the request (the client adds the audience). */
export async function getVisitorWarehouseAudience(c: ClientCore, params: { visitorCode: string; customDataIndex: number; warehouseKey?: string; timeout?: number }): Promise<CustomData | null> {
  const { visitorCode, customDataIndex, warehouseKey, timeout } = requireObject(params, 'getVisitorWarehouseAudience', msg`{ visitorCode, customDataIndex, warehouseKey?, timeout? }`);
  validateVisitorCode(visitorCode);
  c.requireConfig('getVisitorWarehouseAudience');
  if (!Number.isInteger(customDataIndex) || customDataIndex < 0) throw new InvalidArgument(msg`getVisitorWarehouseAudience(): customDataIndex must be a non-negative integer.`);
  if (warehouseKey !== undefined && typeof warehouseKey !== 'string') throw new InvalidArgument(msg`getVisitorWarehouseAudience(): warehouseKey must be a string.`);
  const ms = optionalTimeout(timeout, 'getVisitorWarehouseAudience');
  const audience = await (await c.remote()).warehouseAudience(visitorCode, customDataIndex, warehouseKey, ms);
  if (audience) {
    const visitor = c.visitor(visitorCode);
    c.storeData(visitor, [audience], c.requireConfig('addData'));
    c.dataChanged(visitor);
  }
  return audience;
}

/**
 * Previous visits from the Data API added to those the visitor has, as the official `VisitsData`
 * merges them (the known visits are inserted among the remote ones: distinct starts, ascending,
 * the latest 26), with the greatest visit number known; an answer without visits still makes
 * the visits known (none). Where the official browser SDK then reads a remote visit's last
 * activity (the last visit's: does the next activity start a visit? the one before: the time
 * since the previous visit), the visitor's activity times take it.
 */
function addVisits(extra: VisitorExtra, result: RemoteVisitorDataResult): void {
  const data = (extra.data ??= emptyVisitorData());
  const visits: { timeStarted: number; timeLastActivity?: number }[] = result.visits;
  for (const timeStarted of data.visits ?? []) insertVisit(visits, { timeStarted });
  data.visits = visits.map((v) => v.timeStarted);
  data.visitNumber = Math.max(result.visitNumber, visits.length - 1, data.visitNumber ?? 0);
  extra.visitActivity = visits.at(-1)?.timeLastActivity ?? extra.visitActivity;
  extra.previousVisitActivity = visits.at(-2)?.timeLastActivity ?? extra.previousVisitActivity;
}

/** Single-valued kinds the visitor's data already holds (remote data does not replace them). */
function storedKinds(data: VisitorData | undefined): Set<string> {
  const kinds = new Set<string>();
  if (data?.browser) kinds.add('browser');
  if (data?.device) kinds.add('device');
  if (data?.os) kinds.add('operatingSystem');
  if (data?.geolocation) kinds.add('geolocation');
  return kinds;
}
