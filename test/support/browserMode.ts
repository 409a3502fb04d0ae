/**
 * Our client and the official SDK 4.17.1 side by side with browser semantics, in Node (fake timers
 * welcome): both report the official browser SDK's package, take the same platform analyzer, get
 * the configuration and other answers from the same requester, and keep the lines of their
 * tracking bodies. Ours runs the browser's tracking pipeline on a page that never leaves.
 */
import * as official from '@kameleoon/javascript-sdk';
import { KameleoonClientBase } from '../../src/client/kameleoonClient.ts';
import type { ClientAssembly } from '../../src/client/assembly.ts';
import type { SDKParameters } from '../../src/client/options.ts';
import { createMemoryStorage, createMemoryVisitorCodeManager } from '../../src/platform/memory.ts';
import { createNodePlatform } from '../../src/platform/node/nodePlatform.ts';
import type { IExternalStorage, IPlatformAnalyzer, PageLifecycle } from '../../src/platform/platform.ts';
import { nativeUserRegExp } from '../../src/targeting/nativeRegex.ts';
import { createTracking, type PageActivity } from '../../src/tracking/pipeline.ts';
import { officialOfflineExternals } from './officialSdk.ts';

/** The official browser SDK's package, which both clients report. */
export const BROWSER = { type: 'JAVASCRIPT', version: '4.17.1', isServer: false } as const;

/**
 * A platform analyzer reporting Chrome 120, as a real browser always reports something: composing
 * a visitor always sends a line (with nothing at all, the official summary line still carries
 * visitNumber=0 and ours does not, a difference of its own).
 */
export const CHROME_ANALYZER = { getResult: () => ({ browser: { name: 'CHROME', version: 120 } }) };

/** A configuration with one VISITOR-scope custom data (index 0, `plan`) and nothing else. */
export const ONE_VISITOR_SCOPE_CONFIG = JSON.stringify({
  configuration: { realTimeUpdate: false, consentType: 'NOT_REQUIRED' },
  customData: [{ id: 100, index: 0, name: 'plan', localOnly: false, isMappingIdentifier: false, scope: 'VISITOR' }],
  featureFlags: [],
  segments: [],
});

/** Where both clients get their answers. */
export interface BrowserModeBackend {
  siteCode: string;
  /** The configuration document, as served. */
  config: string;
  /** Answers other than the configuration and tracking (e.g. the Data API's); undefined: 204. */
  answer?: (requestType: string, url: string) => Response | undefined;
}

/** A requester that serves the backend and keeps the lines of tracking bodies in `lines`. */
export function backendRequester(backend: BrowserModeBackend, lines: string[]) {
  return {
    sendRequest: async ({ requestType, url, parameters }: { requestType: string; url: string; parameters: { body?: unknown } }) => {
      if (requestType === 'tracking' && typeof parameters.body === 'string') lines.push(...parameters.body.split('\n'));
      if (requestType === 'configuration') return new Response(backend.config, { status: 200 });
      return backend.answer?.(requestType, url) ?? new Response(null, { status: 204 });
    },
  };
}

/**
 * A page that never leaves, never goes offline and keeps nothing, whose visitor keeps interacting
 * (a `mousemove` every second, no engine): the activity timer is what matters. Since 4.24 the
 * official SDK reports activity only after an interaction; with one before every tick, and the
 * 4.17.1 interval (see ourBrowserClient), ours sends what 4.17.1 sends.
 */
export const stillPage: PageLifecycle & PageActivity = {
  recover: async () => [],
  persist: () => undefined,
  onLeave: () => () => undefined,
  onOnline: () => () => undefined,
  offline: () => false,
  beacon: () => false,
  onInteraction: (callback) => {
    const timer = setInterval(callback, 1_000);
    return () => clearInterval(timer);
  },
  engine: () => false,
};

/** The official 4.17.1's activity interval, which the differential tests compare with (4.24: 60 s, after an interaction). */
export const ACTIVITY_4_17_MS = 15_000;

/** A client of the assembly a test gives, as the platform entries build theirs. */
export class AssembledClient extends KameleoonClientBase {
  constructor(params: SDKParameters, assembly: ClientAssembly) {
    super(params, assembly);
  }
}

/** Browser semantics in Node: the browser's package info, the given storage, memory cookies, the native regular expressions. */
export function browserModeAssembly(storage: IExternalStorage, page: PageLifecycle & Partial<PageActivity> = stillPage): ClientAssembly {
  return {
    platform: { ...createNodePlatform(), packageInfo: BROWSER, storage, visitorCodeManager: createMemoryVisitorCodeManager() },
    tracking: { create: (deps) => createTracking(deps, page) },
    compileRegex: nativeUserRegExp,
  };
}

/**
 * Our client with browser semantics: the browser's tracking pipeline (with its page, busy), in
 * Node, its activity tick at the official 4.17.1's interval.
 */
export function ourBrowserClient(backend: BrowserModeBackend, lines: string[], platformAnalyzer: IPlatformAnalyzer, storage: IExternalStorage = createMemoryStorage()): AssembledClient {
  return new AssembledClient(
    { siteCode: backend.siteCode, configuration: { defaultDataFile: backend.config }, externals: { requester: backendRequester(backend, lines), logger: { log() {} } }, _internals: { platformAnalyzer, trackingLimits: { activityMs: ACTIVITY_4_17_MS } } },
    browserModeAssembly(storage),
  );
}

/** The official SDK as a browser would run it, on an in-memory storage (`store`). */
export function officialBrowserClient(backend: BrowserModeBackend, lines: string[], platformAnalyzer: unknown, store = new Map<string, unknown>()): official.KameleoonClient {
  return new official.KameleoonClient({
    siteCode: backend.siteCode,
    externals: officialOfflineExternals(backendRequester(backend, lines) as never, store),
    _internals: { packageInfo: { ...BROWSER } as never, platformAnalyzer: platformAnalyzer as never },
  });
}

/** Lines by visitor, nonces masked, in order. */
export function byVisitor(lines: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of lines) (out[/&visitorCode=([^&]*)/.exec(line)?.[1] ?? '?'] ??= []).push(line.replace(/&nonce=[0-9A-F]{16}/, '&nonce=<nonce>'));
  return out;
}
