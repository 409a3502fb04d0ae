/**
 * The measurements themselves. Each one runs inside a child process started by `bench.ts`, so the
 * two SDKs never share a heap or a JIT profile. Every function returns plain JSON-able numbers.
 */
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '../../src/devserver/server.ts';
import { createBenchClient, FEATURE_KEY, loadSdk, visitorCode, type BenchHandle, type SdkName } from './harness.ts';

/** The session duration of our SDK's default configuration. */
const SESSION_MS = 30 * 60_000;
/** Visitors per distinct-visitor pass and per heap measurement. */
export const VISITORS = 100_000;
/** Minimum timed duration of each throughput measurement. */
const TIMED_NS = 1_000_000_000n;
/** Warm-up duration before the one-visitor measurement. */
const WARMUP_NS = 300_000_000n;
/** Visitors evaluated on a fresh client before a distinct-visitor pass or a heap baseline. */
const WARMUP_VISITORS = 2_000;
/** Upper bound on fresh-client passes of the distinct-visitor measurement. */
const MAX_ROUNDS = 5;

/** One throughput figure. */
export interface ThroughputResult {
  callsPerSecond: number;
  calls: number;
  seconds: number;
}

/** Everything a `throughput:<sdk>` child reports. */
export interface ThroughputReport {
  oneVisitor: { trackFalse: ThroughputResult; trackTrue: ThroughputResult };
  distinct: { trackFalse: ThroughputResult; trackTrue: ThroughputResult };
}

/** What a `heap:<sdk>:<track>` child reports. */
export interface HeapReport {
  visitors: number;
  growthBytes: number;
  /** Still retained (over the baseline) once the session duration has passed. */
  afterExpiryBytes: number;
  bytesPerVisitor: number;
  trackingRequests: number;
  exposureLines: number;
}

/** The V8 heap plus ArrayBuffer memory (typed arrays live outside the heap but are the SDK's too). */
function retained(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('global.gc is missing: run node with --expose-gc');
  // Several passes: the first one may only promote survivors or run finalizers.
  for (let i = 0; i < 4; i++) collect();
}

/** Calls getVariation and fails loudly on anything but a string key. */
function evaluate(handle: BenchHandle, code: string, track: boolean): string {
  const { key } = handle.client.getVariation({ visitorCode: code, featureKey: FEATURE_KEY, track });
  if (typeof key !== 'string') throw new Error(`${handle.sdk}: getVariation returned key ${String(key)}`);
  return key;
}

function result(calls: number, ns: bigint): ThroughputResult {
  const seconds = Number(ns) / 1e9;
  return { callsPerSecond: calls / seconds, calls, seconds };
}

/** Same visitor over and over: after a warm-up, batches until at least {@link TIMED_NS} elapsed. */
async function oneVisitor(sdk: SdkName, track: boolean): Promise<ThroughputResult> {
  const handle = await createBenchClient(sdk);
  const code = visitorCode('s', 1);
  const batch = 1_000;
  const run = (minNs: bigint) => {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    do {
      for (let i = 0; i < batch; i++) evaluate(handle, code, track);
      calls += batch;
      elapsed = process.hrtime.bigint() - start;
    } while (elapsed < minNs);
    return { calls, elapsed };
  };
  run(WARMUP_NS);
  const { calls, elapsed } = run(TIMED_NS);
  await handle.dispose();
  return result(calls, elapsed);
}

/**
 * {@link VISITORS} visitors the client has never seen, each evaluated once. A pass always starts on
 * a fresh, warmed-up client; passes repeat until at least {@link TIMED_NS} of timed work.
 */
async function distinctVisitors(sdk: SdkName, track: boolean): Promise<ThroughputResult> {
  const codes = Array.from({ length: VISITORS }, (_, i) => visitorCode('d', i));
  let calls = 0;
  let total = 0n;
  for (let round = 0; round < MAX_ROUNDS && total < TIMED_NS; round++) {
    const handle = await createBenchClient(sdk);
    for (let i = 0; i < WARMUP_VISITORS; i++) evaluate(handle, visitorCode('w', i), track);
    gc();
    const start = process.hrtime.bigint();
    for (let i = 0; i < VISITORS; i++) evaluate(handle, codes[i], track);
    total += process.hrtime.bigint() - start;
    calls += VISITORS;
    await handle.dispose();
    gc();
  }
  return result(calls, total);
}

/** Runs every throughput measurement for one SDK, in a fixed order. */
export async function throughput(sdk: SdkName): Promise<ThroughputReport> {
  return {
    oneVisitor: { trackFalse: await oneVisitor(sdk, false), trackTrue: await oneVisitor(sdk, true) },
    distinct: { trackFalse: await distinctVisitors(sdk, false), trackTrue: await distinctVisitors(sdk, true) },
  };
}

/**
 * Heap retained by {@link VISITORS} new visitors: `heapUsed + arrayBuffers` after GC, before and after the pass,
 * on a warmed-up client. Everything is synchronous between the two readings, so no tracking tick
 * can flush (track = true is measured before any flush, like the official figures). Visitor codes
 * are built inside the loop, so strings the SDK keeps are counted against it.
 */
export async function heap(sdk: SdkName, track: boolean): Promise<HeapReport> {
  // A clock that can jump, so that the session duration can pass without waiting for it.
  const realNow = Date.now.bind(Date);
  let skew = 0;
  Date.now = () => realNow() + skew;
  const handle = await createBenchClient(sdk);
  for (let i = 0; i < WARMUP_VISITORS; i++) evaluate(handle, visitorCode('w', i), track);
  gc();
  const before = retained();
  for (let i = 0; i < VISITORS; i++) evaluate(handle, visitorCode('h', i), track);
  gc();
  const after = retained();
  // Use the client after the second reading so it cannot be collected before it.
  evaluate(handle, visitorCode('h', 0), track);
  // Past the session duration (30 minutes, our default), one new visitor: what is still held?
  skew += SESSION_MS + 60_000;
  evaluate(handle, visitorCode('x', 0), track);
  gc();
  const afterExpiry = retained();
  const report = {
    visitors: VISITORS,
    growthBytes: after - before,
    afterExpiryBytes: afterExpiry - before,
    bytesPerVisitor: (after - before) / VISITORS,
    trackingRequests: handle.trackingRequests(),
    exposureLines: handle.exposureLines(),
  };
  await handle.dispose();
  return report;
}

/** Visitors of the tracking measurement. */
export const TRACKING_VISITORS = 20_000;
/** Give up waiting for deliveries after this long. */
const TRACKING_DEADLINE_MS = 60_000;

/** What a `tracking:<sdk>` child reports. */
export interface TrackingReport {
  /** Distinct events (lines without their nonce) the local server received. */
  events: number;
  /** Events per second while queuing (the synchronous calls). */
  queuedPerSecond: number;
  /** Events per second from the first call to the last event received. */
  deliveredPerSecond: number;
  requests: number;
  /** Visitors whose custom data line arrived (of TRACKING_VISITORS). */
  visitorsDelivered: number;
}

/**
 * Tracking end to end: {@link TRACKING_VISITORS} visitors each get a tracked getVariation, a
 * custom data item and a flush; the SDK's tracking requests go to our dev server on 127.0.0.1
 * (tracking interval 100 ms, the official minimum), which records each event once per nonce in
 * its events file. Measures how fast events are queued and how fast they are all delivered.
 */
export async function trackingDelivery(sdk: SdkName): Promise<TrackingReport> {
  const dir = await mkdtemp(join(tmpdir(), 'kameleoon-ts-bench-'));
  const eventsFile = join(dir, 'events.jsonl');
  const server = await startDevServer({ config: fileURLToPath(new URL('./fixtures/sample-config.json', import.meta.url)), eventsFile, watchIntervalMs: 3_600_000 });
  const recorded = () => {
    try {
      return statSync(eventsFile).size;
    } catch {
      return 0;
    }
  };
  // Distinct events: lines without their nonce (the official SDK sends an exposure per evaluation).
  const distinctEvents = (): Set<string> => {
    const lines = new Set<string>();
    for (const row of readFileSync(eventsFile, 'utf8').split('\n')) {
      if (row) lines.add((JSON.parse(row) as { line: string }).line.replace(/&nonce=[0-9A-F]{16}/, ''));
    }
    return lines;
  };
  const handle = await createBenchClient(sdk, undefined, { trackingServer: server.url, trackingInterval: 100 });
  const { CustomData } = await loadSdk(sdk);
  const start = process.hrtime.bigint();
  for (let i = 0; i < TRACKING_VISITORS; i++) {
    const code = visitorCode('t', i);
    handle.client.getVariation({ visitorCode: code, featureKey: FEATURE_KEY, track: true });
    handle.client.addData(code, new CustomData(0, 'premium'));
    handle.client.flush?.({ visitorCode: code, instant: false });
  }
  const queuedNs = process.hrtime.bigint() - start;
  // Done when the events file has not grown for a second (at most 3 in 10,000 visitors' lines never
  // come from the official SDK in this run; the report says how many did).
  let last = -1;
  let lastChange = process.hrtime.bigint();
  let doneNs = 0n;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = process.hrtime.bigint();
    const size = recorded();
    if (size !== last) {
      last = size;
      lastChange = now;
      doneNs = now - start;
    }
    if (last > 0 && now - lastChange > 1_000_000_000n) break;
    if (now - start > BigInt(TRACKING_DEADLINE_MS) * 1_000_000n) throw new Error(`${sdk}: deliveries still going after ${TRACKING_DEADLINE_MS / 1000} s`);
  }
  await handle.dispose();
  await server.close();
  const seen = distinctEvents();
  await rm(dir, { recursive: true, force: true });
  const requests = handle.trackingRequests();
  const customDataLines = [...seen].filter((line) => line.startsWith('eventType=customData')).length;
  return { events: seen.size, visitorsDelivered: customDataLines, queuedPerSecond: seen.size / (Number(queuedNs) / 1e9), deliveredPerSecond: seen.size / (Number(doneNs) / 1e9), requests };
}
