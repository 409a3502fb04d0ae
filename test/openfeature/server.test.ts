/**
 * The OpenFeature server provider under the official `@openfeature/server-sdk`, against a local
 * configuration server: values (false, 0 and '' included), variants, reasons and flag metadata as
 * the client decides them; error codes; the context as visitor data; track() as conversions;
 * exposures once per variation; events from the client's status and configuration updates; and
 * what onClose closes.
 */
import { OpenFeature, ProviderEvents, ProviderStatus, type Client, type EvaluationDetails, type FlagValue } from '@openfeature/server-sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KameleoonServerProvider } from '../../src/openfeature/index.ts';
import type { KameleoonClient, VariationDetails } from '../../src/node.ts';
import type { KameleoonTestServer } from '../delivery/server.ts';
import { newClient, openFeatureConfig, serverParams, startServer } from './fixtures.ts';

let server: KameleoonTestServer;
let client: KameleoonClient;
let of: Client;

beforeEach(async () => {
  server = await startServer();
  client = newClient(server);
  await OpenFeature.setProviderAndWait(new KameleoonServerProvider({ client }));
  of = OpenFeature.getClient();
});

afterEach(async () => {
  await OpenFeature.close();
  await client.close();
  await server.stop();
});

const eventually = (condition: () => boolean) => vi.waitUntil(condition, { timeout: 10_000, interval: 20 });

/** OpenFeature's reason for the client's own details (the README's table). */
function expectedReason(details: VariationDetails): string {
  const { reason } = details;
  if (reason.kind === 'DEFAULT') return 'DEFAULT';
  if (reason.kind === 'RULE_MATCH' && reason.ruleType === 'EXPERIMENTATION') return 'SPLIT';
  return reason.kind === 'ERROR' ? 'ERROR' : 'TARGETING_MATCH';
}

describe('values', () => {
  it('false, 0, an empty string and JSON are values, with the variant and the targeting reason', async () => {
    const context = { targetingKey: 'visitor-values' };
    const bool = await of.getBooleanDetails('ff_values', true, { ...context, variableKey: 'enabled' });
    const count = await of.getNumberDetails('ff_values', 7, { ...context, variableKey: 'count' });
    const label = await of.getStringDetails('ff_values', 'fallback', { ...context, variableKey: 'label' });
    const payload = await of.getObjectDetails('ff_values', {}, { ...context, variableKey: 'payload' });
    for (const details of [bool, count, label, payload] as EvaluationDetails<FlagValue>[]) {
      expect(details.errorCode).toBeUndefined();
      expect(details.variant).toBe('on');
      expect(details.reason).toBe('TARGETING_MATCH');
      expect(details.flagMetadata).toEqual({ kameleoonReason: 'RULE_MATCH', experimentId: 9101, variationId: 9201, ruleId: 9001, ruleType: 'TARGETED_DELIVERY' });
    }
    expect([bool.value, count.value, label.value, payload.value]).toEqual([false, 0, '', { items: [1, 2], ok: false }]);
  });

  it('a boolean without a variable is whether the flag is active; the provider option names the variable otherwise', async () => {
    expect(await of.getBooleanValue('ff_values', false, { targetingKey: 'v1' })).toBe(true);
    expect(await of.getBooleanValue('ff_env_disabled', true, { targetingKey: 'v1' })).toBe(true); // the default: DISABLED
    await OpenFeature.setProviderAndWait(new KameleoonServerProvider({ client, variableKey: 'count' }));
    expect(await of.getNumberDetails('ff_values', 5, { targetingKey: 'v1' })).toMatchObject({ value: 0, variant: 'on' });
    // The context's variableKey wins over the option.
    expect(await of.getStringValue('ff_values', 'x', { targetingKey: 'v1', variableKey: 'label' })).toBe('');
    // Without either: the variation's first variable (as the official provider).
    await OpenFeature.setProviderAndWait(new KameleoonServerProvider({ client }));
    expect(await of.getStringValue('ff_50_50', 'none', { targetingKey: 'v-first' })).toBe(client.getVariation({ visitorCode: 'v-first', featureKey: 'ff_50_50', track: false }).key === 'on' ? 'blue' : 'none');
  });

  it('variants and reasons are the client decisions, for many visitors and flags', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      for (const flag of ['ff_50_50', 'ff_partial_exposition', 'ff_targeted_delivery', 'ff_segmented', 'ff_exclude_premium']) {
        const visitorCode = `visitor-${i}`;
        const context = { targetingKey: visitorCode, customData: { plan: i % 3 === 0 ? 'premium' : 'basic' } };
        const details = await of.getBooleanDetails(flag, false, context);
        const own = client.getVariationDetails({ visitorCode, featureKey: flag, track: false });
        expect(details.variant, `${flag} ${visitorCode}`).toBe(own.variation?.key);
        expect(details.value).toBe(own.variation?.key !== 'off');
        expect(details.reason).toBe(expectedReason(own));
        seen.add(String(details.reason));
      }
    }
    expect([...seen].sort()).toEqual(['DEFAULT', 'SPLIT', 'TARGETING_MATCH']);
  });

  it('a DEFAULT reason carries why in the metadata; a variation without the variable resolves to the default value', async () => {
    let visitor = 0;
    const visitorWith = (flag: string, test: (d: VariationDetails) => boolean): string => {
      while (!test(client.getVariationDetails({ visitorCode: `v-${++visitor}`, featureKey: flag, track: false }))) if (visitor > 1000) throw new Error(`no visitor for ${flag}`);
      return `v-${visitor}`;
    };
    const outside = visitorWith('ff_partial_exposition', (d) => d.reason.kind === 'DEFAULT');
    const own = client.getVariationDetails({ visitorCode: outside, featureKey: 'ff_partial_exposition', track: false });
    const details = await of.getBooleanDetails('ff_partial_exposition', true, { targetingKey: outside });
    expect(details).toMatchObject({ value: false, variant: own.variation?.key, reason: 'DEFAULT', flagMetadata: { kameleoonReason: 'DEFAULT', defaultReason: (own.reason as { why: string }).why } });

    // ff_50_50: `on` has the variable color, `off` none.
    const offVisitor = visitorWith('ff_50_50', (d) => d.variation?.key === 'off');
    const off = await of.getStringDetails('ff_50_50', 'dflt', { targetingKey: offVisitor, variableKey: 'color' });
    expect(off.errorCode).toBeUndefined();
    expect(off).toMatchObject({ value: 'dflt', variant: 'off', reason: 'DEFAULT', flagMetadata: { kameleoonReason: 'RULE_MATCH', ruleType: 'EXPERIMENTATION' } });
    const onVisitor = visitorWith('ff_50_50', (d) => d.variation?.key === 'on');
    expect(await of.getStringDetails('ff_50_50', 'dflt', { targetingKey: onVisitor, variableKey: 'color' })).toMatchObject({ value: 'blue', variant: 'on', reason: 'SPLIT' });
    // No variation of the flag has the variable: the caller's mistake, reported.
    const missing = await of.getNumberDetails('ff_values', 3, { targetingKey: 'v1', variableKey: 'size' });
    expect(missing).toMatchObject({ value: 3, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', errorMessage: 'Feature flag "ff_values" has no variable "size".' });
  });
});

describe('error codes', () => {
  it('flag not found, targeting key missing, type mismatch, invalid context, disabled', async () => {
    expect(await of.getBooleanDetails('no_such_flag', true, { targetingKey: 'v1' })).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(await of.getBooleanDetails('ff_values', true, {})).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'TARGETING_KEY_MISSING' });
    expect(await of.getStringDetails('ff_values', 'd', { targetingKey: 'v1', variableKey: 'count' })).toMatchObject({ value: 'd', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(await of.getObjectDetails('ff_values', {}, { targetingKey: 'v1', variableKey: 'label' })).toMatchObject({ errorCode: 'TYPE_MISMATCH' });
    const invalid = await of.getBooleanDetails('ff_values', false, { targetingKey: 'v1', device: 'toaster' });
    expect(invalid).toMatchObject({ value: false, reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
    expect(invalid.errorMessage).toMatch(/device/i);
    expect(await of.getBooleanDetails('ff_values', false, { targetingKey: 'x'.repeat(256) })).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
    expect(await of.getBooleanDetails('ff_values', false, { targetingKey: 'v1', variableKey: 12 })).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
    const disabled = await of.getBooleanDetails('ff_env_disabled', true, { targetingKey: 'v1' });
    expect(disabled).toMatchObject({ value: true, reason: 'DISABLED' });
    expect(disabled.errorCode).toBeUndefined();
  });

  it('bad options are typed errors; unknown options warn', () => {
    expect(() => new KameleoonServerProvider({})).toThrow(expect.objectContaining({ name: 'InvalidArgument', message: expect.stringContaining('siteCode') }));
    expect(() => new KameleoonServerProvider({ client, track: 'yes' as never })).toThrow(expect.objectContaining({ name: 'InvalidArgument' }));
    expect(() => new KameleoonServerProvider({ client, goals: { buy: 'one' as never } })).toThrow(expect.objectContaining({ name: 'InvalidArgument' }));
    const warn = vi.fn();
    new KameleoonServerProvider({ client, variabelKey: 'x', siteCode: 's', logger: { warn, error() {}, info() {}, debug() {} } } as never);
    expect(warn.mock.calls.map(([m]) => m)).toEqual([expect.stringContaining('"variabelKey" ignored: unknown option'), expect.stringContaining('"siteCode" ignored: the client')]);
  });
});

describe('the evaluation context', () => {
  it('custom data by name, by index and in the official array form target the visitor', async () => {
    const premium = (visitor: string, context: Record<string, unknown>) => of.getBooleanDetails('ff_segmented', false, { targetingKey: visitor, ...(context as object) });
    for (const [visitor, context] of [
      ['by-name', { customData: { plan: 'premium' } }],
      ['by-index', { customData: { 0: 'premium' } }],
      ['official', { customData: [{ index: 0, values: ['premium'] }] }],
      ['attribute', { plan: 'premium' }], // an attribute named after a custom data of the configuration
    ] as const) {
      const details = await premium(visitor, context);
      expect(details.flagMetadata, visitor).toMatchObject({ kameleoonReason: 'RULE_MATCH', ruleType: 'TARGETED_DELIVERY', ruleId: 1005 });
    }
    const none = await premium('nobody', {});
    expect(none.flagMetadata.ruleType).not.toBe('TARGETED_DELIVERY');
  });

  it('the other attributes become the SDK data types; unknown ones warn once', async () => {
    const added: unknown[][] = [];
    const addData = client.addData.bind(client);
    vi.spyOn(client, 'addData').mockImplementation(((visitorCode: string, ...data: never[]) => {
      added.push(data);
      addData(visitorCode, ...data);
    }) as never);
    const warn = vi.fn();
    OpenFeature.setLogger({ warn, error() {}, info() {}, debug() {} });
    const context = {
      targetingKey: 'mapped',
      pageView: { url: 'https://shop.example/cart', title: 'Cart', referrers: [1] },
      browser: { type: 'firefox', version: 120 },
      device: 'phone',
      operatingSystem: 'linux',
      geolocation: { country: 'France', city: 'Paris', latitude: 48.85, longitude: 2.35 },
      conversion: { goalId: 42, revenue: 10 },
      cookie: 'a=1; b=2',
      userAgent: 'Mozilla/5.0',
      applicationVersion: '1.2.3',
      uniqueIdentifier: false,
      unrelated: 'x',
    };
    await of.getBooleanValue('ff_values', false, context);
    await of.getBooleanValue('ff_targeted_delivery', false, context); // the same context: nothing added again
    await of.getBooleanValue('ff_values', false, { ...context, device: 'desktop' }); // only what changed
    expect(added.map((items) => items.map((item) => (item as { kind: string }).kind))).toEqual([
      ['pageView', 'browser', 'device', 'operatingSystem', 'geolocation', 'conversion', 'cookie', 'userAgent', 'applicationVersion', 'uniqueIdentifier'],
      ['device'],
    ]);
    expect(added[0]).toMatchObject([
      { urlAddress: 'https://shop.example/cart', title: 'Cart', referrers: [1] },
      { browser: 'FIREFOX', version: 120 },
      { device: 'PHONE' },
      { operatingSystem: 'LINUX' },
      { country: 'France', city: 'Paris', coordinates: [48.85, 2.35] },
      { goalId: 42, revenue: 10, negative: false },
      { cookies: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] },
      { value: 'Mozilla/5.0' },
      { version: '1.2.3' },
      { value: false },
    ]);
    expect(warn.mock.calls.filter(([m]) => String(m).includes('"unrelated"'))).toHaveLength(1);
  });
});

describe('tracking', () => {
  const lines = (pattern: RegExp) => server.trackingLines.filter((line) => pattern.test(line));

  it('an exposure is tracked once per variation, as getVariation tracks it; track: false tracks none', async () => {
    for (let i = 0; i < 3; i++) await of.getBooleanValue('ff_values', false, { targetingKey: 'exposed' });
    await client.flushInstant();
    expect(lines(/eventType=experiment/).filter((l) => l.includes('visitorCode=exposed'))).toEqual([expect.stringMatching(/id=9101&variationId=9201/)]);

    await OpenFeature.setProviderAndWait(new KameleoonServerProvider({ client, track: false }));
    await of.getBooleanValue('ff_values', false, { targetingKey: 'unexposed' });
    await client.flushInstant();
    expect(server.trackingLines.filter((l) => l.includes('visitorCode=unexposed'))).toEqual([]);
  });

  it('track() is a conversion of the goal: by its id as the event name, or through the goals option', async () => {
    of.track('123', { targetingKey: 'buyer' }, { value: 9.5 });
    await OpenFeature.setProviderAndWait(new KameleoonServerProvider({ client, goals: { purchase: 77 } }));
    of.track('purchase', { targetingKey: 'buyer' }, { value: 3, negative: true });
    await client.flushInstant();
    const conversions = server.trackingLines.filter((l) => l.includes('visitorCode=buyer') && l.includes('eventType=conversion'));
    expect(conversions).toHaveLength(2);
    expect(conversions[0]).toMatch(/goalId=123&revenue=9\.5&negative=false/);
    expect(conversions[1]).toMatch(/goalId=77&revenue=3&negative=true/);
    const warn = vi.fn();
    const provider = new KameleoonServerProvider({ client, logger: { warn, error() {}, info() {}, debug() {} } });
    expect(() => provider.track('signup', { targetingKey: 'buyer' }, {})).toThrow(expect.objectContaining({ name: 'InvalidArgument', message: expect.stringContaining('no goal id') }));
    expect(() => provider.track('1', {}, {})).toThrow(expect.objectContaining({ name: 'InvalidArgument', message: expect.stringContaining('targetingKey') }));
    expect(warn).toHaveBeenCalledTimes(2);
  });
});

describe('events and lifecycle', () => {
  it('configuration changed on every update, with the flags that changed; stale and ready again from the status', async () => {
    await eventually(() => client.getConfigurationStatus().streaming);
    const changes: (string[] | undefined)[] = [];
    const statuses: string[] = [];
    of.addHandler(ProviderEvents.ConfigurationChanged, (details) => void changes.push(details?.flagsChanged));
    of.addHandler(ProviderEvents.Stale, () => void statuses.push('stale'));
    of.addHandler(ProviderEvents.Ready, () => void statuses.push('ready'));
    of.addHandler(ProviderEvents.Error, () => void statuses.push('error'));
    statuses.length = 0; // a Ready handler added to a ready provider runs at once

    server.setConfig(openFeatureConfig('second'));
    server.push({ siteCode: 'of-site', ts: 1 });
    await eventually(() => changes.length === 1);
    expect(changes[0]).toEqual(['ff_values']);
    expect(await of.getStringValue('ff_values', 'x', { targetingKey: 'v', variableKey: 'label' })).toBe('second');

    server.configMode = 'error500';
    server.push({ siteCode: 'of-site', ts: 2 });
    await eventually(() => statuses.includes('stale'));
    expect(of.providerStatus).toBe(ProviderStatus.STALE);
    server.configMode = 'ok';
    server.setConfig(openFeatureConfig('third'));
    server.push({ siteCode: 'of-site', ts: 3 });
    await eventually(() => changes.length === 2);
    await eventually(() => statuses.at(-1) === 'ready');
    expect(statuses).toEqual(['stale', 'ready']);
    expect(of.providerStatus).toBe(ProviderStatus.READY);
  });

  it('a client that cannot load a configuration puts the provider in ERROR; its later success in READY', async () => {
    server.configMode = 'error500';
    const failing = newClient(server, { configuration: { updateInterval: 1 } });
    const ready = vi.fn();
    const provider = new KameleoonServerProvider({ client: failing });
    await expect(OpenFeature.setProviderAndWait('failing', provider)).rejects.toBeDefined();
    const domain = OpenFeature.getClient('failing');
    expect(domain.providerStatus).toBe(ProviderStatus.ERROR);
    expect(await domain.getBooleanDetails('ff_values', false, { targetingKey: 'v' })).toMatchObject({ errorCode: expect.stringMatching(/PROVIDER_NOT_READY|GENERAL/) });
    domain.addHandler(ProviderEvents.Ready, ready);
    server.configMode = 'ok';
    await failing.initialize(); // the client's retry, without waiting for its backoff
    await eventually(() => ready.mock.calls.length > 0);
    expect(domain.providerStatus).toBe(ProviderStatus.READY);
    await failing.close();
  });

  it('onClose closes the client the provider built from its parameters, never a client it was given', async () => {
    const built = new KameleoonServerProvider(serverParams(server));
    await OpenFeature.setProviderAndWait('built', built);
    expect(await OpenFeature.getClient('built').getBooleanValue('ff_values', false, { targetingKey: 'v' })).toBe(true);
    await OpenFeature.close();
    expect(built.client.getConfigurationStatus().status).toBe('closed');
    expect(client.getConfigurationStatus().status).not.toBe('closed');
  });
});
