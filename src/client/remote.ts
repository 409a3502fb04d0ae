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
  type RemoteVisitorDataFiltersType,
  type RemoteVisitorDataResult,
} from '../remote/remoteData.ts';
import type { CustomData } from '../visitor/data.ts';
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
  readonly #abort = new AbortController();

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

  #request(timeout: number | undefined) {
    return { requester: this.#o.requester, timeoutMs: timeout ?? this.#o.options.requestTimeout, token: this.#token, signal: this.#abort.signal };
  }

  /** The JSON stored under `key` (`GET /map/map`). */
  data(key: string, timeout?: number): Promise<JSONType> {
    return getRemoteData({ ...this.#request(timeout), url: this.#urls().remoteData(key) });
  }

  /** A visitor's visits, parsed (`GET /visit/visitor`). */
  visitorData(visitorCode: string, filters: RemoteVisitorDataFiltersType | undefined, storedKinds: ReadonlySet<string>, timeout?: number): Promise<RemoteVisitorDataResult> {
    const effective = filters ?? DEFAULT_VISITOR_DATA_FILTERS;
    return getRemoteVisitorData({
      ...this.#request(timeout),
      url: this.#urls().visitorData({ visitorCode, filters: effective }),
      filters: effective,
      storedKinds,
      visitorScopeIndexes: this.#o.config()?.customData.visitorScope,
    });
  }

  /** The warehouse audiences of a visitor as custom data at `customDataIndex`, or null. */
  warehouseAudience(visitorCode: string, customDataIndex: number, warehouseKey: string | undefined, timeout?: number): Promise<CustomData | null> {
    return getVisitorWarehouseAudience({ ...this.#request(timeout), urls: this.#urls(), visitorCode, customDataIndex, warehouseKey });
  }

  /** Abandons requests in flight. */
  close(): void {
    this.#abort.abort();
  }
}
