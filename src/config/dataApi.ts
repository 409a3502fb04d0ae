/** Where the Data API is: tracking posts there, remote data is read from there. */
export interface DataApiHost {
  /** Explicit base URL (our `endpoints.dataApi`, e.g. `http://127.0.0.1:1234`): wins over everything. */
  baseUrl?: string | undefined;
  /** The client's `networkDomain` (already normalized): the host becomes `data.<networkDomain>`. */
  networkDomain?: string | undefined;
  /** `dataApiDomain` of the configuration (e.g. `data.kameleoon.eu`). */
  dataApiDomain?: string | undefined;
}

/**
 * Base URL of the Data API, without a trailing slash. An explicit base URL wins; with a network
 * domain the host is `data.<networkDomain>`, whose first label is replaced by the first label of
 * the configuration's `dataApiDomain` when there is one (the official `dataApiDomain` setter);
 * otherwise the host is the configuration's `dataApiDomain`, else `data.kameleoon.io`.
 */
export function dataApiBaseUrl({ baseUrl, networkDomain, dataApiDomain }: DataApiHost): string {
  if (baseUrl) return baseUrl.replace(/\/+$/, '');
  if (networkDomain) {
    const label = dataApiDomain ? dataApiDomain.split('.')[0] : '';
    return `https://${label || 'data'}.${networkDomain}`;
  }
  return `https://${dataApiDomain || 'data.kameleoon.io'}`;
}
