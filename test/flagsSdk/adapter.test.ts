/**
 * The Flags SDK adapter with the real `flags/next` outside a Next.js server (flags called with a
 * request, as the Pages Router and middleware call them), against a local configuration server:
 * identify reads the cookie, decide is the client's decision, toolbar overrides win, values
 * survive precompute's serialize/deserialize, and getProviderData lists flags and variations.
 */
import { encryptOverrides } from 'flags';
import { deserialize, evaluate, flag, getProviderData as mergeFlags, serialize } from 'flags/next';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKameleoonAdapter, getProviderData } from '../../src/flagsSdk/index.ts';
import type { KameleoonClient } from '../../src/node.ts';
import type { KameleoonTestServer } from '../delivery/server.ts';
import { newClient, serverParams, startServer } from '../openfeature/fixtures.ts';

const SECRET = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'; // 32 bytes, base64url

let server: KameleoonTestServer;
let client: KameleoonClient;

beforeAll(async () => {
  server = await startServer();
  client = newClient(server);
  await client.initialize();
  vi.stubEnv('FLAGS_SECRET', SECRET);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await client.close();
  await server.stop();
});

afterEach(() => vi.restoreAllMocks());

const request = (cookies: Record<string, string> = {}) => new Request('https://shop.example/', { headers: { cookie: Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ') } });
const visitor = (code: string) => request({ kameleoonVisitorCode: code });

describe('decide', () => {
  it("is the client's decision for the cookie's visitor: active, variation key, variables (false, 0 and '' included)", async () => {
    const kameleoon = createKameleoonAdapter({ client, track: false });
    const active = flag<boolean>({ key: 'ff_50_50', adapter: kameleoon.isActive() });
    const variation = flag<string>({ key: 'ff_50_50', adapter: kameleoon.variation() });
    const enabled = flag<boolean>({ key: 'ff_values', adapter: kameleoon.variable<boolean>('enabled'), defaultValue: true });
    const count = flag<number>({ key: 'ff_values', adapter: kameleoon.variable<number>('count'), defaultValue: 5 });
    const label = flag<string>({ key: 'ff_values', adapter: kameleoon.variable<string>('label'), defaultValue: 'x' });
    const keys = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const code = `flags-visitor-${i}`;
      const own = client.getVariation({ visitorCode: code, featureKey: 'ff_50_50', track: false }).key;
      keys.add(own);
      expect(await variation(visitor(code))).toBe(own);
      expect(await active(visitor(code))).toBe(own !== 'off');
    }
    expect([...keys].sort()).toEqual(['off', 'on']);
    expect([await enabled(visitor('v')), await count(visitor('v')), await label(visitor('v'))]).toEqual([false, 0, '']);
  });

  it('featureKey: two flags of one feature, each with its own key (the Flags SDK caches a request\'s values by flag key)', async () => {
    const kameleoon = createKameleoonAdapter({ client, track: false });
    const variation = flag<string>({ key: 'ff_values', adapter: kameleoon.variation() });
    const count = flag<number>({ key: 'values-count', adapter: kameleoon.variable<number>('count', { featureKey: 'ff_values' }), defaultValue: 5 });
    const values = await evaluate([variation, count], visitor('two-flags'));
    expect(values).toEqual(['on', 0]);
    expect(await count(visitor('two-flags'))).toBe(0);
    expect(() => kameleoon.variation({ featureKey: '' })).toThrow(expect.objectContaining({ name: 'InvalidArgument' }));
  });

  it('without the cookie: the flag default, with the reason logged by the Flags SDK; without a default, a rejection', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const kameleoon = createKameleoonAdapter({ client });
    expect(await flag<boolean>({ key: 'ff_values', adapter: kameleoon.isActive(), defaultValue: false })(request())).toBe(false);
    expect(String(warn.mock.calls.flat().find((a) => a instanceof Error))).toContain('no visitor code');
    await expect(flag<boolean>({ key: 'ff_values', adapter: kameleoon.isActive() })(request())).rejects.toThrow(/no visitor code/);
  });

  it('an override set from the toolbar (vercel-flag-overrides) wins over the decision', async () => {
    const kameleoon = createKameleoonAdapter({ client, track: false });
    const variation = flag<string>({ key: 'ff_values', adapter: kameleoon.variation() });
    expect(await variation(visitor('overridden'))).toBe('on');
    const overrides = await encryptOverrides({ ff_values: 'off' }, SECRET);
    expect(await variation(request({ kameleoonVisitorCode: 'overridden', 'vercel-flag-overrides': overrides }))).toBe('off');
  });

  it('evaluate() decides a group in one bulk call; values survive serialize/deserialize (precompute)', async () => {
    const kameleoon = createKameleoonAdapter({ client, track: false });
    const flags = [
      flag<boolean>({ key: 'ff_50_50', adapter: kameleoon.isActive(), options: [false, true] }),
      flag<string>({ key: 'ff_values', adapter: kameleoon.variation(), options: ['off', 'on'] }),
      flag<string>({ key: 'no_such_flag', adapter: kameleoon.variation(), defaultValue: 'fallback' }),
    ] as const;
    const bulk = vi.spyOn(flags[0].adapter!, 'bulkDecide');
    expect(flags[0].adapter!.adapterId).not.toBe(flags[1].adapter!.adapterId); // one bulkDecide decides one kind of value
    expect(kameleoon.isActive().adapterId).toBe(flags[0].adapter!.adapterId);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const values = await evaluate(flags, visitor('bulk-visitor'));
    expect(bulk).toHaveBeenCalledTimes(1);
    const own = client.getVariation({ visitorCode: 'bulk-visitor', featureKey: 'ff_50_50', track: false }).key;
    expect(values).toEqual([own !== 'off', 'on', 'fallback']);
    const code = await serialize(flags, values, SECRET);
    expect(await deserialize(flags, code, SECRET)).toEqual({ ff_50_50: own !== 'off', ff_values: 'on', no_such_flag: 'fallback' });
  });

  it('tracks the exposure unless track is false', async () => {
    const tracked = flag<boolean>({ key: 'ff_values', adapter: createKameleoonAdapter({ client }).isActive() });
    const untracked = flag<boolean>({ key: 'ff_values', adapter: createKameleoonAdapter({ client }).isActive({ track: false }) });
    await tracked(visitor('tracked-visitor'));
    await untracked(visitor('untracked-visitor'));
    await client.flushInstant();
    const exposures = (code: string) => server.trackingLines.filter((l) => l.includes(`visitorCode=${code}`) && l.includes('eventType=experiment'));
    expect(exposures('tracked-visitor')).toHaveLength(1);
    expect(exposures('untracked-visitor')).toEqual([]);
  });
});

describe('options', () => {
  it('bad options are typed errors', () => {
    expect(() => createKameleoonAdapter({})).toThrow(expect.objectContaining({ name: 'InvalidArgument', message: expect.stringContaining('siteCode') }));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    createKameleoonAdapter({ client, trak: true, siteCode: 's' } as never);
    expect(warn.mock.calls).toEqual([[expect.stringContaining('option(s) trak, siteCode ignored')]]);
    expect(() => createKameleoonAdapter({ client }).variable('')).toThrow(expect.objectContaining({ name: 'InvalidArgument' }));
    expect(() => createKameleoonAdapter({ client }).isActive({ track: 1 as never })).toThrow(expect.objectContaining({ name: 'InvalidArgument' }));
  });
});

describe('getProviderData', () => {
  it('lists every flag with its variations, merged with the flags declared in code', async () => {
    const kameleoon = createKameleoonAdapter({ client, origin: (key) => `https://app.kameleoon.com/flags/${key}` });
    const data = await getProviderData({ client, origin: (key) => `https://app.kameleoon.com/flags/${key}` });
    expect(Object.keys(data.definitions)).toEqual([...client.getDataFile().featureFlags.keys()]);
    expect(data.definitions.ff_values).toEqual({ description: 'Kameleoon feature flag; default variation off', options: [{ value: 'off', label: 'off' }, { value: 'on', label: 'on' }], origin: 'https://app.kameleoon.com/flags/ff_values' });
    expect(data.definitions.ff_env_disabled.description).toContain('disabled');
    expect((await getProviderData(kameleoon)).definitions.ff_values.options).toHaveLength(2);
    const declared = mergeFlags({ banner: flag<boolean>({ key: 'ff_values', adapter: kameleoon.isActive() }) });
    expect(declared.definitions.ff_values).toMatchObject({ origin: 'https://app.kameleoon.com/flags/ff_values' });
  });

  it('a configuration that cannot be loaded is a hint, not a failure', async () => {
    server.configMode = 'error500';
    try {
      const data = await getProviderData(serverParams(server));
      expect(data.definitions).toEqual({});
      expect(data.hints).toEqual([{ key: 'kameleoon-ts/configuration', text: expect.stringContaining('no configuration could be loaded') }]);
    } finally {
      server.configMode = 'ok';
    }
  });
});
