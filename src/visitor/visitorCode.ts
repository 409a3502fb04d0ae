import { InvalidArgument, KameleoonException, VisitorCodeInvalid } from '../errors.ts';
import { parseCookieHeader } from './data.ts';
import type { IExternalVisitorCodeManager } from '../platform/platform.ts';
import { cryptoRandom } from '../platform/memory.ts';
import { encodeComponent, toWellFormed } from './encode.ts';

/** Cookie holding the visitor code. */
export const VISITOR_CODE_COOKIE = 'kameleoonVisitorCode';
/** Cookie holding QA simulated variations. */
export const SIMULATION_COOKIE = 'kameleoonSimulationFFData';
/** Visitor-code cookie lifetime: 365 days, as the official JavaScript SDK. */
export const VISITOR_CODE_MAX_AGE = 365 * 24 * 60 * 60;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The longest visitor code the official SDK accepts. */
const MAX_LENGTH = 255;

/** A code read from a cookie, when it is one the SDK accepts (1 to 255 characters); else undefined. */
export function cookieVisitorCode(value: string | null | undefined): string | undefined {
  return value && value.length <= MAX_LENGTH ? value : undefined;
}

/**
 * Checks a visitor code as the official SDK accepts it: any string of 1 to 255 characters.
 * @throws VisitorCodeInvalid with what to fix
 */
export function validateVisitorCode(visitorCode: unknown): string {
  if (typeof visitorCode !== 'string') {
    throw new VisitorCodeInvalid(KameleoonException.VisitorCodeEmpty, `The visitor code must be a string, got ${visitorCode === null ? 'null' : typeof visitorCode}. Use client.getVisitorCode() to get one.`);
  }
  if (visitorCode.length === 0) {
    throw new VisitorCodeInvalid(KameleoonException.VisitorCodeEmpty, 'The visitor code is empty. Use client.getVisitorCode() to get one.');
  }
  if (visitorCode.length > MAX_LENGTH) {
    throw new VisitorCodeInvalid(KameleoonException.VisitorCodeMaxLength, `The visitor code is ${visitorCode.length} characters long; at most ${MAX_LENGTH} are allowed.`);
  }
  return visitorCode;
}

/** 16 characters from [a-z0-9], uniformly, from `random` (a cryptographic source in production). */
export function generateVisitorCode(random: () => number): string {
  let code = '';
  for (let i = 0; i < 16; i++) code += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return code;
}

/** Decodes a cookie value written by {@link encodeComponent} (or raw); undecodable values are kept raw. */
export function decodeCookieValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A domain that can be written as the cookie's Domain attribute: nothing that ends the attribute or the header. */
const COOKIE_DOMAIN = /^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;

/** A `Set-Cookie` header value for the visitor code (a domain that is not a plain host name is left out). */
export function visitorCodeSetCookie(visitorCode: string, domain: string | undefined): string {
  const safeDomain = typeof domain === 'string' && COOKIE_DOMAIN.test(domain) ? domain : undefined;
  return `${VISITOR_CODE_COOKIE}=${encodeComponent(visitorCode)}; Max-Age=${VISITOR_CODE_MAX_AGE}; Path=/${safeDomain ? `; Domain=${safeDomain}` : ''}`;
}

/**
 * A request whose cookies can be read: Node's IncomingMessage (`headers.cookie`), a Fetch
 * `Request` (`headers.get('cookie')`), or `Headers` itself.
 */
export type RequestLike =
  | { headers: { cookie?: string | string[] | undefined } | { get(name: string): string | null } }
  | { get(name: string): string | null };

/**
 * A response a cookie can be set on: Node's ServerResponse (`setHeader`, keeping the other
 * `Set-Cookie` values), a Fetch `Response` (`headers.append`), or `Headers` itself (`append`).
 */
export type ResponseLike =
  | { getHeader(name: string): unknown; setHeader(name: string, value: string | string[]): unknown }
  | { headers: { append(name: string, value: string): void } }
  | { append(name: string, value: string): void };

/** Reads one cookie from a request-like object. */
export function readRequestCookie(request: RequestLike | undefined, name: string): string | null {
  if (!request || (typeof request !== 'object' && typeof request !== 'function')) return null;
  let header: unknown;
  if ('get' in request && typeof request.get === 'function') {
    header = request.get('cookie');
  } else if ('headers' in request && request.headers && typeof request.headers === 'object') {
    const headers = request.headers as { cookie?: unknown; get?: (name: string) => unknown };
    header = typeof headers.get === 'function' ? headers.get('cookie') : headers.cookie;
  }
  // Anything but a string (or Node's array of strings) is no Cookie header.
  const joined = Array.isArray(header) ? header.filter((h) => typeof h === 'string').join('; ') : header;
  if (!joined || typeof joined !== 'string') return null;
  const pair = parseCookieHeader(joined).find((p) => p.key === name);
  return pair ? decodeCookieValue(pair.value) : null;
}

/** Adds a Set-Cookie header to a response-like object, keeping the ones already set. */
export function appendSetCookie(response: ResponseLike, value: string): void {
  if (!response || (typeof response !== 'object' && typeof response !== 'function')) return;
  if ('setHeader' in response && typeof response.setHeader === 'function' && typeof response.getHeader === 'function') {
    const existing: unknown = response.getHeader('Set-Cookie');
    // Node keeps a header as a string, a number or an array of strings; anything else is not one.
    const list = (Array.isArray(existing) ? existing : [existing]).filter((c): c is string | number => typeof c === 'string' || typeof c === 'number').map(String);
    response.setHeader('Set-Cookie', [...list.filter((c) => !c.startsWith(`${VISITOR_CODE_COOKIE}=`)), value]);
  } else if ('headers' in response && response.headers && typeof response.headers === 'object' && typeof response.headers.append === 'function') {
    response.headers.append('Set-Cookie', value);
  } else if ('append' in response && typeof response.append === 'function') {
    response.append('Set-Cookie', value);
  }
}

/** Parameters of `getVisitorCode`. */
export interface VisitorCodeSource {
  request?: RequestLike;
  response?: ResponseLike;
  defaultVisitorCode?: string;
}

/**
 * Reads and writes the visitor-code cookie: through the request and response on a server, through
 * the platform's cookie manager (js-cookie) in a browser.
 */
export class VisitorCodeCookies {
  readonly #manager: IExternalVisitorCodeManager;
  readonly #random: () => number;
  readonly #domain: string | undefined;

  constructor(manager: IExternalVisitorCodeManager, random: () => number, domain: string | undefined) {
    this.#manager = manager;
    this.#random = random;
    this.#domain = domain;
  }

  /** A cookie of the request (server) or of the page (browser). */
  read(source: VisitorCodeSource, key: string): string | null {
    return source.request ? readRequestCookie(source.request, key) : this.#manager.getData(key);
  }

  /**
   * The cookie's code, else `defaultVisitorCode`, else a new random code.
   * @throws VisitorCodeInvalid when `defaultVisitorCode` is not a valid code
   */
  resolve(source: VisitorCodeSource): string {
    if (source.defaultVisitorCode !== undefined) validateVisitorCode(source.defaultVisitorCode);
    return cookieVisitorCode(this.read(source, VISITOR_CODE_COOKIE)) ?? source.defaultVisitorCode ?? generateVisitorCode(this.#random);
  }

  /** Writes the cookie (365 days, path /, the configured domain). */
  write(visitorCode: string, response: ResponseLike | undefined): void {
    if (response) {
      appendSetCookie(response, visitorCodeSetCookie(visitorCode, this.#domain));
    } else {
      // Cookie managers (js-cookie) URI-encode the value, which a lone surrogate would make throw.
      this.#manager.setData({ visitorCode: toWellFormed(visitorCode), key: VISITOR_CODE_COOKIE, domain: this.#domain, maxAge: VISITOR_CODE_MAX_AGE, path: '/' });
    }
  }
}

/**
 * For a middleware (Next.js, or any Fetch/Node server) before anything renders: the request's
 * visitor code, or a new one that is set on the response (365 days, Path=/) so that the next
 * requests carry it. Needs no client (and so no configuration).
 * @param params - `request` to read the `kameleoonVisitorCode` cookie from; `response` to set it
 * on; `domain`, its Domain attribute (left out unless a plain host name); `random`, the source of
 * a new code in [0, 1) (default `crypto.getRandomValues`)
 * @returns the visitor code: the cookie's when it holds a valid one (1 to 255 characters), else a
 * new random 16-character code
 * @throws {@link InvalidArgument} when `params` is not an object
 */
export function ensureVisitorCodeCookie(params: { request: RequestLike; response: ResponseLike; domain?: string; random?: () => number }): string {
  if (params == null || typeof params !== 'object') throw new InvalidArgument('ensureVisitorCodeCookie() takes { request, response, domain?, random? }.');
  const existing = cookieVisitorCode(readRequestCookie(params.request, VISITOR_CODE_COOKIE));
  if (existing) return existing;
  const visitorCode = generateVisitorCode(typeof params.random === 'function' ? params.random : cryptoRandom);
  appendSetCookie(params.response, visitorCodeSetCookie(visitorCode, params.domain));
  return visitorCode;
}
