/**
 * The demo's Cloudflare Worker (demo/worker) in the real workerd through miniflare, without
 * `nodejs_compat`, against the dev server on demo/flags.yaml: bundled from the source of the build
 * the Worker conditions pick (src/edge.ts, and BUILD says 'edge' at run time); a first request sets
 * the visitor-code cookie and answers with the Node build's decisions for that code; a second with
 * the cookie keeps visitor and variations; concurrent first requests to a fresh isolate all answer;
 * each exposure reaches the dev server exactly once (flushInstant inside ctx.waitUntil); workerd
 * logs nothing; with its port taken it moves on to the next one.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KameleoonClient } from '../../src/node.ts';
import { startDevServer, type DevServer } from '../../src/devserver/server.ts';
import { startWorker, type WorkerServer } from '../../demo/worker/server.ts';

const COOKIE = 'kameleoonVisitorCode';

let dev: DevServer;
let configDir: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  // A copy of the flags: the dev server watches its file, and demo/flags.yaml may be edited meanwhile.
  configDir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-worker-'));
  const config = join(configDir, 'flags.yaml');
  copyFileSync(fileURLToPath(new URL('../../demo/flags.yaml', import.meta.url)), config);
  dev = await startDevServer({ config, port: 0 });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await dev?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

/** A fresh workerd (a fresh isolate) serving the Worker; what workerd writes is collected. */
async function worker(port = 0): Promise<{ server: WorkerServer; log: string[] }> {
  const log: string[] = [];
  const server = await startWorker({ devServerUrl: dev.url, port, log: (line) => log.push(line) });
  cleanups.push(() => server.close());
  return { server, log };
}

/** The Node build's variation key of every flag for the visitor, on the dev server's configuration (nothing sent). */
async function nodeDecisions(visitorCode: string): Promise<{ keys: Record<string, string>; exposures: string[] }> {
  const client = new KameleoonClient({
    siteCode: 'demo-site',
    configuration: { defaultDataFile: dev.configuration() as never },
    externals: { requester: { sendRequest: async ({ requestType }) => new Response(null, { status: requestType === 'tracking' ? 204 : 304 }) }, logger: { log() {} } },
  });
  await client.initialize();
  try {
    const keys: Record<string, string> = {};
    const exposures: string[] = [];
    for (const [key, variation] of client.getVariations({ visitorCode, track: false })) {
      keys[key] = variation.key;
      if (variation.experimentId !== null && variation.id !== null) exposures.push(`${variation.experimentId}:${variation.id}`);
    }
    return { keys, exposures };
  } finally {
    await client.close();
  }
}

/** Experiment events the dev server received for the visitor, as `id:variationId`. */
const exposuresAt = (visitorCode: string): string[] =>
  dev
    .events()
    .filter((e) => e.visitorCode === visitorCode && e.eventType === 'experiment')
    .map((e) => `${e.params.id}:${e.params.variationId}`);

/** Each exposure arrived once: once the expected ones are in, nothing more within a second (no timer of the Worker's could send one later anyway). */
async function expectTrackedOnce(visitorCode: string, exposures: string[]): Promise<void> {
  await vi.waitUntil(() => exposuresAt(visitorCode).length >= exposures.length, { timeout: 10_000, interval: 50 });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(exposuresAt(visitorCode).sort()).toEqual([...exposures].sort());
  const mine = dev.events().filter((e) => e.visitorCode === visitorCode);
  expect(new Set(mine.map((e) => e.nonce)).size).toBe(mine.length);
}

const cookieOf = (response: Response): string | undefined => new RegExp(`^${COOKIE}=([^;]*)`).exec(response.headers.get('set-cookie') ?? '')?.[1];

interface FlagsBody {
  visitorCode: string;
  build: string;
  flags: Record<string, string>;
}

describe('the demo Worker in workerd (miniflare, no nodejs_compat)', () => {
  it('a first visit gets a cookie and the Node build’s decisions; the cookie keeps them; each exposure arrives once', async () => {
    const { server, log } = await worker();
    expect(server.sdkSource).toBe(fileURLToPath(new URL('../../src/edge.ts', import.meta.url)));

    const first = await fetch(`${server.url}/api/flags`);
    expect(first.status).toBe(200);
    const body = (await first.json()) as FlagsBody;
    expect(body.visitorCode).toMatch(/^[a-z0-9]{16}$/);
    expect(cookieOf(first)).toBe(body.visitorCode);
    expect(body.build).toBe('edge');
    expect(first.headers.get('x-kameleoon-build')).toBe('edge');
    const node = await nodeDecisions(body.visitorCode);
    expect(Object.keys(node.keys).length).toBeGreaterThan(0);
    expect(node.exposures.length).toBeGreaterThan(0);
    expect(body.flags).toEqual(node.keys);
    await expectTrackedOnce(body.visitorCode, node.exposures);

    // The HTML page, with the cookie: the same visitor and variations.
    const again = await fetch(`${server.url}/`, { headers: { cookie: `${COOKIE}=${body.visitorCode}` } });
    expect(again.status).toBe(200);
    expect(cookieOf(again) ?? body.visitorCode).toBe(body.visitorCode);
    const html = await again.text();
    expect(html).toContain(`<code id="visitor">${body.visitorCode}</code>`);
    for (const [key, variation] of Object.entries(node.keys)) expect(html).toContain(`data-flag="${key}"><code>${key}</code> <strong class="variation">${variation}</strong>`);
    expect(new Set(exposuresAt(body.visitorCode))).toEqual(new Set(node.exposures)); // the same assignments

    expect((await fetch(`${server.url}/nothing-here`)).status).toBe(404);
    expect(log).toEqual([]);
  });

  it('20 concurrent first requests to a fresh isolate all answer, each with its own visitor and decisions', async () => {
    const { server, log } = await worker();
    const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}/api/flags`)));
    const bodies = await Promise.all(
      responses.map(async (response) => {
        expect(response.status).toBe(200);
        const body = (await response.json()) as FlagsBody;
        expect(cookieOf(response)).toBe(body.visitorCode);
        return body;
      }),
    );
    expect(new Set(bodies.map((b) => b.visitorCode)).size).toBe(20);
    const expected = await Promise.all(bodies.map((body) => nodeDecisions(body.visitorCode)));
    bodies.forEach((body, i) => expect(body.flags).toEqual(expected[i].keys));
    await Promise.all(bodies.map((body, i) => expectTrackedOnce(body.visitorCode, expected[i].exposures)));
    expect(log).toEqual([]);
  });

  it('moves on to the next port when its port is taken', async () => {
    const holder: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => holder.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const taken = (holder.address() as AddressInfo).port;
    const { server, log } = await worker(taken);
    expect(Number(new URL(server.url).port)).toBeGreaterThan(taken);
    expect((await fetch(`${server.url}/api/flags`)).status).toBe(200);
    expect(log).toEqual([]); // the attempt on the taken port is not reported as an error
  });
});
