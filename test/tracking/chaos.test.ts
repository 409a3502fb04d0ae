/**
 * Chaos: thousands of tracked events (exposures, conversions) over hundreds of visitors, sent to a
 * real server on 127.0.0.1 that answers at random (seeded): accepted, 503, 429, 500, connection
 * destroyed, held past the request timeout then refused, or accepted and answered past it. The run
 * ends with `close()` while a request is held. Then every event has been accepted at least once,
 * and no event ever arrived under two nonces (a retry re-sends the same nonce, which the Data API
 * drops as a duplicate). Node clients, and the browser pipeline on a fake page that says it is
 * offline the whole time (a hint, not a verdict). Real time, small timeouts and backoff; each seed
 * replays the same answers and calls (the timing, and so the batches, vary).
 */
import { describe, it } from 'vitest';
import { KameleoonClient } from '../../src/node.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import type { PageLifecycle } from '../../src/platform/platform.ts';
import type { TrackingLine } from '../../src/tracking/outbox.ts';
import { Rng, mulberry32 } from '../differential/rng.ts';
import { AssembledClient, browserModeAssembly } from '../support/browserMode.ts';
import { ChaosServer, type ReceivedLine } from './chaosServer.ts';

const SEEDS = [1, 2, 3];
const VISITORS = 300;
const FLAGS = 4;
/** Steps of calls; after each, the test waits for a request and for the queue to come below BACKLOG lines. */
const STEPS = 25;
const CALLS_PER_STEP = 120;
const BACKLOG = 150;
const REQUEST_TIMEOUT_MS = 120;
/** Late answers come this long after the request: past the client's timeout. */
const LATE_MS = 200;

/** FLAGS flags, each served to everyone by a targeted-delivery rule: one exposure per visitor and flag. */
const CONFIG = {
  configuration: { realTimeUpdate: false, consentType: 'NOT_REQUIRED' },
  customData: [],
  featureFlags: Array.from({ length: FLAGS }, (_, f) => ({
    id: f + 1,
    featureKey: `flag${f}`,
    environmentEnabled: true,
    defaultVariationKey: 'off',
    variations: [{ key: 'off', variables: [] }, { key: 'on', variables: [] }],
    rules: [{ id: 10 + f, order: 1, type: 'TARGETED_DELIVERY', exposition: 1, experimentId: 101 + f, respoolTime: null, segmentId: null, variationByExposition: [{ variationKey: 'on', variationId: 201 + f, exposition: 1 }] }],
  })),
};

type Client = Pick<KameleoonClient, 'initialize' | 'getVariation' | 'trackConversion' | 'close' | 'getTrackingStatus'>;

/** Lets real I/O run until `condition` holds; fails after `ms` of real time. */
async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function nodeClient(server: ChaosServer, seed: number, logs: string[]): Client {
  return new KameleoonClient({
    siteCode: 'chaos',
    configuration: { endpoints: { configuration: server.url, tracking: server.url }, requestTimeout: REQUEST_TIMEOUT_MS, trackingInterval: 100 },
    externals: { logger: { log: (_level, message) => void logs.push(message) } },
    _internals: { prng: { getRandomNumber: mulberry32(seed * 7919) }, trackingLimits: { batchLines: 100, retryBaseMs: 20, retryCapMs: 100 } },
  });
}

/** The browser pipeline in Node, on a page that says it is offline (and whose stored lines are kept in `stored`). */
function browserClient(server: ChaosServer, seed: number, logs: string[], stored: { lines: readonly TrackingLine[] }): Client {
  const page: PageLifecycle = {
    recover: async () => [],
    persist: (_site, lines) => void (stored.lines = lines.slice()),
    onLeave: () => () => undefined,
    onOnline: () => () => undefined,
    offline: () => true,
    beacon: () => false,
  };
  return new AssembledClient(
    {
      siteCode: 'chaos',
      configuration: { endpoints: { configuration: server.url, tracking: server.url }, requestTimeout: REQUEST_TIMEOUT_MS, trackingInterval: 100 },
      externals: { logger: { log: (_level, message) => void logs.push(message) } },
      _internals: { prng: { getRandomNumber: mulberry32(seed * 7919) }, platformAnalyzer: { getResult: () => ({}) }, trackingLimits: { batchLines: 100, retryBaseMs: 20, retryCapMs: 100 } },
    },
    browserModeAssembly(createMemoryStorage(), page),
  );
}

/** Whether a content is an event of its own: activity and browser summary lines repeat by design. */
const isEvent = (content: string) => !content.startsWith('eventType=activity') && !content.startsWith('eventType=staticData');

/** Nonces received per content. */
function noncesByContent(lines: readonly ReceivedLine[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const { content, nonce } of lines) {
    let nonces = out.get(content);
    if (!nonces) out.set(content, (nonces = new Set()));
    nonces.add(nonce);
  }
  return out;
}

describe('tracking under chaos', () => {
  for (const mode of ['node', 'browser'] as const) {
    for (const seed of SEEDS) {
      it.concurrent(`${mode}, seed ${seed}: every event is accepted at least once, none under two nonces, close() included`, async ({ expect }) => {
        const started = performance.now();
        const rng = new Rng(seed);
        const server = await new ChaosServer(mulberry32(seed * 104_729), CONFIG, LATE_MS).start();
        const logs: string[] = [];
        const stored = { lines: [] as readonly TrackingLine[] };
        const client = mode === 'node' ? nodeClient(server, seed, logs) : browserClient(server, seed, logs, stored);
        try {
          await client.initialize();
          /** The events tracked, as the server will see them (nonce aside). */
          const expected = new Set<string>();
          let revenue = 0;
          const call = () => {
            const code = `visitor-${rng.int(0, VISITORS - 1)}`;
            if (rng.chance(0.55)) {
              const f = rng.int(0, FLAGS - 1);
              client.getVariation({ visitorCode: code, featureKey: `flag${f}`, track: true });
              expected.add(`eventType=experiment&id=${101 + f}&variationId=${201 + f}&visitorCode=${code}`);
            } else {
              const goalId = rng.int(1, 5);
              client.trackConversion({ visitorCode: code, goalId, revenue: ++revenue });
              expected.add(`eventType=conversion&goalId=${goalId}&revenue=${revenue}&negative=false&visitorCode=${code}`);
            }
          };
          for (let step = 0; step < STEPS; step++) {
            for (let i = 0; i < CALLS_PER_STEP; i++) call();
            // A tick composed the step's lines, and the queue came down: a load the server keeps up with.
            const seen = server.requests;
            await until(() => server.requests > seen && client.getTrackingStatus().queued < BACKLOG, `a request after step ${step}`);
          }
          // The end: the next request is held past the timeout; close() is called while it is.
          server.next = rng.pick(['lateAccept', 'lateRefuse'] as const);
          for (let i = 0; i < CALLS_PER_STEP; i++) call();
          await until(() => server.held > 0, 'the held request');
          const queuedAtClose = client.getTrackingStatus().queued;
          const closing = performance.now();
          await client.close();
          const closeMs = performance.now() - closing;

          const status = client.getTrackingStatus();
          const accepted = new Set(server.accepted.map((l) => l.content));
          const missing = [...expected].filter((content) => !accepted.has(content));
          const twoNonces = [...noncesByContent(server.received)].filter(([content, nonces]) => isEvent(content) && nonces.size > 1);
          const nonces = new Set<string>();
          let nonceRepeats = 0;
          for (const { nonce } of server.received) {
            if (nonces.has(nonce)) nonceRepeats++;
            nonces.add(nonce);
          }
          const answers = [...server.answers].map(([answer, n]) => `${answer} ${n}`).join(', ');
          console.log(
            `[chaos ${mode} seed ${seed}] ${expected.size} events (+${server.received.filter((l) => !isEvent(l.content)).length} activity/summary lines received), ` +
              `${server.requests} requests (${answers}), ${status.failures} failed and retried, ${server.received.length} lines received, ` +
              `${nonceRepeats} received again under the same nonce, ${missing.length} missing, ${twoNonces.length} under two nonces; ` +
              `close() with ${queuedAtClose} lines queued ${closeMs.toFixed(0)} ms, run ${(performance.now() - started).toFixed(0)} ms`,
          );
          expect(missing, 'events never accepted').toEqual([]);
          expect(twoNonces.map(([content, n]) => `${content}: ${[...n].join(' ')}`), 'events under two nonces').toEqual([]);
          expect(status.queued).toBe(0);
          expect(logs.filter((line) => /not accepted/.test(line))).toEqual([]);
          if (mode === 'browser') expect(stored.lines).toEqual([]); // nothing left for the next page
          // The load was chaotic: many failed requests, retried with the same nonces.
          expect(status.failures).toBeGreaterThan(10);
          expect(nonceRepeats).toBeGreaterThan(0);
        } finally {
          await client.close();
          await server.stop();
        }
      });
    }
  }
});
