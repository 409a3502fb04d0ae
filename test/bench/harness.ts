/**
 * Offline harness for the benchmark: builds a `KameleoonClient` from either SDK (ours or the
 * official `@kameleoon/javascript-sdk`) with every external replaced by an in-memory fake, as in
 * `reference/official-js-sdk.md` §3. Nothing here touches the network or reads outside the repo.
 */
import { readFileSync } from 'node:fs';
import { mulberry32 } from '../differential/rng.ts';

/** Which SDK a measurement runs against. */
export type SdkName = 'ours' | 'official';

/** The flag every measurement evaluates: holdout + targeted-delivery rule + 3-variation experiment. */
export const FEATURE_KEY = 'new_checkout';

/** The part of the `KameleoonClient` API the benchmark uses; both SDKs implement it. */
export interface BenchClient {
  initialize(): Promise<boolean>;
  getVariation(params: { visitorCode: string; featureKey: string; track?: boolean }): { key: string };
  addData(visitorCode: string, ...data: unknown[]): void;
  flush?(params: { visitorCode: string; instant: boolean }): void;
  /** Only our SDK has it; the official client keeps its timers until the process exits. */
  close?(): unknown;
}

/** What the benchmark needs from an SDK module. */
export interface SdkModule {
  KameleoonClient: new (options: unknown) => BenchClient;
  CustomData: new (index: number, ...values: string[]) => unknown;
}

/** A running client plus the counters of its fake requester. */
export interface BenchHandle {
  readonly sdk: SdkName;
  readonly client: BenchClient;
  /** Tracking requests the client sent so far (answered 204, never sent anywhere). */
  trackingRequests(): number;
  /** `eventType=experiment` lines (exposures) in those requests. */
  exposureLines(): number;
  /** Requests that were neither configuration nor tracking (answered 503). */
  otherRequests(): number;
  /** Closes the client if the SDK supports it. */
  dispose(): Promise<void>;
}

/**
 * Environment variable that swaps our SDK for the official one (`KAMELEOON_BENCH_OURS=official`).
 * It exists to validate the harness while `src/node.ts` is unfinished; the ratios are then ~1.
 */
export const OURS_OVERRIDE_ENV = 'KAMELEOON_BENCH_OURS';

const OURS_ENTRY = new URL('../../src/node.ts', import.meta.url).href;
const CONFIG_TEXT = readFileSync(new URL('./fixtures/sample-config.json', import.meta.url), 'utf8');

/** True when `ours` actually runs the official SDK (see {@link OURS_OVERRIDE_ENV}). */
export function oursIsOfficial(): boolean {
  return process.env[OURS_OVERRIDE_ENV] === 'official';
}

/**
 * Imports an SDK's public entry. Ours is imported through a computed URL so that this file
 * type-checks even while `src/node.ts` does not exist yet.
 */
export async function loadSdk(sdk: SdkName): Promise<SdkModule> {
  const useOfficial = sdk === 'official' || oursIsOfficial();
  const mod = (useOfficial
    ? await import('@kameleoon/javascript-sdk')
    : await import(OURS_ENTRY)) as unknown as Partial<SdkModule>;
  if (typeof mod.KameleoonClient !== 'function') {
    throw new Error(`${sdk} SDK (${useOfficial ? '@kameleoon/javascript-sdk' : OURS_ENTRY}) exports no KameleoonClient`);
  }
  return mod as SdkModule;
}

/**
 * A 16-character visitor code (the length the official SDK generates), unique per prefix and index.
 * The prefix is one character so codes of different groups never collide.
 */
export function visitorCode(prefix: string, i: number): string {
  return prefix + i.toString(36).padStart(15, '0');
}

interface OfflineExternals {
  externals: Record<string, unknown>;
  counters: { tracking: number; exposures: number; other: number };
}

function countExposures(body: unknown): number {
  if (typeof body !== 'string') return 0;
  let n = 0;
  for (let at = body.indexOf('eventType=experiment'); at >= 0; at = body.indexOf('eventType=experiment', at + 1)) n++;
  return n;
}

/**
 * In-memory externals: config from the fixture, tracking answered 204 and counted, the rest 503.
 * With `trackingServer` (an http://127.0.0.1 origin), tracking requests are forwarded there.
 */
function createOfflineExternals(trackingServer?: string): OfflineExternals {
  const counters = { tracking: 0, exposures: 0, other: 0 };
  const store = new Map<string, unknown>();
  const response = (status: number, body: string) => ({
    ok: status >= 200 && status < 300,
    status,
    headers: new Headers(),
    // A fresh object per call, so one client can never mutate what another one reads.
    json: async () => (body ? JSON.parse(body) : null),
    text: async () => body,
  });
  const requester = {
    async sendRequest({ requestType, parameters }: { requestType: string; parameters?: { body?: unknown } }) {
      if (requestType === 'configuration') return response(200, CONFIG_TEXT);
      if (requestType === 'tracking') {
        counters.tracking++;
        counters.exposures += countExposures(parameters?.body);
        if (trackingServer) {
          const forwarded = await fetch(`${trackingServer}/visit/events`, { method: 'POST', body: parameters?.body as string });
          return response(forwarded.status, '');
        }
        return response(204, '');
      }
      counters.other++;
      return response(503, '');
    },
  };
  const externals = {
    requester,
    storage: {
      read: (key: string) => store.get(key) ?? null,
      write: (key: string, data: unknown) => void store.set(key, data),
    },
    eventSource: { open() {}, close() {}, onError() {} },
    visitorCodeManager: { getData: () => null, setData() {} },
    logger: { log() {} },
  };
  return { externals, counters };
}

/**
 * Builds and initializes an offline client of the given SDK.
 * Throws if the SDK cannot be loaded or `initialize()` fails or resolves to anything but `true`.
 */
export async function createBenchClient(sdk: SdkName, mod?: SdkModule, options: { trackingServer?: string; trackingInterval?: number } = {}): Promise<BenchHandle> {
  const { KameleoonClient } = mod ?? (await loadSdk(sdk));
  const { externals, counters } = createOfflineExternals(options.trackingServer);
  const client = new KameleoonClient({
    siteCode: 'bench',
    configuration: { updateInterval: 60, trackingInterval: options.trackingInterval ?? 1000 },
    externals,
    _internals: {
      packageInfo: { type: 'NODEJS', version: '5.17.1', isServer: true },
      prng: { getRandomNumber: mulberry32(0x5eed) },
      platformAnalyzer: { getResult: () => ({}) },
      // Ours clamps to the official 4.18's 1000 ms floor; the 4.17.1 oracle to 100 ms: the same
      // tick for both (the other SDK ignores this internal knob).
      minTrackingInterval: 100,
    },
  });
  const ready = await client.initialize();
  if (ready !== true) throw new Error(`${sdk} SDK: initialize() resolved ${String(ready)}, expected true`);
  return {
    sdk,
    client,
    trackingRequests: () => counters.tracking,
    exposureLines: () => counters.exposures,
    otherRequests: () => counters.other,
    dispose: async () => {
      if (typeof client.close === 'function') await client.close();
    },
  };
}
