/**
 * Enums and constants of the official SDK's public index (`@kameleoon/javascript-sdk` 4.17.1) that
 * mean something to code using our client, with the official member names and values. Each is a
 * const object plus a type of the same name (as our other enums), so `Environment.Staging` works
 * as a value and `Environment` as a type, as they did with the official TypeScript enums.
 */

/** Environments of a Kameleoon project, for `configuration.environment` (any other name is accepted too). */
export const Environment = {
  /** `production`: the default, whose configuration is fetched without an `environment` parameter. */
  Production: 'production',
  /** `staging`. */
  Staging: 'staging',
  /** `development`. */
  Development: 'development',
} as const;
/** One of `Environment`. */
export type Environment = (typeof Environment)[keyof typeof Environment];

/**
 * The kinds of visitor data. Our data classes carry theirs as `kind`
 * (`item.kind === KameleoonData.CustomData`; `instanceof CustomData` works too); the last five
 * are kinds the official engine keeps internally, which our classes never have.
 */
export const KameleoonData = {
  /** Kind of `UniqueIdentifier`. */
  UniqueIdentifier: 'uniqueIdentifier',
  /** Kind of `CustomData`. */
  CustomData: 'customData',
  /** Kind of `PageView`. */
  PageView: 'pageView',
  /** Kind of `GeolocationData`. */
  GeolocationData: 'geolocation',
  /** Kind of `Browser`. */
  Browser: 'browser',
  /** Kind of `Conversion`. */
  Conversion: 'conversion',
  /** Kind of `Cookie`. */
  Cookie: 'cookie',
  /** Kind of `Device`. */
  Device: 'device',
  /** Kind of `OperatingSystem`. */
  OperatingSystem: 'operatingSystem',
  /** Kind of `UserAgent`. */
  UserAgent: 'userAgent',
  /** Kind of `ApplicationVersion`. */
  ApplicationVersion: 'applicationVersion',
  /** Official internal kind (data of previous visits); no class of ours has it. */
  VisitsData: 'visitsData',
  /** Official internal kind (Kameleoon Conversion Scores); no class of ours has it. */
  KameleoonConversionScore: 'kameleoonConversionScore',
  /** Official internal kind (personalizations); no class of ours has it. */
  Personalization: 'personalization',
  /** Official internal kind (contextual-bandit scores); no class of ours has it. */
  CBScores: 'cbScores',
  /** Official internal kind (segments recorded by `evaluateAudiences`); no class of ours has it. */
  TargetedSegment: 'targetedSegment',
} as const;
/** One of `KameleoonData`. */
export type KameleoonData = (typeof KameleoonData)[keyof typeof KameleoonData];

/**
 * Scopes of custom data definitions (`scope` of the configuration's `customData` entries, see
 * `getConfigurationJson()`). `Page` is spelt as the official SDK spells it.
 */
export const CustomDataScope = {
  /** Values of the visit (no special handling). */
  Visit: 'VISIT',
  /** Values of the visitor: sent again once per visit (`VISIT_DURATION`), and always added by `getRemoteVisitorData`. */
  Visitor: 'VISITOR',
  /** Values of the page (no special handling, as `Visit`). */
  Page: 'Page',
} as const;
/** One of `CustomDataScope`. */
export type CustomDataScope = (typeof CustomDataScope)[keyof typeof CustomDataScope];

/**
 * Durations in milliseconds, e.g. for `requestTimeout`. A month counts 30 days. As the official
 * numeric enum, a duration also names itself (`Milliseconds[1000]` is `'Second'`).
 */
export const Milliseconds = {
  /** 1 000 ms. */
  Second: 1000,
  /** 60 000 ms. */
  Minute: 60_000,
  /** 3 600 000 ms. */
  Hour: 3_600_000,
  /** 86 400 000 ms. */
  Day: 86_400_000,
  /** 604 800 000 ms. */
  Week: 604_800_000,
  /** 2 592 000 000 ms (30 days). */
  Month: 2_592_000_000,
  /** Reverse mapping: `Milliseconds[1000]` is `'Second'`. */
  1000: 'Second',
  /** Reverse mapping: `Milliseconds[60000]` is `'Minute'`. */
  60000: 'Minute',
  /** Reverse mapping: `Milliseconds[3600000]` is `'Hour'`. */
  3600000: 'Hour',
  /** Reverse mapping: `Milliseconds[86400000]` is `'Day'`. */
  86400000: 'Day',
  /** Reverse mapping: `Milliseconds[604800000]` is `'Week'`. */
  604800000: 'Week',
  /** Reverse mapping: `Milliseconds[2592000000]` is `'Month'`. */
  2592000000: 'Month',
} as const;
/** One of `Milliseconds`: a second, minute, hour, day, week or 30-day month, in milliseconds. */
export type Milliseconds = 1000 | 60_000 | 3_600_000 | 86_400_000 | 604_800_000 | 2_592_000_000;

/** Headers of the SDK's requests, for custom requesters that read `parameters.headers`. */
export const Header = {
  /** `User-Agent`. This SDK does not set it. */
  UserAgent: 'User-Agent',
  /** `Content-Type`, sent with tracking (a wildcard type) and the OAuth token request. */
  ContentType: 'Content-Type',
  /**
   * `X-Kameleoon-SDK-Version`, sent with the configuration request: the official SDK version this
   * one stands for (`4.17.1` in browsers, `5.17.1` on Node.js, unless `_internals.packageInfo` sets one).
   */
  SdkVersion: 'X-Kameleoon-SDK-Version',
  /**
   * `X-Kameleoon-SDK-Type`, sent with the configuration request: `javascript` in browsers,
   * `nodejs` on Node.js (`_internals.packageInfo.type` lower-cased, when given).
   */
  SdkType: 'X-Kameleoon-SDK-Type',
  /** `Authorization`, `Bearer <token>` on Data API requests made with server credentials. */
  Authorization: 'Authorization',
  /** `Accept-Encoding`. This SDK does not set it. */
  AcceptEncoding: 'Accept-Encoding',
  /** `If-Modified-Since`, sent with the configuration request: the `Last-Modified` of the configuration in force. */
  IfModifiedSince: 'If-Modified-Since',
  /** `Last-Modified`, read from configuration responses. */
  LastModified: 'Last-Modified',
} as const;
/** One of `Header`. */
export type Header = (typeof Header)[keyof typeof Header];

/** Methods of the SDK's requests (`parameters.method` of a custom requester). */
export const HttpMethod = {
  /** `GET`: the configuration and Data API reads. */
  Get: 'GET',
  /** `POST`: tracking and the OAuth token request. */
  Post: 'POST',
} as const;
/** One of `HttpMethod`. */
export type HttpMethod = (typeof HttpMethod)[keyof typeof HttpMethod];

/** Length of the visitor codes the SDK generates (16 characters from `[a-z0-9]`); codes given by the app may have 1 to 255. */
export const VISITOR_CODE_LENGTH = 16;

/**
 * A visit, in milliseconds (29 minutes, as the official SDK): custom data of VISITOR scope is sent
 * again once per such window.
 */
export const VISIT_DURATION = 29 * 60_000;
