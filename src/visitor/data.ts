import { InvalidArgument } from '../errors.ts';
import { BrowserType, DeviceType, OperatingSystemType } from './kinds.ts';

export { BrowserType, DeviceType, OperatingSystemType } from './kinds.ts';

/** A cookie name and value. */
export interface CookieType {
  key: string;
  value: string;
}

/**
 * A short description of any value for an error message. Never throws: `String(value)` does for
 * symbols, null-prototype objects and arrays holding them; JSON.stringify does for BigInts and cycles.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 50 ? `${value.slice(0, 50)}…` : value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? 'a function' : String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** A field check: the test, and what the field must be (for the error message). */
type Check = readonly [test: (value: unknown) => boolean, expected: string, item?: Check];

const isString = (v: unknown): v is string => typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const STRING: Check = [isString, 'a string'];
const FINITE: Check = [isFiniteNumber, 'a finite number'];
const BOOLEAN: Check = [(v) => typeof v === 'boolean', 'a boolean'];
const optional = ([test, expected]: Check): Check => [(v) => v === undefined || test(v), expected];
const oneOf = (allowed: Record<string, string>): Check => {
  const values: unknown[] = Object.values(allowed);
  return [(v) => values.includes(v), `one of ${values.join(', ')}`];
};
/** An array whose every item passes `item` (a message names the first item that does not). */
const arrayOf = (item: Check): Check => [(v) => Array.isArray(v) && v.every(item[0]), 'an array', item];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isCoordinates = (c: unknown): c is [number, number] => Array.isArray(c) && c.length === 2 && c.every((n) => typeof n === 'number');

/**
 * What each data class's fields must hold, by `kind`: checked when an instance is made, and again
 * when it is added (see {@link isValidData}). The first entry is the class's name.
 */
const SCHEMAS: Record<string, [name: string, fields: Record<string, Check>]> = {
  customData: ['CustomData', {
    index: [(v) => Number.isInteger(v) && (v as number) >= 0, 'a non-negative integer'],
    overwrite: BOOLEAN,
    values: arrayOf(STRING),
  }],
  pageView: ['PageView', { urlAddress: STRING, title: STRING, referrers: optional(arrayOf([(n) => typeof n === 'number', 'a number'])), time: FINITE }],
  conversion: ['Conversion', {
    goalId: FINITE,
    revenue: FINITE,
    negative: BOOLEAN,
    // By shape: items read back from storage (tracked before the tracking code loaded) are plain objects.
    metadata: optional(arrayOf([(c) => isObject(c) && c.kind === 'customData' && fault(c as { kind: string }) === undefined, 'a CustomData'])),
  }],
  browser: ['Browser', { browser: oneOf(BrowserType), version: optional(FINITE) }],
  device: ['Device', { device: oneOf(DeviceType) }],
  operatingSystem: ['OperatingSystem', { operatingSystem: oneOf(OperatingSystemType) }],
  geolocation: ['GeolocationData', { country: STRING, region: optional(STRING), city: optional(STRING), postalCode: optional(STRING), coordinates: optional([isCoordinates, '[latitude, longitude]']) }],
  cookie: ['Cookie', { cookies: arrayOf([(c) => isObject(c) && isString(c.key) && isString(c.value), '{ key: string, value: string }']) }],
  userAgent: ['UserAgent', { value: STRING }],
  applicationVersion: ['ApplicationVersion', { version: STRING }],
  uniqueIdentifier: ['UniqueIdentifier', { value: BOOLEAN }],
  // Not a class: the segments evaluateAudiences records for tracking.
  targetedSegment: ['TargetedSegment', { id: [Number.isInteger, 'an integer'] }],
};

/** What is wrong with a data instance's fields, as an error message; undefined when nothing is. */
function fault(item: { kind: string }): string | undefined {
  const [name, fields] = SCHEMAS[item.kind] ?? ['Data', {}];
  const d = item as unknown as Record<string, unknown>;
  // A CustomData made by name has index -1 until the configuration resolves the name.
  const byName = item.kind === 'customData' && d.name !== undefined;
  if (byName && !(d.index === -1 && isString(d.name) && d.name !== '')) return 'CustomData needs an index (number) or a name (non-empty string) first.';
  for (const field in fields) {
    const [test, expected, item] = fields[field];
    const value = d[field];
    if (test(value) || (byName && field === 'index')) continue;
    const at = item && Array.isArray(value) ? value.findIndex((v) => !item[0](v)) : -1;
    return at < 0 ? `${name} ${field} must be ${expected}, got ${describeValue(value)}.` : `${name} ${field}[${at}] must be ${item![1]}, got ${describeValue((value as unknown[])[at])}.`;
  }
  return undefined;
}

/**
 * Whether a value read back from storage is a data item the SDK could have recorded itself
 * (anything else is ignored, never tracked: its fields end up in tracking lines).
 */
export function isSoundItem(value: unknown): boolean {
  return isObject(value) && typeof value.kind === 'string' && Object.hasOwn(SCHEMAS, value.kind) && fault(value as { kind: string }) === undefined;
}

/** @throws InvalidArgument naming the first field that does not hold what it must */
function check(item: { kind: string }): void {
  const message = fault(item);
  if (message) throw new InvalidArgument(message);
}

/**
 * Custom data, by index (as configured in the Kameleoon app) or by name:
 * `new CustomData(0, 'a', 'b')`, `new CustomData(0, false, 'a')` (do not overwrite on the
 * server), `new CustomData('plan', 'premium')`.
 */
export class CustomData {
  /** Discriminant for the visitor store. */
  readonly kind = 'customData';
  /** Custom data index, or -1 when created by name and not yet resolved. */
  readonly index: number;
  /** Name given at construction, resolved to an index through the configuration. */
  readonly name: string | undefined;
  /** Whether the Data API replaces (true) or appends to (false) stored values. */
  readonly overwrite: boolean;
  /** The values. */
  readonly values: string[];

  constructor(index: number, ...values: string[]);
  constructor(index: number, overwrite: boolean, ...values: string[]);
  constructor(name: string, ...values: string[]);
  constructor(name: string, overwrite: boolean, ...values: string[]);
  constructor(indexOrName: number | string, second?: boolean | string, ...rest: string[]) {
    const byName = typeof indexOrName === 'string';
    this.index = byName ? -1 : indexOrName;
    this.name = byName ? indexOrName : undefined;
    const hasOverwrite = typeof second === 'boolean';
    this.overwrite = hasOverwrite ? second : true;
    this.values = hasOverwrite ? rest : ([second, ...rest].filter((v) => v != null) as string[]);
    check(this);
  }
}

/** Parameters of {@link PageView}. */
export interface PageViewParametersType {
  urlAddress: string;
  title: string;
  referrers?: number[];
}

/** A page the visitor viewed, timestamped when created. */
export class PageView {
  readonly kind = 'pageView';
  readonly urlAddress: string;
  readonly title: string;
  readonly referrers: number[] | undefined;
  /** Epoch milliseconds of the view. */
  readonly time = Date.now();

  constructor({ urlAddress, title, referrers }: PageViewParametersType) {
    this.urlAddress = urlAddress;
    this.title = title ?? '';
    this.referrers = referrers;
    check(this);
  }
}

/** Parameters of {@link Conversion}. */
export interface ConversionParametersType {
  goalId: number;
  revenue?: number;
  negative?: boolean;
  metadata?: CustomData[];
}

/** A conversion of a goal. */
export class Conversion {
  readonly kind = 'conversion';
  readonly goalId: number;
  readonly revenue: number;
  readonly negative: boolean;
  readonly metadata: CustomData[] | undefined;

  constructor({ goalId, revenue = 0, negative = false, metadata }: ConversionParametersType) {
    this.goalId = goalId;
    this.revenue = revenue;
    this.negative = negative;
    this.metadata = metadata;
    check(this);
  }
}

/** The visitor's browser and, optionally, its version. */
export class Browser {
  readonly kind = 'browser';
  readonly browser: BrowserType;
  readonly version: number | undefined;

  constructor(browser: BrowserType, version?: number) {
    this.browser = browser;
    this.version = version;
    check(this);
  }
}

/** The visitor's device class. */
export class Device {
  readonly kind = 'device';
  readonly device: DeviceType;

  constructor(device: DeviceType) {
    this.device = device;
    check(this);
  }
}

/** The visitor's operating system. */
export class OperatingSystem {
  readonly kind = 'operatingSystem';
  readonly operatingSystem: OperatingSystemType;

  constructor(operatingSystem: OperatingSystemType) {
    this.operatingSystem = operatingSystem;
    check(this);
  }
}

/** Parameters of {@link GeolocationData}. */
export interface GeolocationInfoType {
  country: string;
  region?: string;
  city?: string;
  postalCode?: string;
  coordinates?: [number, number];
}

/** Where the visitor is. */
export class GeolocationData {
  readonly kind = 'geolocation';
  readonly country: string;
  readonly region: string | undefined;
  readonly city: string | undefined;
  readonly postalCode: string | undefined;
  readonly coordinates: [number, number] | undefined;

  constructor({ country, region, city, postalCode, coordinates }: GeolocationInfoType) {
    this.country = country;
    this.region = region;
    this.city = city;
    this.postalCode = postalCode;
    this.coordinates = coordinates;
    check(this);
  }
}

/** Cookies of the visitor's request, for COOKIE targeting. Not tracked. */
export class Cookie {
  readonly kind = 'cookie';
  readonly cookies: CookieType[];

  constructor(cookies: CookieType[]) {
    this.cookies = cookies;
    check(this);
    // A copy of the pairs: the caller's objects may change later.
    this.cookies = cookies.map(({ key, value }) => ({ key, value }));
  }

  /** Parses a Cookie header value such as `a=1; b=2`. */
  static fromString(cookieHeader: string): Cookie {
    if (!isString(cookieHeader)) throw new InvalidArgument(`Cookie.fromString() takes a string, got ${describeValue(cookieHeader)}.`);
    return new Cookie(parseCookieHeader(cookieHeader));
  }
}

/** Splits a Cookie header into pairs (on `;`, trimming blanks; pairs without `=` are skipped). */
export function parseCookieHeader(header: string): CookieType[] {
  const pairs: CookieType[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    if (key) pairs.push({ key, value: part.slice(eq + 1).trim() });
  }
  return pairs;
}

/** The visitor's user agent, sent with tracking requests. */
export class UserAgent {
  readonly kind = 'userAgent';
  readonly value: string;

  constructor(value: string) {
    this.value = value;
    check(this);
  }
}

/** The version of the visitor's application (semantic version), for APPLICATION_VERSION targeting. */
export class ApplicationVersion {
  readonly kind = 'applicationVersion';
  readonly version: string;

  constructor(version: string) {
    this.version = version;
    check(this);
  }
}

/** Marks the visitor code as a unique identifier (a user id) for cross-device tracking. */
export class UniqueIdentifier {
  readonly kind = 'uniqueIdentifier';
  readonly value: boolean;

  constructor(value: boolean) {
    this.value = value;
    check(this);
  }
}

/** Anything `addData` accepts. */
export type KameleoonDataType =
  | CustomData
  | PageView
  | Conversion
  | Browser
  | Device
  | OperatingSystem
  | GeolocationData
  | Cookie
  | UserAgent
  | ApplicationVersion
  | UniqueIdentifier;

/** The data classes by `kind`. */
const DATA_CLASSES: Record<string, abstract new (...args: never[]) => unknown> = {
  customData: CustomData,
  pageView: PageView,
  conversion: Conversion,
  browser: Browser,
  device: Device,
  operatingSystem: OperatingSystem,
  geolocation: GeolocationData,
  cookie: Cookie,
  userAgent: UserAgent,
  applicationVersion: ApplicationVersion,
  uniqueIdentifier: UniqueIdentifier,
};

/** Whether `value` is an instance of one of the data classes. */
export function isKameleoonData(value: unknown): value is KameleoonDataType {
  return Object.values(DATA_CLASSES).some((cls) => value instanceof cls);
}

/**
 * Whether a data instance still holds what its constructor checked: the fields are plain
 * properties, so they can be changed after construction (or the object made with
 * `Object.create(Class.prototype)`), and the SDK must not store what it cannot track or target.
 */
export function isValidData(item: KameleoonDataType): boolean {
  const cls = typeof item.kind === 'string' && Object.hasOwn(DATA_CLASSES, item.kind) ? DATA_CLASSES[item.kind] : undefined;
  return cls !== undefined && item instanceof cls && fault(item) === undefined;
}
