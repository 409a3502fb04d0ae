/**
 * Hostile cookies and headers: the visitor-code cookie (`kameleoonVisitorCode`) and the simulation
 * cookie (`kameleoonSimulationFFData`) with malformed JSON, `__proto__`/`constructor` keys, 10 KB
 * values, CR/LF, `;`, quotes and percent-encoding garbage; malformed Cookie headers (duplicates, no
 * `=`, empty names, 1000 pairs); read through Node's IncomingMessage, plain `{ headers }` objects,
 * Fetch `Request` and `Headers`, and written through Node's ServerResponse (which refuses invalid
 * header characters), Fetch `Headers`/`Response`, and js-cookie in a jsdom page.
 *
 * Properties: nothing but KameleoonErrors is thrown; no prototype is polluted; the Set-Cookie
 * written never carries a CR, LF, `;`, `,`, space or quote taken from the input (no header or
 * attribute injection) and reads back as the code returned; a cookie code longer than 255
 * characters is replaced by a fresh code; `defaultVisitorCode` is validated; a hostile simulation
 * cookie changes no decision; `getEngineTrackingCode` stays made of its fixed text and integers.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as browserEntry from '../../src/browser.ts';
import { KameleoonClient, KameleoonError, ensureVisitorCodeCookie, visitorCodeFromCookies } from '../../src/node.ts';
import { basicConfig } from '../client/helpers.ts';
import { useJsdomPage } from '../support/jsdomPage.ts';
import { HOSTILE_STRINGS, PROTO_OBJECTS, notKameleoonError, pollutionReport, prototypeSnapshot, show, silentLogger, unavailableRequester } from './fuzzKit.ts';

const FRESH_CODE = /^[a-z0-9]{16}$/;
/** The only Set-Cookie the SDK may write: an encoded value (no CR, LF, `;`, `,`, space or quote), then fixed attributes. */
const SET_COOKIE = /^kameleoonVisitorCode=([A-Za-z0-9\-_.!~*'()%]+); Max-Age=31536000; Path=\/(; Domain=[a-z0-9.-]+)?$/;
const ENGINE_CODE = /^window\.kameleoonQueue=window\.kameleoonQueue\|\|\[\];(window\.kameleoonQueue\.push\(\['Experiments\.assignVariation',\d+,\d+,true\]\);window\.kameleoonQueue\.push\(\['Experiments\.trigger',\d+,(true|false)\]\);)*$/;

let prototypes: ReturnType<typeof prototypeSnapshot>;
let client: KameleoonClient;

beforeAll(async () => {
  prototypes = prototypeSnapshot();
  client = new KameleoonClient({
    siteCode: 'cookie-site',
    configuration: { defaultDataFile: basicConfig() as never, cookieDomain: 'example.com' },
    externals: { logger: silentLogger, requester: unavailableRequester },
  });
  await client.initialize();
});
afterAll(() => client.close());

/** What the SDK should make of a raw cookie value: decoded when it decodes, raw otherwise. */
function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A lone surrogate cannot be percent-encoded: the SDK writes it as U+FFFD (what the browser would send). */
function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, (c) => (c.length === 2 ? c : '\uFFFD'));
}

// -------------------------------------------------------------------------------------------
// Requests and responses of every kind the SDK accepts

type RequestKind = [name: string, make: (cookieHeader: string) => unknown];
const REQUESTS: RequestKind[] = [
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

interface WrittenResponse {
  response: unknown;
  setCookies(): string[];
}
type ResponseKind = [name: string, make: () => WrittenResponse];
const RESPONSES: ResponseKind[] = [
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
const headerSafe = (value: string) => !/[\r\n\0]/.test(value);

/** The request, or undefined when its kind cannot carry this header (Fetch headers are ByteStrings). */
function requestOrSkip(make: (cookieHeader: string) => unknown, header: string): unknown {
  try {
    return make(header);
  } catch {
    return undefined;
  }
}

/** Calls `fn`, and returns what it threw (undefined when nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err;
  }
}

/** Checks the Set-Cookie headers written: one visitor-code cookie, clean, reading back as `code`. */
function expectCleanSetCookie(setCookies: string[], code: string, context: string): void {
  const ours = setCookies.filter((c) => c.startsWith('kameleoonVisitorCode='));
  expect(ours, `${context}: one visitor-code cookie, got ${show(setCookies)}`).toHaveLength(1);
  const header = ours[0];
  expect(header, context).not.toMatch(/[\r\n]/);
  const match = SET_COOKIE.exec(header);
  expect(match, `${context}: ${show(header)}`).not.toBeNull();
  expect(decodeURIComponent(match![1]), context).toBe(wellFormed(code));
  // Nothing else was added or replaced (the existing session cookie of the ServerResponse stays).
  for (const other of setCookies) if (other !== header) expect(other, context).toBe('session=keep-me; Path=/');
}

// -------------------------------------------------------------------------------------------

/** Raw values of the visitor-code cookie, as they may arrive in a Cookie header. */
const RAW_VALUES: string[] = [
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

describe('the visitor-code cookie from hostile requests', () => {
  it.each(REQUESTS)('%s: a code of 1 to 255 characters is kept, a longer or empty one is replaced, the Set-Cookie is clean', (_name, makeRequest) => {
    let cases = 0;
    for (const raw of RAW_VALUES) {
      const header = `a=1; kameleoonVisitorCode=${raw}; b=2`;
      if (!headerSafe(header) || requestOrSkip(makeRequest, header) === undefined) continue;
      for (const [responseName, makeResponse] of RESPONSES) {
        const written = makeResponse();
        const context = `${show(raw)} written through ${responseName}`;
        const request = makeRequest(header);
        let code = '';
        const err = thrown(() => (code = client.getVisitorCode({ request: request as never, response: written.response as never })));
        expect(err, `${context}: ${show(err)}`).toBeUndefined();
        const expected = decoded(raw.trim());
        if (expected.length >= 1 && expected.length <= 255) expect(code, context).toBe(expected);
        else expect(code, context).toMatch(FRESH_CODE);
        expectCleanSetCookie(written.setCookies(), code, context);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(250);
    expect(pollutionReport(prototypes)).toEqual([]);
  });

  it('a code longer than 255 characters in the cookie gives way to defaultVisitorCode, else to a fresh code', () => {
    const long = { headers: { cookie: `kameleoonVisitorCode=${'x'.repeat(256)}` } };
    expect(client.getVisitorCode({ request: long, defaultVisitorCode: 'the-default' })).toBe('the-default');
    expect(client.getVisitorCode({ request: long })).toMatch(FRESH_CODE);
    expect(ensureVisitorCodeCookie({ request: long, response: new Headers() })).toMatch(FRESH_CODE);
    expect(visitorCodeFromCookies({ get: () => ({ value: 'x'.repeat(256) }) })).toBeUndefined();
    expect(visitorCodeFromCookies({ get: () => ({ value: '%78'.repeat(255) }) })).toBe('x'.repeat(255));
  });

  it('malformed Cookie headers: duplicates, pairs without "=", empty names, separators, 1000 pairs', () => {
    const cases: [header: string | string[], expected: string | RegExp][] = [
      ['kameleoonVisitorCode=first; kameleoonVisitorCode=second', 'first'],
      ['kameleoonVisitorCode; kameleoonVisitorCode=after-bare-name', 'after-bare-name'],
      ['kameleoonVisitorCode', FRESH_CODE],
      ['=kameleoonVisitorCode=no-name; =; ==; kameleoonVisitorCode=named', 'named'],
      [';;;; ; ;kameleoonVisitorCode=between-separators;;;', 'between-separators'],
      ['  kameleoonVisitorCode  =  spaced  ', 'spaced'],
      ['\tkameleoonVisitorCode=\ttabbed\t', 'tabbed'],
      ['a=1, kameleoonVisitorCode=comma-separated', FRESH_CODE], // commas do not separate cookies
      ['kameleoonvisitorcode=wrong-case; KAMELEOONVISITORCODE=upper', FRESH_CODE],
      ['kameleoonVisitorCode=', FRESH_CODE],
      ['kameleoonVisitorCode=   ', FRESH_CODE],
      ['kameleoonVisitorCode=%', '%'],
      ['kameleoonVisitorCode=a=b; x', 'a=b'],
      ['__proto__=x; constructor=y; toString=z; kameleoonVisitorCode=after-proto', 'after-proto'],
      [Array.from({ length: 1000 }, (_, i) => `c${i}=${'v'.repeat(i % 50)}`).join('; ') + '; kameleoonVisitorCode=last-of-1000', 'last-of-1000'],
      [Array.from({ length: 1000 }, (_, i) => `kameleoonVisitorCode=dup${i}`).join('; '), 'dup0'],
      [Array.from({ length: 1000 }, () => '=').join(';'), FRESH_CODE],
      [['a=1', 'kameleoonVisitorCode=from-array'], 'from-array'],
      [[], FRESH_CODE],
      ['', FRESH_CODE],
    ];
    for (const [header, expected] of cases) {
      const fetchRequests = typeof header === 'string' && headerSafe(header) ? [requestOrSkip((h) => new Headers({ cookie: h }), header), requestOrSkip((h) => new Request('http://localhost/', { headers: { cookie: h } }), header)] : [];
      const requests = [{ headers: { cookie: header } }, ...fetchRequests.filter((r) => r !== undefined)];
      for (const request of requests) {
        const headers = new Headers();
        let code = '';
        const err = thrown(() => (code = client.getVisitorCode({ request: request as never, response: headers })));
        const context = `${show(header)} in ${show(request).slice(0, 40)}`;
        expect(err, `${context}: ${show(err)}`).toBeUndefined();
        if (typeof expected === 'string') expect(code, context).toBe(expected);
        else expect(code, context).toMatch(expected);
        expectCleanSetCookie(headers.getSetCookie(), code, context);
      }
    }
    expect(pollutionReport(prototypes)).toEqual([]);
  });

  it('requests that are not requests, and cookie headers that are not strings, give a fresh code without a TypeError', () => {
    const hostile: unknown[] = [
      null, 0, 42, NaN, '', 'kameleoonVisitorCode=string-request', Symbol('r'), 10n, () => 'kameleoonVisitorCode=fn', [], ['kameleoonVisitorCode=x'],
      Object.create(null), ...PROTO_OBJECTS.map((make) => make()),
      { headers: null }, { headers: 42 }, { headers: 'kameleoonVisitorCode=x' }, { headers: { cookie: 42 } }, { headers: { cookie: { kameleoonVisitorCode: 'x' } } },
      { headers: { cookie: [42, null, { a: 1 }] } }, { headers: { cookie: Object.create(null) } }, { headers: { get: () => 42 } }, { headers: { get: () => ({}) } },
      { get: () => Symbol('cookie') }, { get: () => ['kameleoonVisitorCode=from-get-array'] }, { get: 'not a function', headers: { cookie: 'kameleoonVisitorCode=from-headers' } },
    ];
    for (const request of hostile) {
      const headers = new Headers();
      let code = '';
      const err = thrown(() => (code = client.getVisitorCode({ request: request as never, response: headers })));
      expect(err, `${show(request)}: ${show(err)}`).toBeUndefined();
      expect(code.length, show(request)).toBeGreaterThan(0);
      expect(code.length).toBeLessThanOrEqual(255);
      expectCleanSetCookie(headers.getSetCookie(), code, show(request));
      expect(thrown(() => ensureVisitorCodeCookie({ request: request as never, response: new Headers() })), show(request)).toBeUndefined();
    }
    // A Node-like request whose header is an array of strings (what some frameworks pass).
    expect(client.getVisitorCode({ request: { get: () => ['kameleoonVisitorCode=from-get-array'] } as never })).toBe('from-get-array');
    expect(client.getVisitorCode({ request: { get: 'not a function', headers: { cookie: 'kameleoonVisitorCode=from-headers' } } as never })).toBe('from-headers');
    expect(pollutionReport(prototypes)).toEqual([]);
  });

  it('responses that are not responses are left alone, without a TypeError', () => {
    const hostile: unknown[] = [
      null, 0, 'response', Symbol('r'), 10n, [], Object.create(null), ...PROTO_OBJECTS.map((make) => make()),
      { setHeader: () => undefined }, { setHeader: () => undefined, getHeader: 42 }, { getHeader: () => undefined }, { headers: null }, { headers: 42 },
      { headers: { append: 'no' } }, { append: 42 }, () => undefined,
    ];
    for (const response of hostile) {
      const err = thrown(() => client.getVisitorCode({ request: { headers: { cookie: 'kameleoonVisitorCode=kept' } }, response: response as never }));
      expect(err, `${show(response)}: ${show(err)}`).toBeUndefined();
      expect(thrown(() => client.setLegalConsent('kept', true, response as never)), show(response)).toBeUndefined();
      expect(thrown(() => ensureVisitorCodeCookie({ request: { headers: {} }, response: response as never })), show(response)).toBeUndefined();
    }
  });
});

describe('the middleware and server-component helpers', () => {
  it('ensureVisitorCodeCookie: hostile cookies and a hostile domain never reach the Set-Cookie header', () => {
    for (const domain of [undefined, 'example.com', '.example.com', 'example.com; Secure; SameSite=None', 'evil.com\r\nSet-Cookie: admin=1', 'a,b.com', 'exa mple.com', '"q"', '']) {
      for (const raw of ['x'.repeat(256), '', '%ED%A0%80', encodeURIComponent('a;b\r\nc'), 'kept']) {
        for (const [responseName, makeResponse] of RESPONSES) {
          const written = makeResponse();
          const context = `domain ${show(domain)}, cookie ${show(raw)}, through ${responseName}`;
          let code = '';
          const err = thrown(() => (code = ensureVisitorCodeCookie({ request: { headers: { cookie: `kameleoonVisitorCode=${raw}` } }, response: written.response as never, domain: domain as never })));
          expect(err, `${context}: ${show(err)}`).toBeUndefined();
          if (decoded(raw).length >= 1 && decoded(raw).length <= 255) {
            expect(code, context).toBe(decoded(raw));
            expect(written.setCookies().filter((c) => c.startsWith('kameleoonVisitorCode=')), context).toEqual([]);
          } else {
            expect(code, context).toMatch(FRESH_CODE);
            expectCleanSetCookie(written.setCookies(), code, context);
            const set = written.setCookies().find((c) => c.startsWith('kameleoonVisitorCode='))!;
            if (domain === 'example.com' || domain === '.example.com') expect(set, context).toContain(`; Domain=${domain}`);
          }
        }
      }
    }
    for (const params of [null, undefined, 42, 'params', Symbol('p')]) expect(notKameleoonError(thrown(() => ensureVisitorCodeCookie(params as never))), show(params)).toBeUndefined();
  });

  it('visitorCodeFromCookies: hostile cookie stores and values give a code of 1 to 255 characters, undefined, or a KameleoonError', () => {
    const values: unknown[] = [...RAW_VALUES, undefined, null, 42, 10n, Symbol('v'), [], ['kameleoonVisitorCode'], {}, Object.create(null), () => 'fn', ...PROTO_OBJECTS.map((make) => make())];
    for (const value of values) {
      for (const store of [{ get: () => ({ value }) }, { get: () => value }]) {
        let result: unknown;
        const err = thrown(() => (result = visitorCodeFromCookies(store as never)));
        expect(err, `${show(value)}: ${show(err)}`).toBeUndefined();
        if (result !== undefined) {
          expect(typeof result, show(value)).toBe('string');
          expect((result as string).length, show(value)).toBeGreaterThan(0);
          expect((result as string).length, show(value)).toBeLessThanOrEqual(255);
        }
      }
    }
    for (const store of [null, undefined, 42, 'cookies', {}, { get: 'no' }, Object.create(null)]) {
      expect(notKameleoonError(thrown(() => visitorCodeFromCookies(store as never))), show(store)).toBeUndefined();
    }
    expect(pollutionReport(prototypes)).toEqual([]);
  });
});

describe('defaultVisitorCode, and codes the application passes', () => {
  it('is validated: empty, longer than 255 or not a string throws VisitorCodeInvalid (a KameleoonError), nothing else', () => {
    const invalid: [unknown, string][] = [
      ['', 'VisitorCodeEmpty'],
      ['x'.repeat(256), 'VisitorCodeMaxLength'],
      ['y'.repeat(10_000), 'VisitorCodeMaxLength'],
      [null, 'VisitorCodeEmpty'],
      [42, 'VisitorCodeEmpty'],
      [NaN, 'VisitorCodeEmpty'],
      [Symbol('code'), 'VisitorCodeEmpty'],
      [10n, 'VisitorCodeEmpty'],
      [{ toString: () => 'object' }, 'VisitorCodeEmpty'],
      [Object.create(null), 'VisitorCodeEmpty'],
      [['array'], 'VisitorCodeEmpty'],
      [() => 'fn', 'VisitorCodeEmpty'],
    ];
    for (const [value, type] of invalid) {
      const calls = [
        () => client.getVisitorCode({ request: { headers: {} }, response: new Headers(), defaultVisitorCode: value as never }),
        // Validated even when the request carries a valid cookie: misuse is reported at once.
        () => client.getVisitorCode({ request: { headers: { cookie: 'kameleoonVisitorCode=from-cookie' } }, defaultVisitorCode: value as never }),
      ];
      // The one-argument form reads an object as the parameters object, anything else as the default.
      if (typeof value !== 'object' || value === null) calls.push(() => client.getVisitorCode(value as never));
      for (const call of calls) {
        const err = thrown(call);
        expect(notKameleoonError(err), show(value)).toBeUndefined();
        expect((err as KameleoonError).type, show(value)).toBe(type);
      }
    }
  });

  it('a valid default with CR/LF, ";", "," or quotes is accepted and written encoded, never as header syntax', () => {
    const hostile = ['x; Domain=evil.com\r\nSet-Cookie: admin=1', 'a,b', '"q"', "'s'", ' leading', 'trailing ', '\u2028', '訪問者🎉', '%41', 'a\uD800b', '\uDFFF', 'x'.repeat(255)];
    for (const defaultVisitorCode of hostile) {
      for (const [responseName, makeResponse] of RESPONSES) {
        const written = makeResponse();
        let code = '';
        const err = thrown(() => (code = client.getVisitorCode({ request: { headers: {} }, response: written.response as never, defaultVisitorCode })));
        const context = `${show(defaultVisitorCode)} through ${responseName}`;
        expect(err, `${context}: ${show(err)}`).toBeUndefined();
        expect(code, context).toBe(defaultVisitorCode);
        expectCleanSetCookie(written.setCookies(), code, context);
        // The cookie written reads back as the code (a lone surrogate as U+FFFD).
        const cookie = written.setCookies().find((c) => c.startsWith('kameleoonVisitorCode='))!.split(';')[0];
        expect(client.getVisitorCode({ request: { headers: { cookie } } }), context).toBe(wellFormed(defaultVisitorCode));
      }
      // setLegalConsent writes the same cookie.
      const headers = new Headers();
      expect(thrown(() => client.setLegalConsent(defaultVisitorCode, true, headers))).toBeUndefined();
      expectCleanSetCookie(headers.getSetCookie(), defaultVisitorCode, `setLegalConsent(${show(defaultVisitorCode)})`);
    }
  });

  it('a hostile cookieDomain never reaches the header: invalid domains are dropped, non-strings refused', async () => {
    for (const cookieDomain of ['example.com; Secure', 'example.com\r\nSet-Cookie: admin=1', 'a,b.com', 'exa mple.com', '"example.com"', '.example.com.']) {
      const c = new KameleoonClient({ siteCode: 'cookie-site', configuration: { defaultDataFile: basicConfig() as never, cookieDomain }, externals: { logger: silentLogger, requester: unavailableRequester } });
      await c.initialize();
      const headers = new Headers();
      c.getVisitorCode({ request: { headers: {} }, response: headers, defaultVisitorCode: 'v' });
      expectCleanSetCookie(headers.getSetCookie(), 'v', show(cookieDomain));
      await c.close();
    }
    for (const cookieDomain of [42, {}, Symbol('d'), ['example.com']]) {
      const err = thrown(() => new KameleoonClient({ siteCode: 'cookie-site', configuration: { cookieDomain: cookieDomain as never } }));
      expect(notKameleoonError(err), show(cookieDomain)).toBeUndefined();
    }
  });
});

// -------------------------------------------------------------------------------------------
// The simulation cookie

/** Simulation cookie values (already encoded as a browser would send them) that must change nothing. */
const HOSTILE_SIMULATIONS: string[] = [
  '{', '%7B', '%7B%22ff_50_50%22%3A', 'null', 'true', '42', '"string"', '[]', '[1,2]', '%5B%7B%22ff_50_50%22%3A1%7D%5D',
  '%E0%A4%A', '%ZZ', '%', '%00', '%0D%0A', '"', "'", 'x'.repeat(10_240),
  ...[
    '{"__proto__": {"expId": 2001, "varId": 3001}}',
    '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}',
    '{"ff_50_50": {"__proto__": {"expId": 2001, "varId": 3001}}}',
    '{"ff_50_50": {"constructor": {"prototype": {"expId": 2001}}}}',
    '{"ff_50_50": {"expId": "2001", "varId": "3001"}}',
    '{"ff_50_50": {"expId": 2001, "varId": {"__proto__": 3001}}}',
    '{"ff_50_50": {"expId": 2001, "varId": 999999}}',
    '{"ff_50_50": {"expId": 999999, "varId": 3001}}',
    '{"ff_50_50": {"expId": NaN}}',
    '{"ff_50_50": {"expId": 1e400, "varId": 3001}}',
    '{"ff_50_50": null, "ff_respool": [], "ff_segmented": "x", "me_a": 5}',
    '{"hasOwnProperty": {"expId": 0}, "toString": {"expId": 0}, "__proto__": {"expId": 0}}',
    '{"ff_50_50\\r\\n": {"expId": 0}}',
    `{"ff_50_50": {"expId": 2001, "varId": 3001, "pad": "${'p'.repeat(10_000)}"}, "ff_50_50": {"expId": 1}}`,
    '['.repeat(5_000) + ']'.repeat(5_000),
    '{"a":'.repeat(2_000) + '1' + '}'.repeat(2_000),
  ].map(encodeURIComponent),
];

describe('the simulation cookie (kameleoonSimulationFFData)', () => {
  const decide = (visitorCode: string) => client.getVariations({ visitorCode, track: false });
  const keys = (variations: Map<string, { key: string }>) => [...variations].map(([k, v]) => `${k}=${v.key}`).join(' ');

  it('hostile values throw nothing, pollute nothing and change no decision', () => {
    let i = 0;
    for (const raw of HOSTILE_SIMULATIONS) {
      for (const [name, makeRequest] of REQUESTS) {
        const visitorCode = `simulated-${i++}`;
        const before = keys(decide(visitorCode));
        const header = `kameleoonVisitorCode=${encodeURIComponent(visitorCode)}; kameleoonSimulationFFData=${raw}`;
        const request = requestOrSkip(makeRequest, header);
        if (!headerSafe(header) || request === undefined) continue;
        let code = '';
        const err = thrown(() => (code = client.getVisitorCode({ request: request as never })));
        expect(err, `${show(raw)} in ${name}: ${show(err)}`).toBeUndefined();
        expect(code).toBe(visitorCode);
        expect(keys(decide(visitorCode)), `${show(raw)} in ${name}`).toBe(before);
      }
    }
    expect(pollutionReport(prototypes)).toEqual([]);
    expect(({} as Record<string, unknown>).expId).toBeUndefined();
  });

  it('a valid simulation cookie does apply (the property above can fail), and a later hostile one clears it', () => {
    const visitorCode = 'simulation-control';
    const natural = client.getVariation({ visitorCode, featureKey: 'ff_50_50', track: false }).key;
    const forced = natural === 'on' ? 'off' : 'on';
    const varId = basicConfig().featureFlags.find((f: { featureKey: string }) => f.featureKey === 'ff_50_50').rules[0].variationByExposition.find((v: { variationKey: string }) => v.variationKey === forced).variationId;
    const valid = encodeURIComponent(JSON.stringify({ ff_50_50: { expId: 2001, varId } }));
    client.getVisitorCode({ request: { headers: { cookie: `kameleoonVisitorCode=${visitorCode}; kameleoonSimulationFFData=${valid}` } } });
    expect(client.getVariation({ visitorCode, featureKey: 'ff_50_50', track: false }).key).toBe(forced);
    client.getVisitorCode({ request: { headers: { cookie: `kameleoonVisitorCode=${visitorCode}; kameleoonSimulationFFData=${encodeURIComponent('{"__proto__": {"expId": 2001}}')}` } } });
    expect(client.getVariation({ visitorCode, featureKey: 'ff_50_50', track: false }).key).toBe(natural);
  });
});

// -------------------------------------------------------------------------------------------
// Hybrid mode

describe('getEngineTrackingCode with hostile visitor codes and a hostile configuration', () => {
  it('stays made of the fixed text and integers: nothing from the code, the keys or the names gets in', async () => {
    const config = basicConfig();
    // Variation keys and names that would break out of a <script> if they were written.
    for (const flag of config.featureFlags) {
      for (const variation of flag.variations) variation.name = '</script><script>alert("name")</script>';
    }
    const c = new KameleoonClient({ siteCode: 'engine-site', configuration: { defaultDataFile: config as never }, externals: { logger: silentLogger, requester: unavailableRequester } });
    await c.initialize();
    const codes = [
      '</script><script>alert(1)</script>', '<!--', '-->', "'); alert(1); //", '"]); alert(1); //', '\\', '\u2028\u2029', 'x\r\ny', '${alert(1)}', '`', '\uD800', '訪問者🎉', 'x'.repeat(255),
    ];
    let withEntries = 0;
    for (const visitorCode of codes) {
      c.setForcedVariation({ visitorCode, experimentId: 2001, variationKey: 'on' });
      for (const featureKey of ['ff_50_50', 'ff_respool', 'ff_partial_exposition', 'ff_targeted_delivery']) c.getVariation({ visitorCode, featureKey });
      const code = c.getEngineTrackingCode(visitorCode);
      expect(code, show(visitorCode)).toMatch(ENGINE_CODE);
      if (code.includes('assignVariation')) withEntries++;
      expect(code).not.toContain('script>');
    }
    expect(withEntries).toBe(codes.length);
    // Not a visitor code at all: a KameleoonError, nothing else.
    for (const bad of ['', 'x'.repeat(256), null, 42, Symbol('s'), 10n, {}, Object.create(null)]) {
      expect(notKameleoonError(thrown(() => c.getEngineTrackingCode(bad as never))), show(bad)).toBeUndefined();
    }
    await c.close();
  });
});

// -------------------------------------------------------------------------------------------
// Browsers: js-cookie on a jsdom page

describe('the browser client: hostile document.cookie', () => {
  useJsdomPage();

  /** Every cookie of the page, by name. */
  const pageCookies = () => document.cookie.split('; ').filter(Boolean).map((pair) => pair.slice(0, pair.indexOf('=')));

  it('reads hostile page cookies without throwing, and writes only its own cookie, encoded', async () => {
    const c = new browserEntry.KameleoonClient({ siteCode: 'browser-site', configuration: { defaultDataFile: basicConfig() as never }, externals: { logger: silentLogger, requester: unavailableRequester } });
    await c.initialize();
    const expire = () => {
      for (const name of pageCookies()) document.cookie = `${name}=; Max-Age=0; Path=/`;
    };
    for (const raw of RAW_VALUES) {
      if (/[\r\n\0]/.test(raw)) continue;
      expire();
      document.cookie = `kameleoonVisitorCode=${raw}; Path=/`;
      document.cookie = `kameleoonSimulationFFData=${encodeURIComponent('{"__proto__": {"expId": 2001, "varId": 3001}}')}; Path=/`;
      let code = '';
      const err = thrown(() => (code = c.getVisitorCode()));
      expect(err, `${show(raw)}: ${show(err)}`).toBeUndefined();
      expect(code.length, show(raw)).toBeGreaterThan(0);
      expect(code.length, show(raw)).toBeLessThanOrEqual(255);
      if (raw.length > 255 * 3) expect(code, show(raw)).toMatch(FRESH_CODE);
      expect(pageCookies().sort(), show(raw)).toEqual(['kameleoonSimulationFFData', 'kameleoonVisitorCode']);
    }
    // Codes given by the application cannot add cookies or attributes either.
    for (const defaultVisitorCode of ['x; Domain=evil.com; admin=1', 'a,b=c', 'a\r\nb', '"q"', 'a\uD800b']) {
      expire();
      expect(thrown(() => c.getVisitorCode(defaultVisitorCode))).toBeUndefined();
      expect(pageCookies(), show(defaultVisitorCode)).toEqual(['kameleoonVisitorCode']);
      expect(c.getVisitorCode(), show(defaultVisitorCode)).toBe(wellFormed(defaultVisitorCode));
      expect(thrown(() => c.setLegalConsent(defaultVisitorCode, true))).toBeUndefined();
      expect(pageCookies(), show(defaultVisitorCode)).toEqual(['kameleoonVisitorCode']);
    }
    await c.close();
    expect(pollutionReport(prototypes)).toEqual([]);
  });
});
