/**
 * Remote data through the client, against a local Data API on 127.0.0.1: what getRemoteVisitorData
 * adds to the visitor reaches targeting; custom data of VISITOR scope is added even when
 * `shouldAddData` is false; the warehouse audience is stored; the OAuth token is sent. A call
 * that fails leaves the visitors held on the server as they were.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomData, KameleoonClient, KameleoonError, KameleoonException, type IExternalRequester } from '../../src/node.ts';
import { DataApiTestServer, dataApiRequester } from './server.ts';
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

/** Configuration from the offline requester; the Data API through `dataApi` (default: fetch to the local server). */
async function client(
  scope: 'VISITOR' | 'VISIT',
  extra: { clientId?: string; clientSecret?: string; sessionDuration?: number } = {},
  dataApi?: IExternalRequester['sendRequest'],
): Promise<KameleoonClient> {
  const c = new KameleoonClient({
    siteCode: 'site-test',
    configuration: { defaultDataFile: config(scope) as never, endpoints: { dataApi: server.url, api: server.url }, ...extra },
    externals: { logger: { log() {} }, requester: dataApiRequester(dataApi) },
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

  it("with the official Node SDK's credentials parameter, requests carry the OAuth token too", async () => {
    server.on('/oauth/token', () => ({ json: { access_token: 'token-2', expires_in: 3600 } }));
    server.on('/map/map', () => ({ json: { ok: true } }));
    const c = new KameleoonClient({
      siteCode: 'site-test',
      credentials: { clientId: 'node-id', clientSecret: 'node-secret' },
      configuration: { defaultDataFile: config('VISIT') as never, endpoints: { dataApi: server.url, api: server.url } },
      externals: { logger: { log() {} }, requester: dataApiRequester() },
    });
    await c.initialize();
    await c.getRemoteData('k');
    expect(server.requestsTo('/oauth/token')[0].body).toBe('grant_type=client_credentials&client_id=node-id&client_secret=node-secret');
    expect(server.requestsTo('/map/map')[0].headers.authorization).toBe('Bearer token-2');
    // Every Data API read carries it (the official Node SDK 5.18.2 fix): visitor data, warehouse audiences.
    server.on('/visit/visitor', () => ({ json: visitorDataFixture() }));
    await c.getRemoteVisitorData({ visitorCode: VISITOR });
    await c.getVisitorWarehouseAudience({ visitorCode: VISITOR, customDataIndex: 7 });
    expect(server.requestsTo('/visit/visitor').map((r) => r.headers.authorization)).toEqual(['Bearer token-2']);
    expect(server.requestsTo('/map/map').map((r) => r.headers.authorization)).toEqual(['Bearer token-2', 'Bearer token-2']);
    expect(server.requestsTo('/oauth/token')).toHaveLength(1);
    await c.close();
  });
});

describe('a failed getRemoteVisitorData on a server', () => {
  afterEach(() => vi.useRealTimers());

  const rejected = async (promise: Promise<unknown>): Promise<string | undefined> =>
    promise.then(
      () => undefined,
      (e: unknown) => (e instanceof KameleoonError ? e.type : String(e)),
    );
  const unreachable: IExternalRequester['sendRequest'] = async () => {
    throw new TypeError('fetch failed: connect ECONNREFUSED');
  };

  const failures: [string, () => void][] = [
    ['an error status', () => server.on('/visit/visitor', () => ({ status: 500, json: { message: 'boom' } }))],
    ['a network error', () => (networkDown = true)],
    ['a timeout', () => server.on('/visit/visitor', () => 'hang')],
  ];
  let networkDown = false;
  beforeEach(() => (networkDown = false));

  it.each(failures)('after %s, holds no visitor for the codes asked about', async (_name, fail) => {
    const c = await client('VISIT', {}, (p) => (networkDown ? unreachable(p) : fetch(p.url, p.parameters)));
    fail();
    for (let i = 0; i < 5; i++) expect(await rejected(c.getRemoteVisitorData({ visitorCode: `failed-${i}`, timeout: 50 }))).toBe(KameleoonException.RemoteData);
    expect(c.visitorCount).toBe(0);
    // Once the Data API answers, the visitor is added.
    networkDown = false;
    server.on('/visit/visitor', () => ({ json: visitorDataFixture() }));
    await c.getRemoteVisitorData({ visitorCode: VISITOR });
    expect(c.visitorCount).toBe(1);
    await c.close();
  });

  it('leaves a known visitor as it was: its data, and its activity (it is forgotten on time)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = 1_700_000_000_000;
    vi.setSystemTime(t0);
    const c = await client('VISIT', { sessionDuration: 1 }, unreachable);
    c.addData(VISITOR, new CustomData(0, 'enterprise'));
    expect(c.visitorCount).toBe(1);
    vi.setSystemTime(t0 + 50_000);
    expect(await rejected(c.getRemoteVisitorData({ visitorCode: VISITOR, filters: { previousVisitAmount: 25, customData: true, browser: true } }))).toBe(KameleoonException.RemoteData);
    expect(c.visitorCount).toBe(1);
    // One minute after the visitor's last own activity, it is forgotten as another visitor arrives:
    // the failed call did not count as activity.
    vi.setSystemTime(t0 + 61_000);
    c.getVariation({ visitorCode: 'late', featureKey: 'plan_gate', track: false });
    expect(c.visitorCount).toBe(1);
    await c.close();

    // And its data stays what it was.
    const d = await client('VISIT', {}, unreachable);
    d.addData(VISITOR, new CustomData(0, 'enterprise'));
    expect(await rejected(d.getRemoteVisitorData({ visitorCode: VISITOR }))).toBe(KameleoonException.RemoteData);
    expect(gate(d)).toBe('on');
    expect(d.visitorCount).toBe(1);
    await d.close();
  });

  it('rejects filters out of bounds (VisitAmount) before any request, and holds no visitor', async () => {
    const c = await client('VISIT');
    expect(await rejected(c.getRemoteVisitorData({ visitorCode: VISITOR, filters: { previousVisitAmount: 30 } }))).toBe(KameleoonException.VisitAmount);
    expect(server.requests).toHaveLength(0);
    expect(c.visitorCount).toBe(0);
    await c.close();
  });
});
