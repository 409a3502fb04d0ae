/**
 * Issue 19's proof: the per-request app of apps/app.mjs, installed from the packed tarball, in
 * each real edge runtime (runtimes.ts): Cloudflare's workerd through miniflare (no
 * `nodejs_compat`), Vercel's edge-runtime, Deno and Bun, against the dev server. For each runtime:
 *   - the package resolves to its edge build (`dist/edge.js`) under the runtime's own conditions;
 *   - the first request answers and sets the visitor cookie (its time is printed, never asserted);
 *   - a second request with the cookie keeps the visitor and the variation;
 *   - the decision equals the Node build's (src/node.ts) on the same configuration;
 *   - 20 concurrent first requests to a fresh isolate or process all answer, each with a
 *     decision of its own visitor's;
 *   - the dev server receives each visitor's exposure exactly once (delivered through waitUntil);
 *   - neither the runtime nor the SDK says an error meanwhile.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KameleoonClient } from '../../src/node.ts';
import { startDevServer, type DevServer } from '../../src/devserver/server.ts';
import { buildAndPack, type Packed } from '../package/harness.ts';
import { bun, createEdgeProject, deno, vercelEdge, workerd, type EdgeRuntimeUnderTest, type EdgeServer } from './runtimes.ts';
import { NEW_DESIGN_KEY, NEW_DESIGN_YAML } from '../support/newDesignFlags.ts';
import { devServerOracle } from '../support/devServerOracle.ts';

const SITE_CODE = 'demo-site'; // the app's
const FEATURE_KEY = NEW_DESIGN_KEY;
const COOKIE = 'kameleoonVisitorCode';
const CONCURRENT = 20;
const WARM_REQUESTS = 10;


const started = performance.now();
const timings: string[] = [];
let configDir: string | undefined;
let dev: DevServer | undefined;
let packed: Packed | undefined;
let project = '';
let oracle: KameleoonClient | undefined;
/** Every server started, closed in afterAll whatever happened (a test closes its own when it can). */
const running = new Set<EdgeServer>();

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'kameleoon-ts-edge-'));
  writeFileSync(join(configDir, 'flags.yaml'), NEW_DESIGN_YAML);
  dev = await startDevServer({ config: join(configDir, 'flags.yaml'), port: 0 });
  const from = performance.now();
  packed = await buildAndPack();
  timings.push(`npm run build + npm pack ${((performance.now() - from) / 1000).toFixed(1)} s`);
  project = await createEdgeProject(packed, dev.url);
  oracle = await devServerOracle(dev, SITE_CODE);
}, 240_000);

afterAll(async () => {
  await Promise.all([...running].map((server) => server.close().catch(() => undefined)));
  await Promise.all([oracle?.close(), dev?.close()]);
  packed?.dispose();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  console.log(`[edge] ${timings.join('; ')}; whole file ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

let current: EdgeServer | undefined;
beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    if (current?.output.length) console.log(`runtime output:\n${current.output.join('\n')}`);
  });
});

async function start(runtime: EdgeRuntimeUnderTest): Promise<EdgeServer> {
  const server = await runtimeStart(runtime);
  running.add(server);
  current = server;
  return server;
}

async function runtimeStart(runtime: EdgeRuntimeUnderTest): Promise<EdgeServer> {
  const from = performance.now();
  const server = await runtime.start();
  timings.push(`${runtime.name} started in ${Math.round(performance.now() - from)} ms`);
  return server;
}

async function stop(server: EdgeServer): Promise<void> {
  await server.close();
  running.delete(server);
}

interface Answer {
  status: number;
  setCookie: string[];
  body: { visitorCode?: string; variation?: string };
  ms: number;
}

async function get(url: string, cookie?: string): Promise<Answer> {
  const from = performance.now();
  const response = await fetch(url, { headers: cookie ? { cookie } : {} });
  const text = await response.text();
  const ms = performance.now() - from;
  let body: Answer['body'] = {};
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = { variation: `(not JSON: ${text.slice(0, 300)})` };
  }
  return { status: response.status, setCookie: response.headers.getSetCookie(), body, ms };
}

/** The visitor code a response's Set-Cookie gives. */
function cookieCode(answer: Answer): string | undefined {
  for (const line of answer.setCookie) {
    const match = new RegExp(`^${COOKIE}=([^;]*)`).exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** What the Node build decides for the visitor on the dev server's configuration. */
function expected(visitorCode: string): { key: string; exposure: string } {
  const variation = oracle!.getVariation({ visitorCode, featureKey: FEATURE_KEY, track: false });
  return { key: variation.key, exposure: `${variation.experimentId}:${variation.id}` };
}

/** Experiment events the dev server received for the visitor, as `experimentId:variationId`. */
function exposuresAt(visitorCode: string): string[] {
  return dev!
    .events()
    .filter((e) => e.visitorCode === visitorCode && e.eventType === 'experiment')
    .map((e) => `${e.params.id}:${e.params.variationId}`);
}

/** Errors the runtime or the SDK said (an uncaught error, a Kameleoon ERROR line). */
function errorsIn(server: EdgeServer): string[] {
  return server.output.filter((line) => /\bERROR\b|Uncaught|waitUntil rejected|^error: /.test(line));
}

const eventually = (condition: () => boolean, timeout = 10_000) => vi.waitUntil(condition, { timeout, interval: 50 });

const RUNTIMES: { name: string; make: (project: string) => EdgeRuntimeUnderTest }[] = [
  { name: 'workerd (miniflare)', make: workerd },
  { name: 'edge-runtime (Vercel)', make: vercelEdge },
  { name: 'deno', make: deno },
  { name: 'bun', make: bun },
];

describe.each(RUNTIMES)('$name', ({ make }) => {
  let runtime: EdgeRuntimeUnderTest;
  /** Every visitor code this runtime's app gave out, with what the Node build decides for it. */
  const visitors = new Map<string, { key: string; exposure: string }>();

  beforeAll(() => {
    runtime = make(project);
  });

  it('resolves kameleoon-ts to its edge build, dist/edge.js', async () => {
    expect(await runtime.resolved()).toBe('dist/edge.js');
  });

  it('first request answers and sets the visitor cookie; a second with the cookie keeps visitor and variation; decisions equal the Node build', async () => {
    const server = await start(runtime);
    try {
      const first = await get(server.url);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const code = cookieCode(first);
      expect(code, `Set-Cookie: ${first.setCookie.join(' | ')}`).toBeTruthy();
      expect(first.body.visitorCode).toBe(code);
      visitors.set(code!, expected(code!));
      expect(first.body.variation).toBe(expected(code!).key);
      const visitor = { code: code!, variation: first.body.variation! };

      const second = await get(server.url, `${COOKIE}=${code}`);
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ visitorCode: code, variation: visitor.variation });
      // The cookie may be set again (to extend its life, as the official SDKs do), never to another visitor.
      expect(cookieCode(second) ?? code, `Set-Cookie: ${second.setCookie.join(' | ')}`).toBe(code);

      const warm: number[] = [];
      for (let i = 0; i < WARM_REQUESTS; i++) {
        const again = await get(server.url, `${COOKIE}=${code}`);
        expect(again.body).toEqual({ visitorCode: code, variation: visitor.variation });
        warm.push(again.ms);
      }
      const mean = warm.reduce((a, b) => a + b, 0) / warm.length;
      timings.push(`${runtime.name}: first request ${first.ms.toFixed(1)} ms, second ${second.ms.toFixed(1)} ms, ${WARM_REQUESTS} more ${mean.toFixed(1)} ms each`);

      // Delivered through waitUntil while the runtime runs.
      await eventually(() => exposuresAt(code!).length > 0);
      expect(errorsIn(server)).toEqual([]);
    } finally {
      await stop(server);
    }
  });

  it(`${CONCURRENT} concurrent first requests to a fresh isolate all answer, each with its visitor's decision`, async () => {
    const server = await start(runtime);
    try {
      const from = performance.now();
      const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => get(server.url)));
      timings.push(`${runtime.name}: ${CONCURRENT} concurrent first requests ${Math.round(performance.now() - from)} ms`);
      // Each failure with what it answered (a 500's text says why).
      expect(answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
      const codes = answers.map(cookieCode);
      expect(codes.every(Boolean), 'each sets a visitor cookie').toBe(true);
      expect(new Set(codes).size, 'each a new visitor').toBe(CONCURRENT);
      for (const [i, answer] of answers.entries()) {
        const code = codes[i]!;
        visitors.set(code, expected(code));
        expect(answer.body).toEqual({ visitorCode: code, variation: expected(code).key });
      }
      await eventually(() => codes.every((code) => exposuresAt(code!).length > 0));
      expect(errorsIn(server)).toEqual([]);
    } finally {
      await stop(server);
    }
  });

  it('the dev server received each exposure exactly once', () => {
    expect(visitors.size, 'visitors served by the tests above').toBeGreaterThan(0);
    // A late duplicate (a retry after the server accepted, a second flush) would be here by now:
    // the runtimes were stopped after their waitUntil work.
    const received = Object.fromEntries([...visitors.keys()].map((code) => [code, exposuresAt(code)]));
    const wanted = Object.fromEntries([...visitors].map(([code, { exposure }]) => [code, [exposure]]));
    expect(received).toEqual(wanted);
  });
});
