// @vitest-environment jsdom
/**
 * A page left before the full client took over (`pagehide`): the first stage stores what it was
 * given as the full client would have, for the next page. Conversions go to the early-tracking
 * list (and to the visitor's data, for CONVERSIONS conditions), consent to the visitor's record,
 * and custom data given by name with its index. Where consent is required, a visitor without it
 * is stored as one whose data may not be sent in full (the full client's flush reads its consent).
 * The full client's code is not loaded by the first stage here: the leave comes before its
 * import() settles. The next page is a full client on the same storage.
 */
import { describe, expect, it } from 'vitest';
import * as entry from '../../src/stage/entry.ts';
import { KameleoonClient as FullClient } from '../../src/stage/second.ts';
import { cacheKey } from '../../src/config/cache.ts';
import { earlyTrackingKey, type EarlyVisitor } from '../../src/tracking/early.ts';
import { visitorKey } from '../../src/visitor/persistence.ts';
import basic from '../conformance/fixtures/synthetic-configs/basic.json';

const SITE = 'leavesite';
const DOCUMENT = basic as unknown as { configuration: Record<string, unknown> };

function start(consentType: 'REQUIRED' | 'NOT_REQUIRED') {
  const json = { ...DOCUMENT, configuration: { ...DOCUMENT.configuration, consentType } };
  const store = new Map<string, unknown>([[cacheKey(SITE), { siteCode: SITE, environment: 'production', fetchedAt: Date.now(), lastModified: undefined, json }]]);
  const client = new entry.KameleoonClient({
    siteCode: SITE,
    externals: {
      requester: { sendRequest: () => new Promise<never>(() => undefined) },
      storage: { read: (key: string) => structuredClone(store.get(key) ?? null), write: (key: string, data: unknown) => void store.set(key, data) },
      visitorCodeManager: { getData: () => null, setData: () => undefined },
      logger: { log() {} },
    },
  });
  void client.initialize().catch(() => undefined);
  expect(client.isInitialized()).toBe(true);
  return { client, store };
}

const early = (store: Map<string, unknown>) => (store.get(earlyTrackingKey(SITE)) ?? []) as EarlyVisitor[];

describe('a page left before the full client took over', () => {
  it('keeps conversions, consent and custom data by name for the next page', () => {
    const { client, store } = start('NOT_REQUIRED');
    client.addData('v1', new entry.CustomData('plan', 'premium'), new entry.CustomData('no such name', 'x'));
    client.trackConversion({ visitorCode: 'v1', goalId: 7, revenue: 12, metadata: [new entry.CustomData('score', '3')] });
    client.setLegalConsent('v1', true);
    dispatchEvent(new Event('pagehide'));

    const [v1] = early(store);
    expect(v1).toMatchObject({ code: 'v1', scheduled: true, consent: true });
    expect(v1!.items.map((item) => [item.kind, (item as { index?: number }).index])).toEqual([['customData', 0], ['conversion', undefined]]);
    expect((v1!.items[1] as { goalId: number; metadata: { index: number }[] }).metadata.map((m) => m.index)).toEqual([1]);
    const record = store.get(visitorKey('v1')) as { c?: string; d?: { cd: unknown[]; cv: unknown[][] } };
    expect(record.c).toBe('given');
    expect(record.d?.cd).toEqual([[0, ['premium'], true]]);
    expect(record.d?.cv.map((c) => c.slice(0, 3))).toEqual([[7, 12, false]]);
  });

  it('where consent is required, a visitor without it is stored as one whose data is not sent in full', () => {
    const { client, store } = start('REQUIRED');
    client.addData('without', new entry.CustomData(0, 'a'));
    client.addData('with', new entry.CustomData(0, 'b'));
    client.setLegalConsent('with', true);
    client.setLegalConsent('refused', false);
    client.addData('refused', new entry.CustomData(0, 'c'));
    dispatchEvent(new Event('pagehide'));

    expect(Object.fromEntries(early(store).map((v) => [v.code, v.consent]))).toEqual({ without: false, with: true, refused: false });
    expect((store.get(visitorKey('refused')) as { c?: string }).c).toBe('notGiven');
  });

  it('stores the assignments of untracked evaluations too, as the full client saves them, with no exposure to send', () => {
    const { client, store } = start('NOT_REQUIRED');
    const variation = client.getVariation({ visitorCode: 'v3', featureKey: 'ff_50_50', track: false });
    client.peekVariation('v4', 'ff_50_50'); // a render's read: nothing saved
    dispatchEvent(new Event('pagehide'));
    expect((store.get(visitorKey('v3')) as { s: number[] }).s).toEqual([2001, variation.id, 0]);
    expect(store.get(visitorKey('v4'))).toBeUndefined();
  });

  it('with no configuration yet, stores no consent for the early list: the next page decides from the visitor’s own', async () => {
    const site = 'leave-cold';
    const store = new Map<string, unknown>();
    const storage = { read: (key: string) => structuredClone(store.get(key) ?? null), write: (key: string, data: unknown) => void store.set(key, data) };
    // An earlier page's record: data worth sending, from a visitor who has not consented.
    store.set(visitorKey('v1'), { t: Date.now() - 60_000, d: { cd: [[0, ['premium'], true]], pv: [], cv: [], o: {} } });
    const first = new entry.KameleoonClient({
      siteCode: site,
      externals: { requester: { sendRequest: () => new Promise<never>(() => undefined) }, storage, visitorCodeManager: { getData: () => null, setData: () => undefined }, logger: { log() {} } },
    });
    void first.initialize().catch(() => undefined);
    first.setLegalConsent('v1', false);
    dispatchEvent(new Event('pagehide'));
    expect(early(store).find((v) => v.code === 'v1')?.consent).toBeUndefined();

    const required = { ...DOCUMENT, configuration: { ...DOCUMENT.configuration, consentType: 'REQUIRED' } };
    const lines = await nextPage(site, storage, required);
    expect(lines.filter((line) => line.includes('visitorCode=v1'))).toEqual([]);
  });

  it('stores the exposure of a variation other than the one sent on an earlier page as unsent: the next page sends it', async () => {
    const { client, store } = start('NOT_REQUIRED');
    const storage = { read: (key: string) => structuredClone(store.get(key) ?? null), write: (key: string, data: unknown) => void store.set(key, data) };
    const variation = client.getVariation({ visitorCode: 'v2', featureKey: 'ff_50_50', track: false });
    const other = variation.id === 3001 ? 3002 : 3001;
    // An earlier page sent the exposure of the other variation (before a reallocation, say).
    store.set(visitorKey('v2'), { t: Date.now() - 1000, s: [2001, other, 4] });
    const again = new entry.KameleoonClient({
      siteCode: SITE,
      externals: { requester: { sendRequest: () => new Promise<never>(() => undefined) }, storage, visitorCodeManager: { getData: () => null, setData: () => undefined }, logger: { log() {} } },
    });
    void again.initialize().catch(() => undefined);
    expect(again.getVariation({ visitorCode: 'v2', featureKey: 'ff_50_50' }).id).toBe(variation.id);
    dispatchEvent(new Event('pagehide'));
    // As the full client stores it: the new variation unsent, the one sent recorded after it.
    expect((store.get(visitorKey('v2')) as { s: number[] }).s).toEqual([2001, variation.id, 2, ~2001, other, 0]);
    const lines = await nextPage(SITE, storage, DOCUMENT);
    expect(lines.filter((line) => line.startsWith('eventType=experiment') && line.includes('visitorCode=v2'))).toHaveLength(1);
  });
});

/** The next page: a full client on the same storage, given `json` as the configuration; the tracking lines it sends. */
async function nextPage(site: string, storage: { read(key: string): unknown; write(key: string, data: unknown): void }, json: unknown): Promise<string[]> {
  const lines: string[] = [];
  const next = new FullClient({
    siteCode: site,
    externals: {
      requester: {
        sendRequest: async ({ requestType, parameters }) => {
          if (requestType === 'tracking') lines.push(...String(parameters.body).split('\n'));
          return requestType === 'configuration' ? new Response(JSON.stringify(json), { status: 200 }) : new Response(null, { status: 204 });
        },
      },
      storage,
      visitorCodeManager: { getData: () => null, setData: () => undefined },
      logger: { log() {} },
    },
  });
  await next.initialize();
  await next.flushInstant();
  await next.close();
  return lines;
}
