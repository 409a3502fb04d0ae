/**
 * The edge build's per-request client (src/edge.ts), here under Node: built at module scope it
 * starts no timer; concurrent first requests each initialize on a promise of their own; there is
 * no polling and no event stream; concurrent flushInstant calls each send their own batches, no
 * line twice. The real runtimes (workerd, Vercel's edge runtime, Deno, Bun) run in test/edge.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUILD, InvalidArgument, KameleoonClient } from '../../src/edge.ts';
import { basicConfig } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

function edgeBackend(config: object = { ...basicConfig(), configuration: { ...basicConfig().configuration, realTimeUpdate: true } }) {
  const requests: { type: string; body: string }[] = [];
  let streams = 0;
  return {
    requests,
    streams: () => streams,
    params: {
      siteCode: 'edge-site',
      externals: {
        logger: { log() {} },
        requester: {
          sendRequest: async ({ requestType, parameters }: { requestType: string; parameters: RequestInit }) => {
            requests.push({ type: requestType, body: String(parameters.body ?? '') });
            await new Promise((resolve) => setTimeout(resolve, 10));
            return requestType === 'configuration' ? new Response(JSON.stringify(config), { status: 200 }) : new Response(null, { status: 204 });
          },
        },
        eventSource: { open: () => void streams++, close() {} },
      },
    },
  };
}

describe('the edge build', () => {
  it('says which build it is', () => {
    expect(BUILD).toBe('edge');
  });

  it('built at module scope, starts no timer and makes no request', () => {
    const timeouts = vi.spyOn(globalThis, 'setTimeout');
    const intervals = vi.spyOn(globalThis, 'setInterval');
    const b = edgeBackend();
    new KameleoonClient(b.params);
    expect(intervals).not.toHaveBeenCalled();
    expect(timeouts).not.toHaveBeenCalled();
    expect(b.requests).toEqual([]);
  });

  it('concurrent first requests each initialize on a promise of their own, and all get the configuration', async () => {
    const b = edgeBackend();
    const client = new KameleoonClient(b.params);
    const inits = Array.from({ length: 20 }, () => client.initialize());
    expect(new Set(inits).size).toBe(20);
    expect(await Promise.all(inits)).toEqual(Array(20).fill(true));
    const configRequests = b.requests.filter((r) => r.type === 'configuration').length;
    expect(configRequests).toBeGreaterThanOrEqual(1);
    expect(configRequests).toBeLessThanOrEqual(20);
    // Once it is there, initialize() makes no request, and answers with a new promise each time.
    const later = [client.initialize(), client.initialize()];
    expect(later[0]).not.toBe(later[1]);
    await Promise.all(later);
    expect(b.requests.filter((r) => r.type === 'configuration')).toHaveLength(configRequests);
    await client.close();
  });

  it('no polling and no event stream, even when the configuration asks for real time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    try {
      const b = edgeBackend();
      const client = new KameleoonClient(b.params);
      const init = client.initialize();
      await vi.advanceTimersByTimeAsync(20);
      await init;
      await vi.advanceTimersByTimeAsync(3 * 60 * 60_000);
      expect(b.requests.filter((r) => r.type === 'configuration')).toHaveLength(1);
      expect(b.streams()).toBe(0);
      expect(client.getConfigurationStatus().streaming).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('concurrent flushInstant calls each send their own batches: every exposure once, none awaited by another call', async () => {
    const b = edgeBackend();
    const client = new KameleoonClient(b.params);
    await client.initialize();
    const codes = Array.from({ length: 20 }, (_, i) => `edge-visitor-${i}`);
    const flushes = codes.map((visitorCode) => {
      client.getVariation({ visitorCode, featureKey: 'ff_50_50' });
      return client.flushInstant(visitorCode);
    });
    expect(new Set(flushes).size).toBe(20);
    await Promise.all(flushes);
    const lines = b.requests.filter((r) => r.type === 'tracking').flatMap((r) => r.body.split('\n')).filter((l) => l.startsWith('eventType=experiment'));
    expect(lines.map((l) => /visitorCode=([^&]+)/.exec(l)![1]).sort()).toEqual([...codes].sort());
    expect(client.getTrackingStatus().queued).toBe(0);
    await client.close();
  });
});

describe('flush() in the edge build', () => {
  it('sends at once (there is no tick) and says once to hand flushInstant() to waitUntil', async () => {
    const b = edgeBackend();
    const lines: string[] = [];
    const client = new KameleoonClient({ ...b.params, externals: { ...b.params.externals, logger: { log: (_level: number, message: string) => void lines.push(message) } } });
    await client.initialize();
    client.getVariation({ visitorCode: 'flushed', featureKey: 'ff_50_50' });
    client.flush('flushed');
    client.trackConversion({ visitorCode: 'flushed', goalId: 1 });
    await vi.waitFor(() => expect(b.requests.filter((r) => r.type === 'tracking').map((r) => r.body).join('\n')).toMatch(/eventType=experiment[\s\S]*eventType=conversion|eventType=conversion[\s\S]*eventType=experiment/));
    expect(lines.filter((l) => l.includes('flushInstant(visitorCode) to waitUntil'))).toHaveLength(1);
    expect(() => client.flush({ instant: 'yes' as never })).toThrow(InvalidArgument);
    await client.close();
  });
});
