/**
 * The OpenFeature web provider under the official `@openfeature/web-sdk`: synchronous
 * resolution for the static context's visitor, the context's attributes added on initialization
 * and on each context change, the `visitorCode` option when the context has no targeting key,
 * configuration changes as events, and track().
 */
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/web-sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KameleoonWebProvider } from '../../src/openfeature/index.ts';
import type { KameleoonClient } from '../../src/node.ts';
import type { KameleoonTestServer } from '../delivery/server.ts';
import { newClient, openFeatureConfig, startServer } from './fixtures.ts';

let server: KameleoonTestServer;
let client: KameleoonClient;

beforeEach(async () => {
  server = await startServer();
  client = newClient(server);
});

afterEach(async () => {
  await OpenFeature.close();
  await OpenFeature.setContext({});
  await client.close();
  await server.stop();
});

const eventually = (condition: () => boolean) => vi.waitUntil(condition, { timeout: 10_000, interval: 20 });

describe('the web provider', () => {
  it('resolves synchronously for the static context, whose attributes target the visitor and follow its changes', async () => {
    await OpenFeature.setContext({ targetingKey: 'web-visitor', customData: { plan: 'premium' } });
    await OpenFeature.setProviderAndWait(new KameleoonWebProvider({ client, variableKey: { ff_values: 'count' } }));
    const of = OpenFeature.getClient();
    expect(of.providerStatus).toBe(ProviderStatus.READY);
    const premium = of.getBooleanDetails('ff_segmented', false);
    expect(premium).toMatchObject({ value: true, reason: 'TARGETING_MATCH', flagMetadata: { ruleId: 1005, ruleType: 'TARGETED_DELIVERY' } });
    expect(of.getNumberDetails('ff_values', 9)).toMatchObject({ value: 0, variant: 'on' });

    // Another visitor, not premium: the context change reaches the client before the next evaluation.
    await OpenFeature.setContext({ targetingKey: 'web-visitor-2', customData: { plan: 'basic' } });
    const basic = of.getBooleanDetails('ff_segmented', false);
    const own = client.getVariationDetails({ visitorCode: 'web-visitor-2', featureKey: 'ff_segmented', track: false });
    expect(basic.variant).toBe(own.variation?.key);
    expect(basic.flagMetadata.ruleId).not.toBe(1005);
    // The same visitor becomes premium.
    await OpenFeature.setContext({ targetingKey: 'web-visitor-2', customData: { plan: 'premium' } });
    expect(of.getBooleanDetails('ff_segmented', false).flagMetadata).toMatchObject({ ruleId: 1005 });
  });

  it('without a targeting key the visitorCode option is the visitor; configuration changes are events; track() converts', async () => {
    await OpenFeature.setProviderAndWait(new KameleoonWebProvider({ client, visitorCode: 'fixed-visitor', goals: { signup: 5 }, variableKey: 'label' }));
    const of = OpenFeature.getClient();
    await eventually(() => client.getConfigurationStatus().streaming);
    const changed = vi.fn();
    of.addHandler(ProviderEvents.ConfigurationChanged, changed);
    expect(of.getStringValue('ff_values', 'x')).toBe('');

    server.setConfig(openFeatureConfig('updated'));
    server.push({ siteCode: 'of-site', ts: 1 });
    await eventually(() => changed.mock.calls.length === 1);
    expect(changed.mock.calls[0][0]).toMatchObject({ flagsChanged: ['ff_values'] });
    expect(of.getStringValue('ff_values', 'x')).toBe('updated');

    of.track('signup', { value: 2 });
    await client.flushInstant();
    expect(server.trackingLines.filter((l) => l.includes('visitorCode=fixed-visitor') && l.includes('eventType=conversion'))).toEqual([expect.stringMatching(/goalId=5&revenue=2&negative=false/)]);
    expect(server.trackingLines.filter((l) => l.includes('visitorCode=fixed-visitor') && l.includes('eventType=experiment'))).toEqual([expect.stringMatching(/id=9101&variationId=9201/)]);
  });

  it('a static context that does not fit: a warning at once, INVALID_CONTEXT from each evaluation, the provider still READY', async () => {
    const warn = vi.fn();
    await OpenFeature.setContext({ targetingKey: 'bad-context', device: 'toaster' });
    await OpenFeature.setProviderAndWait(new KameleoonWebProvider({ client, logger: { warn, error() {}, info() {}, debug() {} } }));
    const of = OpenFeature.getClient();
    expect(of.providerStatus).toBe(ProviderStatus.READY);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/device/i));
    expect(of.getBooleanDetails('ff_values', false)).toMatchObject({ reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
    await OpenFeature.setContext({ targetingKey: 'bad-context', device: 'phone' });
    expect(of.getBooleanDetails('ff_values', false)).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
  });

  it('is refused by the server SDK and the server provider by the web SDK (runsOn)', async () => {
    const { KameleoonServerProvider } = await import('../../src/openfeature/index.ts');
    expect(() => OpenFeature.setProvider(new KameleoonServerProvider({ client }) as never)).toThrow(/server/);
  });
});
