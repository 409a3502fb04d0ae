/**
 * Enums and constants of the official SDK's public index (`@kameleoon/javascript-sdk` 4.17.1) that
 * mean something to code using our client, with the official member names and values. Each is a
 * const object plus a type of the same name (as our other enums), so `Environment.Staging` works
 * as a value and `Environment` as a type, as they did with the official TypeScript enums.
 */

/** Environments of a Kameleoon project, for `configuration.environment` (any other name is accepted too). */
export const Environment = {
  Production: 'production',
  Staging: 'staging',
  Development: 'development',
} as const;
/** One of {@link Environment}. */
export type Environment = (typeof Environment)[keyof typeof Environment];

/**
 * The kinds of visitor data. Our data classes carry theirs as `kind` (`item.kind ===
 * KameleoonData.CustomData`; `instanceof CustomData` works too); the last five are kinds the
 * official engine keeps internally, which our classes never have.
 */
export const KameleoonData = {
  UniqueIdentifier: 'uniqueIdentifier',
  CustomData: 'customData',
  PageView: 'pageView',
  GeolocationData: 'geolocation',
  Browser: 'browser',
  Conversion: 'conversion',
  Cookie: 'cookie',
  Device: 'device',
  OperatingSystem: 'operatingSystem',
  UserAgent: 'userAgent',
  ApplicationVersion: 'applicationVersion',
  VisitsData: 'visitsData',
  KameleoonConversionScore: 'kameleoonConversionScore',
  Personalization: 'personalization',
  CBScores: 'cbScores',
  TargetedSegment: 'targetedSegment',
} as const;
/** One of {@link KameleoonData}. */
export type KameleoonData = (typeof KameleoonData)[keyof typeof KameleoonData];

/**
 * Scopes of custom data definitions (`scope` of the configuration's `customData` entries, see
 * `getConfigurationJson()`). `Page` is spelt as the official SDK spells it.
 */
export const CustomDataScope = {
  Visit: 'VISIT',
  Visitor: 'VISITOR',
  Page: 'Page',
} as const;
/** One of {@link CustomDataScope}. */
export type CustomDataScope = (typeof CustomDataScope)[keyof typeof CustomDataScope];

/**
 * Durations in milliseconds, e.g. for `requestTimeout`. A month counts 30 days. As the official
 * numeric enum, a duration also names itself (`Milliseconds[1000]` is `'Second'`).
 */
export const Milliseconds = {
  Second: 1000,
  Minute: 60_000,
  Hour: 3_600_000,
  Day: 86_400_000,
  Week: 604_800_000,
  Month: 2_592_000_000,
  1000: 'Second',
  60000: 'Minute',
  3600000: 'Hour',
  86400000: 'Day',
  604800000: 'Week',
  2592000000: 'Month',
} as const;
/** One of {@link Milliseconds}: a second, minute, hour, day, week or 30-day month, in milliseconds. */
export type Milliseconds = 1000 | 60_000 | 3_600_000 | 86_400_000 | 604_800_000 | 2_592_000_000;

/** Headers of the SDK's requests, for custom requesters that read `parameters.headers`. */
export const Header = {
  UserAgent: 'User-Agent',
  ContentType: 'Content-Type',
  SdkVersion: 'X-Kameleoon-SDK-Version',
  SdkType: 'X-Kameleoon-SDK-Type',
  Authorization: 'Authorization',
  AcceptEncoding: 'Accept-Encoding',
  IfModifiedSince: 'If-Modified-Since',
  LastModified: 'Last-Modified',
} as const;
/** One of {@link Header}. */
export type Header = (typeof Header)[keyof typeof Header];

/** Methods of the SDK's requests (`parameters.method` of a custom requester). */
export const HttpMethod = {
  Get: 'GET',
  Post: 'POST',
} as const;
/** One of {@link HttpMethod}. */
export type HttpMethod = (typeof HttpMethod)[keyof typeof HttpMethod];

/** Length of the visitor codes the SDK generates (16 characters from `[a-z0-9]`); codes given by the app may have 1 to 255. */
export const VISITOR_CODE_LENGTH = 16;

/**
 * A visit, in milliseconds (29 minutes, as the official SDK): custom data of VISITOR scope is sent
 * again once per such window.
 */
export const VISIT_DURATION = 29 * 60_000;
