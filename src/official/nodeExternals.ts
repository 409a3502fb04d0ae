import { FetchEventSource } from '../config/stream.ts';
import { InvalidArgument } from '../errors.ts';
import { KameleoonLogger } from '../logging/logger.ts';
import type { IExternalEventSource, IExternalRequester, IExternalVisitorCodeManager, KameleoonResponseType, SendRequestParametersType, SetDataParametersType } from '../platform/platform.ts';
import { describeValue } from '../visitor/data.ts';
import { appendSetCookie, cookieStore, readRequestCookie, visitorCodeSetCookie } from '../visitor/exchange.ts';
import type { NextCookies, RequestLike } from '../visitor/visitorCode.ts';

/**
 * The helper classes the official Node SDK's documentation passes in `externals`, under the same
 * names, so that its code runs with the imports changed to `kameleoon-ts`:
 * `@kameleoon/nodejs-event-source`, `@kameleoon/nodejs-requester` and the visitor-code managers
 * of `@kameleoon/nodejs-visitor-code-manager`, `nextjs-visitor-code-manager` and
 * `deno-visitor-code-manager`. kameleoon-ts does what they do without them.
 */

/**
 * The official `KameleoonEventSource` (`@kameleoon/nodejs-event-source`): the real-time stream
 * over `fetch`, the client's default.
 */
export class KameleoonEventSource implements IExternalEventSource {
  readonly #source = new FetchEventSource();

  /**
   * Connects to `url` and calls `onEvent` with the data of each event of type `eventType`.
   * @param params - the stream's URL, the event type and the callback
   */
  open(params: { url: string; eventType: string; onEvent: (data: string) => void }): void {
    this.#source.open(params);
  }

  /** Disconnects. */
  close(): void {
    this.#source.close();
  }

  /**
   * Registers the callback of connection errors (the client then reconnects with backoff).
   * @param callback - called once per failed, ended or silent connection
   */
  onError(callback: (error: unknown) => void): void {
    this.#source.onError(callback);
  }

  /**
   * Registers the callback of an accepted connection.
   * @param callback - called when the server has accepted the connection
   */
  onOpen(callback: () => void): void {
    this.#source.onOpen(callback);
  }
}

/** The official `KameleoonRequester` (`@kameleoon/nodejs-requester`): requests with the global `fetch`, the client's default. */
export class KameleoonRequester implements IExternalRequester {
  /**
   * Sends the request with `fetch`.
   * @param params - the URL and fetch's options
   * @returns fetch's response
   */
  sendRequest({ url, parameters }: SendRequestParametersType): Promise<KameleoonResponseType> {
    return fetch(url, parameters);
  }
}

/** What the official Node SDK's visitor-code managers get from `getData`. */
export interface GetDataParametersType {
  /** The cookie's name. */
  key: string;
  /** Node.js or Fetch: the request whose Cookie header is read. */
  request?: RequestLike;
  /** Next.js: the `cookies` of `next/headers`, or its awaited store. */
  cookies?: NextCookies;
}

/**
 * The official visitor-code managers of Node.js, Next.js and Deno (each named
 * `KameleoonVisitorCodeManager`), as one class: the cookie is read from the request (Node.js or
 * Fetch) or from Next.js's `cookies`, and written to the response or to the cookies. The client
 * does the same by itself: this class is for code written for the official SDK.
 */
export class KameleoonVisitorCodeManager implements IExternalVisitorCodeManager {
  /**
   * The cookie `key` of the request or of Next.js's cookies.
   * @param params - `{ key, request }` or `{ key, cookies }`
   * @returns the cookie's value, or null
   * @throws {@link InvalidArgument} for a key alone: a server's cookies come with a request
   */
  getData(params: string | GetDataParametersType): string | null {
    if (typeof params !== 'object' || params === null) {
      throw new InvalidArgument(`KameleoonVisitorCodeManager reads the cookie of a request: call getVisitorCode({ request, response }) or getVisitorCode({ cookies }), got ${describeValue(params)}.`);
    }
    if (params.cookies) return cookieStore(params.cookies).get(params.key)?.value || null;
    return readRequestCookie(params.request, params.key);
  }

  /**
   * Sets the visitor-code cookie on the response, or on Next.js's cookies (a Server Component,
   * which cannot set cookies, gets a warning through `KameleoonLogger`).
   * @param params - the cookie and where it goes (`response` or `cookies`)
   */
  setData(params: SetDataParametersType): void {
    const { visitorCode, domain, response, cookies } = params;
    if (response) {
      appendSetCookie(response, visitorCodeSetCookie(visitorCode, domain));
    } else if (cookies) {
      try {
        cookieStore(cookies).set?.(params.key, visitorCode, { maxAge: params.maxAge, path: params.path, ...(domain ? { domain } : {}) });
      } catch {
        KameleoonLogger.warning('KameleoonVisitorCodeManager: a Server Component cannot set cookies; set the visitor-code cookie in middleware (ensureVisitorCodeCookie).');
      }
    }
  }
}
