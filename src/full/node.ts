/**
 * kameleoon-ts/full, Node.js build: the Node entry's API, with a client (and a client factory)
 * that also logs at INFO (configuration, requests, stream, visitor codes) and DEBUG (every public
 * call and its result). The standard entries carry none of this code.
 */
import { KameleoonClient as StandardClient, readConfigurationFile } from '../node.ts';
import { createClientFactory } from '../client/factory.ts';
import type { SDKParameters } from '../client/options.ts';
import { instrument, verbose } from './instrument.ts';

export * from '../node.ts';
export { KameleoonLogger } from './kameleoonLogger.ts';

/**
 * The Kameleoon client for Node.js servers (see the standard entry's), logging at the INFO and
 * DEBUG levels too: `client.setLogLevel(LogLevel.DEBUG)` or `KameleoonLogger.setLogLevel(LogLevel.DEBUG)`.
 */
export class KameleoonClient extends StandardClient {
  /**
   * @param params - the site code, and optionally `configuration`, `externals` (requester, storage,
   * event source, visitor code manager, logger) and `_internals`
   * @throws {@link SiteCodeIsEmpty} when `siteCode` is empty; {@link InvalidArgument} for a bad option
   */
  constructor(params: SDKParameters) {
    const { logger, params: withLogging } = verbose(params);
    super(withLogging);
    instrument(this, logger, params);
  }
}

/** One Node.js client of this build per site code, configured from a server-SDK YAML file merged under `configuration`. */
export const KameleoonClientFactory = createClientFactory(KameleoonClient, readConfigurationFile);
