import { COMPATIBLE_VERSIONS } from '../../version.ts';
import { msg } from '../../logging/msg.ts';
import { cryptoRandom } from '../memory.ts';
import { RequestType, type IExternalRequester, type IExternalVisitorCodeManager, type Platform } from '../platform.ts';

/**
 * fetch, with a tracking request's failure naming the request: Node's own error says only
 * "fetch failed" (the other requests' messages name their URL already). Browsers keep the plain
 * requester (their developer tools show the request; their bundle stays small).
 */
const nodeRequester: IExternalRequester = {
  sendRequest: ({ requestType, url, parameters }) =>
    fetch(url, parameters).catch((err: unknown) => {
      if (requestType !== RequestType.Tracking || parameters.signal?.aborted) throw err;
      throw new Error(msg`${(err as Error)?.message ?? String(err)} (${parameters.method ?? 'GET'} ${url})`, { cause: err });
    }),
};

/**
 * A server has no cookie jar of its own: visitor codes come from the request passed to
 * `getVisitorCode({ request, response })`.
 */
const noCookies: IExternalVisitorCodeManager = {
  getData: () => null,
  setData: () => undefined,
};

/** The Node.js platform: fetch, RAM, crypto random, cookies through request and response. */
export function createNodePlatform(): Platform {
  return {
    packageInfo: { type: 'NODEJS', version: COMPATIBLE_VERSIONS.NODEJS, isServer: true },
    requester: nodeRequester,
    storage: undefined,
    visitorCodeManager: noCookies,
    random: cryptoRandom,
    documentCookies: () => [],
  };
}
