/**
 * Seeded property-based fuzzing of the whole public API, on an initialized Node client and on an
 * initialized browser client (jsdom's document and localStorage installed for that describe).
 * Every call gets arguments from a generator of hostile values (undefined, null, NaN, -0, huge
 * numbers, 10,000-character, unicode, CR/LF, `;` and `__proto__` strings, objects with own
 * `__proto__` keys, null-prototype objects, functions, symbols, BigInts, data instances with wrong
 * fields...) mixed with valid ones (visitor codes, the configuration's feature keys, experiment ids).
 * The exported helpers (createSnapshot, visitorCodeFromCookies, ensureVisitorCodeCookie) are called
 * the same way, and the constructor gets 3,000 hostile parameter sets per entry.
 *
 * Properties: every thrown or rejected value is a KameleoonError with a known string `type`
 * (README: "Every method throws only KameleoonErrors"); the async methods never throw
 * synchronously; getVariationDetails never throws and never hides an internal error; results have
 * their documented shapes; after the run, decisions for visitors the fuzz never touched equal those
 * computed before it and those of a fresh client, no builtin prototype was polluted, every tracking
 * line sent is one well-formed line, and no unhandled rejection, uncaught exception or process
 * warning (MaxListenersExceeded, TimeoutOverflow) happened in the background.
 *
 * Replay: FUZZ_SEED=<seed> [FUZZ_ITERATIONS=<n>] npx vitest run test/hardening/fuzz.test.ts; one
 * call alone on a fresh client: FUZZ_ONLY=<iteration> with the same seed (each call draws its
 * arguments from its own seed, derived from the suite seed and the iteration).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as browserEntry from '../../src/browser.ts';
import * as nodeEntry from '../../src/node.ts';
import { CustomData, EventType, GeolocationData, KameleoonError, PageView, UserAgent, createSnapshot, ensureVisitorCodeCookie, visitorCodeFromCookies } from '../../src/node.ts';
import { basicConfig } from '../client/helpers.ts';
import { useJsdomPage } from '../support/jsdomPage.ts';
import { Hostile, TRACKING_LINE, iterationSeed, notKameleoonError, pollutionReport, prototypeSnapshot, recordingUnavailableRequester, show, showCall, silentLogger } from './fuzzKit.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x6b616d65);
const NODE_ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 40_000);
const BROWSER_ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 15_000);
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
/** FUZZ_STATS=1 prints, per method, how many calls returned and which error types were thrown. */
const STATS = process.env.FUZZ_STATS === '1';

type Client = nodeEntry.KameleoonClient;
type AnyClient = Record<string, (...args: unknown[]) => unknown>;

const config = basicConfig();
const FEATURE_KEYS: string[] = config.featureFlags.map((f: { featureKey: string }) => f.featureKey);
const ENABLED_KEYS: string[] = config.featureFlags.filter((f: { environmentEnabled: boolean }) => f.environmentEnabled).map((f: { featureKey: string }) => f.featureKey);
const EXPERIMENT_IDS: number[] = config.featureFlags.flatMap((f: { rules: { experimentId: number }[] }) => f.rules.map((r) => r.experimentId));
const VARIATION_KEYS: string[] = [...new Set<string>(config.featureFlags.flatMap((f: { variations: { key: string }[] }) => f.variations.map((v) => v.key)))];

/** Visitor codes the fuzz uses (valid ones, hostile in content); sentinels below are never among them. */
const FUZZ_CODES = ['fuzz-v1', 'fuzz-v2', 'fuzz-v3', 'a', '訪問者🎉', '__proto__', 'constructor', 'toString', 'x'.repeat(255), 'semi;colon,comma', 'cr\r\nlf', '</script><script>alert(1)</script>', '%41%ZZ', ' '];
const SENTINELS = Array.from({ length: 40 }, (_, i) => `sentinel§${i}§untouched`);
const PREMIUM_SENTINEL = 'sentinel§premium§untouched';

const ENGINE_CODE = /^window\.kameleoonQueue=window\.kameleoonQueue\|\|\[\];(window\.kameleoonQueue\.push\(\['Experiments\.assignVariation',\d+,\d+,true\]\);window\.kameleoonQueue\.push\(\['Experiments\.trigger',\d+,(true|false)\]\);)*$/;
const SET_COOKIE = /^kameleoonVisitorCode=[A-Za-z0-9\-_.!~*'()%]+; Max-Age=\d+; Path=\/(; Domain=[A-Za-z0-9.-]+)?$/;

/** A ServerResponse stand-in that records what the SDK sets. */
function recordingResponse(): { getHeader(name: string): unknown; setHeader(name: string, value: string | string[]): void; set: string[] } {
  const set: string[] = [];
  return {
    set,
    getHeader: (name) => (name.toLowerCase() === 'set-cookie' ? set.slice() : undefined),
    setHeader: (_name, value) => void set.splice(0, set.length, ...(Array.isArray(value) ? value : [value])),
  };
}

/** A Cookie header made of hostile pairs, with the SDK's two cookies in some of them. */
function cookieHeader(h: Hostile): string {
  const pairs: string[] = [];
  const n = h.int(0, 4);
  for (let i = 0; i < n; i++) {
    const name = h.pick(['kameleoonVisitorCode', 'kameleoonSimulationFFData', '', ' ', 'a', h.string()]);
    const value = h.pick<() => string>([
      () => h.string(),
      () => encodeURIComponent(h.pick(FUZZ_CODES)),
      () => encodeURIComponent(JSON.stringify({ ff_50_50: { expId: h.or(EXPERIMENT_IDS), varId: h.pick([3001, 3002, null, 0]) } }, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))),
      () => encodeURIComponent('{"__proto__":{"expId":2001,"varId":3001},"constructor":{"prototype":{"polluted":1}}}'),
      () => '%7B%22ff_50_50%22%3A',
    ])();
    pairs.push(h.chance(0.1) ? value : `${name}=${value}`);
  }
  return pairs.join(h.pick(['; ', ';', ', ', ';;']));
}

/** A request: Node-like, Fetch Request or Headers, or something hostile. */
function request(h: Hostile): unknown {
  return h.pick<() => unknown>([
    () => undefined,
    () => ({ headers: { cookie: cookieHeader(h) } }),
    () => ({ headers: { cookie: [cookieHeader(h), cookieHeader(h)] } }),
    () => ({ headers: { cookie: h.value() } }),
    () => ({ headers: h.value() }),
    () => {
      try {
        return new Headers({ cookie: cookieHeader(h) });
      } catch {
        return new Headers();
      }
    },
    () => {
      try {
        return new Request('http://localhost/', { headers: { cookie: cookieHeader(h) } });
      } catch {
        return new Request('http://localhost/');
      }
    },
    () => ({ get: h.fn() }),
    () => ({ headers: { get: h.fn() } }),
    () => h.value(),
  ])();
}

/** A response: recorder, Fetch Headers or Response, or something hostile. */
function response(h: Hostile): unknown {
  return h.pick<() => unknown>([
    () => undefined,
    () => recordingResponse(),
    () => ({ headers: new Headers() }),
    () => new Headers(),
    () => new Response(null),
    () => ({ setHeader: h.fn(), getHeader: h.value() }),
    () => ({ headers: h.value() }),
    () => ({ append: h.value() }),
    () => h.value(),
  ])();
}

/** `{ ...fields }` with each field valid or hostile, some left out, extra hostile keys; or anything. */
function params(h: Hostile, fields: Record<string, () => unknown>): unknown {
  if (h.chance(0.12)) return h.value();
  const out: Record<string, unknown> = h.chance(0.05) ? Object.create(null) : {};
  for (const [key, make] of Object.entries(fields)) if (h.chance(0.92)) out[key] = make();
  if (h.chance(0.1)) Object.defineProperty(out, h.pick(['__proto__', 'constructor', 'polluted', h.string()]), { value: h.value(), enumerable: true, writable: true, configurable: true });
  return out;
}

const vc = (h: Hostile) => h.or(FUZZ_CODES, 0.8);
const fk = (h: Hostile) => h.or(FEATURE_KEYS, 0.8);
const bool = (h: Hostile) => (h.chance(0.75) ? h.pick([true, false, undefined]) : h.value());

interface MethodSpec {
  async?: boolean;
  /** For the exported helpers that are not client methods: how to call them. */
  call?(client: Client, args: unknown[]): unknown;
  /** The arguments of one call. */
  args(h: Hostile): unknown[];
  /** Why the result is wrong, or undefined. */
  check?(result: unknown, args: unknown[]): string | undefined;
}

const isVariation = (v: unknown) => typeof v === 'object' && v !== null && typeof (v as { key: unknown }).key === 'string' && (v as { variables: unknown }).variables instanceof Map;

/** A visitor code came back (1 to 255 characters) and every Set-Cookie written is well-formed. */
function checkVisitorCodeCall(result: unknown, args: unknown[]): string | undefined {
  if (typeof result !== 'string' || result.length === 0 || result.length > 255) return `returned ${show(result)}`;
  const res = (args[0] as { response?: unknown } | undefined)?.response as ReturnType<typeof recordingResponse> | undefined;
  const set = res && typeof res === 'object' && Array.isArray((res as { set?: unknown }).set) ? res.set : [];
  const bad = set.find((c) => !SET_COOKIE.test(c));
  return bad === undefined ? undefined : `wrote Set-Cookie ${show(bad)}`;
}

const METHODS: Record<string, MethodSpec> = {
  getVisitorCode: {
    args: (h) =>
      h.pick<() => unknown[]>([
        () => [],
        () => [h.or(FUZZ_CODES, 0.6)],
        () => [params(h, { request: () => request(h), response: () => response(h), defaultVisitorCode: () => (h.chance(0.5) ? undefined : h.or(FUZZ_CODES)) })],
      ])(),
    check: checkVisitorCodeCall,
  },
  addData: {
    args: (h) => [vc(h), ...Array.from({ length: h.pick([0, 1, 1, 2, 3]) }, () => (h.chance(0.8) ? h.dataInstance() : h.value()))],
    check: (result) => (result === undefined ? undefined : `returned ${show(result)}`),
  },
  getVariation: {
    args: (h) => [params(h, { visitorCode: () => vc(h), featureKey: () => fk(h), track: () => bool(h) })],
    check: (result) => (isVariation(result) ? undefined : `returned ${show(result)}`),
  },
  getVariationDetails: {
    args: (h) => [params(h, { visitorCode: () => vc(h), featureKey: () => fk(h), track: () => bool(h) })],
    check: (result) => {
      const r = result as { variation: unknown; reason: { kind: unknown; error?: unknown } };
      if (typeof r !== 'object' || r === null || typeof r.reason?.kind !== 'string') return `returned ${show(result)}`;
      if (r.reason.kind !== 'ERROR') return isVariation(r.variation) ? undefined : `returned ${show(result)}`;
      const error = r.reason.error as KameleoonError;
      // An internal error (TypeError...) turned into a KameleoonError is a bug hidden, not handled.
      if (error?.cause !== undefined && !(error.cause instanceof KameleoonError)) return `hid an internal error: ${show(error.cause)}\n${(error.cause as Error)?.stack ?? ''}`;
      return notKameleoonError(error);
    },
  },
  getVariations: {
    args: (h) => [params(h, { visitorCode: () => vc(h), onlyActive: () => bool(h), track: () => bool(h) })],
    check: (result) => (result instanceof Map && [...result.values()].every(isVariation) ? undefined : `returned ${show(result)}`),
  },
  isFeatureFlagActive: {
    args: (h) => (h.chance(0.5) ? [vc(h), fk(h)] : [params(h, { visitorCode: () => vc(h), featureKey: () => fk(h), track: () => bool(h) })]),
    check: (result) => (typeof result === 'boolean' ? undefined : `returned ${show(result)}`),
  },
  getFeatureFlags: {
    args: (h) => (h.chance(0.8) ? [] : [h.value()]),
    check: (result) => (Array.isArray(result) && result.length === FEATURE_KEYS.length ? undefined : `returned ${show(result)}`),
  },
  getVisitorFeatureFlags: {
    args: (h) => [vc(h)],
    check: (result) => (Array.isArray(result) ? undefined : `returned ${show(result)}`),
  },
  getActiveFeatureFlags: {
    args: (h) => [vc(h)],
    check: (result) => (result instanceof Map ? undefined : `returned ${show(result)}`),
  },
  getFeatureFlagVariationKey: {
    args: (h) => [vc(h), fk(h)],
    check: (result) => (typeof result === 'string' ? undefined : `returned ${show(result)}`),
  },
  getFeatureFlagVariable: {
    args: (h) => [params(h, { visitorCode: () => vc(h), featureKey: () => (h.chance(0.5) ? 'ff_50_50' : fk(h)), variableKey: () => h.or(['color', '__proto__', 'constructor', 'toString', '']) })],
    check: (result) => (typeof result === 'object' && result !== null && typeof (result as { type: unknown }).type === 'string' ? undefined : `returned ${show(result)}`),
  },
  getFeatureFlagVariables: {
    args: (h) => [vc(h), fk(h)],
    check: (result) => (Array.isArray(result) ? undefined : `returned ${show(result)}`),
  },
  setForcedVariation: {
    args: (h) => [params(h, { visitorCode: () => vc(h), experimentId: () => h.or(EXPERIMENT_IDS), variationKey: () => (h.chance(0.15) ? null : h.or(VARIATION_KEYS)), forceTargeting: () => bool(h) })],
  },
  setLegalConsent: {
    args: (h) => [vc(h), h.chance(0.7) ? h.chance(0.5) : h.value(), response(h)],
  },
  evaluateAudiences: {
    args: (h) => [vc(h)],
    check: (result) => (Array.isArray(result) && result.every((id) => Number.isInteger(id)) ? undefined : `returned ${show(result)}`),
  },
  flush: {
    args: (h) =>
      h.pick<() => unknown[]>([
        () => [],
        () => [vc(h)],
        () => [params(h, { visitorCode: () => (h.chance(0.3) ? undefined : vc(h)), instant: () => bool(h) })],
        () => [h.value()],
      ])(),
  },
  trackConversion: {
    args: (h) => [
      params(h, {
        visitorCode: () => vc(h),
        goalId: () => h.or([1, 42, 2001]),
        revenue: () => (h.chance(0.5) ? undefined : h.or([0, 10.5])),
        negative: () => bool(h),
        metadata: () => (h.chance(0.5) ? undefined : h.chance(0.5) ? [new CustomData(0, 'm')] : h.value()),
      }),
    ],
  },
  getEngineTrackingCode: {
    args: (h) => [vc(h)],
    check: (result) => (typeof result === 'string' && ENGINE_CODE.test(result) ? undefined : `returned ${show(result)}`),
  },
  getDataFile: {
    args: () => [],
    check: (result) => ((result as { featureFlags?: unknown })?.featureFlags instanceof Map && (result as { featureFlags: Map<string, unknown> }).featureFlags.size === FEATURE_KEYS.length ? undefined : `returned ${show(result)}`),
  },
  getConfigurationJson: { args: () => [] },
  isInitialized: { args: () => [], check: (result) => (result === true ? undefined : `returned ${show(result)}`) },
  onEvent: {
    args: (h) => [h.or([EventType.Evaluation, EventType.ConfigurationUpdate], 0.7), h.chance(0.8) ? h.fn(true) : h.value()],
  },
  onConfigurationUpdate: {
    args: (h) => [h.chance(0.8) ? h.fn(true) : h.value()],
    check: (result) => (typeof result === 'function' ? (result(), undefined) : `returned ${show(result)}`),
  },
  onStatusChange: {
    args: (h) => [h.chance(0.8) ? h.fn(true) : h.value()],
    check: (result) => (typeof result === 'function' ? (result(), undefined) : `returned ${show(result)}`),
  },
  setLogLevel: {
    args: (h) => [h.chance(0.5) ? h.int(0, 4) : h.value()],
    check: (_result, [level]) => (Number.isInteger(level) && (level as number) >= 0 && (level as number) <= 4 ? undefined : `accepted level ${show(level)}`),
  },
  getConfigurationStatus: {
    args: () => [],
    check: (result) => (typeof (result as { status?: unknown })?.status === 'string' ? undefined : `returned ${show(result)}`),
  },
  getTrackingStatus: {
    args: () => [],
    check: (result) => {
      if (result === null || typeof result !== 'object') return `returned ${show(result)}`;
      const { loaded, ...counters } = result as Record<string, unknown>;
      return typeof loaded === 'boolean' && Object.values(counters).every((n) => Number.isInteger(n) && (n as number) >= 0) ? undefined : `returned ${show(result)}`;
    },
  },
  getRemoteData: {
    async: true,
    args: (h) => (h.chance(0.4) ? [h.or(['key', '', 'k\uD800', '__proto__'], 0.5)] : [params(h, { key: () => h.or(['key', 'k\uD800', '__proto__', ' ']), timeout: () => (h.chance(0.5) ? undefined : h.or([1, 100])) })]),
  },
  getRemoteVisitorData: {
    async: true,
    args: (h) => [
      params(h, {
        visitorCode: () => vc(h),
        shouldAddData: () => bool(h),
        filters: () => (h.chance(0.4) ? undefined : h.chance(0.5) ? { previousVisitAmount: h.or([1, 25, 0, 26, 2.5]), customData: bool(h) } : h.value()),
        timeout: () => (h.chance(0.5) ? undefined : h.or([1, 100])),
      }),
    ],
  },
  // Exported helpers (server rendering, middleware).
  createSnapshot: {
    call: (client, args) => createSnapshot(client, args[0] as never),
    args: (h) => [params(h, { visitorCode: () => vc(h), featureKeys: () => (h.chance(0.5) ? undefined : h.chance(0.5) ? [fk(h), fk(h)] : h.value()), track: () => bool(h), includeConfiguration: () => bool(h) })],
    check: (result) => (typeof (result as { results?: unknown })?.results === 'object' && Array.isArray((result as { tracked?: unknown }).tracked) ? undefined : `returned ${show(result)}`),
  },
  visitorCodeFromCookies: {
    call: (_client, args) => visitorCodeFromCookies(args[0] as never),
    args: (h) => [h.chance(0.7) ? { get: h.chance(0.5) ? () => ({ value: h.or(FUZZ_CODES) }) : h.fn() } : h.value()],
    check: (result) => (result === undefined || (typeof result === 'string' && result.length > 0 && result.length <= 255) ? undefined : `returned ${show(result)}`),
  },
  ensureVisitorCodeCookie: {
    call: (_client, args) => ensureVisitorCodeCookie(args[0] as never),
    args: (h) => [params(h, { request: () => request(h), response: () => response(h), domain: () => (h.chance(0.5) ? undefined : h.or(['example.com', 'example.com; Secure', 'a\r\nb'])), random: () => (h.chance(0.7) ? undefined : h.chance(0.5) ? () => 0.5 : h.pick([42, 'random', null, {}])) })],
    check: checkVisitorCodeCall,
  },
  getVisitorWarehouseAudience: {
    async: true,
    args: (h) => [
      params(h, {
        visitorCode: () => vc(h),
        customDataIndex: () => h.or([0, 1, 2]),
        warehouseKey: () => (h.chance(0.5) ? undefined : h.or(['wk', 'k\uD800', ''])),
        timeout: () => (h.chance(0.5) ? undefined : h.or([1, 100])),
      }),
    ],
  },
};
const METHOD_NAMES = Object.keys(METHODS);

interface Failure {
  iteration: number;
  call: string;
  problem: string;
}

/** What the fuzz must not change: decisions of visitors it never touches. */
function decisions(client: Client): string[] {
  const out: string[] = [];
  for (const visitorCode of [...SENTINELS, PREMIUM_SENTINEL]) {
    for (const featureKey of ENABLED_KEYS) {
      const v = client.getVariation({ visitorCode, featureKey, track: false });
      out.push(`${visitorCode} ${featureKey} ${v.key} ${v.id} ${v.experimentId} ${[...v.variables.keys()].join(',')}`);
    }
    out.push(`${visitorCode} active ${client.getVisitorFeatureFlags(visitorCode).map((f) => f.key).join(',')}`);
  }
  return out;
}

/**
 * Runs `iterations` random calls on `client`; returns the failures (at most 25 are kept, with the
 * first of each method+problem kind first).
 */
async function fuzz(client: Client, label: string, iterations: number): Promise<{ failures: Failure[]; calls: Record<string, number> }> {
  const failures: Failure[] = [];
  const seen = new Set<string>();
  const calls: Record<string, number> = {};
  const outcomes: Record<string, Record<string, number>> = {};
  const outcome = (method: string, what: string) => {
    const byMethod = (outcomes[method] ??= {});
    byMethod[what] = (byMethod[what] ?? 0) + 1;
  };
  const pending: Promise<void>[] = [];
  const fail = (iteration: number, call: string, problem: string) => {
    const kind = `${call.slice(0, call.indexOf('('))}: ${problem.split('\n')[0].replace(/"[^"]*"|\d+/g, '…').slice(0, 80)}`;
    if (seen.has(kind) || failures.length >= 25) return;
    seen.add(kind);
    failures.push({ iteration, call, problem: `[${label} seed ${SEED} iteration ${iteration}] ${problem}` });
  };
  const first = ONLY ?? 0;
  const last = ONLY ?? iterations - 1;
  for (let i = first; i <= last; i++) {
    const h = new Hostile(iterationSeed(SEED, i), { visitorCodes: FUZZ_CODES, featureKeys: FEATURE_KEYS, experimentIds: EXPERIMENT_IDS, variationKeys: VARIATION_KEYS, variableKeys: ['color'] });
    const method = h.pick(METHOD_NAMES);
    const spec = METHODS[method];
    const args = spec.args(h);
    calls[method] = (calls[method] ?? 0) + 1;
    let call = '';
    const describeCall = () => (call ||= showCall(method, args));
    if (ONLY !== undefined) console.log(`replaying ${label} iteration ${i}: ${describeCall()}`);
    let result: unknown;
    try {
      result = spec.call ? spec.call(client, args) : (client as unknown as AnyClient)[method](...args);
    } catch (err) {
      outcome(method, err instanceof KameleoonError ? String(err.type) : 'OTHER');
      if (spec.async) fail(i, describeCall(), `threw synchronously instead of rejecting: ${show(err)}`);
      else if (method === 'getVariationDetails') fail(i, describeCall(), `threw (it never should): ${show(err)}`);
      else {
        const problem = notKameleoonError(err);
        if (problem) fail(i, describeCall(), problem);
      }
      continue;
    }
    if (spec.async) {
      if (!(result instanceof Promise)) {
        fail(i, describeCall(), `returned ${show(result)} instead of a promise`);
        continue;
      }
      const description = describeCall();
      pending.push(
        result.then(
          () => void outcome(method, 'resolved'),
          (err: unknown) => {
            outcome(method, err instanceof KameleoonError ? `rejected ${String(err.type)}` : 'rejected OTHER');
            const problem = notKameleoonError(err);
            if (problem) fail(i, description, `rejected: ${problem}`);
          },
        ),
      );
      continue;
    }
    outcome(method, 'returned');
    let problem: string | undefined;
    try {
      problem = spec.check?.(result, args);
    } catch (err) {
      problem = `result check threw ${show(err)}`;
    }
    if (problem) fail(i, describeCall(), problem);
    // Let microtasks (browser persistence, rejections) and timers (tracking ticks) run now and then.
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(pending);
  if (STATS) for (const method of METHOD_NAMES) console.log(`${label} ${method}: ${JSON.stringify(outcomes[method] ?? {})}`);
  // Compose and send what the fuzz queued: composing the hostile data must not throw either.
  try {
    client.flush({ instant: true });
  } catch (err) {
    const problem = notKameleoonError(err);
    if (problem) fail(-1, 'flush({ instant: true }) after the run', problem);
  }
  return { failures, calls };
}

function report(failures: Failure[]): string {
  return failures.map((f) => `${f.problem}\n    call: ${f.call}\n    replay: FUZZ_SEED=${SEED} FUZZ_ONLY=${f.iteration} npx vitest run test/hardening/fuzz.test.ts`).join('\n\n');
}

type Requester = ReturnType<typeof recordingUnavailableRequester>;

function newNodeClient(requester: Requester): Client {
  return new nodeEntry.KameleoonClient({
    siteCode: 'fuzz-site',
    configuration: { defaultDataFile: basicConfig() as never, trackingInterval: 100 },
    externals: { logger: silentLogger, requester },
  });
}

/** The unhandled rejections and uncaught exceptions raised while a suite runs (tracking ticks, microtasks). */
function watchProcess(): { problems: string[]; stop(): void } {
  const problems: string[] = [];
  const onRejection = (reason: unknown) => void problems.push(`unhandled rejection: ${show(reason)} ${(reason as Error)?.stack ?? ''}`);
  const onException = (err: unknown) => void problems.push(`uncaught exception: ${show(err)} ${(err as Error)?.stack ?? ''}`);
  // MaxListenersExceededWarning (listeners piling up on a signal), TimeoutOverflowWarning (a timeout past 2^31 - 1 ms)...
  const onWarning = (warning: Error) => void problems.push(`process warning: ${warning.name}: ${warning.message}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  process.on('warning', onWarning);
  return {
    problems,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
      process.off('warning', onWarning);
    },
  };
}

function suite(label: string, make: (requester: Requester) => Client, iterations: number): void {
  let client: Client;
  let requester: Requester;
  let reference: string[];
  let before: string[];
  let prototypes: ReturnType<typeof prototypeSnapshot>;
  let watcher: ReturnType<typeof watchProcess>;

  beforeAll(async () => {
    watcher = watchProcess();
    prototypes = prototypeSnapshot();
    const fresh = make(recordingUnavailableRequester());
    await fresh.initialize();
    fresh.addData(PREMIUM_SENTINEL, new CustomData(0, 'premium'));
    reference = decisions(fresh);
    await fresh.close();
    (globalThis as { localStorage?: Storage }).localStorage?.clear();
    requester = recordingUnavailableRequester();
    client = make(requester);
    await client.initialize();
    client.addData(PREMIUM_SENTINEL, new CustomData(0, 'premium'));
    before = decisions(client);
  });

  afterAll(async () => {
    await client?.close();
    watcher?.stop();
  });

  it(`${iterations} random calls throw or reject only KameleoonErrors, with results of the documented shape`, async () => {
    const { failures, calls } = await fuzz(client, label, iterations);
    if (ONLY === undefined) for (const method of METHOD_NAMES) expect(calls[method], `${method} was never called`).toBeGreaterThan(0);
    // Tracking ticks every 100 ms: let one compose what the fuzz left, then close (composes and sends the rest).
    await new Promise((resolve) => setTimeout(resolve, 150));
    try {
      await client.close();
    } catch (err) {
      failures.push({ iteration: -1, call: 'close()', problem: `[${label}] close() after the run: ${show(err)}` });
    }
    for (const problem of watcher.problems) failures.push({ iteration: -1, call: '(background)', problem: `[${label} seed ${SEED}] ${problem}` });
    expect(failures, report(failures)).toEqual([]);
  });

  it('still decides as before for visitors the fuzz never touched, and as a fresh client does', () => {
    if (ONLY !== undefined) return;
    expect(reference.length).toBe((SENTINELS.length + 1) * (ENABLED_KEYS.length + 1));
    expect(before).toEqual(reference);
    // The client is closed: decisions are made in memory all the same.
    expect(decisions(client)).toEqual(reference);
    expect(client.getFeatureFlags().map((f) => f.key)).toEqual(FEATURE_KEYS);
    expect(client.getVariation({ visitorCode: PREMIUM_SENTINEL, featureKey: 'ff_segmented', track: false }).key).toBe('premium_on');
  });

  it('sent only well-formed tracking lines: hostile data cannot split a line or add one', () => {
    if (ONLY !== undefined) return;
    const lines = requester.trackingBodies.flatMap((body) => body.split('\n'));
    expect(lines.length).toBeGreaterThan(20);
    const bad = lines.filter((line) => !TRACKING_LINE.test(line));
    expect(bad.slice(0, 5).map((line) => JSON.stringify(line.slice(0, 300))), `${bad.length} malformed line(s) (seed ${SEED})`).toEqual([]);
  });

  it('left no builtin prototype polluted', () => {
    expect(pollutionReport(prototypes)).toEqual([]);
  });
}

describe(`fuzzing the Node client (seed ${SEED})`, () => {
  suite('node', newNodeClient, NODE_ITERATIONS);
});

describe(`fuzzing the browser client in jsdom (seed ${SEED})`, () => {
  useJsdomPage();

  suite(
    'browser',
    (requester) =>
      new browserEntry.KameleoonClient({
        siteCode: 'fuzz-site',
        configuration: { defaultDataFile: basicConfig() as never, trackingInterval: 100 },
        externals: { logger: silentLogger, requester },
      }) as unknown as Client,
    BROWSER_ITERATIONS,
  );
});

describe(`fuzzing the constructor (seed ${SEED})`, () => {
  it.each([
    ['node', (p: unknown) => new nodeEntry.KameleoonClient(p as nodeEntry.SDKParameters)],
    ['browser', (p: unknown) => new browserEntry.KameleoonClient(p as nodeEntry.SDKParameters) as unknown as Client],
  ] as const)('%s: hostile parameters throw only KameleoonErrors (SiteCodeIsEmpty, InvalidArgument)', async (label, construct) => {
    const prototypes = prototypeSnapshot();
    const failures: Failure[] = [];
    const iterations = ONLY === undefined ? 3_000 : 0;
    for (let i = 0; i < iterations; i++) {
      const h = new Hostile(iterationSeed(SEED ^ 0xc0de, i), { visitorCodes: FUZZ_CODES, featureKeys: FEATURE_KEYS, experimentIds: EXPERIMENT_IDS, variationKeys: VARIATION_KEYS, variableKeys: ['color'] });
      const str = () => h.or(['a1b2c3d4e5', 'example.com', 'https://proxy.example.com/base/', ''], 0.5);
      const num = () => h.or([1, 60, 1000, 10_000], 0.5);
      const parameters = params(h, {
        siteCode: () => h.or(['a1b2c3d4e5', 'site\uD800', 'site/../x?y#z', ' '], 0.6),
        configuration: () =>
          params(h, {
            environment: str,
            updateInterval: num,
            requestTimeout: num,
            trackingInterval: num,
            targetingDataCleanupInterval: num,
            cookieDomain: str,
            networkDomain: str,
            sessionDuration: num,
            endpoints: () => params(h, { configuration: str, tracking: str, realTime: str, dataApi: str, api: str }),
            clientId: str,
            clientSecret: str,
          }),
        externals: () => ({ logger: silentLogger }),
      });
      let client: Client | undefined;
      try {
        client = construct(parameters);
      } catch (err) {
        const problem = notKameleoonError(err);
        if (problem && failures.length < 10) failures.push({ iteration: i, call: showCall('new KameleoonClient', [parameters]), problem: `[${label} constructor seed ${SEED}] ${problem}` });
      }
      await client?.close();
    }
    expect(failures, report(failures)).toEqual([]);
    expect(pollutionReport(prototypes)).toEqual([]);
  });
});

describe('hostile values in what leaves the client', () => {
  it('custom data values named like prototype keys, lone surrogates and CR/LF reach the tracking lines intact and on one line each', async () => {
    const bodies: string[] = [];
    const requester = {
      sendRequest: async ({ requestType, parameters }: { requestType: string; parameters: RequestInit }) => {
        if (requestType === 'tracking') bodies.push(String(parameters.body));
        return new Response(null, { status: requestType === 'tracking' ? 204 : 503 });
      },
    };
    const client = new nodeEntry.KameleoonClient({ siteCode: 'fuzz-site', configuration: { defaultDataFile: basicConfig() as never }, externals: { logger: silentLogger, requester } });
    await client.initialize();
    const visitorCode = 'v\uD800x'; // a code cut in the middle of an emoji
    client.addData(
      visitorCode,
      new CustomData(0, '__proto__', 'constructor', 'toString', 'hasOwnProperty'),
      new UserAgent('agent\r\neventType=conversion&goalId=1&revenue=1000000'),
      new PageView({ urlAddress: 'https://example.com/\uDFFF', title: 'cut \uD83D' }),
      new GeolocationData({ country: 'FR\uD800', city: 'a\r\nb' }),
    );
    client.getVariation({ visitorCode, featureKey: 'ff_50_50' });
    client.flush({ visitorCode, instant: true });
    await client.close();
    const lines = bodies.flatMap((body) => body.split('\n'));
    expect(lines.filter((line) => !TRACKING_LINE.test(line)).map((line) => JSON.stringify(line))).toEqual([]);
    const params = lines.map((line) => new URLSearchParams(line.replace(/&userAgent=.*$/, '')));
    expect(new Set(params.map((p) => p.get('visitorCode')))).toEqual(new Set(['v\uFFFDx']));
    const customData = params.find((p) => p.get('eventType') === 'customData');
    expect(Object.keys(JSON.parse(customData!.get('valuesCountMap')!)).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    expect(params.find((p) => p.get('eventType') === 'page')?.get('title')).toBe('cut \uFFFD');
    expect(params.find((p) => p.get('eventType') === 'geolocation')?.get('country')).toBe('FR\uFFFD');
    expect(lines.filter((line) => line.includes('&userAgent='))).toHaveLength(1);
    expect(lines.some((line) => line.startsWith('eventType=conversion'))).toBe(false);
  });
});
