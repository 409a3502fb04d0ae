/**
 * Seeded property-based fuzzing of the whole public API, on an initialized Node client and on an
 * initialized browser client (jsdom's document and localStorage installed for that describe).
 * Every call gets arguments from a generator of hostile values (undefined, null, NaN, -0, huge
 * numbers, 10,000-character, unicode, CR/LF, `;` and `__proto__` strings, objects with own
 * `__proto__` keys, null-prototype objects, functions, symbols, BigInts, data instances with wrong
 * fields...) mixed with valid ones (visitor codes, the configuration's feature keys, experiment ids).
 * The exported helpers (createSnapshot, visitorCodeFromCookies, ensureVisitorCodeCookie) are called
 * the same way, and the constructor gets 3,000 hostile parameter sets per entry. How each method's
 * arguments are drawn and what its result must look like: fuzzMethods.ts.
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
import { CustomData, GeolocationData, KameleoonError, PageView, UserAgent } from '../../src/node.ts';
import { basicConfig } from '../client/helpers.ts';
import { useJsdomPage } from '../support/jsdomPage.ts';
import { Hostile, TRACKING_LINE, iterationSeed, notKameleoonError, pollutionReport, prototypeSnapshot, recordingUnavailableRequester, show, showCall, silentLogger } from './fuzzKit.ts';
import { ENABLED_KEYS, EXPERIMENT_IDS, FEATURE_KEYS, FUZZ_CODES, METHODS, METHOD_NAMES, VARIATION_KEYS, params, type Client } from './fuzzMethods.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x6b616d65);
const NODE_ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 40_000);
const BROWSER_ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 15_000);
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
/** FUZZ_STATS=1 prints, per method, how many calls returned and which error types were thrown. */
const STATS = process.env.FUZZ_STATS === '1';

type AnyClient = Record<string, (...args: unknown[]) => unknown>;

const SENTINELS = Array.from({ length: 40 }, (_, i) => `sentinel§${i}§untouched`);
const PREMIUM_SENTINEL = 'sentinel§premium§untouched';

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
    _internals: { minTrackingInterval: 100 },
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
    // The fuzz ended with flush({ instant: true }), a tick in the background: close() waits for its
    // request if one is out, composes what is left and sends it.
    try {
      await client.close();
    } catch (err) {
      failures.push({ iteration: -1, call: 'close()', problem: `[${label}] close() after the run: ${show(err)}` });
    }
    // Node reports an unhandled rejection once the microtasks that could still handle it have run:
    // one macrotask turn lets the watcher hear of any from that background work before it is read.
    await new Promise((resolve) => setImmediate(resolve));
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
        _internals: { minTrackingInterval: 100 },
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
