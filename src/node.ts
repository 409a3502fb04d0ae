/** The Node.js entry: the public API with a client wired to the server platform. */
import { KameleoonClientBase } from './client/kameleoonClient.ts';
import type { SDKParameters } from './client/options.ts';
import { serverAssembly } from './client/serverAssembly.ts';
import type { TrackingFactory } from './client/assembly.ts';
import { createClientFactory } from './client/factory.ts';
import { readConfigurationFile } from './platform/node/configFile.ts';
import { VisitorSharing } from './fleet/sharing.ts';
import type { PrepareRequestResult, PrepareVisitorResult, SharedStoreStatus } from './fleet/sharedStore.ts';
import type { GetVisitorCodeParamsType } from './client/types.ts';
import { validateVisitorCode } from './visitor/visitorCode.ts';
import { msg } from './logging/msg.ts';
export * from './index.ts';
export * from './server.ts';

/** Which build of the package a runtime resolved (`'node'` here; `'edge'` and `'browser'` in the others). */
export const BUILD = 'node';

/**
 * The Kameleoon client for Node.js servers: visitors in RAM, cookies through request and response;
 * with `externals.sharedStore`, visitors, exposures and the configuration shared by a fleet of
 * processes (see {@link KameleoonClient.prepareVisitor | prepareVisitor}).
 */
export class KameleoonClient extends KameleoonClientBase {
  readonly #sharing: VisitorSharing | undefined;
  #closing: Promise<void> | undefined;
  /** Responses whose `end` writes the request's changes first (see prepareRequest). */
  readonly #writesBeforeEnd = new WeakSet<object>();

  /**
   * @param params - the site code, and optionally `configuration`, `externals` (requester, storage,
   * event source, visitor code manager, logger, shared store) and `_internals`
   * @throws {@link SiteCodeIsEmpty} when `siteCode` is empty; {@link InvalidArgument} for a bad option
   */
  constructor(params: SDKParameters) {
    const assembly = serverAssembly();
    const store = typeof params === 'object' && params !== null ? params.externals?.sharedStore : undefined;
    let sharing: VisitorSharing | undefined;
    if (store) {
      // The fleet's sharing takes the configuration requests and wraps the tracking pipeline;
      // the rest of the client does not know of it (nor of its options).
      const fleet = new VisitorSharing(store, params);
      const { sharedStore: _store, ...externals } = params.externals!;
      const { updateIntervalMs: _interval, lockHeartbeatMs: _heartbeat, ...internals } = params._internals ?? {};
      externals.requester = fleet.requester(externals.requester ?? assembly.platform.requester);
      const create = (assembly.tracking as { create: TrackingFactory }).create;
      assembly.tracking = { create: (deps) => fleet.attach(deps, create) };
      params = { ...params, externals, _internals: internals };
      sharing = fleet;
    }
    super(params, assembly);
    this.#sharing = sharing;
  }

  /**
   * Fleets (`externals.sharedStore`): loads the visitor from the shared store, in one round trip
   * (two for a user id linked to an anonymous visitor, which is loaded too), before a request
   * evaluates it; evaluation then stays synchronous, and what the request changes
   * is written back in the background. Waits at most the store's `loadTimeout` (default 50 ms):
   * past it, or when the store fails, the request is served from this process's memory (see
   * {@link KameleoonClient.getSharedStoreStatus | getSharedStoreStatus}). Without a shared store it
   * resolves at once.
   * @param visitorCode - the visitor's code, 1 to 255 characters
   * @returns where the visitor was read; the promise never rejects once the code is checked
   * @throws {@link VisitorCodeInvalid} (as a rejection) when `visitorCode` is empty, too long or not a string
   */
  async prepareVisitor(visitorCode: string): Promise<PrepareVisitorResult> {
    validateVisitorCode(visitorCode);
    return this.#sharing ? this.#sharing.prepare(visitorCode) : { source: 'local', reason: 'none' };
  }

  /**
   * The helper of Node `http` and Fetch handlers in a fleet: `getVisitorCode(params)` (the cookie
   * of `request`, set on `response`), then {@link KameleoonClient.prepareVisitor | prepareVisitor}.
   * @param params - `{ request, response }` (Node's IncomingMessage and ServerResponse, or a Fetch
   * `Request` and `Headers`), Next.js's `cookies`, `defaultVisitorCode`
   * With a Node `response`, the response ends once what the request changed is in the store
   * (within what is left of `loadTimeout`), so that the visitor's next request reads it on any
   * process; elsewhere, call {@link KameleoonClient.saveVisitors | saveVisitors} before answering.
   * @returns the visitor's code and where the visitor was read, once it is loaded (or `loadTimeout` passed)
   * @throws {@link VisitorCodeInvalid} (as a rejection) when `defaultVisitorCode` is not a valid code
   */
  async prepareRequest(params: GetVisitorCodeParamsType): Promise<PrepareRequestResult> {
    const visitorCode = this.getVisitorCode(params);
    const sharing = this.#sharing;
    const response = params?.response as { end?: (...args: unknown[]) => unknown } | undefined;
    if (sharing && typeof response?.end === 'function' && !this.#writesBeforeEnd.has(response)) {
      // Node's ServerResponse: what the request changed is in the store before its response
      // leaves (the visitor's next request may reach another process at once), within what is
      // left of the request's loadTimeout: no request waits longer for the store than that.
      this.#writesBeforeEnd.add(response);
      const deadline = Date.now() + sharing.timeoutMs;
      const end = response.end;
      // Where end() throws once deferred (bad arguments), no caller is left to catch it: it is logged, not a crash.
      const report = (err: unknown) => this.warnOnce(`end:${String(err)}`, msg`response.end() threw once the request's changes were in the shared store: ${String(err)}`);
      response.end = function (this: unknown, ...args: unknown[]) {
        const written = sharing.writeNow();
        const left = deadline - Date.now();
        if (!written || left <= 0) return end.apply(this, args);
        let timer: ReturnType<typeof setTimeout> | undefined;
        void Promise.race([written, new Promise((resolve) => (timer = setTimeout(resolve, left)))])
          .then(() => {
            clearTimeout(timer);
            end.apply(this, args);
          })
          .catch(report);
        return this;
      };
    }
    return { visitorCode, ...(await this.prepareVisitor(visitorCode)) };
  }

  /**
   * Fleets: writes what was changed since the last write now, rather than in the background, and
   * resolves once the store has it, or after `loadTimeout`: for a Fetch handler, before it returns
   * its response. Never rejects; resolves at once without a shared store.
   */
  async saveVisitors(): Promise<void> {
    const written = this.#sharing?.writeNow();
    if (!written) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([written, new Promise((resolve) => (timer = setTimeout(resolve, this.#sharing!.timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Where sharing stands: whether the store answers, loads, fallbacks to local memory, failed writes, claims lost, the configuration lock. */
  getSharedStoreStatus(): SharedStoreStatus {
    return this.#sharing?.status ?? { enabled: false, available: false, loads: 0, fallbacks: 0, failedWrites: 0, claimsLost: 0, lastError: undefined, configurationHolder: false };
  }

  /**
   * Stops the client (see {@link KameleoonClientBase.close}); in a fleet, also writes the visitors
   * changed last to the shared store. The store itself stays open (it may serve other clients):
   * close it with its own `close()`.
   */
  override close(): Promise<void> {
    return (this.#closing ??= (async () => {
      await this.#sharing?.settled();
      await super.close();
      await this.#sharing?.close();
    })());
  }

  /**
   * {@link KameleoonClientBase.flushInstant}; in a fleet, once this process's claims of exposures
   * are answered (each exposure is sent by the process that claimed it).
   * @throws as {@link KameleoonClientBase.flushInstant}
   */
  override async flushInstant(visitorCode?: string): Promise<void> {
    await this.#sharing?.settled();
    return super.flushInstant(visitorCode);
  }
}

/** One Node.js client per site code, configured from a server-SDK YAML file merged under `configuration`. */
export const KameleoonClientFactory = createClientFactory(KameleoonClient, readConfigurationFile);
export { readConfigurationFile };
export { mergeConfiguration, DEFAULT_CONFIGURATION_PATH } from './platform/node/configFile.ts';
export type { FileConfiguration } from './platform/node/configFile.ts';
export type { ClientFactory, ClientFactoryOptions } from './client/factory.ts';
export type { PrepareVisitorResult, PrepareRequestResult, SharedStoreStatus, SharedVisitorSource } from './fleet/sharedStore.ts';

/** The official Node SDK's helper classes for `externals`, under their names (see nodeExternals.ts). */
export { KameleoonEventSource, KameleoonRequester, KameleoonVisitorCodeManager } from './official/nodeExternals.ts';
export type { GetDataParametersType } from './official/nodeExternals.ts';

/** The zustand store of a client's results (the React bindings use it; so can any UI or Node code). */
export { KameleoonStore } from './store/kameleoonStore.ts';
export type { KameleoonStatus, KameleoonState, StatusInfo } from './store/kameleoonStore.ts';
