/**
 * Differential-test driver: runs generated visitors through every feature flag of a configuration
 * with one SDK (ours or the official one, same public API) fully offline, and records each decision.
 * The whole evaluation after `initialize()` is synchronous, so no SDK timer can interleave with it;
 * every timer the SDK creates during a drive is cleared at the end.
 */
import * as core from '@kameleoon/javascript-sdk-core';
import { mulberry32 } from './rng.ts';
import { captureTimers } from '../support/officialSdk.ts';
import type { DataSpec, Step, VisitorSpec } from './visitors.ts';

/** `browser`: JAVASCRIPT 4.17.1 client-side semantics; `server`: NODEJS 5.17.1 server-side semantics. */
export type Mode = 'browser' | 'server';

/** `_internals.packageInfo` per mode. */
export const PACKAGE_INFO = {
  browser: { type: 'JAVASCRIPT', version: '4.17.1', isServer: false },
  server: { type: 'NODEJS', version: '5.17.1', isServer: true },
} as const;

type Ctor = new (...args: any[]) => unknown;

/** The part of an SDK module namespace the driver uses (both SDKs export these names). */
export interface SdkModule {
  KameleoonClient: new (params: any) => unknown;
  CustomData: Ctor; PageView: Ctor; Conversion: Ctor; Browser: Ctor; Device: Ctor; OperatingSystem: Ctor;
  GeolocationData: Ctor; Cookie: Ctor; UserAgent: Ctor; ApplicationVersion: Ctor; UniqueIdentifier: Ctor;
}

interface VariationLike { key: string; id: number | null; experimentId: number | null; name: string; variables: unknown }
interface ClientLike {
  initialize(): Promise<boolean>;
  getVisitorCode(defaultVisitorCode?: string): string;
  addData(visitorCode: string, ...data: unknown[]): void;
  setLegalConsent(visitorCode: string, consent: boolean): void;
  setForcedVariation(p: { visitorCode: string; experimentId: number; variationKey: string | null; forceTargeting?: boolean }): void;
  getVariation(p: { visitorCode: string; featureKey: string; track: boolean }): VariationLike;
}

/**
 * One recorded outcome. Flag evaluations have `flag` = featureKey; setup calls are recorded as
 * `#getVisitorCode` (key = returned code), `#forced:<experimentId>:<variationKey>` (always) and
 * `#addData` / `#consent` (only when they throw).
 */
export interface Decision {
  visitor: string; flag: string; round: number; track?: boolean;
  key: string | null; id: number | null; experimentId: number | null;
  /** Variation name and `[mapKey, type, value]` of each returned variable, JSON-encoded. */
  name?: string; vars?: string;
  /** `KameleoonError.type` of the thrown error (or `NonKameleoonError:...`). */
  error?: string;
}

/** Options of {@link drive}. */
export interface DriveOptions {
  /** Sets the (fake) wall clock, e.g. `(t) => vi.setSystemTime(t)`. */
  setNow: (epochMs: number) => void;
  /** Clock at client creation. */
  startTime: number;
  /** Clock advance before round r+1, per round boundary (ms). */
  roundGaps: readonly number[];
  /** Seed of the `_internals.prng` (tracking nonces only; must not change decisions). */
  nonceSeed: number;
  siteCode?: string;
  /** Backing map of `externals.storage` (default: a fresh one); pass one to inspect it afterwards. */
  store?: Map<string, unknown>;
  /**
   * Tracking comparison: every getVariation tracks, no SDK interval runs during the drive (a
   * tick mid-drive would split bodies at random), and after the last round (after every round
   * with `flushEveryRound`) `flush({ instant })` sends what is unsent; the bodies of the tracking
   * requests made in round r are pushed to `trackingBodies[r]`.
   */
  trackingBodies?: string[][];
  /** With `trackingBodies`: a flush after every round, one batch per round. */
  flushEveryRound?: boolean;
}

/**
 * Wraps `KameleoonCore` from '@kameleoon/javascript-sdk-core' (the engine without the browser
 * wrapper's visit recording) so that it is constructed and called like a `KameleoonClient`. It is the
 * official oracle for server mode: it builds its own core `DataManager`, and adds `getVisitorCode`
 * (QA simulation cookie processing through the core `VisitorCodeManager`) and `setLegalConsent`.
 */
export function officialServerModule(): SdkModule {
  class CoreClient extends core.KameleoonCore {
    private readonly vcm: core.VisitorCodeManager;
    private readonly ext: { getData(key: string): string | null; setData(p: unknown): void };

    constructor(p: any) {
      const vcm = new core.VisitorCodeManager();
      super({
        siteCode: p.siteCode,
        configuration: p.configuration,
        internalConfiguration: {
          externals: {
            externalPRNG: p._internals.prng, externalStorage: p.externals.storage, externalRequester: p.externals.requester,
            externalEventSource: p.externals.eventSource, externalVisitorCodeManager: vcm,
            externalPackageInfo: p._internals.packageInfo, externalLogger: p.externals.logger,
          } as any,
          settings: { useAbortController: true },
        },
      });
      this.vcm = vcm;
      this.ext = p.externals.visitorCodeManager;
    }

    getVisitorCode(defaultVisitorCode?: string): string {
      this.vcm.getData = (key: string) => this.ext.getData(key) as string;
      this.vcm.setData = (params) => this.ext.setData(params);
      return this.vcm.getVisitorCode(defaultVisitorCode);
    }

    setLegalConsent(visitorCode: string, consent: boolean): void {
      this.setUserConsent({ visitorCode, consent, setData: (params) => this.ext.setData(params) });
      this.flush(visitorCode);
    }
  }
  return { ...(core as unknown as SdkModule), KameleoonClient: CoreClient };
}

/** Builds one data instance with the SDK's own classes. */
export function build(sdk: SdkModule, d: DataSpec): unknown {
  switch (d.t) {
    case 'CustomData': {
      const first = d.name ?? d.index;
      return d.overwrite === undefined ? new sdk.CustomData(first, ...d.values) : new sdk.CustomData(first, d.overwrite, ...d.values);
    }
    case 'PageView': return new sdk.PageView({ urlAddress: d.url, title: d.title, ...(d.referrers ? { referrers: [...d.referrers] } : {}) });
    case 'Conversion': {
      const { t: _, metadata, ...params } = d;
      return new sdk.Conversion({ ...params, ...(metadata ? { metadata: metadata.map((m) => build(sdk, m)) } : {}) });
    }
    case 'Browser': return d.version === undefined ? new sdk.Browser(d.browser) : new sdk.Browser(d.browser, d.version);
    case 'Device': return new sdk.Device(d.device);
    case 'OperatingSystem': return new sdk.OperatingSystem(d.os);
    case 'GeolocationData': {
      const { t: _, coordinates, ...params } = d;
      return new sdk.GeolocationData({ ...params, ...(coordinates ? { coordinates: [...coordinates] } : {}) });
    }
    case 'Cookie': return new sdk.Cookie(d.pairs.map((p) => ({ ...p })));
    case 'UserAgent': return new sdk.UserAgent(d.value);
    case 'ApplicationVersion': return new sdk.ApplicationVersion(d.version);
    case 'UniqueIdentifier': return new sdk.UniqueIdentifier(d.value);
  }
}

/** `KameleoonError.type`, or a marker for anything else that was thrown. */
export function errorType(e: unknown): string {
  const type = (e as { type?: unknown } | null)?.type;
  if (typeof type === 'string') return type;
  return `NonKameleoonError:${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

function serializeVars(vars: unknown): string {
  if (!(vars instanceof Map)) return `<not a Map: ${typeof vars}>`;
  return JSON.stringify([...vars].map(([k, v]: [string, { type?: unknown; value?: unknown }]) => [k, v?.type, v?.value]));
}

function response(status: number, body: string) {
  return { ok: status < 300, status, headers: new Headers(), json: async () => JSON.parse(body || '{}'), text: async () => body };
}

/** Track flag of (flag index, round): a pseudo-random but replayable bit of the visitor's `trackBits`. */
export function trackFor(v: VisitorSpec, flagIndex: number, round: number): boolean {
  return ((v.trackBits >>> ((flagIndex * 7 + round * 3) % 32)) & 1) === 1;
}

/**
 * Drives one SDK over one configuration: creates one client (fresh in-memory storage, offline
 * requester serving `config`), then for each round and each visitor in order runs the visitor's
 * steps (advancing the clock 1 s before each `addData`) and evaluates every flag in config order
 * with `getVariation`. The clock is advanced by `roundGaps[r]` between rounds.
 * @param sdk - module namespace of the SDK under test (see {@link officialServerModule} for server mode).
 * @param mode - selects `_internals.packageInfo`.
 * @param config - the `/v3/<siteCode>` configuration document (it is re-serialized per request).
 * @param visitors - generated visitors.
 * @returns the decisions, in call order (identical call sequences for both SDKs).
 */
export async function drive(sdk: SdkModule, mode: Mode, config: unknown, visitors: VisitorSpec[], opts: DriveOptions): Promise<Decision[]> {
  const siteCode = opts.siteCode ?? 'diffsite';
  const configText = JSON.stringify(config);
  const featureKeys: string[] = (config as { featureFlags: { featureKey: string }[] }).featureFlags.map((f) => f.featureKey);
  const store = opts.store ?? new Map<string, unknown>();
  let current: { code: string | null; sim: string | null } = { code: null, sim: null };
  let now = opts.startTime;
  /** The round whose flush is under way (tracking bodies are filed under it). */
  let round = 0;
  const timers = captureTimers(opts.trackingBodies !== undefined);
  const bodies = opts.trackingBodies;
  try {
    opts.setNow(now);
    const client = new sdk.KameleoonClient({
      siteCode,
      // sessionDuration (ours only; the official SDK ignores it): the rounds span days, and ours
      // deliberately forgets server visitors after 30 minutes of inactivity.
      configuration: { updateInterval: 60, trackingInterval: 1000, sessionDuration: 60 * 24 * 365 },
      externals: {
        requester: {
          sendRequest: async ({ requestType, url, parameters }: { requestType: string; url: string; parameters?: { body?: unknown } }) => {
            if (requestType === 'tracking' && bodies && typeof parameters?.body === 'string') (bodies[round] ??= []).push(parameters.body);
            return requestType === 'configuration' && url.includes(`/v3/${siteCode}`) ? response(200, configText)
              : requestType === 'tracking' ? response(204, '') : response(503, '');
          },
        },
        storage: { read: (key: string) => store.get(key) ?? null, write: (key: string, data: unknown) => { store.set(key, data); } },
        eventSource: { open() {}, close() {}, onError() {} },
        visitorCodeManager: {
          getData: (key: string) => (key === 'kameleoonVisitorCode' ? current.code : key === 'kameleoonSimulationFFData' ? current.sim : null),
          setData() {},
        },
        logger: { log() {} },
      },
      _internals: { packageInfo: { ...PACKAGE_INFO[mode] }, prng: { getRandomNumber: mulberry32(opts.nonceSeed) }, platformAnalyzer: { getResult: () => ({}) } },
    }) as ClientLike;
    await client.initialize();

    const out: Decision[] = [];
    const record = (visitor: string, flag: string, round: number, fn: () => Partial<Decision> | null, track?: boolean) => {
      const base: Decision = { visitor, flag, round, ...(track === undefined ? {} : { track }), key: null, id: null, experimentId: null };
      try {
        const d = fn();
        if (d) out.push({ ...base, ...d });
      } catch (e) {
        out.push({ ...base, error: errorType(e) });
      }
    };
    const runStep = (v: VisitorSpec, r: number, s: Step) => {
      switch (s.op) {
        case 'getVisitorCode': return record(v.code, '#getVisitorCode', r, () => ({ key: client.getVisitorCode() }));
        case 'consent': return record(v.code, '#consent', r, () => { client.setLegalConsent(v.code, s.value); return null; });
        case 'forced': return record(v.code, `#forced:${s.experimentId}:${s.variationKey}`, r, () => {
          client.setForcedVariation({ visitorCode: v.code, experimentId: s.experimentId, variationKey: s.variationKey, ...(s.forceTargeting === undefined ? {} : { forceTargeting: s.forceTargeting }) });
          return {};
        });
        case 'addData':
          opts.setNow((now += 1000));
          return record(v.code, '#addData', r, () => { client.addData(v.code, ...s.data.map((d) => build(sdk, d))); return null; });
      }
    };

    const rounds = Math.max(0, ...visitors.map((v) => v.rounds.length));
    for (let r = 0; r < rounds; r++) {
      round = r;
      if (bodies) bodies[r] ??= [];
      if (r > 0) opts.setNow((now += opts.roundGaps[r - 1] ?? 0));
      for (const v of visitors) {
        current = { code: v.code, sim: v.simulation[r] ?? null };
        for (const s of v.rounds[r] ?? []) runStep(v, r, s);
        featureKeys.forEach((featureKey, f) => {
          const track = bodies ? true : trackFor(v, f, r);
          record(v.code, featureKey, r, () => {
            const res = client.getVariation({ visitorCode: v.code, featureKey, track });
            return { key: res.key, id: res.id, experimentId: res.experimentId, name: res.name, vars: serializeVars(res.variables) };
          }, track);
        });
      }
      if (bodies && (opts.flushEveryRound || r === rounds - 1)) {
        (client as unknown as { flush(p: { instant: boolean }): void }).flush({ instant: true });
        for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return out;
  } finally {
    timers.release();
  }
}
