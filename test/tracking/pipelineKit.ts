/** What the tracking pipeline's tests build it from, and how they read what it sent. */
import { Logger } from '../../src/logging/logger.ts';
import type { createMemoryStorage } from '../../src/platform/memory.ts';
import type { TrackingDeps } from '../../src/tracking/pipeline.ts';
import { isSoundItem } from '../../src/visitor/data.ts';
import { VisitorStore } from '../../src/visitor/visitorStore.ts';

/** Deps of a pipeline sending to `bodies`, on `storage`. */
export function pipelineDeps(storage: ReturnType<typeof createMemoryStorage> | undefined, bodies: string[]): TrackingDeps {
  return {
    siteCode: 'site',
    trackingEndpoint: 'http://127.0.0.1:9',
    networkDomain: undefined,
    sdk: { type: 'JAVASCRIPT', version: '4.17.1', isServer: true },
    requester: {
      sendRequest: async ({ parameters }: { parameters: RequestInit }) => {
        bodies.push(String(parameters.body));
        return { ok: true, status: 204, json: async () => null, text: async () => '' };
      },
    },
    storage,
    requestTimeoutMs: 1_000,
    trackingIntervalMs: 1_000,
    limits: undefined,
    store: new VisitorStore({ sessionDurationMs: 0, clock: Date.now, persistence: undefined, onForget: () => undefined }),
    config: () => undefined,
    prepare: () => undefined,
    logger: new Logger({ log: () => undefined }),
    random: Math.random,
    soundItem: isSoundItem,
  } as unknown as TrackingDeps;
}

/** Each line sent, as its event type and visitor code (`eventType=activity v`), in order. */
export const sentLines = (bodies: readonly string[]): string[] =>
  bodies.flatMap((body) => body.split('\n')).map((line) => `${line.split('&')[0]} ${/visitorCode=([^&]+)/.exec(line)?.[1]}`);
