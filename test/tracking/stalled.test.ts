/**
 * A request that never settles (a user's requester that ignores its abort signal, a network
 * black hole) gives up at the request timeout: the next flush sends, and nothing waits for it
 * for ever.
 */
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/logging/logger.ts';
import { Outbox } from '../../src/tracking/outbox.ts';
import { createTrackingSender } from '../../src/tracking/transport.ts';

describe('a tracking request that never settles', () => {
  it('gives up at the request timeout: the lines are sent by the next attempt', async () => {
    const bodies: string[] = [];
    let calls = 0;
    const requester = {
      sendRequest: ({ parameters }: { parameters: RequestInit }) => {
        calls++;
        if (calls === 1) return new Promise<never>(() => undefined); // ignores its signal
        bodies.push(String(parameters.body));
        return Promise.resolve({ ok: true, status: 204, json: async () => null, text: async () => '' });
      },
    };
    const logs: string[] = [];
    const logger = new Logger({ log: (_level, message) => void logs.push(message) });
    const outbox = new Outbox({ send: createTrackingSender({ requester, url: () => 'http://127.0.0.1:9/visit/events?siteCode=s', timeoutMs: 100, logger }), logger, random: () => 0.5 });
    outbox.add([{ text: 'eventType=activity&nonce=A&visitorCode=v', ua: false }]);
    await outbox.flush(); // settles at the timeout, as a failure
    expect(logs.some((line) => line.includes('no answer within 100 ms') && line.includes('(POST http://127.0.0.1:9/visit/events'))).toBe(true);
    outbox.add([{ text: 'eventType=activity&nonce=B&visitorCode=v', ua: false }]);
    await outbox.sendUntil(Date.now() + 5_000);
    expect(bodies.join('\n').split('\n').map((line) => /nonce=(\w+)/.exec(line)?.[1])).toEqual(['A', 'B']);
    expect(outbox.stats).toMatchObject({ queued: 0, sentLines: 2 });
  });
});
