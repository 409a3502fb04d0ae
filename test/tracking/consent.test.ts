/**
 * When the tracker reads a visitor's consent: as the visitor is scheduled (an evaluation with
 * `track`, `flush`, the browser's activity), not as its lines are composed on the tick. A change of
 * consent in between counts from the next scheduling (setLegalConsent flushes, so it schedules).
 */
import { describe, expect, it } from 'vitest';
import { createTracking, type TrackingDeps } from '../../src/tracking/pipeline.ts';
import { VisitorStore } from '../../src/visitor/visitorStore.ts';
import { pipelineDeps, sentLines } from './pipelineKit.ts';

/** A server pipeline sending to `bodies`, whose visitors' consent is read from `consent` (code → given). */
function pipeline(consent: Map<string, boolean>, bodies: string[], reads: (number | undefined)[]) {
  const store = new VisitorStore({ sessionDurationMs: 0, clock: Date.now, persistence: undefined, onForget: () => undefined });
  const deps = {
    ...pipelineDeps(undefined, bodies),
    sdk: { type: 'NODEJS', version: '5.0.0', isServer: true },
    store,
    activity: () => undefined,
    consentOf: (visitor: number | undefined) => {
      reads.push(visitor);
      return visitor !== undefined && consent.get(store.codeOf(visitor)) === true;
    },
  } as unknown as TrackingDeps;
  return { store, tracking: createTracking(deps) };
}

describe('consent of a scheduled visitor', () => {
  it('is read as the visitor is scheduled: a change before the tick does not count', async () => {
    const consent = new Map([['given-later', false], ['withdrawn', true]]);
    const bodies: string[] = [];
    const reads: (number | undefined)[] = [];
    const { store, tracking } = pipeline(consent, bodies, reads);
    const later = store.touch('given-later');
    const withdrawn = store.touch('withdrawn');
    tracking.tracker.schedule('given-later', later);
    tracking.tracker.schedule('withdrawn', withdrawn);
    expect(reads).toEqual([later, withdrawn]);
    consent.set('given-later', true);
    consent.set('withdrawn', false);
    await tracking.tracker.tick();
    // Nothing to send: an activity line, with consent only (as it was when scheduled).
    expect(sentLines(bodies)).toEqual(['eventType=activity withdrawn']);
    expect(reads).toEqual([later, withdrawn]); // not read again on the tick
    await tracking.tracker.close(Date.now() + 5_000);
  });

  it('scheduled again, the visitor is composed with its consent then', async () => {
    const consent = new Map([['v', false]]);
    const bodies: string[] = [];
    const { store, tracking } = pipeline(consent, bodies, []);
    const id = store.touch('v');
    tracking.tracker.schedule('v', id);
    consent.set('v', true);
    tracking.tracker.schedule('v', id);
    await tracking.tracker.tick();
    expect(sentLines(bodies)).toEqual(['eventType=activity v']);
    await tracking.tracker.close(Date.now() + 5_000);
  });

  it('a visitor the store does not know is read as undefined; early tracking handed over keeps the consent read then', async () => {
    const bodies: string[] = [];
    const reads: (number | undefined)[] = [];
    const { tracking } = pipeline(new Map([['early', false]]), bodies, reads);
    tracking.tracker.schedule('stranger');
    expect(reads).toEqual([undefined]);
    // Scheduled with consent before the pipeline arrived; withdrawn since: the earlier reading counts.
    tracking.resume([{ code: 'early', items: [], scheduled: true, consent: true }], false);
    expect(reads).toEqual([undefined]);
    await tracking.tracker.tick();
    expect(sentLines(bodies)).toEqual(['eventType=activity early']);
    await tracking.tracker.close(Date.now() + 5_000);
  });
});
