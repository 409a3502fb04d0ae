import { InvalidArgument, KameleoonException, VisitorCodeInvalid } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { IExternalVisitorCodeManager } from '../platform/platform.ts';
import { toWellFormed } from './encode.ts';
import { msg } from '../logging/msg.ts';

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
    throw new VisitorCodeInvalid(KameleoonException.VisitorCodeEmpty, msg`The visitor code must be a string, got ${visitorCode === null ? 'null' : typeof visitorCode}. Use client.getVisitorCode() to get one.`);
  }
  if (visitorCode.length === 0) {
    throw new VisitorCodeInvalid(KameleoonException.VisitorCodeEmpty, msg`The visitor code is empty. Use client.getVisitorCode() to get one.`);
  }
  if (visitorCode.length > MAX_LENGTH) {
    throw new VisitorCodeInvalid(KameleoonException.VisitorCodeMaxLength, msg`The visitor code is ${visitorCode.length} characters long; at most ${MAX_LENGTH} are allowed.`);
  }
  return visitorCode;
}

/** 16 characters from [a-z0-9], uniformly, from `random` (a cryptographic source in production). */
export function generateVisitorCode(random: () => number): string {
  let code = '';
  for (let i = 0; i < 16; i++) code += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return code;
}

/** Decodes a URI-encoded cookie value (or a raw one); undecodable values are kept raw. */
export function decodeCookieValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
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

/** What VisitorCodeCookies needs besides the cookie manager. */
export interface VisitorCodeCookiesOptions {
  /** The manager was given by the user: it gets the official Node SDK's `{ request | cookies, key }` calls too. */
  external: boolean;
  /** A server has no cookie jar: getVisitorCode needs a source. */
  isServer: boolean;
  logger: Logger;
}

/**
 * Reads and writes the visitor-code cookie through the platform's cookie manager (js-cookie in a
 * browser) or a user's manager. The server builds extend it with requests, responses and Next.js's
 * cookies (see exchange.ts); the browser build has none of that code, and says so when given them.
 */
export class VisitorCodeCookies {
  constructor(
    protected readonly manager: IExternalVisitorCodeManager,
    protected readonly random: () => number,
    protected readonly domain: string | undefined,
    protected readonly o: VisitorCodeCookiesOptions,
  ) {}

  /**
   * The parameters of a getVisitorCode call, checked: a string (or nothing) is the default code.
   * @throws InvalidArgument for any other shape (the server forms included)
   */
  source(arg: unknown): VisitorCodeSource {
    const source = (typeof arg === 'object' && arg !== null ? arg : { defaultVisitorCode: arg }) as VisitorCodeSource;
    const other = Object.keys(source).filter((key) => key !== 'defaultVisitorCode');
    if (other.length) throw new InvalidArgument(msg`getVisitorCode() in a browser takes a default code or { defaultVisitorCode } (the page's cookie is read); got ${other.map((k) => `"${k}"`).join(', ')}${serverForm(other)}.`);
    return source;
  }

  /** The cookie `key`, through the manager. */
  read(_source: VisitorCodeSource, key: string): string | null {
    return this.manager.getData(key);
  }

  /**
   * The cookie's code, else `defaultVisitorCode`, else a new random code.
   * @throws VisitorCodeInvalid when `defaultVisitorCode` is not a valid code
   */
  resolve(source: VisitorCodeSource): { visitorCode: string; isNew: boolean } {
    if (source.defaultVisitorCode !== undefined) validateVisitorCode(source.defaultVisitorCode);
    const existing = cookieVisitorCode(this.read(source, VISITOR_CODE_COOKIE));
    return { visitorCode: existing ?? source.defaultVisitorCode ?? generateVisitorCode(this.random), isNew: existing === undefined };
  }

  /**
   * Writes the cookie (365 days, path /, the configured domain).
   * @throws InvalidArgument when given a response or cookies (server forms)
   */
  write(visitorCode: string, source: { response?: ResponseLike | undefined; cookies?: NextCookies | undefined }): void {
    const other = (['response', 'cookies'] as const).filter((key) => source[key] != null);
    if (other.length) throw new InvalidArgument(msg`setLegalConsent() in a browser sets the page's cookie${serverForm(other)}.`);
    this.manager.setData(this.cookie(visitorCode));
  }

  /** The cookie's parameters, as cookie managers take them. */
  protected cookie(visitorCode: string) {
    // Cookie managers (js-cookie) URI-encode the value, which a lone surrogate would make throw.
    return { visitorCode: toWellFormed(visitorCode), key: VISITOR_CODE_COOKIE, domain: this.domain, maxAge: VISITOR_CODE_MAX_AGE, path: '/' };
  }
}

/** What to say of server-only parameters given to the browser build. */
function serverForm(keys: string[]): string {
  return keys.some((k) => k === 'request' || k === 'response' || k === 'cookies') ? msg`: requests, responses and Next.js's cookies are for servers, whose build ('kameleoon-ts/node', or the package's node and edge conditions) takes them` : '';
}
