import { afterEach, describe, expect, it, vi } from 'vitest';
import { CustomData, KameleoonClient } from '../../src/node.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import { basicConfig, clientFor } from './helpers.ts';

afterEach(() => vi.useRealTimers());

describe('visitor codes on a server', () => {
  it('reads the cookie from a Node request, a Fetch Request and Headers', async () => {
    const client = await clientFor();
    expect(client.getVisitorCode({ request: { headers: { cookie: 'a=1; kameleoonVisitorCode=abc123; b=2' } } })).toBe('abc123');
    expect(client.getVisitorCode({ request: new Request('http://x/', { headers: { cookie: 'kameleoonVisitorCode=fetch-code' } }) })).toBe('fetch-code');
    expect(client.getVisitorCode({ request: new Headers({ cookie: 'kameleoonVisitorCode=h%20code' }) })).toBe('h code');
  });

  it('uses the default, else generates 16 characters of [a-z0-9], and sets the cookie', async () => {
    const client = await clientFor(basicConfig(), { configuration: { cookieDomain: 'Example.com' } });
    const headers = new Headers();
    expect(client.getVisitorCode({ request: { headers: {} }, response: { headers }, defaultVisitorCode: 'given' })).toBe('given');
    expect(headers.get('set-cookie')).toBe('kameleoonVisitorCode=given; Max-Age=31536000; Path=/; Domain=example.com');
    const generated = new Set(Array.from({ length: 50 }, () => client.getVisitorCode({ request: { headers: {} } })));
    expect(generated.size).toBe(50);
    for (const code of generated) expect(code).toMatch(/^[a-z0-9]{16}$/);
  });

  it('encodes a hostile code so it cannot inject into the Set-Cookie header', async () => {
    const client = await clientFor();
    const set: string[] = [];
    const response = { getHeader: () => set.slice(), setHeader: (_n: string, v: string[]) => set.splice(0, set.length, ...v) };
    const hostile = 'x; Domain=evil.com\r\nSet-Cookie: admin=1';
    client.getVisitorCode({ request: { headers: {} }, response, defaultVisitorCode: hostile });
    expect(set).toHaveLength(1);
    expect(set[0]).not.toMatch(/[\r\n;]\s*(Domain=evil|Set-Cookie)/);
    expect(set[0].startsWith('kameleoonVisitorCode=x%3B%20Domain%3Devil.com%0D%0ASet-Cookie%3A%20admin%3D1;')).toBe(true);
    // ...and reads back as the same code.
    expect(client.getVisitorCode({ request: { headers: { cookie: set[0].split(';')[0] } } })).toBe(hostile);
  });

  it('does not set the cookie before consent when consent is required and no flag has a targeted delivery', async () => {
    const config = basicConfig();
    config.configuration.consentType = 'REQUIRED';
    config.featureFlags = config.featureFlags.filter((f: any) => f.rules.every((r: any) => r.type !== 'TARGETED_DELIVERY'));
    const client = await clientFor(config);
    const headers = new Headers();
    const code = client.getVisitorCode({ request: { headers: {} }, response: { headers } });
    expect(headers.get('set-cookie')).toBeNull();
    client.setLegalConsent(code, true, { headers });
    expect(headers.get('set-cookie')).toContain(`kameleoonVisitorCode=${code}`);
  });
});

describe('visitor data on a server', () => {
  it('forgets visitors after sessionDuration minutes of inactivity, keeping memory bounded', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_000);
    const client = await clientFor(basicConfig(), { configuration: { sessionDuration: 1 } });
    for (let i = 0; i < 1000; i++) client.getVariation({ visitorCode: `v${i}`, featureKey: 'ff_50_50', track: false });
    expect(client.visitorCount).toBe(1000);
    vi.setSystemTime(1_700_000_000_000 + 61_000);
    client.getVariation({ visitorCode: 'late', featureKey: 'ff_50_50', track: false });
    expect(client.visitorCount).toBe(1);
    // A stream of new visitors (one per 60 ms) over ten sessions never holds more than a session's
    // worth (1000), plus one second's worth (17): activity is kept to the second.
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      vi.setSystemTime(1_700_000_100_000 + i * 60);
      client.getVariation({ visitorCode: `s${i}`, featureKey: 'ff_50_50', track: true });
      peak = Math.max(peak, client.visitorCount);
    }
    expect(peak).toBeGreaterThanOrEqual(1000);
    expect(peak).toBeLessThanOrEqual(1000 + 17 + 1);
  });

  it('links a user id to the anonymous visitor through the mapping identifier (cross-device)', async () => {
    const config = basicConfig();
    config.customData.push({ id: 104, index: 5, name: 'user_id', localOnly: false, isMappingIdentifier: true, scope: 'VISITOR' });
    const client = await clientFor(config);
    const keys = (code: string) => ['ff_50_50', 'ff_respool', 'ff_partial_exposition'].map((featureKey) => client.getVariation({ visitorCode: code, featureKey, track: false }).key);
    client.addData('anonymous-1', new CustomData(0, 'premium'), new CustomData('user_id', 'user-42'));
    expect(keys('user-42')).toEqual(keys('anonymous-1'));
    // The user id reads the anonymous visitor's data too: premium targets ff_segmented's TD rule.
    expect(client.getVariation({ visitorCode: 'user-42', featureKey: 'ff_segmented', track: false }).key).toBe('premium_on');
  });
});

describe('visitor data in a browser', () => {
  it('persists each visitor in its own storage entry and reloads it in a new client', async () => {
    const storage = createMemoryStorage();
    const browserLike = { _internals: { packageInfo: { type: 'JAVASCRIPT', version: '4.17.1', isServer: false } }, externals: { storage } };
    const first = await clientFor(basicConfig(), browserLike);
    first.addData('returning', new CustomData(0, 'premium'));
    first.setForcedVariation({ visitorCode: 'returning', experimentId: 2001, variationKey: 'off' });
    first.setLegalConsent('returning', true);
    await first.close();
    expect(storage.read('kameleoonTs.visitor.returning')).not.toBeNull();

    const second = await clientFor(basicConfig(), browserLike);
    expect(second.getVariation({ visitorCode: 'returning', featureKey: 'ff_segmented', track: false }).key).toBe('premium_on');
    expect(second.getVariationDetails({ visitorCode: 'returning', featureKey: 'ff_50_50', track: false }).reason).toEqual({ kind: 'FORCED', experimentId: 2001, forceTargeting: true });
  });

  it('ignores a corrupted storage entry', async () => {
    const storage = createMemoryStorage();
    storage.write('kameleoonTs.visitor.broken', { t: 'not a number', d: 42 });
    const client = await clientFor(basicConfig(), { _internals: { packageInfo: { type: 'JAVASCRIPT', version: '4.17.1', isServer: false } }, externals: { storage } });
    expect(() => client.getVariation({ visitorCode: 'broken', featureKey: 'ff_50_50', track: false })).not.toThrow();
  });
});

describe('getVisitorCode through a cookie manager (official externals)', () => {
  it('reads and writes the visitor code cookie and applies the simulation cookie', async () => {
    const cookies = new Map<string, string>([['kameleoonSimulationFFData', encodeURIComponent(JSON.stringify({ ff_50_50: { expId: 2001, varId: 3001 }, ff_respool: { expId: 0 }, unknown: { expId: 1, varId: 1 } }))]]);
    const client = await clientFor(basicConfig(), {
      externals: { visitorCodeManager: { getData: (k) => cookies.get(k) ?? null, setData: ({ key, visitorCode }) => void cookies.set(key, visitorCode) } },
    });
    const code = client.getVisitorCode('first-visit');
    expect(code).toBe('first-visit');
    expect(cookies.get('kameleoonVisitorCode')).toBe('first-visit');
    const details = client.getVariationDetails({ visitorCode: code, featureKey: 'ff_50_50' });
    expect(details.variation).toMatchObject({ key: 'off', id: 3001, experimentId: 2001 });
    expect(details.reason).toEqual({ kind: 'SIMULATED', experimentId: 2001 });
    expect(client.getVariation({ visitorCode: code, featureKey: 'ff_respool' })).toMatchObject({ key: 'off', id: null, experimentId: null });
    // Hostile simulation cookies are ignored.
    cookies.set('kameleoonSimulationFFData', '%7B%22__proto__%22%3A%7B%22expId%22%3A1%7D');
    expect(() => client.getVisitorCode()).not.toThrow();
    expect(({} as any).expId).toBeUndefined();
  });
});

it('KameleoonClient can be imported and constructed without a configuration', () => {
  expect(new KameleoonClient({ siteCode: 'x' }).isInitialized()).toBe(false);
});
