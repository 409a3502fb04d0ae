/**
 * Hostile cookies set on the browser side. The simulation cookie (`kameleoonSimulationFFData`,
 * which the Kameleoon QA tools set) with malformed JSON, `__proto__`/`constructor` keys, 10 KB
 * values, deep nesting and percent-encoding garbage, read through every kind of request the SDK
 * accepts; and the browser client on a jsdom page whose document.cookie holds hostile visitor-code
 * and simulation cookies, read and written through js-cookie.
 *
 * Properties: nothing but KameleoonErrors is thrown; no prototype is polluted; a hostile
 * simulation cookie changes no decision (a valid one does apply, and a later hostile one clears
 * it); the browser client writes only its own cookie, encoded, whatever code the application passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as browserEntry from '../../src/browser.ts';
import type { KameleoonClient } from '../../src/node.ts';
import { basicConfig } from '../client/helpers.ts';
import { useJsdomPage } from '../support/jsdomPage.ts';
import { FRESH_CODE, RAW_VALUES, REQUESTS, cookieClient, headerSafe, requestOrSkip, thrown, wellFormed } from './cookieKit.ts';
import { pollutionReport, prototypeSnapshot, show, silentLogger, unavailableRequester } from './fuzzKit.ts';

let prototypes: ReturnType<typeof prototypeSnapshot>;
let client: KameleoonClient;
beforeAll(async () => void ({ prototypes, client } = await cookieClient()));
afterAll(() => client.close());

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
      if (!headerSafe(raw)) continue;
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
