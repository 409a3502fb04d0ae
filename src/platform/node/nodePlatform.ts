import { COMPATIBLE_VERSIONS } from '../../version.ts';
import { cryptoRandom, fetchRequester } from '../memory.ts';
import type { IExternalVisitorCodeManager, Platform } from '../platform.ts';

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
    requester: fetchRequester,
    storage: undefined,
    visitorCodeManager: noCookies,
    random: cryptoRandom,
    documentCookies: () => [],
  };
}
