import type { IExternalLogger } from '../logging/logger.ts';
import type { PackageInfo } from '../targeting/types.ts';
import type { BrowserType, CookieType, DeviceType, OperatingSystemType, PageView } from '../visitor/data.ts';
import type { TrackingLine } from '../tracking/outbox.ts';

/** Interfaces between the isomorphic core and its environment. Types only. */

/** A beacon or keepalive request stays under the browsers' 64 KiB limit: bodies are cut at this many characters. */
export const BEACON_CHARS = 60_000;

/** Kinds of request the SDK makes (official names). */
export const RequestType = {
  Configuration: 'configuration',
  Tracking: 'tracking',
  RemoteData: 'remoteData',
} as const;
/** One of {@link RequestType}. */
export type RequestType = (typeof RequestType)[keyof typeof RequestType];

/** A fetch-like response (the official `KameleoonResponseType`). */
export interface KameleoonResponseType {
  status: number;
  ok: boolean;
  json(): Promise<unknown>;
  text(): Promise<string>;
  headers?: Iterable<[string, string]> | { get(name: string): string | null };
}

/** What the SDK asks of a requester. */
export interface SendRequestParametersType {
  requestType: RequestType;
  url: string;
  parameters: RequestInit;
  retryCount?: number;
}

/** Performs HTTP requests (the official `IExternalRequester`). */
export interface IExternalRequester {
  sendRequest(params: SendRequestParametersType): Promise<KameleoonResponseType>;
}

/** Key-value storage of JSON-able data (the official `IExternalStorage`). */
export interface IExternalStorage<T = unknown> {
  read(key: string): T | null;
  write(key: string, data: T): void;
}

/** Parameters of `IExternalVisitorCodeManager.setData`. */
export interface SetDataParametersType {
  visitorCode: string;
  key: string;
  domain?: string;
  maxAge: number;
  path: string;
}

/** Reads and writes cookies (the official `IExternalVisitorCodeManager`). */
export interface IExternalVisitorCodeManager {
  getData(key: string): string | null;
  setData(params: SetDataParametersType): void;
}

/** Server-sent events source (the official `IExternalEventSource`). */
export interface IExternalEventSource {
  open(params: { url: string; eventType: string; onEvent: (data: string) => void }): void;
  close(): void;
  onError?(callback: (error: unknown) => void): void;
  /** Not in the official interface: tells when the connection is up (polling stops then). */
  onOpen?(callback: () => void): void;
}

/** Random numbers in [0, 1) (the official `IExternalPRNG`). */
export interface IExternalPRNG {
  getRandomNumber(): number;
}

/** What a platform analyzer found (the official `PlatformAnalysisResult`): each part when known. */
export interface PlatformAnalysisResult {
  browser?: { name?: BrowserType; version?: number };
  /** The official analyzer also gives a `version` of some systems, which the SDK does not use. */
  os?: { name?: OperatingSystemType; version?: string };
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
  getResult(): PlatformAnalysisResult;
}

/** Everything the user may replace (the official `externals`). */
export interface ExternalsType {
  requester?: IExternalRequester;
  storage?: IExternalStorage;
  eventSource?: IExternalEventSource;
  visitorCodeManager?: IExternalVisitorCodeManager;
  logger?: IExternalLogger;
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
