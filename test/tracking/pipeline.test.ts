/**
 * The tracking pipeline's take-over of what was tracked before it existed (browsers): what earlier
 * pages saved in storage comes first and is removed, then this page's own visitors; malformed
 * saved entries are skipped; the lines then leave once.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import { earlyTrackingKey } from '../../src/tracking/early.ts';
import { createTracking, type TrackingDeps } from '../../src/tracking/pipeline.ts';
import { Conversion, CustomData } from '../../src/visitor/data.ts';
import { pipelineDeps, sentLines } from './pipelineKit.ts';

describe('where tracking goes', () => {
  it('to the Data API host remote data reads: data-eu.<networkDomain> for dataApiDomain data-eu.kameleoon.io', async () => {
    const urls: string[] = [];
    const deps = {
      ...pipelineDeps(createMemoryStorage(), []),
      trackingEndpoint: undefined,
      networkDomain: 'example.com',
      config: () => ({ dataApiDomain: 'data-eu.kameleoon.io', hasTargetedDelivery: false, customData: { localOnly: new Set(), visitorScope: new Set(), indexByName: new Map(), mappingIdentifierIndex: null } }),
      requester: {
        sendRequest: async ({ url }: { url: string }) => {
          urls.push(url);
          return { ok: true, status: 204, json: async () => null, text: async () => '' };
        },
      },
    } as unknown as TrackingDeps;
    const pipeline = createTracking(deps);
    pipeline.resume([{ code: 'v', items: [new CustomData(1, 'x')], scheduled: true, consent: true }], false);
    await pipeline.tracker.tick();
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/^https:\/\/data-eu\.example\.com\/visit\/events\?/);
    await pipeline.tracker.close(Date.now() + 5_000);
    pipeline.dispose();
  });
});

describe('createTracking().resume', () => {
  it('replays only well-formed items from storage, which can be tampered with: no line is injected, nothing throws', async () => {
    const storage = createMemoryStorage();
    const injected = 'DESKTOP\neventType=conversion&goalId=666&revenue=1000000';
    storage.write(earlyTrackingKey('site'), [
      {
        code: 'tampered',
        scheduled: true,
        consent: true,
        items: [
          { kind: 'device', device: injected },
          { kind: 'customData', index: 1, overwrite: true, values: 5 },
          { kind: 'conversion', goalId: '7\neventType=page', revenue: 0, negative: false },
          { kind: 'targetedSegment', id: '1&x=y' },
          { kind: 'constructor' },
          'not an item',
          null,
          JSON.parse(JSON.stringify(new Conversion({ goalId: 5, metadata: [new CustomData(2, 'kept')] }))),
        ],
      },
      { code: '', items: [], scheduled: true },
      { code: 'x'.repeat(256), items: [], scheduled: true },
    ]);
    const bodies: string[] = [];
    const pipeline = createTracking(pipelineDeps(storage, bodies));
    pipeline.resume([], false);
    await pipeline.tracker.tick();
    const lines = bodies.join('\n').split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^eventType=conversion&goalId=5&revenue=0&negative=false&metadata=/);
    expect(lines[0]).toContain('visitorCode=tampered');
    await pipeline.tracker.close(Date.now() + 5_000);
    pipeline.dispose();
  });

  it('sends what earlier pages saved, then this page\'s own, once; storage is emptied', async () => {
    const storage = createMemoryStorage();
    // As a page left before its code arrived saved it (JSON: data objects lose their class).
    storage.write(earlyTrackingKey('site'), JSON.parse(JSON.stringify([{ code: 'earlier', items: [new Conversion({ goalId: 42, revenue: 10 })], scheduled: true, consent: true }, { code: 7 }, null])));
    const bodies: string[] = [];
    const pipeline = createTracking(pipelineDeps(storage, bodies));
    pipeline.resume([{ code: 'own', items: [new CustomData(1, 'x')], scheduled: true, consent: true }], false);
    expect(storage.read(earlyTrackingKey('site'))).toBeNull();
    await pipeline.tracker.tick();
    expect(sentLines(bodies)).toEqual(['eventType=conversion earlier', 'eventType=customData own']);
    // Nothing twice: a second resume and tick find nothing left.
    pipeline.resume([], false);
    await pipeline.tracker.tick();
    expect(bodies).toHaveLength(1);
    await pipeline.tracker.close(Date.now() + 5_000);
    pipeline.dispose();
  });
});
