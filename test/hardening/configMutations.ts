/**
 * Hostile configurations for the hardening tests: seeded random mutations of valid documents,
 * and the data and calls that exercise whatever a mutated document still allows.
 */
import { readFileSync } from 'node:fs';
import {
  ApplicationVersion,
  Browser,
  BrowserType,
  Conversion,
  Cookie,
  CustomData,
  Device,
  DeviceType,
  GeolocationData,
  KameleoonError,
  OperatingSystem,
  OperatingSystemType,
  PageView,
  UserAgent,
  type KameleoonClient,
} from '../../src/node.ts';
import type { ParsedConfig } from '../../src/config/parse.ts';
import type { Rng } from '../differential/rng.ts';

/** The valid documents mutations start from. */
export const BASES: Record<string, string> = {
  basic: '../conformance/fixtures/synthetic-configs/basic.json',
  holdout: '../conformance/fixtures/synthetic-configs/holdout.json',
  targetingMatrix: '../conformance/fixtures/synthetic-configs/targeting-matrix.json',
  sample: '../differential/fixtures/kameleoon-sample-config.json',
};

/** A fresh copy of a base document. */
export function base(name: string): Record<string, any> {
  return JSON.parse(readFileSync(new URL(BASES[name], import.meta.url), 'utf8'));
}

/** Keys that mean something to Object.prototype. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

const WRONG_VALUES: unknown[] = [null, true, false, 0, -1, 0.5, 2 ** 31, 2 ** 53, 1e308, -1e308, '', 'x', '0', '__proto__', [], {}, [null], { a: 1 }];
/** NaN and the infinities survive only in an object given as defaultDataFile (JSON writes null). */
const NUMBERS = [NaN, Infinity, -Infinity, -1, -0, 0.5, 1e308, 2 ** 31, 2 ** 53];
const PROTO_VALUES: unknown[] = [{ polluted: 'yes' }, { prototype: { polluted: 'yes' } }, 'polluted', 1, null, [{ polluted: 'yes' }]];

type Slot = { parent: any; key: string | number };

/** Every place of the document that holds a value (the root excluded). */
function slots(doc: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => {
      out.push({ parent: doc, key: i });
      slots(v, out);
    });
  } else if (doc !== null && typeof doc === 'object') {
    for (const key of Object.keys(doc)) {
      out.push({ parent: doc, key });
      slots((doc as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

/** Sets an own property, `__proto__` included (as JSON.parse does, unlike an assignment). */
function setOwn(target: any, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const copy = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/**
 * Applies one to three random mutations to `doc` in place.
 * @returns what was done, to reproduce a failure
 */
export function mutate(doc: Record<string, any>, rng: Rng, allowHuge: boolean): string[] {
  const done: string[] = [];
  const count = rng.int(1, 3);
  for (let m = 0; m < count; m++) {
    const all = slots(doc);
    if (all.length === 0) break;
    const slot = rng.pick(all);
    const value = slot.parent[slot.key];
    const op = rng.int(0, allowHuge ? 10 : 8);
    const where = String(slot.key);
    switch (op) {
      case 0:
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        else delete slot.parent[slot.key];
        done.push(`delete ${where}`);
        break;
      case 1:
      case 2: {
        const wrong = copy(rng.pick(WRONG_VALUES));
        setOwn(slot.parent, slot.key, wrong);
        done.push(`${where} = ${JSON.stringify(wrong)}`);
        break;
      }
      case 3: {
        const numbered = all.filter((s) => typeof s.parent[s.key] === 'number');
        const target = numbered.length ? rng.pick(numbered) : slot;
        const n = rng.pick(NUMBERS);
        target.parent[target.key] = n;
        done.push(`${String(target.key)} = ${n}`);
        break;
      }
      case 4: {
        // Duplicate ids and keys: an element of an array appears twice.
        const arrays = all.filter((s) => Array.isArray(s.parent[s.key]) && s.parent[s.key].length > 0);
        if (arrays.length === 0) break;
        const target = rng.pick(arrays);
        const list = target.parent[target.key] as unknown[];
        list.splice(rng.int(0, list.length), 0, copy(rng.pick(list)));
        done.push(`duplicate an element of ${String(target.key)}`);
        break;
      }
      case 5: {
        const objects = all.filter((s) => s.parent[s.key] !== null && typeof s.parent[s.key] === 'object' && !Array.isArray(s.parent[s.key]));
        const picked = objects.length && rng.chance(0.8) ? rng.pick(objects) : undefined;
        const target = picked ? picked.parent[picked.key] : doc;
        const key = rng.pick(PROTO_KEYS);
        setOwn(target, key, copy(rng.pick(PROTO_VALUES)));
        done.push(`own key ${key}`);
        break;
      }
      case 6: {
        const strings = all.filter((s) => typeof s.parent[s.key] === 'string');
        const target = strings.length ? rng.pick(strings) : slot;
        const key = rng.pick(PROTO_KEYS);
        target.parent[target.key] = key;
        done.push(`${String(target.key)} = "${key}"`);
        break;
      }
      case 7:
        // A number as a string and back, a boolean as a string.
        setOwn(slot.parent, slot.key, typeof value === 'number' ? String(value) : typeof value === 'string' ? Number(value) || 0 : typeof value === 'boolean' ? String(value) : value);
        done.push(`retype ${where}`);
        break;
      case 8: {
        // An object where an array was, or the reverse.
        setOwn(slot.parent, slot.key, Array.isArray(value) ? Object.assign({}, value) : value !== null && typeof value === 'object' ? Object.values(value) : [value]);
        done.push(`array/object swap at ${where}`);
        break;
      }
      case 9: {
        const arrays = all.filter((s) => Array.isArray(s.parent[s.key]) && s.parent[s.key].length > 0);
        if (arrays.length === 0) break;
        const target = rng.pick(arrays);
        const list = target.parent[target.key] as unknown[];
        const size = rng.pick([10_000, 20_000]);
        const first = list[0];
        for (let i = list.length; i < size; i++) list.push(first !== null && typeof first === 'object' ? copy(first) : first);
        done.push(`${String(target.key)} grown to ${size} elements`);
        break;
      }
      default: {
        const strings = all.filter((s) => typeof s.parent[s.key] === 'string');
        const target = strings.length ? rng.pick(strings) : slot;
        target.parent[target.key] = 'é'.repeat(1 << 19); // 1 MB of UTF-8
        done.push(`${String(target.key)} = a 1 MB string`);
      }
    }
  }
  return done;
}

/** Whether a document is accepted; anything thrown but a ConfigurationError is a failure. */
export function verdict(parse: () => ParsedConfig): { config?: ParsedConfig; error?: unknown } {
  try {
    return { config: parse() };
  } catch (error) {
    return { error };
  }
}

/** Data touching every kind of targeting condition, with texts made to stress regular expressions. */
export function visitorData(): unknown[] {
  return [
    new CustomData(0, 'premium'),
    new CustomData(1, 'a'.repeat(30) + '!'),
    new CustomData(2, '42'),
    new CustomData(3, 'true'),
    new PageView({ urlAddress: 'https://shop.example.com/cart?x=' + 'a'.repeat(30) + '!', title: 'Cart – Shop' }),
    new PageView({ urlAddress: 'https://shop.example.com/checkout', title: 'Checkout' }),
    new Browser(BrowserType.Chrome, 120),
    new Device(DeviceType.Desktop),
    new OperatingSystem(OperatingSystemType.Linux),
    new GeolocationData({ country: 'France', region: 'Île-de-France', city: 'Paris' }),
    new Conversion({ goalId: 42, revenue: 10 }),
    new Cookie([{ key: 'ab', value: '1' }]),
    new UserAgent('Mozilla/5.0'),
    new ApplicationVersion('1.2.3'),
  ];
}

/**
 * Calls every public method a configuration reaches, for a few visitors, and records each throw
 * that is not a KameleoonError (and any throw of getVariationDetails, which never throws).
 */
export function exercise(client: KameleoonClient, config: ParsedConfig, label: string, failures: string[], maxFlags = 40): void {
  const call = (what: string, fn: () => unknown): void => {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof KameleoonError)) failures.push(`${label}: ${what} threw ${String(err).slice(0, 300)}`);
    }
  };
  const keys = [...config.flags.keys()].slice(0, maxFlags);
  const experiment = config.experiments.entries().next().value as [number, { variations: Map<string, number> }] | undefined;
  for (const visitorCode of ['visitor-1', 'visitor-2', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!']) {
    call('addData', () => client.addData(visitorCode, ...(visitorData() as never[])));
    call('addData by name', () => client.addData(visitorCode, new CustomData('__proto__', 'x'), new CustomData('constructor', 'y')));
    for (const featureKey of keys) {
      call(`getVariation(${featureKey.slice(0, 40)})`, () => client.getVariation({ visitorCode, featureKey }));
      try {
        client.getVariationDetails({ visitorCode, featureKey, track: false });
      } catch (err) {
        failures.push(`${label}: getVariationDetails threw ${String(err).slice(0, 300)}`);
      }
      call('getFeatureFlagVariables', () => client.getFeatureFlagVariables(visitorCode, featureKey));
      call('getFeatureFlagVariable', () => client.getFeatureFlagVariable({ visitorCode, featureKey, variableKey: '__proto__' }));
      call('isFeatureFlagActive', () => client.isFeatureFlagActive({ visitorCode, featureKey, track: false }));
    }
    call('getVariations', () => client.getVariations({ visitorCode }));
    call('getActiveFeatureFlags', () => client.getActiveFeatureFlags(visitorCode));
    call('getVisitorFeatureFlags', () => client.getVisitorFeatureFlags(visitorCode));
    call('evaluateAudiences', () => client.evaluateAudiences(visitorCode));
    call('getEngineTrackingCode', () => client.getEngineTrackingCode(visitorCode));
    call('trackConversion', () => client.trackConversion({ visitorCode, goalId: 42, revenue: 1 }));
    if (experiment) {
      const [experimentId, { variations }] = experiment;
      const variationKey = variations.keys().next().value;
      if (variationKey !== undefined) call('setForcedVariation', () => client.setForcedVariation({ visitorCode, experimentId, variationKey }));
    }
    call('flush', () => client.flush(visitorCode));
  }
  call('getDataFile', () => client.getDataFile());
  call('getFeatureFlags', () => client.getFeatureFlags());
}

/** Own property names of the built-in prototypes, to show that nothing polluted them. */
export function prototypeSnapshot(): Record<string, string[]> {
  return {
    object: Object.getOwnPropertyNames(Object.prototype).sort(),
    array: Object.getOwnPropertyNames(Array.prototype).sort(),
    function: Object.getOwnPropertyNames(Function.prototype).sort(),
    string: Object.getOwnPropertyNames(String.prototype).sort(),
    map: Object.getOwnPropertyNames(Map.prototype).sort(),
  };
}
