/**
 * Shared by the cookie hardening suites (cookies.test.ts, browserCookies.test.ts): the offline
 * client they share, the requests and responses of every kind the SDK accepts, raw hostile values
 * of the visitor-code cookie, and small helpers to call and compare.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { KameleoonClient } from '../../src/node.ts';
import { basicConfig } from '../client/helpers.ts';
import { HOSTILE_STRINGS, prototypeSnapshot, silentLogger, unavailableRequester } from './fuzzKit.ts';

/** A visitor code the SDK made up. */
export const FRESH_CODE = /^[a-z0-9]{16}$/;

/**
 * A snapshot of the builtin prototypes, then an initialized client on the basic configuration
 * (cookie domain example.com) whose requests all get HTTP 503.
 */
export async function cookieClient(): Promise<{ prototypes: ReturnType<typeof prototypeSnapshot>; client: KameleoonClient }> {
  const prototypes = prototypeSnapshot();
  const client = new KameleoonClient({
    siteCode: 'cookie-site',
    configuration: { defaultDataFile: basicConfig() as never, cookieDomain: 'example.com' },
    externals: { logger: silentLogger, requester: unavailableRequester },
  });
  await client.initialize();
  return { prototypes, client };
}

/** A lone surrogate cannot be percent-encoded: the SDK writes it as U+FFFD (what the browser would send). */
export function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, (c) => (c.length === 2 ? c : '\uFFFD'));
}

// -------------------------------------------------------------------------------------------
// Requests and responses of every kind the SDK accepts

export type RequestKind = [name: string, make: (cookieHeader: string) => unknown];
export const REQUESTS: RequestKind[] = [
  [
    'Node IncomingMessage',
    (cookie) => {
      const req = new IncomingMessage(new Socket());
      req.headers = { cookie };
      return req;
    },
  ],
  ['plain { headers: { cookie } }', (cookie) => ({ headers: { cookie } })],
  ['plain { headers: { cookie: [..] } }', (cookie) => ({ headers: { cookie: ['unrelated=1', cookie] } })],
  ['Fetch Request', (cookie) => new Request('http://localhost/', { headers: { cookie } })],
  ['Fetch Headers', (cookie) => new Headers({ cookie })],
];

export interface WrittenResponse {
  response: unknown;
  setCookies(): string[];
}
export type ResponseKind = [name: string, make: () => WrittenResponse];
export const RESPONSES: ResponseKind[] = [
  [
    'Node ServerResponse',
    () => {
      const response = new ServerResponse(new IncomingMessage(new Socket()));
      response.setHeader('Set-Cookie', ['session=keep-me; Path=/']);
      return { response, setCookies: () => ([] as string[]).concat((response.getHeader('set-cookie') as string[]) ?? []) };
    },
  ],
  [
    'Fetch Headers',
    () => {
      const headers = new Headers();
      return { response: headers, setCookies: () => headers.getSetCookie() };
    },
  ],
  [
    'Fetch Response',
    () => {
      const response = new Response(null);
      return { response, setCookies: () => response.headers.getSetCookie() };
    },
  ],
  [
    '{ headers: Headers } (Next.js)',
    () => {
      const headers = new Headers();
      return { response: { headers }, setCookies: () => headers.getSetCookie() };
    },
  ],
];

/** A Cookie header can only carry what a client can send; Fetch refuses CR, LF and NUL in it. */
export const headerSafe = (value: string) => !/[\r\n\0]/.test(value);

/** The request, or undefined when its kind cannot carry this header (Fetch headers are ByteStrings). */
export function requestOrSkip(make: (cookieHeader: string) => unknown, header: string): unknown {
  try {
    return make(header);
  } catch {
    return undefined;
  }
}

/** Calls `fn`, and returns what it threw (undefined when nothing). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err;
  }
}

/** Raw values of the visitor-code cookie, as they may arrive in a Cookie header. */
export const RAW_VALUES: string[] = [
  ...HOSTILE_STRINGS.filter((s) => !s.includes(';') && s.trim() === s),
  'x'.repeat(255),
  'x'.repeat(256),
  '%78'.repeat(255), // 765 characters that decode to 255
  '%78'.repeat(256), // ...and to 256
  'z'.repeat(10_240),
  encodeURIComponent('x; Domain=evil.com\r\nSet-Cookie: admin=1'),
  encodeURIComponent('a,b;c d"e\'f'),
  '"quoted"',
  '"',
  "'single'",
  '%22%3B%0D%0A',
  '%E2%80%A8', // U+2028 decoded
  '%F0%9F%8E%89', // an emoji
  '%ED%A0%80', // an encoded lone surrogate: not decodable, kept raw
  '%uD800',
  'a=b=c',
  '__proto__',
  'constructor',
  encodeURIComponent('</script><script>alert(1)</script>'),
];
