/**
 * Remote data through the client, against a local Data API on 127.0.0.1: what getRemoteVisitorData
 * adds to the visitor reaches targeting; custom data of VISITOR scope is added even when
 * `shouldAddData` is false; the warehouse audience is stored; the OAuth token is sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KameleoonClient } from '../../src/node.ts';
import { notModifiedRequester } from '../client/helpers.ts';
import { DataApiTestServer } from './server.ts';
import { VISITOR, visitorDataFixture } from './fixtures.ts';

/** Flag `plan_gate`: 'on' for visitors whose custom data 0 is 'enterprise' (a targeted delivery). */
function config(scope: 'VISITOR' | 'VISIT'): object {
  return {
    configuration: { consentType: 'NOT_REQUIRED' },
    customData: [{ id: 1, index: 0, name: 'plan', localOnly: false, isMappingIdentifier: false, scope }, { id: 2, index: 7, name: 'audiences', localOnly: false, isMappingIdentifier: false, scope: 'VISIT' }],
    segments: [{ id: 10, name: 'enterprise', conditionsData: { firstLevelOrOperators: [], firstLevel: [{ orOperators: [], conditions: [{ id: 1, targetingType: 'CUSTOM_DATUM', isInclude: true, weight: 1, customDataIndex: '0', valueMatchType: 'EXACT', value: 'enterprise' }] }] } }],
    featureFlags: [{
      id: 1, featureKey: 'plan_gate', environmentEnabled: true, defaultVariationKey: 'off',
      variations: [{ key: 'off', variables: [] }, { key: 'on', variables: [] }],
      rules: [{ id: 11, order: 1, type: 'TARGETED_DELIVERY', exposition: 1, experimentId: 21, respoolTime: null, segmentId: 10, variationByExposition: [{ variationKey: 'on', variationId: 31, exposition: 1 }] }],
    }],
  };
}

const server = new DataApiTestServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => server.reset());

async function client(scope: 'VISITOR' | 'VISIT', extra: { clientId?: string; clientSecret?: string } = {}): Promise<KameleoonClient> {
  const c = new KameleoonClient({
    siteCode: 'site-test',
    configuration: { defaultDataFile: config(scope) as never, endpoints: { dataApi: server.url, api: server.url }, ...extra },
    externals: { logger: { log() {} }, requester: { sendRequest: (p) => (p.requestType === 'configuration' ? notModifiedRequester.sendRequest(p) : fetch(p.url, p.parameters)) } },
  });
  await c.initialize();
  return c;
}

const gate = (c: KameleoonClient) => c.getVariation({ visitorCode: VISITOR, featureKey: 'plan_gate', track: false }).key;

describe('remote data through the client', () => {
  it('getRemoteVisitorData adds the remote data to the visitor, and targeting sees it', async () => {
    server.on('/visit/visitor', () => ({ json: visitorDataFixture() }));
    const c = await client('VISIT');
    expect(gate(c)).toBe('off');
    const data = await c.getRemoteVisitorData({ visitorCode: VISITOR });
    expect(data.some((d) => d.kind === 'customData' && d.index === 0 && d.values[0] === 'enterprise')).toBe(true);
    expect(gate(c)).toBe('on');
    expect(server.requestsTo('/visit/visitor')[0].query.get('visitorCode')).toBe(VISITOR);
    await c.close();
  });

  it('with shouldAddData false, only VISITOR-scope custom data is added', async () => {
    server.on('/visit/visitor', () => ({ json: visitorDataFixture() }));
    const visit = await client('VISIT');
    await visit.getRemoteVisitorData({ visitorCode: VISITOR, shouldAddData: false });
    expect(gate(visit)).toBe('off');
    await visit.close();
    const visitor = await client('VISITOR');
    await visitor.getRemoteVisitorData({ visitorCode: VISITOR, shouldAddData: false });
    expect(gate(visitor)).toBe('on');
    await visitor.close();
  });

  it('getRemoteData returns the JSON; the warehouse audience is stored as custom data', async () => {
    server.on('/map/map', (req) => ({ json: req.query.get('key') === 'config-key' ? { a: [1, 2] } : { warehouseAudiences: { 'aud-1': null, 'aud-2': null } } }));
    const c = await client('VISIT');
    expect(await c.getRemoteData({ key: 'config-key' })).toEqual({ a: [1, 2] });
    const audience = await c.getVisitorWarehouseAudience({ visitorCode: VISITOR, customDataIndex: 7 });
    expect(audience?.values).toEqual(['aud-1', 'aud-2']);
    await c.close();
  });

  it('with clientId and clientSecret, requests carry the OAuth token', async () => {
    server.on('/oauth/token', () => ({ json: { access_token: 'token-1', expires_in: 3600 } }));
    server.on('/map/map', () => ({ json: { ok: true } }));
    const c = await client('VISIT', { clientId: 'id', clientSecret: 'secret' });
    await c.getRemoteData('k');
    expect(server.requestsTo('/oauth/token')[0].body).toBe('grant_type=client_credentials&client_id=id&client_secret=secret');
    expect(server.requestsTo('/map/map')[0].headers.authorization).toBe('Bearer token-1');
    await c.close();
  });
});
