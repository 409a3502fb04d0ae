import { InvalidArgument } from '../errors.ts';
import { RequestType, type KameleoonResponseType } from '../platform/platform.ts';
import { describeValue, parseCookieHeader } from '../visitor/data.ts';
import type { SimulateRequestDataType } from './types.ts';
import { msg } from '../logging/msg.ts';

/**
 * The official SDK's helpers for custom externals (`KameleoonUtils.simulateSuccessRequest`,
 * `KameleoonUtils.getCookieValue`), with the same calls. The methods do not use `this`: they can be
 * passed around on their own.
 */
export const KameleoonUtils = {
  /**
   * A successful response to give the SDK from a custom requester without a network request, e.g.
   * a configuration an edge function keeps in its own cache.
   *
   * Configuration and remote data answer 200 with `data` from both `json()` and `text()` (as JSON
   * text, where the official helper's `text()` gives ''); tracking answers 204 with no body.
   * @param requestType - the request answered: `RequestType.Configuration`, `RemoteData` or `Tracking`
   * @param data - the body: the configuration document, the remote data, or null for tracking
   * @returns a promise of the response, resolved at once
   * @throws {@link InvalidArgument} for an unknown request type (thrown, not a rejection)
   * @example
   * ```ts
   * const requester = {
   *   sendRequest: ({ requestType, url, parameters }: SendRequestParametersType) =>
   *     requestType === RequestType.Configuration
   *       ? KameleoonUtils.simulateSuccessRequest(requestType, cachedConfiguration)
   *       : fetch(url, parameters),
   * };
   * ```
   */
  simulateSuccessRequest<T extends RequestType>(requestType: T, data: SimulateRequestDataType[T]): Promise<KameleoonResponseType> {
    if (requestType === RequestType.Tracking) return Promise.resolve(response(204, null, ''));
    if (requestType === RequestType.Configuration || requestType === RequestType.RemoteData) {
      return Promise.resolve(response(200, data, JSON.stringify(data) ?? ''));
    }
    throw new InvalidArgument(msg`KameleoonUtils.simulateSuccessRequest(): unknown request type ${describeValue(requestType)}; use RequestType.Configuration, RemoteData or Tracking.`);
  },

  /**
   * The value of a cookie in a Cookie header. Unlike the official helper, a value holding `=` is
   * returned whole, and pairs may be separated by `;` without a space.
   * @param cookie - the Cookie header, e.g. `'a=1; b=2'`
   * @param key - the cookie's name
   * @returns the cookie's value as written (not decoded); null when it is absent or empty
   * @throws {@link InvalidArgument} when `cookie` or `key` is not a string
   */
  getCookieValue(cookie: string, key: string): string | null {
    if (typeof cookie !== 'string' || typeof key !== 'string') {
      throw new InvalidArgument(`KameleoonUtils.getCookieValue() takes (cookie: string, key: string), got (${describeValue(cookie)}, ${describeValue(key)}).`);
    }
    return parseCookieHeader(cookie).find((pair) => pair.key === key && pair.value !== '')?.value ?? null;
  },
};

function response(status: number, body: unknown, text: string): KameleoonResponseType {
  return { status, ok: true, json: () => Promise.resolve(body), text: () => Promise.resolve(text) };
}
