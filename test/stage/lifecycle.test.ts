// @vitest-environment jsdom
/**
 * The first stage's life around the takeover, as the full client behaves: a close() before it
 * sends what was tracked; listeners that throw are logged, never passed on to the caller or to
 * initialize(); subscriptions with bad arguments throw at once; one function may listen to both
 * status and data; a SEGMENT condition on another rule's inline segment is left to the full client.
 */
import { describe, expect, it } from 'vitest';
import * as entry from '../../src/stage/entry.ts';
import { cacheKey } from '../../src/config/cache.ts';
import { InvalidArgument } from '../../src/errors.ts';
import basic from '../conformance/fixtures/synthetic-configs/basic.json';

/** A first-stage client on a cached configuration; `lines` gets the tracking lines sent, `logs` the log lines. */
function start(site: string, json: unknown = basic) {
  const store = new Map<string, unknown>([[cacheKey(site), { siteCode: site, environment: 'production', fetchedAt: Date.now(), lastModified: undefined, json }]]);
  const lines: string[] = [];
  const logs: string[] = [];
  const client = new entry.KameleoonClient({
    siteCode: site,
    externals: {
      requester: {
        sendRequest: async ({ requestType, parameters }) => {
          if (requestType === 'tracking') lines.push(...String(parameters.body).split('\n'));
          return new Response(null, { status: requestType === 'configuration' ? 304 : 204 });
        },
      },
      storage: { read: (key: string) => structuredClone(store.get(key) ?? null), write: (key: string, data: unknown) => void store.set(key, data) },
      visitorCodeManager: { getData: () => null, setData: () => undefined },
      logger: { log: (level, message) => void logs.push(`${level} ${message}`) },
    },
  });
  return { client, lines, logs };
}

describe('the first stage around the takeover', () => {
  it('hands what it was given over to the full client when closed before the takeover, and the close sends it', async () => {
    const { client, lines } = start('close-early');
    void client.initialize().catch(() => undefined);
    client.addData('v1', new entry.CustomData(0, 'premium'));
    client.getVariation({ visitorCode: 'v1', featureKey: 'ff_50_50' });
    client.trackConversion({ visitorCode: 'v1', goalId: 7 });
    await client.close();
    const mine = lines.filter((line) => line.includes('visitorCode=v1'));
    expect(mine.some((line) => line.startsWith('eventType=experiment'))).toBe(true);
    expect(mine.some((line) => line.startsWith('eventType=conversion') && line.includes('goalId=7'))).toBe(true);
    expect(mine.some((line) => line.startsWith('eventType=customData'))).toBe(true);
  });

  it('logs what a listener throws, as the full client does: initialize() and addData() go on', async () => {
    const { client, logs } = start('throwing-listeners');
    client.onStatusChange(() => {
      throw new Error('status listener bug');
    });
    client.onVisitorDataChange(() => {
      throw new Error('data listener bug');
    });
    const ready = client.initialize();
    expect(() => client.addData('v1', new entry.CustomData(0, 'x'))).not.toThrow();
    await expect(ready).resolves.toBe(true);
    expect(logs.filter((line) => line.includes('An event handler threw') && line.includes('status listener bug')).length).toBeGreaterThan(0);
    expect(logs.filter((line) => line.includes('An event handler threw') && line.includes('data listener bug')).length).toBeGreaterThan(0);
    await client.close();
  });

  it('throws at once for a subscription with bad arguments, and the takeover goes on', async () => {
    const { client } = start('bad-subscriptions');
    expect(() => client.onEvent('evaluation' as never, undefined as never)).toThrow(InvalidArgument);
    expect(() => client.onEvent('no such event' as never, () => undefined)).toThrow(InvalidArgument);
    expect(() => client.onConfigurationUpdate(undefined as never)).toThrow(InvalidArgument);
    expect(() => client.onStatusChange(42 as never)).toThrow(InvalidArgument);
    expect(() => client.onVisitorDataChange(null as never)).toThrow(InvalidArgument);
    await expect(client.initialize()).resolves.toBe(true);
    expect(client.getFeatureList().length).toBeGreaterThan(0); // a method only the full client has
    await client.close();
  });

  it('keeps a function given to both onStatusChange and onVisitorDataChange apart: removing one leaves the other', async () => {
    const { client } = start('same-function');
    let calls = 0;
    const listener = () => void calls++;
    const offStatus = client.onStatusChange(listener);
    client.onVisitorDataChange(listener);
    await client.initialize();
    offStatus();
    calls = 0;
    client.addData('v1', new entry.CustomData(0, 'x'));
    expect(calls).toBe(1);
    await client.close();
  });

  it('hands its evaluations over after a tab was hidden and shown again: Evaluation events fire, nothing is sent twice', async () => {
    const { client, lines } = start('hidden-tab');
    let evaluations = 0;
    client.onEvent(entry.EventType.Evaluation, () => void evaluations++);
    const ready = client.initialize();
    client.addData('v1', new entry.CustomData(0, 'premium'));
    const variation = client.getVariation({ visitorCode: 'v1', featureKey: 'ff_50_50' });
    client.getVariation({ visitorCode: 'v1', featureKey: 'ff_targeted_delivery', track: false });
    // The tab is switched away (what is given so far is stored, in case it is killed), then back.
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    await ready;
    expect(evaluations).toBe(2);
    expect(client.getVariation({ visitorCode: 'v1', featureKey: 'ff_50_50', track: false }).key).toBe(variation.key);
    await client.flushInstant();
    const mine = lines.filter((line) => line.includes('visitorCode=v1'));
    expect(mine.filter((line) => line.startsWith('eventType=experiment'))).toHaveLength(1);
    expect(mine.filter((line) => line.startsWith('eventType=customData'))).toHaveLength(1);
    await client.close();
  });

  it('leaves to the full client a SEGMENT condition on another rule’s inline segment', async () => {
    const segment = (id: number, conditions: unknown[]) => ({ id, name: `s${id}`, conditionsData: { firstLevelOrOperators: [], firstLevel: [{ orOperators: [], conditions }] } });
    const flag = (id: number, featureKey: string, inline: unknown) => ({
      id,
      featureKey,
      environmentEnabled: true,
      defaultVariationKey: 'off',
      variations: [{ key: 'off', variables: [] }, { key: 'on', variables: [] }],
      rules: [{ id: id * 10, order: 1, type: 'TARGETED_DELIVERY', exposition: 1, experimentId: id * 100, respoolTime: null, segment: inline, variationByExposition: [{ variationKey: 'on', variationId: id * 1000, exposition: 1 }] }],
    });
    // No top-level segments: flag_b's segment reaches flag_a's, whose condition (the browser) the first stage does not evaluate.
    const json = {
      configuration: { realTimeUpdate: false, consentType: 'NOT_REQUIRED', consentOptOutBehavior: 'PARTIALLY_BLOCK', dataApiDomain: 'data.kameleoon.io' },
      customData: [],
      featureFlags: [flag(1, 'flag_a', segment(10, [{ targetingType: 'BROWSER', browser: 'CHROME', isInclude: true }])), flag(2, 'flag_b', segment(11, [{ targetingType: 'SEGMENT', segmentId: 10, isInclude: true }]))],
    };
    const { client } = start('inline-segments', json);
    const ready = client.initialize();
    const early = client.getVariationDetails({ visitorCode: 'v1', featureKey: 'flag_b', track: false });
    expect(early.reason.kind).toBe('ERROR'); // not answered: the full client's to decide
    await ready;
    expect(client.getVariation({ visitorCode: 'v1', featureKey: 'flag_b', track: false }).key).toBe('off'); // jsdom's browser is not Chrome
    await client.close();
  });
});
