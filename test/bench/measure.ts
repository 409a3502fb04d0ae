/**
 * The measurements themselves. Each one runs inside a child process started by `bench.ts`, so the
 * two SDKs never share a heap or a JIT profile. Every function returns plain JSON-able numbers.
 */
import { createBenchClient, FEATURE_KEY, visitorCode, type BenchHandle, type SdkName } from './harness.ts';

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
  const handle = await createBenchClient(sdk);
  for (let i = 0; i < WARMUP_VISITORS; i++) evaluate(handle, visitorCode('w', i), track);
  gc();
  const before = retained();
  for (let i = 0; i < VISITORS; i++) evaluate(handle, visitorCode('h', i), track);
  gc();
  const after = retained();
  // Use the client after the second reading so it cannot be collected before it.
  evaluate(handle, visitorCode('h', 0), track);
  const report = {
    visitors: VISITORS,
    growthBytes: after - before,
    bytesPerVisitor: (after - before) / VISITORS,
    trackingRequests: handle.trackingRequests(),
    exposureLines: handle.exposureLines(),
  };
  await handle.dispose();
  return report;
}
