import { InvalidArgument } from '../errors.ts';
import { BrowserType, DeviceType, OperatingSystemType } from './kinds.ts';
import { msg } from '../logging/msg.ts';

export { BrowserType, DeviceType, OperatingSystemType } from './kinds.ts';

/** A cookie name and value. */
export interface CookieType {
  /** The cookie's name. */
  key: string;
  /** The cookie's value, as found in the header (not URI-decoded). */
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
  if (byName && !(d.index === -1 && isString(d.name) && d.name !== '')) return msg`CustomData needs an index (number) or a name (non-empty string) first.`;
  for (const field in fields) {
    const [test, expected, item] = fields[field];
    const value = d[field];
    if (test(value) || (byName && field === 'index')) continue;
    const at = item && Array.isArray(value) ? value.findIndex((v) => !item[0](v)) : -1;
    return at < 0 ? msg`${name} ${field} must be ${expected}, got ${describeValue(value)}.` : msg`${name} ${field}[${at}] must be ${item![1]}, got ${describeValue((value as unknown[])[at])}.`;
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

  /**
   * Custom data by index, overwriting the values stored on the server.
   * @param index - the custom data's index in the Kameleoon app (an integer, 0 or more)
   * @param values - the values (strings)
   * @throws {@link InvalidArgument} when `index` is not a non-negative integer or a value is not a string
   */
  constructor(index: number, ...values: string[]);
  /**
   * Custom data by index.
   * @param overwrite - whether the Data API replaces (true) or appends to (false) the values it stores
   */
  constructor(index: number, overwrite: boolean, ...values: string[]);
  /**
   * Custom data by name, resolved to its index through the configuration when it is added; a name
   * the configuration does not know is ignored then, with a warning.
   * @param name - the custom data's name in the Kameleoon app (non-empty)
   * @throws {@link InvalidArgument} when `name` is empty or a value is not a string
   */
  constructor(name: string, ...values: string[]);
  /** Custom data by name, with `overwrite` as in the index form. */
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
  /** The page's URL. A page view with an empty URL is kept for targeting but never tracked. */
  urlAddress: string;
  /** The page's title (`''` when undefined is passed). */
  title: string;
  /** Indices of the acquisition channels (referrers) the visitor came from, as set up in the Kameleoon app. */
  referrers?: number[];
}

/**
 * A page the visitor viewed, timestamped when created (PAGE_URL, PAGE_TITLE, PAGE_VIEWS,
 * PREVIOUS_PAGE targeting). Views of one URL accumulate their times; each is tracked as a `page` event.
 */
export class PageView {
  /** Discriminant of the data types: always `'pageView'`. */
  readonly kind = 'pageView';
  /** The page's URL. */
  readonly urlAddress: string;
  /** The page's title (`''` when none was given). */
  readonly title: string;
  /** Indices of the acquisition channels the visitor came from; undefined when none were given. */
  readonly referrers: number[] | undefined;
  /** Epoch milliseconds of the view. */
  readonly time = Date.now();

  /**
   * @param params - the URL, the title and optionally the referrer indices
   * @throws {@link InvalidArgument} when `urlAddress` or `title` is not a string, or `referrers` is not an array of numbers
   */
  constructor({ urlAddress, title, referrers }: PageViewParametersType) {
    this.urlAddress = urlAddress;
    this.title = title ?? '';
    this.referrers = referrers;
    check(this);
  }
}

/** Parameters of {@link Conversion}. */
export interface ConversionParametersType {
  /** Id of the goal in the Kameleoon app. */
  goalId: number;
  /** Revenue of the conversion. Default 0. */
  revenue?: number;
  /** Whether the conversion cancels (subtracts) an earlier one. Default false. */
  negative?: boolean;
  /**
   * Custom data sent with the conversion, by index (the first value of each index wins). Custom
   * data made by name is resolved through the configuration when the conversion is added to a
   * visitor (an unknown name is left out, with a warning).
   */
  metadata?: CustomData[];
}

/** A conversion of a goal (CONVERSIONS targeting), tracked as a `conversion` event. */
export class Conversion {
  /** Discriminant of the data types: always `'conversion'`. */
  readonly kind = 'conversion';
  /** Id of the goal in the Kameleoon app. */
  readonly goalId: number;
  /** Revenue of the conversion (0 when none was given). */
  readonly revenue: number;
  /** Whether the conversion cancels (subtracts) an earlier one. */
  readonly negative: boolean;
  /** Custom data sent with the conversion; undefined when none were given. */
  readonly metadata: CustomData[] | undefined;

  /**
   * @param params - the goal id, and optionally the revenue (default 0), `negative` (default false) and metadata
   * @throws {@link InvalidArgument} when `goalId` or `revenue` is not a finite number, `negative` not a boolean, or `metadata` not an array of CustomData
   */
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
  /** Discriminant of the data types: always `'browser'`. */
  readonly kind = 'browser';
  /** The browser, one of `BrowserType`. */
  readonly browser: BrowserType;
  /** The browser's version (e.g. 120.5); undefined when unknown. */
  readonly version: number | undefined;

  /**
   * @param browser - one of `BrowserType`
   * @param version - the browser's version, a finite number
   * @throws {@link InvalidArgument} when `browser` is not a `BrowserType` value or `version` is not a finite number
   */
  constructor(browser: BrowserType, version?: number) {
    this.browser = browser;
    this.version = version;
    check(this);
  }
}

/** The visitor's device class. */
export class Device {
  /** Discriminant of the data types: always `'device'`. */
  readonly kind = 'device';
  /** The device class, one of `DeviceType`. */
  readonly device: DeviceType;

  /**
   * @param device - one of `DeviceType`
   * @throws {@link InvalidArgument} when `device` is not a `DeviceType` value
   */
  constructor(device: DeviceType) {
    this.device = device;
    check(this);
  }
}

/** The visitor's operating system. */
export class OperatingSystem {
  /** Discriminant of the data types: always `'operatingSystem'`. */
  readonly kind = 'operatingSystem';
  /** The operating system, one of `OperatingSystemType`. */
  readonly operatingSystem: OperatingSystemType;

  /**
   * @param operatingSystem - one of `OperatingSystemType`
   * @throws {@link InvalidArgument} when `operatingSystem` is not an `OperatingSystemType` value
   */
  constructor(operatingSystem: OperatingSystemType) {
    this.operatingSystem = operatingSystem;
    check(this);
  }
}

/** Parameters of {@link GeolocationData}. */
export interface GeolocationInfoType {
  /** The country. */
  country: string;
  /** The region. */
  region?: string;
  /** The city. */
  city?: string;
  /** The postal code. */
  postalCode?: string;
  /** `[latitude, longitude]`. */
  coordinates?: [number, number];
}

/** Where the visitor is (GEOLOCATION targeting), tracked as a `geolocation` event. */
export class GeolocationData {
  /** Discriminant of the data types: always `'geolocation'`. */
  readonly kind = 'geolocation';
  /** The country. */
  readonly country: string;
  /** The region; undefined when not given. */
  readonly region: string | undefined;
  /** The city; undefined when not given. */
  readonly city: string | undefined;
  /** The postal code; undefined when not given. */
  readonly postalCode: string | undefined;
  /** `[latitude, longitude]`; undefined when not given. */
  readonly coordinates: [number, number] | undefined;

  /**
   * @param info - the country, and optionally the region, city, postal code and coordinates
   * @throws {@link InvalidArgument} when `country` is not a string, an optional part has the wrong type, or `coordinates` is not a pair of numbers
   */
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
  /** Discriminant of the data types: always `'cookie'`. */
  readonly kind = 'cookie';
  /** The cookies (a copy of the pairs given). */
  readonly cookies: CookieType[];

  /**
   * @param cookies - the name-value pairs
   * @throws {@link InvalidArgument} when `cookies` is not an array of `{ key: string, value: string }`
   */
  constructor(cookies: CookieType[]) {
    this.cookies = cookies;
    check(this);
    // A copy of the pairs: the caller's objects may change later.
    this.cookies = cookies.map(({ key, value }) => ({ key, value }));
  }

  /**
   * Parses a Cookie header value such as `a=1; b=2`: pairs split on `;` and trimmed, pairs without
   * a name or `=` skipped, values kept as they are (not URI-decoded).
   * @throws {@link InvalidArgument} when `cookieHeader` is not a string
   */
  static fromString(cookieHeader: string): Cookie {
    if (!isString(cookieHeader)) throw new InvalidArgument(msg`Cookie.fromString() takes a string, got ${describeValue(cookieHeader)}.`);
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
  /** Discriminant of the data types: always `'userAgent'`. */
  readonly kind = 'userAgent';
  /** The user agent string. */
  readonly value: string;

  /**
   * @param value - the user agent string (e.g. a request's User-Agent header)
   * @throws {@link InvalidArgument} when `value` is not a string
   */
  constructor(value: string) {
    this.value = value;
    check(this);
  }
}

/** The version of the visitor's application (semantic version), for APPLICATION_VERSION targeting. */
export class ApplicationVersion {
  /** Discriminant of the data types: always `'applicationVersion'`. */
  readonly kind = 'applicationVersion';
  /** The version, e.g. `1.2.3`. */
  readonly version: string;

  /**
   * @param version - a semantic version such as `1.2.3`
   * @throws {@link InvalidArgument} when `version` is not a string
   */
  constructor(version: string) {
    this.version = version;
    check(this);
  }
}

/**
 * Marks the visitor code as a unique identifier (a user id) for cross-device tracking: tracking
 * then names it as a user id (`mappingValue` when linked to an anonymous visitor, else the
 * mapping-identifier custom data). Not tracked itself.
 */
export class UniqueIdentifier {
  /** Discriminant of the data types: always `'uniqueIdentifier'`. */
  readonly kind = 'uniqueIdentifier';
  /** Whether the visitor code is a unique identifier. */
  readonly value: boolean;

  /**
   * @param value - true when the visitor code is a unique identifier
   * @throws {@link InvalidArgument} when `value` is not a boolean
   */
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
