/**
 * Shared by the configuration-delivery tests: a client pointed at the local test server, a
 * logger that records, and waiting for real I/O while the timers are fake.
 */
import { vi } from 'vitest';
import { KameleoonClient, type SDKParameters } from '../../src/node.ts';
import type { KameleoonTestServer } from './server.ts';

/** Fake only what the SDK schedules with; I/O and setImmediate stay real. */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(new Date('2026-11-21T08:00:00Z'));
}

/**
 * Lets real I/O run until `condition` holds (fake timers do not move meanwhile).
 * @throws when it does not hold within a few seconds of real time
 */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets pending I/O callbacks run for a short while (to show that nothing happens). */
export async function drain(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

let inflight = 0;

/**
 * The default requester's path (global fetch), counting requests until their body is read, so
 * that {@link advance} can let each one finish before fake time moves on.
 */
export const countingRequester = {
  async sendRequest({ url, parameters }: { url: string; parameters: RequestInit }) {
    inflight++;
    let response: Response;
    try {
      response = await fetch(url, parameters);
    } catch (err) {
      inflight--;
      throw err;
    }
    const body = response.text().finally(() => inflight--);
    body.catch(() => undefined);
    return { ok: response.ok, status: response.status, headers: response.headers, text: () => body, json: async () => JSON.parse(await body) as unknown };
  },
};

/**
 * Advances fake time a second at a time; after each step, real I/O started by the SDK's timers
 * (counted requests) finishes before time moves again, so a request timeout only fires for a
 * request that really hangs.
 */
export async function advance(ms: number, step = 1_000): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await vi.advanceTimersByTimeAsync(Math.min(step, ms - done));
    if (inflight > 0) await until(() => inflight === 0 || hanging, 'in-flight requests');
  }
  await drain();
}

let hanging = false;

/** Marks requests as expected to hang (the server holds them), so that {@link advance} does not wait for them. */
export function expectHanging(value: boolean): void {
  hanging = value;
}

/** A logger that keeps the lines. */
export function recordingLogger(): { lines: string[]; log(level: number, message: string): void } {
  const lines: string[] = [];
  return { lines, log: (_level: number, message: string) => void lines.push(message) };
}

/** A Node client whose every endpoint is the test server; jitter fixed at its midpoint. */
export function serverClient(server: KameleoonTestServer, extra: Partial<SDKParameters> = {}, logger = recordingLogger()): KameleoonClient {
  return new KameleoonClient({
    siteCode: 'site-a',
    ...extra,
    configuration: { endpoints: { configuration: server.url, realTime: server.url }, requestTimeout: 2_000, updateInterval: 60, ...extra.configuration },
    externals: { logger, requester: countingRequester, ...extra.externals },
    _internals: { prng: { getRandomNumber: () => 0.5 }, ...extra._internals },
  });
}

/** The variation key of flag `switch` for a visitor: which configuration is in force. */
export function switchKey(client: KameleoonClient): string {
  return client.getVariation({ visitorCode: 'visitor-1', featureKey: 'switch', track: false }).key;
}

/** Minutes in ms. */
export const minutes = (n: number): number => n * 60_000;
