import { InvalidArgument } from '../errors.ts';

/** Browsers known to Kameleoon, with the official SDK's member names. */
export const BrowserType = {
  Chrome: 'CHROME',
  InternetExplorer: 'IE',
  Firefox: 'FIREFOX',
  Safari: 'SAFARI',
  Opera: 'OPERA',
  Other: 'OTHER',
} as const;
/** One of {@link BrowserType}. */
export type BrowserType = (typeof BrowserType)[keyof typeof BrowserType];

/** Device classes known to Kameleoon. */
export const DeviceType = { Phone: 'PHONE', Tablet: 'TABLET', Desktop: 'DESKTOP' } as const;
/** One of {@link DeviceType}. */
export type DeviceType = (typeof DeviceType)[keyof typeof DeviceType];

/** Operating systems known to Kameleoon. */
export const OperatingSystemType = {
  WindowsPhone: 'WINDOWS_PHONE',
  Windows: 'WINDOWS',
  Android: 'ANDROID',
  Linux: 'LINUX',
  Mac: 'MAC',
  IOS: 'IOS',
} as const;
/** One of {@link OperatingSystemType}. */
export type OperatingSystemType = (typeof OperatingSystemType)[keyof typeof OperatingSystemType];

/** Kameleoon's index of each browser (`browserIndex` in tracking and visit data) is its position here. */
export const BROWSER_INDEXES: readonly BrowserType[] = [BrowserType.Chrome, BrowserType.InternetExplorer, BrowserType.Firefox, BrowserType.Safari, BrowserType.Opera, BrowserType.Other];
/** Kameleoon's index of each operating system (`osIndex`) is its position here. */
export const OS_INDEXES: readonly OperatingSystemType[] = [
  OperatingSystemType.Windows,
  OperatingSystemType.Mac,
  OperatingSystemType.IOS,
  OperatingSystemType.Linux,
  OperatingSystemType.Android,
  OperatingSystemType.WindowsPhone,
];

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

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InvalidArgument(`${what} must be a string, got ${typeof value}.`);
  return value;
}

function requireFinite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgument(`${what} must be a finite number, got ${describeValue(value)}.`);
  }
  return value;
}

function requireOneOf<T extends string>(value: unknown, allowed: Record<string, T>, what: string): T {
  const values = Object.values(allowed) as string[];
  if (typeof value !== 'string' || !values.includes(value)) {
    throw new InvalidArgument(`${what} must be one of ${values.join(', ')}, got ${describeValue(value)}.`);
  }
  return value as T;
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
    if (typeof indexOrName === 'number') {
      if (!Number.isInteger(indexOrName) || indexOrName < 0) {
        throw new InvalidArgument(`CustomData index must be a non-negative integer, got ${indexOrName}.`);
      }
      this.index = indexOrName;
      this.name = undefined;
    } else if (typeof indexOrName === 'string' && indexOrName !== '') {
      this.index = -1;
      this.name = indexOrName;
    } else {
      throw new InvalidArgument('CustomData needs an index (number) or a name (non-empty string) first.');
    }
    const hasOverwrite = typeof second === 'boolean';
    this.overwrite = hasOverwrite ? second : true;
    const values = hasOverwrite ? rest : [second, ...rest].filter((v) => v != null);
    for (const v of values) requireString(v, 'CustomData values');
    this.values = values as string[];
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
  readonly time: number;

  constructor({ urlAddress, title, referrers }: PageViewParametersType) {
    this.urlAddress = requireString(urlAddress, 'PageView urlAddress');
    this.title = title == null ? '' : requireString(title, 'PageView title');
    if (referrers !== undefined && (!Array.isArray(referrers) || referrers.some((r) => typeof r !== 'number'))) {
      throw new InvalidArgument('PageView referrers must be an array of numbers.');
    }
    this.referrers = referrers;
    this.time = Date.now();
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
    this.goalId = requireFinite(goalId, 'Conversion goalId');
    this.revenue = requireFinite(revenue, 'Conversion revenue');
    if (typeof negative !== 'boolean') throw new InvalidArgument('Conversion negative must be a boolean.');
    this.negative = negative;
    if (metadata !== undefined && (!Array.isArray(metadata) || metadata.some((m) => !(m instanceof CustomData) || !isValidData(m)))) {
      throw new InvalidArgument('Conversion metadata must be an array of CustomData.');
    }
    this.metadata = metadata;
  }
}

/** The visitor's browser and, optionally, its version. */
export class Browser {
  readonly kind = 'browser';
  readonly browser: BrowserType;
  readonly version: number | undefined;

  constructor(browser: BrowserType, version?: number) {
    this.browser = requireOneOf(browser, BrowserType, 'Browser type');
    this.version = version === undefined ? undefined : requireFinite(version, 'Browser version');
  }
}

/** The visitor's device class. */
export class Device {
  readonly kind = 'device';
  readonly device: DeviceType;

  constructor(device: DeviceType) {
    this.device = requireOneOf(device, DeviceType, 'Device type');
  }
}

/** The visitor's operating system. */
export class OperatingSystem {
  readonly kind = 'operatingSystem';
  readonly operatingSystem: OperatingSystemType;

  constructor(operatingSystem: OperatingSystemType) {
    this.operatingSystem = requireOneOf(operatingSystem, OperatingSystemType, 'Operating system type');
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

const isCoordinates = (c: unknown): c is [number, number] => Array.isArray(c) && c.length === 2 && c.every((n) => typeof n === 'number');

/** Where the visitor is. */
export class GeolocationData {
  readonly kind = 'geolocation';
  readonly country: string;
  readonly region: string | undefined;
  readonly city: string | undefined;
  readonly postalCode: string | undefined;
  readonly coordinates: [number, number] | undefined;

  constructor({ country, region, city, postalCode, coordinates }: GeolocationInfoType) {
    this.country = requireString(country, 'GeolocationData country');
    this.region = region === undefined ? undefined : requireString(region, 'GeolocationData region');
    this.city = city === undefined ? undefined : requireString(city, 'GeolocationData city');
    this.postalCode = postalCode === undefined ? undefined : requireString(postalCode, 'GeolocationData postalCode');
    if (coordinates !== undefined && !isCoordinates(coordinates)) {
      throw new InvalidArgument('GeolocationData coordinates must be [latitude, longitude].');
    }
    this.coordinates = coordinates;
  }
}

/** Cookies of the visitor's request, for COOKIE targeting. Not tracked. */
export class Cookie {
  readonly kind = 'cookie';
  readonly cookies: CookieType[];

  constructor(cookies: CookieType[]) {
    if (!Array.isArray(cookies)) throw new InvalidArgument('Cookie takes an array of { key, value }.');
    for (const c of cookies) {
      if (c == null || typeof c.key !== 'string' || typeof c.value !== 'string') {
        throw new InvalidArgument('Cookie takes an array of { key: string, value: string }.');
      }
    }
    this.cookies = cookies.map(({ key, value }) => ({ key, value }));
  }

  /** Parses a Cookie header value such as `a=1; b=2`. */
  static fromString(cookieHeader: string): Cookie {
    return new Cookie(parseCookieHeader(requireString(cookieHeader, 'Cookie string')));
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
    this.value = requireString(value, 'UserAgent');
  }
}

/** The version of the visitor's application (semantic version), for APPLICATION_VERSION targeting. */
export class ApplicationVersion {
  readonly kind = 'applicationVersion';
  readonly version: string;

  constructor(version: string) {
    this.version = requireString(version, 'ApplicationVersion');
  }
}

/** Marks the visitor code as a unique identifier (a user id) for cross-device tracking. */
export class UniqueIdentifier {
  readonly kind = 'uniqueIdentifier';
  readonly value: boolean;

  constructor(value: boolean) {
    if (typeof value !== 'boolean') throw new InvalidArgument('UniqueIdentifier takes a boolean.');
    this.value = value;
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

const DATA_CLASSES = [CustomData, PageView, Conversion, Browser, Device, OperatingSystem, GeolocationData, Cookie, UserAgent, ApplicationVersion, UniqueIdentifier];

/** Whether `value` is an instance of one of the data classes. */
export function isKameleoonData(value: unknown): value is KameleoonDataType {
  return DATA_CLASSES.some((cls) => value instanceof cls);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOptional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);
const isOneOf = (v: unknown, allowed: Record<string, string>) => typeof v === 'string' && (Object.values(allowed) as string[]).includes(v);

/**
 * Whether a data instance still holds what its constructor checked: the fields are plain
 * properties, so they can be changed after construction (or the object made with
 * `Object.create(Class.prototype)`), and the SDK must not store what it cannot track or target.
 */
export function isValidData(item: KameleoonDataType): boolean {
  const d = item as unknown as Record<string, unknown>;
  switch (item.kind) {
    case 'customData':
      return (
        item instanceof CustomData &&
        ((Number.isInteger(d.index) && (d.index as number) >= 0) || (d.index === -1 && typeof d.name === 'string' && d.name !== '')) &&
        typeof d.overwrite === 'boolean' &&
        Array.isArray(d.values) &&
        d.values.every(isString)
      );
    case 'pageView':
      return item instanceof PageView && isString(d.urlAddress) && isString(d.title) && isOptional(d.referrers, (r) => Array.isArray(r) && r.every((n) => typeof n === 'number')) && isFiniteNumber(d.time);
    case 'conversion':
      return (
        item instanceof Conversion &&
        isFiniteNumber(d.goalId) &&
        isFiniteNumber(d.revenue) &&
        typeof d.negative === 'boolean' &&
        isOptional(d.metadata, (m) => Array.isArray(m) && m.every((c) => c instanceof CustomData && isValidData(c)))
      );
    case 'browser':
      return item instanceof Browser && isOneOf(d.browser, BrowserType) && isOptional(d.version, isFiniteNumber);
    case 'device':
      return item instanceof Device && isOneOf(d.device, DeviceType);
    case 'operatingSystem':
      return item instanceof OperatingSystem && isOneOf(d.operatingSystem, OperatingSystemType);
    case 'geolocation':
      return (
        item instanceof GeolocationData &&
        isString(d.country) &&
        isOptional(d.region, isString) &&
        isOptional(d.city, isString) &&
        isOptional(d.postalCode, isString) &&
        isOptional(d.coordinates, isCoordinates)
      );
    case 'cookie':
      return item instanceof Cookie && Array.isArray(d.cookies) && d.cookies.every((c) => c !== null && typeof c === 'object' && isString(c.key) && isString(c.value));
    case 'userAgent':
      return item instanceof UserAgent && isString(d.value);
    case 'applicationVersion':
      return item instanceof ApplicationVersion && isString(d.version);
    case 'uniqueIdentifier':
      return item instanceof UniqueIdentifier && typeof d.value === 'boolean';
    default:
      return false;
  }
}
