/**
 * `navigator.onLine === false` is a hint, not a verdict: a machine with no internet that serves
 * the site from 127.0.0.1, or a captive network, reports it while requests succeed. The browser
 * pipeline keeps sending while "offline" (with the usual backoff after failures, logged as
 * warnings then), and sends at once, whatever the backoff, when the browser says it is back online.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PageLifecycle } from '../../src/platform/platform.ts';
import { createTracking, type TrackingDeps } from '../../src/tracking/pipeline.ts';
import { CustomData } from '../../src/visitor/data.ts';
import { recordingLogger } from '../support/fakes.ts';
import { pipelineDeps, sentLines } from './pipelineKit.ts';

/** A page that says it is offline, and whose `online` event the test fires. */
function offlinePage() {
  const online: (() => void)[] = [];
  const page: PageLifecycle = {
    recover: async () => [],
    persist: () => undefined,
    onLeave: () => () => undefined,
    onOnline: (callback) => {
      online.push(callback);
      return () => online.splice(online.indexOf(callback), 1);
    },
    offline: () => true,
    beacon: () => false,
  };
  return { page, goOnline: () => online.forEach((callback) => callback()) };
}

/** A browser pipeline whose requests fail while `down.value` (as fetch fails offline), else are accepted. */
function pipeline(page: PageLifecycle, down: { value: boolean }, bodies: string[], messages: string[]) {
  const deps = {
    ...pipelineDeps(undefined, bodies),
    activity: () => undefined,
    consentOf: () => true,
    logger: recordingLogger(messages),
    random: () => 0.5,
    requester: {
      sendRequest: async ({ parameters }: { parameters: RequestInit }) => {
        if (down.value) throw new TypeError('Failed to fetch');
        bodies.push(String(parameters.body));
        return { ok: true, status: 204, json: async () => null, text: async () => '' };
      },
    },
  } as unknown as TrackingDeps;
  const tracking = createTracking(deps, page);
  tracking.resume([{ code: 'v', items: [new CustomData(1, 'x')], scheduled: true, consent: true }], false);
  return tracking;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a browser that reports being offline', () => {
  it('sends all the same: requests may well succeed (127.0.0.1, a captive network)', async () => {
    const bodies: string[] = [];
    const { page } = offlinePage();
    const tracking = pipeline(page, { value: false }, bodies, []);
    await tracking.tracker.tick();
    expect(sentLines(bodies)).toEqual(['eventType=customData v']);
    expect(tracking.outbox.stats).toMatchObject({ queued: 0, sentLines: 1 });
    await tracking.tracker.close(Date.now() + 1_000);
    tracking.dispose();
  });

  it('keeps attempting with the backoff while requests fail (warnings, not errors), and sends at once on `online`', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const bodies: string[] = [];
    const messages: string[] = [];
    const down = { value: true };
    const { page, goOnline } = offlinePage();
    const tracking = pipeline(page, down, bodies, messages);
    await tracking.tracker.tick();
    expect(tracking.outbox.stats).toMatchObject({ queued: 1, failures: 1 });
    await tracking.tracker.tick(); // within the 1 s backoff: no attempt
    expect(tracking.outbox.stats.failures).toBe(1);
    vi.setSystemTime(Date.now() + 1_100);
    await tracking.tracker.tick(); // the backoff passed: attempted again
    expect(tracking.outbox.stats).toMatchObject({ queued: 1, failures: 2 });
    expect(messages).toHaveLength(2);
    expect(messages.every((m) => /Failed to fetch.*reports being offline/.test(m))).toBe(true);
    down.value = false;
    await tracking.tracker.tick(); // backing off 2 s: nothing yet
    expect(bodies).toEqual([]);
    goOnline();
    await vi.waitFor(() => expect(tracking.outbox.stats).toMatchObject({ queued: 0, sentLines: 1, failures: 2 }));
    expect(sentLines(bodies)).toEqual(['eventType=customData v']);
    await tracking.tracker.close(Date.now() + 1_000);
    tracking.dispose();
  });
});
