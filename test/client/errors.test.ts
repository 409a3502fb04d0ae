import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as errors from '../../src/errors.ts';
import {
  ConfigFileNotFound,
  ConfigurationError,
  Conversion,
  Cookie,
  CustomData,
  Device,
  FeatureEnvironmentDisabled,
  FeatureExperimentNotFound,
  FeatureNotFound,
  FeatureVariableNotFound,
  FeatureVariationNotFound,
  InvalidArgument,
  KameleoonClient,
  KameleoonError,
  KameleoonException,
  NotInitialized,
  SiteCodeIsEmpty,
  TargetingError,
  VisitorCodeInvalid,
} from '../../src/node.ts';
import { downRequester } from '../support/fakes.ts';
import { clientFor, notModifiedRequester } from './helpers.ts';

let client: KameleoonClient;
beforeAll(async () => {
  client = await clientFor();
});
afterAll(() => client.close());

/** The class an error of each kind must be an instance of (and the name it must have). */
const CLASS_OF_TYPE: Record<KameleoonException, { prototype: KameleoonError }> = {
  Credentials: KameleoonError,
  EventSourceInitialization: KameleoonError,
  FeatureFlagConfigurationNotFound: FeatureNotFound,
  FeatureFlagVariableNotFound: FeatureVariableNotFound,
  FeatureFlagVariationNotFound: FeatureVariationNotFound,
  FeatureFlagExperimentNotFound: FeatureExperimentNotFound,
  FeatureFlagEnvironmentDisabled: FeatureEnvironmentDisabled,
  VisitAmount: KameleoonError,
  VisitorCodeMaxLength: VisitorCodeInvalid,
  VisitorCodeEmpty: VisitorCodeInvalid,
  StorageInitialization: KameleoonError,
  StorageWrite: KameleoonError,
  StorageRead: KameleoonError,
  StorageParse: KameleoonError,
  StorageEmpty: KameleoonError,
  ClientConfiguration: ConfigurationError,
  TargetingCondition: TargetingError,
  AmongValuesCheck: TargetingError,
  RangeCheck: TargetingError,
  Initialization: NotInitialized,
  JSONParse: KameleoonError,
  NumberParse: TargetingError,
  VersionParse: TargetingError,
  CookieParse: KameleoonError,
  SemanticVersionParse: TargetingError,
  RemoteData: KameleoonError,
  MaximumRetriesReached: KameleoonError,
  SiteCodeIsEmpty: SiteCodeIsEmpty,
  InvalidArgument: InvalidArgument,
  ConfigFileNotFound: ConfigFileNotFound,
};

/** Each class's name, written out: what `err.name` must say, minified or not. */
const NAMES = new Map<{ prototype: KameleoonError }, string>([
  [KameleoonError, 'KameleoonError'],
  [FeatureNotFound, 'FeatureNotFound'],
  [FeatureEnvironmentDisabled, 'FeatureEnvironmentDisabled'],
  [VisitorCodeInvalid, 'VisitorCodeInvalid'],
  [FeatureVariableNotFound, 'FeatureVariableNotFound'],
  [FeatureExperimentNotFound, 'FeatureExperimentNotFound'],
  [FeatureVariationNotFound, 'FeatureVariationNotFound'],
  [SiteCodeIsEmpty, 'SiteCodeIsEmpty'],
  [NotInitialized, 'NotInitialized'],
  [InvalidArgument, 'InvalidArgument'],
  [ConfigurationError, 'ConfigurationError'],
  [ConfigFileNotFound, 'ConfigFileNotFound'],
  [TargetingError, 'TargetingError'],
]);

/** Whether `err` is exactly of the class of its type (instanceof it, and not of another subclass). */
function expectClassOfType(err: unknown): void {
  expect(err).toBeInstanceOf(KameleoonError);
  const { type, name } = err as KameleoonError;
  const cls = CLASS_OF_TYPE[type];
  expect(Object.getPrototypeOf(err), `a ${type} error must be a ${NAMES.get(cls)}`).toBe(cls.prototype);
  expect(name).toBe(NAMES.get(cls));
}

const long = 'x'.repeat(256);
const calls: [string, (c: any) => unknown, string][] = [
  ['getVariation(null)', (c) => c.getVariation(null), 'InvalidArgument'],
  ['getVariation(undefined)', (c) => c.getVariation(), 'InvalidArgument'],
  ['getVariation with a numeric visitor code', (c) => c.getVariation({ visitorCode: 5, featureKey: 'ff_50_50' }), 'VisitorCodeEmpty'],
  ['getVariation with an empty visitor code', (c) => c.getVariation({ visitorCode: '', featureKey: 'ff_50_50' }), 'VisitorCodeEmpty'],
  ['getVariation with a 256-character visitor code', (c) => c.getVariation({ visitorCode: long, featureKey: 'ff_50_50' }), 'VisitorCodeMaxLength'],
  ['getVariation with an unknown key', (c) => c.getVariation({ visitorCode: 'v', featureKey: 'nope' }), 'FeatureFlagConfigurationNotFound'],
  ['getVariation with a numeric key', (c) => c.getVariation({ visitorCode: 'v', featureKey: 1 }), 'InvalidArgument'],
  ['getVariation with track "yes"', (c) => c.getVariation({ visitorCode: 'v', featureKey: 'ff_50_50', track: 'yes' }), 'InvalidArgument'],
  ['getVariation on a disabled flag', (c) => c.getVariation({ visitorCode: 'v', featureKey: 'ff_env_disabled' }), 'FeatureFlagEnvironmentDisabled'],
  ['getVariations(null)', (c) => c.getVariations(null), 'InvalidArgument'],
  ['getVariations with a null visitor code', (c) => c.getVariations({ visitorCode: null }), 'VisitorCodeEmpty'],
  ['isFeatureFlagActive(null)', (c) => c.isFeatureFlagActive(null), 'InvalidArgument'],
  ['isFeatureFlagActive with an unknown key', (c) => c.isFeatureFlagActive('v', 'nope'), 'FeatureFlagConfigurationNotFound'],
  ['addData with a plain object', (c) => c.addData('v', { index: 0, value: 'x' }), 'InvalidArgument'],
  ['addData with an empty visitor code', (c) => c.addData('', new CustomData(0, 'x')), 'VisitorCodeEmpty'],
  ['getFeatureFlagVariable(null)', (c) => c.getFeatureFlagVariable(null), 'InvalidArgument'],
  ['getFeatureFlagVariable with an unknown variable', (c) => c.getFeatureFlagVariable({ visitorCode: 'visitor1', featureKey: 'ff_50_50', variableKey: 'nope' }), 'FeatureFlagVariableNotFound'],
  ['getFeatureFlagVariables with an unknown key', (c) => c.getFeatureFlagVariables('v', 'nope'), 'FeatureFlagConfigurationNotFound'],
  ['getFeatureFlagVariationKey with a 256-character code', (c) => c.getFeatureFlagVariationKey(long, 'ff_50_50'), 'VisitorCodeMaxLength'],
  ['setForcedVariation with an unknown experiment', (c) => c.setForcedVariation({ visitorCode: 'v', experimentId: 999, variationKey: 'on' }), 'FeatureFlagExperimentNotFound'],
  ['setForcedVariation with an unknown variation', (c) => c.setForcedVariation({ visitorCode: 'v', experimentId: 2001, variationKey: 'nope' }), 'FeatureFlagVariationNotFound'],
  ['setForcedVariation with a string experiment id', (c) => c.setForcedVariation({ visitorCode: 'v', experimentId: '2001', variationKey: 'on' }), 'InvalidArgument'],
  ['setLegalConsent with "yes"', (c) => c.setLegalConsent('v', 'yes'), 'InvalidArgument'],
  ['evaluateAudiences with an empty code', (c) => c.evaluateAudiences(''), 'VisitorCodeEmpty'],
  ['getVisitorCode with an empty default', (c) => c.getVisitorCode(''), 'VisitorCodeEmpty'],
  ['onEvent with an unknown event', (c) => c.onEvent('nope', () => {}), 'InvalidArgument'],
  ['setLogLevel(9)', (c) => c.setLogLevel(9), 'InvalidArgument'],
];

describe('bad arguments give a KameleoonError that says what to fix', () => {
  it.each(calls)('%s', (_name, call, type) => {
    let thrown: unknown;
    try {
      call(client);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(KameleoonError);
    expect((thrown as KameleoonError).type).toBe(type);
    expectClassOfType(thrown);
    expect((thrown as KameleoonError).message.length).toBeGreaterThan(20);
  });

  it('getRemoteVisitorData with filters that are not an object rejects with InvalidArgument', async () => {
    const rejection = await client.getRemoteVisitorData({ visitorCode: 'v', filters: 5 as never }).catch((err: unknown) => err);
    expect(rejection).toMatchObject({ type: 'InvalidArgument' });
    expectClassOfType(rejection);
  });

  it('getVariationDetails turns an error that is not a KameleoonError into an InvalidArgument', () => {
    const params = {
      get visitorCode(): string {
        throw new RangeError('no visitor code here');
      },
      featureKey: 'ff_50_50',
    };
    const { variation, reason } = client.getVariationDetails(params);
    expect(variation).toBeNull();
    const error = (reason as { error: KameleoonError }).error;
    expect(error).toMatchObject({ type: 'InvalidArgument', cause: expect.any(RangeError) });
    expectClassOfType(error);
  });
});

describe('error classes: each has its own name, and the class always matches the type', () => {
  it('lists every class of src/errors.ts and every kind', () => {
    const classes = Object.values(errors).filter((value) => typeof value === 'function' && value.prototype instanceof Error);
    expect(new Set(classes)).toEqual(new Set(NAMES.keys()));
    expect(Object.keys(CLASS_OF_TYPE).sort()).toEqual(Object.values(KameleoonException).sort());
  });

  it.each([...NAMES].map(([cls, name]) => [name, cls] as const))('%s has its own name, on its prototype as built-in errors', (name, cls) => {
    expect(Object.hasOwn(cls.prototype, 'name')).toBe(true);
    expect(cls.prototype.name).toBe(name);
  });

  it.each(Object.values(KameleoonException))('new KameleoonError(%j, ...) is an instance of the class of that kind', (type) => {
    const err = new KameleoonError(type, 'message', { cause: 'why' });
    expectClassOfType(err);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ type, message: 'message', cause: 'why' });
    expect(String(err)).toBe(`${NAMES.get(CLASS_OF_TYPE[type])}: message`);
    expect(err.stack?.split('\n')[0]).toBe(`${NAMES.get(CLASS_OF_TYPE[type])}: message`);
  });

  it.each([
    ['FeatureNotFound', () => new FeatureNotFound('key')],
    ['FeatureEnvironmentDisabled', () => new FeatureEnvironmentDisabled('off here')],
    ['VisitorCodeInvalid (empty)', () => new VisitorCodeInvalid(KameleoonException.VisitorCodeEmpty, 'empty')],
    ['VisitorCodeInvalid (too long)', () => new VisitorCodeInvalid(KameleoonException.VisitorCodeMaxLength, 'long')],
    ['FeatureVariableNotFound', () => new FeatureVariableNotFound('var', 'key', 'on')],
    ['FeatureExperimentNotFound', () => new FeatureExperimentNotFound(1)],
    ['FeatureVariationNotFound', () => new FeatureVariationNotFound('no variation')],
    ['SiteCodeIsEmpty', () => new SiteCodeIsEmpty()],
    ['NotInitialized', () => new NotInitialized('getVariation')],
    ['InvalidArgument', () => new InvalidArgument('bad', { cause: 1 })],
    ['ConfigurationError', () => new ConfigurationError('bad config', 1)],
    ['ConfigFileNotFound', () => new ConfigFileNotFound('no file')],
    ['TargetingError', () => new TargetingError(KameleoonException.RangeCheck, 'bad range')],
  ])('a %s made by its constructor has a type of its class', (_name, make) => {
    expectClassOfType(make());
  });

  it('the names survive minification', async () => {
    const { outputFiles } = await build({
      entryPoints: [new URL('../../src/errors.ts', import.meta.url).pathname],
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2022',
      write: false,
    });
    const minified = (await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`)) as typeof errors;
    expect(minified.InvalidArgument.name).not.toBe('InvalidArgument'); // the class itself was renamed...
    expect(new minified.InvalidArgument('x').name).toBe('InvalidArgument'); // ...its errors' name was not
    expect(new minified.KameleoonError('FeatureFlagConfigurationNotFound', 'x')).toBeInstanceOf(minified.FeatureNotFound);
    for (const name of NAMES.values()) expect((minified[name as 'KameleoonError'].prototype as Error).name).toBe(name);
  });
});

describe('data objects name the field that is wrong', () => {
  it.each([
    ['a value that is not a string', () => new CustomData(1, 'a', 5 as never), 'CustomData values[1] must be a string, got 5.'],
    ['a negative index', () => new CustomData(-1, 'a'), 'CustomData index must be a non-negative integer, got -1.'],
    ['an empty name', () => new CustomData('', 'a'), 'CustomData needs an index (number) or a name (non-empty string) first.'],
    ['a cookie pair without a value', () => new Cookie([{ key: 'a', value: 'b' }, { key: 'c' } as never]), 'Cookie cookies[1] must be { key: string, value: string }, got an object.'],
    ['a goal id that is a string', () => new Conversion({ goalId: '5' as never }), 'Conversion goalId must be a finite number, got "5".'],
    ['an unknown device', () => new Device('WATCH' as never), 'Device device must be one of PHONE, TABLET, DESKTOP, got "WATCH".'],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(expect.objectContaining({ type: 'InvalidArgument', message }));
  });
});

describe('construction and initialization', () => {
  it('rejects an empty site code with SiteCodeIsEmpty', () => {
    expect(() => new KameleoonClient({ siteCode: '' })).toThrow(SiteCodeIsEmpty);
    expect(() => new KameleoonClient({ siteCode: '  ' })).toThrow(SiteCodeIsEmpty);
  });

  it('rejects missing parameters with a KameleoonError, not a TypeError', () => {
    expect(() => new KameleoonClient(undefined as any)).toThrow(KameleoonError);
    expect(() => new KameleoonClient({ siteCode: 42 } as any)).toThrow(KameleoonError);
  });

  it('throws Initialization before initialize()', () => {
    const fresh = new KameleoonClient({ siteCode: 'abc' });
    expect(fresh.isInitialized()).toBe(false);
    expect(() => fresh.getVariation({ visitorCode: 'v', featureKey: 'x' })).toThrow(
      expect.objectContaining({ type: KameleoonException.Initialization }),
    );
  });

  it('rejects a malformed configuration as a whole, naming the field', async () => {
    const bad = new KameleoonClient({ siteCode: 'abc', configuration: { defaultDataFile: { featureFlags: [{ id: 1, featureKey: 'k', defaultVariationKey: 'off', variations: [], rules: [{ id: 'x' }] }] } as any }, externals: { requester: notModifiedRequester } });
    await expect(bad.initialize()).rejects.toThrow(/featureFlags\[0\]\.rules\[0\]\.id/);
    expect(bad.isInitialized()).toBe(false);
    const notJson = new KameleoonClient({ siteCode: 'abc', configuration: { defaultDataFile: '{"featureFlags": [' }, externals: { requester: notModifiedRequester } });
    await expect(notJson.initialize()).rejects.toMatchObject({ type: 'ClientConfiguration' });
  });

  it('fetches the configuration through the requester with the SDK headers', async () => {
    const seen: { url: string; headers: unknown }[] = [];
    const fetched = new KameleoonClient({
      siteCode: 'site 1',
      configuration: { environment: 'staging' },
      externals: {
        requester: {
          sendRequest: async ({ url, parameters }) => {
            seen.push({ url, headers: parameters.headers });
            return new Response(JSON.stringify({ featureFlags: [] }), { status: 200 });
          },
        },
      },
    });
    await expect(fetched.initialize()).resolves.toBe(true);
    expect(seen).toEqual([
      { url: 'https://sdk-config.kameleoon.eu/v3/site%201?environment=staging', headers: { 'X-Kameleoon-SDK-Type': 'nodejs', 'X-Kameleoon-SDK-Version': '5.17.1' } },
    ]);
  });

  it('caps a requestTimeout longer than timers can wait, instead of timing out at once', async () => {
    // Past 2^31 - 1 ms a timer fires at once (fake timers too): a minute passes with the request
    // out, then the answer comes.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let asked!: (answer: (response: Response) => void) => void;
    const request = new Promise<(response: Response) => void>((resolve) => (asked = resolve));
    const slow = new KameleoonClient({
      siteCode: 'abc',
      configuration: { requestTimeout: 1e12 },
      externals: { requester: { sendRequest: () => new Promise<Response>((resolve) => asked(resolve)) } },
    });
    try {
      const initialized = slow.initialize();
      initialized.catch(() => undefined); // a rejection is for the expectation below, not unhandled meanwhile
      const answer = await request;
      await vi.advanceTimersByTimeAsync(60_000);
      answer(new Response(JSON.stringify({ featureFlags: [] }), { status: 200 }));
      await expect(initialized).resolves.toBe(true);
    } finally {
      vi.useRealTimers();
      await slow.close();
    }
  });

  it('turns a failed configuration request into a ClientConfiguration error', async () => {
    const failing = new KameleoonClient({
      siteCode: 'abc',
      configuration: { endpoints: { configuration: 'http://127.0.0.1:9' } },
      externals: { requester: downRequester },
    });
    await expect(failing.initialize()).rejects.toMatchObject({ type: 'ClientConfiguration', message: expect.stringContaining('HTTP 500') });
  });
});
