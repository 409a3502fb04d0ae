/**
 * `close()` drains: it resolves once every queued line is accepted by the server, or at the
 * `closeTimeout` deadline; a request in flight that fails does not end it. Retries reuse the lines'
 * nonces. At the deadline what is left is reported (one warning with the counts, `queued` in the
 * tracking status) and, in browsers, kept for the next page. Real time, against a real server on
 * 127.0.0.1 with a short request timeout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgument } from '../../src/errors.ts';
import type { TrackingLine } from '../../src/tracking/outbox.ts';
import type { PageLifecycle } from '../../src/platform/platform.ts';
import { createMemoryStorage } from '../../src/platform/memory.ts';
import { KameleoonClient, type SDKParameters } from '../../src/node.ts';
import { AssembledClient, browserModeAssembly } from '../support/browserMode.ts';
import { countingRequester, recordingLogger, serverClient, until } from '../delivery/helpers.ts';
import { KameleoonTestServer, switchConfig } from '../delivery/server.ts';

let server: KameleoonTestServer;
const clients: { close(): Promise<void> }[] = [];

afterEach(async () => {
  if (server) server.trackingMode = 'ok';
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.stop();
});

async function start(configuration: SDKParameters['configuration'] = {}, logger = recordingLogger()): Promise<KameleoonClient> {
  server = await new KameleoonTestServer(switchConfig('v1')).start();
  const client = serverClient(server, { configuration: { endpoints: { configuration: server.url, tracking: server.url }, trackingInterval: 100, requestTimeout: 300, ...configuration } }, logger);
  clients.push(client);
  await client.initialize();
  return client;
}

/** Ten visitors, one exposure each. */
function expose(client: { getVariation: KameleoonClient['getVariation'] }, prefix = 'v'): void {
  for (let i = 0; i < 10; i++) client.getVariation({ visitorCode: `${prefix}-${i}`, featureKey: 'switch', track: true });
}

describe('close() drains', () => {
  it('a request in flight that times out: close() retries the same lines, and resolves once they are accepted', async () => {
    const client = await start();
    server.trackingMode = 'hang';
    expose(client);
    await until(() => server.trackingBodies.length === 1, 'the held request');
    server.trackingMode = 'ok';
    const started = performance.now();
    await client.close();
    expect(client.getTrackingStatus()).toMatchObject({ queued: 0, sentLines: 10, failures: 1 });
    // Held past requestTimeout (300 ms), then retried after the 1 s backoff, within closeTimeout (5 s).
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(server.trackingBodies).toHaveLength(2);
    expect(server.trackingBodies[1]).toBe(server.trackingBodies[0]); // the same nonces
    expect(server.trackingBodies[0].split('\n')).toHaveLength(10);
  });

  it('concurrent calls share one promise; later calls get it too', async () => {
    const client = await start();
    expose(client);
    const first = client.close();
    expect(client.close()).toBe(first);
    await first;
    expect(client.close()).toBe(first);
    expect(client.getTrackingStatus()).toMatchObject({ queued: 0, sentLines: 10 });
  });
});

describe('close() at its deadline', () => {
  it('a server that keeps failing: close() resolves at closeTimeout, with one warning of what is left, which getTrackingStatus() shows', async () => {
    const logger = recordingLogger();
    const client = await start({ closeTimeout: 1_000 }, logger);
    server.trackingMode = 'error503';
    expose(client);
    const started = performance.now();
    await client.close();
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(1_500);
    expect(client.getTrackingStatus()).toMatchObject({ queued: 10, sentLines: 0 });
    // Retried within the deadline (the backoff shortened to fit it), always with the same nonces.
    expect(server.trackingBodies.length).toBeGreaterThanOrEqual(2);
    expect(new Set(server.trackingBodies).size).toBe(1);
    const warnings = logger.lines.filter((line) => /not accepted/.test(line));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/10 tracking line\(s\) of 10 visitor\(s\)/);
    expect(warnings[0]).toMatch(/closeTimeout/);
  });

  it('a request held past the deadline is abandoned there', async () => {
    const logger = recordingLogger();
    const client = await start({ closeTimeout: 500, requestTimeout: 10_000 }, logger);
    server.trackingMode = 'hang';
    expose(client);
    await until(() => server.trackingBodies.length === 1, 'the held request');
    const started = performance.now();
    await client.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(client.getTrackingStatus().queued).toBe(10);
    expect(logger.lines.filter((line) => /not accepted/.test(line))).toHaveLength(1);
    server.releaseHung();
  });

  it('closeTimeout 0: nothing more is attempted, what is left is reported', async () => {
    const logger = recordingLogger();
    const client = await start({ closeTimeout: 0 }, logger);
    server.trackingMode = 'error503';
    expose(client);
    await client.close();
    expect(server.trackingBodies).toHaveLength(0);
    expect(client.getTrackingStatus().queued).toBe(10);
    expect(logger.lines.filter((line) => /not accepted/.test(line))).toHaveLength(1);
  });

  it('browsers: what is left is kept for the next page, with the same nonces', async () => {
    server = await new KameleoonTestServer(switchConfig('v1')).start();
    server.trackingMode = 'error503';
    let stored: readonly TrackingLine[] = [];
    const page: PageLifecycle = {
      recover: async () => [],
      persist: (_site, lines) => void (stored = lines.slice()),
      onLeave: () => () => undefined,
      onOnline: () => () => undefined,
      offline: () => false,
      beacon: () => false,
    };
    const logger = recordingLogger();
    const client = new AssembledClient(
      {
        siteCode: 'site-b',
        configuration: { endpoints: { configuration: server.url, tracking: server.url }, trackingInterval: 100, requestTimeout: 300, closeTimeout: 600 },
        externals: { logger, requester: countingRequester },
        _internals: { prng: { getRandomNumber: () => 0.5 }, platformAnalyzer: { getResult: () => ({}) } },
      },
      browserModeAssembly(createMemoryStorage(), page),
    );
    clients.push(client);
    await client.initialize();
    expose(client);
    await client.close();
    expect(client.getTrackingStatus().queued).toBe(10);
    expect(stored.map((l) => l.text).join('\n')).toBe(server.trackingBodies[0]);
    expect(logger.lines.find((line) => /not accepted/.test(line))).toMatch(/kept for the next page/);
  });
});

it('closeTimeout is validated as the other number options', () => {
  expect(() => new KameleoonClient({ siteCode: 's', configuration: { closeTimeout: '5' as never } })).toThrow(InvalidArgument);
  expect(() => new KameleoonClient({ siteCode: 's', configuration: { closeTimeout: Number.NaN } })).toThrow(/closeTimeout must be a number/);
});
