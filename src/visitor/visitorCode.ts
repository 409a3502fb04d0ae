import { InvalidArgument, KameleoonException, VisitorCodeInvalid } from '../errors.ts';
import { describeValue, parseCookieHeader } from './data.ts';
import type { Logger } from '../logging/logger.ts';
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

/**
 * Next.js's cookie store: what `cookies()` of `next/headers` gives (awaited or, until Next.js 15,
 * not). Only route handlers, server actions and middleware can `set`.
 */
export interface NextCookieStore {
  /** The cookie `name`, if present. */
  get(name: string): { value: string } | undefined;
  /** Sets a cookie (throws in a Server Component, where Next.js forbids it). */
  set?(name: string, value: string, options?: { maxAge?: number; path?: string; domain?: string }): unknown;
}

/** The `cookies` function of `next/headers` (synchronous, or Next.js 15's asynchronous one), or its awaited store. */
export type NextCookies = NextCookieStore | (() => NextCookieStore | PromiseLike<NextCookieStore>);

/** Parameters of `getVisitorCode`. */
export interface VisitorCodeSource {
  request?: RequestLike;
  response?: ResponseLike;
  cookies?: NextCookies;
  defaultVisitorCode?: string;
}

const SOURCE_KEYS = ['request', 'response', 'cookies', 'defaultVisitorCode'];
const SOURCE_FORMS = "getVisitorCode() takes a default code, { request, response?, defaultVisitorCode? } or { cookies, defaultVisitorCode? } (Next.js)";

/**
 * The cookie store of a `cookies` argument: the store itself, or what the function returns (Next.js
 * 15's promise carries the store's methods too).
 * @throws InvalidArgument when it cannot be read synchronously
 */
export function cookieStore(cookies: NextCookies): NextCookieStore {
  const store: unknown = typeof cookies === 'function' ? cookies() : cookies;
  if (store && typeof (store as NextCookieStore).get === 'function') return store as NextCookieStore;
  throw new InvalidArgument(`getVisitorCode(): ${typeof cookies === 'function' ? 'cookies() gave a bare promise (Next.js 16): pass getVisitorCode({ cookies: await cookies() })' : `cookies must be the cookies of 'next/headers', got ${describeValue(cookies)}`}.`);
}

/** Something readRequestCookie can read a Cookie header from (it may hold none). */
function isRequestLike(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const v = value as { get?: unknown; headers?: unknown };
  return typeof v.get === 'function' || (!!v.headers && typeof v.headers === 'object');
}

/** Something appendSetCookie can set a header on. */
function isResponseLike(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const v = value as { setHeader?: unknown; getHeader?: unknown; append?: unknown; headers?: { append?: unknown } | null };
  return (typeof v.setHeader === 'function' && typeof v.getHeader === 'function') || typeof v.append === 'function' || typeof v.headers?.append === 'function';
}

/** @throws InvalidArgument when a request or response is given (not null) that the SDK cannot use */
function checkExchange(source: { request?: unknown; response?: unknown }, method: string): void {
  for (const [name, ok] of [['request', isRequestLike], ['response', isResponseLike]] as const) {
    if (source[name] != null && !ok(source[name])) throw new InvalidArgument(`${method}(): ${name} must be a Node.js or Fetch ${name} or Headers, got ${describeValue(source[name])}.`);
  }
}

/** What VisitorCodeCookies needs besides the cookie manager. */
export interface VisitorCodeCookiesOptions {
  /** The manager was given by the user: it gets the official Node SDK's `{ request | cookies, key }` calls too. */
  external: boolean;
  /** A server has no cookie jar: getVisitorCode needs a source. */
  isServer: boolean;
  logger: Logger;
}

/**
 * Reads and writes the visitor-code cookie: through the request and response or Next.js's cookies
 * on a server, through the platform's cookie manager (js-cookie) in a browser, and through a
 * user's manager in the official JavaScript and Node SDKs' forms.
 */
export class VisitorCodeCookies {
  readonly #manager: IExternalVisitorCodeManager;
  readonly #random: () => number;
  readonly #domain: string | undefined;
  readonly #o: VisitorCodeCookiesOptions;

  constructor(manager: IExternalVisitorCodeManager, random: () => number, domain: string | undefined, options: VisitorCodeCookiesOptions) {
    this.#manager = manager;
    this.#random = random;
    this.#domain = domain;
    this.#o = options;
  }

  /**
   * The parameters of a getVisitorCode call, checked: a string (or nothing) is the default code.
   * @throws InvalidArgument for any other shape, and on a server for a call with no source
   * (each call would make a new visitor)
   */
  source(arg: unknown): VisitorCodeSource {
    const source = (typeof arg === 'object' && arg !== null ? arg : { defaultVisitorCode: arg }) as VisitorCodeSource;
    const unknown = Object.keys(source).filter((key) => !SOURCE_KEYS.includes(key));
    if (unknown.length) throw new InvalidArgument(`${SOURCE_FORMS}; got ${unknown.map((k) => `"${k}"`).join(', ')}.`);
    checkExchange(source, 'getVisitorCode');
    if (this.#o.isServer && !this.#o.external && !source.request && !source.cookies && source.defaultVisitorCode === undefined) {
      throw new InvalidArgument(`On a server, getVisitorCode() has no cookie to read: every call would make a new visitor. ${SOURCE_FORMS}.`);
    }
    return source;
  }

  /** A cookie of the request, Next.js's cookies, the user's manager, or the page (browser). */
  read(source: VisitorCodeSource, key: string): string | null {
    const { request, cookies } = source;
    if (this.#o.external && (request || cookies)) return this.#manager.getData({ ...source, key } as never);
    if (cookies) {
      const value = cookieStore(cookies).get(key)?.value;
      return value ? decodeCookieValue(value) : null;
    }
    return request ? readRequestCookie(request, key) : this.#manager.getData(key);
  }

  /**
   * The cookie's code, else `defaultVisitorCode`, else a new random code.
   * @throws VisitorCodeInvalid when `defaultVisitorCode` is not a valid code
   */
  resolve(source: VisitorCodeSource): { visitorCode: string; isNew: boolean } {
    if (source.defaultVisitorCode !== undefined) validateVisitorCode(source.defaultVisitorCode);
    const existing = cookieVisitorCode(this.read(source, VISITOR_CODE_COOKIE));
    if (!existing && source.request && !source.response && source.defaultVisitorCode === undefined && !this.#o.external) {
      this.#o.logger.warnOnce('request.alone', 'getVisitorCode({ request }) without a response: a visitor without the cookie gets a new code on each request; pass the response.');
    }
    return { visitorCode: existing ?? source.defaultVisitorCode ?? generateVisitorCode(this.#random), isNew: existing === undefined };
  }

  /** Writes the cookie (365 days, path /, the configured domain). */
  write(visitorCode: string, source: { response?: ResponseLike | undefined; cookies?: NextCookies | undefined }): void {
    checkExchange(source, 'setLegalConsent');
    const { response, cookies } = source;
    const cookie = { visitorCode: toWellFormed(visitorCode), key: VISITOR_CODE_COOKIE, domain: this.#domain, maxAge: VISITOR_CODE_MAX_AGE, path: '/' };
    if (this.#o.external && (response || cookies)) {
      this.#manager.setData({ ...source, ...cookie } as never);
    } else if (cookies) {
      try {
        cookieStore(cookies).set?.(VISITOR_CODE_COOKIE, cookie.visitorCode, { maxAge: VISITOR_CODE_MAX_AGE, path: '/', ...(this.#domain ? { domain: this.#domain } : {}) });
      } catch {
        this.#o.logger.warnOnce('cookies.set', 'getVisitorCode({ cookies }): a Server Component cannot set cookies, so the new code is not kept; set it in middleware (ensureVisitorCodeCookie).');
      }
    } else if (response) {
      appendSetCookie(response, visitorCodeSetCookie(visitorCode, this.#domain));
    } else if (this.#o.isServer && !this.#o.external) {
      this.#o.logger.warnOnce('cookie.nowhere', 'setLegalConsent(): the cookie is not set; on a server, pass the response or cookies.');
    } else {
      // Cookie managers (js-cookie) URI-encode the value, which a lone surrogate would make throw.
      this.#manager.setData(cookie);
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
