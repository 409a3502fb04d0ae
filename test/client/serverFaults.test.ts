/**
 * Server and edge faults a review found: on an edge runtime, flushInstant() (handed to waitUntil)
 * waits for the lines trackConversion's own flush took out of the queue; a Fetch response gets
 * one visitor-code Set-Cookie however often the code is read; an immutable response is a typed
 * error that says what to pass; an empty cookie of the same name does not hide the real one;
 * where consent is required, a snapshot leaves experiments' exposures for the browser to track.
 */
import { describe, expect, it } from 'vitest';
import { KameleoonClient as EdgeClient, createSnapshot } from '../../src/edge.ts';
import { InvalidArgument } from '../../src/errors.ts';
import { basicConfig, notModifiedRequester } from './helpers.ts';

describe('server and edge faults', () => {
  it('edge: flushInstant() waits for the conversion that trackConversion’s flush sent', async () => {
    const done: string[] = [];
    let tracking = 0;
    const client = new EdgeClient({
      siteCode: 'edge-site',
      externals: {
        logger: { log() {} },
        requester: {
          sendRequest: async ({ requestType, parameters }) => {
            // The first tracking request (the conversion's) is the slow one.
            const slow = requestType === 'tracking' && ++tracking === 1;
            await new Promise((resolve) => setTimeout(resolve, slow ? 300 : 10));
            if (requestType === 'tracking') done.push(String(parameters.body));
            return requestType === 'configuration' ? new Response(JSON.stringify(basicConfig()), { status: 200 }) : new Response(null, { status: 204 });
          },
        },
      },
    });
    await client.initialize();
    client.getVariation({ visitorCode: 'v1', featureKey: 'ff_50_50' });
    client.trackConversion({ visitorCode: 'v1', goalId: 1 });
    await client.flushInstant('v1'); // what a Worker hands to ctx.waitUntil
    expect(done.join('\n')).toMatch(/eventType=conversion/);
  });

  it('sets one visitor-code cookie on Fetch Headers however often the code is read, and keeps the others', async () => {
    const client = new EdgeClient({ siteCode: 's', configuration: { defaultDataFile: basicConfig() as never }, externals: { logger: { log() {} }, requester: notModifiedRequester } });
    await client.initialize();
    const request = new Request('https://example.com/', { headers: { cookie: 'kameleoonVisitorCode=abc' } });
    const headers = new Headers();
    headers.append('Set-Cookie', 'session=1; Path=/');
    client.getVisitorCode({ request, response: headers });
    client.getVisitorCode({ request, response: headers });
    client.setLegalConsent('abc', true, headers);
    const cookies = headers.getSetCookie();
    expect(cookies.filter((cookie) => cookie.startsWith('kameleoonVisitorCode='))).toHaveLength(1);
    expect(cookies).toContain('session=1; Path=/');
  });

  it('says what to pass for a response whose headers cannot change, with a typed error', async () => {
    const client = new EdgeClient({ siteCode: 's', configuration: { defaultDataFile: basicConfig() as never }, externals: { logger: { log() {} }, requester: notModifiedRequester } });
    await client.initialize();
    const response = Response.redirect('https://example.com/login', 302);
    expect(() => client.getVisitorCode({ request: new Request('https://example.com/'), response })).toThrow(InvalidArgument);
    expect(() => client.getVisitorCode({ request: new Request('https://example.com/'), response })).toThrow(/pass a new Headers/);
  });

  it('reads the visitor code past an empty cookie of the same name', async () => {
    const client = new EdgeClient({ siteCode: 's', configuration: { defaultDataFile: basicConfig() as never }, externals: { logger: { log() {} }, requester: notModifiedRequester } });
    await client.initialize();
    const request = new Request('https://example.com/', { headers: { cookie: 'kameleoonVisitorCode=; kameleoonVisitorCode=abc' } });
    expect(client.getVisitorCode({ request, response: new Headers() })).toBe('abc');
  });

  it('leaves experiments’ exposures to the browser in a snapshot where consent is required (the server may hold them back)', async () => {
    const snapshotOf = async (consentType: string) => {
      const config = basicConfig();
      config.configuration.consentType = consentType;
      const client = new EdgeClient({ siteCode: 's', configuration: { defaultDataFile: config as never }, externals: { logger: { log() {} }, requester: notModifiedRequester } });
      await client.initialize();
      // A visitor in the targeted delivery's traffic (half of them).
      const visitorCode = Array.from({ length: 50 }, (_, i) => `v-consent-${i}`).find((code) => client.getVariation({ visitorCode: code, featureKey: 'ff_targeted_delivery', track: false }).key === 'on')!;
      return createSnapshot(client, { visitorCode, featureKeys: ['ff_50_50', 'ff_targeted_delivery'], track: true, includeConfiguration: false });
    };
    const required = await snapshotOf('REQUIRED');
    expect(Object.keys(required.results).sort()).toEqual(['ff_50_50', 'ff_targeted_delivery']);
    expect(required.tracked).toEqual(['ff_targeted_delivery']);
    expect((await snapshotOf('NOT_REQUIRED')).tracked).toEqual(['ff_50_50', 'ff_targeted_delivery']);
  });
});
