/**
 * A fleet: four Node processes (fleetWorker.ts) running the SDK with the Redis store, behind a
 * round-robin proxy on 127.0.0.1, sharing a real redis-server. 2,000 visitors make three requests
 * each, one after the other, which land on different processes: the second adds the visitor's
 * plan (for half of them), the third is targeted on it. Decisions equal one process's on the same
 * inputs; each exposure reaches the tracking server once for the fleet; a configuration change
 * reaches all four, fetched from the CDN by one process only.
 */
import { request as httpRequest, Agent, createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomData, KameleoonClient } from '../../src/node.ts';
import { KameleoonTestServer } from '../delivery/server.ts';
import { startChildServer, type ChildServer } from '../support/childServer.ts';
import { listenLocally, type LocalServer } from '../support/localServer.ts';
import { startRedis, type RedisServer } from '../support/redisServer.ts';
import { fleetConfiguration } from './fleetConfig.ts';

const WORKERS = 4;
const VISITORS = 2000;
const CONCURRENCY = 32;
const UPDATE_INTERVAL_MS = 400;

let redis: RedisServer;
let cdn: KameleoonTestServer;
let workers: ChildServer[] = [];
let proxy: LocalServer;
let proxyUrl: string;

/** A round-robin proxy: the n-th request goes to worker n mod 4. */
async function startProxy(targets: string[]): Promise<LocalServer> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', targets[next++ % targets.length]);
    const upstream = httpRequest(target, { method: req.method, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return listenLocally(server);
}

type Answer = { worker: string; pricing: string; layout: string; waited: number; source: string; reason?: string };
const keepAlive = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: keepAlive }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as Answer) : reject(new Error(`${url}: ${res.statusCode} ${body}`))));
    })
      .on('error', reject)
      .end();
  });
}

/** Each worker's answer to `path` (not through the proxy). */
const everyWorker = <T>(path: string) => Promise.all(workers.map((w) => get(`${w.url}${path}`) as Promise<unknown> as Promise<T>));

/** The visitor's three requests: the plan (premium or basic) is added by the second. */
const plan = (i: number) => (i % 2 === 0 ? 'premium' : 'basic');

/** What one process decides for these visitors' three requests (the reference). */
async function oneProcess(codes: string[]): Promise<string[][]> {
  const server = await new KameleoonTestServer(fleetConfiguration(1)).start();
  const reference = new KameleoonClient({ siteCode: 'fleet', configuration: { endpoints: { configuration: server.url, tracking: server.url } } });
  await reference.initialize();
  const decisions = codes.map((code, i) =>
    [0, 1, 2].map((r) => {
      if (r === 1) reference.addData(code, new CustomData(0, plan(i)));
      return `${reference.getVariation({ visitorCode: code, featureKey: 'pricing', track: false }).key}/${reference.getVariation({ visitorCode: code, featureKey: 'layout', track: false }).key}`;
    }),
  );
  await reference.close();
  await server.stop();
  return decisions;
}

/** The visitors' requests through the proxy (`rounds` of the three), each visitor's one after the other, 32 visitors at a time. */
async function throughProxy(codes: string[], rounds = [0, 1, 2], between?: () => Promise<void>): Promise<Answer[][]> {
  const got: Answer[][] = codes.map(() => []);
  for (const r of rounds) {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < codes.length; i = next++) got[i]!.push(await get(`${proxyUrl}/visit?code=${codes[i]}${r === 1 ? `&plan=${plan(i)}` : ''}`));
      }),
    );
    if (between) await between();
  }
  return got;
}

/** Each visitor's decisions, and the visitors whose decisions differ from `expected` (with the processes they went through). */
function compare(got: Answer[][], expected: string[][]): { decisions: string[][]; differing: string[] } {
  const decisions = got.map((answers) => answers.map((a) => `${a.pricing}/${a.layout}`));
  const differing = decisions.flatMap((d, i) => (JSON.stringify(d) === JSON.stringify(expected[i]) ? [] : [`${i}: ${JSON.stringify(d)} through ${got[i]!.map((a) => a.worker)}, expected ${JSON.stringify(expected[i])}`]));
  return { decisions, differing };
}

beforeAll(async () => {
  redis = await startRedis();
  cdn = await new KameleoonTestServer(fleetConfiguration(1)).start();
  const worker = fileURLToPath(new URL('./fleetWorker.ts', import.meta.url));
  const env = { ...process.env, FLEET_UPDATE_INTERVAL_MS: String(UPDATE_INTERVAL_MS), FLEET_RUN: String(process.pid) };
  workers = await Promise.all(
    Array.from({ length: WORKERS }, (_, i) =>
      startChildServer(process.execPath, ['--import', 'tsx', worker, redis.url, cdn.url, `w${i}`], { cwd: process.cwd(), env, ready: /listening on (\d+)/, url: (m) => `http://127.0.0.1:${m[1]}` }),
    ),
  );
  proxy = await startProxy(workers.map((w) => w.url));
  proxyUrl = `http://127.0.0.1:${proxy.port}`;
});

afterAll(async () => {
  await Promise.all(workers.map((w) => get(`${w.url}/close`).catch(() => undefined)));
  await Promise.all(workers.map((w) => w.close()));
  keepAlive.destroy();
  await proxy?.close();
  await cdn?.stop();
  await redis?.stop();
});

describe('a fleet of four processes behind a round-robin proxy', () => {
  it('decides as one process, sends each exposure once, and switches configurations together', async () => {
    const codes = Array.from({ length: VISITORS }, (_, i) => `fleet-visitor-${i}`);
    const expected = await oneProcess(codes);
    // Each visitor's three requests one after the other: they go to whichever process is next.
    let nextVisitor = 0;
    const got: Answer[][] = codes.map(() => []);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = nextVisitor++; i < VISITORS; i = nextVisitor++) {
          for (let r = 0; r < 3; r++) got[i]!.push(await get(`${proxyUrl}/visit?code=${codes[i]}${r === 1 ? `&plan=${plan(i)}` : ''}`));
        }
      }),
    );
    const { decisions, differing } = compare(got, expected);
    expect(differing).toEqual([]);
    expect(decisions).toEqual(expected);
    // Every request loaded its visitor from Redis; the plan was added on one process and targeted on another for most.
    expect(got.flat().filter((a) => a.source !== 'shared')).toEqual([]);
    const shared = await everyWorker<{ shared: { loads: number; fallbacks: number; failedWrites: number } }>('/status');
    expect(shared.map((s) => s.shared.fallbacks + s.shared.failedWrites)).toEqual([0, 0, 0, 0]);
    expect(shared.reduce((sum, s) => sum + s.shared.loads, 0)).toBe(3 * VISITORS);
    const crossed = got.filter((answers, i) => plan(i) === 'premium' && answers[1]!.worker !== answers[2]!.worker).length;
    expect(crossed).toBeGreaterThan(VISITORS / 4);
    expect(expected.filter((answers, i) => plan(i) === 'premium' && answers[2]!.startsWith('off/'))).toEqual([]);

    // Exposures: each visitor's layout experiment, and the premium visitors' pricing one, once for the fleet.
    await everyWorker('/flush');
    const exposures = new Map<string, number>();
    for (const line of cdn.trackingLines) {
      if (!line.includes('eventType=experiment')) continue;
      const key = `${/visitorCode=([^&]+)/.exec(line)?.[1]} ${/[?&]id=(\d+)/.exec(line)?.[1]}`;
      exposures.set(key, (exposures.get(key) ?? 0) + 1);
    }
    const wanted = new Map<string, number>();
    codes.forEach((code, i) => {
      wanted.set(`${code} 2002`, 1);
      if (plan(i) === 'premium') wanted.set(`${code} 2001`, 1);
    });
    const off = [...wanted.keys()].filter((k) => exposures.get(k) !== 1).map((k) => `${k}=${exposures.get(k) ?? 0}`);
    expect(off.slice(0, 20)).toEqual([]);
    expect(exposures).toEqual(wanted);

    // A configuration change: one process fetches it from the CDN, every process switches.
    const before = await everyWorker<{ version: number; configurationRequests: number; shared: { configurationHolder: boolean } }>('/status');
    expect(before.map((s) => s.version)).toEqual([1, 1, 1, 1]);
    const cdnBefore = cdn.configRequests.length;
    cdn.setConfig(fleetConfiguration(2));
    const changedAt = Date.now();
    let after = before;
    while (after.some((s) => s.version !== 2) && Date.now() - changedAt < 20 * UPDATE_INTERVAL_MS) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      after = await everyWorker('/status');
    }
    const switchedInMs = Date.now() - changedAt;
    expect(after.map((s) => s.version)).toEqual([2, 2, 2, 2]);
    // Generous: one poll of the holder (400 ms ±10 %) and a notification take about 0.5 s; a loaded machine more.
    expect(switchedInMs).toBeLessThan(10 * UPDATE_INTERVAL_MS);
    // Every CDN request of the fleet came from one process: the CDN saw exactly its requests.
    const fetchers = after.filter((s) => s.configurationRequests > 0);
    expect(fetchers).toHaveLength(1);
    expect(after.filter((s) => s.shared.configurationHolder)).toHaveLength(1);
    const cdnDuring = cdn.configRequests.length - cdnBefore;
    expect(cdnDuring).toBe(fetchers[0]!.configurationRequests - before.find((s) => s.configurationRequests > 0)!.configurationRequests);
    cdn.setConfig(fleetConfiguration(1));
    console.log(`fleet: ${VISITORS} visitors x 3 requests over ${WORKERS} processes; ${crossed} premium visitors targeted on another process than the one that added the plan; configuration switched on all in ${switchedInMs} ms with ${cdnDuring} CDN request(s)`);
  });

  it('answers every request while Redis is stopped, from local memory, and shares visitors again once it is restarted', async () => {
    const during = Array.from({ length: 200 }, (_, i) => `fault-during-${i}`);
    const fallbacksBefore = (await everyWorker<{ shared: { fallbacks: number } }>('/status')).map((s) => s.shared.fallbacks);
    // Each visitor's first request with Redis up, the next two with Redis stopped.
    const got = await throughProxy(during, [0, 1, 2], async () => {
      if (redis) await redis.stop();
    });
    for (const answers of got) {
      expect(answers[0]!.source).toBe('shared');
      // Served, from local memory, through the path that gives up on the store.
      for (const a of answers.slice(1)) expect([a.source, a.reason === 'error' || a.reason === 'timeout']).toEqual(['local', true]);
    }
    const fallbacks = (await everyWorker<{ shared: { fallbacks: number; available: boolean } }>('/status')).map((s, i) => s.shared.fallbacks - fallbacksBefore[i]!);
    expect(fallbacks.reduce((a, b) => a + b, 0)).toBe(2 * during.length);

    // Restarted (empty: nothing is persisted): new visitors are shared across processes again.
    await redis.start();
    expect((await everyWorker<{ ready: boolean }>('/ready')).map((r) => r.ready)).toEqual([true, true, true, true]);
    const after = Array.from({ length: 400 }, (_, i) => `fault-after-${i}`);
    const answers = await throughProxy(after);
    expect(answers.flat().filter((a) => a.source !== 'shared')).toEqual([]);
    const { differing } = compare(answers, await oneProcess(after));
    expect(differing).toEqual([]);
    expect((await everyWorker<{ shared: { available: boolean } }>('/status')).map((s) => s.shared.available)).toEqual([true, true, true, true]);
  });
});
