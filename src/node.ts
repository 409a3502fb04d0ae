/** The Node.js entry: the public API with a client wired to the server platform. */
import { KameleoonClientBase } from './client/kameleoonClient.ts';
import type { SDKParameters } from './client/options.ts';
import { serverAssembly } from './client/serverAssembly.ts';
import { createClientFactory } from './client/factory.ts';
import { readConfigurationFile } from './platform/node/configFile.ts';
export * from './index.ts';
export * from './server.ts';

/** Which build of the package a runtime resolved (`'node'` here; `'edge'` and `'browser'` in the others). */
export const BUILD = 'node';

/** The Kameleoon client for Node.js servers: visitors in RAM, cookies through request and response. */
export class KameleoonClient extends KameleoonClientBase {
  /**
   * @param params - the site code, and optionally `configuration`, `externals` (requester, storage,
   * event source, visitor code manager, logger) and `_internals`
   * @throws {@link SiteCodeIsEmpty} when `siteCode` is empty; {@link InvalidArgument} for a bad option
   */
  constructor(params: SDKParameters) {
    super(params, serverAssembly());
  }
}

/** One Node.js client per site code, configured from a server-SDK YAML file merged under `configuration`. */
export const KameleoonClientFactory = createClientFactory(KameleoonClient, readConfigurationFile);
export { readConfigurationFile };
export { mergeConfiguration, DEFAULT_CONFIGURATION_PATH } from './platform/node/configFile.ts';
export type { FileConfiguration } from './platform/node/configFile.ts';
export type { ClientFactory, ClientFactoryOptions } from './client/factory.ts';

/** The official Node SDK's helper classes for `externals`, under their names (see nodeExternals.ts). */
export { KameleoonEventSource, KameleoonRequester, KameleoonVisitorCodeManager } from './official/nodeExternals.ts';
export type { GetDataParametersType } from './official/nodeExternals.ts';

/** The zustand store of a client's results (the React bindings use it; so can any UI or Node code). */
export { KameleoonStore } from './store/kameleoonStore.ts';
export type { KameleoonStatus, KameleoonState, StatusInfo } from './store/kameleoonStore.ts';
