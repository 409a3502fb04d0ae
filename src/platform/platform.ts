import type { IExternalLogger } from '../logging/logger.ts';
import type { PackageInfo } from '../targeting/types.ts';
import type { BrowserType, CookieType, DeviceType, OperatingSystemType, PageView } from '../visitor/data.ts';
import type { TrackingLine } from '../tracking/outbox.ts';
import type { NextCookies, ResponseLike } from '../visitor/visitorCode.ts';
import type { SharedStore } from '../fleet/sharedStore.ts';

/** Interfaces between the isomorphic core and its environment. Types only. */

/** A beacon or keepalive request stays under the browsers' 64 KiB limit: bodies are cut at this many characters. */
export const BEACON_CHARS = 60_000;

/** Kinds of request the SDK makes (official names), as `SendRequestParametersType.requestType`. */
export const RequestType = {
  /** `GET` of the configuration. */
  Configuration: 'configuration',
  /** `POST` of tracking lines. */
  Tracking: 'tracking',
  /** Data API requests (remote data, visitor data, warehouse audiences) and the OAuth token request. */
  RemoteData: 'remoteData',
} as const;
/** One of `RequestType`. */
export type RequestType = (typeof RequestType)[keyof typeof RequestType];

/** A fetch-like response (the official `KameleoonResponseType`). */
export interface KameleoonResponseType {
  /** The HTTP status code. */
  status: number;
  /** Whether the status is 2xx; any other status is a failure (a configuration's 304 excepted). */
  ok: boolean;
  /** The body parsed as JSON (Data API answers). */
  json(): Promise<unknown>;
  /** The body as text (the configuration, error messages, the OAuth token). */
  text(): Promise<string>;
  /**
   * The response headers, as `[name, value]` pairs or a Fetch `Headers`; the SDK reads the
   * configuration's `Last-Modified` (for `If-Modified-Since`). Optional.
   */
  headers?: Iterable<[string, string]> | { get(name: string): string | null };
}

/** What the SDK asks of a requester. */
export interface SendRequestParametersType {
  /** What the request is for (see `RequestType`). */
  requestType: RequestType;
  /** The full URL. */
  url: string;
  /** Fetch's options: `method`, `headers`, `body` (tracking, OAuth) and the `signal` that aborts the request at `requestTimeout`. */
  parameters: RequestInit;
  /** Always 0: the SDK retries failed requests itself. */
  retryCount?: number;
}

/** Performs HTTP requests (the official `IExternalRequester`). Default: the global `fetch`. */
export interface IExternalRequester {
  /**
   * Sends one request; `fetch(url, parameters)` does what the SDK expects.
   * @returns the response; a rejection counts as a network error (retried where the SDK retries)
   */
  sendRequest(params: SendRequestParametersType): Promise<KameleoonResponseType>;
}

/**
 * Key-value storage of JSON-able data (the official `IExternalStorage`). Browsers keep the cached
 * configuration, visitors' data and unsent tracking in it (default: localStorage, as JSON);
 * servers do not use it.
 */
export interface IExternalStorage<T = unknown> {
  /** The data stored under `key`, or null when there is none. */
  read(key: string): T | null;
  /** Stores `data` under `key`, replacing what was there. */
  write(key: string, data: T): void;
}

/** Parameters of `IExternalVisitorCodeManager.setData`. */
export interface SetDataParametersType {
  /** The cookie's value: the visitor code. */
  visitorCode: string;
  /** The cookie's name: `kameleoonVisitorCode`. */
  key: string;
  /** The cookie's Domain attribute (`cookieDomain`); undefined for none. */
  domain?: string;
  /** The cookie's lifetime in seconds: 31 536 000 (365 days). */
  maxAge: number;
  /** The cookie's Path attribute: `/`. */
  path: string;
  /** The official Node SDK's form: the response of `getVisitorCode({ request, response })` or `setLegalConsent({ ..., response })`. */
  response?: ResponseLike;
  /** The official Node SDK's Next.js form: the `cookies` of `getVisitorCode({ cookies })`. */
  cookies?: NextCookies;
}


/**
 * Reads and writes cookies (the official `IExternalVisitorCodeManager` of the JavaScript and Node
 * SDKs). `getVisitorCode(default?)` and `setLegalConsent(visitorCode, consent)` call it in the
 * JavaScript SDK's form (`getData(key)`); the object forms (`getVisitorCode({ request | cookies })`,
 * `setLegalConsent({ ..., response | cookies })`) call a manager given in `externals` in the Node
 * SDK's form (`getData({ request | cookies, key })`, `setData` with `response` or `cookies`), so a
 * manager written for one SDK is used with that SDK's calls. The type is the JavaScript SDK's: a
 * manager typed for the Node SDK is passed with a cast. Default: `document.cookie` (through
 * js-cookie) in browsers; none on Node.js, where request and response (or cookies) carry them.
 */
export interface IExternalVisitorCodeManager {
  /** The value of cookie `key` (the visitor code, the QA simulation cookie), or null when absent. */
  getData(key: string): string | null;
  /** Writes the visitor-code cookie. */
  setData(params: SetDataParametersType): void;
}

/**
 * Server-sent events source (the official `IExternalEventSource`), for the real-time stream of
 * configurations that ask for it. The same object is opened again after each reconnection.
 * Default: a fetch-based client.
 */
export interface IExternalEventSource {
  /**
   * Connects to `url` and calls `onEvent` with each event of type `eventType`
   * (`configuration-update-event`): its data, or the event itself (a `MessageEvent`, as the
   * official SDK's event sources pass it).
   */
  open(params: { url: string; eventType: string; onEvent: (message: string | { data: string }) => void }): void;
  /** Disconnects. */
  close(): void;
  /**
   * Registers the callback of connection errors; the SDK then closes the source, polls, and
   * reconnects with backoff. Without it, errors go unnoticed.
   */
  onError?(callback: (error: unknown) => void): void;
  /** Not in the official interface: tells when the connection is up (polling stops then). */
  onOpen?(callback: () => void): void;
}

/** Random numbers in [0, 1) (the official `IExternalPRNG`). */
export interface IExternalPRNG {
  /** A number in [0, 1). */
  getRandomNumber(): number;
}

/** What a platform analyzer found (the official `PlatformAnalysisResult`): each part when known. */
export interface PlatformAnalysisResult {
  /** The browser and its version. */
  browser?: { name?: BrowserType; version?: number };
  /** The operating system. The official analyzer also gives a `version` of some systems, which the SDK does not use. */
  os?: { name?: OperatingSystemType; version?: string };
  /** The device class. */
  platform?: { type?: DeviceType };
  /** The page being viewed. */
  pageView?: PageView;
}

/**
 * Describes the visitor's platform (the official `IPlatformAnalyzer`). In browsers, each time the
 * SDK switches to another visitor (see `ClientCore.visitor`), what it reports is added to that
 * visitor's data: browser, operating system, device, and a page view.
 */
export interface IPlatformAnalyzer {
  /** What is known of the visitor's platform now; `{}` for nothing. */
  getResult(): PlatformAnalysisResult;
}

/** Everything the user may replace (the official `externals`); each part left out keeps the platform's. */
export interface ExternalsType {
  /** Performs the HTTP requests. Default: the global `fetch`. */
  requester?: IExternalRequester;
  /** Browsers' persistent storage. Default: localStorage (none where it is unavailable). Servers ignore it. */
  storage?: IExternalStorage;
  /** Connects to the real-time stream. Default: a fetch-based server-sent events client. */
  eventSource?: IExternalEventSource;
  /** Reads and writes the visitor-code cookie. Default: `document.cookie` in browsers; none on Node.js. */
  visitorCodeManager?: IExternalVisitorCodeManager;
  /** Receives the SDK's log messages. Default: the console, prefixed `[Kameleoon] <LEVEL>:`. */
  logger?: IExternalLogger;
  /**
   * Node.js servers of a fleet: the store its processes share visitors, exposures and the
   * configuration through, e.g. `createRedisStore()` of `kameleoon-ts/redis` (see "Running a
   * fleet" in the README). Other platforms ignore it, with a warning. Default none: visitors in this process's RAM.
   */
  sharedStore?: SharedStore;
}

/** What tracking needs from a browser page to lose nothing when it closes (see pageLifecycle.ts). */
export interface PageLifecycle {
  /** Lines earlier pages of the site left unsent; they are removed from storage as they are read. */
  recover(siteCode: string): Promise<TrackingLine[]>;
  /** Keeps this page's unsent lines (coalesced, asynchronous). */
  persist(siteCode: string, lines: readonly TrackingLine[]): void;
  /** Calls back when the page is hidden or left; returns the function that stops it. */
  onLeave(callback: () => void): () => void;
  /** Calls back when the browser comes back online; returns the function that stops it. */
  onOnline(callback: () => void): () => void;
  /**
   * Whether the browser reports being offline (`navigator.onLine === false`): a hint, not a
   * verdict (a machine with no internet serving 127.0.0.1, or a captive network, reports it while
   * requests succeed). Tracking keeps sending; it only words the log of a failed request.
   */
  offline(): boolean;
  /** Hands a body to the browser for delivery after the page is gone; false when it could not. */
  beacon(url: string, body: string): boolean;
}

/** The runtime capabilities an entry (browser, node) gives the client: requests, storage, cookies, randomness. */
export interface Platform {
  packageInfo: PackageInfo;
  requester: IExternalRequester;
  /** Persistent storage for visitors (browsers); servers keep visitors in RAM. */
  storage: IExternalStorage | undefined;
  visitorCodeManager: IExternalVisitorCodeManager;
  /** Cryptographically random numbers in [0, 1), for visitor codes. */
  random: () => number;
  /** Cookies of the current page (browsers; empty on servers). */
  documentCookies: () => CookieType[];
}
