/**
 * Hostile cookies and headers on the server: the visitor-code cookie (`kameleoonVisitorCode`) with
 * 10 KB values, CR/LF, `;`, quotes and percent-encoding garbage; malformed Cookie headers
 * (duplicates, no `=`, empty names, 1000 pairs); read through Node's IncomingMessage, plain
 * `{ headers }` objects, Fetch `Request` and `Headers`, and written through Node's ServerResponse
 * (which refuses invalid header characters) and Fetch `Headers`/`Response`; the middleware helpers;
 * codes the application passes; hostile visitor codes and names in `getEngineTrackingCode`. (The
 * simulation cookie, and js-cookie in a jsdom page: browserCookies.test.ts.)
 *
 * Properties: nothing but KameleoonErrors is thrown; no prototype is polluted; the Set-Cookie
 * written never carries a CR, LF, `;`, `,`, space or quote taken from the input (no header or
 * attribute injection) and reads back as the code returned; a cookie code longer than 255
 * characters is replaced by a fresh code; `defaultVisitorCode` is validated;
 * `getEngineTrackingCode` stays made of its fixed text and integers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KameleoonClient, KameleoonError, ensureVisitorCodeCookie, visitorCodeFromCookies } from '../../src/node.ts';
import { basicConfig } from '../client/helpers.ts';
import { FRESH_CODE, RAW_VALUES, REQUESTS, RESPONSES, cookieClient, headerSafe, requestOrSkip, thrown, wellFormed } from './cookieKit.ts';
import { ENGINE_CODE, PROTO_OBJECTS, notKameleoonError, pollutionReport, prototypeSnapshot, show, silentLogger, unavailableRequester } from './fuzzKit.ts';

/** The only Set-Cookie the SDK may write: an encoded value (no CR, LF, `;`, `,`, space or quote), then fixed attributes. */
const SET_COOKIE = /^kameleoonVisitorCode=([A-Za-z0-9\-_.!~*'()%]+); Max-Age=31536000; Path=\/(; Domain=[a-z0-9.-]+)?$/;

let prototypes: ReturnType<typeof prototypeSnapshot>;
let client: KameleoonClient;
beforeAll(async () => void ({ prototypes, client } = await cookieClient()));
afterAll(() => client.close());

/** What the SDK should make of a raw cookie value: decoded when it decodes, raw otherwise. */
function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
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

  it('requests that are not requests throw InvalidArgument; cookie headers that are not strings give a fresh code; never a TypeError', () => {
    // Objects with a get() or a headers object are requests (whatever their Cookie header holds).
    const requests: unknown[] = [
      { headers: { cookie: 42 } }, { headers: { cookie: { kameleoonVisitorCode: 'x' } } },
      { headers: { cookie: [42, null, { a: 1 }] } }, { headers: { cookie: Object.create(null) } }, { headers: { get: () => 42 } }, { headers: { get: () => ({}) } },
      { get: () => Symbol('cookie') }, { get: () => ['kameleoonVisitorCode=from-get-array'] }, { get: 'not a function', headers: { cookie: 'kameleoonVisitorCode=from-headers' } },
    ];
    // Anything else given as a request would make a new visitor on every call: it is refused.
    const notRequests: unknown[] = [
      0, 42, NaN, '', 'kameleoonVisitorCode=string-request', Symbol('r'), 10n, () => 'kameleoonVisitorCode=fn', [], ['kameleoonVisitorCode=x'],
      Object.create(null), ...PROTO_OBJECTS.map((make) => make()), { headers: null }, { headers: 42 }, { headers: 'kameleoonVisitorCode=x' },
    ];
    for (const request of requests) {
      const headers = new Headers();
      let code = '';
      const err = thrown(() => (code = client.getVisitorCode({ request: request as never, response: headers })));
      expect(err, `${show(request)}: ${show(err)}`).toBeUndefined();
      expect(code.length, show(request)).toBeGreaterThan(0);
      expect(code.length).toBeLessThanOrEqual(255);
      expectCleanSetCookie(headers.getSetCookie(), code, show(request));
      expect(thrown(() => ensureVisitorCodeCookie({ request: request as never, response: new Headers() })), show(request)).toBeUndefined();
    }
    for (const request of [...notRequests, null]) {
      const headers = new Headers();
      const err = thrown(() => client.getVisitorCode({ request: request as never, response: headers }));
      expect(notKameleoonError(err), show(request)).toBeUndefined();
      expect((err as KameleoonError).type, show(request)).toBe('InvalidArgument');
      expect(headers.getSetCookie(), show(request)).toEqual([]);
      expect(thrown(() => ensureVisitorCodeCookie({ request: request as never, response: new Headers() })), show(request)).toBeUndefined();
    }
    // A Node-like request whose header is an array of strings (what some frameworks pass).
    expect(client.getVisitorCode({ request: { get: () => ['kameleoonVisitorCode=from-get-array'] } as never })).toBe('from-get-array');
    expect(client.getVisitorCode({ request: { get: 'not a function', headers: { cookie: 'kameleoonVisitorCode=from-headers' } } as never })).toBe('from-headers');
    expect(pollutionReport(prototypes)).toEqual([]);
  });

  it('responses that cannot take a header throw InvalidArgument (the cookie would be lost without a word); null is no response', () => {
    const hostile: unknown[] = [
      0, 'response', Symbol('r'), 10n, [], Object.create(null), ...PROTO_OBJECTS.map((make) => make()),
      { setHeader: () => undefined }, { setHeader: () => undefined, getHeader: 42 }, { getHeader: () => undefined }, { headers: null }, { headers: 42 },
      { headers: { append: 'no' } }, { append: 42 }, () => undefined,
    ];
    for (const response of hostile) {
      for (const call of [
        () => client.getVisitorCode({ request: { headers: { cookie: 'kameleoonVisitorCode=kept' } }, response: response as never }),
        () => client.setLegalConsent('kept', true, response as never),
      ]) {
        const err = thrown(call);
        expect(notKameleoonError(err), show(response)).toBeUndefined();
        expect((err as KameleoonError).type, show(response)).toBe('InvalidArgument');
      }
      expect(thrown(() => ensureVisitorCodeCookie({ request: { headers: {} }, response: response as never })), show(response)).toBeUndefined();
    }
    expect(client.getVisitorCode({ request: { headers: { cookie: 'kameleoonVisitorCode=kept' } }, response: null as never })).toBe('kept');
    expect(pollutionReport(prototypes)).toEqual([]);
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
