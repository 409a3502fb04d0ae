/**
 * The visitor-code cookie on servers (the Node and edge builds; none of it is in the browser
 * build): request and response objects of Node and Fetch, Next.js's cookies, and middleware's
 * ensureVisitorCodeCookie.
 */
import { InvalidArgument } from '../errors.ts';
import { cryptoRandom } from '../platform/memory.ts';
import { describeValue, parseCookieHeader } from './data.ts';
import { encodeComponent } from './encode.ts';
import {
  cookieVisitorCode,
  decodeCookieValue,
  generateVisitorCode,
  VISITOR_CODE_COOKIE,
  VISITOR_CODE_MAX_AGE,
  VisitorCodeCookies,
  type NextCookies,
  type NextCookieStore,
  type RequestLike,
  type ResponseLike,
  type VisitorCodeSource,
} from './visitorCode.ts';

/** A domain that can be written as the cookie's Domain attribute: nothing that ends the attribute or the header. */
const COOKIE_DOMAIN = /^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;

/** A `Set-Cookie` header value for the visitor code (a domain that is not a plain host name is left out). */
export function visitorCodeSetCookie(visitorCode: string, domain: string | undefined): string {
  const safeDomain = typeof domain === 'string' && COOKIE_DOMAIN.test(domain) ? domain : undefined;
  return `${VISITOR_CODE_COOKIE}=${encodeComponent(visitorCode)}; Max-Age=${VISITOR_CODE_MAX_AGE}; Path=/${safeDomain ? `; Domain=${safeDomain}` : ''}`;
}

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
  // An empty one (a stale cookie of another path or domain, cleared) does not hide the real one.
  const pair = parseCookieHeader(joined).find((p) => p.key === name && p.value !== '');
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
    replaceSetCookie(response.headers, value);
  } else if ('append' in response && typeof response.append === 'function') {
    replaceSetCookie(response, value);
  }
}

/**
 * Fetch `Headers`: the visitor-code cookie set before on them (an earlier getVisitorCode of the
 * same request) is replaced, the other cookies kept.
 * @throws InvalidArgument when the headers cannot be changed (a Response from fetch() or Response.redirect())
 */
function replaceSetCookie(headers: { append(name: string, value: string): void; getSetCookie?(): string[]; delete?(name: string): void }, value: string): void {
  try {
    const all = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
    if (typeof headers.delete === 'function' && all.some((c) => c.startsWith(`${VISITOR_CODE_COOKIE}=`))) {
      headers.delete('Set-Cookie');
      for (const cookie of all) if (!cookie.startsWith(`${VISITOR_CODE_COOKIE}=`)) headers.append('Set-Cookie', cookie);
    }
    headers.append('Set-Cookie', value);
  } catch (err) {
    throw new InvalidArgument("The response's headers cannot be changed (a Response from fetch() or Response.redirect() is immutable): pass a new Headers (or new Response(body, response)) and copy its Set-Cookie onto the response you return.", { cause: err });
  }
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

/**
 * The visitor-code cookie on a server: through the request and response, Next.js's cookies, or a
 * user's manager in the official Node SDK's forms (object calls with the request or cookies).
 */
export class ServerVisitorCodeCookies extends VisitorCodeCookies {
  /**
   * The parameters of a getVisitorCode call, checked: a string (or nothing) is the default code.
   * @throws InvalidArgument for any other shape, and on a server for a call with no source
   * (each call would make a new visitor)
   */
  override source(arg: unknown): VisitorCodeSource {
    const source = (typeof arg === 'object' && arg !== null ? arg : { defaultVisitorCode: arg }) as VisitorCodeSource;
    const unknown = Object.keys(source).filter((key) => !SOURCE_KEYS.includes(key));
    if (unknown.length) throw new InvalidArgument(`${SOURCE_FORMS}; got ${unknown.map((k) => `"${k}"`).join(', ')}.`);
    checkExchange(source, 'getVisitorCode');
    if (this.o.isServer && !this.o.external && !source.request && !source.cookies && source.defaultVisitorCode === undefined) {
      throw new InvalidArgument(`On a server, getVisitorCode() has no cookie to read: every call would make a new visitor. ${SOURCE_FORMS}.`);
    }
    return source;
  }

  /** A cookie of the request, Next.js's cookies, or the user's manager. */
  override read(source: VisitorCodeSource, key: string): string | null {
    const { request, cookies } = source;
    if (this.o.external && (request || cookies)) return this.manager.getData({ ...source, key } as never);
    if (cookies) {
      const value = cookieStore(cookies).get(key)?.value;
      return value ? decodeCookieValue(value) : null;
    }
    return request ? readRequestCookie(request, key) : this.manager.getData(key);
  }

  override resolve(source: VisitorCodeSource): { visitorCode: string; isNew: boolean } {
    const resolved = super.resolve(source);
    if (resolved.isNew && source.request && !source.response && source.defaultVisitorCode === undefined && !this.o.external) {
      this.o.logger.warnOnce('request.alone', 'getVisitorCode({ request }) without a response: a visitor without the cookie gets a new code on each request; pass the response.');
    }
    return resolved;
  }

  override write(visitorCode: string, source: { response?: ResponseLike | undefined; cookies?: NextCookies | undefined }): void {
    checkExchange(source, 'setLegalConsent');
    const { response, cookies } = source;
    const cookie = this.cookie(visitorCode);
    if (this.o.external && (response || cookies)) {
      this.manager.setData({ ...source, ...cookie } as never);
    } else if (cookies) {
      try {
        cookieStore(cookies).set?.(VISITOR_CODE_COOKIE, cookie.visitorCode, { maxAge: VISITOR_CODE_MAX_AGE, path: '/', ...(this.domain ? { domain: this.domain } : {}) });
      } catch {
        this.o.logger.warnOnce('cookies.set', 'getVisitorCode({ cookies }): a Server Component cannot set cookies, so the new code is not kept; set it in middleware (ensureVisitorCodeCookie).');
      }
    } else if (response) {
      appendSetCookie(response, visitorCodeSetCookie(visitorCode, this.domain));
    } else if (this.o.isServer && !this.o.external) {
      this.o.logger.warnOnce('cookie.nowhere', 'setLegalConsent(): the cookie is not set; on a server, pass the response or cookies.');
    } else {
      this.manager.setData(cookie);
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
