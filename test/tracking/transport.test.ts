/**
 * Tracking failures say where: a request that fails (nothing listening) or that the server
 * refuses names the URL, and the status when there is one. Against a real server on 127.0.0.1,
 * through the Node build's own requester.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KameleoonClient } from '../../src/node.ts';
import { recordingLogger, serverClient } from '../delivery/helpers.ts';
import { KameleoonTestServer, switchConfig } from '../delivery/server.ts';

let server: KameleoonTestServer;
let client: KameleoonClient;
let logger: ReturnType<typeof recordingLogger>;
let tracking: string;

beforeEach(async () => {
  server = await new KameleoonTestServer(switchConfig('v1')).start();
  logger = recordingLogger();
  tracking = server.url;
  client = serverClient(server, { configuration: { endpoints: { configuration: server.url, tracking: server.url }, trackingInterval: 100, closeTimeout: 200 }, externals: { requester: undefined }, _internals: { minTrackingInterval: 100 } }, logger); // the Node build's own requester
  await client.initialize();
});

afterEach(async () => {
  await client.close();
  await server.stop().catch(() => undefined);
});

const logged = (text: string) => vi.waitUntil(() => logger.lines.find((l) => l.includes(text)), { timeout: 10_000, interval: 20 });
const track = () => {
  client.getVariation({ visitorCode: 'visitor-1', featureKey: 'switch', track: true });
  client.flush('visitor-1');
};

describe('tracking failure messages', () => {
  it('a status the server answers: the URL and the status', async () => {
    server.trackingMode = 'reject400';
    track();
    const line = await logged('rejected with HTTP');
    expect(line).toMatch(new RegExp(`^Tracking request to ${tracking.replace(/\./g, '\\.')}/visit/events\\?siteCode=site-a&\\S+ rejected with HTTP 400: \\d+ line\\(s\\) dropped\\.$`));
  });

  it('a retried status: the URL and the status', async () => {
    server.trackingMode = 'error503';
    track();
    expect(await logged('answered HTTP')).toMatch(new RegExp(`^Tracking request to ${tracking.replace(/\./g, '\\.')}/visit/events\\?siteCode=site-a&\\S+ answered HTTP 503; it will be retried\\.$`));
  });

  it('a request that fails (nothing listening): its method and URL after the reason', async () => {
    await server.stop();
    track();
    expect(await logged('Tracking request failed')).toMatch(new RegExp(`^Tracking request failed: .+ \\(POST ${tracking.replace(/\./g, '\\.')}/visit/events\\?siteCode=site-a&\\S+\\)$`));
  });
});
