import { InvalidArgument } from '../errors.ts';
import { RequestType, type KameleoonResponseType } from '../platform/platform.ts';
import { describeValue, parseCookieHeader } from '../visitor/data.ts';
import type { SimulateRequestDataType } from './types.ts';

/**
 * The official SDK's helpers for custom externals (`KameleoonUtils.simulateSuccessRequest`,
 * `KameleoonUtils.getCookieValue`), with the same calls. The methods do not use `this`: they can be
 * passed around on their own.
 */
export const KameleoonUtils = {
  /**
   * A successful response to give the SDK from a custom requester without a network request, e.g.
   * a configuration an edge function keeps in its own cache: `requester: { sendRequest: ({
   * requestType }) => requestType === RequestType.Configuration ?
   * KameleoonUtils.simulateSuccessRequest(requestType, cachedConfiguration) : fetch(...) }`.
   *
   * Configuration and remote data answer 200 with `data` from both `json()` and `text()` (as JSON
   * text: the official helper's `text()` gives '', and our client reads the configuration as text);
   * tracking answers 204 with no body.
   * @throws InvalidArgument for an unknown request type
   */
  simulateSuccessRequest<T extends RequestType>(requestType: T, data: SimulateRequestDataType[T]): Promise<KameleoonResponseType> {
    if (requestType === RequestType.Tracking) return Promise.resolve(response(204, null, ''));
    if (requestType === RequestType.Configuration || requestType === RequestType.RemoteData) {
      return Promise.resolve(response(200, data, JSON.stringify(data) ?? ''));
    }
    throw new InvalidArgument(`KameleoonUtils.simulateSuccessRequest(): unknown request type ${describeValue(requestType)}; use RequestType.Configuration, RemoteData or Tracking.`);
  },

  /**
   * The value of cookie `key` in a Cookie header (`'a=1; b=2'`), as written (not decoded); null when
   * it is absent or empty. Unlike the official helper, a value holding `=` is returned whole, and
   * pairs may be separated by `;` without a space.
   * @throws InvalidArgument when `cookie` or `key` is not a string
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
