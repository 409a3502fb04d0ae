import type { JSONType } from '../config/variables.ts';
import type { ParsedConfig } from '../config/parse.ts';
import type { Logger } from '../logging/logger.ts';
import type { IExternalRequester } from '../platform/platform.ts';
import { TokenProvider } from '../remote/oauth.ts';
import {
  DEFAULT_VISITOR_DATA_FILTERS,
  dataApiUrls,
  getRemoteData,
  getRemoteVisitorData,
  getVisitorWarehouseAudience,
  type DataApiUrls,
  type RemoteRequestParams,
  type RemoteVisitorDataFiltersType,
  type RemoteVisitorDataResult,
} from '../remote/remoteData.ts';
import type { CustomData } from '../visitor/data.ts';
import { toWellFormed } from '../visitor/visitorCode.ts';
import type { SDKConfigurationType } from './options.ts';

/** Options of {@link RemoteAccess}. */
export interface RemoteAccessOptions {
  siteCode: string;
  options: SDKConfigurationType;
  requester: IExternalRequester;
  config: () => ParsedConfig | undefined;
  logger: Logger;
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
    this.#token = clientId && clientSecret
      ? new TokenProvider({ requester: options.requester, clientId, clientSecret, apiBaseUrl: options.options.endpoints.api, timeoutMs: options.options.requestTimeout, logger: options.logger })
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
      // setTimeout takes at most 2^31 - 1 ms (a larger delay fires at once).
      return await send({ requester: this.#o.requester, timeoutMs: Math.min(timeout ?? this.#o.options.requestTimeout, 2 ** 31 - 1), token: this.#token, signal: controller.signal });
    } finally {
      this.#inflight.delete(controller);
    }
  }

  // URLs are built with encodeURI(Component), which throws on lone surrogates: codes and keys are made well-formed.

  /** The JSON stored under `key` (`GET /map/map`). */
  data(key: string, timeout?: number): Promise<JSONType> {
    return this.#request(timeout, (request) => getRemoteData({ ...request, url: this.#urls().remoteData(toWellFormed(key)) }));
  }

  /** A visitor's visits, parsed (`GET /visit/visitor`). */
  visitorData(visitorCode: string, filters: RemoteVisitorDataFiltersType | undefined, storedKinds: ReadonlySet<string>, timeout?: number): Promise<RemoteVisitorDataResult> {
    const effective = filters ?? DEFAULT_VISITOR_DATA_FILTERS;
    return this.#request(timeout, (request) =>
      getRemoteVisitorData({
        ...request,
        url: this.#urls().visitorData({ visitorCode: toWellFormed(visitorCode), filters: effective }),
        filters: effective,
        storedKinds,
        visitorScopeIndexes: this.#o.config()?.customData.visitorScope,
      }),
    );
  }

  /** The warehouse audiences of a visitor as custom data at `customDataIndex`, or null. */
  warehouseAudience(visitorCode: string, customDataIndex: number, warehouseKey: string | undefined, timeout?: number): Promise<CustomData | null> {
    return this.#request(timeout, (request) =>
      getVisitorWarehouseAudience({ ...request, urls: this.#urls(), visitorCode: toWellFormed(visitorCode), customDataIndex, warehouseKey: warehouseKey && toWellFormed(warehouseKey) }),
    );
  }

  /** Abandons requests in flight, and those made later. */
  close(): void {
    this.#closed = true;
    for (const controller of this.#inflight) controller.abort();
  }
}
