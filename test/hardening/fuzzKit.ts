/**
 * Shared by the API hardening suites (fuzz, cookies, configs): a seeded generator of hostile
 * values, a printer that shows any value without throwing (so a failing call can be read and
 * replayed), the "only KameleoonErrors" check, requesters that answer 503 to everything, the shape
 * of a tracking line and of the engine tracking code, and a prototype-pollution probe.
 */
import { KameleoonError, KameleoonException } from '../../src/errors.ts';
import { ApplicationVersion, Browser, Conversion, Cookie, CustomData, Device, GeolocationData, OperatingSystem, PageView, UniqueIdentifier, UserAgent } from '../../src/visitor/data.ts';
import { Rng } from '../differential/rng.ts';

/** A requester for offline clients: every request (configuration, tracking, Data API) gets HTTP 503. */
export const unavailableRequester = {
  sendRequest: async () => new Response('unavailable', { status: 503 }),
};

/** Like {@link unavailableRequester}, keeping the body of every tracking request. */
export function recordingUnavailableRequester(): { sendRequest(params: { requestType: string; parameters: RequestInit }): Promise<Response>; trackingBodies: string[] } {
  const trackingBodies: string[] = [];
  return {
    trackingBodies,
    sendRequest: async ({ requestType, parameters }) => {
      if (requestType === 'tracking') trackingBodies.push(String(parameters.body));
      return new Response('unavailable', { status: 503 });
    },
  };
}

/**
 * One tracking line as the SDK writes it: an event, parameters with encoded values, the nonce, the
 * encoded visitor code, and optionally the user agent (written raw, but on this one line).
 */
export const TRACKING_LINE = /^eventType=[a-zA-Z]+(&[a-zA-Z]+=[^&\s]*)*&nonce=[0-9A-F]{16}&(visitorCode|mappingValue)=[A-Za-z0-9\-_.!~*'()%]+(&userAgent=[^\r\n]*)?$/;

/** A silent logger. */
export const silentLogger = { log() {} };

const KAMELEOON_TYPES = new Set<string>(Object.values(KameleoonException));

/** Why `err` is not an acceptable SDK error (a KameleoonError with a known string `type`), or undefined when it is. */
export function notKameleoonError(err: unknown): string | undefined {
  if (!(err instanceof KameleoonError)) return `threw a non-KameleoonError: ${show(err)}${err instanceof Error && err.stack ? `\n${err.stack.split('\n').slice(0, 6).join('\n')}` : ''}`;
  if (typeof err.type !== 'string') return `KameleoonError with a non-string type: ${show(err.type)}`;
  if (!KAMELEOON_TYPES.has(err.type)) return `KameleoonError with an unknown type: ${err.type}`;
  return undefined;
}

/** Per-iteration seed derived from the suite seed, so that one call can be replayed alone. */
export function iterationSeed(seed: number, iteration: number): number {
  return (seed ^ Math.imul(iteration + 1, 0x9e3779b1)) >>> 0;
}

/**
 * A printable description of any value, never throwing (no toString/valueOf of the value is
 * called): strings are quoted and cut, with their length; symbols, BigInts, functions, null-prototype
 * objects and own `__proto__` keys are shown for what they are.
 */
export function show(value: unknown, depth = 0): string {
  try {
    switch (typeof value) {
      case 'string': {
        const quoted = JSON.stringify(value.length > 60 ? value.slice(0, 60) : value);
        return value.length > 60 ? `${quoted}…(len ${value.length})` : quoted;
      }
      case 'number':
        return Object.is(value, -0) ? '-0' : String(value);
      case 'bigint':
        return `${value}n`;
      case 'symbol':
        return value.toString();
      case 'undefined':
        return 'undefined';
      case 'boolean':
        return String(value);
      case 'function':
        return `[function ${value.name || 'anonymous'}]`;
    }
    if (value === null) return 'null';
    if (depth > 3) return '{…}';
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value)) {
      const items = value.slice(0, 6).map((v) => show(v, depth + 1));
      return `[${items.join(', ')}${value.length > 6 ? `, …(len ${value.length})` : ''}]`;
    }
    const name = proto === null ? '[Object: null prototype] ' : proto === Object.prototype ? '' : `${(proto.constructor as { name?: string } | undefined)?.name ?? '?'} `;
    if (value instanceof Error) return `${name}(${JSON.stringify(String(value.message).slice(0, 200))}${value instanceof KameleoonError ? `, type ${String(value.type)}` : ''})`;
    const keys = Reflect.ownKeys(value as object).slice(0, 8);
    const fields = keys.map((k) => {
      const d = Object.getOwnPropertyDescriptor(value, k)!;
      const label = typeof k === 'symbol' ? `[${k.toString()}]` : JSON.stringify(k);
      return `${label}: ${'value' in d ? show(d.value, depth + 1) : '[accessor]'}`;
    });
    return `${name}{${fields.join(', ')}}`;
  } catch (err) {
    return `[unprintable: ${String((err as Error)?.message)}]`;
  }
}

/** Describes a call for a failure message. */
export function showCall(method: string, args: readonly unknown[]): string {
  return `${method}(${args.map((a) => show(a)).join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// Prototype pollution

const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
  ['Promise.prototype', Promise.prototype],
  ['Error.prototype', Error.prototype],
  ['KameleoonError.prototype', KameleoonError.prototype],
  ['CustomData.prototype', CustomData.prototype],
];

/** A snapshot of the builtin prototypes: their own keys and the identity of each property's value. */
export function prototypeSnapshot(): Map<string, Map<PropertyKey, unknown>> {
  const snapshot = new Map<string, Map<PropertyKey, unknown>>();
  for (const [name, proto] of PROTOTYPES) {
    const props = new Map<PropertyKey, unknown>();
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      props.set(key, 'value' in d ? d.value : d.get);
    }
    props.set('[[Prototype]]', Object.getPrototypeOf(proto));
    snapshot.set(name, props);
  }
  return snapshot;
}

/** What changed in the builtin prototypes since `before`, and whether a fresh `{}` looks polluted. */
export function pollutionReport(before: Map<string, Map<PropertyKey, unknown>>): string[] {
  const problems: string[] = [];
  const after = prototypeSnapshot();
  for (const [name, props] of after) {
    const old = before.get(name)!;
    for (const [key, value] of props) {
      if (!old.has(key)) problems.push(`${name} gained ${String(key)}`);
      else if (old.get(key) !== value) problems.push(`${name}.${String(key)} was replaced`);
    }
    for (const key of old.keys()) if (!props.has(key)) problems.push(`${name} lost ${String(key)}`);
  }
  const fresh: Record<string, unknown> = {};
  const inherited: string[] = [];
  for (const key in fresh) inherited.push(key);
  if (inherited.length) problems.push(`a fresh {} enumerates ${inherited.join(', ')}`);
  if (Object.getPrototypeOf(fresh) !== Object.prototype) problems.push('a fresh {} has another prototype');
  for (const key of ['polluted', 'isAdmin', 'expId', 'varId', 'visitorCode', 'featureKey', 'value', 'x', '0']) {
    if (fresh[key] !== undefined) problems.push(`({}).${key} is ${show(fresh[key])}`);
  }
  if (([] as unknown as Record<string, unknown>).polluted !== undefined) problems.push('([]).polluted is set');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Hostile values

/** Own `__proto__` data properties, as JSON.parse makes them (an assignment would set the prototype instead). */
export const PROTO_OBJECTS: (() => object)[] = [
  () => JSON.parse('{"__proto__": {"polluted": "yes", "isAdmin": true}}'),
  () => JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  () => JSON.parse('{"__proto__": {"expId": 2001, "varId": 3001}, "ff_50_50": {"expId": 2001, "varId": 3002}}'),
  () => JSON.parse('{"visitorCode": "fuzz-v1", "featureKey": "ff_50_50", "__proto__": {"track": "yes", "polluted": 1}}'),
  () => JSON.parse('{"__proto__": null}'),
  () => JSON.parse('[{"__proto__": {"polluted": "array"}}]'),
];

export const LONG_STRINGS = ['x'.repeat(255), 'x'.repeat(256), 'é'.repeat(255), 'y'.repeat(10_000)];

/** Strings chosen to break parsers, headers, HTML, keys and encodings. */
export const HOSTILE_STRINGS: string[] = [
  '', ' ', 'a', '0', '-1', 'NaN', 'null', 'undefined', 'true', '1e309',
  ...LONG_STRINGS,
  '訪問者', '🎉🎉', 'e\u0301', '\u202Eevil', '\u0000', 'a\u0000b', '\uD800', 'a\uDFFFb', '\uFEFF',
  ';', 'a;b', 'a,b', ',', '=', 'k=v', 'a; Domain=evil.com', '\r', '\n', '\r\n', 'x\r\nSet-Cookie: admin=1', 'x\nLocation: http://evil',
  '"', "'", '`', '\\', '\\"', '${x}', '</script><script>alert(1)</script>', '<img src=x onerror=alert(1)>', '--><!--', '*/',
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'polluted',
  '%', '%%', '%E0%A4%A', '%ZZ', '%00', '%0D%0A', '%3B', '%ED%A0%80', '%C0%AF', '%25', '+',
  '{"__proto__":{"polluted":1}}', '{', '[]', '{"a":', 'kameleoonVisitorCode', 'kameleoonSimulationFFData',
];

export const HOSTILE_NUMBERS: number[] = [
  0, -0, 1, -1, 0.5, -0.5, NaN, Infinity, -Infinity, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53),
  Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 1e308, -1e308, 1e21, 4, 5, 255, 256, 2001, 3001,
];

const SYMBOLS = [Symbol('fuzz'), Symbol.iterator, Symbol.for('kameleoon'), Symbol.toPrimitive, Symbol()];
const BIGINTS = [0n, 1n, -1n, 2001n, 2n ** 64n];

/** Keys for random objects: the API's own parameter names, prototype names, header-ish names. */
export const OBJECT_KEYS = [
  'visitorCode', 'featureKey', 'track', 'onlyActive', 'instant', 'goalId', 'revenue', 'negative', 'metadata', 'experimentId',
  'variationKey', 'forceTargeting', 'variableKey', 'key', 'timeout', 'filters', 'shouldAddData', 'customDataIndex', 'warehouseKey',
  'previousVisitAmount', 'request', 'response', 'defaultVisitorCode', 'headers', 'cookie', 'get', 'getHeader', 'setHeader', 'append',
  'kind', 'index', 'values', 'name', 'value', 'length', 'then', 'toJSON', 'expId', 'varId', '__proto__', 'constructor', 'prototype',
  'polluted', 'toString', 'valueOf', '', '0',
];

/** The alphabet of random strings: ASCII, separators, controls, accents, astral and lone surrogates. */
const CHARS = [...'abcXYZ019-_.~ ;,=&?#/%+"\'\\<>{}[]:', '\r', '\n', '\t', '\u0000', '\u007F', 'é', 'ß', '訪', '🎉', '\uD800', '\uDC00', '\u2028'];

/** Valid values of the configuration under test, mixed into the hostile ones. */
export interface ValidPools {
  visitorCodes: string[];
  featureKeys: string[];
  experimentIds: number[];
  variationKeys: string[];
  variableKeys: string[];
}

/** A seeded source of hostile (and sometimes valid) values. */
export class Hostile extends Rng {
  readonly valid: ValidPools;

  constructor(seed: number, valid: ValidPools) {
    super(seed);
    this.valid = valid;
  }

  /** A random string of random length from {@link CHARS}. */
  randomString(): string {
    const length = this.pick([0, 1, 2, 5, 16, 64, 255, 256, 1000]);
    let out = '';
    for (let i = 0; i < length; i++) out += this.pick(CHARS);
    return out;
  }

  string(): string {
    return this.chance(0.75) ? this.pick(HOSTILE_STRINGS) : this.randomString();
  }

  number(): number {
    return this.chance(0.8) ? this.pick(HOSTILE_NUMBERS) : (this.float() - 0.5) * 10 ** this.int(0, 40);
  }

  /**
   * A function: harmless, or returning a hostile value; with `throwing` (callbacks the SDK must
   * guard: event handlers, listeners) also one that throws, or a class (a TypeError when called).
   */
  fn(throwing = false): (...args: unknown[]) => unknown {
    const r = this.int(0, throwing ? 4 : 2);
    if (r === 0) return () => undefined;
    if (r === 1) {
      const value = this.value(2);
      return () => value;
    }
    if (r === 2) return async () => undefined;
    if (r === 3) return class Fuzz {} as unknown as () => unknown;
    return () => {
      throw new Error('boom from a user callback');
    };
  }

  /** An object with random keys (own `__proto__` included) and hostile values. */
  object(depth: number): object {
    const r = this.float();
    if (r < 0.12) return this.pick(PROTO_OBJECTS)();
    const target: Record<string, unknown> = r < 0.2 ? Object.create(null) : {};
    const n = this.int(0, 5);
    for (let i = 0; i < n; i++) {
      const key = this.chance(0.85) ? this.pick(OBJECT_KEYS) : this.randomString();
      Object.defineProperty(target, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return target;
  }

  /** One of the data classes, valid or with wrong fields. */
  dataInstance(): unknown {
    const valid = this.pick(VALID_DATA)() as Record<string, unknown>;
    const r = this.float();
    if (r < 0.45) return valid;
    if (r < 0.85) {
      // A real instance whose fields were overwritten after construction.
      const keys = Object.keys(valid);
      const n = this.int(1, 2);
      for (let i = 0; i < n; i++) {
        const key = this.chance(0.9) ? this.pick(keys) : this.pick(OBJECT_KEYS);
        Object.defineProperty(valid, key, { value: this.dataField(), enumerable: true, writable: true, configurable: true });
      }
      return valid;
    }
    // An object with the class's prototype that its constructor never saw.
    const fake = Object.create(Object.getPrototypeOf(valid)) as Record<string, unknown>;
    for (const key of Object.keys(valid)) if (this.chance(0.6)) fake[key] = this.chance(0.5) ? valid[key] : this.dataField();
    return fake;
  }

  /** Plausible-looking wrong field values for data instances. */
  dataField(): unknown {
    return this.pick<() => unknown>([
      () => undefined,
      () => null,
      () => this.number(),
      () => this.string(),
      () => [this.string(), this.number()],
      () => [this.value(2)],
      () => ({}),
      () => this.pick(SYMBOLS),
      () => this.pick(BIGINTS),
      () => this.pick(['customData', 'pageView', 'conversion', 'browser', 'device', 'operatingSystem', 'geolocation', 'cookie', 'userAgent', 'applicationVersion', 'uniqueIdentifier', 'targetedSegment']),
      () => Object.create(null),
      () => [{ key: this.value(2), value: this.value(2) }],
      () => [new CustomData(0, 'm'), this.value(2)],
    ])();
  }

  /** Anything at all. */
  value(depth = 0): unknown {
    const r = this.int(0, depth > 2 ? 9 : 14);
    switch (r) {
      case 0:
        return undefined;
      case 1:
        return null;
      case 2:
        return this.number();
      case 3:
      case 4:
        return this.string();
      case 5:
        return this.chance(0.5);
      case 6:
        return this.pick(SYMBOLS);
      case 7:
        return this.pick(BIGINTS);
      case 8:
        return this.fn();
      case 9:
        return this.validish();
      case 10:
      case 11:
        return this.object(depth);
      case 12:
        return Array.from({ length: this.pick([0, 1, 2, 3, 50]) }, () => this.value(depth + 1));
      case 13:
        return this.dataInstance();
      default:
        return this.pick<() => unknown>([
          () => new Date(NaN),
          () => new Map([['k', 1]]),
          () => new Set([1]),
          () => /re(gex)/g,
          () => new Error('plain'),
          () => new KameleoonError('InvalidArgument', 'not thrown by the SDK'),
          () => Promise.resolve(1),
          () => new Uint8Array(3),
          () => new String('boxed'),
          () => new Number(5),
          () => Object(Symbol('boxed')),
          () => new Headers({ cookie: 'kameleoonVisitorCode=from-headers' }),
          () => new Request('http://x/', { headers: { cookie: 'kameleoonVisitorCode=from-request' } }),
          () => new Response(null),
          () => new WeakMap(),
          () => Object.freeze({ visitorCode: 'frozen' }),
          () => [, , 'sparse'],
        ])();
    }
  }

  /** A valid value of the configuration (a visitor code, a feature key...). */
  validish(): unknown {
    return this.pick<() => unknown>([
      () => this.pick(this.valid.visitorCodes),
      () => this.pick(this.valid.featureKeys),
      () => this.pick(this.valid.experimentIds),
      () => this.pick(this.valid.variationKeys),
      () => this.pick(this.valid.variableKeys),
    ])();
  }

  /** A valid value from `pool` with probability `p`, else anything. */
  or<T>(pool: readonly T[], p = 0.7): unknown {
    return this.chance(p) ? this.pick(pool) : this.value();
  }
}

/** Constructors of valid data items, one per data class (and variants). */
export const VALID_DATA: (() => unknown)[] = [
  () => new CustomData(0, 'premium'),
  () => new CustomData(0, 'a'),
  () => new CustomData(1, false, 'c', 'd'),
  () => new CustomData('plan', 'premium'),
  () => new CustomData('score', '__proto__', 'constructor'),
  () => new CustomData('no_such_name', 'x'),
  () => new CustomData(2, 'acct-1'),
  () => new CustomData(7, 'y'.repeat(10_000)),
  () => new PageView({ urlAddress: 'https://example.com/a?b=c;d', title: 'T\r\nitle', referrers: [1, 2] }),
  () => new Conversion({ goalId: 42, revenue: 9.99, negative: false, metadata: [new CustomData(1, 'meta')] }),
  () => new Browser('CHROME', 120),
  () => new Device('PHONE'),
  () => new OperatingSystem('IOS'),
  () => new GeolocationData({ country: 'France', region: 'IdF', city: 'Paris', postalCode: '75001', coordinates: [48.8, 2.3] }),
  () => new Cookie([{ key: 'k', value: 'v' }, { key: '__proto__', value: '{"polluted":1}' }]),
  () => new UserAgent('Mozilla/5.0 \r\n evil'),
  () => new ApplicationVersion('1.2.3'),
  () => new UniqueIdentifier(false),
  () => new UniqueIdentifier(true),
];

/** What getEngineTrackingCode may return: the queue setup, then assignVariation/trigger pairs. */
export const ENGINE_CODE = /^window\.kameleoonQueue=window\.kameleoonQueue\|\|\[\];(window\.kameleoonQueue\.push\(\['Experiments\.assignVariation',\d+,\d+,true\]\);window\.kameleoonQueue\.push\(\['Experiments\.trigger',\d+,(true|false)\]\);)*$/;
