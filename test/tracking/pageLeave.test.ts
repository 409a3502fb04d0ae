// @vitest-environment jsdom
/**
 * A page left with lines queued: they are written to IndexedDB within the leave itself (a page
 * being unloaded runs no timer any more), so the next page recovers them whether or not the
 * beacon got through. IndexedDB is idb-keyval's API over a Map here (jsdom has none).
 */
import { describe, expect, it, vi } from 'vitest';
import { Conversion } from '../../src/visitor/data.ts';
import { createPageLifecycle } from '../../src/platform/browser/pageLifecycle.ts';
import { createTracking, type TrackingDeps } from '../../src/tracking/pipeline.ts';
import { pipelineDeps } from './pipelineKit.ts';

const db = vi.hoisted(() => new Map<string, unknown>());
vi.mock('idb-keyval', () => ({
  createStore: () => ({}),
  get: async (key: string) => db.get(key),
  set: async (key: string, value: unknown) => void db.set(key, value),
  del: async (key: string) => void db.delete(key),
  keys: async () => [...db.keys()],
}));

describe('a page left with lines queued', () => {
  it('writes them to IndexedDB during the leave, even when the beacon fails', async () => {
    vi.stubGlobal('indexedDB', {});
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    try {
      const deps = { ...pipelineDeps(undefined, []), activity: () => undefined, consentOf: () => true } as unknown as TrackingDeps;
      const tracking = createTracking(deps, createPageLifecycle());
      await new Promise((resolve) => setImmediate(resolve)); // recovery of earlier pages' lines done
      tracking.resume([{ code: 'leaving', items: [new Conversion({ goalId: 7 })], scheduled: true, consent: true }], false);
      dispatchEvent(new Event('pagehide'));
      // What a page being unloaded still runs: promise callbacks, no timers.
      for (let i = 0; i < 10; i++) await Promise.resolve();
      const stored = [...db.values()].flat() as [string, boolean][];
      expect(stored.some(([line]) => line.startsWith('eventType=conversion') && line.includes('goalId=7') && line.includes('visitorCode=leaving'))).toBe(true);
      tracking.dispose();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
