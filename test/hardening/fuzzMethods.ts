/**
 * The public surface the fuzz of fuzz.test.ts calls, one entry per method or exported helper: how
 * to draw its arguments from a {@link Hostile} generator (hostile values mixed with valid ones from
 * the configuration under test) and what its result must look like; with the valid pools it draws
 * from and the hostile requests, responses and Cookie headers it passes.
 */
import type * as nodeEntry from '../../src/node.ts';
import { CustomData, EventType, KameleoonError, createSnapshot, ensureVisitorCodeCookie, visitorCodeFromCookies } from '../../src/node.ts';
import { basicConfig } from '../client/helpers.ts';
import { ENGINE_CODE, Hostile, notKameleoonError, show } from './fuzzKit.ts';

export type Client = nodeEntry.KameleoonClient;

const config = basicConfig();
export const FEATURE_KEYS: string[] = config.featureFlags.map((f: { featureKey: string }) => f.featureKey);
export const ENABLED_KEYS: string[] = config.featureFlags.filter((f: { environmentEnabled: boolean }) => f.environmentEnabled).map((f: { featureKey: string }) => f.featureKey);
export const EXPERIMENT_IDS: number[] = config.featureFlags.flatMap((f: { rules: { experimentId: number }[] }) => f.rules.map((r) => r.experimentId));
export const VARIATION_KEYS: string[] = [...new Set<string>(config.featureFlags.flatMap((f: { variations: { key: string }[] }) => f.variations.map((v) => v.key)))];

/** Visitor codes the fuzz uses (valid ones, hostile in content); the sentinels of fuzz.test.ts are never among them. */
export const FUZZ_CODES = ['fuzz-v1', 'fuzz-v2', 'fuzz-v3', 'a', '訪問者🎉', '__proto__', 'constructor', 'toString', 'x'.repeat(255), 'semi;colon,comma', 'cr\r\nlf', '</script><script>alert(1)</script>', '%41%ZZ', ' '];

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
export function params(h: Hostile, fields: Record<string, () => unknown>): unknown {
  if (h.chance(0.12)) return h.value();
  const out: Record<string, unknown> = h.chance(0.05) ? Object.create(null) : {};
  for (const [key, make] of Object.entries(fields)) if (h.chance(0.92)) out[key] = make();
  if (h.chance(0.1)) Object.defineProperty(out, h.pick(['__proto__', 'constructor', 'polluted', h.string()]), { value: h.value(), enumerable: true, writable: true, configurable: true });
  return out;
}

const vc = (h: Hostile) => h.or(FUZZ_CODES, 0.8);
const fk = (h: Hostile) => h.or(FEATURE_KEYS, 0.8);
const bool = (h: Hostile) => (h.chance(0.75) ? h.pick([true, false, undefined]) : h.value());

export interface MethodSpec {
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

export const METHODS: Record<string, MethodSpec> = {
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
export const METHOD_NAMES = Object.keys(METHODS);
