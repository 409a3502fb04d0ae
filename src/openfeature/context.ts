/**
 * An OpenFeature evaluation context as Kameleoon visitor data: `targetingKey` is the visitor code,
 * each other attribute a data type of the SDK (see README, "Evaluation context"). Pure but for the
 * data classes, which come from the package's entry (the same classes the user's client checks).
 */
import { ApplicationVersion, Browser, Conversion, Cookie, CustomData, Device, GeolocationData, InvalidArgument, OperatingSystem, PageView, UniqueIdentifier, UserAgent, type KameleoonDataType } from 'kameleoon-ts';
import type { EvaluationContext } from '@openfeature/core';
import { msg } from '../logging/msg.ts';

/** Attributes the provider reads that are not visitor data. */
export const RESERVED_ATTRIBUTES = new Set(['targetingKey', 'variableKey']);

type Value = EvaluationContext[string];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const text = (v: unknown, what: string): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new InvalidArgument(msg`Evaluation context: ${what} must be a string, number or boolean, got ${describe(v)}.`);
};
const upper = (v: unknown, what: string): string => text(v, what).toUpperCase();
const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : v instanceof Date ? 'a date' : typeof v === 'object' ? 'an object' : JSON.stringify(v));
const optionalNumber = (v: unknown, what: string): number | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new InvalidArgument(msg`Evaluation context: ${what} must be a finite number, got ${describe(v)}.`);
};
const record = (v: unknown, what: string, shape: string): Record<string, unknown> => {
  if (isRecord(v)) return v;
  throw new InvalidArgument(msg`Evaluation context: ${what} must be ${shape}, got ${describe(v)}.`);
};

/** Custom data: `{ [indexOrName]: value | value[] }`, or the official provider's `[{ index, values }]`. */
function customData(value: unknown): CustomData[] {
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      const { index = 0, values = [] } = record(item, msg`customData[${i}]`, msg`{ index, values }`) as { index?: unknown; values?: unknown };
      if (typeof index !== 'number' && typeof index !== 'string') throw new InvalidArgument(msg`Evaluation context: customData[${i}].index must be a number or a name.`);
      return new CustomData(index as number, ...list(values).map((v) => text(v, msg`customData[${i}].values`)));
    });
  }
  return Object.entries(record(value, 'customData', msg`an object of values by custom data index or name`)).map(([key, v]) => {
    const values = list(v).map((item) => text(item, msg`customData.${key}`));
    return /^\d+$/.test(key) ? new CustomData(Number(key), ...values) : new CustomData(key, ...values);
  });
}

function pageView(value: unknown): PageView[] {
  return list(value).map((item) => {
    const v = typeof item === 'string' ? { url: item } : record(item, 'pageView', msg`{ url, title?, referrers? } or a URL`);
    const referrers = v.referrers === undefined ? undefined : list(v.referrers).map((r) => optionalNumber(r, 'pageView.referrers')!);
    return new PageView({ urlAddress: text(v.url ?? v.urlAddress, 'pageView.url'), title: v.title === undefined ? '' : text(v.title, 'pageView.title'), referrers });
  });
}

function browser(value: unknown): Browser {
  const v = typeof value === 'string' ? { type: value } : record(value, 'browser', msg`{ type, version? } or a browser type`);
  return new Browser(upper(v.type ?? v.browser, 'browser.type') as never, optionalNumber(v.version, 'browser.version'));
}

function geolocation(value: unknown): GeolocationData {
  const v = record(value, 'geolocation', msg`{ country, region?, city?, postalCode?, latitude?, longitude? }`);
  const optional = (k: string) => (v[k] === undefined || v[k] === null ? undefined : text(v[k], `geolocation.${k}`));
  const latitude = optionalNumber(v.latitude, 'geolocation.latitude');
  const longitude = optionalNumber(v.longitude, 'geolocation.longitude');
  return new GeolocationData({
    country: text(v.country, 'geolocation.country'),
    region: optional('region'),
    city: optional('city'),
    postalCode: optional('postalCode'),
    coordinates: latitude !== undefined && longitude !== undefined ? [latitude, longitude] : undefined,
  });
}

function conversion(value: unknown): Conversion[] {
  return list(value).map((item) => {
    const v = record(item, 'conversion', msg`{ goalId, revenue?, negative? }`);
    const goalId = typeof v.goalId === 'string' && /^\d+$/.test(v.goalId) ? Number(v.goalId) : v.goalId;
    return new Conversion({ goalId: goalId as number, revenue: optionalNumber(v.revenue, 'conversion.revenue'), negative: v.negative as boolean | undefined });
  });
}

function cookie(value: unknown): Cookie {
  if (typeof value === 'string') {
    const pairs = value.split(';').map((part) => part.trim()).filter(Boolean);
    return new Cookie(
      pairs.map((pair) => {
        const eq = pair.indexOf('=');
        return eq < 0 ? { key: pair, value: '' } : { key: pair.slice(0, eq), value: pair.slice(eq + 1) };
      }),
    );
  }
  return new Cookie(Object.entries(record(value, 'cookie', msg`an object of values by cookie name, or a Cookie header`)).map(([key, v]) => ({ key, value: text(v, `cookie.${key}`) })));
}

/** The attribute names the provider maps to a data type, and how. */
const MAPPERS: Record<string, (value: unknown) => KameleoonDataType | KameleoonDataType[]> = {
  customData,
  pageView,
  browser,
  device: (v) => new Device(upper(v, 'device') as never),
  operatingSystem: (v) => new OperatingSystem(upper(v, 'operatingSystem') as never),
  geolocation,
  conversion,
  cookie,
  userAgent: (v) => new UserAgent(text(v, 'userAgent')),
  applicationVersion: (v) => new ApplicationVersion(text(v, 'applicationVersion')),
  uniqueIdentifier: (v) => {
    if (typeof v !== 'boolean') throw new InvalidArgument(msg`Evaluation context: uniqueIdentifier must be a boolean, got ${describe(v)}.`);
    return new UniqueIdentifier(v);
  },
};

/** The attributes of the context mapped to data types, by name (for the README and the tests). */
export const DATA_ATTRIBUTES: readonly string[] = Object.keys(MAPPERS);

/**
 * The data of one attribute: a known attribute's data type; for any other name, custom data of
 * that name when the configuration has one (`customDataNames`), else undefined (not visitor data).
 * @throws InvalidArgument when the value does not fit the attribute
 */
export function attributeData(name: string, value: Value, customDataNames: ReadonlySet<string>): KameleoonDataType[] | undefined {
  const mapper = MAPPERS[name];
  if (mapper) return list(mapper(value)) as KameleoonDataType[];
  if (customDataNames.has(name)) return [new CustomData(name, ...list(value).map((v) => text(v, name)))];
  return undefined;
}

/**
 * Which attributes of each visitor were added to the client, and with what value, so that an
 * evaluation adds only what changed (a page view or a conversion is added once, not once per
 * evaluation). Bounded: the least recently seen visitors are forgotten first, and an entry is
 * forgotten after `ttlMs` (the client forgets idle visitors too, and then needs their data again).
 */
export class AddedData {
  readonly #visitors = new Map<string, { at: number; values: Map<string, string> }>();
  readonly #max: number;
  readonly #ttlMs: number;

  constructor(max = 10_000, ttlMs = 10 * 60_000) {
    this.#max = max;
    this.#ttlMs = ttlMs;
  }

  /** The attribute values of `visitorCode` last added (an empty map for a visitor not remembered). */
  of(visitorCode: string, now: number): Map<string, string> {
    const entry = this.#visitors.get(visitorCode);
    this.#visitors.delete(visitorCode);
    const fresh = entry && now - entry.at < this.#ttlMs ? entry : { at: now, values: new Map<string, string>() };
    this.#visitors.set(visitorCode, fresh);
    if (this.#visitors.size > this.#max) this.#visitors.delete(this.#visitors.keys().next().value!);
    return fresh.values;
  }

  clear(): void {
    this.#visitors.clear();
  }
}

/** A stable text of an attribute value, to tell whether it changed. */
export function fingerprint(value: Value): string {
  return value instanceof Date ? `date:${value.getTime()}` : JSON.stringify(value) ?? 'undefined';
}
