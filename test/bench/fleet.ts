/**
 * The `redis` group of `npm run bench` (issue 21): what sharing visitors through Redis costs a
 * request, and what a fleet gives, on loopback (redis-server and every process on 127.0.0.1).
 *
 * - Added cost per request: one process, the same request (`prepareVisitor`, the plan added,
 *   two tracked `getVariation`, `saveVisitors`, which a Node response waits for) with the Redis
 *   store and without; p50 and p99 of each, and their differences.
 * - Redis commands per request: `total_commands_processed` (INFO) over those requests, tracking's
 *   claims included.
 * - Throughput: requests per second through a round-robin proxy to one process, then to four
 *   (test/fleet/fleetWorker.ts), at a fixed concurrency.
 */
import { Agent, request as httpRequest, createServer } from 'node:http';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { CustomData, KameleoonClient } from '../../src/node.ts';
import { createRedisStore } from '../../src/redis.ts';
import { KameleoonTestServer } from '../delivery/server.ts';
import { fleetConfiguration } from '../fleet/fleetConfig.ts';
import { startChildServer, type ChildServer } from '../support/childServer.ts';
import { listenLocally } from '../support/localServer.ts';
import { startRedis } from '../support/redisServer.ts';
import { quantile } from './browser.ts';

const REQUESTS = 5000;
const VISITORS = 1000;
const THROUGHPUT_SECONDS = 4;
const CONCURRENCY = 32;

/** What the `redis` group measured. */
export interface FleetReport {
  /** Request latency in one process, µs: without a shared store, and with Redis. */
  local: { p50: number; p99: number };
  shared: { p50: number; p99: number };
  /** Redis commands per request (tracking's claims included). */
  commandsPerRequest: number;
  /** Requests per second through the proxy: one process, four. */
  rps: { one: number; four: number };
  cores: number;
}

async function requestLatencies(client: KameleoonClient, prefix: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const code = `${prefix}-${i % VISITORS}`;
    const start = process.hrtime.bigint();
    await client.prepareVisitor(code);
    if (i < VISITORS) client.addData(code, new CustomData(0, i % 2 ? 'premium' : 'basic'));
    client.getVariation({ visitorCode: code, featureKey: 'pricing' });
    client.getVariation({ visitorCode: code, featureKey: 'layout' });
    await client.saveVisitors();
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return times;
}

const percentiles = (values: number[]) => ({ p50: quantile(values, 0.5), p99: quantile(values, 0.99) });

/** Requests per second through `proxyUrl` for THROUGHPUT_SECONDS, CONCURRENCY at a time, three requests per visitor. */
async function load(proxyUrl: string, prefix: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = (path: string) =>
    new Promise<void>((resolve, reject) => {
      httpRequest(`${proxyUrl}${path}`, { agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${res.statusCode}`))));
      })
        .on('error', reject)
        .end();
    });
  let done = 0;
  let next = 0;
  const until = Date.now() + THROUGHPUT_SECONDS * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        const n = next++;
        const visitor = `${prefix}-${Math.floor(n / 3)}`;
        await get(`/visit?code=${visitor}${n % 3 === 1 ? '&plan=premium' : ''}`);
        done++;
      }
    }),
  );
  agent.destroy();
  return done / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Runs the group (in a child process of the bench). */
export async function measureFleet(progress: (msg: string) => void): Promise<FleetReport> {
  const redis = await startRedis();
  const cdn = await new KameleoonTestServer(fleetConfiguration(1)).start();
  const workers: ChildServer[] = [];
  try {
    const configuration = { endpoints: { configuration: cdn.url, tracking: cdn.url } };
    progress('redis: added cost per request, one process...');
    const local = new KameleoonClient({ siteCode: 'bench', configuration });
    await local.initialize();
    const store = createRedisStore({ url: redis.url, keyPrefix: 'bench' });
    await store.ready();
    const shared = new KameleoonClient({ siteCode: 'bench', configuration, externals: { sharedStore: store } });
    await shared.initialize();
    // Warm both (JIT, connections), then measure them in turns.
    await requestLatencies(local, 'warm-local');
    await requestLatencies(shared, 'warm-shared');
    const admin = new Redis(redis.url);
    const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))?.[1]);
    const localTimes = await requestLatencies(local, 'local');
    const before = await commands();
    const sharedTimes = await requestLatencies(shared, 'shared');
    await shared.flushInstant(); // tracking's claims of these requests
    const after = await commands();
    await admin.quit();
    await local.close();
    await shared.close();
    await store.close();

    const worker = fileURLToPath(new URL('../fleet/fleetWorker.ts', import.meta.url));
    // Through the proxy, with the default loadTimeout (50 ms).
    const env = { ...process.env, FLEET_LOAD_TIMEOUT_MS: '50', FLEET_RUN: 'bench' };
    const start = (i: number) =>
      startChildServer(process.execPath, ['--import', 'tsx', worker, redis.url, cdn.url, `w${i}`], { cwd: process.cwd(), env, ready: /listening on (\d+)/, url: (m) => `http://127.0.0.1:${m[1]}` });
    workers.push(...(await Promise.all([0, 1, 2, 3].map(start))));
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    let targets: string[] = [];
    let turn = 0;
    const proxy = await listenLocally(
      createServer((req, res) => {
        const upstream = httpRequest(new URL(req.url ?? '/', targets[turn++ % targets.length]), { method: req.method, headers: req.headers, agent }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', () => res.writeHead(502).end());
        req.pipe(upstream);
      }),
    );
    const proxyUrl = `http://127.0.0.1:${proxy.port}`;
    targets = workers.map((w) => w.url);
    await load(proxyUrl, 'warm'); // every worker warm
    progress('redis: throughput, one process...');
    targets = [workers[0]!.url];
    const one = await load(proxyUrl, 'one');
    progress('redis: throughput, four processes...');
    targets = workers.map((w) => w.url);
    const four = await load(proxyUrl, 'four');
    agent.destroy();
    await proxy.close();
    return {
      local: percentiles(localTimes),
      shared: percentiles(sharedTimes),
      commandsPerRequest: (after - before - 1) / REQUESTS,
      rps: { one, four },
      cores: cpus().length,
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await cdn.stop();
    await redis.stop();
  }
}

/** The group's lines of the report. */
export function fleetTable(r: FleetReport): string[] {
  const us = (v: number) => `${v.toFixed(0)} µs`;
  return [
    `redis (a fleet sharing visitors through redis-server on 127.0.0.1; ${REQUESTS} requests over ${VISITORS} visitors, one after the other):`,
    `  per request (prepareVisitor, addData, 2 tracked getVariation, saveVisitors): without a shared store p50 ${us(r.local.p50)}, p99 ${us(r.local.p99)}; with Redis p50 ${us(r.shared.p50)}, p99 ${us(r.shared.p99)}`,
    `  added cost per request: p50 ${us(r.shared.p50 - r.local.p50)}, p99 ${us(r.shared.p99 - r.local.p99)}; Redis commands per request ${r.commandsPerRequest.toFixed(2)}`,
    `  throughput through a round-robin proxy (${CONCURRENCY} at a time, ${THROUGHPUT_SECONDS} s, ${r.cores} cores for proxy, processes and Redis): one process ${r.rps.one.toFixed(0)} req/s, four ${r.rps.four.toFixed(0)} req/s (${(r.rps.four / r.rps.one).toFixed(2)}x)`,
    '',
  ];
}
