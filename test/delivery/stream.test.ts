/**
 * Real-time updates over server-sent events, against a real server on 127.0.0.1: an update pushed
 * over the stream reaches getVariation and fires the update event; a stream that drops mid-event,
 * a stream server that restarts, and a stream that goes silent all end in a reconnection, with
 * polling while the stream is down.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventType, type KameleoonClient } from '../../src/node.ts';
import { advance, minutes, recordingLogger, serverClient, switchKey, until, useFakeClock } from './helpers.ts';
import { KameleoonTestServer, switchConfig } from './server.ts';
import { FetchEventSource } from '../../src/config/stream.ts';

let server: KameleoonTestServer;
let client: KameleoonClient;

const streaming = () => client.getConfigurationStatus().streaming;

beforeEach(async () => {
  useFakeClock();
  server = await new KameleoonTestServer(switchConfig('v1', true)).start();
  client = serverClient(server, { configuration: { updateInterval: 1 } });
  await client.initialize();
  await until(() => streaming() && server.openStreams === 1, 'the stream');
});

afterEach(async () => {
  await client.close();
  await server.stop();
  vi.useRealTimers();
});

describe('real-time updates', () => {
  it('a pushed update reaches getVariation and fires both update events; polling is off meanwhile', async () => {
    expect(server.requests.filter((r) => r.path === '/sse')[0].query.get('siteCode')).toBe('site-a');
    const viaOnEvent: number[] = [];
    const viaHandler: number[] = [];
    client.onEvent(EventType.ConfigurationUpdate, ({ timestamp }) => viaOnEvent.push(timestamp));
    client.onConfigurationUpdate(({ timestamp }) => viaHandler.push(timestamp));

    // Polling every minute would show here. (Past 5 silent minutes Node's fetch ends the body
    // by itself, like our watchdog does at 15: the stream reconnects, then fetches once.)
    await advance(minutes(4));
    expect(server.configRequests).toHaveLength(1);

    server.setConfig(switchConfig('v2', true));
    server.push({ siteCode: 'another-site', ts: 1 });
    server.push({ siteCode: 'site-a', ts: 1_795_000_000_123 });
    await until(() => switchKey(client) === 'v2', 'the pushed update');
    expect(server.configRequests).toHaveLength(2);
    expect(server.configRequests[1].query.get('ts')).toBe('1795000000123');
    expect(viaOnEvent).toEqual([1_795_000_000_123]);
    expect(viaHandler).toEqual([1_795_000_000_123]);
  });

  it('a stream that drops mid-event: polling meanwhile, reconnection with backoff, and a catch-up fetch', async () => {
    server.dropStreamsMidEvent();
    await until(() => !streaming(), 'the drop');
    server.setConfig(switchConfig('v2', true));
    await advance(1_200); // first reconnection: 1 s ± 10 %
    await until(() => streaming() && server.streamConnections === 2, 'the reconnection');
    await until(() => switchKey(client) === 'v2', 'the catch-up fetch');

    server.setConfig(switchConfig('v3', true));
    server.push({ siteCode: 'site-a', ts: 2 });
    await until(() => switchKey(client) === 'v3', 'an update over the new connection');
  });

  it('polls while the stream is down', async () => {
    server.streamMode = 'refuse';
    server.dropStreamsMidEvent();
    await until(() => !streaming(), 'the drop');
    server.setConfig(switchConfig('v2', true));
    await advance(minutes(1) + 10_000);
    await until(() => switchKey(client) === 'v2', 'a poll');
    expect(streaming()).toBe(false);
    // Reconnection attempts go on meanwhile, backing off: 1, 2, 4, 8, 16, 32 s, then once a minute.
    await advance(minutes(10));
    const attempts = server.requests.filter((r) => r.path === '/sse').length;
    expect(attempts).toBeGreaterThanOrEqual(15);
    expect(attempts).toBeLessThanOrEqual(18);
  });

  it('a stream server that restarts: reconnection once it is back', async () => {
    const port = Number(new URL(server.url).port);
    await server.stop();
    await until(() => !streaming(), 'the drop');
    expect(switchKey(client)).toBe('v1');
    await advance(10_000);
    expect(streaming()).toBe(false);
    await server.start(port);
    server.setConfig(switchConfig('v2', true));
    await advance(20_000);
    await until(() => streaming(), 'the reconnection');
    await until(() => switchKey(client) === 'v2', 'the catch-up fetch');
  });

  it('a stream that goes silent is dropped by the watchdog and reopened', async () => {
    server.streamMode = 'silent';
    server.dropStreamsMidEvent();
    await until(() => !streaming(), 'the drop');
    await advance(1_200);
    await until(() => server.streamConnections === 2 && streaming(), 'the silent connection');
    server.streamMode = 'ok';
    await advance(minutes(15) + 5_000); // idle timeout, then the reconnection delay
    await until(() => server.streamConnections === 3 && server.openStreams === 1, 'the reopened stream');
    server.setConfig(switchConfig('v2', true));
    server.push({ siteCode: 'site-a', ts: 3 });
    await until(() => switchKey(client) === 'v2', 'an update over the reopened stream');
  });

  it('switches to polling when realTimeUpdate turns off, and back', async () => {
    server.setConfig(switchConfig('v2', false));
    server.push({ siteCode: 'site-a', ts: 4 });
    await until(() => switchKey(client) === 'v2' && !streaming() && server.openStreams === 0, 'the switch to polling');
    server.setConfig(switchConfig('v3', true));
    await advance(minutes(1) + 10_000);
    await until(() => switchKey(client) === 'v3' && streaming(), 'the switch back to streaming');
    expect(server.streamConnections).toBe(2);
  });

  it('close() closes the stream', async () => {
    await client.close();
    await until(() => server.openStreams === 0, 'the stream to close');
    expect(client.getConfigurationStatus()).toMatchObject({ status: 'closed', streaming: false });
  });
});

describe('FetchEventSource', () => {
  it('drops a silent connection after its idle timeout and says why', async () => {
    server.streamMode = 'silent';
    const source = new FetchEventSource({ idleTimeoutMs: 60_000 });
    const errors: string[] = [];
    let opened = 0;
    source.onError((err) => errors.push((err as Error).message));
    source.onOpen(() => opened++);
    source.open({ url: `${server.url}/sse?siteCode=x`, eventType: 'configuration-update-event', onEvent: () => undefined });
    await until(() => opened === 1, 'the connection');
    await advance(59_000);
    expect(errors).toEqual([]);
    await advance(2_000);
    await until(() => errors.length === 1, 'the idle timeout');
    expect(errors).toEqual(['no data for 60000 ms']);
    source.close();
  });

  it('a stream that is refused says where and with which status', async () => {
    const source = new FetchEventSource();
    const errors: string[] = [];
    source.onError((err) => errors.push((err as Error).message));
    const url = `${server.url}/no-such-stream?siteCode=x`;
    source.open({ url, eventType: 'configuration-update-event', onEvent: () => undefined });
    await until(() => errors.length === 1, 'the refusal');
    expect(errors[0]).toMatch(new RegExp(`^the event stream ${url.replace(/[.?]/g, '\\$&')} answered HTTP 4\\d\\d$`));
    source.close();
  });

  it('delivers only events of its type', async () => {
    const source = new FetchEventSource();
    const received: string[] = [];
    source.open({ url: `${server.url}/sse?siteCode=x`, eventType: 'configuration-update-event', onEvent: (data) => received.push(data) });
    await until(() => server.openStreams === 2, 'the connection');
    server.push({ ts: 1 }, 'other-event');
    server.push({ siteCode: 'x', ts: 2 });
    await until(() => received.length === 1, 'the event');
    expect(received).toEqual(['{"siteCode":"x","ts":2}']);
    source.close();
    await until(() => server.openStreams === 1, 'the close');
  });
});

describe('a user-provided eventSource (official externals)', () => {
  it('that throws on open: logged, polling goes on, nothing escapes as an unhandled rejection', async () => {
    const logger = recordingLogger();
    const custom = serverClient(server, { externals: { eventSource: { open() { throw new Error('no stream here'); }, close() {} } } }, logger);
    try {
      await custom.initialize();
      await until(() => logger.lines.some((line) => line.includes('no stream here')), 'the error');
      expect(logger.lines.find((line) => line.includes('no stream here'))).toMatch(/^The real-time stream could not be started; polling instead/);
      expect(custom.getConfigurationStatus().streaming).toBe(false);
      server.setConfig(switchConfig('v2', true));
      await advance(minutes(61)); // updateInterval: 60 minutes
      expect(switchKey(custom)).toBe('v2');
    } finally {
      await custom.close();
    }
  });

  it('without onOpen (the official interface), closed by a status listener as it opens: the source is closed', async () => {
    let open = false;
    const custom = serverClient(server, { externals: { eventSource: { open: () => void (open = true), close: () => void (open = false) } } });
    custom.onStatusChange(() => {
      if (custom.getConfigurationStatus().streaming) void custom.close();
    });
    await custom.initialize();
    await until(() => custom.getConfigurationStatus().status === 'closed', 'the close');
    expect(open).toBe(false);
  });

  it.each([
    ['the data string', (data: string) => data],
    // The official SDK's event sources pass the MessageEvent itself.
    ['a MessageEvent, as official event sources pass it', (data: string) => new MessageEvent('configuration-update-event', { data })],
  ])('is opened on the stream URL for the update event, and its events (%s) trigger a fetch with ts', async (_form, event) => {
    const opened: { url: string; eventType: string }[] = [];
    let deliver: (message: string | { data: string }) => void = () => undefined;
    const custom = serverClient(server, {
      externals: {
        eventSource: {
          open({ url, eventType, onEvent }) {
            opened.push({ url, eventType });
            deliver = onEvent;
          },
          close() {},
        },
      },
    });
    try {
      await custom.initialize();
      // The stream's code loads once a configuration asks for real time: the source opens just after.
      await until(() => opened.length > 0, 'the stream');
      expect(opened).toEqual([{ url: `${server.url}/sse?siteCode=site-a`, eventType: 'configuration-update-event' }]);
      expect(custom.getConfigurationStatus().streaming).toBe(true);
      server.setConfig(switchConfig('v2', true));
      deliver(event(JSON.stringify({ siteCode: 'site-a', ts: 77 })));
      await until(() => switchKey(custom) === 'v2', 'the update');
      expect(server.configRequests.at(-1)?.query.get('ts')).toBe('77');
    } finally {
      await custom.close();
    }
  });
});
