/**
 * getEngineTrackingCode: the official format for the last 5 seconds of assignments, and safe to
 * write into an HTML page whatever the configuration contains.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, KameleoonClient } from '../../src/node.ts';
import { notModifiedRequester } from '../client/helpers.ts';

const HOSTILE = `</script><script>alert(1)</script>'"\`\${alert(2)}\\u2028<!--`;
const SAFE_CODE = /^window\.kameleoonQueue=window\.kameleoonQueue\|\|\[\];(window\.kameleoonQueue\.push\(\['Experiments\.assignVariation',\d+,\d+,true\]\);window\.kameleoonQueue\.push\(\['Experiments\.trigger',\d+,(true|false)\]\);)*$/;

/** A configuration with hostile text in every string field, and a JS variable in one variation. */
function hostileConfig(): object {
  const variable = (type: string) => ({ key: HOSTILE, type, value: type === 'JSON' ? JSON.stringify({ [HOSTILE]: HOSTILE }) : HOSTILE });
  return {
    configuration: { realTimeUpdate: false, consentType: 'NOT_REQUIRED', dataApiDomain: HOSTILE },
    customData: [{ id: 1, index: 0, name: HOSTILE, localOnly: false, isMappingIdentifier: false, scope: 'VISITOR' }],
    segments: [],
    featureFlags: [0, 1].map((n) => ({
      id: n + 1,
      featureKey: `${HOSTILE}${n}`,
      environmentEnabled: true,
      defaultVariationKey: HOSTILE,
      variations: [
        { key: HOSTILE, name: HOSTILE, variables: [] },
        { key: `${HOSTILE}on`, name: HOSTILE, variables: n === 0 ? [variable('JS'), variable('STRING')] : [variable('CSS'), variable('JSON')] },
      ],
      rules: [{
        id: 100 + n, order: 1, type: 'EXPERIMENTATION', exposition: 1, experimentId: 7000 + n, respoolTime: null, segmentId: null,
        variationByExposition: [{ variationKey: `${HOSTILE}on`, variationId: 8000 + n, exposition: 1 }],
      }],
    })),
  };
}

async function client(config: object): Promise<KameleoonClient> {
  const c = new KameleoonClient({ siteCode: HOSTILE, configuration: { defaultDataFile: config as never }, externals: { logger: { log() {} }, requester: notModifiedRequester } });
  await c.initialize();
  return c;
}

describe('getEngineTrackingCode', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-21T10:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('writes only fixed text and numbers, whatever the configuration holds', async () => {
    const c = await client(hostileConfig());
    const visitor = `${HOSTILE}visitor`;
    for (const featureKey of [`${HOSTILE}0`, `${HOSTILE}1`]) expect(c.getVariation({ visitorCode: visitor, featureKey, track: false }).key).toBe(`${HOSTILE}on`);
    const code = c.getEngineTrackingCode(visitor);
    expect(code).toBe(
      "window.kameleoonQueue=window.kameleoonQueue||[];" +
        "window.kameleoonQueue.push(['Experiments.assignVariation',7000,8000,true]);window.kameleoonQueue.push(['Experiments.trigger',7000,false]);" +
        "window.kameleoonQueue.push(['Experiments.assignVariation',7001,8001,true]);window.kameleoonQueue.push(['Experiments.trigger',7001,false]);",
    );
    expect(code).toMatch(SAFE_CODE);
    await c.close();
  });

  it('rejects a configuration whose ids are not integers, so none can reach the page', async () => {
    const config = hostileConfig() as { featureFlags: { rules: { experimentId: unknown; variationByExposition: { variationId: unknown }[] }[] }[] };
    config.featureFlags[0].rules[0].experimentId = '1]);alert(1);//';
    await expect(client(config)).rejects.toThrow(ConfigurationError);
    const other = hostileConfig() as typeof config;
    other.featureFlags[0].rules[0].variationByExposition[0].variationId = 1.5;
    await expect(client(other)).rejects.toThrow(ConfigurationError);
  });

  it('keeps an assignment 5 seconds, tracked or not', async () => {
    const c = await client(hostileConfig());
    c.getVariation({ visitorCode: 'v', featureKey: `${HOSTILE}0`, track: false });
    vi.setSystemTime(Date.now() + 4_900);
    expect(c.getEngineTrackingCode('v')).toContain("'Experiments.assignVariation',7000,8000");
    vi.setSystemTime(Date.now() + 200);
    expect(c.getEngineTrackingCode('v')).toBe('window.kameleoonQueue=window.kameleoonQueue||[];');
    expect(c.getEngineTrackingCode('never-seen')).toBe('window.kameleoonQueue=window.kameleoonQueue||[];');
    await c.close();
  });
});
