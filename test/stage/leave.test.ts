// @vitest-environment jsdom
/**
 * A page left before the full client took over (`pagehide`): the first stage stores what it was
 * given as the full client would have, for the next page. Conversions go to the early-tracking
 * list (and to the visitor's data, for CONVERSIONS conditions), consent to the visitor's record,
 * and custom data given by name with its index. Where consent is required, a visitor without it
 * is stored as one whose data may not be sent in full (the full client's flush reads its consent).
 * The full client's code is never loaded here: the leave comes before its import() settles.
 */
import { describe, expect, it } from 'vitest';
import * as entry from '../../src/stage/entry.ts';
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
});
