/**
 * Tracking under network faults, against a real server on 127.0.0.1: a stretch of 503s, the
 * server down (connection refused), a response slower than the timeout, a 400. Afterwards every
 * event has arrived, each under exactly one nonce (a retry re-sends the same nonce, so the server
 * can drop the duplicate), and a rejected batch is not sent again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomData, type KameleoonClient } from '../../src/node.ts';
import { advance, expectHanging, serverClient, until, useFakeClock } from '../delivery/helpers.ts';
import { KameleoonTestServer, switchConfig } from '../delivery/server.ts';

let server: KameleoonTestServer;
let client: KameleoonClient;

beforeEach(async () => {
  useFakeClock();
  server = await new KameleoonTestServer(switchConfig('v1')).start();
  client = serverClient(server, { configuration: { endpoints: { configuration: server.url, tracking: server.url }, trackingInterval: 100 }, _internals: { minTrackingInterval: 100 } });
  await client.initialize();
});

afterEach(async () => {
  expectHanging(false);
  server.trackingMode = 'ok';
  await client.close();
  await server.stop();
  vi.useRealTimers();
});

/** Each visitor: an exposure (tracked getVariation) and a custom data item, flushed. */
function produce(prefix: string, visitors: number): string[] {
  const codes: string[] = [];
  for (let i = 0; i < visitors; i++) {
    const code = `${prefix}-${i}`;
    client.getVariation({ visitorCode: code, featureKey: 'switch', track: true });
    client.addData(code, new CustomData(0, `${prefix} value ${i}`));
    client.flush(code);
    codes.push(code);
  }
  return codes;
}

const content = (line: string) => line.replace(/&nonce=[0-9A-F]{16}/, '');
const nonceOf = (line: string) => /&nonce=([0-9A-F]{16})/.exec(line)?.[1] ?? '';

/** Distinct nonces received per event (line without its nonce). */
function noncesByEvent(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of server.trackingLines) {
    const key = content(line);
    let nonces = out.get(key);
    if (!nonces) out.set(key, (nonces = new Set()));
    nonces.add(nonceOf(line));
  }
  return out;
}

function arrivedOnce(codes: string[]): void {
  const received = noncesByEvent();
  for (const code of codes) {
    const events = [...received.entries()].filter(([line]) => line.endsWith(`&visitorCode=${encodeURIComponent(code)}`));
    expect(events.map(([line]) => line.split('&')[0]).sort(), code).toEqual(['eventType=customData', 'eventType=experiment']);
    for (const [line, nonces] of events) expect(nonces.size, `${line} arrived under ${nonces.size} nonces`).toBe(1);
  }
}

describe('tracking under faults', () => {
  it('delivers a batch within a tick', async () => {
    const codes = produce('ok', 20);
    await advance(200, 100);
    arrivedOnce(codes);
    expect(server.trackingQueries[0].get('sdkName')).toBe('nodejs');
    expect(client.getTrackingStatus()).toMatchObject({ queued: 0, sentLines: 40, failures: 0 });
  });

  it('a stretch of 503s: retried with backoff, then delivered once', async () => {
    server.trackingMode = 'error503';
    const codes = produce('busy', 20);
    await advance(8_000, 100);
    const attempts = server.trackingBodies.length;
    // 1, 2, 4 s (±20 %) backoff: about four attempts in 8 s, not eighty.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(5);
    expect(client.getTrackingStatus().queued).toBe(40);
    server.trackingMode = 'ok';
    await advance(20_000, 100);
    arrivedOnce(codes);
    expect(client.getTrackingStatus()).toMatchObject({ queued: 0, sentLines: 40 });
  });

  it('the server down (connection refused), then back: delivered once', async () => {
    const port = Number(new URL(server.url).port);
    await server.stop();
    const codes = produce('down', 20);
    await advance(10_000, 100);
    expect(client.getTrackingStatus().failures).toBeGreaterThanOrEqual(2);
    await server.start(port);
    await advance(70_000, 100);
    arrivedOnce(codes);
  });

  it('a response slower than the timeout: the retry reuses the nonces', async () => {
    server.trackingMode = 'hang';
    expectHanging(true);
    const codes = produce('slow', 20);
    await advance(200, 100);
    await until(() => server.trackingBodies.length === 1, 'the held request');
    await advance(2_100, 100); // requestTimeout 2 s: abandoned on our side
    await until(() => client.getTrackingStatus().failures === 1, 'the timeout');
    server.releaseHung();
    server.trackingMode = 'ok';
    expectHanging(false);
    await advance(10_000, 100);
    // The server saw the batch twice, under the same nonces: it can drop the second.
    expect(server.trackingBodies.length).toBe(2);
    expect(server.trackingBodies[0]).toBe(server.trackingBodies[1]);
    arrivedOnce(codes);
  });

  it('a 400 drops the batch once, with a count, and the next ones go through', async () => {
    server.trackingMode = 'reject400';
    const rejected = produce('bad', 5);
    await advance(500, 100);
    expect(client.getTrackingStatus()).toMatchObject({ droppedRejected: 10, queued: 0 });
    server.trackingMode = 'ok';
    const codes = produce('after', 5);
    await advance(5_000, 100);
    arrivedOnce(codes);
    const rejectedLines = server.trackingLines.filter((line) => rejected.some((code) => line.endsWith(`=${code}`)));
    expect(rejectedLines).toHaveLength(10);
  });

  it('a visitor forgotten before the next tick (the clock jumped past the session) still has its exposure sent', async () => {
    const short = serverClient(server, { configuration: { endpoints: { configuration: server.url, tracking: server.url }, trackingInterval: 100, sessionDuration: 1 }, _internals: { minTrackingInterval: 100 } });
    await short.initialize();
    short.getVariation({ visitorCode: 'jumped-a', featureKey: 'switch', track: true });
    vi.setSystemTime(Date.now() + 62_000); // no timer runs: the tick has not come
    short.getVariation({ visitorCode: 'jumped-b', featureKey: 'switch', track: true });
    expect(short.visitorCount).toBe(1); // jumped-a was forgotten
    await advance(300, 100);
    const lines = server.trackingLines.map(content);
    expect(lines.filter((l) => l.endsWith('visitorCode=jumped-a'))).toHaveLength(1);
    expect(lines.filter((l) => l.endsWith('visitorCode=jumped-b'))).toHaveLength(1);
    await short.close();
  });

  it('close() sends what is queued before it resolves', async () => {
    const codes = produce('closing', 10);
    await client.close();
    arrivedOnce(codes);
  });
});

describe('a visitor whose lines cannot be built', () => {
  it('keeps its exposures unsent, and they leave with the next tick that can build them', async () => {
    let broken = false;
    const flaky = serverClient(server, {
      configuration: { endpoints: { configuration: server.url, tracking: server.url }, trackingInterval: 100 },
      _internals: {
        minTrackingInterval: 100,
        prng: {
          getRandomNumber: () => {
            if (broken) throw new Error('no randomness');
            return Math.random();
          },
        },
      },
    });
    const linesOf = (code: string) => server.trackingLines.filter((line) => line.includes(`visitorCode=${code}`)).map((line) => line.split('&')[0]);
    try {
      await flaky.initialize();
      flaky.getVariation({ visitorCode: 'flaky-1', featureKey: 'switch', track: true });
      broken = true; // the line's nonce cannot be drawn: the visitor is skipped (with a log), not the tick
      await advance(300);
      expect(linesOf('flaky-1')).toEqual([]);
      broken = false;
      flaky.flush('flaky-1');
      await advance(300);
      expect(linesOf('flaky-1')).toEqual(['eventType=experiment']);
    } finally {
      await flaky.close();
    }
  });
});
